// Table-driven tests for peer-wire recognition (src/engine/proto/peer_wire.*): BEP 3
// handshake, message framing, BEP 10 extension handshake, Azureus AZMP, BSYNC.
#include "engine/proto/peer_wire.hpp"

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
  Bytes& bytes(const std::vector<uint8_t>& b) {
    v.insert(v.end(), b.begin(), b.end());
    return *this;
  }
  operator std::vector<uint8_t>() const { return v; }
};

// BEP 3 handshake: 13 (pstrlen 19) "BitTorrent protocol" | reserved 00 00 00 00 00 10 00 05
// (byte 5 0x10 = BEP 10 extension protocol, byte 7 0x04 = fast ext, 0x01 = DHT) | info_hash
// 20 x 'H' | peer_id "-TR2940-" + 12 x 'p'.
std::vector<uint8_t> handshake() {
  return Bytes()
      .u8(0x13)
      .str("BitTorrent protocol")
      .raw({0x00, 0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x05})
      .rep(20, 'H')
      .str("-TR2940-")
      .rep(12, 'p');
}

std::vector<uint8_t> prefix(const std::vector<uint8_t>& v, size_t n) {
  return {v.begin(), v.begin() + long(n)};
}

// ---- handshake ----

struct HandshakeCase {
  std::string name;
  std::vector<uint8_t> seg;
  HandshakeStatus status;
  size_t length = 0;
};
void PrintTo(const HandshakeCase& c, std::ostream* os) {
  *os << c.name;
}

const HandshakeCase kHandshakeCases[] = {
    {"complete", handshake(), HandshakeStatus::complete, 68},
    // Handshake followed by an interested message (00 00 00 01 02) in the same segment.
    {"complete_with_following_message", Bytes(Bytes{handshake()}).raw({0, 0, 0, 1, 2}),
     HandshakeStatus::complete, 68},
    {"split_48_no_peer_id", prefix(handshake(), 48), HandshakeStatus::no_peer_id, 48},
    {"split_67_no_peer_id", prefix(handshake(), 67), HandshakeStatus::no_peer_id, 48},
    {"protocol_string_only", prefix(handshake(), 20), HandshakeStatus::truncated},
    {"one_byte", prefix(handshake(), 1), HandshakeStatus::truncated},
    {"empty", {}, HandshakeStatus::truncated},
    // pstrlen 0x12 (18) instead of 19.
    {"wrong_pstrlen", Bytes().u8(0x12).str("BitTorrent protocol").rep(48, 0),
     HandshakeStatus::invalid},
    // Bare string without pstrlen byte.
    {"missing_pstrlen", Bytes().str("BitTorrent protocol").rep(49, 0), HandshakeStatus::invalid},
    {"lowercase_protocol", Bytes().u8(0x13).str("bittorrent protocol").rep(48, 0),
     HandshakeStatus::invalid},
    {"mismatch_in_short_prefix", Bytes().u8(0x13).str("Bix"), HandshakeStatus::invalid},
    // libprotoident's "0x13 #WW-XX#@77" variant is not a BEP 3 handshake.
    {"libprotoident_ww_variant", Bytes().u8(0x13).str("#WW-XX#@77").rep(57, 0),
     HandshakeStatus::invalid},
    // An MSE/PE obfuscated first packet: 96 bytes of high-entropy DH key.
    {"mse_random", Bytes().raw({0x8f, 0x3a, 0x11, 0xc4}).rep(92, 0xa5), HandshakeStatus::invalid},
};

class PeerHandshakeTest : public ::testing::TestWithParam<HandshakeCase> {};

TEST_P(PeerHandshakeTest, Parse) {
  const HandshakeCase& c = GetParam();
  PeerHandshake h;
  EXPECT_EQ(parse_handshake(c.seg, h), c.status);
  EXPECT_EQ(h.length, c.length);
  EXPECT_EQ(h.has_peer_id, c.status == HandshakeStatus::complete);
}

INSTANTIATE_TEST_SUITE_P(Cases, PeerHandshakeTest, ::testing::ValuesIn(kHandshakeCases),
                         [](const auto& row) { return row.param.name; });

TEST(PeerHandshakeFields, ReservedBitsHashAndPeerId) {
  PeerHandshake h;
  ASSERT_EQ(parse_handshake(handshake(), h), HandshakeStatus::complete);
  EXPECT_TRUE(h.extension_protocol());
  EXPECT_TRUE(h.fast_extension());
  EXPECT_TRUE(h.dht());
  EXPECT_FALSE(h.azureus_messaging());
  EXPECT_EQ(std::string(h.info_hash.begin(), h.info_hash.end()), std::string(20, 'H'));
  EXPECT_EQ(std::string(h.peer_id.begin(), h.peer_id.begin() + 8), "-TR2940-");
}

