// State across a restart: export from shards, the JSON file (atomic write, damaged files
// reported), restore into the owning shard, and labels that still lapse TTL after their
// *original* last activity (or expire at once, with their original deadline, when the TTL
// ran out while the sensor was down). Also the shard queries the control socket uses.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>

#include "btsensor/home_net.hpp"
#include "btsensor/shard.hpp"
#include "btsensor/shard_query.hpp"
#include "control/json.hpp"
#include "control/state_file.hpp"
#include "support/collect_sink.hpp"
#include "support/frames.hpp"
#include "support/pipeline.hpp"
#include "support/temp_dir.hpp"

namespace btsensor::test {
namespace {

constexpr Timestamp S = kNsPerSec;
constexpr Timestamp T0 = 1'700'000'000 * S;
constexpr Timestamp kTtl = 1800 * S;  // models.yaml: bittorrent_user ttl

struct Sensor {
  EngineConfig cfg;
  SharedTables shared;
  std::vector<std::unique_ptr<CollectSink>> sinks;
  std::vector<std::unique_ptr<Shard>> shards;
  explicit Sensor(uint32_t n, uint32_t label_capacity = 0) {
    cfg.flow_capacity = 1024;
    cfg.host_capacity = 1024;
    cfg.label_capacity = label_capacity;
    load_source_pipeline(shared, n);
    ReputationTable::Builder b;
    RepEntry e;
    e.feed = b.feed("trackers");
    e.category = b.category("file_sharing_bittorrent_tracker");
    b.add(ip("198.51.100.10"), 128, e);
    StoppedReaders none;
    shared.reputation.publish(b.build("file_sharing_bittorrent_tracker"), none);
    for (uint32_t i = 0; i < n; ++i) {
      sinks.push_back(std::make_unique<CollectSink>());
      shards.push_back(std::make_unique<Shard>(cfg, *sinks.back(), &shared, i));
    }
  }
  Shard& owner(const char* host) { return *shards[shard_of(ip(host), uint32_t(shards.size()))]; }
  CollectSink& sink_of(const char* host) {
    return *sinks[shard_of(ip(host), uint32_t(shards.size()))];
  }
  void send(Timestamp ts, const FrameSpec& f, const char* host) {
    Bytes fr = ether_frame(f);
    RawPacket p{fr.data(), uint32_t(fr.size()), uint32_t(fr.size()), ts, LinkType::kEthernet};
    owner(host).process({&p, 1});
  }
  // A TCP SYN from `host` to the tracker on 6969: sets or refreshes bittorrent_user.
  void tracker_syn(Timestamp ts, const char* host, uint16_t sport) {
    send(ts, FrameSpec{ip(host), ip("198.51.100.10"), sport, 6969, kProtoTcp, 0x02, {}, {}}, host);
  }
  std::vector<Shard*> raw() {
    std::vector<Shard*> v;
    for (auto& s : shards) v.push_back(s.get());
    return v;
  }
  std::vector<const Shard*> craw() {
    std::vector<const Shard*> v;
    for (auto& s : shards) v.push_back(s.get());
    return v;
  }
};

std::vector<LabelEvent> label_events(const CollectSink& s, LabelAction a) {
  std::vector<LabelEvent> v;
  for (const auto& l : s.labels)
    if (l.action == a) v.push_back(l);
  return v;
}

// One labelled host with a learned peer, saved at T0 + 60 s.
SensorState labelled_state() {
  Sensor before(1);
  before.tracker_syn(T0, "10.0.0.5", 40000);
  before.tracker_syn(T0 + 60 * S, "10.0.0.5", 40001);  // refresh: last activity T0+60
  before.shards[0]->restore_peer(ip("10.0.0.5"), ip("192.0.2.77"), 51413, T0 + 3600 * S, T0);
  EXPECT_EQ(label_events(*before.sinks[0], LabelAction::kSet).size(), 1u);
  return collect_state(before.craw(), {{ip("192.0.2.200"), T0 + 7200 * S}});
}

TEST(State, ExportKeepsLabelPeersAndTrackers) {
  SensorState st = labelled_state();
  ASSERT_EQ(st.hosts.size(), 1u);
  EXPECT_EQ(st.labels(), 1u);
  const LabelState& l = st.hosts[0].labels[size_t(LabelId::kBittorrentUser)];
  EXPECT_EQ(l.set_at, T0);
  EXPECT_EQ(l.last_activity, T0 + 60 * S);
  EXPECT_TRUE(l.reason & evidence_bit(Evidence::kTrackerReputation));
  EXPECT_EQ(l.flow.tuple.dport, 6969);
  EXPECT_EQ(st.saved_now, T0 + 60 * S);
  ASSERT_EQ(st.peers.size(), 1u);
  EXPECT_EQ(st.peers[0].port, 51413);
  ASSERT_EQ(st.trackers.size(), 1u);
}

TEST(State, JsonRoundTripIsExact) {
  SensorState st = labelled_state();
  std::string text = encode_state(st);
  auto back = decode_state(text, "state.json");
  ASSERT_TRUE(back) << back.error();
  EXPECT_EQ(encode_state(*back), text);  // nanoseconds survive (no double rounding)
  EXPECT_EQ(back->hosts[0].labels[0].last_activity, T0 + 60 * S);
}

// The label still lapses TTL after its original last activity, on the shard that owns
// the host now (2 workers), with no second `set`.
TEST(State, RestoredLabelExpiresTtlAfterOriginalActivity) {
  SensorState st = labelled_state();
  Sensor after(2);
  RestoreReport rep = restore_state(st, after.raw());
  EXPECT_EQ(rep.hosts, 1u);
  EXPECT_EQ(rep.labels, 1u);
  EXPECT_EQ(rep.peers, 1u);
  Shard& owner = after.owner("10.0.0.5");
  EXPECT_EQ(owner.model_stats().labels_active[0].get(), 1u);
  EXPECT_NE(owner.hosts().find(ip("10.0.0.5")), HostTable::kNil);
  // Traffic of another host on the same shard makes time pass: T0+10 min … T0+40 min.
  std::string other;
  for (int i = 6; other.empty() || shard_of(ip(other), 2) != shard_of(ip("10.0.0.5"), 2); ++i)
    other = "10.0.0." + std::to_string(i);
  for (int m = 10; m <= 40; ++m)
    after.send(T0 + m * 60 * S,
               FrameSpec{ip(other), ip("192.0.2.1"), 50000, 53, kProtoUdp, 0, {}, text("q")},
               other.c_str());
  CollectSink& sink = after.sink_of("10.0.0.5");
  auto expired = label_events(sink, LabelAction::kExpire);
  ASSERT_EQ(expired.size(), 1u);
  EXPECT_EQ(expired[0].host, ip("10.0.0.5"));
  EXPECT_EQ(expired[0].ts, T0 + 60 * S + kTtl);  // not restart time + TTL
  EXPECT_EQ(label_events(sink, LabelAction::kSet).size(), 0u);
  EXPECT_EQ(owner.model_stats().labels_active[0].get(), 0u);
}

// Activity after the restart refreshes the restored label instead of setting a new one.
TEST(State, RestoredLabelIsRefreshedNotSetAgain) {
  SensorState st = labelled_state();
  Sensor after(1);
  restore_state(st, after.raw());
  after.tracker_syn(T0 + 20 * 60 * S, "10.0.0.5", 40002);
  after.shards[0]->advance(T0 + 60 * S + kTtl + S);  // the old deadline passes: no expiry
  EXPECT_TRUE(label_events(*after.sinks[0], LabelAction::kExpire).empty());
  EXPECT_TRUE(label_events(*after.sinks[0], LabelAction::kSet).empty());
  after.shards[0]->advance(T0 + 20 * 60 * S + kTtl);
  auto expired = label_events(*after.sinks[0], LabelAction::kExpire);
  ASSERT_EQ(expired.size(), 1u);
  EXPECT_EQ(expired[0].ts, T0 + 20 * 60 * S + kTtl);
}

// Down longer than the TTL: the label is expired by the first timer work, stamped with its
// original deadline (the SIEM got its `set` before the restart and gets the `expire`).
TEST(State, LabelThatLapsedWhileDownExpiresWithItsDeadline) {
  SensorState st = labelled_state();
  Sensor after(1);
  restore_state(st, after.raw());
  after.shards[0]->advance(T0 + 3 * 3600 * S);
  auto expired = label_events(*after.sinks[0], LabelAction::kExpire);
  ASSERT_EQ(expired.size(), 1u);
  EXPECT_EQ(expired[0].ts, T0 + 60 * S + kTtl);
  EXPECT_FALSE(expired[0].evicted);
}

TEST(State, AtomicWriteOwnerOnlyAndReadBack) {
  TempDir dir;
  std::string path = dir / "state.json";
  SensorState st = labelled_state();
  auto w = write_state_file(path, st);
  ASSERT_TRUE(w) << w.error();
  struct stat sb {};
  ASSERT_EQ(::stat(path.c_str(), &sb), 0);
  EXPECT_EQ(sb.st_mode & 0777, 0600u);
  size_t files = 0;
  for (auto& e : std::filesystem::directory_iterator(dir.path())) (void)e, ++files;
  EXPECT_EQ(files, 1u) << "no temporary file left behind";
  auto r = read_state_file(path);
  ASSERT_TRUE(r) << r.error();
  ASSERT_TRUE(*r);
  EXPECT_EQ(encode_state(**r), encode_state(st));
  auto none = read_state_file(dir / "missing.json");
  ASSERT_TRUE(none);
  EXPECT_FALSE(*none);  // first start: nothing to restore, not an error
}

TEST(State, DamagedFilesAreReportedNotFatal) {
  std::string good = encode_state(labelled_state());
  struct Case {
    std::string text, expect;
  } cases[] = {
      {good.substr(0, good.size() / 2), "truncated or damaged"},
      {"", "truncated or damaged"},
      {R"({"format":"btsensor-state","version":0,"hosts":[]})", "version 0"},
      {R"({"format":"something-else","version":1})", "not a btsensor state file"},
      {R"({"format":"btsensor-state","version":1,"written_at":1,"saved_now":1,"hosts":[{"ip":"nope"}],"peers":[],"trackers":[]})",
       "hosts[0].ip: expected an IP address"},
      {R"({"format":"btsensor-state","version":1,"written_at":1,"saved_now":1,"hosts":[],"peers":{},"trackers":[]})",
       "peers: expected a list"},
  };
  for (const auto& c : cases) {
    auto r = decode_state(c.text, "/var/lib/btsensor/state.json");
    ASSERT_FALSE(r) << c.text;
    EXPECT_NE(r.error().find("/var/lib/btsensor/state.json: "), std::string::npos) << r.error();
    EXPECT_NE(r.error().find(c.expect), std::string::npos) << r.error();
  }
  // A label a newer sensor knows and this one does not: skipped, the rest restores.
  std::string future = good;
  size_t at = future.find("\"bittorrent_user\"");
  ASSERT_NE(at, std::string::npos);
  future.replace(at, 17, "\"future_label\"");
  auto r = decode_state(future, "f");
  ASSERT_TRUE(r) << r.error();
  EXPECT_EQ(r->labels(), 0u);
}

// The control socket's questions, answered by the shard in bounded steps.
TEST(ShardQuery, LabelsAndHostInSteps) {
  Sensor s(1);
  s.tracker_syn(T0, "10.0.0.5", 40000);
  s.tracker_syn(T0 + S, "10.0.0.9", 40000);
  s.shards[0]->restore_peer(ip("10.0.0.5"), ip("192.0.2.77"), 51413, T0 + 3600 * S, T0);
  s.shards[0]->restore_peer(ip("10.0.0.5"), ip("192.0.2.78"), 51413, T0 + 3600 * S, T0);
  ShardMailbox box;
  LabelsQuery q(16, /*slots_per_step=*/64);
  q.reset();
  ASSERT_TRUE(box.post(&q));
  EXPECT_FALSE(box.post(&q));  // one at a time
  int steps = 0;
  while (!box.ready()) {
    box.serve(*s.shards[0]);
    ++steps;
  }
  EXPECT_GT(steps, 1);  // bounded: the 1024-host table takes several steps of 64 slots
  ASSERT_EQ(q.results().size(), 2u);
  EXPECT_FALSE(q.truncated());
  for (const LabelInfo& l : q.results()) EXPECT_EQ(l.expires, l.last_activity + kTtl);
  box.take();
  EXPECT_TRUE(box.idle());

  LabelsQuery small(1);
  small.reset();
  box.post(&small);
  while (!box.ready()) box.serve(*s.shards[0]);
  EXPECT_EQ(small.results().size(), 1u);
  EXPECT_TRUE(small.truncated());
  box.take();

  HostQuery h(100);
  h.reset(ip("10.0.0.5"));
  box.post(&h);
  while (!box.ready()) box.serve(*s.shards[0]);
  ASSERT_TRUE(h.found());
  EXPECT_EQ(h.learned_peers(), 2u);
  EXPECT_EQ(h.expires(LabelId::kBittorrentUser), T0 + kTtl);
  box.take();
  h.reset(ip("10.99.0.1"));
  box.post(&h);
  while (!box.ready()) box.serve(*s.shards[0]);
  EXPECT_FALSE(h.found());
  box.take();
}

TEST(Json, ParsesWritesAndKeepsIntegersExact) {
  auto v = parse_json(R"( {"a":[1,-2,3.5,true,null,"x\u00e9\n"],"t":1700000000123456789} )");
  ASSERT_TRUE(v);
  EXPECT_EQ((*v)["t"].as_int(), 1700000000123456789);
  EXPECT_EQ((*v)["a"].as_array()[2].as_double(), 3.5);
  EXPECT_EQ((*v)["a"].as_array()[5].as_string(), "x\xc3\xa9\n");
  JsonWriter w;
  w.value(*v);
  EXPECT_EQ(w.str(),
            R"({"a":[1,-2,3.500000,true,null,"x\u00c3\u00a9\n"],"t":1700000000123456789})");
  std::string err;
  for (const char* bad : {"{", "{\"a\":}", "[1,]", "01", "\"\\x\"", "{} x", "nul"}) {
    EXPECT_FALSE(parse_json(bad, &err)) << bad;
    EXPECT_NE(err.find("at byte"), std::string::npos);
  }
  std::string deep(100, '[');
  EXPECT_FALSE(parse_json(deep + std::string(100, ']')));  // depth-bounded
  JsonWriter frag;  // members without an enclosing object: the control server's bodies
  frag.field("ok", true).field("n", 3);
  EXPECT_EQ(frag.str(), R"("ok":true,"n":3)");
}

// Restoring more labelled hosts than the label pool holds: the pool makes room as it does
// for live traffic (least recently active first), and the report counts it.
TEST(State, RestoreIntoASmallerLabelPoolEvictsCountedly) {
  Sensor before(1);
  for (int i = 1; i <= 5; ++i) {
    std::string host = "10.0.0." + std::to_string(i);
    before.tracker_syn(T0 + i * S, host.c_str(), uint16_t(40000 + i));
  }
  SensorState st = collect_state(before.craw(), {});
  ASSERT_EQ(st.hosts.size(), 5u);
  ASSERT_EQ(st.labels(), 5u);
  Sensor after(1, 3);
  RestoreReport rep = restore_state(st, after.raw());
  EXPECT_EQ(rep.hosts, 5u);
  EXPECT_EQ(rep.evicted, 2u);
  const Shard& sh = *after.shards[0];
  EXPECT_EQ(sh.hosts().labels_in_use(), 3u);
  EXPECT_EQ(sh.model_stats().label_pool_evictions.get(), 2u);
  EXPECT_EQ(sh.model_stats().labels_active[0].get(), 3u);
  size_t evicted = 0;
  for (const LabelEvent& e : after.sinks[0]->labels) evicted += e.evicted;
  EXPECT_EQ(evicted, 2u);
  // What is left is exactly what a new export sees.
  EXPECT_EQ(collect_state(after.craw(), {}).labels(), 3u);
}

}  // namespace
}  // namespace btsensor::test
