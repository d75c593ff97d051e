// Seeded pseudo-random numbers for btgen.
//
// Every random choice in the generator comes from this file so that (seed, options) fully
// determine the output bytes. std:: distributions are deliberately not used: libstdc++ and
// libc++ implement them differently, and floating-point transcendental functions (log, exp)
// are not guaranteed to round identically across C libraries, so everything here is integer
// arithmetic plus exact IEEE comparisons.
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>

namespace btsensor::gen {

// 128-bit product for multiply-shift; __extension__ keeps -Wpedantic quiet about the GNU type.
__extension__ using Uint128 = unsigned __int128;

// One splitmix64 step (Vigna's recommended seeder for xoshiro): turns any 64-bit state,
// including small sequential ones like 1, 2, 3, into well-mixed output.
constexpr uint64_t splitmix64_next(uint64_t& state) {
  state += 0x9e3779b97f4a7c15ULL;  // 2^64 / golden ratio: the Weyl increment
  uint64_t z = state;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

// Derives an independent seed for a sub-stream (a flow, a session) from the run seed and a
// label, so each flow's bytes depend only on (seed, label) and not on how flows interleave.
constexpr uint64_t derive_seed(uint64_t seed, uint64_t label) {
  uint64_t s = seed;
  const uint64_t a = splitmix64_next(s);
  s = a ^ label;
  return splitmix64_next(s);
}

// xoshiro256** (Blackman & Vigna 2018): fast, 256-bit state, passes BigCrush; not crypto.
class Rng {
 public:
  explicit Rng(uint64_t seed) {
    uint64_t s = seed;
    for (auto& word : s_) word = splitmix64_next(s);
  }

  uint64_t next() {
    const uint64_t result = std::rotl(s_[1] * 5, 7) * 9;
    const uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = std::rotl(s_[3], 45);
    return result;
  }

  uint32_t next32() { return uint32_t(next() >> 32); }

  // Uniform in [0, n) by Lemire's multiply-shift; the bias (< n / 2^64) is irrelevant here and
  // skipping rejection keeps the number of draws per call fixed.
  uint64_t below(uint64_t n) { return uint64_t((static_cast<Uint128>(next()) * n) >> 64); }

  // Uniform integer in [lo, hi] (inclusive).
  int64_t between(int64_t lo, int64_t hi) { return lo + int64_t(below(uint64_t(hi - lo) + 1)); }

  // Uniform double in [0, 1) from the top 53 bits (exact, no libm involved).
  double unit() { return double(next() >> 11) * 0x1.0p-53; }

  bool chance(double p) { return unit() < p; }

  // Log-uniform integer in [lo, hi] (lo >= 1): pick a power-of-two octave uniformly, then a
  // uniform value inside it. Gives the heavy-tailed sizes seen in real traffic without libm.
  uint64_t log_uniform(uint64_t lo, uint64_t hi) {
    const int lo_bit = std::bit_width(lo) - 1;
    const int hi_bit = std::bit_width(hi) - 1;
    const int octave = lo_bit + int(below(uint64_t(hi_bit - lo_bit) + 1));
    const uint64_t base = uint64_t(1) << octave;
    uint64_t v = base + below(base);
    if (v < lo) v = lo;
    if (v > hi) v = hi;
    return v;
  }

  // Fills with random bytes; bytes are taken little-endian from each draw so the output does
  // not depend on the host's endianness.
  void fill(uint8_t* out, size_t n) {
    while (n >= 8) {
      uint64_t v = next();
      if constexpr (std::endian::native != std::endian::little) v = byteswap64(v);
      std::memcpy(out, &v, 8);
      out += 8;
      n -= 8;
    }
    if (n > 0) {
      uint64_t v = next();
      for (size_t i = 0; i < n; ++i) out[i] = uint8_t(v >> (8 * i));
    }
  }

 private:
  static constexpr uint64_t byteswap64(uint64_t v) {
    v = ((v & 0x00ff00ff00ff00ffULL) << 8) | ((v >> 8) & 0x00ff00ff00ff00ffULL);
    v = ((v & 0x0000ffff0000ffffULL) << 16) | ((v >> 16) & 0x0000ffff0000ffffULL);
    return (v << 32) | (v >> 32);
  }

  uint64_t s_[4];
};

// Picks an index from a table of integer weights (weights need not sum to anything special).
template <size_t N>
size_t pick_weighted(Rng& rng, const uint32_t (&weights)[N]) {
  uint64_t total = 0;
  for (uint32_t w : weights) total += w;
  uint64_t r = rng.below(total);
  for (size_t i = 0; i < N; ++i) {
    if (r < weights[i]) return i;
    r -= weights[i];
  }
  return N - 1;
}

}  // namespace btsensor::gen