// Every truncation length of the 68-byte handshake, on exact-size buffers (ASan).
TEST(PeerHandshakeBounds, EveryTruncationLength) {
  const std::vector<uint8_t> full = handshake();
  for (size_t len = 0; len < full.size(); ++len) {
    PeerHandshake h;
    const HandshakeStatus expect =
        len < kHandshakeNoPeerIdLen ? HandshakeStatus::truncated : HandshakeStatus::no_peer_id;
    EXPECT_EQ(parse_handshake(prefix(full, len), h), expect) << "length " << len;
  }
}

// ---- message framing ----

struct FrameCase {
  std::string name;
  std::vector<uint8_t> seg;
  FramingStatus status;
  uint8_t id = 0;
  bool keepalive = false;
};
void PrintTo(const FrameCase& c, std::ostream* os) {
  *os << c.name;
}

const FrameCase kFrameCases[] = {
    {"keepalive", Bytes().be32(0), FramingStatus::valid, 0, true},
    {"choke", Bytes().be32(1).u8(0), FramingStatus::valid, 0},
    {"interested", Bytes().be32(1).u8(2), FramingStatus::valid, 2},
    {"have", Bytes().be32(5).u8(4).be32(17), FramingStatus::valid, 4},
    {"bitfield", Bytes().be32(3).u8(5).raw({0xff, 0xf0}), FramingStatus::valid, 5},
    // 00 00 00 0d 06: request index 1, begin 0, length 0x4000 (ET "peer sync" pattern).
    {"request", Bytes().be32(13).u8(6).be32(1).be32(0).be32(0x4000), FramingStatus::valid, 6},
    {"piece_small", Bytes().be32(12).u8(7).be32(1).be32(0).str("abc"), FramingStatus::valid, 7},
    // 00 00 40 09 07: a 16 KiB piece; only 10 block bytes in this segment.
    {"piece_truncated", Bytes().be32(0x4009).u8(7).be32(1).be32(0).rep(10, 0xee),
     FramingStatus::truncated, 7},
    {"cancel", Bytes().be32(13).u8(8).be32(1).be32(0).be32(0x4000), FramingStatus::valid, 8},
    {"port", Bytes().be32(3).u8(9).be16(6881), FramingStatus::valid, 9},
    {"have_all", Bytes().be32(1).u8(14), FramingStatus::valid, 14},
    {"reject", Bytes().be32(13).u8(16).be32(1).be32(0).be32(0x4000), FramingStatus::valid, 16},
    {"allowed_fast", Bytes().be32(5).u8(17).be32(3), FramingStatus::valid, 17},
    {"extended", Bytes().be32(3).u8(20).u8(3).u8(0), FramingStatus::valid, 20},
    {"hash_request", Bytes().be32(49).u8(21).rep(48, 0), FramingStatus::valid, 21},
    {"hashes_one", Bytes().be32(81).u8(22).rep(80, 0), FramingStatus::valid, 22},
    {"length_only_4_bytes", Bytes().be32(13), FramingStatus::truncated},
    {"three_bytes", Bytes().raw({0, 0, 0}), FramingStatus::truncated},
    {"empty", {}, FramingStatus::truncated},
    {"unknown_id_10", Bytes().be32(1).u8(10), FramingStatus::invalid, 10},
    {"unknown_id_24", Bytes().be32(1).u8(24), FramingStatus::invalid, 24},
    {"have_wrong_length", Bytes().be32(6).u8(4).be32(17).u8(0), FramingStatus::invalid, 4},
    {"choke_with_payload", Bytes().be32(2).u8(1).u8(0), FramingStatus::invalid, 1},
    {"bitfield_empty", Bytes().be32(1).u8(5), FramingStatus::invalid, 5},
    {"piece_too_short", Bytes().be32(8).u8(7).be32(1).rep(3, 0), FramingStatus::invalid, 7},
    {"hashes_bad_length", Bytes().be32(50).u8(22).rep(49, 0), FramingStatus::invalid, 22},
    // Length > 0x40000 (Zeek's cap) is rejected before the id is looked at.
    {"length_over_cap", Bytes().be32(0x40001).u8(7), FramingStatus::invalid},
    {"ascii_http", Bytes().str("GET / HTTP/1.1\r\n"), FramingStatus::invalid},
};

