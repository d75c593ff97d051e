// SHA-1 (FIPS 180-4 section 6.1), incremental, no allocation.
//
// Exists only because Community ID v1 is defined over SHA-1; SHA-1 is not collision-resistant
// and must not be used for anything security-relevant in this code base.
//
// Usage: Sha1 h; h.update(p, n); ...; h.finish(digest);
// Pre:  update() may be called any number of times with any lengths (including 0).
// Post: finish() writes the 20-byte digest of everything passed to update() since construction
//       or the previous finish(), then resets the object so it can be reused.
#pragma once

#include <cstddef>
#include <cstdint>

namespace btsensor {

class Sha1 {
 public:
  static constexpr size_t kDigestLen = 20;  // 160-bit digest
  static constexpr size_t kBlockLen = 64;   // 512-bit message block

  Sha1() noexcept { reset(); }

  void reset() noexcept;
  void update(const void* data, size_t len) noexcept;
  void finish(uint8_t out[kDigestLen]) noexcept;

 private:
  void compress(const uint8_t* block) noexcept;

  uint32_t h_[5];           // chaining state H0..H4
  uint64_t total_bytes_;    // message length so far; the padding encodes it in bits
  uint8_t buf_[kBlockLen];  // partial block not yet compressed
  size_t buf_len_;          // bytes used in buf_, always < kBlockLen between calls
};

}  // namespace btsensor
