// Helpers shared by the micro-benchmarks: TSC cycles per iteration as a benchmark counter,
// the generated mix captures, a cheap deterministic random sequence.
#pragma once

#include <benchmark/benchmark.h>

#include <cstdint>
#include <cstdlib>
#include <string>

#include "bench/common/bench_util.hpp"

namespace btsensor::bench {

// Reports TSC cycles per iteration ("cycles/op") beside benchmark's own ns/op. Created after
// the set-up, before the timed loop; reports when the loop has finished.
class CyclesPerOp {
 public:
  explicit CyclesPerOp(benchmark::State& s) : s_(s), c0_(rdtsc()) {}
  ~CyclesPerOp() {
    s_.counters["cycles/op"] =
        benchmark::Counter(double(rdtsc() - c0_) + extra_, benchmark::Counter::kAvgIterations);
  }
  // For loops that pause timing: cycles of the paused parts are taken back out.
  void exclude(uint64_t cycles) { extra_ -= double(cycles); }

 private:
  benchmark::State& s_;
  uint64_t c0_;
  double extra_ = 0;
};

// splitmix64: the benchmark's own index sequence, independent of the tables' hash.
inline uint64_t next_random(uint64_t& s) {
  uint64_t z = (s += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

// The btgen captures meson generates next to bench_micro (see bench/micro/meson.build);
// $BTSENSOR_BENCH_PCAP_DIR points elsewhere.
inline std::string mix_pcap(const char* profile) {
  const char* dir = std::getenv("BTSENSOR_BENCH_PCAP_DIR");
  return std::string(dir ? dir : BENCH_PCAP_DIR) + "/micro_" + profile + ".pcap";
}

// Loaded once per process and kept: several benchmarks read the same packets.
const LoadedCapture& mix_capture(const char* profile);

}  // namespace btsensor::bench
