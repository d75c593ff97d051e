// The `dataplane:` section of the sensor config: ports, lcore roles, pool/ring sizes and time
// source of `btsensor run`. Plain values, validated at load (ranges, powers of two, lcores
// used once); whether the lcores and ports exist is only known after EAL init and is checked
// by the dataplane, with messages naming the same keys.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace YAML {
class Node;
}

namespace btsensor {

struct DataplanePortConfig {
  // A vdev name ("net_pcap0", "net_null0", "net_ring0": the part before the first comma of a
  // --vdev argument) or a bus address ("0000:3b:00.0").
  std::string name;
  std::string devargs;     // "rx_pcap=FILE,infinite_rx=1"; empty for none
  uint16_t rx_queues = 1;  // > 1 spreads load with RSS where the PMD supports it
};

enum class TimeSource : uint8_t {
  kAuto,    // packet time when every port replays a capture (net_pcap rx_pcap), else TSC
  kPacket,  // the PMD's RX timestamp; TSC for packets that carry none (counted)
  kTsc,     // TSC-derived wall time, calibrated once against CLOCK_REALTIME
};
const char* time_source_name(TimeSource t);

struct DataplaneConfig {
  bool present = false;  // the config has a dataplane section
  std::vector<DataplanePortConfig> ports;
  std::vector<unsigned> rx_lcores{1};
  std::vector<unsigned> worker_lcores{2};
  unsigned aggregator_lcore = 3;
  // Packet buffers. Must cover every RX descriptor, every slot of every packet ring and the
  // per-lcore caches (checked at start, with the arithmetic in the message).
  uint32_t mempool_mbufs = 65535;  // 2^n - 1 is the rte_mempool sweet spot
  uint32_t mbuf_cache = 256;
  uint32_t ring_size = 4096;        // per RX lcore × worker packet ring (power of two)
  uint32_t event_ring_size = 4096;  // per worker → aggregator event ring (power of two)
  uint32_t output_queue = 16384;    // aggregator → writer (power of two)
  uint16_t burst = 32;              // packets per rte_eth_rx_burst / ring dequeue
  uint16_t rx_desc = 1024;          // RX descriptors per queue
  TimeSource time_source = TimeSource::kAuto;
  uint32_t exit_when_idle_ms = 0;  // 0 = run until signalled
  // Lcores nap this long after 256 empty polls: 0 (default) = pure busy polling; > 0 shares
  // CPUs with other work (demo machines with fewer CPUs than lcores).
  uint32_t idle_sleep_us = 0;
  uint32_t stats_interval_ms = 1000;  // port stats poll period
  // Test knob: each worker spins this long per packet, so that packet rings fill and ring-full
  // drops can be tested. 0 in production.
  uint32_t test_worker_delay_ns = 0;
  // Test knob: an RX lcore sleeps this long after each burst it received, which caps the
  // packet rate (tests that must see no ring drop on a shared CPU). 0 in production.
  uint32_t test_rx_gap_us = 0;
};

// Reports one problem at a node; the caller formats it as file:line:col: key: message.
using DataplaneConfigReport =
    std::function<void(const YAML::Node& at, const std::string& key, const std::string& message)>;

// Parses the `dataplane:` mapping into `out`, keeping defaults where a key is absent or bad,
// and reports every problem found (all of them, not only the first).
void parse_dataplane_config(const YAML::Node& n, DataplaneConfig& out,
                            const DataplaneConfigReport& report);

}  // namespace btsensor
