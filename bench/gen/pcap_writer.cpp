#include "pcap_writer.hpp"

#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace btsensor::gen {
namespace {

constexpr size_t kBufferSize = 8u << 20;  // 8 MiB: amortises write(2) calls
constexpr size_t kRecordHeaderLen = 16;   // ts_sec, ts_usec, incl_len, orig_len
constexpr uint32_t kLinkTypeEthernet = 1;

// pcap fields are written little-endian explicitly (magic a1b2c3d4 stored as d4 c3 b2 a1), so
// the file is identical whatever the host byte order.
void put_le32(uint8_t* p, uint32_t v) {
  p[0] = uint8_t(v);
  p[1] = uint8_t(v >> 8);
  p[2] = uint8_t(v >> 16);
  p[3] = uint8_t(v >> 24);
}
void put_le16(uint8_t* p, uint16_t v) {
  p[0] = uint8_t(v);
  p[1] = uint8_t(v >> 8);
}

}  // namespace

PcapWriter::PcapWriter(const std::string& path) : path_(path), buf_(kBufferSize) {
  file_ = std::fopen(path.c_str(), "wb");
  if (file_ == nullptr) {
    throw std::runtime_error("cannot open '" + path + "' for writing: " + std::strerror(errno));
  }
  // stdio buffering would only add a copy on top of our own buffer.
  std::setvbuf(file_, nullptr, _IONBF, 0);
  uint8_t* h = buf_.data();
  put_le32(h, 0xa1b2c3d4);  // magic: microsecond-resolution classic pcap
  put_le16(h + 4, 2);       // version 2.4, the only classic version
  put_le16(h + 6, 4);
  put_le32(h + 8, 0);   // thiszone: timestamps are UTC
  put_le32(h + 12, 0);  // sigfigs: always 0 in practice
  put_le32(h + 16, kSnapLen);
  put_le32(h + 20, kLinkTypeEthernet);
  used_ = 24;
}

PcapWriter::~PcapWriter() {
  if (file_ != nullptr) {
    flush();
    std::fclose(file_);
  }
}

uint8_t* PcapWriter::begin_record(size_t frame_len) {
  if (used_ + kRecordHeaderLen + frame_len > buf_.size()) flush();
  return buf_.data() + used_ + kRecordHeaderLen;
}

void PcapWriter::end_record(int64_t ts_us, size_t frame_len) {
  uint8_t* h = buf_.data() + used_;
  put_le32(h, uint32_t(ts_us / 1'000'000));
  put_le32(h + 4, uint32_t(ts_us % 1'000'000));
  const uint32_t incl = uint32_t(frame_len < kSnapLen ? frame_len : kSnapLen);
  put_le32(h + 8, incl);
  put_le32(h + 12, uint32_t(frame_len));
  used_ += kRecordHeaderLen + incl;
  ++packets_;
}

void PcapWriter::flush() {
  if (used_ == 0 || failed_) {
    used_ = 0;
    return;
  }
  if (std::fwrite(buf_.data(), 1, used_, file_) != used_) failed_ = true;
  bytes_ += used_;
  used_ = 0;
}

void PcapWriter::close() {
  if (file_ == nullptr) return;
  flush();
  const bool close_failed = std::fclose(file_) != 0;
  file_ = nullptr;
  if (failed_ || close_failed) {
    throw std::runtime_error("error writing '" + path_ + "': " + std::strerror(errno));
  }
}

}  // namespace btsensor::gen
