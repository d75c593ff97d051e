// Table-driven tests for the BEP 5 KRPC parser and compact peer/node decoders
// (src/engine/proto/dht.*).
#include "engine/proto/dht.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

namespace btsensor::proto {
namespace {

std::span<const uint8_t> as_bytes(std::string_view s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

// Bencoded string: "<len>:<bytes>".
std::string bs(std::string_view s) {
  return std::to_string(s.size()) + ":" + std::string(s);
}
// A 20-byte node id / info hash filled with one byte.
std::string h20(char c) {
  return std::string(20, c);
}
// Compact IPv4 peer: 4 address bytes + 2-byte big-endian port.
std::string peer4(uint8_t a, uint8_t b, uint8_t c, uint8_t d, uint16_t port) {
  return {char(a), char(b), char(c), char(d), char(port >> 8), char(port & 0xff)};
}
// Compact IPv6 peer: 16 address bytes (2001:db8::<last>) + 2-byte port.
std::string peer6(uint8_t last, uint16_t port) {
  std::string s(16, '\0');
  s[0] = char(0x20);
  s[1] = char(0x01);
  s[2] = char(0x0d);
  s[3] = char(0xb8);
  s[15] = char(last);
  return s + char(port >> 8) + char(port & 0xff);
}

const std::string kId = h20('N');  // querying / responding node id
const std::string kIh = h20('H');  // info hash

struct DhtCase {
  std::string name;
  std::string msg;
  bool ok;
  DhtKind kind = DhtKind::query;
  DhtQuery query = DhtQuery::none;
  bool has_info_hash = false;
  std::string version = {};  // expected `v` (first 4 bytes)
  size_t nodes_len = 0;
  size_t nodes6_len = 0;
  uint16_t values_count = 0;
  uint16_t port = 0;
};
void PrintTo(const DhtCase& c, std::ostream* os) {
  *os << c.name;
}

const DhtCase kCases[] = {
    // ---- accepted ----
    // Canonical (sorted) ping: d 1:a d 2:id 20:<id> e 1:q 4:ping 1:t 2:aa 1:y 1:q e
    {"ping_canonical", "d1:ad2:id20:" + kId + "e1:q4:ping1:t2:aa1:y1:qe", true, DhtKind::query,
     DhtQuery::ping},
    // Same ping, keys t, y, q, a: starts "d1:t…", which prefix matchers (d1:ad2:id20:) miss.
    {"ping_noncanonical_order", "d1:t2:aa1:y1:q1:q4:ping1:ad2:id20:" + kId + "ee", true,
     DhtKind::query, DhtQuery::ping},
    // Reverse order of everything, including inside `a`.
    {"get_peers_reverse_order",
     "d1:y1:q1:v4:UT\x01\x02"
     "1:t2:xy1:q9:get_peers1:ad9:info_hash20:" +
         kIh + "2:id20:" + kId + "ee",
     true, DhtKind::query, DhtQuery::get_peers, true, "UT\x01\x02"},
    {"get_peers_canonical_with_version",
     "d1:ad2:id20:" + kId + "9:info_hash20:" + kIh + "e1:q9:get_peers1:t2:aa1:v4:LT\x01\x02" +
         "1:y1:qe",
     true, DhtKind::query, DhtQuery::get_peers, true, "LT\x01\x02"},
    {"find_node_with_target",
     "d1:ad2:id20:" + kId + "6:target20:" + h20('T') + "e1:q9:find_node1:t2:aa1:y1:qe", true,
     DhtKind::query, DhtQuery::find_node},
    {"announce_peer_port_token",
     "d1:ad2:id20:" + kId + "12:implied_porti1e9:info_hash20:" + kIh +
         "4:porti6881e5:token8:abcdefghe1:q13:announce_peer1:t2:aa1:y1:qe",
     true, DhtKind::query, DhtQuery::announce_peer, true, "", 0, 0, 0, 6881},
    {"sample_infohashes",
     "d1:ad2:id20:" + kId + "6:target20:" + h20('T') + "e1:q17:sample_infohashes1:t2:aa1:y1:qe",
     true, DhtKind::query, DhtQuery::sample_infohashes},
    {"unknown_query_name_is_other", "d1:ad2:id20:" + kId + "e1:q4:vote1:t2:aa1:y1:qe", true,
     DhtKind::query, DhtQuery::other},
    {"long_version_kept_4_bytes", "d1:ad2:id20:" + kId + "e1:q4:ping1:t2:aa1:v6:LT0102" + "1:y1:qe",
     true, DhtKind::query, DhtQuery::ping, false, "LT01"},
    // find_node reply with two compact IPv4 node infos (2 x 26 bytes).
    {"response_nodes",
     "d1:rd2:id20:" + kId + "5:nodes" +
         bs(h20('a') + peer4(10, 0, 0, 1, 6881) + h20('b') + peer4(192, 0, 2, 7, 51413)) +
         "e1:t2:aa1:y1:re",
     true, DhtKind::response, DhtQuery::none, false, "", 52},
    {"response_nodes6",
     "d1:rd2:id20:" + kId + "6:nodes6" + bs(h20('c') + peer6(1, 6881)) + "e1:t2:aa1:y1:re", true,
     DhtKind::response, DhtQuery::none, false, "", 0, 38},
    // get_peers reply: values = [6-byte IPv4 peer, 18-byte IPv6 peer], plus a token.
    {"response_values_v4_v6",
     "d1:rd2:id20:" + kId + "5:token4:tok16:valuesl" + bs(peer4(198, 51, 100, 9, 6881)) +
         bs(peer6(2, 51413)) + "ee1:t2:aa1:y1:re",
     true, DhtKind::response, DhtQuery::none, false, "", 0, 0, 2},
    // BEP 42 reply: "d2:ip6:<compact>1:rd…": the `ip` key before `r` is allowed.
    {"response_bep42_ip_first",
     "d2:ip" + bs(peer4(203, 0, 113, 5, 1234)) + "1:rd2:id20:" + kId + "e1:t2:aa1:y1:re", true,
     DhtKind::response},
    {"error_201", "d1:eli201e23:A Generic Error Ocurrede1:t2:aa1:y1:ee", true, DhtKind::error},
    {"error_empty_list_minimal", "d1:ele1:t1:x1:y1:ee", true, DhtKind::error},
    // ---- rejected ----
    {"missing_t", "d1:ad2:id20:" + kId + "e1:q4:ping1:y1:qe", false},
    {"missing_y", "d1:ad2:id20:" + kId + "e1:q4:ping1:t2:aae", false},
    {"y_unknown", "d1:ad2:id20:" + kId + "e1:q4:ping1:t2:aa1:y1:xe", false},
    {"y_two_chars", "d1:ad2:id20:" + kId + "e1:q4:ping1:t2:aa1:y2:qqe", false},
    {"y_not_string", "d1:ad2:id20:" + kId + "e1:q4:ping1:t2:aa1:yi1ee", false},
    {"t_empty", "d1:ad2:id20:" + kId + "e1:q4:ping1:t0:1:y1:qe", false},
    {"t_33_bytes", "d1:ad2:id20:" + kId + "e1:q4:ping1:t" + bs(std::string(33, 't')) + "1:y1:qe",
     false},
    {"query_without_q", "d1:ad2:id20:" + kId + "e1:t2:aa1:y1:qe", false},
    {"query_q_empty", "d1:ad2:id20:" + kId + "e1:q0:1:t2:aa1:y1:qe", false},
    {"query_without_a", "d1:q4:ping1:t2:aa1:y1:qe", false},
    {"query_a_not_dict", "d1:a2:id1:q4:ping1:t2:aa1:y1:qe", false},
    {"query_a_without_id", "d1:ad3:foo3:bare1:q4:ping1:t2:aa1:y1:qe", false},
    {"id_19_bytes", "d1:ad2:id19:" + std::string(19, 'N') + "e1:q4:ping1:t2:aa1:y1:qe", false},
    {"id_21_bytes", "d1:ad2:id21:" + std::string(21, 'N') + "e1:q4:ping1:t2:aa1:y1:qe", false},
    {"info_hash_19_bytes",
     "d1:ad2:id20:" + kId + "9:info_hash19:" + std::string(19, 'H') +
         "e1:q9:get_peers1:t2:aa1:y1:qe",
     false},
    {"port_zero", "d1:ad2:id20:" + kId + "4:porti0ee1:q13:announce_peer1:t2:aa1:y1:qe", false},
    {"port_too_large", "d1:ad2:id20:" + kId + "4:porti70000ee1:q13:announce_peer1:t2:aa1:y1:qe",
     false},
    {"response_without_r", "d1:t2:aa1:y1:re", false},
    {"response_r_without_id", "d1:rd5:token2:xye1:t2:aa1:y1:re", false},
    {"nodes_25_bytes",
     "d1:rd2:id20:" + kId + "5:nodes25:" + std::string(25, 'n') + "e1:t2:aa1:y1:re", false},
    {"nodes6_26_bytes",
     "d1:rd2:id20:" + kId + "6:nodes626:" + std::string(26, 'n') + "e1:t2:aa1:y1:re", false},
    {"values_element_7_bytes", "d1:rd2:id20:" + kId + "6:valuesl7:abcdefgee1:t2:aa1:y1:re", false},
    {"values_not_list", "d1:rd2:id20:" + kId + "6:values6:abcdefe1:t2:aa1:y1:re", false},
    {"error_e_not_list", "d1:e5:oops!1:t2:aa1:y1:ee", false},
    {"error_without_e", "d1:t2:aa1:y1:ee", false},
    {"duplicate_y", "d1:ad2:id20:" + kId + "e1:q4:ping1:t2:aa1:y1:q1:y1:re", false},
    {"duplicate_inner_id", "d1:ad2:id20:" + kId + "2:id20:" + kId + "e1:q4:ping1:t2:aa1:y1:qe",
     false},
    {"trailing_garbage", "d1:ad2:id20:" + kId + "e1:q4:ping1:t2:aa1:y1:qe\n", false},
    {"two_dicts", "d1:ele1:t1:x1:y1:eede", false},
    {"top_level_list", "l1:ad2:id20:" + kId + "e1:q4:ping1:t2:aa1:y1:qe", false},
    {"not_bencode", "GET / HTTP/1.1\r\nHost: example\r\n\r\n", false},
    {"empty", "", false},
    {"shorter_than_minimum", "d1:y1:ee", false},
};

class DhtParse : public ::testing::TestWithParam<DhtCase> {};

TEST_P(DhtParse, Parse) {
  const DhtCase& c = GetParam();
  DhtMessage m;
  ASSERT_EQ(parse_dht(as_bytes(c.msg), m), c.ok);
  if (!c.ok) {
    EXPECT_TRUE(m.transaction_id.empty());  // reset on failure
    return;
  }
  EXPECT_EQ(m.kind, c.kind);
  EXPECT_EQ(m.query, c.query);
  EXPECT_EQ(m.has_info_hash, c.has_info_hash);
  if (c.has_info_hash) {
    EXPECT_EQ(std::string(m.info_hash.begin(), m.info_hash.end()), kIh);
  }
  if (c.kind != DhtKind::error) {
    EXPECT_EQ(std::string(m.node_id.begin(), m.node_id.end()), kId);
  }
  EXPECT_EQ(std::string(m.version.begin(), m.version.begin() + m.version_len), c.version);
  EXPECT_EQ(m.nodes.size(), c.nodes_len);
  EXPECT_EQ(m.nodes6.size(), c.nodes6_len);
  EXPECT_EQ(m.values_count, c.values_count);
  EXPECT_EQ(m.port, c.port);
}

INSTANTIATE_TEST_SUITE_P(Cases, DhtParse, ::testing::ValuesIn(kCases),
                         [](const auto& row) { return row.param.name; });

TEST(DhtParseDetail, FieldsOfAnnouncePeerAndError) {
  DhtMessage m;
  const std::string ann = "d1:ad2:id20:" + kId + "12:implied_porti1e9:info_hash20:" + kIh +
                          "4:porti6881e5:token8:abcdefghe1:q13:announce_peer1:t2:aa1:y1:qe";
  ASSERT_TRUE(parse_dht(as_bytes(ann), m));
  EXPECT_TRUE(m.implied_port);
  EXPECT_TRUE(m.has_token);
  EXPECT_EQ(m.query_name, "announce_peer");
  EXPECT_EQ(std::string_view(reinterpret_cast<const char*>(m.transaction_id.data()),
                             m.transaction_id.size()),
            "aa");
  EXPECT_STREQ(dht_query_name(m.query), "announce_peer");

  const std::string err = "d1:eli201e23:A Generic Error Ocurrede1:t2:aa1:y1:ee";
  ASSERT_TRUE(parse_dht(as_bytes(err), m));
  EXPECT_TRUE(m.has_error_code);
  EXPECT_EQ(m.error_code, 201);
  EXPECT_EQ(m.error_message, "A Generic Error Ocurred");
}

// Every proper prefix of a valid message must be rejected (a UDP datagram is never partial)
// without reading past the span (ASan checks the latter).
TEST(DhtParseDetail, EveryTruncationRejected) {
  const std::string full = "d1:rd2:id20:" + kId + "5:nodes" + bs(h20('a') + peer4(10, 0, 0, 1, 1)) +
                           "5:token4:tok16:valuesl" + bs(peer4(1, 2, 3, 4, 5)) + "ee1:t2:aa1:y1:re";
  DhtMessage m;
  ASSERT_TRUE(parse_dht(as_bytes(full), m));
  for (size_t len = 0; len < full.size(); ++len) {
    const std::string cut = full.substr(0, len);  // exact-size copy so ASan sees overreads
    EXPECT_FALSE(parse_dht(as_bytes(cut), m)) << "length " << len;
  }
}

// ---- compact peer / node decoding ----

struct CompactCase {
  std::string name;
  std::string data;
  bool ipv6;
  bool nodes;                       // 20-byte id before each peer
  size_t cap;                       // caller array size
  std::vector<std::string> expect;  // "a.b.c.d:port" (IPv4) or "v6:<last byte>:port"
};
void PrintTo(const CompactCase& c, std::ostream* os) {
  *os << c.name;
}

std::string describe(const PeerEndpoint& p) {
  if (p.addr.is_v4()) {
    const uint32_t v = p.addr.v4_value();
    return std::to_string(v >> 24) + "." + std::to_string((v >> 16) & 0xff) + "." +
           std::to_string((v >> 8) & 0xff) + "." + std::to_string(v & 0xff) + ":" +
           std::to_string(p.port);
  }
  return "v6:" + std::to_string(p.addr.b[15]) + ":" + std::to_string(p.port);
}

const CompactCase kCompactCases[] = {
    // 0a 00 00 01 1a e1 = 10.0.0.1:6881; c0 00 02 07 c8 d5 = 192.0.2.7:51413
    {"peers_v4",
     peer4(10, 0, 0, 1, 6881) + peer4(192, 0, 2, 7, 51413),
     false,
     false,
     8,
     {"10.0.0.1:6881", "192.0.2.7:51413"}},
    {"peers_v4_cap_1",
     peer4(10, 0, 0, 1, 6881) + peer4(192, 0, 2, 7, 51413),
     false,
     false,
     1,
     {"10.0.0.1:6881"}},
    {"peers_v4_trailing_partial_ignored",
     peer4(10, 0, 0, 1, 6881) + "\x01\x02\x03",
     false,
     false,
     8,
     {"10.0.0.1:6881"}},
    {"peers_v4_empty", "", false, false, 8, {}},
    {"peers_v4_zero_cap", peer4(10, 0, 0, 1, 6881), false, false, 0, {}},
    // 2001:db8::1 port 6881, 2001:db8::2 port 51413
    {"peers_v6", peer6(1, 6881) + peer6(2, 51413), true, false, 8, {"v6:1:6881", "v6:2:51413"}},
    {"nodes_v4",
     h20('a') + peer4(10, 0, 0, 1, 6881) + h20('b') + peer4(10, 0, 0, 2, 6882),
     false,
     true,
     8,
     {"10.0.0.1:6881", "10.0.0.2:6882"}},
    {"nodes_v6", h20('c') + peer6(9, 4444), true, true, 8, {"v6:9:4444"}},
    {"nodes_v4_short_record_ignored", h20('a') + "\x0a\x00", false, true, 8, {}},
};

class DhtCompact : public ::testing::TestWithParam<CompactCase> {};

TEST_P(DhtCompact, Decode) {
  const CompactCase& c = GetParam();
  std::vector<PeerEndpoint> out(c.cap);
  const size_t n = c.nodes ? decode_compact_nodes(as_bytes(c.data), c.ipv6, out)
                           : decode_compact_peers(as_bytes(c.data), c.ipv6, out);
  std::vector<std::string> got;
  for (size_t i = 0; i < n; ++i) got.push_back(describe(out[i]));
  EXPECT_EQ(got, c.expect);
}

INSTANTIATE_TEST_SUITE_P(Cases, DhtCompact, ::testing::ValuesIn(kCompactCases),
                         [](const auto& row) { return row.param.name; });

TEST(DhtCompactValues, DecodesMixedFamiliesFromParsedReply) {
  const std::string msg = "d1:rd2:id20:" + kId + "5:token4:tok16:valuesl" +
                          bs(peer4(198, 51, 100, 9, 6881)) + bs(peer6(2, 51413)) +
                          bs(peer4(203, 0, 113, 1, 1)) + "ee1:t2:aa1:y1:re";
  DhtMessage m;
  ASSERT_TRUE(parse_dht(as_bytes(msg), m));
  ASSERT_EQ(m.values_count, 3);
  PeerEndpoint out[2];  // cap smaller than the list
  ASSERT_EQ(decode_dht_values(m.values, out), 2u);
  EXPECT_EQ(describe(out[0]), "198.51.100.9:6881");
  EXPECT_TRUE(out[0].addr.is_v4());
  EXPECT_EQ(describe(out[1]), "v6:2:51413");
  EXPECT_FALSE(out[1].addr.is_v4());
  EXPECT_EQ(decode_dht_values(as_bytes("not a list"), out), 0u);
}

}  // namespace
}  // namespace btsensor::proto
