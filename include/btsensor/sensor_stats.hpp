// Counters of the parts around the engine (ports, rings, lcores, outputs), in plain types so
// that the metrics exporter (outputs) can read them without knowing DPDK. Each struct is
// written by one thread only (see counter.hpp); the exporter sums at scrape time.
#pragma once

#include <array>
#include <memory>
#include <string>
#include <vector>

#include "btsensor/counter.hpp"

namespace btsensor {

// One RX queue of one port, written by the RX lcore that polls it.
struct alignas(64) RxQueueStats {
  Counter packets;
  Counter bytes;
};

// One port, written by the control thread from rte_eth_stats_get() once a second.
struct alignas(64) PortStats {
  std::string name;  // e.g. "net_pcap0", "0000:3b:00.0"
  Counter ipackets;
  Counter ibytes;
  Counter imissed;  // dropped by the NIC: no RX descriptor free (RX lcores too slow)
  Counter ierrors;
  Counter rx_nombuf;  // dropped: mempool exhausted
  std::vector<std::unique_ptr<RxQueueStats>> queues;
};

// One RX lcore → worker ring pair's drops, written by that RX lcore.
struct alignas(64) RingStats {
  Counter enqueued;
  Counter dropped;  // ring full: the worker is too slow
};

// One lcore's loop, written by that lcore: busy = iterations that did work.
struct alignas(64) LcoreStats {
  std::string role;  // "rx", "worker", "aggregator"
  unsigned lcore_id = 0;
  Counter busy_cycles;
  Counter total_cycles;
};

// The output path, written by the thread that owns it.
struct alignas(64) OutputStats {
  std::string name;  // "eve", "syslog"
  Counter written;
  Counter dropped;  // queue full or sink failed: counted, never silent
  Counter errors;
};

}  // namespace btsensor
