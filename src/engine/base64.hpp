// Standard base64 (RFC 4648 section 4: alphabet A-Z a-z 0-9 + /, '=' padding, no line breaks)
// into a caller-provided buffer; header-only, no allocation.
//
// Pre:  `in` points to `len` readable bytes; `out` to `out_cap` writable chars.
// Post: if out_cap >= base64_encoded_len(len), writes exactly that many chars (no NUL) and
//       returns the count; otherwise writes nothing and returns 0.
#pragma once

#include <cstddef>
#include <cstdint>

namespace btsensor {

// Every 3 input bytes (24 bits) become 4 output chars of 6 bits; a partial final group is
// padded with '=' to a full 4 chars.
constexpr size_t base64_encoded_len(size_t len) {
  return (len + 2) / 3 * 4;
}

inline size_t base64_encode(const uint8_t* in, size_t len, char* out, size_t out_cap) noexcept {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  const size_t need = base64_encoded_len(len);
  if (out_cap < need) return 0;

  char* o = out;
  size_t i = 0;
  for (; i + 3 <= len; i += 3) {
    const uint32_t v = (uint32_t(in[i]) << 16) | (uint32_t(in[i + 1]) << 8) | in[i + 2];
    *o++ = kAlphabet[(v >> 18) & 0x3f];
    *o++ = kAlphabet[(v >> 12) & 0x3f];
    *o++ = kAlphabet[(v >> 6) & 0x3f];
    *o++ = kAlphabet[v & 0x3f];
  }
  const size_t rest = len - i;  // 0, 1 or 2 trailing bytes
  if (rest > 0) {
    const uint32_t v = (uint32_t(in[i]) << 16) | (rest == 2 ? uint32_t(in[i + 1]) << 8 : 0);
    *o++ = kAlphabet[(v >> 18) & 0x3f];
    *o++ = kAlphabet[(v >> 12) & 0x3f];
    *o++ = rest == 2 ? kAlphabet[(v >> 6) & 0x3f] : '=';
    *o++ = '=';
  }
  return need;
}

}  // namespace btsensor
