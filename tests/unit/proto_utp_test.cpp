// Table-driven tests for uTP v1 header validation and the cross-packet corroboration helpers
// (src/engine/proto/utp.*), including the look-alikes from the detection research notes.
#include "engine/proto/utp.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <initializer_list>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

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

// 20-byte uTP header: byte0 = type << 4 | version, byte1 = first extension, then conn_id,
// ts_usec, ts_diff_usec, wnd_size, seq_nr, ack_nr (all big-endian).
Bytes hdr(uint8_t type_ver, uint8_t ext, uint16_t conn, uint32_t ts, uint32_t ts_diff, uint32_t wnd,
          uint16_t seq, uint16_t ack) {
  Bytes b;
  b.u8(type_ver).u8(ext).be16(conn).be32(ts).be32(ts_diff).be32(wnd).be16(seq).be16(ack);
  return b;
}

// Byte 0 values: type in the high nibble, version 1 in the low nibble.
constexpr uint8_t kData = 0x01, kFin = 0x11, kState = 0x21, kReset = 0x31, kSyn = 0x41;
constexpr uint16_t kConn = 0x3039;  // 12345

// A libutp-style SYN: conn_id c = 12345, ts 0x11223344, ts_diff 0, wnd 1 MiB, seq 1, ack 0.
std::vector<uint8_t> syn() {
  return hdr(kSyn, 0, kConn, 0x11223344, 0, 0x100000, 1, 0);
}
// Its STATE answer: same conn_id, echoes a delay sample, ack_nr = SYN's seq_nr (1).
std::vector<uint8_t> state_reply() {
  return hdr(kState, 0, kConn, 0x55667788, 0x00001000, 0x100000, 0x7777, 1);
}

// STUN Binding Success (RFC 5389) with XOR-MAPPED-ADDRESS, SOFTWARE and FINGERPRINT. Byte 0
// 0x01 reads as uTP DATA v1 and byte 1 0x01 as a SACK extension; the attribute type 0x0020 at
// offset 20 reads as "next ext 0, len 32", which fits: the header check alone ACCEPTS it.
std::vector<uint8_t> stun_success() {
  return Bytes()
      .raw({0x01, 0x01})              // message type 0x0101: Binding Success Response
      .be16(44)                       // message length (attributes)
      .raw({0x21, 0x12, 0xa4, 0x42})  // magic cookie
      .rep(12, 0x5a)                  // transaction id
      .be32(0x00200008)               // XOR-MAPPED-ADDRESS, length 8
      .raw({0x00, 0x01, 0x3a, 0xf1, 0xe1, 0xba, 0xa5, 0x43})  // family 1, xport, xaddr
      .be32(0x80220014)                                       // SOFTWARE, length 20
      .str("example stun 1.0 srv")                            //   20 bytes of text
      .be32(0x80280004)                                       // FINGERPRINT, length 4
      .raw({0xde, 0xad, 0xbe, 0xef});
}
// STUN Binding Request: type 0x0001 -> byte 0 0x00 = version 0, not uTP v1.
std::vector<uint8_t> stun_request() {
  return Bytes().raw({0x00, 0x01}).be16(0).raw({0x21, 0x12, 0xa4, 0x42}).rep(12, 0x5a);
}
// WireGuard handshake initiation: 01 00 00 00 (type 1 + 3 reserved zero bytes), sender index,
// then 32 + 48 + 28 + 16 + 16 bytes: 148 bytes. Reads as DATA v1 with conn_id 0.
std::vector<uint8_t> wg_initiation() {
  return Bytes().raw({0x01, 0x00, 0x00, 0x00}).be32(0xa1b2c3d4).rep(140, 0x77);
}
// WireGuard handshake response: 02 00 00 00 -> version 2, not uTP v1. 92 bytes.
std::vector<uint8_t> wg_response() {
  return Bytes().raw({0x02, 0x00, 0x00, 0x00}).be32(0x01020304).be32(0xa1b2c3d4).rep(80, 0x66);
}
// 20-byte DNS query, id 0x4100, RD, one question for "ab" A IN:
// 41 00 | 01 00 | 00 01 | 00 00 | 00 00 | 00 00 | 02 'a' 'b' 00 | 00 01 | 00 01
// As uTP: SYN v1, no extension, conn_id 0x0100, ts 0x00010000, ts_diff 0 -> a VALID SYN.
std::vector<uint8_t> dns_query() {
  return Bytes()
      .raw({0x41, 0x00, 0x01, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00})
      .raw({0x02, 'a', 'b', 0x00, 0x00, 0x01, 0x00, 0x01});
}
// Its NXDOMAIN answer (flags 81 83, no answers): also exactly 20 bytes and another "SYN".
std::vector<uint8_t> dns_nxdomain() {
  return Bytes()
      .raw({0x41, 0x00, 0x81, 0x83, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00})
      .raw({0x02, 'a', 'b', 0x00, 0x00, 0x01, 0x00, 0x01});
}
// Its positive answer: + c0 0c (name ptr) 00 01 00 01 (A IN) 00 00 0e 10 (TTL) 00 04 01 02 03 04.
std::vector<uint8_t> dns_answer() {
  return Bytes()
      .raw({0x41, 0x00, 0x81, 0x80, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00})
      .raw({0x02, 'a', 'b', 0x00, 0x00, 0x01, 0x00, 0x01})
      .raw({0xc0, 0x0c, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0x0e, 0x10, 0x00, 0x04, 1, 2, 3, 4});
}

