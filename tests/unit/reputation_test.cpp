// Reputation feeds (every format, malformed lines), lookups, the tracker-reputation label
// rule, and passive DNS (a DNS answer for a feed's tracker name teaches its addresses).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "btsensor/shard.hpp"
#include "control/feed_loader.hpp"
#include "control/overlay_publisher.hpp"
#include "support/collect_sink.hpp"
#include "support/frames.hpp"
#include "support/pipeline.hpp"

namespace btsensor::test {
namespace {

namespace fs = std::filesystem;
constexpr Timestamp S = kNsPerSec;
constexpr Timestamp T0 = 1'700'000'000 * S;

struct TempDir {
  fs::path dir;
  TempDir() {
    dir = fs::temp_directory_path() / ("btsensor-rep-" + std::to_string(::getpid()) + "-" +
                                       std::to_string(reinterpret_cast<uintptr_t>(this)));
    fs::create_directories(dir);
  }
  ~TempDir() { fs::remove_all(dir); }
  std::string write(const std::string& name, const std::string& text) {
    std::ofstream(dir / name) << text;
    return (dir / name).string();
  }
};

TEST(ReputationTable, LongestPrefixAndFamilies) {
  ReputationTable::Builder b;
  RepEntry e;
  e.feed = b.feed("f");
  e.category = b.category("cat");
  b.add(ip("203.0.113.0"), 96 + 24, e);
  RepEntry exact = e;
  exact.port = 6969;
  b.add(ip("203.0.113.7"), 128, exact);
  b.add(ip("2001:db8::"), 32, e);
  auto t = b.build("cat");
  ASSERT_EQ(t->size(), 3u);
  ASSERT_NE(t->lookup(ip("203.0.113.7")), nullptr);
  EXPECT_EQ(t->lookup(ip("203.0.113.7"))->port, 6969);  // /32 before /24
  ASSERT_NE(t->lookup(ip("203.0.113.99")), nullptr);
  EXPECT_EQ(t->lookup(ip("203.0.113.99"))->port, 0);
  EXPECT_EQ(t->lookup(ip("203.0.114.1")), nullptr);
  EXPECT_NE(t->lookup(ip("2001:db8:1::5")), nullptr);
  EXPECT_EQ(t->lookup(ip("2001:db9::5")), nullptr);
  EXPECT_EQ(t->tracker_category(), 0);
}

FeedSpec spec(std::string name, std::string path, std::string format, std::string cats = "") {
  FeedSpec f;
  f.name = std::move(name);
  f.path = std::move(path);
  f.format = std::move(format);
  f.categories = std::move(cats);
  return f;
}

TEST(Feeds, EveryFormatAndItsMistakes) {
  TempDir d;
  std::vector<FeedSpec> feeds = {
      spec("plain",
           d.write("plain.txt",
                   "# trackers\n198.51.100.1\n\n198.51.100.128/25\n2001:db8:5::/48\n"
                   "not-an-ip\n198.51.100.1/33\n10.1.2.3/8\n"),
           "ip_list"),
      spec("iprep",
           d.write(
               "rep.list",
               "192.0.2.1,1,100\n192.0.2.0/28,2,50\n192.0.2.99,9,10\n192.0.2.98,1,500\nbroken\n"),
           "iprep",
           d.write("cats.txt",
                   "1,file_sharing_bittorrent_tracker,trackers\n2,other,other things\n")),
      spec("urls",
           d.write("urls.txt",
                   "udp://tracker.example.org:1337/announce\nhttp://203.0.113.5/announce\n"
                   "https://[2001:db8::9]:8443/announce\nudp://198.51.100.77:6969/announce\n"
                   "ftp://x/announce\nudp://noport.example/announce\nhttp://bad host/\n"),
           "tracker_urls"),
  };
  Diagnostics diag;
  std::vector<FeedLoadReport> reports;
  auto t = load_feeds(feeds, "file_sharing_bittorrent_tracker", 1000, diag, &reports);
  ASSERT_TRUE(t) << t.error();
  // Bad lines: reported as file:line: reason, skipped; the rest loads.
  std::vector<std::string> want = {feeds[0].path + ":6: not an IP address",
                                   feeds[0].path + ":7: bad prefix length",
                                   feeds[0].path + ":8: host bits set",
                                   feeds[1].path + ":3: category '9' not in",
                                   feeds[1].path + ":4: score must be 0-127",
                                   feeds[1].path + ":5: expected 'ip[/cidr],category,score'",
                                   feeds[2].path + ":5: unsupported scheme",
                                   feeds[2].path + ":6: udp:// tracker without a port",
                                   feeds[2].path + ":7: bad host"};
  ASSERT_EQ(diag.lines.size(), want.size());
  for (size_t i = 0; i < want.size(); ++i)
    EXPECT_EQ(diag.lines[i].rfind(want[i], 0), 0u) << diag.lines[i] << " vs " << want[i];
  EXPECT_EQ(reports[0].entries, 3u);
  EXPECT_EQ(reports[0].bad_lines, 3u);
  EXPECT_EQ(reports[1].entries, 2u);
  EXPECT_EQ(reports[2].entries, 3u);
  EXPECT_EQ(reports[2].names, 1u);
  // Lookups.
  const RepEntry* e = (*t)->lookup(ip("198.51.100.200"));
  ASSERT_NE(e, nullptr);
  EXPECT_EQ((*t)->feeds()[e->feed], "plain");
  e = (*t)->lookup(ip("192.0.2.1"));
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(int(e->category), (*t)->tracker_category());
  EXPECT_EQ(e->score, 100);
  e = (*t)->lookup(ip("192.0.2.5"));  // the /28 of category 2
  ASSERT_NE(e, nullptr);
  EXPECT_EQ((*t)->categories()[e->category], "other");
  e = (*t)->lookup(ip("198.51.100.77"));
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(e->port, 6969);
  EXPECT_EQ(e->transport, kProtoUdp);
  e = (*t)->lookup(ip("203.0.113.5"));
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(e->port, 80);  // http:// default
  EXPECT_EQ(e->transport, kProtoTcp);
  EXPECT_GE((*t)->tracker_name("tracker.example.org"), 0);
  EXPECT_GE((*t)->tracker_name("Tracker.Example.ORG"), 0);
  EXPECT_LT((*t)->tracker_name("example.org"), 0);
}

TEST(Feeds, UnreadableFeedFailsAndEntryLimitIsEnforced) {
  Diagnostics diag;
  auto t = load_feeds({spec("missing", "/nonexistent/feed.txt", "ip_list")}, "x", 100, diag);
  EXPECT_FALSE(t);
  ASSERT_EQ(diag.lines.size(), 1u);
  EXPECT_NE(diag.lines[0].find("/nonexistent/feed.txt: cannot open feed 'missing'"),
            std::string::npos);
  TempDir d;
  Diagnostics diag2;
  auto t2 =
      load_feeds({spec("big", d.write("big.txt", "192.0.2.1\n192.0.2.2\n192.0.2.3\n"), "ip_list")},
                 "x", 2, diag2);
  EXPECT_FALSE(t2);
  EXPECT_NE(diag2.lines.back().find("entry limit (2) reached"), std::string::npos);
}

struct RepShard : ::testing::Test {
  EngineConfig cfg;
  SharedTables shared;
  CollectSink sink;
  std::unique_ptr<Shard> shard;
  void SetUp() override {
    cfg.flow_capacity = 1024;
    cfg.host_capacity = 1024;
    load_source_pipeline(shared);
    ReputationTable::Builder b;
    RepEntry e;
    e.feed = b.feed("trackers");
    e.category = b.category("file_sharing_bittorrent_tracker");
    b.add(ip("198.51.100.10"), 128, e);  // a plain-list tracker: tracker ports apply
    RepEntry url = e;
    url.port = 2710;
    url.transport = kProtoUdp;
    b.add(ip("198.51.100.11"), 128, url);  // from udp://198.51.100.11:2710/announce
    b.add_tracker_name("tracker.example.org");
    StoppedReaders none;
    shared.reputation.publish(b.build("file_sharing_bittorrent_tracker"), none);
    shard = std::make_unique<Shard>(cfg, sink, &shared, 0);
  }
  void send(Timestamp ts, FrameSpec f) {
    Bytes fr = ether_frame(f);
    RawPacket p{fr.data(), uint32_t(fr.size()), uint32_t(fr.size()), ts, LinkType::kEthernet};
    shard->process({&p, 1});
  }
  size_t labels_set() const {
    size_t n = 0;
    for (const auto& l : sink.labels) n += l.action == LabelAction::kSet;
    return n;
  }
};

TEST_F(RepShard, TrackerAddressOnATrackerPortSetsTheLabel) {
  send(T0, FrameSpec{ip("10.0.0.1"), ip("198.51.100.10"), 40000, 8080, kProtoTcp, 0x02, {}, {}});
  EXPECT_EQ(labels_set(), 0u);  // not a tracker port
  send(T0 + S,
       FrameSpec{ip("10.0.0.1"), ip("198.51.100.10"), 40001, 6969, kProtoTcp, 0x02, {}, {}});
  ASSERT_EQ(labels_set(), 1u);
  EXPECT_TRUE(sink.labels[0].reason & evidence_bit(Evidence::kTrackerReputation));
}

TEST_F(RepShard, UrlFeedEntryNeedsItsOwnPortAndTransport) {
  send(T0,
       FrameSpec{ip("10.0.0.2"), ip("198.51.100.11"), 40000, 6969, kProtoUdp, 0, {}, text("x")});
  send(T0, FrameSpec{ip("10.0.0.2"), ip("198.51.100.11"), 40001, 2710, kProtoTcp, 0x02, {}, {}});
  EXPECT_EQ(labels_set(), 0u);
  send(T0 + S,
       FrameSpec{ip("10.0.0.2"), ip("198.51.100.11"), 40002, 2710, kProtoUdp, 0, {}, text("x")});
  EXPECT_EQ(labels_set(), 1u);
}

// DNS response for tracker.example.org with two A records (TTL 300).
Bytes dns_answer() {
  Bytes m = {0xab, 0xcd, 0x81, 0x80, 0, 1, 0, 2, 0, 0, 0, 0};
  for (std::string_view l : {"tracker", "example", "org"}) {
    m.push_back(uint8_t(l.size()));
    m.insert(m.end(), l.begin(), l.end());
  }
  m.insert(m.end(), {0, 0, 1, 0, 1});
  for (uint8_t last : {20, 21}) {
    // name: pointer to offset 12 (0xc00c), type A, class IN, TTL 300, rdlength 4, address
    m.insert(m.end(), {0xc0, 0x0c, 0, 1, 0, 1, 0, 0, 0x01, 0x2c, 0, 4, 203, 0, 113, last});
  }
  return m;
}

TEST_F(RepShard, PassiveDnsTeachesTrackerAddresses) {
  // The answer travels to the host (resolver → 10.0.0.3).
  send(T0, FrameSpec{ip("10.0.0.3"), ip("192.0.2.53"), 53000, 53, kProtoUdp, 0, {}, text("query")});
  send(T0 + 1,
       FrameSpec{ip("192.0.2.53"), ip("10.0.0.3"), 53, 53000, kProtoUdp, 0, {}, dns_answer()});
  send(T0 + S,
       FrameSpec{ip("10.0.0.3"), ip("203.0.113.21"), 40000, 1337, kProtoUdp, 0, {}, text("x")});
  ASSERT_EQ(labels_set(), 1u);
  EXPECT_TRUE(sink.labels[0].reason & evidence_bit(Evidence::kTrackerLearnedDns));
  // The shard reported what it learned, for the control plane to share with other shards.
  ASSERT_EQ(sink.learned.size(), 2u);
  EXPECT_EQ(sink.learned[0].addr, ip("203.0.113.20"));
  EXPECT_EQ(sink.learned[0].expires, T0 + 1 + 300 * S);  // the record's TTL
  EXPECT_STREQ(sink.learned[0].name.data(), "tracker.example.org");
}

TEST(OverlayPublisher, SharesLearnedAddressesAndExpiresThem) {
  SharedTables shared;
  OverlayPublisher pub(shared.learned_trackers, 2);
  StoppedReaders none;
  LearnedAddress a;
  a.addr = ip("203.0.113.30");
  a.ts = T0;
  a.expires = T0 + 60 * S;
  pub.add(a);
  EXPECT_TRUE(pub.maybe_publish(T0, 0, none));
  ASSERT_NE(shared.learned_trackers.get(), nullptr);
  EXPECT_TRUE(shared.learned_trackers.get()->contains(ip("203.0.113.30"), T0 + S));
  EXPECT_FALSE(shared.learned_trackers.get()->contains(ip("203.0.113.30"), T0 + 61 * S));
  EXPECT_FALSE(pub.maybe_publish(T0 + S, 0, none));  // nothing new
  // Bounded: three addresses into a capacity of two drop the one expiring first.
  for (int i = 0; i < 3; ++i) {
    a.addr = IpAddr::v4(0xcb007140u + uint32_t(i));
    a.expires = T0 + (100 + i) * S;
    pub.add(a);
  }
  EXPECT_TRUE(pub.maybe_publish(T0 + 2 * S, 0, none));
  EXPECT_EQ(shared.learned_trackers.get()->size(), 2u);
  EXPECT_EQ(pub.evicted(), 2u);  // the earlier entry (expires T0+60) and the first of the three
}

TEST_F(RepShard, OverlayFromAnotherShardCounts) {
  OverlayPublisher pub(shared.learned_trackers);
  LearnedAddress a;
  a.addr = ip("203.0.113.40");
  a.ts = T0;
  a.expires = T0 + 300 * S;
  pub.add(a);
  StoppedReaders none;
  pub.maybe_publish(T0, 0, none, true);
  send(T0 + S, FrameSpec{ip("10.0.0.4"), ip("203.0.113.40"), 40000, 6969, kProtoTcp, 0x02, {}, {}});
  ASSERT_EQ(labels_set(), 1u);
  EXPECT_TRUE(sink.labels[0].reason & evidence_bit(Evidence::kTrackerLearnedDns));
}

}  // namespace
}  // namespace btsensor::test
