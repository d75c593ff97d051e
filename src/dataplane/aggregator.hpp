// Aggregator lcore: drains every worker's event ring, passes each event through the one
// outbound gate (where exclusions apply), and hands it to the writer over a bounded
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
#include "btsensor/exclusions.hpp"
#include "btsensor/sensor_stats.hpp"
#include "btsensor/shared_tables.hpp"
#include "dataplane/event_ring_sink.hpp"
#include "dataplane/lcore_common.hpp"
#include "dataplane/rcu_reclaimer.hpp"
#include "dataplane/worker_lcore.hpp"

namespace btsensor {

// THE single place where events pass on their way out of the dataplane: the exclusions
// published in SharedTables::exclusions apply here. admit() marks a covered event
// (suppressed_by), counts it per exclusion, and returns false when it is not to be written
// (outputs.write_suppressed off). `set` is read once per aggregator loop iteration.
class OutboundGate {
 public:
  bool admit(const ExclusionSet* set, DpEvent& e) {
    bool pass = true;
    if (auto* r = std::get_if<FlowRecord>(&e.ev)) {
      pass = filter.admit(set, *r);
    } else if (auto* l = std::get_if<LabelEvent>(&e.ev)) {
      pass = filter.admit(set, *l);
    } else if (auto* a = std::get_if<AlertEvent>(&e.ev)) {
      pass = filter.admit(set, *a);
    }
    return pass;
  }
  ExclusionFilter filter;  // dp: wo (aggregator), cp: ro (metrics, summary)
  Counter suppressed;      // dp: wo (aggregator): events not written because suppressed
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
  const SharedTables* shared = nullptr;         // exclusions (RCU reader `rcu_id`)
  QsbrReclaimer* rcu = nullptr;
  uint32_t rcu_id = 0;

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
