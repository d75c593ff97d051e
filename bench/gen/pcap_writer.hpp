// Streams a classic libpcap file (not pcapng): little-endian, microsecond timestamps,
// LINKTYPE_ETHERNET, snaplen 65535. Records are assembled in a large in-memory buffer and
// written in big chunks so the writer is never the bottleneck at millions of packets/s.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

namespace btsensor::gen {

class PcapWriter {
 public:
  static constexpr uint32_t kSnapLen = 65535;

  // Opens (truncates) path and writes the global header; throws std::runtime_error on failure.
  explicit PcapWriter(const std::string& path);
  ~PcapWriter();
  PcapWriter(const PcapWriter&) = delete;
  PcapWriter& operator=(const PcapWriter&) = delete;

  // Two-step append so callers can serialise the frame in place without a copy:
  // begin_record returns room for frame_len bytes, end_record stamps the record header.
  uint8_t* begin_record(size_t frame_len);
  void end_record(int64_t ts_us, size_t frame_len);

  // Flushes and closes; throws std::runtime_error if any write failed (e.g. disk full).
  void close();

  uint64_t packets() const { return packets_; }
  uint64_t bytes_written() const { return bytes_; }

 private:
  void flush();

  std::FILE* file_ = nullptr;
  std::string path_;
  std::vector<uint8_t> buf_;
  size_t used_ = 0;
  uint64_t packets_ = 0;
  uint64_t bytes_ = 0;
  bool failed_ = false;
};

}  // namespace btsensor::gen
