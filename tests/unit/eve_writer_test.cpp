#include <gtest/gtest.h>

#include "btsensor/evidence.hpp"
#include "outputs/eve_writer.hpp"
#include "support/frames.hpp"

namespace btsensor::test {
namespace {

TEST(Eve, Timestamp) {
  EXPECT_EQ(format_timestamp(0), "1970-01-01T00:00:00.000000Z");
  EXPECT_EQ(format_timestamp(1'700'000'000'123'456'789), "2023-11-14T22:13:20.123456Z");
}

TEST(Eve, FlowRecordGolden) {
  FlowRecord r;
  r.tuple = FiveTuple{ip("128.232.110.120"), ip("66.35.250.204"), 34855, 80, kProtoTcp};
  r.flow_id = 42;
  r.start = 1'700'000'000'000'000'000;
  r.end = r.start + 2'500'000'000;
  r.pkts_toserver = 3;
  r.pkts_toclient = 2;
  r.bytes_toserver = 300;
  r.bytes_toclient = 200;
  r.state = FlowState::kClosed;
  r.reason = FlowEndReason::kTimeout;
  r.tcp_flags_ts = 0x1b;
  r.tcp_flags_tc = 0x1b;
  r.evidence = evidence_bit(Evidence::kHttpAnnounce) | evidence_bit(Evidence::kPeerId);
  r.confidence = uint8_t(Confidence::kHigh);
  r.bittorrent = true;
  r.has_detail = true;
  std::snprintf(r.detail.client.data(), r.detail.client.size(), "Transmission 2.94");
  const char* pid = "-TR2940-abc\"def\x01xyz";
  r.detail.peer_id_len = 20;
  std::memcpy(r.detail.peer_id.data(), pid, 20);
  EveFormatter f;
  EXPECT_EQ(
      f.flow(r),
      R"({"timestamp":"2023-11-14T22:13:20.000000Z","flow_id":42,"event_type":"flow",)"
      R"("src_ip":"128.232.110.120","src_port":34855,"dest_ip":"66.35.250.204","dest_port":80,)"
      R"("proto":"TCP","community_id":"1:LQU9qZlK+B5F3KDmev6m5PMibrg=","app_proto":"bittorrent",)"
      R"("flow":{"pkts_toserver":3,"pkts_toclient":2,"bytes_toserver":300,"bytes_toclient":200,)"
      R"("start":"2023-11-14T22:13:20.000000Z","end":"2023-11-14T22:13:22.500000Z","age":2,)"
      R"("state":"closed","reason":"timeout"},)"
      R"("tcp":{"tcp_flags":"1b","tcp_flags_ts":"1b","tcp_flags_tc":"1b","syn":true,"fin":true,"psh":true,"ack":true},)"
      R"("bittorrent":{"evidence":["http_announce","peer_id"],"confidence":"high",)"
      R"("client":"Transmission 2.94","peer_id":"-TR2940-abc\"def\u0001xyz\u0000"}})");
}

TEST(Eve, UnknownProtocolIsANumber) {
  FlowRecord r;
  r.tuple = FiveTuple{ip("10.0.0.1"), ip("10.0.0.2"), 0, 0, 99};
  EveFormatter f;
  EXPECT_NE(f.flow(r).find(R"("proto":99,)"), std::string::npos);
}

}  // namespace
}  // namespace btsensor::test
