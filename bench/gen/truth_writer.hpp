// Ground-truth sidecar: one TSV row per flow, written when the flow starts, so rows come out
// in flow start-time order. Header: file l4 endpoint_a endpoint_b label evidence.
#pragma once

#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

#include "net.hpp"

namespace btsensor::gen {

class TruthWriter {
 public:
  // Empty path: rows are counted but not written.
  TruthWriter(const std::string& path, std::string pcap_name);
  ~TruthWriter();
  TruthWriter(const TruthWriter&) = delete;
  TruthWriter& operator=(const TruthWriter&) = delete;

  void add(bool tcp, const Endpoint& a, const Endpoint& b, bool bittorrent,
           std::string_view evidence);
  // Flushes and closes; throws std::runtime_error if a write failed.
  void close();

  uint64_t rows() const { return rows_; }
  uint64_t bt_rows() const { return bt_rows_; }

 private:
  std::FILE* file_ = nullptr;
  std::string path_;
  std::string pcap_name_;
  std::string line_;
  std::vector<char> buffer_;  // stdio buffer of file_ (freed only after the dtor fcloses it)
  uint64_t rows_ = 0;
  uint64_t bt_rows_ = 0;
};

}  // namespace btsensor::gen
