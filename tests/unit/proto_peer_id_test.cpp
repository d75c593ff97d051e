// Table-driven tests for peer_id / User-Agent client identification
// (src/engine/proto/peer_id.*).
#include "engine/proto/peer_id.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <ostream>
#include <string>
#include <string_view>

namespace btsensor::proto {
namespace {

std::span<const uint8_t> as_bytes(std::string_view s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

// A 20-byte peer_id: the client prefix padded with random-looking bytes.
std::string pid(std::string_view prefix) {
  std::string s(prefix);
  const char fill[] =
      "\x8f\x12Zq\x01\xee"
      "abcdefghijklmnopqrst";
  for (size_t i = 0; s.size() < 20; ++i) s += fill[i];
  return s;
}

struct PeerIdCase {
  std::string name;
  std::string id;
  PeerIdStyle style;
  std::string display;  // expected "name version" ("" = unknown client)
  std::string code = {};
};
void PrintTo(const PeerIdCase& c, std::ostream* os) {
  *os << c.name;
}

const PeerIdCase kCases[] = {
    // ---- Azureus style "-XXvvvv-" ----
    {"qbittorrent", pid("-qB4500-"), PeerIdStyle::azureus, "qBittorrent 4.5.0.0", "qB"},
    {"qbittorrent_letter_digit", pid("-qB461A-"), PeerIdStyle::azureus, "qBittorrent 4.6.1.10"},
    {"utorrent", pid("-UT355B-"), PeerIdStyle::azureus, "\xc2\xb5Torrent 3.5.5", "UT"},
    {"utorrent_mac", pid("-UM1870-"), PeerIdStyle::azureus, "\xc2\xb5Torrent Mac 1.8.7"},
    {"bittorrent", pid("-BT7a5S-"), PeerIdStyle::azureus, "BitTorrent 7.36.5"},
    {"transmission_2_94", pid("-TR2940-"), PeerIdStyle::azureus, "Transmission 2.94"},
    {"transmission_3_00_dev", pid("-TR300Z-"), PeerIdStyle::azureus, "Transmission 3.00+"},
    {"transmission_4_0_5", pid("-TR4050-"), PeerIdStyle::azureus, "Transmission 4.0.5"},
    {"deluge", pid("-DE13F0-"), PeerIdStyle::azureus, "Deluge 1.3.15.0"},
    {"libtorrent_rasterbar", pid("-LT1290-"), PeerIdStyle::azureus,
     "libtorrent (rasterbar) 1.2.9.0"},
    {"libtorrent_rakshasa", pid("-lt0D80-"), PeerIdStyle::azureus, "libTorrent (rakshasa) 0.13.8.0",
     "lt"},
    {"azureus", pid("-AZ5770-"), PeerIdStyle::azureus, "Azureus/Vuze 5.7.7.0"},
    {"bitcomet", pid("-BC0200-"), PeerIdStyle::azureus, "BitComet 0.2.0.0"},
    {"ktorrent", pid("-KT5100-"), PeerIdStyle::azureus, "KTorrent 5.1.0.0"},
    {"xunlei", pid("-XL0012-"), PeerIdStyle::azureus, "Xunlei 0.0.1.2"},
    {"thunder", pid("-SD0100-"), PeerIdStyle::azureus, "Thunder 0.1.0.0"},
    {"fdm", pid("-FD6100-"), PeerIdStyle::azureus, "Free Download Manager 6.1.0.0"},
    {"biglybt", pid("-BI3500-"), PeerIdStyle::azureus, "BiglyBT 3.5.0.0"},
    {"webtorrent", pid("-WW0105-"), PeerIdStyle::azureus, "WebTorrent 0.1.0.5"},
    {"ares", pid("-AG2000-"), PeerIdStyle::azureus, "Ares 2.0.0.0"},
    {"ares_tilde", pid("-A~0100-"), PeerIdStyle::azureus, "Ares 0.1.0.0", "A~"},
    {"tixati_az", pid("-TX1000-"), PeerIdStyle::azureus, "Tixati 1.0.0.0"},
    {"frostwire", pid("-FW6800-"), PeerIdStyle::azureus, "FrostWire 6.8.0.0"},
    {"limewire", pid("-LW0001-"), PeerIdStyle::azureus, "LimeWire 0.0.0.1"},
    {"picotorrent", pid("-PI0300-"), PeerIdStyle::azureus, "PicoTorrent 0.3.0.0"},
    {"bitwombat", pid("-BW0100-"), PeerIdStyle::azureus, "BitWombat 0.1.0.0"},
    // Known code, undecodable version chars: name only.
    {"known_code_bad_version", pid("-qB4.5.-"), PeerIdStyle::azureus, "qBittorrent"},
    // Azureus-shaped but unknown code: style + code, no name.
    {"unknown_code", pid("-ZZ1234-"), PeerIdStyle::azureus, "", "ZZ"},
    // ---- Mainline / Shadow / other prefixes ----
    {"mainline_7_4_3", pid("M7-4-3--"), PeerIdStyle::mainline, "Mainline 7.4.3", "M"},
    {"mainline_4_20_8", pid("M4-20-8-"), PeerIdStyle::mainline, "Mainline 4.20.8"},
    {"mainline_missing_dash", pid("M7-4-3x-"), PeerIdStyle::unknown, ""},
    {"bittornado_shadow", pid("T03I-----"), PeerIdStyle::shadow, "BitTornado 0.3.18", "T"},
    {"shadow_5_chars", pid("S58B1----"), PeerIdStyle::shadow, "Shadow 5.8.11.1"},
    {"shadow_needs_triple_dash", pid("T03I--x--"), PeerIdStyle::unknown, ""},
    {"bitcomet_exbc", pid("exbc\x01L"), PeerIdStyle::other, "BitComet", "exbc"},
    {"opera", pid("OP7685"), PeerIdStyle::other, "Opera", "OP"},
    {"xbt", pid("XBT054d-"), PeerIdStyle::other, "XBT Client", "XBT"},
    // "TIX0193-" starts with the Shadow letter T but is Tixati's fixed prefix.
    {"tixati_prefix", pid("TIX0193-"), PeerIdStyle::other, "Tixati", "TIX"},
    // ---- unknown / malformed ----
    {"random",
     std::string("\x8f\x12Zq\x01\xee\x90\x00\x11\x22\x33\x44\x55\x66\x77\x88\x99\xaa\xbb\xcc", 20),
     PeerIdStyle::unknown, ""},
    {"all_zero", std::string(20, '\0'), PeerIdStyle::unknown, ""},
    {"dash_missing_at_7", pid("-qB45000"), PeerIdStyle::unknown, ""},
    {"short_input", "-qB45", PeerIdStyle::unknown, ""},
    {"empty", "", PeerIdStyle::unknown, ""},
};

class PeerIdTest : public ::testing::TestWithParam<PeerIdCase> {};

TEST_P(PeerIdTest, Identify) {
  const PeerIdCase& c = GetParam();
  PeerIdClient out;
  EXPECT_EQ(identify_peer_id(as_bytes(c.id), out), !c.display.empty());
  EXPECT_EQ(out.style, c.style);
  EXPECT_EQ(std::string(out.display), c.display);
  if (!c.code.empty()) {
    EXPECT_EQ(std::string(out.code), c.code);
  }
}

INSTANTIATE_TEST_SUITE_P(Cases, PeerIdTest, ::testing::ValuesIn(kCases),
                         [](const auto& row) { return row.param.name; });

TEST(PeerIdDetail, OnlyFirst20BytesAndBuffersTerminated) {
  // A 68-byte handshake tail is longer than 20 bytes: only the peer_id part is used.
  const std::string longer = pid("-TR2940-") + "EXTRA BYTES BEYOND THE PEER ID";
  PeerIdClient out;
  ASSERT_TRUE(identify_peer_id(as_bytes(longer), out));
  EXPECT_EQ(out.name, "Transmission");
  EXPECT_STREQ(out.version, "2.94");
  EXPECT_LT(std::string_view(out.display).size(), sizeof(out.display));
}

// Every truncation of a valid Azureus id: below 8 bytes nothing is recognised; exact-size
// copies make overreads visible to ASan.
TEST(PeerIdDetail, EveryTruncationLength) {
  const std::string full = pid("-qB4500-");
  for (size_t len = 0; len <= full.size(); ++len) {
    const std::string cut = full.substr(0, len);
    PeerIdClient out;
    EXPECT_EQ(identify_peer_id(as_bytes(cut), out), len >= 8) << "length " << len;
  }
}

struct UaCase {
  std::string name;
  std::string ua;
  std::string client;
};
void PrintTo(const UaCase& c, std::ostream* os) {
  *os << c.name;
}

const UaCase kUaCases[] = {
    {"utorrent", "uTorrent/3550(45722)", "\xc2\xb5Torrent"},
    {"utorrent_mac", "uTorrentMac/1870(43796)", "\xc2\xb5Torrent Mac"},
    {"btwebclient", "BTWebClient/3550(45722)", "\xc2\xb5Torrent"},
    {"bittorrent", "BitTorrent/7105(43796)", "BitTorrent"},
    {"bittorrent_lowercase_t_et_rule", "Bittorrent", "BitTorrent"},
    {"transmission", "Transmission/3.00", "Transmission"},
    {"deluge", "Deluge 1.3.15", "Deluge"},
    {"deluge_slash", "Deluge/2.1.1 libtorrent/2.0.9.0", "Deluge"},
    {"rtorrent", "rtorrent/0.9.8/0.13.8", "rTorrent"},
    {"libtorrent", "libtorrent/1.2.19.0", "libtorrent"},
    {"qbittorrent", "qBittorrent/4.5.0", "qBittorrent"},
    {"azureus", "Azureus 5.7.7.0;Windows 10;Java 1.8.0_144", "Azureus/Vuze"},
    {"vuze", "Vuze 5.7.7.0", "Azureus/Vuze"},
    {"biglybt", "BiglyBT 3.5.0.0", "BiglyBT"},
    {"bitcomet", "BitComet/1.99", "BitComet"},
    {"ktorrent", "KTorrent/5.1.0", "KTorrent"},
    {"bittornado", "BitTornado/T-0.3.18", "BitTornado"},
    {"enhanced_ctorrent", "Enhanced-CTorrent/dnh3.3.2", "Enhanced CTorrent"},
    {"case_insensitive", "TRANSMISSION/2.94", "Transmission"},
    // ---- not BitTorrent clients ----
    {"browser", "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36", ""},
    {"curl", "curl/8.5.0", ""},
    {"aria2_generic", "aria2/1.37.0", ""},
    {"fdm_generic", "FDM 3.x", ""},
    {"substring_not_prefix", "Mozilla/5.0 uTorrent", ""},
    {"too_short", "uTorr", ""},
    {"empty", "", ""},
};

class UserAgentTest : public ::testing::TestWithParam<UaCase> {};

TEST_P(UserAgentTest, Client) {
  EXPECT_EQ(std::string(client_from_user_agent(GetParam().ua)), GetParam().client);
}

INSTANTIATE_TEST_SUITE_P(Cases, UserAgentTest, ::testing::ValuesIn(kUaCases),
                         [](const auto& row) { return row.param.name; });

}  // namespace
}  // namespace btsensor::proto
