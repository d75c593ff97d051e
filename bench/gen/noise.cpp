#include "noise.hpp"

#include <cstring>
#include <vector>

namespace btsensor::gen {
namespace {

constexpr size_t kPoolSize = 1u << 20;
constexpr size_t kChunk = 4096;

std::vector<uint8_t>& pool() {
  static std::vector<uint8_t> p;
  return p;
}

}  // namespace

void init_noise(uint64_t seed) {
  std::vector<uint8_t>& p = pool();
  p.resize(kPoolSize);
  Rng rng(derive_seed(seed, 0x6e6f697365ULL));  // "noise"
  rng.fill(p.data(), p.size());
}

void fill_noise(Rng& rng, uint8_t* out, size_t n) {
  const uint8_t* p = pool().data();
  while (n > 0) {
    const size_t len = n < kChunk ? n : kChunk;
    std::memcpy(out, p + rng.below(kPoolSize - kChunk), len);
    out += len;
    n -= len;
  }
}

}  // namespace btsensor::gen
