// Host models with a manual clock: labels set, refreshed and expired exactly TTL after the
// last activity; the bittorrent detection once per label lifetime; bounded expiry work.
#include <gtest/gtest.h>

#include "btsensor/shard.hpp"
#include "support/bt_payloads.hpp"
#include "support/collect_sink.hpp"
#include "support/frames.hpp"
#include "support/pipeline.hpp"

namespace btsensor::test {
namespace {

constexpr Timestamp S = kNsPerSec;
constexpr Timestamp MIN = 60 * S;
constexpr Timestamp T0 = 1'700'000'000 * S;

struct ModelsFixture : ::testing::Test {
  EngineConfig cfg;
  SharedTables shared;
  CollectSink sink;
  std::unique_ptr<Shard> shard;
  uint16_t next_port = 40000;
  void SetUp() override {
    cfg.flow_capacity = 4096;
    cfg.host_capacity = 4096;
    load_source_pipeline(shared);
    shard = std::make_unique<Shard>(cfg, sink, &shared, 0);
  }
  void send(Timestamp ts, FrameSpec f) {
    Bytes fr = ether_frame(f);
    RawPacket p{fr.data(), uint32_t(fr.size()), uint32_t(fr.size()), ts, LinkType::kEthernet};
    shard->process({&p, 1});
  }
  void tracker(Timestamp ts, const char* host = "10.0.0.1") {
    send(ts, FrameSpec{
                 ip(host), ip("203.0.113.10"), next_port++, 6969, kProtoTcp, 0x18, {}, announce()});
  }
  void dht(Timestamp ts, const char* host = "10.0.0.1") {
    send(ts,
         FrameSpec{ip(host), ip("198.51.100.20"), next_port++, 6881, kProtoUdp, 0, {}, dht_ping()});
  }
  std::vector<LabelEvent> labels(LabelId id, LabelAction a) const {
    std::vector<LabelEvent> v;
    for (const auto& e : sink.labels)
      if (e.label == uint8_t(id) && e.action == a) v.push_back(e);
    return v;
  }
};

TEST_F(ModelsFixture, LabelExpiresExactlyTtlAfterLastActivity) {
  tracker(T0);
  auto set = labels(LabelId::kBittorrentUser, LabelAction::kSet);
  ASSERT_EQ(set.size(), 1u);
  EXPECT_EQ(set[0].ts, T0);
  EXPECT_EQ(set[0].expires, T0 + 30 * MIN);
  EXPECT_EQ(set[0].host, ip("10.0.0.1"));
  dht(T0 + 10 * MIN);                 // activity: refreshes the label (TTL now runs from here)
  shard->advance(T0 + 30 * MIN + S);  // 30 min after the *first* activity: still labelled
  EXPECT_TRUE(labels(LabelId::kBittorrentUser, LabelAction::kExpire).empty());
  shard->advance(T0 + 40 * MIN - S);
  EXPECT_TRUE(labels(LabelId::kBittorrentUser, LabelAction::kExpire).empty());
  shard->advance(T0 + 40 * MIN + S);
  auto exp = labels(LabelId::kBittorrentUser, LabelAction::kExpire);
  ASSERT_EQ(exp.size(), 1u);
  EXPECT_EQ(exp[0].ts, T0 + 40 * MIN);  // exactly TTL after the last activity
  EXPECT_EQ(exp[0].last_activity, T0 + 10 * MIN);
  EXPECT_FALSE(exp[0].evicted);
  shard->advance(T0 + 90 * MIN);
  EXPECT_EQ(labels(LabelId::kBittorrentUser, LabelAction::kSet).size(), 1u);     // set once
  EXPECT_EQ(labels(LabelId::kBittorrentUser, LabelAction::kExpire).size(), 1u);  // expire once
}

TEST_F(ModelsFixture, ExpiredLabelIsEndedBeforeANewActivityWhenTheTimerIsLate) {
  tracker(T0);
  tracker(T0 + 31 * MIN);  // no advance() in between: the packet path must expire it first
  auto exp = labels(LabelId::kBittorrentUser, LabelAction::kExpire);
  ASSERT_EQ(exp.size(), 1u);
  EXPECT_EQ(exp[0].ts, T0 + 30 * MIN);
  EXPECT_EQ(labels(LabelId::kBittorrentUser, LabelAction::kSet).size(), 2u);
}

TEST_F(ModelsFixture, PeerTrafficAloneSetsNoLabelAndNoAlert) {
  dht(T0);
  dht(T0 + S);
  EXPECT_TRUE(sink.labels.empty());
  EXPECT_TRUE(sink.alerts.empty());
}

TEST_F(ModelsFixture, DetectionFiresOncePerLabelLifetime) {
  tracker(T0);
  EXPECT_TRUE(sink.alerts.empty());  // a tracker alone is a label, not a detection
  dht(T0 + MIN);
  ASSERT_EQ(sink.alerts.size(), 1u);
  const AlertEvent& a = sink.alerts[0];
  EXPECT_EQ(a.host, ip("10.0.0.1"));
  EXPECT_EQ(a.model, uint8_t(ModelId::kBittorrent));
  EXPECT_EQ(a.severity, 1);  // DHT is protocol evidence
  EXPECT_EQ(a.ts, T0 + MIN);
  EXPECT_EQ(a.first_seen, T0);
  ASSERT_EQ(a.nflows, 2);  // the triggering DHT flow and the tracker flow behind the label
  EXPECT_EQ(a.flows[0].tuple.dport, 6881);
  EXPECT_EQ(a.flows[1].tuple.dport, 6969);
  EXPECT_TRUE(a.evidence & evidence_bit(Evidence::kHttpAnnounce));
  EXPECT_TRUE(a.labels & (1u << int(LabelId::kBittorrentUser)));
  dht(T0 + 2 * MIN);
  dht(T0 + 3 * MIN);
  EXPECT_EQ(sink.alerts.size(), 1u);  // later evidence: counters, not new alerts
  shard->flush(T0 + 4 * MIN);         // flows end: their bytes count towards the lifetime
  shard->advance(T0 + 40 * MIN);
  auto exp = labels(LabelId::kBittorrentUser, LabelAction::kExpire);
  ASSERT_EQ(exp.size(), 1u);
  EXPECT_EQ(exp[0].alert_flows, 3u);
  EXPECT_GT(exp[0].alert_bytes, 0u);
  tracker(T0 + 60 * MIN);  // a new lifetime
  dht(T0 + 61 * MIN);
  EXPECT_EQ(sink.alerts.size(), 2u);
}

TEST_F(ModelsFixture, TransferPortOfALabelledHostIsEvidence) {
  tracker(T0);
  // Unrecognised payload, but to a transfer port (51413) from a labelled host: judged at the
  // first payload packet.
  send(T0 + S,
       FrameSpec{ip("10.0.0.1"), ip("198.51.100.9"), 50000, 51413, kProtoTcp, 0x02, {}, {}});
  EXPECT_TRUE(sink.alerts.empty());  // a SYN says nothing yet
  send(T0 + 2 * S, FrameSpec{ip("10.0.0.1"),
                             ip("198.51.100.9"),
                             50000,
                             51413,
                             kProtoTcp,
                             0x18,
                             {},
                             text("opaque bytes")});
  ASSERT_EQ(sink.alerts.size(), 1u);
  EXPECT_EQ(sink.alerts[0].severity, 2);  // port evidence only: medium
  EXPECT_TRUE(sink.alerts[0].evidence & evidence_bit(Evidence::kTransferPort));
}

TEST_F(ModelsFixture, TransferPortWithoutPayloadIsJudgedWhenTheFlowEnds) {
  tracker(T0);
  send(T0 + S, FrameSpec{ip("10.0.0.1"), ip("198.51.100.9"), 50000, 6881, kProtoTcp, 0x02, {}, {}});
  EXPECT_TRUE(sink.alerts.empty());
  shard->flush(T0 + 2 * S);
  ASSERT_EQ(sink.alerts.size(), 1u);
  EXPECT_EQ(sink.alerts[0].ts, T0 + S);  // stamped with the flow's last activity
}

TEST_F(ModelsFixture, TrackerOnATransferPortIsNotATransfer) {
  tracker(T0);  // to 6969: a tracker port and a transfer port
  tracker(T0 + S);
  EXPECT_TRUE(sink.alerts.empty());
}

TEST_F(ModelsFixture, NameHuntSetsTorrentSiteOnly) {
  // DNS query for www.torrent-news.example (QDCOUNT 1, type A).
  Bytes q = {0x12, 0x34, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0};
  for (std::string_view l : {"www", "torrent-news", "example"}) {
    q.push_back(uint8_t(l.size()));
    q.insert(q.end(), l.begin(), l.end());
  }
  q.insert(q.end(), {0, 0, 1, 0, 1});
  send(T0, FrameSpec{ip("10.0.0.7"), ip("10.0.0.53"), 53000, 53, kProtoUdp, 0, {}, q});
  ASSERT_EQ(sink.labels.size(), 1u);
  EXPECT_EQ(sink.labels[0].label, uint8_t(LabelId::kTorrentSite));
  EXPECT_EQ(sink.labels[0].host, ip("10.0.0.7"));
  EXPECT_TRUE(sink.alerts.empty());
}

TEST_F(ModelsFixture, ExternalHostsGetNoLabels) {
  send(T0, FrameSpec{
               ip("192.0.2.1"), ip("203.0.113.10"), 40000, 6969, kProtoTcp, 0x18, {}, announce()});
  EXPECT_TRUE(sink.labels.empty());
}

TEST_F(ModelsFixture, ExpiryWorkIsBoundedPerCall) {
  cfg.expiry_budget = 50;
  shard = std::make_unique<Shard>(cfg, sink, &shared, 0);
  for (int i = 0; i < 300; ++i) {
    char host[32];
    std::snprintf(host, sizeof host, "10.1.%d.%d", i / 200, i % 200 + 1);
    tracker(T0, host);
  }
  ASSERT_EQ(labels(LabelId::kBittorrentUser, LabelAction::kSet).size(), 300u);
  // The flows' own timers share the budget; labels expire in slices of at most 50.
  size_t before = 0;
  for (int call = 0; call < 40; ++call) {
    shard->advance(T0 + 31 * MIN);
    size_t now = labels(LabelId::kBittorrentUser, LabelAction::kExpire).size();
    EXPECT_LE(now - before, 50u);
    before = now;
  }
  EXPECT_EQ(before, 300u);
  for (const auto& e : labels(LabelId::kBittorrentUser, LabelAction::kExpire))
    EXPECT_EQ(e.ts, T0 + 30 * MIN);
}

// Label state lives in a bounded pool (hosts.label_capacity), attached while a host holds a
// label. Expiry gives the slot back; a host evicted from the host table gives it back.
TEST_F(ModelsFixture, LabelStateIsAttachedWhileLabelledAndFreedAtExpiry) {
  const HostTable& t = shard->hosts();
  EXPECT_EQ(t.labels_in_use(), 0u);
  dht(T0, "10.0.0.9");  // peer traffic alone: a host, no label, no label state
  EXPECT_EQ(t.labels_in_use(), 0u);
  tracker(T0 + 1 * S, "10.0.0.9");
  EXPECT_EQ(t.labels_in_use(), 1u);
  const Host& h = t.at(t.find(ip("10.0.0.9")));
  EXPECT_TRUE(h.labelled(LabelId::kBittorrentUser));
  ASSERT_NE(t.labels_of(h), nullptr);
  EXPECT_EQ(t.labels_of(h)->labels[size_t(LabelId::kBittorrentUser)].set_at, T0 + 1 * S);
  shard->advance(T0 + 1 * S + 30 * MIN + S);
  EXPECT_EQ(labels(LabelId::kBittorrentUser, LabelAction::kExpire).size(), 1u);
  EXPECT_EQ(t.labels_in_use(), 0u);
  EXPECT_FALSE(h.any_label());
  // Labelled again later: a new lifetime in a fresh slot (its alert state fresh too).
  tracker(T0 + 40 * MIN, "10.0.0.9");
  dht(T0 + 41 * MIN, "10.0.0.9");
  EXPECT_EQ(t.labels_in_use(), 1u);
  // One alert a lifetime: the first from the DHT flow of T0 (transfer port 6881) judged when
  // it ended inside the first lifetime, the second from the new DHT traffic.
  ASSERT_EQ(sink.alerts.size(), 2u);
  EXPECT_EQ(sink.alerts[1].ts, T0 + 41 * MIN);
  EXPECT_EQ(sink.alerts[1].first_seen, T0 + 40 * MIN);
}

TEST_F(ModelsFixture, FullLabelPoolEndsTheLeastRecentlyActiveHoldersLabels) {
  cfg.label_capacity = 4;
  shard = std::make_unique<Shard>(cfg, sink, &shared, 0);
  ASSERT_EQ(shard->hosts().label_capacity(), 4u);
  const char* hosts[] = {"10.0.0.1", "10.0.0.2", "10.0.0.3", "10.0.0.4"};
  for (int i = 0; i < 4; ++i) tracker(T0 + i * S, hosts[i]);
  dht(T0 + 10 * S, "10.0.0.1");  // 10.0.0.1 active again: 10.0.0.2 is now the idlest
  dht(T0 + 11 * S, "10.0.0.3");
  dht(T0 + 12 * S, "10.0.0.4");
  tracker(T0 + 20 * S, "10.0.0.5");  // a fifth holder: someone has to go
  EXPECT_EQ(shard->model_stats().label_pool_evictions.get(), 1u);
  auto ended = labels(LabelId::kBittorrentUser, LabelAction::kExpire);
  ASSERT_EQ(ended.size(), 1u);
  EXPECT_EQ(ended[0].host, ip("10.0.0.2"));
  EXPECT_TRUE(ended[0].evicted);
  EXPECT_EQ(ended[0].ts, T0 + 20 * S);
  EXPECT_EQ(shard->model_stats().labels_evicted[size_t(LabelId::kBittorrentUser)].get(), 1u);
  auto set = labels(LabelId::kBittorrentUser, LabelAction::kSet);
  ASSERT_EQ(set.size(), 5u);
  EXPECT_EQ(set[4].host, ip("10.0.0.5"));
  EXPECT_EQ(shard->hosts().labels_in_use(), 4u);
  EXPECT_EQ(shard->model_stats().labels_active[size_t(LabelId::kBittorrentUser)].get(), 4u);
  // The others keep theirs and still expire on time.
  shard->advance(T0 + 20 * S + 30 * MIN + S);
  EXPECT_EQ(labels(LabelId::kBittorrentUser, LabelAction::kExpire).size(), 5u);
  EXPECT_EQ(shard->hosts().labels_in_use(), 0u);
  EXPECT_EQ(shard->model_stats().labels_active[size_t(LabelId::kBittorrentUser)].get(), 0u);
}

TEST_F(ModelsFixture, HostEvictedWhileLabelledGivesItsLabelStateBack) {
  cfg.host_capacity = 8;  // one 8-way bucket
  cfg.label_capacity = 8;
  shard = std::make_unique<Shard>(cfg, sink, &shared, 0);
  for (int i = 1; i <= 8; ++i) {
    char host[32];
    std::snprintf(host, sizeof host, "10.0.0.%d", i);
    tracker(T0 + i * S, host);
  }
  EXPECT_EQ(shard->hosts().labels_in_use(), 8u);
  tracker(T0 + 20 * S, "10.0.0.99");  // a ninth host: the least recently seen goes
  auto ended = labels(LabelId::kBittorrentUser, LabelAction::kExpire);
  ASSERT_EQ(ended.size(), 1u);
  EXPECT_EQ(ended[0].host, ip("10.0.0.1"));
  EXPECT_TRUE(ended[0].evicted);
  EXPECT_EQ(shard->hosts().labels_in_use(), 8u);  // 7 old holders + the new one
  EXPECT_EQ(shard->model_stats().label_pool_evictions.get(), 0u);
}

}  // namespace
}  // namespace btsensor::test
