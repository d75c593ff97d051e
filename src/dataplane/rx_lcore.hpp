// RX lcore: polls its RX queues and sends each packet to the worker that owns its internal
// host, over one single-producer/single-consumer ring per (RX lcore, worker) pair.
//
// Per packet: decode the 5-tuple (decode_tuple), pick the host (host_key) and its
// worker (shard_of) — exactly what replay does, so both drivers put every host on the same
// shard index. A full ring drops the rest of that worker's burst (mbufs freed, counted in
// RingStats.dropped for that worker); the RX lcore never waits.
#pragma once

#include <rte_mbuf.h>
#include <rte_ring.h>

#include <atomic>
#include <memory>
#include <vector>

#include "btsensor/home_net.hpp"
#include "btsensor/sensor_stats.hpp"
#include "dataplane/lcore_common.hpp"
#include "dataplane/options.hpp"
#include "dataplane/packet_time.hpp"

namespace btsensor {

struct RxQueueRef {
  uint16_t port = 0;
  uint16_t queue = 0;
  RxQueueStats* stats = nullptr;  // written by this RX lcore only
};

struct RxContext {
  unsigned lcore = 0;
  uint32_t index = 0;
  std::vector<RxQueueRef> queues;
  std::vector<rte_ring*> rings;                        // by worker
  std::vector<std::unique_ptr<RingStats>> ring_stats;  // by worker; dp: wo (this lcore)
  std::vector<std::vector<rte_mbuf*>> buckets;         // by worker, `burst` slots each
  const HomeNet* home = nullptr;
  uint32_t nworkers = 1;
  uint16_t burst = 32;
  uint32_t idle_sleep_us = 0;
  uint32_t test_gap_us = 0;  // test knob (DataplaneOptions::test_rx_gap_us)
  const PacketTime* time = nullptr;
  const std::atomic<bool>* stop = nullptr;  // cp: wo, rx: ro

  // The latest packet time this lcore has handed to the workers. Store-release after the
  // enqueue of the packets it covers: a worker that loads it (acquire) and then finds its
  // rings empty knows every packet up to that time from this lcore has been processed, so it
  // may advance its timers that far (packet-time mode).
  alignas(64) std::atomic<Timestamp> frontier{0};
  DoneFlag done;
  LcoreStats lcore_stats;
};

// rte_eal_remote_launch entry point; `arg` is an RxContext*.
int rx_lcore_main(void* arg);

}  // namespace btsensor