struct HeaderCase {
  std::string name;
  std::vector<uint8_t> pkt;
  UtpStatus status;
  UtpType type = UtpType::data;
  uint16_t payload_len = 0;
  uint8_t extensions = 0;
};
void PrintTo(const HeaderCase& c, std::ostream* os) {
  *os << c.name;
}

const HeaderCase kHeaderCases[] = {
    // ---- valid packets ----
    {"syn", syn(), UtpStatus::valid, UtpType::syn},
    // 41 02: SYN with the libutp "extension bits" extension: 00 08 + 8 bytes = 30 bytes total.
    {"syn_with_ext_bits", hdr(kSyn, 2, kConn, 1, 0, 0x100000, 1, 0).raw({0, 8}).rep(8, 0),
     UtpStatus::valid, UtpType::syn, 0, 1},
    {"state", state_reply(), UtpStatus::valid, UtpType::state},
    // 21 01: STATE with SACK: next 00, len 04, 4 bitmask bytes.
    {"state_with_sack", hdr(kState, 1, kConn, 5, 6, 7, 8, 9).raw({0, 4, 0x01, 0, 0, 0}),
     UtpStatus::valid, UtpType::state, 0, 1},
    // DATA carrying a BitTorrent handshake start.
    {"data_with_payload",
     hdr(kData, 0, kConn + 1, 5, 6, 7, 2, 0x7777)
         .str("\x13"
              "BitTorrent protocol"),
     UtpStatus::valid, UtpType::data, 20},
    // DATA with SACK (01 01) then payload: chain SACK(next 0, len 8) = 10 bytes, 3 payload bytes.
    {"data_sack_then_payload",
     hdr(kData, 1, kConn, 5, 6, 7, 2, 3).raw({0, 8}).rep(8, 0xff).str("abc"), UtpStatus::valid,
     UtpType::data, 3, 1},
    {"fin", hdr(kFin, 0, kConn, 5, 6, 7, 8, 9), UtpStatus::valid, UtpType::fin},
    // FIN with libtorrent close reason (ext 3): 00 04 + 2 reserved + reason 0x0001.
    {"fin_close_reason", hdr(kFin, 3, kConn, 5, 6, 7, 8, 9).raw({0, 4, 0, 0, 0, 1}),
     UtpStatus::valid, UtpType::fin, 0, 1},
    {"reset", hdr(kReset, 0, kConn, 5, 6, 7, 8, 9), UtpStatus::valid, UtpType::reset},
    // Four chained extensions (the cap): SACK -> bits -> SACK -> close reason.
    {"four_extensions",
     hdr(kState, 1, kConn, 5, 6, 7, 8, 9)
         .raw({2, 4, 0, 0, 0, 0})              // SACK, next = 2
         .raw({1, 8, 0, 0, 0, 0, 0, 0, 0, 0})  // extension bits (len 8), next = 1
         .raw({3, 4, 0, 0, 0, 0})              // SACK, next = 3
         .raw({0, 4, 0, 0, 0, 0}),             // close reason, next = 0
     UtpStatus::valid, UtpType::state, 0, 4},
    // ---- header field rules ----
    {"version_0", hdr(0x40, 0, kConn, 5, 0, 7, 8, 9), UtpStatus::bad_version},
    {"version_2", hdr(0x42, 0, kConn, 5, 0, 7, 8, 9), UtpStatus::bad_version},
    {"type_5", hdr(0x51, 0, kConn, 5, 0, 7, 8, 9), UtpStatus::bad_type},
    {"type_15", hdr(0xf1, 0, kConn, 5, 0, 7, 8, 9), UtpStatus::bad_type},
    {"conn_id_zero", hdr(kSyn, 0, 0, 5, 0, 7, 8, 9), UtpStatus::zero_conn_id},
    {"timestamp_zero", hdr(kSyn, 0, kConn, 0, 0, 7, 8, 9), UtpStatus::zero_timestamp},
    {"syn_with_ts_diff", hdr(kSyn, 0, kConn, 5, 1, 7, 8, 9), UtpStatus::syn_with_ts_diff},
    {"syn_with_payload", hdr(kSyn, 0, kConn, 5, 0, 7, 8, 9).str("x"),
     UtpStatus::unexpected_payload},
    {"state_with_payload", hdr(kState, 0, kConn, 5, 6, 7, 8, 9).str("xy"),
     UtpStatus::unexpected_payload},
    {"data_without_payload", hdr(kData, 0, kConn, 5, 6, 7, 8, 9), UtpStatus::missing_payload},
    // ---- extension chain rules ----
    {"ext_unknown_type_4", hdr(kState, 4, kConn, 5, 6, 7, 8, 9).raw({0, 4, 0, 0, 0, 0}),
     UtpStatus::bad_extension},
    {"ext_header_missing", hdr(kState, 1, kConn, 5, 6, 7, 8, 9), UtpStatus::bad_extension},
    {"ext_header_half", hdr(kState, 1, kConn, 5, 6, 7, 8, 9).u8(0), UtpStatus::bad_extension},
    {"ext_runs_past_packet", hdr(kState, 1, kConn, 5, 6, 7, 8, 9).raw({0, 8, 0, 0, 0, 0}),
     UtpStatus::bad_extension},
    {"sack_len_3", hdr(kState, 1, kConn, 5, 6, 7, 8, 9).raw({0, 3, 0, 0, 0}),
     UtpStatus::bad_extension},
    {"sack_len_0", hdr(kState, 1, kConn, 5, 6, 7, 8, 9).raw({0, 0}), UtpStatus::bad_extension},
    {"ext_bits_len_4", hdr(kState, 2, kConn, 5, 6, 7, 8, 9).raw({0, 4, 0, 0, 0, 0}),
     UtpStatus::bad_extension},
    {"chain_next_unknown", hdr(kState, 1, kConn, 5, 6, 7, 8, 9).raw({9, 4, 0, 0, 0, 0}),
     UtpStatus::bad_extension},
    {"five_extensions",
     hdr(kState, 1, kConn, 5, 6, 7, 8, 9)
         .raw({1, 4, 0, 0, 0, 0})
         .raw({1, 4, 0, 0, 0, 0})
         .raw({1, 4, 0, 0, 0, 0})
         .raw({1, 4, 0, 0, 0, 0})
         .raw({0, 4, 0, 0, 0, 0}),
     UtpStatus::bad_extension},
    // ---- look-alikes (research notes) ----
    {"wireguard_initiation", wg_initiation(), UtpStatus::zero_conn_id},
    {"wireguard_response", wg_response(), UtpStatus::bad_version},
    {"stun_binding_request", stun_request(), UtpStatus::bad_version},
    // The header check alone accepts this STUN packet: corroboration is what rejects it.
    {"stun_binding_success_passes_header", stun_success(), UtpStatus::valid, UtpType::data, 10, 1},
    // Xray-core PR 6735: the 20-byte DNS query is a valid SYN by the header rules.
    {"dns_query_passes_header", dns_query(), UtpStatus::valid, UtpType::syn},
    {"dns_answer_is_syn_with_payload", dns_answer(), UtpStatus::unexpected_payload},
};

