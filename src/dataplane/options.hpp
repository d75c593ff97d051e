// What `btsensor run` asks of the dataplane: ports, lcore roles, sizes, time source.
//
// Plain values with no DPDK type, filled by the app from the config's `dataplane:` section
// and the command line (the dataplane library does not depend on control: DESIGN.md).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace btsensor {

struct DpPort {
  std::string name;     // vdev name (net_pcap0) or bus address (0000:3b:00.0)
  std::string devargs;  // driver arguments, may be empty
  uint16_t rx_queues = 1;
  std::string where;  // config key for messages ("dataplane.ports[0]")
};

enum class DpTimeSource : uint8_t { kAuto, kPacket, kTsc };

struct DataplaneOptions {
  std::vector<std::string> eal_args;  // passed through after `--` on the command line
  std::vector<DpPort> ports;
  std::vector<unsigned> rx_lcores{1};
  std::vector<unsigned> worker_lcores{2};
  unsigned aggregator_lcore = 3;
  uint32_t mempool_mbufs = 65535;
  uint32_t mbuf_cache = 256;
  uint32_t ring_size = 4096;        // power of two; holds ring_size - 1 packets
  uint32_t event_ring_size = 4096;  // power of two
  uint32_t output_queue = 16384;    // power of two
  uint16_t burst = 32;              // ≤ kMaxBurst
  uint16_t rx_desc = 1024;
  DpTimeSource time_source = DpTimeSource::kAuto;
  uint32_t exit_when_idle_ms = 0;
  uint32_t idle_sleep_us = 0;
  uint32_t stats_interval_ms = 1000;
  uint32_t test_worker_delay_ns = 0;
  uint32_t test_rx_gap_us = 0;  // test knob: RX lcores sleep after each non-empty burst
};

// Upper bound of `burst`: the lcores keep burst arrays of this size.
constexpr uint16_t kMaxBurst = 512;

}  // namespace btsensor
