#include "dataplane/worker_lcore.hpp"
#include "dataplane/tsan.hpp"

#include <rte_mbuf.h>
#include <rte_prefetch.h>

#include <algorithm>
#include <span>

namespace btsensor {
namespace {

// Max frontier over the RX lcores. Acquire: see rx_lcore.hpp (frontier). The max, not the
// min: an RX lcore that has no traffic must not hold time back; packets arriving on
// different queues have no defined order anyway.
Timestamp packet_frontier(const WorkerContext& c) {
  Timestamp t = 0;
  for (const RxContext* r : c.rx) t = std::max(t, r->frontier.load(std::memory_order_acquire));
  return t;
}

bool all_rx_done(const WorkerContext& c) {
  for (const RxContext* r : c.rx)
    if (!r->done.get()) return false;
  return true;
}

// Dequeues one burst from `ring` and runs it through the shard. Returns the packet count.
unsigned run_burst(WorkerContext& c, rte_ring* ring, rte_mbuf** bufs, RawPacket* pkts) {
  const unsigned n =
      rte_ring_sc_dequeue_burst(ring, reinterpret_cast<void**>(bufs), c.burst, nullptr);
  if (n == 0) return 0;
  const Timestamp tsc_now = c.time->clock.now();  // one TSC read per burst
  uint64_t bytes = 0, multi = 0, fallbacks = 0;
  // The mbufs were last written on the RX lcore: every line we touch is a cross-core miss.
  // Start all of them at once instead of one after another: both header lines (line 0:
  // lengths, data offset, pool; line 1: `next` read by the bulk free, the timestamp
  // dynfield), then each packet's first data line (its address needs line 0).
  for (unsigned i = 0; i < n; ++i) {
    rte_prefetch0(bufs[i]);
    rte_prefetch0(RTE_PTR_ADD(bufs[i], RTE_CACHE_LINE_SIZE));
  }
  for (unsigned i = 0; i < n; ++i) rte_prefetch0(rte_pktmbuf_mtod(bufs[i], void*));
  for (unsigned i = 0; i < n; ++i) {
    const rte_mbuf* m = bufs[i];
    bool fallback = false;
    pkts[i] = RawPacket{rte_pktmbuf_mtod(m, const uint8_t*), m->data_len, m->pkt_len,
                        c.time->of(m, tsc_now, fallback), LinkType::kEthernet};
    multi += m->nb_segs > 1;
    fallbacks += fallback;
    bytes += m->pkt_len;
  }
  if (c.test_delay_cycles) {
    const uint64_t until = rte_rdtsc() + c.test_delay_cycles * n;
    while (rte_rdtsc() < until) rte_pause();
  }
  c.shard->process(std::span<const RawPacket>(pkts, n));
  if (tsan::kEnabled)
    for (uint16_t i = 0; i < n; ++i) tsan::pool_release(bufs[i]->pool);
  rte_pktmbuf_free_bulk(bufs, n);
  c.stats.packets.add(n);
  c.stats.bytes.add(bytes);
  if (multi) c.stats.multi_seg.add(multi);
  if (fallbacks) c.stats.ts_fallback.add(fallbacks);
  return n;
}

}  // namespace

int worker_lcore_main(void* arg) {
  auto& c = *static_cast<WorkerContext*>(arg);
  rte_mbuf* bufs[kMaxBurst];
  RawPacket pkts[kMaxBurst];
  const size_t nrings = c.rings.size();
  IdleBackoff backoff(c.idle_sleep_us);
  CycleMeter meter(c.lcore_stats);
  c.rcu->reader_start(c.index);

  bool draining = false;  // every RX lcore is done: empty the rings, then stop
  while (true) {
    // Load the frontier before polling: packets it covers are already in the rings.
    const Timestamp frontier = c.time->packet_mode ? packet_frontier(c) : 0;
    unsigned got = 0;
    for (size_t r = 0; r < nrings; ++r) got += run_burst(c, c.rings[r], bufs, pkts);
    // Between loop iterations this worker holds no pointer into RCU-published state.
    c.rcu->quiescent(c.index);
    // A control query, if one is posted: one bounded step (one acquire load when none is).
    c.mailbox.serve(*c.shard);
    meter.lap(got != 0);
    if (got) {
      backoff.busy();
      continue;
    }
    // Idle: let time move on for the shard so flows and labels expire on a quiet link.
    const Timestamp now = c.time->packet_mode ? frontier : c.time->clock.now();
    if (now > 0) c.stats.timer_fired.add(c.shard->advance(now));
    if (draining) break;  // the rings were empty after every producer had stopped
    // Acquire (DoneFlag): every enqueue an RX lcore made happened before its done flag, so
    // one more full pass after seeing all flags set drains everything.
    if (all_rx_done(c)) {
      draining = true;
      continue;
    }
    backoff.idle();
  }

  // Flush: every flow ends with reason shutdown. The sink now waits for room rather than
  // drop, because the aggregator keeps draining until this worker is done.
  c.sink->set_draining(true);
  c.shard->flush(c.time->packet_mode ? packet_frontier(c) : c.time->clock.now());
  c.rcu->reader_stop(c.index);
  c.done.set();
  return 0;
}

}  // namespace btsensor
