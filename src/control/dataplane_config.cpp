#include "control/dataplane_config.hpp"

#include <yaml-cpp/yaml.h>

#include <map>
#include <set>

namespace btsensor {
namespace {

// DPDK 22.11 limits, repeated here because control does not depend on DPDK (the dataplane
// re-checks against the EAL's own values at start).
constexpr uint64_t kMaxLcoreId = 1023;  // RTE_MAX_LCORE is 128 by default, ≤ 1024 on any build
constexpr uint64_t kMempoolCacheMax = 512;  // RTE_MEMPOOL_CACHE_MAX_SIZE
constexpr uint64_t kMaxBurst = 512;         // the lcores' on-stack burst arrays
constexpr uint64_t kMaxQueues = 1024;       // RTE_MAX_QUEUES_PER_PORT

class Parser {
 public:
  explicit Parser(const DataplaneConfigReport& report) : report_(report) {}

  void keys(const YAML::Node& map, const std::string& where,
            std::initializer_list<const char*> allowed) {
    std::set<std::string> ok(allowed.begin(), allowed.end());
    for (const auto& kv : map) {
      std::string k = kv.first.as<std::string>("");
      if (ok.count(k)) continue;
      std::string list;
      for (const char* a : allowed) list += (list.empty() ? "" : ", ") + std::string(a);
      report_(kv.first, where + "." + k, "unknown key (expected one of: " + list + ")");
    }
  }

  // A whole number in [lo, hi]; reports and keeps the default otherwise.
  template <class T>
  bool uint(const YAML::Node& n, const std::string& key, T& out, uint64_t lo, uint64_t hi) {
    uint64_t v;
    std::string text = n.IsScalar() ? n.Scalar() : "";
    if (!n.IsScalar() || text.empty() || text[0] == '-' || !YAML::convert<uint64_t>::decode(n, v)) {
      report_(n, key, "expected a whole number, got '" + text + "'");
      return false;
    }
    if (v < lo || v > hi) {
      report_(n, key,
              "value " + std::to_string(v) + " out of range [" + std::to_string(lo) + ", " +
                  std::to_string(hi) + "]");
      return false;
    }
    out = T(v);
    return true;
  }

  template <class T>
  void uint_key(const YAML::Node& parent, const char* name, T& out, uint64_t lo, uint64_t hi) {
    if (YAML::Node n = parent[name]) uint(n, std::string("dataplane.") + name, out, lo, hi);
  }

  // rte_ring capacities are powers of two (one slot short of full: see the dataplane).
  void ring_key(const YAML::Node& parent, const char* name, uint32_t& out) {
    YAML::Node n = parent[name];
    if (!n) return;
    uint32_t v = out;
    if (!uint(n, std::string("dataplane.") + name, v, 64, 1u << 24)) return;
    if (v & (v - 1)) {
      report_(n, std::string("dataplane.") + name,
              "value " + std::to_string(v) + " must be a power of two");
      return;
    }
    out = v;
  }

  void lcore_list(const YAML::Node& parent, const char* name, std::vector<unsigned>& out) {
    YAML::Node n = parent[name];
    if (!n) return;
    std::string key = std::string("dataplane.") + name;
    if (!n.IsSequence() || n.size() == 0) {
      report_(n, key, "expected a non-empty list of lcore ids");
      return;
    }
    std::vector<unsigned> v;
    for (const auto& item : n) {
      unsigned id = 0;
      if (uint(item, key, id, 0, kMaxLcoreId)) v.push_back(id);
    }
    if (v.size() == n.size()) out = std::move(v);
  }

  void report(const YAML::Node& n, const std::string& key, const std::string& msg) {
    report_(n, key, msg);
  }

