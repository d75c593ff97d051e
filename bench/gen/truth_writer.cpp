#include "truth_writer.hpp"

#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace btsensor::gen {

TruthWriter::TruthWriter(const std::string& path, std::string pcap_name)
    : path_(path), pcap_name_(std::move(pcap_name)) {
  if (path.empty()) return;
  file_ = std::fopen(path.c_str(), "w");
  if (file_ == nullptr) {
    throw std::runtime_error("cannot open '" + path + "' for writing: " + std::strerror(errno));
  }
  buffer_.resize(1 << 20);  // millions of short rows: a big stdio buffer keeps writes cheap
  std::setvbuf(file_, buffer_.data(), _IOFBF, buffer_.size());
  std::fputs("file\tl4\tendpoint_a\tendpoint_b\tlabel\tevidence\n", file_);
}

TruthWriter::~TruthWriter() {
  if (file_ != nullptr) std::fclose(file_);
}

void TruthWriter::add(bool tcp, const Endpoint& a, const Endpoint& b, bool bittorrent,
                      std::string_view evidence) {
  ++rows_;
  if (bittorrent) ++bt_rows_;
  if (file_ == nullptr) return;
  line_.clear();
  line_ += pcap_name_;
  line_ += tcp ? "\tTCP\t" : "\tUDP\t";
  line_ += a.to_string();
  line_ += '\t';
  line_ += b.to_string();
  line_ += bittorrent ? "\tBT\t" : "\tnotBT\t";
  line_ += evidence;
  line_ += '\n';
  std::fwrite(line_.data(), 1, line_.size(), file_);
}

void TruthWriter::close() {
  if (file_ == nullptr) return;
  const bool failed = std::ferror(file_) != 0;
  const bool close_failed = std::fclose(file_) != 0;
  file_ = nullptr;
  if (failed || close_failed) throw std::runtime_error("error writing '" + path_ + "'");
}

}  // namespace btsensor::gen
