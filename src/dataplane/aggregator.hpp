// Aggregator lcore: drains every worker's event ring, passes each event through the one
// outbound gate (where exclusions will apply), and hands it to the writer over a bounded
// single-producer/single-consumer queue. It never formats or writes anything itself
// (DESIGN.md: the dataplane never formats output), and never waits for the writer while
// running: a full output queue drops the event and counts it (OutputStats.dropped).
// During shutdown it waits for room instead, so that the final flush loses nothing.
#pragma once

#include <rte_mempool.h>
#include <rte_ring.h>

#include <atomic>
#include <vector>

#include "btsensor/counter.hpp"
#include "btsensor/sensor_stats.hpp"
#include "dataplane/event_ring_sink.hpp"
#include "dataplane/lcore_common.hpp"
#include "dataplane/worker_lcore.hpp"

namespace btsensor {

// THE single place where events pass on their way out of the dataplane. Exclusions (a later
// issue) go into admit(): return false to suppress an event (it is counted; the exclusion
// config decides whether a suppressed copy is still written).
class OutboundGate {
 public:
  bool admit(DpEvent& e) {
    (void)e;
    return true;
  }
  Counter suppressed;  // dp: wo (aggregator)
};

struct alignas(64) AggregatorStats {
  Counter events;   // output events taken from the workers' rings
  Counter learned;  // learned addresses (for the control plane; not written)
};

struct AggregatorContext {
  unsigned lcore = 0;
  std::vector<rte_ring*> event_rings;           // by worker
  std::vector<const WorkerContext*> workers;    // their done flags
  rte_ring* out = nullptr;                      // to the writer
  rte_mempool* pool = nullptr;                  // where event objects go back
  const std::atomic<bool>* stopping = nullptr;  // cp: wo — shutdown began: wait, don't drop

  OutboundGate gate;
  AggregatorStats stats;
  OutputStats* output = nullptr;  // .dropped is written here (queue full); .written by writer
  LcoreStats lcore_stats;
  DoneFlag done;
};

// rte_eal_remote_launch entry point; `arg` is an AggregatorContext*.
int aggregator_lcore_main(void* arg);

// Writer side (main thread): hands up to `max` queued events to `out` (the EVE writer) and
// returns their objects to the pool. Returns how many were handed over.
unsigned drain_output(rte_ring* queue, rte_mempool* pool, EventSink& out, OutputStats& stats,
                      unsigned max);

}  // namespace btsensor