class UtpHeaderTest : public ::testing::TestWithParam<HeaderCase> {};

TEST_P(UtpHeaderTest, Parse) {
  const HeaderCase& c = GetParam();
  const UtpHeader h = parse_utp(c.pkt);
  EXPECT_EQ(h.status, c.status) << utp_status_name(h.status);
  if (c.status == UtpStatus::valid) {
    EXPECT_EQ(h.type, c.type);
    EXPECT_EQ(h.payload_len, c.payload_len);
    EXPECT_EQ(h.extension_count, c.extensions);
    EXPECT_EQ(size_t(h.payload_offset) + h.payload_len, c.pkt.size());
  }
}

INSTANTIATE_TEST_SUITE_P(Cases, UtpHeaderTest, ::testing::ValuesIn(kHeaderCases),
                         [](const auto& row) { return row.param.name; });

TEST(UtpHeaderFields, DecodedBigEndian) {
  const std::vector<uint8_t> p =
      hdr(kState, 0, 0xbeef, 0x01020304, 0x0a0b0c0d, 0x00100000, 0x1234, 0xfedc);
  const UtpHeader h = parse_utp(p);
  ASSERT_TRUE(h.valid());
  EXPECT_EQ(h.conn_id, 0xbeef);
  EXPECT_EQ(h.ts_usec, 0x01020304u);
  EXPECT_EQ(h.ts_diff_usec, 0x0a0b0c0du);
  EXPECT_EQ(h.wnd_size, 0x00100000u);
  EXPECT_EQ(h.seq_nr, 0x1234);
  EXPECT_EQ(h.ack_nr, 0xfedc);
  EXPECT_EQ(h.payload_offset, 20);
}

