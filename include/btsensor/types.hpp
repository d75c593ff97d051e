// Basic value types shared by every module: addresses, time, the flow 5-tuple.
// Header-only, no I/O, no allocation.
#pragma once

#include <array>
#include <compare>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>

namespace btsensor {

// Packet time in nanoseconds since the Unix epoch. Always passed in by the driver (pcap
// timestamp, TSC-derived time on the dataplane, a manual clock in tests); the engine never
// reads a clock itself, which is what makes replay deterministic.
using Timestamp = int64_t;
constexpr Timestamp kNsPerSec = 1'000'000'000;

// An IPv4 or IPv6 address. IPv4 is stored IPv4-mapped (::ffff:a.b.c.d) so that every table,
// hash and comparison handles one 16-byte shape; the price is that a real IPv6 packet carrying
// a v4-mapped address is indistinguishable from IPv4, which never happens on the wire.
struct IpAddr {
  std::array<uint8_t, 16> b{};

  static IpAddr v4(uint32_t host_order) {
    IpAddr a;
    a.b[10] = 0xff;
    a.b[11] = 0xff;
    a.b[12] = uint8_t(host_order >> 24);
    a.b[13] = uint8_t(host_order >> 16);
    a.b[14] = uint8_t(host_order >> 8);
    a.b[15] = uint8_t(host_order);
    return a;
  }
  static IpAddr v4_bytes(const uint8_t* p) {
    IpAddr a;
    a.b[10] = 0xff;
    a.b[11] = 0xff;
    std::memcpy(&a.b[12], p, 4);
    return a;
  }
  static IpAddr v6_bytes(const uint8_t* p) {
    IpAddr a;
    std::memcpy(a.b.data(), p, 16);
    return a;
  }

  bool is_v4() const {
    static constexpr uint8_t kMapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    return std::memcmp(b.data(), kMapped, 12) == 0;
  }
  // Host-order IPv4 value; only meaningful when is_v4().
  uint32_t v4_value() const {
    return (uint32_t(b[12]) << 24) | (uint32_t(b[13]) << 16) | (uint32_t(b[14]) << 8) | b[15];
  }
  // Pointer to the address bytes as they appear on the wire (4 or 16 bytes).
  const uint8_t* wire_bytes() const { return is_v4() ? &b[12] : b.data(); }
  size_t wire_len() const { return is_v4() ? 4 : 16; }
  bool is_multicast() const { return is_v4() ? (b[12] & 0xf0) == 0xe0 : b[0] == 0xff; }

  // Both on two 64-bit words, with the same results as the defaulted operators (byte-wise,
  // network order): those call memcmp out of line, and the flow-key build, the flow-table
  // probe and the host check compare addresses for every packet (5–7% of a shard's time).
  friend bool operator==(const IpAddr& x, const IpAddr& y) {
    return x.word(0) == y.word(0) && x.word(8) == y.word(8);
  }
  friend std::strong_ordering operator<=>(const IpAddr& x, const IpAddr& y) {
    uint64_t xh = __builtin_bswap64(x.word(0)), yh = __builtin_bswap64(y.word(0));
    if (xh != yh) return xh <=> yh;
    return __builtin_bswap64(x.word(8)) <=> __builtin_bswap64(y.word(8));
  }

  std::string to_string() const;
  // Bytes [off, off + 8) in host byte order (a load, for comparisons).
  uint64_t word(size_t off) const {
    uint64_t v;
    std::memcpy(&v, b.data() + off, 8);
    return v;
  }
  // Parses dotted IPv4 or RFC 4291 IPv6 text; nullopt when malformed.
  static std::optional<IpAddr> parse(std::string_view text);
};

// IANA protocol numbers used by the engine.
enum : uint8_t { kProtoIcmp = 1, kProtoTcp = 6, kProtoUdp = 17, kProtoIcmp6 = 58 };

// The 5-tuple of a packet as seen on the wire (src = sender of this packet).
struct FiveTuple {
  IpAddr src, dst;
  uint16_t sport = 0, dport = 0;
  uint8_t proto = 0;
};

// 64-bit mixer (the finaliser of MurmurHash3 / splitmix64): cheap and good enough to spread
// table indices; not a cryptographic hash.
constexpr uint64_t mix64(uint64_t x) {
  x ^= x >> 33;
  x *= 0xff51afd7ed558ccdULL;
  x ^= x >> 33;
  x *= 0xc4ceb9fe1a85ec53ULL;
  x ^= x >> 33;
  return x;
}

inline uint64_t hash_addr(const IpAddr& a, uint64_t seed = 0) {
  uint64_t hi, lo;
  std::memcpy(&hi, a.b.data(), 8);
  std::memcpy(&lo, a.b.data() + 8, 8);
  return mix64(hi ^ mix64(lo ^ seed));
}

const char* proto_name(uint8_t proto);

}  // namespace btsensor
