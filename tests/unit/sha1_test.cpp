// SHA-1 against FIPS 180-2 Appendix A / RFC 3174 section 7.3 vectors, plus padding-boundary
// lengths cross-checked with coreutils sha1sum (an independent implementation).
#include "engine/sha1.hpp"

#include <gtest/gtest.h>

#include <cstdio>
#include <string>
#include <string_view>

namespace btsensor {
namespace {

std::string hex(const uint8_t* d, size_t n) {
  std::string s;
  char b[3];
  for (size_t i = 0; i < n; ++i) {
    std::snprintf(b, sizeof b, "%02x", d[i]);
    s += b;
  }
  return s;
}

std::string sha1_hex(std::string_view msg) {
  Sha1 h;
  h.update(msg.data(), msg.size());
  uint8_t d[Sha1::kDigestLen];
  h.finish(d);
  return hex(d, sizeof d);
}

TEST(Sha1, EmptyMessage) {
  EXPECT_EQ(sha1_hex(""), "da39a3ee5e6b4b0d3255bfef95601890afd80709");
}

// FIPS 180-2 Appendix A.1 / RFC 3174 TEST1: one-block message.
TEST(Sha1, Abc) {
  EXPECT_EQ(sha1_hex("abc"), "a9993e364706816aba3e25717850c26c9cd0d89d");
}

// FIPS 180-2 Appendix A.2 / RFC 3174 TEST2: the 448-bit message, whose padding needs a 2nd block.
TEST(Sha1, TwoBlockMessage) {
  EXPECT_EQ(sha1_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
            "84983e441c3bd26ebaae4aa1f95129e5e54670f1");
}

// FIPS 180-2 Appendix A.3 / RFC 3174 TEST3: one million 'a', fed in uneven chunks so that
// buffered and direct-from-caller block paths are both exercised.
TEST(Sha1, MillionA) {
  const std::string chunk(997, 'a');  // prime length: chunk edges drift across block edges
  Sha1 h;
  size_t left = 1'000'000;
  while (left > 0) {
    const size_t n = left < chunk.size() ? left : chunk.size();
    h.update(chunk.data(), n);
    left -= n;
  }
  uint8_t d[Sha1::kDigestLen];
  h.finish(d);
  EXPECT_EQ(hex(d, sizeof d), "34aa973cd4c4daa4f61eeb2bdbad27316534016f");
}

// RFC 3174 TEST4: an 8-byte string repeated 80 times (640 bytes, exactly 10 blocks).
TEST(Sha1, Rfc3174Test4) {
  std::string msg;
  for (int i = 0; i < 80; ++i) msg += "01234567";
  EXPECT_EQ(sha1_hex(msg), "dea356a2cddd90c7a7ecedc5ebb563934f460452");
}

// Lengths around the 55/56-byte padding boundary and the 64-byte block boundary; expected values
// from `head -c N /dev/zero | tr '\0' a | sha1sum`.
TEST(Sha1, PaddingBoundaries) {
  struct Case {
    size_t len;
    const char* digest;
  };
  static constexpr Case kCases[] = {
      {55, "c1c8bbdc22796e28c0e15163d20899b65621d65a"},
      {56, "c2db330f6083854c99d4b5bfb6e8f29f201be699"},
      {63, "03f09f5b158a7a8cdad920bddc29b81c18a551f5"},
      {64, "0098ba824b5c16427bd7a1122a5a442a25ec644d"},
      {65, "11655326c708d70319be2610e8a57d9a5b959d3b"},
      {119, "ee971065aaa017e0632a8ca6c77bb3bf8b1dfc56"},
      {128, "ad5b3fdbcb526778c2839d2f151ea753995e26a0"},
  };
  for (const Case& c : kCases) {
    SCOPED_TRACE(c.len);
    const std::string msg(c.len, 'a');
    EXPECT_EQ(sha1_hex(msg), c.digest);

    // Same message one byte at a time must give the same digest.
    Sha1 h;
    for (char ch : msg) h.update(&ch, 1);
    uint8_t d[Sha1::kDigestLen];
    h.finish(d);
    EXPECT_EQ(hex(d, sizeof d), c.digest);
  }
}

TEST(Sha1, FinishResetsForReuse) {
  Sha1 h;
  uint8_t d[Sha1::kDigestLen];
  h.update("junk", 4);
  h.finish(d);
  h.update("abc", 3);
  h.finish(d);
  EXPECT_EQ(hex(d, sizeof d), "a9993e364706816aba3e25717850c26c9cd0d89d");
}

}  // namespace
}  // namespace btsensor