// Every truncation of the fixed header is too_short; every truncation inside the extension
// chain is bad_extension. Each prefix is copied to an exact-size buffer so ASan would catch
// any read past it.
TEST(UtpHeaderBounds, EveryTruncationLength) {
  const std::vector<uint8_t> full = hdr(kSyn, 2, kConn, 1, 0, 7, 1, 0).raw({0, 8}).rep(8, 0);
  ASSERT_EQ(full.size(), 30u);
  ASSERT_TRUE(parse_utp(full).valid());
  for (size_t len = 0; len < full.size(); ++len) {
    const std::vector<uint8_t> cut(full.begin(), full.begin() + long(len));
    const UtpStatus expect = len < kUtpHeaderLen ? UtpStatus::too_short : UtpStatus::bad_extension;
    EXPECT_EQ(parse_utp(cut).status, expect) << "length " << len;
  }
}

struct PairCase {
  std::string name;
  std::vector<uint8_t> first;   // the would-be SYN (initiator)
  std::vector<uint8_t> second;  // the would-be reply / later packet
  bool reply_matches;           // utp_reply_matches(first, second)
  bool same_from_initiator;     // utp_same_connection(first, second, true)
  bool same_from_responder;     // utp_same_connection(first, second, false)
};
void PrintTo(const PairCase& c, std::ostream* os) {
  *os << c.name;
}

const PairCase kPairCases[] = {
    {"syn_state_handshake", syn(), state_reply(), true, false, true},
    {"state_wrong_conn_id", syn(), hdr(kState, 0, kConn + 1, 5, 6, 7, 8, 1), false, true, false},
    {"state_wrong_ack", syn(), hdr(kState, 0, kConn, 5, 6, 7, 8, 2), false, false, true},
    // Responder DATA (not the first reply) with the right conn_id: same connection, not a reply.
    {"responder_data", syn(), hdr(kData, 0, kConn, 5, 6, 7, 8, 1).str("payload"), false, false,
     true},
    // Initiator's next DATA uses conn_id c+1.
    {"initiator_data_c_plus_1", syn(), hdr(kData, 0, kConn + 1, 5, 6, 7, 2, 0x7777).str("p"), false,
     true, false},
    {"first_not_syn", state_reply(), state_reply(), false, false, false},
    {"second_is_syn", syn(), syn(), false, false, false},
    {"invalid_reply", syn(), hdr(kState, 0, kConn, 5, 6, 7, 8, 1).str("x"), false, false, false},
    // Wrap-around: c = 0xffff -> initiator uses 0, which parse_utp rejects (zero_conn_id).
    {"conn_id_wraps_to_zero", hdr(kSyn, 0, 0xffff, 5, 0, 7, 1, 0),
     hdr(kData, 0, 0x0000, 5, 6, 7, 2, 0).str("p"), false, false, false},
    // ---- look-alikes must not form a connection ----
    // DNS: query is a valid "SYN", but the answer is a SYN with payload / another SYN.
    {"dns_query_then_answer", dns_query(), dns_answer(), false, false, false},
    {"dns_query_then_nxdomain", dns_query(), dns_nxdomain(), false, false, false},
    // STUN: the request is not uTP at all; the success passes the header check only.
    {"stun_request_then_success", stun_request(), stun_success(), false, false, false},
    {"stun_success_vs_real_syn", syn(), stun_success(), false, false, false},
    // WireGuard: initiation (conn_id 0) and response (version 2) are both rejected.
    {"wireguard_handshake", wg_initiation(), wg_response(), false, false, false},
};

class UtpCorroboration : public ::testing::TestWithParam<PairCase> {};

TEST_P(UtpCorroboration, Pair) {
  const PairCase& c = GetParam();
  const UtpHeader a = parse_utp(c.first);
  const UtpHeader b = parse_utp(c.second);
  EXPECT_EQ(utp_reply_matches(a, b), c.reply_matches);
  EXPECT_EQ(utp_same_connection(a, b, true), c.same_from_initiator);
  EXPECT_EQ(utp_same_connection(a, b, false), c.same_from_responder);
}

INSTANTIATE_TEST_SUITE_P(Cases, UtpCorroboration, ::testing::ValuesIn(kPairCases),
                         [](const auto& row) { return row.param.name; });

}  // namespace
}  // namespace btsensor::proto
