// TimerWheel: re-arm of an armed handle, and arm + expire in steady state (every armed
// timer eventually fires through advance(), cascades included).
#include "bench/micro/micro_util.hpp"
#include "btsensor/timer_wheel.hpp"

namespace btsensor::bench {
namespace {

constexpr uint32_t kHandles = 1u << 22;
constexpr Timestamp kTick = kNsPerSec;

// Re-arm a random armed handle to a deadline 1..600 ticks ahead (level 0 or 1): the cost of
// TimerWheel::schedule() when a flow closes or a lazy re-arm moves a deadline.
void BM_TimerRearm(benchmark::State& state) {
  TimerWheel w(kHandles, kTick);
  w.start(kNsPerSec);
  uint64_t rng = 5;
  for (uint32_t h = 0; h < kHandles; ++h)
    w.schedule(h, kNsPerSec + Timestamp(1 + next_random(rng) % 600) * kTick);
  CyclesPerOp cyc(state);
  for (auto _ : state) {
    uint64_t r = next_random(rng);
    w.schedule(uint32_t(r % kHandles), kNsPerSec + Timestamp(1 + (r >> 40) % 600) * kTick);
  }
  state.SetItemsProcessed(int64_t(state.iterations()));
}
BENCHMARK(BM_TimerRearm);

// One iteration arms one handle 1..600 ticks ahead; every 1024 iterations the clock moves
// one tick and advance() fires what is due (unbounded budget). Handles are reused every
// 4096 ticks, long after they fired, so arms and expirations balance: the figure is the
// cost of one timer's whole life (arm, cascade, fire).
void BM_TimerArmExpire(benchmark::State& state) {
  TimerWheel w(kHandles, kTick);
  Timestamp now = kNsPerSec;
  w.start(now);
  uint64_t rng = 6, i = 0, fired = 0;
  CyclesPerOp cyc(state);
  for (auto _ : state) {
    uint32_t h = uint32_t(i % kHandles);
    w.schedule(h, now + Timestamp(1 + next_random(rng) % 600) * kTick);
    if ((++i & 1023) == 0) {
      now += kTick;
      fired += w.advance(now, ~0u, [](uint32_t) {});
    }
  }
  state.counters["fired/op"] = double(fired) / double(state.iterations());
  state.SetItemsProcessed(int64_t(state.iterations()));
}
BENCHMARK(BM_TimerArmExpire);

}  // namespace
}  // namespace btsensor::bench
