// Ports and RX queues: attach, configure (RSS where the PMD has it), start, poll stats, stop.
// Control thread only. Every error names the port and its config key.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "btsensor/result.hpp"
#include "btsensor/sensor_stats.hpp"
#include "dataplane/options.hpp"

struct rte_mempool;

namespace btsensor {

struct PortRuntime {
  DpPort cfg;
  uint16_t port_id = 0;
  std::string driver;         // PMD name, e.g. "net_pcap"
  bool replays_file = false;  // net_pcap rx_pcap without infinite_rx: stamps every packet
  bool hw_timestamp = false;  // RTE_ETH_RX_OFFLOAD_TIMESTAMP enabled
  uint16_t rx_desc = 0;       // after rte_eth_dev_adjust_nb_rx_tx_desc
  bool rss = false;
  bool started = false;
  std::unique_ptr<PortStats> stats;
};

// Before EAL init: files named in net_pcap devargs must be readable, so that a typo is one
// clear line instead of a driver log and a missing port.
Result<bool> precheck_ports(const std::vector<DpPort>& ports);

class PortSet {
 public:
  PortSet() = default;
  ~PortSet();
  PortSet(const PortSet&) = delete;
  PortSet& operator=(const PortSet&) = delete;

  // After EAL init: attaches vdevs (rte_dev_probe), finds bus devices, reads device info.
  Result<bool> attach(const std::vector<DpPort>& ports);
  // RX descriptors the ports will hold (for sizing the mempool), after attach().
  uint64_t rx_descriptors(uint16_t rx_desc) const;
  // Configures every port and queue, enables promiscuous mode, starts, reports link state.
  // `want_timestamps`: request RTE_ETH_RX_OFFLOAD_TIMESTAMP where the PMD advertises it.
  Result<bool> start(rte_mempool* pool, uint16_t rx_desc, bool want_timestamps);
  // rte_eth_stats_get into PortStats (control thread, ~1/s).
  void poll_stats();
  void stop();

  std::vector<PortRuntime>& ports() { return ports_; }
  const std::vector<PortRuntime>& ports() const { return ports_; }

 private:
  std::vector<PortRuntime> ports_;
};

}  // namespace btsensor
