// Replay over every capture of ../shared/corpus: no crash, every ground-truth flow appears as
// a flow record, and the records do not depend on the shard count.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>

#include "control/pipeline.hpp"
#include "outputs/eve_writer.hpp"
#include "replay/replay_driver.hpp"
#include "support/collect_sink.hpp"
#include "support/corpus.hpp"

namespace btsensor::test {
namespace {

std::vector<FlowRecord> replay(const std::string& file, uint32_t shards) {
  EngineConfig cfg;
  CollectSink sink;
  ReplayOptions opt;
  opt.shards = shards;
  ReplayDriver drv(cfg, opt, sink);
  auto r = drv.run({(corpus_dir() / file).string()});
  EXPECT_TRUE(r) << file << ": " << (r ? "" : r.error());
  if (r) {
    EXPECT_TRUE(r->errors.empty()) << file << ": " << (r->errors.empty() ? "" : r->errors.front());
  }
  return sink.flows;
}

TEST(CorpusReplay, EveryTruthFlowAppearsAsAFlowRecord) {
  BTSENSOR_REQUIRE_CORPUS();
  auto truth = truth_flows();
  ASSERT_FALSE(truth.empty());
  std::map<std::string, std::vector<TruthFlow>> by_file;
  for (auto& t : truth) by_file[t.file].push_back(t);
  size_t checked = 0;
  for (const std::string& file : corpus_files()) {
    SCOPED_TRACE(file);
    auto flows = replay(file, 1);
    std::set<TruthKey> seen;
    for (const auto& r : flows) seen.insert(key_of(r.tuple));
    for (const auto& t : by_file[file]) {
      EXPECT_TRUE(seen.count(t.key)) << "missing flow " << t.key.l4 << " " << t.key.a << " <-> "
                                     << t.key.b << " (" << t.evidence << ")";
      ++checked;
    }
  }
  EXPECT_EQ(checked, truth.size());
  std::printf("corpus: %zu ground-truth flows checked over %zu captures\n", checked,
              corpus_files().size());
}

TEST(CorpusReplay, RecordsDoNotDependOnShardCount) {
  BTSENSOR_REQUIRE_CORPUS();
  EveFormatter fmt;
  for (const std::string& file : corpus_files()) {
    SCOPED_TRACE(file);
    std::vector<std::string> one, many;
    for (const auto& r : replay(file, 1)) one.push_back(fmt.flow(r));
    for (const auto& r : replay(file, 3)) many.push_back(fmt.flow(r));
    std::sort(one.begin(), one.end());
    std::sort(many.begin(), many.end());
    EXPECT_EQ(one, many);
    EXPECT_FALSE(one.empty());
  }
}

}  // namespace
}  // namespace btsensor::test

namespace btsensor::test {
namespace {

struct ModelRun {
  CollectSink sink;
  SharedTables shared;
};

std::unique_ptr<ModelRun> replay_models(const std::string& file) {
  auto m = std::make_unique<ModelRun>();
  Diagnostics d;
  auto p = load_pipeline(std::string(BTSENSOR_SOURCE_DIR) + "/pipelines/bittorrent", 1, d);
  EXPECT_TRUE(p);
  StoppedReaders none;
  publish_pipeline(std::move(*p), m->shared, none);
  EngineConfig cfg;
  cfg.flow_capacity = 1 << 14;
  cfg.host_capacity = 1 << 12;
  ReplayDriver drv(cfg, ReplayOptions{}, m->sink, &m->shared);
  auto r = drv.run({(corpus_dir() / file).string()});
  EXPECT_TRUE(r);
  return m;
}

// bt-http: the tracker announce sets bittorrent_user on the client, with the tracker named.
TEST(CorpusModels, AnnounceSetsTheLabel) {
  BTSENSOR_REQUIRE_CORPUS();
  auto m = replay_models("ndpi/bt-http.pcapng");
  ASSERT_EQ(m->sink.labels.size(), 1u);
  const LabelEvent& l = m->sink.labels[0];
  EXPECT_EQ(l.label, uint8_t(LabelId::kBittorrentUser));
  EXPECT_EQ(l.action, LabelAction::kSet);
  EXPECT_EQ(l.host, *IpAddr::parse("192.168.1.128"));
  EXPECT_TRUE(l.reason & evidence_bit(Evidence::kHttpAnnounce));
  EXPECT_NE(std::string(l.remote.data()).find("tracker.trackerfix.com"), std::string::npos);
  EXPECT_TRUE(m->sink.alerts.empty());  // an announce alone is a label, not a detection
}

// The Transmission session: one label, one alert with its evidence chain, whatever the
// number of flows.
TEST(CorpusModels, TransmissionSessionIsOneLabelAndOneAlert) {
  BTSENSOR_REQUIRE_CORPUS();
  auto m = replay_models("ndpi-pr2260/bittorrent_transmission_A.pcapng");
  size_t sets = 0;
  for (const auto& l : m->sink.labels) sets += l.action == LabelAction::kSet;
  EXPECT_EQ(sets, 1u);
  ASSERT_EQ(m->sink.alerts.size(), 1u);
  const AlertEvent& a = m->sink.alerts[0];
  EXPECT_EQ(a.host, *IpAddr::parse("192.168.1.128"));
  EXPECT_GE(a.nflows, 2);
  EXPECT_TRUE(a.labels & (1u << int(LabelId::kBittorrentUser)));
}

// No capture without BitTorrent yields a label or an alert.
TEST(CorpusModels, NegativesRaiseNothing) {
  BTSENSOR_REQUIRE_CORPUS();
  for (const std::string& file : corpus_files()) {
    if (file.rfind("ndpi-neg/", 0) != 0) continue;
    SCOPED_TRACE(file);
    auto m = replay_models(file);
    EXPECT_TRUE(m->sink.labels.empty());
    EXPECT_TRUE(m->sink.alerts.empty());
  }
}

}  // namespace
}  // namespace btsensor::test
