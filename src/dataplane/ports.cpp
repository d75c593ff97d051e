#include "dataplane/ports.hpp"

#include <rte_dev.h>
#include <rte_errno.h>
#include <rte_ethdev.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "dataplane/eal.hpp"

namespace btsensor {
namespace {

std::string label(const DpPort& p) {
  return p.where + " (" + p.name + ")";
}

std::string err_text(int rc) {
  return std::string(rte_strerror(rc < 0 ? -rc : rc)) + " (" + std::to_string(rc) + ")";
}

// "k1=v1,k2=v2" → values of key `k` (net_pcap accepts several rx_pcap, one per queue).
std::vector<std::string> devarg_values(const std::string& devargs, const std::string& k) {
  std::vector<std::string> out;
  size_t s = 0;
  while (s <= devargs.size()) {
    size_t e = devargs.find(',', s);
    std::string kv = devargs.substr(s, e == std::string::npos ? std::string::npos : e - s);
    if (kv.rfind(k + "=", 0) == 0) out.push_back(kv.substr(k.size() + 1));
    if (e == std::string::npos) break;
    s = e + 1;
  }
  return out;
}

bool is_pcap_vdev(const DpPort& p) {
  return p.name.rfind("net_pcap", 0) == 0 || p.name.rfind("eth_pcap", 0) == 0;
}

}  // namespace

Result<bool> precheck_ports(const std::vector<DpPort>& ports) {
  for (const auto& p : ports) {
    if (!is_pcap_vdev(p)) continue;
    for (const auto& f : devarg_values(p.devargs, "rx_pcap"))
      if (access(f.c_str(), R_OK) != 0)
        return Error{label(p) + ": rx_pcap=" + f + ": " + std::strerror(errno)};
  }
  return true;
}

PortSet::~PortSet() {
  stop();
}

Result<bool> PortSet::attach(const std::vector<DpPort>& ports) {
  for (const auto& p : ports) {
    PortRuntime rt;
    rt.cfg = p;
    uint16_t id;
    if (rte_eth_dev_get_port_by_name(p.name.c_str(), &id) != 0) {
      if (is_bus_address(p.name))
        return Error{label(p) +
                     ": no such DPDK port: is the device bound to vfio-pci (dpdk-devbind.py) "
                     "and not excluded by the EAL arguments (--no-pci, -b)?"};
      std::string spec = p.devargs.empty() ? p.name : p.name + "," + p.devargs;
      int rc = rte_dev_probe(spec.c_str());
      if (rc < 0)
        return Error{label(p) + ": cannot attach '" + spec + "': " + err_text(rc) +
                     " (the driver's own message is above)"};
      if (rte_eth_dev_get_port_by_name(p.name.c_str(), &id) != 0)
        return Error{label(p) + ": attached '" + spec +
                     "' but it is not an ethernet port (is the name a net_* driver?)"};
    }
    rt.port_id = id;
    rte_eth_dev_info info;
    int rc = rte_eth_dev_info_get(id, &info);
    if (rc != 0) return Error{label(p) + ": cannot read device info: " + err_text(rc)};
    rt.driver = info.driver_name ? info.driver_name : "?";
    rt.replays_file = rt.driver == "net_pcap" && !devarg_values(p.devargs, "rx_pcap").empty();
    for (const auto& v : devarg_values(p.devargs, "infinite_rx"))
      if (std::atoi(v.c_str()) > 0) rt.replays_file = false;
    if (p.rx_queues > info.max_rx_queues)
      return Error{
          label(p) + ": rx_queues " + std::to_string(p.rx_queues) + " but " + rt.driver +
          " offers at most " + std::to_string(info.max_rx_queues) +
          (rt.driver == "net_pcap" ? " (net_pcap has one RX queue per rx_pcap file)" : "")};
    rt.stats = std::make_unique<PortStats>();
    rt.stats->name = p.name;
    for (uint16_t q = 0; q < p.rx_queues; ++q)
      rt.stats->queues.push_back(std::make_unique<RxQueueStats>());
    ports_.push_back(std::move(rt));
  }
  return true;
}

uint64_t PortSet::rx_descriptors(uint16_t rx_desc) const {
  uint64_t n = 0;
  for (const auto& p : ports_) n += uint64_t(p.cfg.rx_queues) * rx_desc;
  return n;
}

Result<bool> PortSet::start(rte_mempool* pool, uint16_t rx_desc, bool want_timestamps) {
  for (auto& p : ports_) {
    const uint16_t id = p.port_id;
    rte_eth_dev_info info;
    int rc = rte_eth_dev_info_get(id, &info);
    if (rc != 0) return Error{label(p.cfg) + ": cannot read device info: " + err_text(rc)};
    rte_eth_conf conf{};
    // RSS spreads one port over several RX queues (and so RX lcores). Which queue a packet
    // lands on does not matter for correctness: the RX lcores re-hash by internal host.
    uint64_t rss_hf =
        info.flow_type_rss_offloads & (RTE_ETH_RSS_IP | RTE_ETH_RSS_TCP | RTE_ETH_RSS_UDP);
    if (p.cfg.rx_queues > 1 && rss_hf != 0) {
      conf.rxmode.mq_mode = RTE_ETH_MQ_RX_RSS;
      conf.rx_adv_conf.rss_conf.rss_hf = rss_hf;
      p.rss = true;
    }
    if (want_timestamps && (info.rx_offload_capa & RTE_ETH_RX_OFFLOAD_TIMESTAMP)) {
      conf.rxmode.offloads |= RTE_ETH_RX_OFFLOAD_TIMESTAMP;
      p.hw_timestamp = true;
    }
    // No TX queues: the sensor only listens.
    rc = rte_eth_dev_configure(id, p.cfg.rx_queues, 0, &conf);
    if (rc != 0) return Error{label(p.cfg) + ": configure failed: " + err_text(rc)};
    uint16_t nb_rxd = rx_desc, nb_txd = 0;
    rc = rte_eth_dev_adjust_nb_rx_tx_desc(id, &nb_rxd, &nb_txd);
    if (rc != 0)
      return Error{label(p.cfg) + ": cannot use " + std::to_string(rx_desc) +
                   " RX descriptors: " + err_text(rc)};
    p.rx_desc = nb_rxd;
    rte_eth_rxconf rxconf = info.default_rxconf;
    rxconf.offloads = conf.rxmode.offloads;
    int socket = rte_eth_dev_socket_id(id);
    for (uint16_t q = 0; q < p.cfg.rx_queues; ++q) {
      rc =
          rte_eth_rx_queue_setup(id, q, nb_rxd, socket < 0 ? SOCKET_ID_ANY : socket, &rxconf, pool);
      if (rc != 0)
        return Error{
            label(p.cfg) + ": RX queue " + std::to_string(q) + " setup failed: " + err_text(rc) +
            (p.driver == "net_pcap" ? " (with infinite_rx, the mempool must hold the whole capture)"
                                    : "")};
    }
    rc = rte_eth_promiscuous_enable(id);
    if (rc != 0 && rc != -ENOTSUP)
      std::fprintf(stderr, "btsensor run: %s: promiscuous mode not enabled: %s\n",
                   label(p.cfg).c_str(), err_text(rc).c_str());
    rc = rte_eth_dev_start(id);
    if (rc != 0) return Error{label(p.cfg) + ": start failed: " + err_text(rc)};
    p.started = true;
    rte_eth_link link{};
    rte_eth_link_get_nowait(id, &link);
    std::fprintf(stderr,
                 "btsensor run: port %u %s (%s): %u RX queue(s)%s, %u descriptors, link %s "
                 "%u Mbps\n",
                 unsigned(id), p.cfg.name.c_str(), p.driver.c_str(), unsigned(p.cfg.rx_queues),
                 p.rss ? " with RSS" : "", unsigned(nb_rxd), link.link_status ? "up" : "down",
                 unsigned(link.link_speed));
    if (!link.link_status)
      std::fprintf(stderr, "btsensor run: warning: %s: link is down\n", label(p.cfg).c_str());
  }
  return true;
}

void PortSet::poll_stats() {
  for (auto& p : ports_) {
    rte_eth_stats s;
    if (!p.started || rte_eth_stats_get(p.port_id, &s) != 0) continue;
    p.stats->ipackets.set(s.ipackets);
    p.stats->ibytes.set(s.ibytes);
    p.stats->imissed.set(s.imissed);
    p.stats->ierrors.set(s.ierrors);
    p.stats->rx_nombuf.set(s.rx_nombuf);
  }
}

void PortSet::stop() {
  for (auto& p : ports_) {
    if (!p.started) continue;
    poll_stats();  // last values before the PMD forgets them
    rte_eth_dev_stop(p.port_id);
    rte_eth_dev_close(p.port_id);
    p.started = false;
  }
}

}  // namespace btsensor
