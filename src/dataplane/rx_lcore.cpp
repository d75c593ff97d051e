#include "dataplane/rx_lcore.hpp"
#include "dataplane/tsan.hpp"

#include <rte_ethdev.h>

#include <algorithm>

#include "btsensor/decode.hpp"

namespace btsensor {
namespace {

// Which worker owns this frame's host. Frames without an IP header go to worker 0, which
// counts them by decode error — the same rule as replay's reader.
inline uint32_t worker_of(const rte_mbuf* m, const HomeNet& home, uint32_t nworkers) {
  if (nworkers == 1) return 0;
  FiveTuple t;
  // Only the first segment: a multi-segment frame still has its headers there (the worker
  // counts such frames).
  std::span<const uint8_t> frame(rte_pktmbuf_mtod(m, const uint8_t*), m->data_len);
  if (!decode_tuple(LinkType::kEthernet, frame, t)) return 0;
  return shard_of(host_key(home, t).host, nworkers);
}

}  // namespace

int rx_lcore_main(void* arg) {
  auto& c = *static_cast<RxContext*>(arg);
  const uint32_t nw = c.nworkers;
  std::vector<uint16_t> counts(nw, 0);  // before the loop: no allocation inside it
  rte_mbuf* bufs[kMaxBurst];
  IdleBackoff backoff(c.idle_sleep_us);
  CycleMeter meter(c.lcore_stats);
  Timestamp frontier = 0;

  // Relaxed: the flag only asks us to stop; nothing is published through it.
  while (!c.stop->load(std::memory_order_relaxed)) {
    bool got = false;
    for (const RxQueueRef& q : c.queues) {
      const uint16_t n = rte_eth_rx_burst(q.port, q.queue, bufs, c.burst);
      if (n == 0) continue;
      got = true;
      if (tsan::kEnabled)
        for (uint16_t i = 0; i < n; ++i) tsan::pool_acquire(bufs[i]->pool);
      uint64_t bytes = 0;
      for (uint16_t i = 0; i < n; ++i) {
        rte_mbuf* m = bufs[i];
        bytes += m->pkt_len;
        const uint32_t w = worker_of(m, *c.home, nw);
        c.buckets[w][counts[w]++] = m;
      }
      // Read before the hand-off: once enqueued, the mbufs belong to the workers. The burst's
      // last packet stands for the burst (captures are in time order; an early one only
      // makes the frontier conservative).
      Timestamp t = 0;
      if (c.time->packet_mode) {
        bool fallback = false;
        t = c.time->of(bufs[n - 1], c.time->clock.now(), fallback);
      }
      q.stats->packets.add(n);
      q.stats->bytes.add(bytes);
      for (uint32_t w = 0; w < nw; ++w) {
        const uint16_t k = counts[w];
        if (k == 0) continue;
        counts[w] = 0;
        rte_mbuf** b = c.buckets[w].data();
        const unsigned sent =
            rte_ring_sp_enqueue_burst(c.rings[w], reinterpret_cast<void**>(b), k, nullptr);
        c.ring_stats[w]->enqueued.add(sent);
        if (sent < k) {
          if (tsan::kEnabled)
            for (unsigned i = sent; i < k; ++i) tsan::pool_release(b[i]->pool);
          rte_pktmbuf_free_bulk(b + sent, k - sent);
          c.ring_stats[w]->dropped.add(k - sent);
        }
      }
      if (t > frontier) {
        frontier = t;
        c.frontier.store(frontier, std::memory_order_release);  // after the enqueues above
      }
    }
    meter.lap(got);
    if (got) {
      backoff.busy();
      if (c.test_gap_us) rte_delay_us_sleep(c.test_gap_us);
    } else {
      backoff.idle();
    }
  }
  c.done.set();
  return 0;
}

}  // namespace btsensor
