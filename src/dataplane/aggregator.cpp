#include "dataplane/aggregator.hpp"
#include "dataplane/tsan.hpp"

#include <rte_cycles.h>

namespace btsensor {
namespace {

constexpr unsigned kEventBurst = 64;
// Events are rare next to packets: an idle aggregator naps this long and leaves its CPU to
// others; an event waits at most this much longer to be written.
constexpr unsigned kIdleNapUs = 100;

bool all_workers_done(const AggregatorContext& c) {
  for (const WorkerContext* w : c.workers)
    if (!w->done.get()) return false;
  return true;
}

void pass_on(AggregatorContext& c, const ExclusionSet* exclusions, DpEvent* e) {
  bool learned = std::holds_alternative<LearnedAddress>(e->ev);
  if (learned) {
    // Feedback for the control plane's next published overlay (passive DNS): it rides the
    // output queue to the main thread, which is the control thread. Never suppressed.
    c.stats.learned.add();
  } else {
    c.stats.events.add();
  }
  if (!learned && !c.gate.admit(exclusions, *e)) {
    c.gate.suppressed.add();
    tsan::pool_release(c.pool);
    rte_mempool_put(c.pool, e);
    return;
  }
  // SP/SC: this lcore is the only producer, the writer the only consumer. The ring's
  // release/acquire on its tails carries the event's bytes to the writer.
  while (rte_ring_sp_enqueue(c.out, e) != 0) {
    // Relaxed: only a mode switch; the workers' done flags order the data.
    if (!c.stopping->load(std::memory_order_relaxed)) {
      c.output->dropped.add();
      tsan::pool_release(c.pool);
      rte_mempool_put(c.pool, e);
      return;
    }
    rte_pause();  // shutdown: the writer is draining, room will come
  }
}

}  // namespace

int aggregator_lcore_main(void* arg) {
  auto& c = *static_cast<AggregatorContext*>(arg);
  void* objs[kEventBurst];
  CycleMeter meter(c.lcore_stats);
  bool draining = false;
  if (c.rcu) c.rcu->reader_start(c.rcu_id);
  while (true) {
    unsigned got = 0;
    // One read of the published exclusions per iteration, released by the quiescent report.
    const ExclusionSet* exclusions = c.shared ? c.shared->exclusions.get() : nullptr;
    for (rte_ring* r : c.event_rings) {
      const unsigned n = rte_ring_sc_dequeue_burst(r, objs, kEventBurst, nullptr);
      for (unsigned i = 0; i < n; ++i) pass_on(c, exclusions, static_cast<DpEvent*>(objs[i]));
      got += n;
    }
    if (c.rcu) c.rcu->quiescent(c.rcu_id);
    meter.lap(got != 0);
    if (got) continue;
    if (draining) break;
    // Acquire (DoneFlag): a worker's last events were enqueued before its flag; one more
    // full pass after seeing every flag drains them.
    if (all_workers_done(c)) {
      draining = true;
      continue;
    }
    rte_delay_us_sleep(kIdleNapUs);
  }
  if (c.rcu) c.rcu->reader_stop(c.rcu_id);
  c.done.set();
  return 0;
}

unsigned drain_output(rte_ring* queue, rte_mempool* pool, EventSink& out, OutputStats& stats,
                      unsigned max) {
  void* objs[kEventBurst];
  unsigned total = 0;
  while (total < max) {
    const unsigned n = rte_ring_sc_dequeue_burst(queue, objs, kEventBurst, nullptr);
    if (n == 0) break;
    unsigned n_events = n;  // learned addresses are not output events
    for (unsigned i = 0; i < n; ++i) {
      const DpEvent& e = *static_cast<const DpEvent*>(objs[i]);
      if (auto* r = std::get_if<FlowRecord>(&e.ev)) {
        out.on_flow(*r);
      } else if (auto* l = std::get_if<LabelEvent>(&e.ev)) {
        out.on_label(*l);
      } else if (auto* a = std::get_if<AlertEvent>(&e.ev)) {
        out.on_alert(*a);
      } else if (auto* la = std::get_if<LearnedAddress>(&e.ev)) {
        out.on_learned(*la);
        --n_events;
      }
    }
    stats.written.add(n_events);
    tsan::pool_release(pool);
    rte_mempool_put_bulk(pool, objs, n);
    total += n;
  }
  return total;
}

}  // namespace btsensor
