// The burst pipeline (EngineConfig::lookahead) decodes and prefetches packets ahead of their
// turn. It must change nothing but speed: on a mix built to stress it (the same flow several
// times inside one window, flows closed and reused, a flow table and host table far too small
// so that flows and hosts are evicted between a packet's staging and its processing,
// damaged frames, BitTorrent payloads that set labels and alerts), every lookahead gives the
// same events in the same order as no lookahead, for every burst size.
#include <gtest/gtest.h>

#include <cstdio>
#include <random>
#include <string>

#include "btsensor/shard.hpp"
#include "support/bt_payloads.hpp"
#include "support/collect_sink.hpp"
#include "support/frames.hpp"
#include "support/pipeline.hpp"

namespace btsensor::test {
namespace {

constexpr Timestamp MS = kNsPerSec / 1000;
constexpr Timestamp T0 = 1'700'000'000 * kNsPerSec;

Bytes handshake() {
  Bytes b = {19};
  std::string p = "BitTorrent protocol";
  b.insert(b.end(), p.begin(), p.end());
  b.resize(b.size() + 8 + 20, 0x11);
  std::string id = "-TR2940-abcdefghijkl";
  b.insert(b.end(), id.begin(), id.end());
  return b;
}

// A deterministic mix: 60 internal hosts, ~400 flow identities, 6000 packets.
Capture make_mix() {
  std::mt19937 rng(20261121);
  auto pick = [&](uint32_t n) { return uint32_t(rng() % n); };
  Capture c;
  Timestamp ts = T0;
  for (int i = 0; i < 6000; ++i) {
    // Mostly a few ms apart; now and then a gap longer than the UDP and TCP-new timeouts,
    // so that flows end on lookup (and by timer) while later packets are already staged.
    ts += pick(20) == 0 ? 200 * kNsPerSec : Timestamp(pick(5)) * MS;
    uint32_t host = pick(60), id = pick(400);
    char h[32], r[32];
    std::snprintf(h, sizeof h, "10.1.%u.%u", host / 200, 1 + host % 200);
    std::snprintf(r, sizeof r, "198.51.%u.%u", id / 250, 1 + id % 250);
    FrameSpec f{ip(h), ip(r), uint16_t(40000 + id), 0, kProtoTcp, 0x18, {}, {}};
    switch (pick(8)) {
      case 0:  // tracker announce: sets bittorrent_user
        f.dport = 6969;
        f.payload = announce();
        break;
      case 1:  // peer handshake: the alert once the host is labelled
        f.dport = 51413;
        f.payload = handshake();
        break;
      case 2:  // DHT ping
        f.proto = kProtoUdp;
        f.dport = 6881;
        f.payload = dht_ping();
        break;
      case 3:  // close, or reopen a closed connection (port reuse)
        f.dport = 443;
        f.tcp_flags = pick(2) ? uint8_t(kTcpFin | kTcpAck) : uint8_t(kTcpSyn);
        break;
      case 4:  // the reply direction
        f = FrameSpec{ip(r), ip(h), 443, uint16_t(40000 + id), kProtoTcp, kTcpAck, {}, text("x")};
        break;
      default:
        f.dport = 443;
        f.payload = text("\x16\x03\x01 not quite TLS");
        break;
    }
    Bytes fr = ether_frame(f);
    if (pick(50) == 0) fr.resize(20);  // damaged: cut inside the IP header
    c.add(ts, std::move(fr));
  }
  return c;
}

// Every event, in order, as text: what a lookahead could change (which flow a packet was
// counted on, when a flow or host ended, what set a label) shows up here.
std::string digest(const CollectSink& s) {
  std::string out;
  char line[256];
  for (const FlowRecord& f : s.flows) {
    std::snprintf(line, sizeof line, "F %s:%u>%s:%u p%u/%u b%llu/%llu r%u s%u e%x %lld-%lld\n",
                  f.tuple.src.to_string().c_str(), f.tuple.sport, f.tuple.dst.to_string().c_str(),
                  f.tuple.dport, f.pkts_toserver, f.pkts_toclient,
                  (unsigned long long)f.bytes_toserver, (unsigned long long)f.bytes_toclient,
                  unsigned(f.reason), unsigned(f.state), f.evidence, (long long)f.start,
                  (long long)f.end);
    out += line;
  }
  for (const LabelEvent& e : s.labels) {
    std::snprintf(line, sizeof line, "L %lld %s %u %u r%x ev%d\n", (long long)e.ts,
                  e.host.to_string().c_str(), e.label, unsigned(e.action), e.reason, e.evicted);
    out += line;
  }
  for (const AlertEvent& e : s.alerts) {
    std::snprintf(line, sizeof line, "A %lld %s ev%x\n", (long long)e.ts,
                  e.host.to_string().c_str(), e.evidence);
    out += line;
  }
  return out;
}

struct Outcome {
  std::string events;
  uint64_t evicted_flows = 0, evicted_hosts = 0, bad = 0;
};

Outcome run(const SharedTables& shared, const Capture& cap, size_t burst, uint32_t lookahead) {
  EngineConfig cfg;
  cfg.flow_capacity = 48;  // far fewer than the live flows: evictions all the time
  cfg.host_capacity = 16;  // two 8-way buckets for 60 hosts
  cfg.lookahead = lookahead;
  CollectSink sink;
  Shard shard(cfg, sink, &shared, 0);
  std::vector<RawPacket> pk = cap.packets();
  for (size_t off = 0; off < pk.size(); off += burst)
    shard.process(std::span<const RawPacket>(pk.data() + off, std::min(burst, pk.size() - off)));
  shard.flush(pk.back().ts);
  Outcome r;
  r.events = digest(sink);
  r.evicted_flows = shard.stats().flows_evicted.get();
  r.evicted_hosts = shard.stats().hosts_evicted.get();
  for (size_t i = 1; i < size_t(DecodeStatus::count_); ++i) r.bad += shard.stats().decode[i].get();
  return r;
}

TEST(ShardLookahead, SameEventsWhateverTheLookahead) {
  SharedTables shared;
  load_source_pipeline(shared);
  Capture cap = make_mix();
  for (size_t burst : {size_t(1), size_t(5), size_t(32), size_t(256)}) {
    Outcome base = run(shared, cap, burst, 0);
    // The mix does what it is meant to: evictions, damaged frames, labels and alerts.
    ASSERT_GT(base.evicted_flows, 100u);
    ASSERT_GT(base.evicted_hosts, 10u);
    ASSERT_GT(base.bad, 50u);
    ASSERT_NE(base.events.find("\nL "), std::string::npos);
    ASSERT_NE(base.events.find("\nA "), std::string::npos);
    for (uint32_t la : {1u, 2u, 3u, 8u, EngineConfig::kMaxLookahead}) {
      Outcome r = run(shared, cap, burst, la);
      EXPECT_EQ(r.evicted_flows, base.evicted_flows) << "burst " << burst << " lookahead " << la;
      EXPECT_EQ(r.evicted_hosts, base.evicted_hosts) << "burst " << burst << " lookahead " << la;
      EXPECT_TRUE(r.events == base.events) << "burst " << burst << " lookahead " << la;
    }
  }
}

}  // namespace
}  // namespace btsensor::test
