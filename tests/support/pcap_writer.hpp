// Writes a classic pcap file (microsecond timestamps, Ethernet) from test frames.
#pragma once

#include <cstdint>
#include <fstream>
#include <string>
#include <vector>

#include "support/frames.hpp"

namespace btsensor::test {

inline void write_pcap(const std::string& path, const Capture& cap) {
  std::ofstream out(path, std::ios::binary);
  auto u32 = [&](uint32_t v) { out.write(reinterpret_cast<const char*>(&v), 4); };
  auto u16 = [&](uint16_t v) { out.write(reinterpret_cast<const char*>(&v), 2); };
  u32(0xa1b2c3d4);  // magic, microsecond resolution, written in host order
  u16(2);
  u16(4);
  u32(0);  // thiszone
  u32(0);  // sigfigs
  u32(65535);
  u32(1);  // LINKTYPE_ETHERNET
  for (size_t i = 0; i < cap.frames.size(); ++i) {
    u32(uint32_t(cap.times[i] / kNsPerSec));
    u32(uint32_t(cap.times[i] % kNsPerSec / 1000));
    u32(uint32_t(cap.frames[i].size()));
    u32(uint32_t(cap.frames[i].size()));
    out.write(reinterpret_cast<const char*>(cap.frames[i].data()),
              std::streamsize(cap.frames[i].size()));
  }
}

}  // namespace btsensor::test