class PeerFramingTest : public ::testing::TestWithParam<FrameCase> {};

TEST_P(PeerFramingTest, Parse) {
  const FrameCase& c = GetParam();
  PeerMessage m;
  size_t used = 0;
  EXPECT_EQ(parse_peer_message(c.seg, m, &used), c.status);
  if (c.status == FramingStatus::valid) {
    EXPECT_EQ(used, c.seg.size());
    EXPECT_EQ(m.keepalive, c.keepalive);
  }
  if (c.status != FramingStatus::invalid && c.seg.size() >= 5) {
    EXPECT_EQ(m.id, c.id);
  }
}

INSTANTIATE_TEST_SUITE_P(Cases, PeerFramingTest, ::testing::ValuesIn(kFrameCases),
                         [](const auto& row) { return row.param.name; });

struct SequenceCase {
  std::string name;
  std::vector<uint8_t> seg;
  FramingStatus status;
  uint16_t messages;
  uint16_t keepalives;
  bool capped = false;
};
void PrintTo(const SequenceCase& c, std::ostream* os) {
  *os << c.name;
}

// After a 68-byte handshake: bitfield (00 00 00 03 05 ff f0), extended handshake
// (00 00 00 04 14 00 'd' 'e'), interested (00 00 00 01 02).
std::vector<uint8_t> after_handshake() {
  return Bytes().be32(3).u8(5).raw({0xff, 0xf0}).be32(4).u8(20).u8(0).str("de").be32(1).u8(2);
}

const SequenceCase kSequenceCases[] = {
    {"bitfield_ext_interested", after_handshake(), FramingStatus::valid, 3, 0},
    {"cut_in_last_message", prefix(after_handshake(), after_handshake().size() - 1),
     FramingStatus::truncated, 2, 0},
    {"garbage_after_valid", Bytes(Bytes{after_handshake()}).be32(1).u8(11), FramingStatus::invalid,
     3, 0},
    {"empty", {}, FramingStatus::valid, 0, 0},
    // 64 zero bytes parse as 16 keep-alives: framing is valid but carries no evidence.
    {"zero_padding_is_keepalives", Bytes().rep(64, 0), FramingStatus::valid, 16, 16},
    {"cap_17_haves",
     [] {
       Bytes b;
       for (int i = 0; i < 17; ++i) b.be32(5).u8(4).be32(uint32_t(i));
       return std::vector<uint8_t>(b);
     }(),
     FramingStatus::valid, 16, 0, true},
    // MS Delivery Optimization (TCP 7680) "peer sync": the same request framing validates —
    // which is exactly why framing alone is weak evidence.
    {"ms_delivery_optimization_lookalike",
     Bytes().be32(13).u8(6).be32(0).be32(0).be32(0x4000).be32(13).u8(6).be32(0).be32(0x4000).be32(
         0x4000),
     FramingStatus::valid, 2, 0},
};

class PeerFramingSequence : public ::testing::TestWithParam<SequenceCase> {};

TEST_P(PeerFramingSequence, Walk) {
  const SequenceCase& c = GetParam();
  FramingSummary s;
  EXPECT_EQ(validate_peer_framing(c.seg, s), c.status);
  EXPECT_EQ(s.messages, c.messages);
  EXPECT_EQ(s.keepalives, c.keepalives);
  EXPECT_EQ(s.capped, c.capped);
}

INSTANTIATE_TEST_SUITE_P(Cases, PeerFramingSequence, ::testing::ValuesIn(kSequenceCases),
                         [](const auto& row) { return row.param.name; });

TEST(PeerFramingSequenceDetail, HandshakeThenMessagesIdMask) {
  const std::vector<uint8_t> seg = Bytes().bytes(handshake()).bytes(after_handshake());
  PeerHandshake h;
  ASSERT_EQ(parse_handshake(seg, h), HandshakeStatus::complete);
  FramingSummary s;
  ASSERT_EQ(validate_peer_framing(std::span<const uint8_t>(seg).subspan(h.length), s),
            FramingStatus::valid);
  EXPECT_EQ(s.id_mask, (1u << 5) | (1u << 20) | (1u << 2));
  EXPECT_EQ(s.consumed, seg.size() - 68);
}

// ---- BEP 10 extension handshake ----

// <len> 14 (id 20) 00 (ext handshake) <dict>.
std::vector<uint8_t> ext_msg(std::string_view dict) {
  return Bytes().be32(uint32_t(dict.size() + 2)).u8(20).u8(0).str(dict);
}

