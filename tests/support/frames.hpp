// Builds test frames byte by byte. Checksums are left zero: the decoder does not verify
// them (a sensor must see traffic whatever the NIC offloads did to checksums).
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string_view>
#include <vector>

#include "btsensor/shard.hpp"
#include "btsensor/types.hpp"

namespace btsensor::test {

using Bytes = std::vector<uint8_t>;

inline void put16(Bytes& b, uint16_t v) {
  b.push_back(uint8_t(v >> 8));
  b.push_back(uint8_t(v));
}
inline void put32(Bytes& b, uint32_t v) {
  put16(b, uint16_t(v >> 16));
  put16(b, uint16_t(v));
}
inline IpAddr ip(std::string_view s) {
  return *IpAddr::parse(s);
}

struct FrameSpec {
  IpAddr src, dst;
  uint16_t sport = 0, dport = 0;
  uint8_t proto = kProtoTcp;
  uint8_t tcp_flags = 0x18;     // PSH|ACK
  std::vector<uint16_t> vlans;  // outermost first
  Bytes payload;
};

inline Bytes l4_header(const FrameSpec& f) {
  Bytes b;
  if (f.proto == kProtoTcp) {
    put16(b, f.sport);
    put16(b, f.dport);
    put32(b, 1000);     // seq
    put32(b, 0);        // ack
    b.push_back(0x50);  // data offset 5 words
    b.push_back(f.tcp_flags);
    put16(b, 65535);  // window
    put16(b, 0);      // checksum
    put16(b, 0);      // urgent
  } else if (f.proto == kProtoUdp) {
    put16(b, f.sport);
    put16(b, f.dport);
    put16(b, uint16_t(8 + f.payload.size()));
    put16(b, 0);
  }
  b.insert(b.end(), f.payload.begin(), f.payload.end());
  return b;
}

inline Bytes ip_packet(const FrameSpec& f) {
  Bytes l4 = l4_header(f);
  Bytes b;
  if (f.src.is_v4()) {
    b.push_back(0x45);  // version 4, IHL 5
    b.push_back(0);
    put16(b, uint16_t(20 + l4.size()));
    put16(b, 1);       // id
    put16(b, 0x4000);  // DF, offset 0
    b.push_back(64);   // TTL
    b.push_back(f.proto);
    put16(b, 0);
    b.insert(b.end(), f.src.b.begin() + 12, f.src.b.end());
    b.insert(b.end(), f.dst.b.begin() + 12, f.dst.b.end());
  } else {
    put32(b, 0x60000000);  // version 6
    put16(b, uint16_t(l4.size()));
    b.push_back(f.proto);
    b.push_back(64);
    b.insert(b.end(), f.src.b.begin(), f.src.b.end());
    b.insert(b.end(), f.dst.b.begin(), f.dst.b.end());
  }
  b.insert(b.end(), l4.begin(), l4.end());
  return b;
}

inline Bytes ether_frame(const FrameSpec& f) {
  Bytes b = {0x02, 0, 0, 0, 0, 1, 0x02, 0, 0, 0, 0, 2};
  for (uint16_t v : f.vlans) {
    put16(b, 0x8100);
    put16(b, v);
  }
  put16(b, f.src.is_v4() ? 0x0800 : 0x86dd);
  Bytes ipb = ip_packet(f);
  b.insert(b.end(), ipb.begin(), ipb.end());
  return b;
}

inline Bytes text(std::string_view s) {
  return Bytes(s.begin(), s.end());
}

// Owns frames and hands them to a shard as RawPackets.
struct Capture {
  std::vector<Bytes> frames;
  std::vector<Timestamp> times;
  void add(Timestamp ts, Bytes frame) {
    frames.push_back(std::move(frame));
    times.push_back(ts);
  }
  std::vector<RawPacket> packets() const {
    std::vector<RawPacket> v;
    for (size_t i = 0; i < frames.size(); ++i)
      v.push_back(RawPacket{frames[i].data(), uint32_t(frames[i].size()),
                            uint32_t(frames[i].size()), times[i], LinkType::kEthernet});
    return v;
  }
};

}  // namespace btsensor::test
