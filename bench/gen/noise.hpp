// Cheap random-looking bytes for bulk payload (piece data, ciphertext, MSE streams).
//
// Generating every byte of gigabytes of payload with the PRNG dominated the run time, and
// nobody inspects bulk bytes beyond "they look random". So a 1 MiB pool is filled once from
// the run seed and bulk payload is copied from it in 4 KiB chunks at random offsets: one PRNG
// draw per chunk, still fully determined by the seed.
#pragma once

#include <cstddef>
#include <cstdint>

#include "rng.hpp"

namespace btsensor::gen {

// Fills the pool; call once before generating (Generator's constructor does).
void init_noise(uint64_t seed);
// Writes n random-looking bytes to out.
void fill_noise(Rng& rng, uint8_t* out, size_t n);

}  // namespace btsensor::gen
