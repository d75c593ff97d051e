// Flow and host tables far smaller than the traffic: a btgen capture replayed with 16 flows
// and 8 hosts per shard. Evictions are counted and every evicted flow is still reported (as
// `forced`); nothing is lost silently and nothing crashes. The order of eviction (oldest idle
// flow, least recently seen unlabelled host) is checked on hand-made traffic.
#include <gtest/gtest.h>

#include <cstdlib>

#include "btsensor/host_table.hpp"
#include "btsensor/shard.hpp"
#include "replay/replay_driver.hpp"
#include "support/collect_sink.hpp"
#include "support/frames.hpp"
#include "support/pipeline.hpp"
#include "support/temp_dir.hpp"

namespace btsensor::test {
namespace {

constexpr Timestamp S = kNsPerSec;
constexpr Timestamp T0 = 1'700'000'000 * S;

std::string btgen_capture(const TempDir& dir) {
  std::string out = dir / "gen.pcap";
  std::string cmd = std::string(BTGEN_BIN) + " --out " + out +
                    " --seed 5 --hosts 200 --flows 3000 --bt-share 0.3 --duration 120 --quiet";
  EXPECT_EQ(std::system(cmd.c_str()), 0) << cmd;
  return out;
}

TEST(TablesFull, TinyTablesEvictCountAndStillReportEveryFlow) {
  TempDir dir;
  std::string capture = btgen_capture(dir);
  SharedTables shared;
  load_source_pipeline(shared, 2);
  EngineConfig cfg;
  cfg.flow_capacity = 16;
  cfg.host_capacity = 8;
  cfg.dpi.learned_capacity = 4;
  cfg.dpi.detail_capacity = 4;
  CollectSink sink;
  ReplayOptions opt;
  opt.shards = 2;
  ReplayDriver drv(cfg, opt, sink, &shared);
  auto r = drv.run({capture});
  ASSERT_TRUE(r) << r.error();
  ASSERT_TRUE(r->errors.empty());

  uint64_t created = 0, evicted = 0, hosts_evicted = 0, forced_ended = 0, dropped = 0;
  for (uint32_t i = 0; i < drv.shard_count(); ++i) {
    const ShardStats& s = drv.shard(i).stats();
    created += s.flows_created.get();
    evicted += s.flows_evicted.get();
    dropped += s.flows_dropped.get();
    hosts_evicted += s.hosts_evicted.get();
    forced_ended += s.flows_ended[size_t(FlowEndReason::kForced)].get();
    EXPECT_EQ(drv.shard(i).active_flows(), 0u);  // flushed at the end of the capture
    EXPECT_LE(drv.shard(i).active_hosts(), 8u);
  }
  size_t forced = 0;
  for (const auto& f : sink.flows) forced += f.reason == FlowEndReason::kForced;
  std::printf("tables-full: %llu flows created, %llu evicted, %llu hosts evicted, %zu records\n",
              (unsigned long long)created, (unsigned long long)evicted,
              (unsigned long long)hosts_evicted, sink.flows.size());
  EXPECT_GT(created, 3000u);  // 3000 flows, more once evicted ones come back
  EXPECT_GT(evicted, created / 2);
  EXPECT_GT(hosts_evicted, 0u);
  EXPECT_EQ(dropped, 0u);  // something is always evictable
  EXPECT_EQ(forced, evicted);
  EXPECT_EQ(forced_ended, evicted);
  EXPECT_EQ(sink.flows.size(), created);  // every flow reported exactly once
}

TEST(TablesFull, EvictionPrefersTheIdlestFlowNotTheOldest) {
  EngineConfig cfg;
  cfg.flow_capacity = 16;
  CollectSink sink;
  Shard shard(cfg, sink);
  auto send = [&](Timestamp ts, uint16_t sport) {
    Bytes fr = ether_frame(
        FrameSpec{ip("10.0.0.1"), ip("198.51.100.1"), sport, 53, kProtoUdp, 0, {}, text("q")});
    RawPacket p{fr.data(), uint32_t(fr.size()), uint32_t(fr.size()), ts, LinkType::kEthernet};
    shard.process({&p, 1});
  };
  for (uint16_t i = 0; i < 16; ++i) send(T0 + i * S, uint16_t(1000 + i));
  send(T0 + 16 * S, 1000);  // the oldest flow is active again
  send(T0 + 17 * S, 2000);  // table full: the idlest flow (1001) goes, not 1000
  ASSERT_EQ(sink.flows.size(), 1u);
  EXPECT_EQ(sink.flows[0].tuple.sport, 1001);
  EXPECT_EQ(sink.flows[0].reason, FlowEndReason::kForced);
  EXPECT_EQ(shard.stats().flows_evicted.get(), 1u);
}

TEST(TablesFull, HostTableEvictsTheLeastRecentlySeenHost) {
  HostTable t(8, 8);  // one 8-way bucket
  ASSERT_EQ(t.capacity(), 8u);
  auto host = [](int i) { return ip("10.0.0." + std::to_string(i)); };
  uint32_t ev;
  Host evicted;
  for (int i = 1; i <= 8; ++i) {
    t.find_or_insert(host(i), T0 + i * S, &ev, &evicted);
    EXPECT_EQ(ev, HostTable::kNil);
  }
  t.at(t.find(host(1))).last_seen = T0 + 9 * S;  // host 1 seen again
  uint32_t h9 = t.find_or_insert(host(9), T0 + 10 * S, &ev, &evicted);
  ASSERT_NE(ev, HostTable::kNil);
  EXPECT_EQ(evicted.addr, host(2));
  EXPECT_EQ(t.size(), 8u);
  EXPECT_EQ(t.find(host(9)), h9);
  EXPECT_NE(t.find(host(1)), HostTable::kNil);
  EXPECT_EQ(t.find(host(2)), HostTable::kNil);
}

}  // namespace
}  // namespace btsensor::test
