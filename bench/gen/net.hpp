// Address value types used by the generator: MAC, IPv4/IPv6 address, transport endpoint.
// Kept separate from the engine's include/btsensor/types.hpp so btgen stays a standalone tool.
#pragma once

#include <array>
#include <cstdint>
#include <string>

namespace btsensor::gen {

struct MacAddress {
  std::array<uint8_t, 6> bytes{};
};

// IPv4 addresses occupy bytes[0..3]; IPv6 uses all 16.
struct IpAddress {
  std::array<uint8_t, 16> bytes{};
  bool is_v6 = false;

  static IpAddress v4(uint32_t host_order) {
    IpAddress a;
    a.bytes[0] = uint8_t(host_order >> 24);
    a.bytes[1] = uint8_t(host_order >> 16);
    a.bytes[2] = uint8_t(host_order >> 8);
    a.bytes[3] = uint8_t(host_order);
    return a;
  }
  static IpAddress v6(const std::array<uint8_t, 16>& b) {
    IpAddress a;
    a.bytes = b;
    a.is_v6 = true;
    return a;
  }

  const uint8_t* data() const { return bytes.data(); }
  size_t size() const { return is_v6 ? 16 : 4; }
  uint32_t v4_value() const {
    return (uint32_t(bytes[0]) << 24) | (uint32_t(bytes[1]) << 16) | (uint32_t(bytes[2]) << 8) |
           bytes[3];
  }

  // Dotted quad, or RFC 5952 canonical IPv6 text (what inet_ntop and Wireshark print).
  std::string to_string() const;
};

struct Endpoint {
  IpAddress ip;
  uint16_t port = 0;

  // "a.b.c.d:port" or "[v6]:port", the form used by the ground-truth file.
  std::string to_string() const;
};

}  // namespace btsensor::gen
