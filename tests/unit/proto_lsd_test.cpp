// Table-driven tests for BEP 14 Local Service Discovery parsing (src/engine/proto/lsd.*).
#include "engine/proto/lsd.hpp"

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

// 40 hex chars = 20-byte info hash 01 23 45 67 89 ab cd ef 01 23 45 67 89 ab cd ef 01 23 45 67.
const std::string kHash = "0123456789abcdef0123456789abcdef01234567";
const std::string kHash2 = "FFEEDDCCBBAA99887766554433221100FFEEDDCC";  // upper case is fine

// libtorrent's announce layout (BEP 14), IPv4 group.
const std::string kV4 =
    "BT-SEARCH * HTTP/1.1\r\n"
    "Host: 239.192.152.143:6771\r\n"
    "Port: 51413\r\n"
    "Infohash: " +
    kHash +
    "\r\n"
    "cookie: 1a2b3c\r\n"
    "\r\n\r\n";

struct LsdCase {
  std::string name;
  std::string msg;
  bool ok;
  bool ipv6 = false;
  uint16_t port = 0;
  uint8_t hashes = 0;
  std::string cookie = {};
};
void PrintTo(const LsdCase& c, std::ostream* os) {
  *os << c.name;
}

const LsdCase kCases[] = {
    {"ipv4_libtorrent", kV4, true, false, 51413, 1, "1a2b3c"},
    {"ipv6_group",
     "BT-SEARCH * HTTP/1.1\r\nHost: [ff15::efc0:988f]:6771\r\nPort: 6881\r\nInfohash: " + kHash +
         "\r\n\r\n",
     true, true, 6881, 1},
    {"two_infohashes_no_cookie",
     "BT-SEARCH * HTTP/1.1\r\nHost: 239.192.152.143:6771\r\nPort: 6881\r\nInfohash: " + kHash +
         "\r\nInfohash: " + kHash2 + "\r\n\r\n",
     true, false, 6881, 2},
    {"lowercase_header_names_and_tabs",
     "BT-SEARCH * HTTP/1.1\r\nhost:\t239.192.152.143:6771\r\nPORT:6881 \r\ninfohash: " + kHash +
         "\r\n\r\n",
     true, false, 6881, 1},
    {"bare_lf_line_endings",
     "BT-SEARCH * HTTP/1.1\nHost: 239.192.152.143:6771\nPort: 6881\nInfohash: " + kHash + "\n\n",
     true, false, 6881, 1},
    {"no_terminating_blank_line",
     "BT-SEARCH * HTTP/1.1\r\nHost: 239.192.152.143:6771\r\nPort: 6881\r\nInfohash: " + kHash, true,
     false, 6881, 1},
    {"unknown_header_ignored",
     "BT-SEARCH * HTTP/1.1\r\nHost: 239.192.152.143:6771\r\nX-Foo: bar\r\nPort: 1\r\nInfohash: " +
         kHash + "\r\n\r\n",
     true, false, 1, 1},
    // Anything after the blank line is not looked at.
    {"body_after_blank_line_ignored",
     "BT-SEARCH * HTTP/1.1\r\nHost: 239.192.152.143:6771\r\nPort: 6881\r\nInfohash: " + kHash +
         "\r\n\r\nnot a header",
     true, false, 6881, 1},
    // ---- rejected ----
    {"wrong_host",
     "BT-SEARCH * HTTP/1.1\r\nHost: 239.192.152.144:6771\r\nPort: 6881\r\nInfohash: " + kHash +
         "\r\n\r\n",
     false},
    {"host_wrong_port",
     "BT-SEARCH * HTTP/1.1\r\nHost: 239.192.152.143:6772\r\nPort: 6881\r\nInfohash: " + kHash +
         "\r\n\r\n",
     false},
    {"duplicate_host",
     "BT-SEARCH * HTTP/1.1\r\nHost: 239.192.152.143:6771\r\nHost: 239.192.152.143:6771\r\nPort: "
     "6881\r\nInfohash: " +
         kHash + "\r\n\r\n",
     false},
    {"missing_host", "BT-SEARCH * HTTP/1.1\r\nPort: 6881\r\nInfohash: " + kHash + "\r\n\r\n",
     false},
    {"missing_port",
     "BT-SEARCH * HTTP/1.1\r\nHost: 239.192.152.143:6771\r\nInfohash: " + kHash + "\r\n\r\n",
     false},
    {"port_zero",
     "BT-SEARCH * HTTP/1.1\r\nHost: 239.192.152.143:6771\r\nPort: 0\r\nInfohash: " + kHash +
         "\r\n\r\n",
     false},
    {"port_65536",
     "BT-SEARCH * HTTP/1.1\r\nHost: 239.192.152.143:6771\r\nPort: 65536\r\nInfohash: " + kHash +
         "\r\n\r\n",
     false},
    {"port_not_number",
     "BT-SEARCH * HTTP/1.1\r\nHost: 239.192.152.143:6771\r\nPort: 68a1\r\nInfohash: " + kHash +
         "\r\n\r\n",
     false},
    {"missing_infohash", "BT-SEARCH * HTTP/1.1\r\nHost: 239.192.152.143:6771\r\nPort: 6881\r\n\r\n",
     false},
    {"infohash_39_chars",
     "BT-SEARCH * HTTP/1.1\r\nHost: 239.192.152.143:6771\r\nPort: 6881\r\nInfohash: " +
         kHash.substr(1) + "\r\n\r\n",
     false},
    {"infohash_not_hex",
     "BT-SEARCH * HTTP/1.1\r\nHost: 239.192.152.143:6771\r\nPort: 6881\r\nInfohash: " +
         std::string(40, 'g') + "\r\n\r\n",
     false},
    {"header_without_colon",
     "BT-SEARCH * HTTP/1.1\r\nHost: 239.192.152.143:6771\r\nPort 6881\r\nInfohash: " + kHash +
         "\r\n\r\n",
     false},
    {"wrong_request_line_ssdp",
     "M-SEARCH * HTTP/1.1\r\nHost: 239.255.255.250:1900\r\nMAN: \"ssdp:discover\"\r\n\r\n", false},
    {"http_1_0",
     "BT-SEARCH * HTTP/1.0\r\nHost: 239.192.152.143:6771\r\nPort: 6881\r\nInfohash: " + kHash +
         "\r\n\r\n",
     false},
    {"request_line_cut", "BT-SEARCH * HTTP/1", false},
    {"cut_inside_infohash", kV4.substr(0, kV4.find("Infohash") + 20), false},
    {"too_many_header_lines",
     [] {
       std::string s = "BT-SEARCH * HTTP/1.1\r\nHost: 239.192.152.143:6771\r\nPort: 6881\r\n";
       for (int i = 0; i < 40; ++i) s += "X: y\r\n";
       return s + "Infohash: " + kHash + "\r\n\r\n";
     }(),
     false},
    {"empty", "", false},
};