// A realistic (sorted) dict: m = {ut_metadata: 3, ut_pex: 1}, metadata_size, p, v, yourip.
// yourip = c0 00 02 07 (192.0.2.7); built with an explicit length because of the NUL byte.
const std::string kExtDict =
    "d1:md11:ut_metadatai3e6:ut_pexi1ee13:metadata_sizei31235e1:pi51413e1:v17:qBittorrent/"
    "4.5.06:yourip4:" +
    std::string("\xc0\x00\x02\x07", 4) + "e";

struct ExtCase {
  std::string name;
  std::vector<uint8_t> seg;
  bool ok;
  bool complete = false;
  bool ut_pex = false;
  bool ut_metadata = false;
  std::string client = {};
  uint16_t port = 0;
};
void PrintTo(const ExtCase& c, std::ostream* os) {
  *os << c.name;
}

const ExtCase kExtCases[] = {
    {"full", ext_msg(kExtDict), true, true, true, true, "qBittorrent/4.5.0", 51413},
    // Keys in reverse order: accepted (no order check).
    {"unsorted", ext_msg("d1:v12:Transmission1:md6:ut_pexi2eee"), true, true, true, false,
     "Transmission"},
    {"empty_dict", ext_msg("de"), true, true},
    // ut_pex 0 = "disabled", but the client still speaks the extension: reported present.
    {"ut_pex_zero", ext_msg("d1:md6:ut_pexi0eee"), true, true, true},
    // The segment ends inside metadata_size ("i312"): keys before the cut still count.
    {"truncated_in_metadata_size", prefix(ext_msg(kExtDict), 60), true, false, true, true, "", 0},
    // Only the first 7 bytes: 4-byte len, 14, 00, 'd'.
    {"truncated_after_d", prefix(ext_msg(kExtDict), 7), true, false},
    {"six_bytes", prefix(ext_msg(kExtDict), 6), false},
    {"not_extended_id", Bytes().be32(4).u8(5).u8(0).str("de"), false},
    {"extended_id_1_not_handshake", Bytes().be32(4).u8(20).u8(1).str("de"), false},
    {"not_a_dict", Bytes().be32(6).u8(20).u8(0).str("li1ee"), false},
    {"invalid_bencode", ext_msg("d1:mi01ee"), false},
    // Length says 4 (dict "de") but the dict continues: junk after the dict inside the message.
    {"length_shorter_than_dict", Bytes().be32(4).u8(20).u8(0).str("d1:v1:xe"), false},
    // Length says more than the dict, all bytes present: dict ends early -> trailing junk.
    {"junk_after_dict", Bytes().be32(6).u8(20).u8(0).str("dexx"), false},
    {"length_over_cap", Bytes().be32(0x40001).u8(20).u8(0).str("de"), false},
    {"length_too_small", Bytes().be32(3).u8(20).u8(0).str("de"), false},
};

class PeerExtensionHandshake : public ::testing::TestWithParam<ExtCase> {};

TEST_P(PeerExtensionHandshake, Parse) {
  const ExtCase& c = GetParam();
  ExtensionHandshake e;
  ASSERT_EQ(parse_extension_handshake(c.seg, e), c.ok);
  if (!c.ok) return;
  EXPECT_EQ(e.complete, c.complete);
  EXPECT_EQ(e.has_ut_pex, c.ut_pex);
  EXPECT_EQ(e.has_ut_metadata, c.ut_metadata);
  EXPECT_EQ(std::string(e.client), c.client);
  EXPECT_EQ(e.listen_port, c.port);
}

INSTANTIATE_TEST_SUITE_P(Cases, PeerExtensionHandshake, ::testing::ValuesIn(kExtCases),
                         [](const auto& row) { return row.param.name; });

TEST(PeerExtensionHandshakeDetail, FieldsAndEveryTruncation) {
  const std::vector<uint8_t> full = ext_msg(kExtDict);
  ExtensionHandshake e;
  ASSERT_TRUE(parse_extension_handshake(full, e));
  EXPECT_EQ(e.ut_metadata_id, 3);
  EXPECT_EQ(e.ut_pex_id, 1);
  EXPECT_TRUE(e.has_metadata_size);
  EXPECT_EQ(e.metadata_size, 31235);
  ASSERT_EQ(e.yourip.size(), 4u);
  EXPECT_EQ(e.yourip[0], 0xc0);
  // Every cut from 7 bytes on is a valid-so-far (incomplete) handshake; below 7 it is rejected.
  for (size_t len = 0; len < full.size(); ++len) {
    EXPECT_EQ(parse_extension_handshake(prefix(full, len), e), len >= 7) << "length " << len;
    if (len >= 7) {
      EXPECT_FALSE(e.complete) << "length " << len;
    }
  }
}

