#include "outputs/metrics_collector.hpp"

#include <gtest/gtest.h>
#include <prometheus/text_serializer.h>

#include <map>
#include <regex>
#include <set>

#include "btsensor/decode.hpp"

namespace btsensor {
namespace {

using prometheus::MetricFamily;
using prometheus::MetricType;

const MetricFamily* family(const std::vector<MetricFamily>& fams, const std::string& name) {
  for (const auto& f : fams)
    if (f.name == name) return &f;
  return nullptr;
}

double value(const MetricFamily& f, const std::map<std::string, std::string>& labels = {}) {
  for (const auto& m : f.metric) {
    std::map<std::string, std::string> got;
    for (const auto& l : m.label) got[l.name] = l.value;
    if (got == labels) return f.type == MetricType::Counter ? m.counter.value : m.gauge.value;
  }
  ADD_FAILURE() << "no series of " << f.name << " with the given labels";
  return -1;
}

// A driver's worth of stats: 3 shards, 2 ports (2 queues each), 2 rings, lcores, outputs.
struct Fixture {
  std::array<ClassifierStats, 2> classifiers;
  std::array<ModelStats, 2> models;
  ShardStats shards[3];
  PortStats ports[2];
  RingStats rings[2];
  LcoreStats lcores[2];
  OutputStats outputs[2];
  ExclusionStats exclusions;
  MetricsSources sources() {
    MetricsSources s;
    for (auto& x : shards) s.shards.push_back(&x);
    for (int i = 0; i < 2; ++i) {
      ports[i].name = "net_pcap" + std::to_string(i);
      ports[i].queues.push_back(std::make_unique<RxQueueStats>());
      ports[i].queues.push_back(std::make_unique<RxQueueStats>());
      s.ports.push_back(&ports[i]);
      s.rings.push_back(&rings[i]);
    }
    lcores[0].role = "rx";
    lcores[0].lcore_id = 1;
    lcores[1].role = "worker";
    lcores[1].lcore_id = 2;
    for (auto& l : lcores) s.lcores.push_back(&l);
    outputs[0].name = "eve";
    outputs[1].name = "syslog";
    for (auto& o : outputs) s.outputs.push_back(&o);
    s.exclusions = &exclusions;
    s.exclusion_ids = ExclusionIds::make({"sandbox-net", "ci-private-tracker"});
    s.version = "9.9.9";
    for (auto& cs : classifiers) s.classifiers.push_back(&cs);
    for (auto& m : models) s.models.push_back(&m);
    s.signatures = {"peer_handshake", "dht_krpc"};
    s.feeds = {{"trackers", 0, 0}};
    return s;
  }
};

// Before any traffic every series exists with value 0 (Prometheus practice: a labelled
// series that appears only on its first increment breaks rate() and absent() alerts).
TEST(MetricsCollector, EverySeriesExistsAtZero) {
  Fixture fx;
  MetricsCollector c;
  add_builtin_families(c, fx.sources());
  auto fams = c.Collect();
  std::set<std::string> names;
  for (const auto& f : fams) {
    names.insert(f.name);
    const FamilySpec* spec = find_family(f.name);
    ASSERT_TRUE(spec) << f.name;
    EXPECT_EQ(spec->status, FamilyStatus::kProduced);
    EXPECT_EQ(f.type, spec->type);
    for (const auto& m : f.metric) {
      ASSERT_EQ(m.label.size(), spec->labels.size()) << f.name;
      for (size_t i = 0; i < m.label.size(); ++i) EXPECT_EQ(m.label[i].name, spec->labels[i]);
      if (f.name == "btsensor_build_info" || f.name == "btsensor_start_time_seconds" ||
          f.name == "btsensor_uptime_seconds" || f.name == "btsensor_feed_age_seconds")
        continue;
      EXPECT_EQ(f.type == MetricType::Counter ? m.counter.value : m.gauge.value, 0) << f.name;
    }
  }
  // Every produced family of the catalogue is bound and present with this driver's stats.
  for (const FamilySpec& s : metric_catalogue())
    EXPECT_EQ(names.count(std::string(s.name)), s.status == FamilyStatus::kProduced ? 1u : 0u)
        << s.name;
  auto* dec = family(fams, "btsensor_decode_errors_total");
  ASSERT_TRUE(dec);
  EXPECT_EQ(dec->metric.size(), kDecodeStatusCount - 1);  // every reason but "ok"
  EXPECT_EQ(value(*dec, {{"reason", "not_ip"}}), 0);
  auto* ended = family(fams, "btsensor_flows_ended_total");
  ASSERT_TRUE(ended);
  EXPECT_EQ(ended->metric.size(), 3u);
  EXPECT_EQ(family(fams, "btsensor_queue_rx_packets_total")->metric.size(), 4u);
  // One series per configured exclusion, at 0 before anything was suppressed.
  EXPECT_EQ(family(fams, "btsensor_events_suppressed_total")->metric.size(), 2u);
  EXPECT_EQ(value(*family(fams, "btsensor_build_info"), {{"version", "9.9.9"}}), 1);
}

TEST(MetricsCollector, SumsShardsAtScrapeTime) {
  Fixture fx;
  MetricsCollector c;
  add_builtin_families(c, fx.sources());
  fx.shards[0].packets.add(10);
  fx.shards[1].packets.add(20);
  fx.shards[2].packets.add(12);
  fx.shards[0].decode[size_t(DecodeStatus::not_ip)].add(2);
  fx.shards[2].decode[size_t(DecodeStatus::not_ip)].add(3);
  fx.shards[1].flows_ended[size_t(FlowEndReason::kShutdown)].add(4);
  fx.shards[0].flows_active.set(5);
  fx.shards[1].flows_active.set(6);
  fx.ports[1].imissed.add(7);
  fx.ports[0].queues[1]->packets.add(8);
  fx.rings[1].dropped.add(9);
  fx.lcores[1].busy_cycles.add(100);
  fx.outputs[1].dropped.add(11);
  fx.exclusions.by_exclusion[1].add(13);
  auto fams = c.Collect();
  EXPECT_EQ(value(*family(fams, "btsensor_packets_total")), 42);
  EXPECT_EQ(value(*family(fams, "btsensor_decode_errors_total"), {{"reason", "not_ip"}}), 5);
  EXPECT_EQ(value(*family(fams, "btsensor_flows_ended_total"), {{"reason", "shutdown"}}), 4);
  EXPECT_EQ(value(*family(fams, "btsensor_flows_active")), 11);
  EXPECT_EQ(value(*family(fams, "btsensor_port_rx_missed_packets_total"), {{"port", "net_pcap1"}}),
            7);
  EXPECT_EQ(value(*family(fams, "btsensor_queue_rx_packets_total"),
                  {{"port", "net_pcap0"}, {"queue", "1"}}),
            8);
  EXPECT_EQ(value(*family(fams, "btsensor_ring_dropped_packets_total"), {{"worker", "1"}}), 9);
  EXPECT_EQ(value(*family(fams, "btsensor_lcore_busy_cycles_total"),
                  {{"lcore", "2"}, {"role", "worker"}}),
            100);
  EXPECT_EQ(value(*family(fams, "btsensor_output_records_dropped_total"), {{"output", "syslog"}}),
            11);
  EXPECT_EQ(value(*family(fams, "btsensor_events_suppressed_total"),
                  {{"exclusion", "ci-private-tracker"}}),
            13);
  EXPECT_EQ(
      value(*family(fams, "btsensor_events_suppressed_total"), {{"exclusion", "sandbox-net"}}), 0);
  // A later scrape sees later values: nothing is cached.
  fx.shards[2].packets.add(1);
  EXPECT_EQ(value(*family(c.Collect(), "btsensor_packets_total")), 43);
}

// Replay: no ports, rings or lcores — those families are left out rather than empty.
TEST(MetricsCollector, FamiliesWithoutSourcesAreOmitted) {
  ShardStats shard;
  MetricsSources s;
  s.shards.push_back(&shard);
  MetricsCollector c;
  add_builtin_families(c, s);
  auto fams = c.Collect();
  EXPECT_FALSE(family(fams, "btsensor_port_rx_packets_total"));
  EXPECT_FALSE(family(fams, "btsensor_ring_dropped_packets_total"));
  EXPECT_FALSE(family(fams, "btsensor_events_suppressed_total"));  // no exclusions configured
  EXPECT_TRUE(family(fams, "btsensor_packets_total"));
}

// Another engineer's family: one catalogue row plus one add() call. Planned rows refuse a
// getter until they are marked produced, so the catalogue cannot claim what is not there.
TEST(MetricsCollector, ExtensionHooks) {
  MetricsCollector c;
  for (const FamilySpec& f : metric_catalogue()) {
    if (f.status == FamilyStatus::kPlanned) {
      EXPECT_FALSE(c.add(f.name, [](SampleWriter& w) { w.add(1); })) << f.name;
    }
  }
  EXPECT_FALSE(c.add("btsensor_no_such_family", [](SampleWriter&) {}));
  EXPECT_TRUE(c.add("btsensor_flows_created_total", [](SampleWriter& w) { w.add(3); }));
  auto fams = c.Collect();
  ASSERT_EQ(fams.size(), 1u);
  EXPECT_EQ(value(fams[0]), 3);
}

// Naming rules (Prometheus practice), checked over the whole catalogue.
TEST(MetricsCatalogue, NamesFollowConventions) {
  std::regex name_re("btsensor_[a-z0-9_]+");
  std::set<std::string_view> seen;
  const std::set<std::string_view> allowed_labels = {
      "version",   "port",     "queue", "worker", "lcore", "role",      "reason", "output",
      "signature", "evidence", "label", "action", "model", "exclusion", "feed",   "result"};
  for (const FamilySpec& f : metric_catalogue()) {
    std::string n(f.name);
    EXPECT_TRUE(std::regex_match(n, name_re)) << n;
    EXPECT_TRUE(seen.insert(f.name).second) << "duplicate " << n;
    bool total = n.size() > 6 && n.substr(n.size() - 6) == "_total";
    EXPECT_EQ(total, f.type == MetricType::Counter) << n << ": _total iff counter";
    EXPECT_FALSE(f.help.empty()) << n;
    for (auto l : f.labels) EXPECT_TRUE(allowed_labels.count(l)) << n << " label " << l;
    if (f.status == FamilyStatus::kPlanned) {
      EXPECT_FALSE(f.comes_with.empty()) << n;
    }
  }
  EXPECT_TRUE(seen.count("btsensor_build_info"));
}

// The exposition text Prometheus will read.
TEST(MetricsCollector, TextExposition) {
  ShardStats shard;
  shard.packets.add(5);
  MetricsSources s;
  s.shards.push_back(&shard);
  s.version = "1.2.3";
  MetricsCollector c;
  add_builtin_families(c, s);
  std::string text = prometheus::TextSerializer().Serialize(c.Collect());
  EXPECT_NE(text.find("# TYPE btsensor_packets_total counter\nbtsensor_packets_total 5\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("btsensor_build_info{version=\"1.2.3\"} 1\n"), std::string::npos);
  EXPECT_NE(text.find("btsensor_decode_errors_total{reason=\"truncated_l2\"} 0\n"),
            std::string::npos);
}

}  // namespace
}  // namespace btsensor
