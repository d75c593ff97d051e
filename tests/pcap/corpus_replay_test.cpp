// Replay over every capture of ../shared/corpus: no crash, every ground-truth flow appears as
// a flow record, and the records do not depend on the shard count.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>

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
