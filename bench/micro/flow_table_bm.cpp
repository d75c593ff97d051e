// FlowTable find (hit, miss) and insert+erase at a steady N live flows, N = 10k, 1M, 10M.
// Keys are computed and hashed inside the loop, as the shard does per packet.
#include <map>
#include <memory>
#include <vector>

#include "bench/micro/micro_util.hpp"
#include "btsensor/flow_table.hpp"

namespace btsensor::bench {
namespace {

// Key i: distinct for every i < 2^40 (24 bits of the internal address, 16 of the port).
FlowKey key_of(uint64_t i) {
  FlowKey k;
  k.a = IpAddr::v4(0x0a000000u | uint32_t(i & 0xffffff));
  k.b = IpAddr::v4(0xc6120001u);
  k.port_a = uint16_t(1024 + (i >> 24));
  k.port_b = 443;
  k.proto = kProtoTcp;
  return k;
}

struct Filled {
  std::unique_ptr<FlowTable> table;
  std::vector<uint32_t> handles;  // handles[i % n]: the live handle of key i
  uint64_t next = 0;              // next key to insert (churn)
};

// Built once per size and kept (10M flows take seconds to fill); the churn benchmark keeps
// it at n live flows, so later benchmarks see the same occupancy.
Filled& filled(uint32_t n) {
  static std::map<uint32_t, Filled> cache;
  auto it = cache.find(n);
  if (it != cache.end()) return it->second;
  Filled& f = cache[n];
  f.table = std::make_unique<FlowTable>(n);
  f.handles.resize(n);
  for (uint64_t i = 0; i < n; ++i) {
    FlowKey k = key_of(i);
    f.handles[i] = f.table->insert(k, hash_flow_key(k));
  }
  f.next = n;
  return f;
}

void BM_FlowFindHit(benchmark::State& state) {
  uint32_t n = uint32_t(state.range(0));
  Filled& f = filled(n);
  uint64_t rng = 1;
  CyclesPerOp cyc(state);
  for (auto _ : state) {
    // A live key: one of the last n inserted.
    FlowKey k = key_of(f.next - n + next_random(rng) % n);
    benchmark::DoNotOptimize(f.table->find(k, hash_flow_key(k)));
  }
  state.SetItemsProcessed(int64_t(state.iterations()));
}

void BM_FlowFindMiss(benchmark::State& state) {
  uint32_t n = uint32_t(state.range(0));
  Filled& f = filled(n);
  uint64_t rng = 2;
  CyclesPerOp cyc(state);
  for (auto _ : state) {
    FlowKey k = key_of(f.next + next_random(rng) % n);  // never inserted yet
    benchmark::DoNotOptimize(f.table->find(k, hash_flow_key(k)));
  }
  state.SetItemsProcessed(int64_t(state.iterations()));
}

// Steady state of a full table: erase the oldest flow, insert a new one (what a shard does
// when a flow ends and another starts). One iteration = one erase + one insert.
void BM_FlowInsertErase(benchmark::State& state) {
  uint32_t n = uint32_t(state.range(0));
  Filled& f = filled(n);
  CyclesPerOp cyc(state);
  for (auto _ : state) {
    uint64_t i = f.next++;
    uint32_t& slot = f.handles[i % n];
    f.table->erase(slot);
    FlowKey k = key_of(i);
    slot = f.table->insert(k, hash_flow_key(k));
    benchmark::DoNotOptimize(slot);
  }
  state.SetItemsProcessed(int64_t(state.iterations()));
}

void sizes(benchmark::internal::Benchmark* b) {
  b->Arg(10'000)->Arg(1'000'000)->Arg(10'000'000);
}
BENCHMARK(BM_FlowFindHit)->Apply(sizes);
BENCHMARK(BM_FlowFindMiss)->Apply(sizes);
BENCHMARK(BM_FlowInsertErase)->Apply(sizes);

}  // namespace
}  // namespace btsensor::bench
