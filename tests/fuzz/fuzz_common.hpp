// Shared helpers of the libFuzzer targets (tests/fuzz/README.md).
//
// A target checks the parser's documented postconditions (views inside the input, counts
// within caps) with FUZZ_CHECK, which aborts: libFuzzer then saves the input as a crash, like
// an ASan or UBSan report would.
#pragma once

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <span>
#include <string>
#include <string_view>

#define FUZZ_CHECK(cond)                                                                 \
  do {                                                                                   \
    if (!(cond)) {                                                                       \
      std::fprintf(stderr, "%s:%d: FUZZ_CHECK failed: %s\n", __FILE__, __LINE__, #cond); \
      std::abort();                                                                      \
    }                                                                                    \
  } while (0)

namespace btsensor::fuzz {

using Bytes = std::span<const uint8_t>;

// True when `v` is empty or lies entirely inside `in` (a parser's views must point into the
// segment it was given, never into a stale or stack buffer).
inline bool inside(Bytes in, const void* p, size_t n) {
  if (n == 0) return true;
  auto b = reinterpret_cast<uintptr_t>(in.data());
  auto q = reinterpret_cast<uintptr_t>(p);
  return q >= b && q + n <= b + in.size();
}
inline bool inside(Bytes in, std::string_view v) {
  return inside(in, v.data(), v.size());
}
inline bool inside(Bytes in, Bytes v) {
  return inside(in, v.data(), v.size());
}

inline std::string_view as_text(Bytes in) {
  return {reinterpret_cast<const char*>(in.data()), in.size()};
}

// A per-process scratch directory for the loaders that read files (config, pipeline, feeds):
// libFuzzer's -jobs/-fork run several processes, each gets its own. Removed at exit.
const std::string& scratch_dir();
// Writes `data` to scratch_dir()/name and returns the path.
std::string write_scratch(const std::string& name, std::string_view data);

}  // namespace btsensor::fuzz
