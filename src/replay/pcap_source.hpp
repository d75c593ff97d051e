// Reads pcap and pcapng files through libpcap, one packet at a time, with nanosecond
// timestamps and the capture's link type mapped to the engine's LinkType.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "btsensor/decode.hpp"
#include "btsensor/result.hpp"
#include "btsensor/types.hpp"

struct pcap;

namespace btsensor {

struct PcapPacket {
  const uint8_t* data = nullptr;  // valid until the next call to next()
  uint32_t caplen = 0;
  uint32_t wire_len = 0;
  Timestamp ts = 0;
};

class PcapSource {
 public:
  // Opens a capture. Errors name the file: missing, not a capture, unsupported link type.
  static Result<std::unique_ptr<PcapSource>> open(const std::string& path);
  ~PcapSource();

  enum class Next { kPacket, kEnd, kError };
  // kError: the file is damaged past this point (e.g. truncated); error() says why.
  Next next(PcapPacket& out);
  LinkType link_type() const { return link_; }
  const std::string& path() const { return path_; }
  const std::string& error() const { return error_; }

 private:
  PcapSource(pcap* p, std::string path, LinkType link)
      : p_(p), path_(std::move(path)), link_(link) {}
  pcap* p_;
  std::string path_;
  LinkType link_;
  std::string error_;
};

}  // namespace btsensor
