// Flow tracking through a shard: records, directions, timeouts, TCP close, eviction.
#include <gtest/gtest.h>

#include "btsensor/shard.hpp"
#include "support/collect_sink.hpp"
#include "support/frames.hpp"

namespace btsensor::test {
namespace {

constexpr Timestamp S = kNsPerSec;
constexpr Timestamp T0 = 1'700'000'000 * S;

struct ShardFixture : ::testing::Test {
  EngineConfig cfg;
  CollectSink sink;
  std::unique_ptr<Shard> shard;
  void SetUp() override { make(); }
  void make() { shard = std::make_unique<Shard>(cfg, sink); }
  void send(Timestamp ts, const FrameSpec& f) {
    Bytes fr = ether_frame(f);
    RawPacket p{fr.data(), uint32_t(fr.size()), uint32_t(fr.size()), ts, LinkType::kEthernet};
    shard->process({&p, 1});
  }
};

FrameSpec tcp(const char* s, uint16_t sp, const char* d, uint16_t dp, uint8_t flags,
              std::string_view pay = {}) {
  return FrameSpec{ip(s), ip(d), sp, dp, kProtoTcp, flags, {}, text(pay)};
}

TEST_F(ShardFixture, TcpConnectionIsOneRecordWithDirections) {
  send(T0, tcp("10.0.0.1", 40000, "203.0.113.5", 80, kTcpSyn));
  send(T0 + 1, tcp("203.0.113.5", 80, "10.0.0.1", 40000, kTcpSyn | kTcpAck));
  send(T0 + 2, tcp("10.0.0.1", 40000, "203.0.113.5", 80, kTcpAck, "GET / HTTP/1.1\r\n\r\n"));
  send(T0 + 3,
       tcp("203.0.113.5", 80, "10.0.0.1", 40000, kTcpAck | kTcpPsh, "HTTP/1.1 200 OK\r\n\r\n"));
  send(T0 + 4, tcp("10.0.0.1", 40000, "203.0.113.5", 80, kTcpFin | kTcpAck));
  send(T0 + 5, tcp("203.0.113.5", 80, "10.0.0.1", 40000, kTcpFin | kTcpAck));
  EXPECT_TRUE(sink.flows.empty());  // closed, but waiting for stragglers
  send(T0 + 6, tcp("10.0.0.1", 40000, "203.0.113.5", 80, kTcpAck));  // last ACK: same flow
  shard->advance(T0 + 6 + cfg.timeouts.tcp_closed - S);
  EXPECT_TRUE(sink.flows.empty());
  shard->advance(T0 + 6 + cfg.timeouts.tcp_closed +
                 S);  // timers fire at tick (1 s) granularity, never early
  ASSERT_EQ(sink.flows.size(), 1u);
  const FlowRecord& r = sink.flows[0];
  EXPECT_EQ(r.tuple.src, ip("10.0.0.1"));
  EXPECT_EQ(r.tuple.sport, 40000);
  EXPECT_EQ(r.tuple.dport, 80);
  EXPECT_EQ(r.pkts_toserver, 4u);
  EXPECT_EQ(r.pkts_toclient, 3u);
  EXPECT_EQ(r.state, FlowState::kClosed);
  EXPECT_EQ(r.reason, FlowEndReason::kTimeout);
  EXPECT_EQ(r.start, T0);
  EXPECT_EQ(r.end, T0 + 6);
  EXPECT_TRUE(r.host_internal);
  EXPECT_EQ(r.host, ip("10.0.0.1"));
  EXPECT_EQ(r.tcp_flags_ts, kTcpSyn | kTcpAck | kTcpFin);
  EXPECT_EQ(shard->active_flows(), 0u);
}

TEST_F(ShardFixture, SynAckFirstNamesTheOtherSideInitiator) {
  send(T0, tcp("203.0.113.5", 80, "10.0.0.1", 40000, kTcpSyn | kTcpAck));
  shard->flush(T0 + S);
  ASSERT_EQ(sink.flows.size(), 1u);
  EXPECT_EQ(sink.flows[0].tuple.src, ip("10.0.0.1"));
  EXPECT_EQ(sink.flows[0].pkts_toclient, 1u);
  EXPECT_EQ(sink.flows[0].reason, FlowEndReason::kShutdown);
}

TEST_F(ShardFixture, IdleTimeoutEndsUdpFlowAndAGapStartsANewOne) {
  FrameSpec q{ip("10.0.0.1"), ip("198.51.100.53"), 5000, 53, kProtoUdp, 0, {}, text("q")};
  send(T0, q);
  send(T0 + cfg.timeouts.udp - S, q);      // still the same flow
  send(T0 + 2 * cfg.timeouts.udp + S, q);  // idle longer than the timeout: a new flow
  ASSERT_EQ(sink.flows.size(), 1u);
  EXPECT_EQ(sink.flows[0].pkts_toserver, 2u);
  EXPECT_EQ(sink.flows[0].reason, FlowEndReason::kTimeout);
  shard->flush(T0 + 3 * cfg.timeouts.udp);
  ASSERT_EQ(sink.flows.size(), 2u);
  EXPECT_EQ(sink.flows[1].pkts_toserver, 1u);
  EXPECT_NE(sink.flows[0].flow_id, sink.flows[1].flow_id);
}

TEST_F(ShardFixture, TimerExpiresQuietFlowsWithoutPackets) {
  send(T0, tcp("10.0.0.1", 40000, "203.0.113.5", 443, kTcpSyn));
  shard->advance(T0 + cfg.timeouts.tcp_new - S);
  EXPECT_TRUE(sink.flows.empty());
  shard->advance(T0 + cfg.timeouts.tcp_new);
  ASSERT_EQ(sink.flows.size(), 1u);
  EXPECT_EQ(sink.flows[0].state, FlowState::kNew);
}

TEST_F(ShardFixture, RstClosesAndNewSynReusesPorts) {
  send(T0, tcp("10.0.0.1", 40000, "203.0.113.5", 6881, kTcpSyn));
  send(T0 + 1, tcp("203.0.113.5", 6881, "10.0.0.1", 40000, kTcpRst | kTcpAck));
  send(T0 + 2, tcp("10.0.0.1", 40000, "203.0.113.5", 6881, kTcpSyn));  // port reuse
  ASSERT_EQ(sink.flows.size(), 1u);
  EXPECT_EQ(sink.flows[0].state, FlowState::kClosed);
  EXPECT_EQ(sink.flows[0].pkts_toserver, 1u);
  EXPECT_EQ(shard->active_flows(), 1u);
}

TEST_F(ShardFixture, FullTableEvictsTheOldestAndCountsIt) {
  cfg.flow_capacity = 16;
  make();
  for (int i = 0; i < 20; ++i) {
    FrameSpec f{ip("10.0.0.1"), ip("198.51.100.1"), uint16_t(1000 + i), 53, kProtoUdp, 0, {},
                text("q")};
    send(T0 + i * S, f);
  }
  EXPECT_EQ(shard->active_flows(), 16u);
  EXPECT_EQ(shard->stats().flows_evicted.get(), 4u);
  ASSERT_EQ(sink.flows.size(), 4u);
  for (int i = 0; i < 4; ++i) {
    EXPECT_EQ(sink.flows[i].reason, FlowEndReason::kForced);
    EXPECT_EQ(sink.flows[i].tuple.sport, 1000 + i);  // oldest first
  }
}

TEST_F(ShardFixture, DecodeErrorsAreCountedByReason) {
  Bytes arp = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 2, 0, 0, 0, 0, 1, 0x08, 0x06, 0, 1};
  Bytes runt = {1, 2, 3};
  RawPacket p[2] = {
      {arp.data(), uint32_t(arp.size()), uint32_t(arp.size()), T0, LinkType::kEthernet},
      {runt.data(), 3, 3, T0, LinkType::kEthernet}};
  shard->process(p);
  EXPECT_EQ(shard->stats().packets.get(), 2u);
  EXPECT_EQ(shard->stats().decode[size_t(DecodeStatus::not_ip)].get(), 1u);
  EXPECT_EQ(shard->stats().decode[size_t(DecodeStatus::truncated_l2)].get(), 1u);
  EXPECT_EQ(shard->active_flows(), 0u);
}

TEST_F(ShardFixture, FlowOutputFilter) {
  cfg.flow_output = FlowOutput::kNone;
  make();
  send(T0, tcp("10.0.0.1", 40000, "203.0.113.5", 443, kTcpSyn));
  shard->flush(T0 + S);
  EXPECT_TRUE(sink.flows.empty());
  EXPECT_EQ(shard->stats().flows_ended[size_t(FlowEndReason::kShutdown)].get(), 1u);
}

}  // namespace
}  // namespace btsensor::test
