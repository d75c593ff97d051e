// Worker lcore: owns one engine Shard (the hosts that hash to it). Dequeues bursts from its
// rings (one per RX lcore, round-robin), turns mbufs into RawPackets, runs the shard, frees
// the mbufs in bulk, reports an RCU quiescent state once per loop, and advances the shard's
// timers when idle so that flows and labels expire on a quiet link.
//
// Shutdown: once every RX lcore is done, it empties its rings, flushes the shard (every flow
// ends with reason `shutdown`) with the event sink waiting for room instead of dropping, and
// sets its done flag.
#pragma once

#include <rte_ring.h>

#include <memory>
#include <vector>

#include "btsensor/counter.hpp"
#include "btsensor/sensor_stats.hpp"
#include "btsensor/shard.hpp"
#include "btsensor/shard_query.hpp"
#include "dataplane/event_ring_sink.hpp"
#include "dataplane/lcore_common.hpp"
#include "dataplane/packet_time.hpp"
#include "dataplane/rcu_reclaimer.hpp"
#include "dataplane/rx_lcore.hpp"

namespace btsensor {

// Counters of one worker beyond the shard's own; written by that worker only.
struct alignas(64) WorkerStats {
  Counter packets;
  Counter bytes;
  Counter multi_seg;    // frames in several mbufs: only the first segment was inspected
  Counter ts_fallback;  // packet-time mode, but the packet had no usable RX timestamp
  Counter timer_fired;  // expirations from idle advance()
};

struct WorkerContext {
  unsigned lcore = 0;
  uint16_t index = 0;
  std::vector<rte_ring*> rings;      // from each RX lcore
  std::vector<const RxContext*> rx;  // their frontier and done flags
  rte_ring* event_ring = nullptr;    // to the aggregator (the sink's)
  std::unique_ptr<EventRingSink> sink;
  std::unique_ptr<Shard> shard;
  ShardMailbox mailbox;  // control queries (btsensor ctl labels/host), served between bursts
  QsbrReclaimer* rcu = nullptr;
  const PacketTime* time = nullptr;
  uint16_t burst = 32;
  uint32_t idle_sleep_us = 0;
  uint64_t test_delay_cycles = 0;  // test knob: spin per packet

  WorkerStats stats;
  EventPathStats events;
  LcoreStats lcore_stats;
  DoneFlag done;
};

// rte_eal_remote_launch entry point; `arg` is a WorkerContext*.
int worker_lcore_main(void* arg);

}  // namespace btsensor
