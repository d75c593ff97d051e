// Shard::process per packet on the generated mixes (btgen captures loaded in memory), with
// the real pipeline (signatures, hunting rules, models) and no flow records written, in
// bursts of 32 as a dataplane worker gets them. One iteration = one pass over the capture
// with a fresh shard (its construction is not timed); figures are per packet.
#include <memory>

#include "bench/micro/micro_util.hpp"
#include "btsensor/shard.hpp"
#include "control/config.hpp"
#include "control/shared_state.hpp"

namespace btsensor::bench {
namespace {

void BM_ShardPacket(benchmark::State& state, const char* profile) {
  const LoadedCapture& c = mix_capture(profile);
  if (!c.error.empty()) return state.SkipWithError(c.error.c_str());
  SensorConfig cfg;
  cfg.engine.flow_output = FlowOutput::kNone;
  SharedTables shared;
  StoppedReaders none;
  Diagnostics diag;
  if (!load_shared_state(cfg, 1, false, diag, shared, none))
    return state.SkipWithError("pipeline did not load");
  const size_t n = c.packets.size(), burst = 32;
  CountingSink sink;
  uint64_t cycles = 0;
  for (auto _ : state) {
    state.PauseTiming();
    auto shard = std::make_unique<Shard>(cfg.engine, sink, &shared, 0);
    state.ResumeTiming();
    uint64_t c0 = rdtsc();
    for (size_t off = 0; off < n; off += burst)
      shard->process(std::span<const RawPacket>(c.packets.data() + off, std::min(burst, n - off)));
    shard->flush(c.packets.back().ts);
    cycles += rdtsc() - c0;
    state.PauseTiming();
    shard.reset();
    state.ResumeTiming();
  }
  double pkts = double(state.iterations()) * double(n);
  state.counters["cycles/pkt"] = double(cycles) / pkts;
  state.counters["ns/pkt"] =
      benchmark::Counter(pkts, benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
  state.counters["packets"] = double(n);
  state.SetItemsProcessed(int64_t(pkts));
}
BENCHMARK_CAPTURE(BM_ShardPacket, realistic, "realistic")->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_ShardPacket, imix, "imix")->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_ShardPacket, b64, "64")->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace btsensor::bench
