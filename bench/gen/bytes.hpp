// Byte-buffer helpers for building protocol messages (network byte order unless named _le).
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "noise.hpp"
#include "rng.hpp"

namespace btsensor::gen {

using Bytes = std::vector<uint8_t>;

inline void put_u8(Bytes& b, uint8_t v) {
  b.push_back(v);
}
inline void put_u16(Bytes& b, uint16_t v) {
  b.push_back(uint8_t(v >> 8));
  b.push_back(uint8_t(v));
}
inline void put_u24(Bytes& b, uint32_t v) {
  b.push_back(uint8_t(v >> 16));
  b.push_back(uint8_t(v >> 8));
  b.push_back(uint8_t(v));
}
inline void put_u32(Bytes& b, uint32_t v) {
  put_u16(b, uint16_t(v >> 16));
  put_u16(b, uint16_t(v));
}
inline void put_u64(Bytes& b, uint64_t v) {
  put_u32(b, uint32_t(v >> 32));
  put_u32(b, uint32_t(v));
}
inline void put_u32_le(Bytes& b, uint32_t v) {
  for (int i = 0; i < 4; ++i) b.push_back(uint8_t(v >> (8 * i)));
}
inline void put_u64_le(Bytes& b, uint64_t v) {
  for (int i = 0; i < 8; ++i) b.push_back(uint8_t(v >> (8 * i)));
}
inline void put_bytes(Bytes& b, std::span<const uint8_t> s) {
  b.insert(b.end(), s.begin(), s.end());
}
inline void put_str(Bytes& b, std::string_view s) {
  b.insert(b.end(), s.begin(), s.end());
}
// Random bytes: straight from the PRNG for short fields (keys, nonces), from the noise pool
// for bulk payload where the PRNG would cost more than everything else together.
inline void put_random(Bytes& b, Rng& rng, size_t n) {
  const size_t old = b.size();
  b.resize(old + n);
  if (n < 64) {
    rng.fill(b.data() + old, n);
  } else {
    fill_noise(rng, b.data() + old, n);
  }
}
// Overwrites a big-endian 16/24-bit length field at `at` once the body size is known.
inline void patch_u16(Bytes& b, size_t at, uint16_t v) {
  b[at] = uint8_t(v >> 8);
  b[at + 1] = uint8_t(v);
}
inline void patch_u24(Bytes& b, size_t at, uint32_t v) {
  b[at] = uint8_t(v >> 16);
  b[at + 1] = uint8_t(v >> 8);
  b[at + 2] = uint8_t(v);
}

// Bencoding (BEP 3): byte strings "<len>:<bytes>", integers "i<n>e", d...e, l...e.
inline void bencode_str(Bytes& b, std::span<const uint8_t> s) {
  put_str(b, std::to_string(s.size()));
  b.push_back(':');
  put_bytes(b, s);
}
inline void bencode_str(Bytes& b, std::string_view s) {
  put_str(b, std::to_string(s.size()));
  b.push_back(':');
  put_str(b, s);
}
inline void bencode_int(Bytes& b, int64_t v) {
  b.push_back('i');
  put_str(b, std::to_string(v));
  b.push_back('e');
}

inline std::string hex_lower(std::span<const uint8_t> s) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(s.size() * 2);
  for (uint8_t c : s) {
    out += kDigits[c >> 4];
    out += kDigits[c & 15];
  }
  return out;
}

}  // namespace btsensor::gen
