#include "outputs/metrics_catalogue.hpp"

namespace btsensor {
namespace {

using prometheus::MetricType;
constexpr auto kCounter = MetricType::Counter;
constexpr auto kGauge = MetricType::Gauge;
constexpr auto kPlanned = FamilyStatus::kPlanned;

// Naming (Prometheus practice): btsensor_ prefix, base units (seconds, bytes), _total on
// counters, labels of bounded cardinality only (port, queue, worker, lcore, role, reason,
// output, and the names of configured signatures/labels/models/feeds) — never an address or
// an info-hash.
const std::vector<FamilySpec>& table() {
  static const std::vector<FamilySpec> t = {
      // Process.
      {"btsensor_build_info", kGauge, {"version"}, "Always 1; the version of the running binary."},
      {"btsensor_start_time_seconds", kGauge, {}, "Start time of the process, Unix seconds."},
      {"btsensor_uptime_seconds", kGauge, {}, "Seconds since the process started."},
      // NIC ports (dataplane; from rte_eth_stats once a second).
      {"btsensor_port_rx_packets_total", kCounter, {"port"}, "Packets received by the port."},
      {"btsensor_port_rx_bytes_total", kCounter, {"port"}, "Bytes received by the port."},
      {"btsensor_port_rx_missed_packets_total",
       kCounter,
       {"port"},
       "Packets dropped by the NIC for lack of a free RX descriptor (imissed): RX too slow."},
      {"btsensor_port_rx_errors_total",
       kCounter,
       {"port"},
       "Erroneous received packets (ierrors)."},
      {"btsensor_port_rx_nombuf_total",
       kCounter,
       {"port"},
       "Receive mbuf allocation failures (rx_nombuf): mempool exhausted."},
      {"btsensor_queue_rx_packets_total",
       kCounter,
       {"port", "queue"},
       "Packets received by an RX lcore from one queue of a port."},
      {"btsensor_queue_rx_bytes_total",
       kCounter,
       {"port", "queue"},
       "Bytes received by an RX lcore from one queue of a port."},
      // RX → worker rings.
      {"btsensor_ring_enqueued_packets_total",
       kCounter,
       {"worker"},
       "Packets handed to a worker's ring."},
      {"btsensor_ring_dropped_packets_total",
       kCounter,
       {"worker"},
       "Packets dropped because a worker's ring was full: the worker is too slow."},
      // Lcores.
      {"btsensor_lcore_busy_cycles_total",
       kCounter,
       {"lcore", "role"},
       "TSC cycles of loop iterations that did work; busy ratio = rate(busy) / rate(cycles)."},
      {"btsensor_lcore_cycles_total", kCounter, {"lcore", "role"}, "TSC cycles of the lcore loop."},
      // Engine (summed over shards at scrape time).
      {"btsensor_packets_total", kCounter, {}, "Packets handed to the detection engine."},
      {"btsensor_bytes_total", kCounter, {}, "Wire bytes of the packets handed to the engine."},
      {"btsensor_decode_errors_total",
       kCounter,
       {"reason"},
       "Packets not fully decoded, by reason (not_ip, truncated_ipv4, ...)."},
      {"btsensor_decode_no_l4_packets_total",
       kCounter,
       {},
       "Decoded packets without ports (non-first fragments, other protocols)."},
      {"btsensor_flows_active", kGauge, {}, "Flows in the flow tables."},
      {"btsensor_flows_created_total", kCounter, {}, "Flows created."},
      {"btsensor_flows_ended_total",
       kCounter,
       {"reason"},
       "Flows ended, by reason (timeout, forced = evicted, shutdown)."},
      {"btsensor_flows_evicted_total",
       kCounter,
       {},
       "Flows ended early because the flow table was full."},
      {"btsensor_flows_untracked_packets_total",
       kCounter,
       {},
       "Packets not tracked: flow table full and nothing evictable."},
      {"btsensor_packet_time_regressions_total",
       kCounter,
       {},
       "Packets whose timestamp was earlier than their shard's clock."},
      // Outputs.
      {"btsensor_output_records_written_total",
       kCounter,
       {"output"},
       "Event records handed to the output's file or socket."},
      {"btsensor_output_records_dropped_total",
       kCounter,
       {"output"},
       "Event records lost: queue full, or the file/receiver failing."},
      {"btsensor_output_errors_total",
       kCounter,
       {"output"},
       "Failed output operations (open, write, fsync, connect, send)."},
      // Exclusions.
      {"btsensor_events_suppressed_total",
       kCounter,
       {"exclusion"},
       "Events (BitTorrent flow records, labels, alerts) an exclusion suppressed; written "
       "marked only with outputs.write_suppressed."},

      // Engine: classifier, host models, reputation.
      {"btsensor_hosts_active", kGauge, {}, "Hosts in the host tables."},
      {"btsensor_hosts_created_total", kCounter, {}, "Hosts added to the host tables."},
      {"btsensor_hosts_evicted_total",
       kCounter,
       {},
       "Hosts dropped because their host-table bucket was full (least recently seen first)."},
      {"btsensor_flows_bittorrent_total", kCounter, {}, "Ended flows classified as BitTorrent."},
      {"btsensor_dpi_scanned_bytes_total", kCounter, {}, "Payload bytes scanned by Hyperscan."},
      {"btsensor_flow_details_exhausted_total",
       kCounter,
       {},
       "BitTorrent flows whose detail (client, info_hash…) found no free slot."},
      {"btsensor_dpi_matches_total", kCounter, {"signature"}, "DPI signature matches."},
      {"btsensor_flows_classified_total",
       kCounter,
       {"evidence"},
       "Flows carrying each kind of BitTorrent evidence when they ended."},
      {"btsensor_labels_active", kGauge, {"label"}, "Hosts currently holding a label."},
      {"btsensor_label_events_total", kCounter, {"label", "action"}, "Host labels set or expired."},
      {"btsensor_label_pool_evictions_total",
       kCounter,
       {},
       "Hosts whose labels ended early because the label pool (hosts.label_capacity) was "
       "full."},
      {"btsensor_alerts_total", kCounter, {"model"}, "Alerts raised, by model."},
      // Planned: named here so dashboards and alert rules can be written and checked now.
      {"btsensor_reputation_entries", kGauge, {"feed"}, "Entries loaded from a reputation feed."},
      {"btsensor_feed_age_seconds",
       kGauge,
       {"feed"},
       "Seconds since a reputation feed was last loaded successfully."},
      {"btsensor_reloads_total",
       kCounter,
       {"result"},
       "Hot reloads (SIGHUP, `btsensor ctl reload`, changed feed files), by result: ok or "
       "failed (the running state was kept)."},
  };
  return t;
}

}  // namespace

std::span<const FamilySpec> metric_catalogue() {
  return table();
}

const FamilySpec* find_family(std::string_view name) {
  for (const FamilySpec& f : table())
    if (f.name == name) return &f;
  return nullptr;
}

const char* metric_type_name(prometheus::MetricType t) {
  switch (t) {
    case MetricType::Counter:
      return "counter";
    case MetricType::Gauge:
      return "gauge";
    case MetricType::Summary:
      return "summary";
    case MetricType::Histogram:
      return "histogram";
    default:
      return "untyped";
  }
}

}  // namespace btsensor
