// SHA-1 per FIPS 180-4; see sha1.hpp.
#include "engine/sha1.hpp"

#include <bit>
#include <cstring>

namespace btsensor {

namespace {

uint32_t load_be32(const uint8_t* p) {
  return (uint32_t(p[0]) << 24) | (uint32_t(p[1]) << 16) | (uint32_t(p[2]) << 8) | p[3];
}

void store_be32(uint8_t* p, uint32_t v) {
  p[0] = uint8_t(v >> 24);
  p[1] = uint8_t(v >> 16);
  p[2] = uint8_t(v >> 8);
  p[3] = uint8_t(v);
}

}  // namespace

void Sha1::reset() noexcept {
  // Initial hash value H(0), FIPS 180-4 section 5.3.1.
  h_[0] = 0x67452301;
  h_[1] = 0xefcdab89;
  h_[2] = 0x98badcfe;
  h_[3] = 0x10325476;
  h_[4] = 0xc3d2e1f0;
  total_bytes_ = 0;
  buf_len_ = 0;
}

void Sha1::compress(const uint8_t* block) noexcept {
  // Message schedule W0..W79, FIPS 180-4 section 6.1.2 step 1.
  uint32_t w[80];
  for (int t = 0; t < 16; ++t) w[t] = load_be32(block + 4 * t);
  for (int t = 16; t < 80; ++t) w[t] = std::rotl(w[t - 3] ^ w[t - 8] ^ w[t - 14] ^ w[t - 16], 1);

  uint32_t a = h_[0], b = h_[1], c = h_[2], d = h_[3], e = h_[4];
  for (int t = 0; t < 80; ++t) {
    // f_t and K_t change every 20 rounds (sections 4.1.1 and 4.2.1).
    uint32_t f, k;
    if (t < 20) {
      f = (b & c) | (~b & d);  // Ch
      k = 0x5a827999;
    } else if (t < 40) {
      f = b ^ c ^ d;  // Parity
      k = 0x6ed9eba1;
    } else if (t < 60) {
      f = (b & c) | (b & d) | (c & d);  // Maj
      k = 0x8f1bbcdc;
    } else {
      f = b ^ c ^ d;  // Parity
      k = 0xca62c1d6;
    }
    const uint32_t tmp = std::rotl(a, 5) + f + e + k + w[t];
    e = d;
    d = c;
    c = std::rotl(b, 30);
    b = a;
    a = tmp;
  }
  h_[0] += a;
  h_[1] += b;
  h_[2] += c;
  h_[3] += d;
  h_[4] += e;
}

void Sha1::update(const void* data, size_t len) noexcept {
  const auto* p = static_cast<const uint8_t*>(data);
  total_bytes_ += len;

  // Top up a partially filled block first.
  if (buf_len_ > 0) {
    const size_t take = len < kBlockLen - buf_len_ ? len : kBlockLen - buf_len_;
    std::memcpy(buf_ + buf_len_, p, take);
    buf_len_ += take;
    p += take;
    len -= take;
    if (buf_len_ < kBlockLen) return;
    compress(buf_);
    buf_len_ = 0;
  }
  // Whole blocks straight from the caller's memory, no copy.
  for (; len >= kBlockLen; p += kBlockLen, len -= kBlockLen) compress(p);
  if (len > 0) {
    std::memcpy(buf_, p, len);
    buf_len_ = len;
  }
}

void Sha1::finish(uint8_t out[kDigestLen]) noexcept {
  // Padding, FIPS 180-4 section 5.1.1: a single 1 bit (0x80), zeros up to 56 mod 64, then the
  // message length in bits as a 64-bit big-endian integer, completing the final block.
  constexpr size_t kLenFieldOffset = kBlockLen - 8;
  const uint64_t total_bits = total_bytes_ * 8;

  buf_[buf_len_++] = 0x80;
  if (buf_len_ > kLenFieldOffset) {
    // No room for the length in this block: pad it out and use one more.
    std::memset(buf_ + buf_len_, 0, kBlockLen - buf_len_);
    compress(buf_);
    buf_len_ = 0;
  }
  std::memset(buf_ + buf_len_, 0, kLenFieldOffset - buf_len_);
  store_be32(buf_ + kLenFieldOffset, uint32_t(total_bits >> 32));
  store_be32(buf_ + kLenFieldOffset + 4, uint32_t(total_bits));
  compress(buf_);

  for (int i = 0; i < 5; ++i) store_be32(out + 4 * i, h_[i]);
  reset();
}

}  // namespace btsensor