// ---- Azureus messaging protocol ----

// <len> <name_len> <name> <version> <payload>
std::vector<uint8_t> azmp(std::string_view name, uint8_t version, std::string_view payload) {
  return Bytes()
      .be32(uint32_t(4 + name.size() + 1 + payload.size()))
      .be32(uint32_t(name.size()))
      .str(name)
      .u8(version)
      .str(payload);
}

struct AzmpCase {
  std::string name;
  std::vector<uint8_t> seg;
  bool ok;
  bool handshake = false;
  bool complete = false;
};
void PrintTo(const AzmpCase& c, std::ostream* os) {
  *os << c.name;
}

const AzmpCase kAzmpCases[] = {
    {"az_handshake", azmp("AZ_HANDSHAKE", 1, "d6:client4:Vuzee"), true, true, true},
    {"bt_handshake", azmp("BT_HANDSHAKE", 1, "d4:hashe"), true, true, true},
    {"az_peer_exchange", azmp("AZ_PEER_EXCHANGE", 1, "de"), true, false, true},
    {"bt_keep_alive_version_0", azmp("BT_KEEP_ALIVE", 0, ""), true, false, true},
    // Only the first 30 bytes of a longer handshake: name and version present.
    {"az_handshake_truncated_payload", prefix(azmp("AZ_HANDSHAKE", 1, std::string(200, 'x')), 30),
     true, true, false},
    {"name_cut", prefix(azmp("AZ_HANDSHAKE", 1, "de"), 15), false},
    {"version_byte_missing", prefix(azmp("AZ_HANDSHAKE", 1, "de"), 20), false},
    {"version_3", azmp("AZ_HANDSHAKE", 3, "de"), false},
    {"lowercase_name", azmp("az_handshake", 1, "de"), false},
    {"other_prefix", azmp("XX_HANDSHAKE", 1, "de"), false},
    {"name_with_space", azmp("AZ_HAND SHAKE", 1, "de"), false},
    {"name_too_short", azmp("AZ_", 1, "de"), false},
    {"name_too_long", azmp("AZ_" + std::string(30, 'A'), 1, "de"), false},
    // Length prefix smaller than name_len + name + version.
    {"length_too_small", Bytes().be32(10).be32(12).str("AZ_HANDSHAKE").u8(1), false},
    // A plain BEP 3 "have" message is not AZMP.
    {"bep3_have", Bytes().be32(5).u8(4).be32(17), false},
};

class PeerAzmp : public ::testing::TestWithParam<AzmpCase> {};

TEST_P(PeerAzmp, Parse) {
  const AzmpCase& c = GetParam();
  AzmpMessage m;
  ASSERT_EQ(parse_azmp_message(c.seg, m), c.ok);
  if (!c.ok) return;
  EXPECT_EQ(m.is_handshake, c.handshake);
  EXPECT_EQ(m.complete, c.complete);
}

INSTANTIATE_TEST_SUITE_P(Cases, PeerAzmp, ::testing::ValuesIn(kAzmpCases),
                         [](const auto& row) { return row.param.name; });

// ---- BitTorrent Sync ----

struct BsyncCase {
  std::string name;
  std::vector<uint8_t> seg;
  bool ok;
};
void PrintTo(const BsyncCase& c, std::ostream* os) {
  *os << c.name;
}

const BsyncCase kBsyncCases[] = {
    // 42 53 59 4e 43 00 = "BSYNC\0"
    {"bsync", Bytes().str("BSYNC").u8(0).str("d1:m4:ping"), true},
    {"bsync_exact", Bytes().str("BSYNC").u8(0), true},
    {"no_nul", Bytes().str("BSYNC1"), false},
    {"short", Bytes().str("BSYNC"), false},
    {"bittorrent_handshake", handshake(), false},
};

class PeerBsync : public ::testing::TestWithParam<BsyncCase> {};

TEST_P(PeerBsync, Detect) {
  EXPECT_EQ(is_bsync(GetParam().seg), GetParam().ok);
}

INSTANTIATE_TEST_SUITE_P(Cases, PeerBsync, ::testing::ValuesIn(kBsyncCases),
                         [](const auto& row) { return row.param.name; });

}  // namespace
}  // namespace btsensor::proto