 private:
  const DataplaneConfigReport& report_;
};

void parse_ports(Parser& p, const YAML::Node& n, DataplaneConfig& out) {
  if (!n.IsSequence() || n.size() == 0) {
    p.report(n, "dataplane.ports",
             "expected a non-empty list of ports ({name: net_pcap0, devargs: ...})");
    return;
  }
  std::set<std::string> names;
  for (size_t i = 0; i < n.size(); ++i) {
    const YAML::Node item = n[i];
    std::string where = "dataplane.ports[" + std::to_string(i) + "]";
    if (!item.IsMap()) {
      p.report(item, where, "expected a mapping with name, devargs, rx_queues");
      continue;
    }
    p.keys(item, where, {"name", "devargs", "rx_queues"});
    DataplanePortConfig port;
    YAML::Node name = item["name"];
    if (!name || !name.IsScalar() || name.Scalar().empty()) {
      p.report(name ? name : item, where + ".name",
               "expected a device name (net_pcap0, net_null0, 0000:3b:00.0)");
      continue;
    }
    port.name = name.Scalar();
    // EAL parses "name,devargs" on commas; a comma or space in the name would be taken as
    // the start of the device arguments.
    if (port.name.find_first_of(", \t") != std::string::npos) {
      p.report(name, where + ".name",
               "'" + port.name + "' must not contain commas or spaces (put options in devargs)");
      continue;
    }
    if (!names.insert(port.name).second) {
      p.report(name, where + ".name", "port '" + port.name + "' is listed twice");
      continue;
    }
    if (YAML::Node d = item["devargs"]) {
      if (!d.IsScalar()) {
        p.report(d, where + ".devargs", "expected a string like \"rx_pcap=FILE\"");
      } else {
        port.devargs = d.Scalar();
      }
    }
    if (YAML::Node q = item["rx_queues"])
      p.uint(q, where + ".rx_queues", port.rx_queues, 1, kMaxQueues);
    out.ports.push_back(std::move(port));
  }
}

}  // namespace

const char* time_source_name(TimeSource t) {
  switch (t) {
    case TimeSource::kAuto:
      return "auto";
    case TimeSource::kPacket:
      return "packet";
    case TimeSource::kTsc:
      return "tsc";
  }
  return "?";
}

void parse_dataplane_config(const YAML::Node& n, DataplaneConfig& out,
                            const DataplaneConfigReport& report) {
  Parser p(report);
  if (!n.IsMap()) {
    p.report(n, "dataplane", "expected a mapping");
    return;
  }
  out.present = true;
  p.keys(n, "dataplane",
         {"ports", "rx_lcores", "worker_lcores", "aggregator_lcore", "mempool_mbufs", "mbuf_cache",
          "ring_size", "event_ring_size", "output_queue", "burst", "rx_desc", "time_source",
          "exit_when_idle_ms", "idle_sleep_us", "stats_interval_ms", "test_worker_delay_ns",
          "test_rx_gap_us"});
  if (YAML::Node ports = n["ports"]) {
    parse_ports(p, ports, out);
  } else {
    p.report(n, "dataplane.ports", "missing: the dataplane needs at least one port");
  }
  p.lcore_list(n, "rx_lcores", out.rx_lcores);
  p.lcore_list(n, "worker_lcores", out.worker_lcores);
  p.uint_key(n, "aggregator_lcore", out.aggregator_lcore, 0, kMaxLcoreId);
  // 1 Gi mbufs of 2 KiB would be 2 TiB: far beyond any box; catches typos with extra zeros.
  // The floor of 1024 also satisfies rte_mempool's rule cache × 1.5 ≤ n for any cache ≤ 512.
  p.uint_key(n, "mempool_mbufs", out.mempool_mbufs, 1024, 1u << 26);
  p.uint_key(n, "mbuf_cache", out.mbuf_cache, 0, kMempoolCacheMax);
  p.ring_key(n, "ring_size", out.ring_size);
  p.ring_key(n, "event_ring_size", out.event_ring_size);
  p.ring_key(n, "output_queue", out.output_queue);
  p.uint_key(n, "burst", out.burst, 1, kMaxBurst);
  p.uint_key(n, "rx_desc", out.rx_desc, 32, 32768);
  p.uint_key(n, "exit_when_idle_ms", out.exit_when_idle_ms, 0, 86'400'000);
  p.uint_key(n, "idle_sleep_us", out.idle_sleep_us, 0, 100'000);
  p.uint_key(n, "stats_interval_ms", out.stats_interval_ms, 100, 60'000);
  p.uint_key(n, "test_worker_delay_ns", out.test_worker_delay_ns, 0, 10'000'000);
  p.uint_key(n, "test_rx_gap_us", out.test_rx_gap_us, 0, 1'000'000);
  if (YAML::Node t = n["time_source"]) {
    std::string v = t.IsScalar() ? t.Scalar() : "";
    if (v == "auto") {
      out.time_source = TimeSource::kAuto;
    } else if (v == "packet") {
      out.time_source = TimeSource::kPacket;
    } else if (v == "tsc") {
      out.time_source = TimeSource::kTsc;
    } else {
      p.report(t, "dataplane.time_source", "expected auto, packet or tsc, got '" + v + "'");
    }
  }

  // Cross-key checks.
  // Every role gets its own lcore: two busy-polling loops on one lcore would starve each
  // other, and the per-lcore counters assume one writer.
  std::map<unsigned, std::string> used;
  auto claim = [&](unsigned id, const std::string& role, const char* key) {
    auto [it, fresh] = used.emplace(id, role);
    if (!fresh)
      p.report(n[key] ? n[key] : n, std::string("dataplane.") + key,
               "lcore " + std::to_string(id) + " is already the " + it->second +
                   " lcore (each lcore has one role)");
  };
  for (unsigned id : out.rx_lcores) claim(id, "rx", "rx_lcores");
  for (unsigned id : out.worker_lcores) claim(id, "worker", "worker_lcores");
  claim(out.aggregator_lcore, "aggregator", "aggregator_lcore");
}

}  // namespace btsensor
