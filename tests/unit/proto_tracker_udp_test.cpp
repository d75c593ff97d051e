// Table-driven tests for the BEP 15 UDP tracker parser (src/engine/proto/tracker_udp.*).
#include "engine/proto/tracker_udp.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <initializer_list>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "engine/proto/dht.hpp"  // decode_compact_peers

namespace btsensor::proto {
namespace {

// Byte-string builder so every test packet is spelled out field by field.
struct Bytes {
  std::vector<uint8_t> v;
  Bytes& u8(uint8_t x) {
    v.push_back(x);
    return *this;
  }
  Bytes& be16(uint16_t x) { return u8(uint8_t(x >> 8)).u8(uint8_t(x)); }
  Bytes& be32(uint32_t x) { return be16(uint16_t(x >> 16)).be16(uint16_t(x)); }
  Bytes& be64(uint64_t x) { return be32(uint32_t(x >> 32)).be32(uint32_t(x)); }
  Bytes& raw(std::initializer_list<uint8_t> b) {
    v.insert(v.end(), b);
    return *this;
  }
  Bytes& str(std::string_view s) {
    v.insert(v.end(), s.begin(), s.end());
    return *this;
  }
  Bytes& rep(size_t n, uint8_t b) {
    v.insert(v.end(), n, b);
    return *this;
  }
  operator std::vector<uint8_t>() const { return v; }
};

constexpr uint32_t kTxid = 0xcafebabe;
constexpr uint64_t kConnId = 0x0123456789abcdefULL;  // issued by the tracker

// Connect request: 00 00 04 17 27 10 19 80 (protocol_id 0x41727101980) | 00 00 00 00 (action
// connect) | transaction id. Exactly 16 bytes.
std::vector<uint8_t> connect_req() {
  return Bytes().raw({0x00, 0x00, 0x04, 0x17, 0x27, 0x10, 0x19, 0x80}).be32(0).be32(kTxid);
}
// Connect reply: action 0 | txid | connection_id. 16 bytes.
std::vector<uint8_t> connect_reply() {
  return Bytes().be32(0).be32(kTxid).be64(kConnId);
}

// Announce request (98 bytes): connection_id | action 1 | txid | info_hash (20 x 'H') |
// peer_id "-qB4500-" + 12 x 'r' | downloaded | left | uploaded | event | ip | key | num_want |
// port.
Bytes announce_req(uint32_t event = 2, uint64_t conn = kConnId) {
  return Bytes()
      .be64(conn)        // connection_id from the connect reply
      .be32(1)           // action: announce
      .be32(kTxid)       // transaction_id
      .rep(20, 'H')      // info_hash
      .str("-qB4500-")   // peer_id: qBittorrent 4.5.0 ...
      .rep(12, 'r')      // ... + 12 random bytes
      .be64(1000)        // downloaded
      .be64(5000000)     // left
      .be64(2000)        // uploaded
      .be32(event)       // 2 = started
      .be32(0)           // ip: use sender address
      .be32(0x5eed)      // key
      .be32(0xffffffff)  // num_want -1: tracker default
      .be16(51413);      // listen port
}

std::vector<uint8_t> without_last_byte(std::vector<uint8_t> v) {
  v.pop_back();
  return v;
}

// Scrape request: connection_id | action 2 | txid | n info hashes.
std::vector<uint8_t> scrape_req(size_t n) {
  return Bytes().be64(kConnId).be32(2).be32(kTxid).rep(20 * n, 'S');
}

struct RequestCase {
  std::string name;
  std::vector<uint8_t> pkt;
  bool ok;
  UdpTrackerAction action = UdpTrackerAction::connect;
  uint16_t port = 0;
  uint8_t scrape_count = 0;
  bool options_valid = true;
  std::string url_data = {};
};
void PrintTo(const RequestCase& c, std::ostream* os) {
  *os << c.name;
}

const RequestCase kRequestCases[] = {
    {"connect", connect_req(), true, UdpTrackerAction::connect},
    {"connect_17_bytes", Bytes(Bytes{connect_req()}).u8(0), false},
    {"connect_wrong_magic",
     Bytes().raw({0x00, 0x00, 0x04, 0x17, 0x27, 0x10, 0x19, 0x81}).be32(0).be32(kTxid), false},
    {"announce", announce_req(), true, UdpTrackerAction::announce, 51413},
    // BEP 41: 02 (URLData) 09 "/announce" 00 (EndOfOptions).
    {"announce_bep41_url", announce_req().u8(2).u8(9).str("/announce").u8(0), true,
     UdpTrackerAction::announce, 51413, 0, true, "/announce"},
    // 01 (NOP) 01 (NOP) 02 03 "/x?" then end of datagram (no EndOfOptions: allowed).
    {"announce_bep41_nop_no_end", announce_req().u8(1).u8(1).u8(2).u8(3).str("/x?"), true,
     UdpTrackerAction::announce, 51413, 0, true, "/x?"},
    // Unknown option type 7: format already decided by the 98 bytes; only flagged.
    {"announce_bad_option_flagged", announce_req().u8(7).u8(1).u8(0), true,
     UdpTrackerAction::announce, 51413, 0, false},
    // URLData claims 20 bytes, 3 present.
    {"announce_option_overrun_flagged", announce_req().u8(2).u8(20).str("/an"), true,
     UdpTrackerAction::announce, 51413, 0, false},
    {"announce_97_bytes", without_last_byte(announce_req()), false},
    {"announce_event_4", announce_req(4), false},
    {"announce_with_protocol_id_as_conn", announce_req(2, 0x41727101980ULL), false},
    {"scrape_one", scrape_req(1), true, UdpTrackerAction::scrape, 0, 1},
    {"scrape_74", scrape_req(74), true, UdpTrackerAction::scrape, 0, 74},
    {"scrape_75", scrape_req(75), false},
    {"scrape_no_hash", scrape_req(0), false},
    {"scrape_partial_hash", Bytes(Bytes{scrape_req(1)}).u8(0), false},
    {"error_action_from_client", Bytes().be64(kConnId).be32(3).be32(kTxid).str("x"), false},
    {"unknown_action_9", Bytes().be64(kConnId).be32(9).be32(kTxid).rep(82, 0), false},
    // DHT ping is not a tracker request.
    {"dht_ping", Bytes().str("d1:ad2:id20:").rep(20, 'N').str("e1:q4:ping1:t2:aa1:y1:qe"), false},
};

class UdpTrackerRequestTest : public ::testing::TestWithParam<RequestCase> {};

TEST_P(UdpTrackerRequestTest, Parse) {
  const RequestCase& c = GetParam();
  UdpTrackerRequest r;
  ASSERT_EQ(parse_udp_tracker_request(c.pkt, r), c.ok);
  EXPECT_EQ(r.valid, c.ok);
  if (!c.ok) return;
  EXPECT_EQ(r.action, c.action);
  EXPECT_EQ(r.transaction_id, kTxid);
  EXPECT_EQ(r.port, c.port);
  EXPECT_EQ(r.scrape_count, c.scrape_count);
  EXPECT_EQ(r.options_valid, c.options_valid);
  EXPECT_EQ(std::string(r.url_data), c.url_data);
}

INSTANTIATE_TEST_SUITE_P(Cases, UdpTrackerRequestTest, ::testing::ValuesIn(kRequestCases),
                         [](const auto& row) { return row.param.name; });

TEST(UdpTrackerRequestFields, AnnounceDecoded) {
  UdpTrackerRequest r;
  ASSERT_TRUE(parse_udp_tracker_request(announce_req().v, r));
  EXPECT_EQ(r.connection_id, kConnId);
  EXPECT_EQ(std::string(r.info_hash.begin(), r.info_hash.end()), std::string(20, 'H'));
  EXPECT_EQ(std::string(r.peer_id.begin(), r.peer_id.begin() + 8), "-qB4500-");
  EXPECT_EQ(r.downloaded, 1000u);
  EXPECT_EQ(r.left, 5000000u);
  EXPECT_EQ(r.uploaded, 2000u);
  EXPECT_EQ(r.event, 2u);
  EXPECT_EQ(r.key, 0x5eedu);
  EXPECT_EQ(r.num_want, -1);
  ASSERT_TRUE(parse_udp_tracker_request(connect_req(), r));
  EXPECT_EQ(r.connection_id, kUdpTrackerProtocolId);
}

// Every truncation of the fixed-size requests is rejected; exact-size copies let ASan catch
// any overread.
TEST(UdpTrackerBounds, EveryTruncationOfConnectAndAnnounce) {
  const std::vector<uint8_t> fixed[] = {connect_req(), announce_req(), scrape_req(1)};
  for (const auto& full : fixed) {
    UdpTrackerRequest r;
    ASSERT_TRUE(parse_udp_tracker_request(full, r));
    for (size_t len = 0; len < full.size(); ++len) {
      const std::vector<uint8_t> cut(full.begin(), full.begin() + long(len));
      EXPECT_FALSE(parse_udp_tracker_request(cut, r)) << "size " << full.size() << " cut " << len;
    }
  }
}

// ---- responses ----

// Announce reply: action 1 | txid | interval | leechers | seeders | peers.
Bytes announce_reply() {
  return Bytes().be32(1).be32(kTxid).be32(1800).be32(3).be32(7);
}

// Every truncation of the fixed-size replies (connect 16, announce 20) is rejected.
TEST(UdpTrackerBounds, EveryTruncationOfConnectAndAnnounceReplies) {
  const std::vector<uint8_t> fixed[] = {connect_reply(), announce_reply()};
  for (const auto& full : fixed) {
    UdpTrackerResponse r;
    ASSERT_TRUE(parse_udp_tracker_response(full, false, r));
    for (size_t len = 0; len < full.size(); ++len) {
      const std::vector<uint8_t> cut(full.begin(), full.begin() + long(len));
      EXPECT_FALSE(parse_udp_tracker_response(cut, false, r))
          << "size " << full.size() << " cut " << len;
    }
  }
}

struct ResponseCase {
  std::string name;
  std::vector<uint8_t> pkt;
  bool ipv6;
  bool ok;
  UdpTrackerAction action = UdpTrackerAction::connect;
  uint16_t peer_count = 0;
  uint8_t scrape_count = 0;
  std::string error = {};
};
void PrintTo(const ResponseCase& c, std::ostream* os) {
  *os << c.name;
}

const ResponseCase kResponseCases[] = {
    {"connect_reply", connect_reply(), false, true, UdpTrackerAction::connect},
    {"connect_reply_15", Bytes().be32(0).be32(kTxid).rep(7, 0), false, false},
    {"connect_reply_17", Bytes(Bytes{connect_reply()}).u8(0), false, false},
    {"announce_no_peers", announce_reply(), false, true, UdpTrackerAction::announce, 0},
    // 0a 00 00 01 1a e1 (10.0.0.1:6881), c0 00 02 07 c8 d5 (192.0.2.7:51413)
    {"announce_two_v4_peers",
     announce_reply().raw({10, 0, 0, 1, 0x1a, 0xe1}).raw({192, 0, 2, 7, 0xc8, 0xd5}), false, true,
     UdpTrackerAction::announce, 2},
    // 2001:db8::1 port 6881 (18 bytes) over IPv6.
    {"announce_one_v6_peer",
     announce_reply().raw({0x20, 0x01, 0x0d, 0xb8}).rep(11, 0).u8(1).be16(6881), true, true,
     UdpTrackerAction::announce, 1},
    // 12 bytes of peers: two IPv4 peers, but not a whole IPv6 peer -> rejected over IPv6.
    {"announce_12_bytes_over_v6", announce_reply().rep(12, 1), true, false},
    {"announce_7_bytes_over_v4", announce_reply().rep(7, 1), false, false},
    {"announce_19_bytes", Bytes().be32(1).be32(kTxid).rep(11, 0), false, false},
    // Scrape reply: one (seeders, completed, leechers) record.
    {"scrape_reply", Bytes().be32(2).be32(kTxid).be32(10).be32(100).be32(3), false, true,
     UdpTrackerAction::scrape, 0, 1},
    {"scrape_reply_partial_record", Bytes().be32(2).be32(kTxid).be32(10).be32(100), false, false},
    {"error_reply", Bytes().be32(3).be32(kTxid).str("Connection ID missmatch."), false, true,
     UdpTrackerAction::error, 0, 0, "Connection ID missmatch."},
    {"error_reply_empty_text", Bytes().be32(3).be32(kTxid), false, true, UdpTrackerAction::error},
    {"unknown_action", Bytes().be32(4).be32(kTxid).rep(8, 0), false, false},
    {"seven_bytes", Bytes().be32(3).raw({0, 0, 0}), false, false},
};

class UdpTrackerResponseTest : public ::testing::TestWithParam<ResponseCase> {};

TEST_P(UdpTrackerResponseTest, Parse) {
  const ResponseCase& c = GetParam();
  UdpTrackerResponse r;
  ASSERT_EQ(parse_udp_tracker_response(c.pkt, c.ipv6, r), c.ok);
  EXPECT_EQ(r.valid, c.ok);
  if (!c.ok) return;
  EXPECT_EQ(r.action, c.action);
  EXPECT_EQ(r.transaction_id, kTxid);
  EXPECT_EQ(r.peer_count, c.peer_count);
  EXPECT_EQ(r.scrape_count, c.scrape_count);
  EXPECT_EQ(std::string(r.error_message), c.error);
}

INSTANTIATE_TEST_SUITE_P(Cases, UdpTrackerResponseTest, ::testing::ValuesIn(kResponseCases),
                         [](const auto& row) { return row.param.name; });

TEST(UdpTrackerCompactPeers, ExtractV4AndV6) {
  UdpTrackerResponse r;
  const std::vector<uint8_t> v4 =
      announce_reply().raw({10, 0, 0, 1, 0x1a, 0xe1}).raw({192, 0, 2, 7, 0xc8, 0xd5});
  ASSERT_TRUE(parse_udp_tracker_response(v4, false, r));
  EXPECT_EQ(r.interval, 1800u);
  EXPECT_EQ(r.leechers, 3u);
  EXPECT_EQ(r.seeders, 7u);
  PeerEndpoint peers[4];
  ASSERT_EQ(decode_compact_peers(r.peers, r.peers_ipv6, peers), 2u);
  EXPECT_EQ(peers[0].addr, IpAddr::v4(0x0a000001));  // 10.0.0.1
  EXPECT_EQ(peers[0].port, 6881);
  EXPECT_EQ(peers[1].addr, IpAddr::v4(0xc0000207));  // 192.0.2.7
  EXPECT_EQ(peers[1].port, 51413);

  const std::vector<uint8_t> v6 =
      announce_reply().raw({0x20, 0x01, 0x0d, 0xb8}).rep(11, 0).u8(1).be16(6881);
  ASSERT_TRUE(parse_udp_tracker_response(v6, true, r));
  ASSERT_EQ(decode_compact_peers(r.peers, r.peers_ipv6, peers), 1u);
  EXPECT_FALSE(peers[0].addr.is_v4());
  EXPECT_EQ(peers[0].addr.b[0], 0x20);
  EXPECT_EQ(peers[0].addr.b[15], 0x01);
  EXPECT_EQ(peers[0].port, 6881);
}

struct TxCase {
  std::string name;
  std::vector<uint8_t> request;
  std::vector<uint8_t> response;
  bool matches;
};
void PrintTo(const TxCase& c, std::ostream* os) {
  *os << c.name;
}

const TxCase kTxCases[] = {
    {"connect_pair", connect_req(), connect_reply(), true},
    {"announce_pair", announce_req(), announce_reply(), true},
    {"scrape_pair", scrape_req(1), Bytes().be32(2).be32(kTxid).be32(1).be32(2).be32(3), true},
    {"error_answers_announce", announce_req(), Bytes().be32(3).be32(kTxid).str("bad"), true},
    {"txid_mismatch", connect_req(), Bytes().be32(0).be32(kTxid + 1).be64(kConnId), false},
    {"action_mismatch", connect_req(), announce_reply(), false},
    // A reply that does not parse (15 bytes) never matches, even with the right txid.
    {"invalid_response", connect_req(), Bytes().be32(0).be32(kTxid).rep(7, 0), false},
    {"invalid_request", Bytes().be32(0).be32(kTxid), connect_reply(), false},
};

class UdpTrackerTransaction : public ::testing::TestWithParam<TxCase> {};

TEST_P(UdpTrackerTransaction, Matches) {
  const TxCase& c = GetParam();
  UdpTrackerRequest req;
  UdpTrackerResponse resp;
  parse_udp_tracker_request(c.request, req);
  parse_udp_tracker_response(c.response, false, resp);
  EXPECT_EQ(matches_transaction(req, resp), c.matches);
}

INSTANTIATE_TEST_SUITE_P(Cases, UdpTrackerTransaction, ::testing::ValuesIn(kTxCases),
                         [](const auto& row) { return row.param.name; });

TEST(UdpTrackerTransactionChain, ConnectionIdIssuedThenUsed) {
  UdpTrackerResponse reply;
  UdpTrackerRequest ann;
  ASSERT_TRUE(parse_udp_tracker_response(connect_reply(), false, reply));
  ASSERT_TRUE(parse_udp_tracker_request(announce_req().v, ann));
  EXPECT_TRUE(connection_issued(reply, ann));
  ASSERT_TRUE(parse_udp_tracker_request(announce_req(2, kConnId ^ 1).v, ann));
  EXPECT_FALSE(connection_issued(reply, ann));
  UdpTrackerRequest conn;
  ASSERT_TRUE(parse_udp_tracker_request(connect_req(), conn));
  EXPECT_FALSE(connection_issued(reply, conn));  // a connect request carries the magic, not an id
}

}  // namespace
}  // namespace btsensor::proto
