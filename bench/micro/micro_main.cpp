// bench_micro: Google Benchmark micro-benchmarks of the engine's parts (not unit tests: they
// print figures and assert nothing). See bench/README.md.
#include <benchmark/benchmark.h>

#include <cstdio>
#include <map>
#include <string>

#include "bench/micro/micro_util.hpp"

namespace btsensor::bench {

const LoadedCapture& mix_capture(const char* profile) {
  static std::map<std::string, LoadedCapture> cache;
  auto it = cache.find(profile);
  if (it == cache.end()) it = cache.emplace(profile, load_capture(mix_pcap(profile))).first;
  return it->second;
}

}  // namespace btsensor::bench

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  // cycles/op counters are TSC ticks: print the TSC rate so they convert to time.
  char hz[32];
  std::snprintf(hz, sizeof hz, "%.3f GHz", btsensor::bench::tsc_hz() / 1e9);
  benchmark::AddCustomContext("tsc", hz);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