class LsdParse : public ::testing::TestWithParam<LsdCase> {};

TEST_P(LsdParse, Parse) {
  const LsdCase& c = GetParam();
  LsdAnnounce a;
  ASSERT_EQ(parse_lsd(as_bytes(c.msg), a), c.ok);
  if (!c.ok) {
    EXPECT_EQ(a.infohash_count, 0);  // reset on failure
    return;
  }
  EXPECT_EQ(a.ipv6_host, c.ipv6);
  EXPECT_EQ(a.port, c.port);
  EXPECT_EQ(a.infohash_count, c.hashes);
  EXPECT_EQ(std::string(a.cookie), c.cookie);
}

INSTANTIATE_TEST_SUITE_P(Cases, LsdParse, ::testing::ValuesIn(kCases),
                         [](const auto& row) { return row.param.name; });

TEST(LsdParseDetail, InfohashesDecodedAndCapped) {
  std::string msg = "BT-SEARCH * HTTP/1.1\r\nHost: 239.192.152.143:6771\r\nPort: 6881\r\n";
  msg += "Infohash: " + kHash2 + "\r\n";
  for (int i = 0; i < 5; ++i) msg += "Infohash: " + kHash + "\r\n";  // 6 in total, cap is 4
  msg += "\r\n";
  LsdAnnounce a;
  ASSERT_TRUE(parse_lsd(as_bytes(msg), a));
  EXPECT_EQ(a.infohash_count, 6);
  EXPECT_EQ(a.infohashes[0][0], 0xff);
  EXPECT_EQ(a.infohashes[0][19], 0xcc);
  EXPECT_EQ(a.infohashes[1][0], 0x01);
  EXPECT_EQ(a.infohashes[1][1], 0x23);
  EXPECT_EQ(a.infohashes[1][19], 0x67);
}

// Every cut before the Infohash line is complete must be rejected; exact-size copies make
// any overread visible to ASan.
TEST(LsdParseDetail, EveryTruncationBeforeInfohashRejected) {
  const size_t hash_end = kV4.find(kHash) + kHash.size();
  for (size_t len = 0; len < hash_end; ++len) {
    const std::string cut = kV4.substr(0, len);
    LsdAnnounce a;
    EXPECT_FALSE(parse_lsd(as_bytes(cut), a)) << "length " << len;
  }
}

}  // namespace
}  // namespace btsensor::proto
