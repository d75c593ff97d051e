// TLS ClientHello walk: a hand-built hello (decoded byte by byte below; tshark 4.0 dissects it
// as a valid ClientHello with SNI "tracker.example" and ALPN "http/1.1"), variants of it as
// table rows, every truncation length, and a real Chrome hello from the corpus.
#include "engine/proto/tls.hpp"

#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

namespace btsensor::proto {
namespace {

// The byte arrays below are laid out by hand, one protocol field per line, so that the comments
// can decode them; clang-format would reflow them into an unreadable grid.
// clang-format off

// 93 bytes. Offsets in the comments are used by the patch rows below.
const std::vector<uint8_t> kHello = {
    0x16, 0x03, 0x01, 0x00, 0x58,  // @0 record: handshake(22), TLS 1.0 record version, length 88
    0x01, 0x00, 0x00, 0x54,        // @5 handshake: ClientHello(1), length 84
    0x03, 0x03,                    // @9 legacy_version TLS 1.2
    0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f,
    0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18, 0x19, 0x1a, 0x1b, 0x1c, 0x1d, 0x1e, 0x1f,
    // ^ @11 random (32)
    0x00,                                // @43 session_id length 0
    0x00, 0x04, 0x13, 0x01, 0x13, 0x02,  // @44 cipher_suites length 4: AES128-GCM, AES256-GCM
    0x01, 0x00,                          // @50 compression_methods length 1: null
    0x00, 0x27,                          // @52 extensions length 39
    0x00, 0x00, 0x00, 0x14,              // @54 server_name, length 20
    0x00, 0x12,                          // @58 server_name_list length 18
    0x00, 0x00, 0x0f,                    // @60 name_type host_name, length 15
    't', 'r', 'a', 'c', 'k', 'e', 'r', '.', 'e', 'x', 'a', 'm', 'p', 'l', 'e',  // @63
    0x00, 0x10, 0x00, 0x0b,              // @78 ALPN, length 11
    0x00, 0x09,                          // @82 protocol_name_list length 9
    0x08, 'h', 't', 't', 'p', '/', '1', '.', '1',  // @84 "http/1.1"; ends @93
};
constexpr size_t kSniEnd = 78;  // the server_name extension is complete from here on

// The same hello without the server_name extension (69 bytes).
const std::vector<uint8_t> kHelloNoSni = {
    0x16, 0x03, 0x03, 0x00, 0x40,  // record: handshake, TLS 1.2 record version, length 64
    0x01, 0x00, 0x00, 0x3c,        // ClientHello, length 60
    0x03, 0x03,                    // legacy_version TLS 1.2
    0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f,
    0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18, 0x19, 0x1a, 0x1b, 0x1c, 0x1d, 0x1e, 0x1f,
    0x00,                                // session_id length 0
    0x00, 0x04, 0x13, 0x01, 0x13, 0x02,  // cipher_suites
    0x01, 0x00,                          // compression: null
    0x00, 0x0f,                          // extensions length 15
    0x00, 0x10, 0x00, 0x0b, 0x00, 0x09,  // ALPN, length 11, list length 9
    0x08, 'h', 't', 't', 'p', '/', '1', '.', '1',
};

// A TLS 1.0-style hello without any extensions (84 bytes), 32-byte session id.
const std::vector<uint8_t> kHelloNoExt = {
    0x16, 0x03, 0x01, 0x00, 0x4f,  // record: handshake, TLS 1.0, length 79
    0x01, 0x00, 0x00, 0x4b,        // ClientHello, length 75
    0x03, 0x01,                    // legacy_version TLS 1.0
    0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f,
    0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18, 0x19, 0x1a, 0x1b, 0x1c, 0x1d, 0x1e, 0x1f,
    0x20,                          // session_id length 32
    0xa0, 0xa1, 0xa2, 0xa3, 0xa4, 0xa5, 0xa6, 0xa7, 0xa8, 0xa9, 0xaa, 0xab, 0xac, 0xad, 0xae, 0xaf,
    0xb0, 0xb1, 0xb2, 0xb3, 0xb4, 0xb5, 0xb6, 0xb7, 0xb8, 0xb9, 0xba, 0xbb, 0xbc, 0xbd, 0xbe, 0xbf,
    0x00, 0x04, 0x00, 0x2f, 0x00, 0x35,  // cipher_suites: RSA-AES128-SHA, RSA-AES256-SHA
    0x01, 0x00,                          // compression: null; no extensions block
};

// clang-format on

// Chrome's first ClientHello from /work/shared/corpus/ndpi-neg/chrome.pcap (frame 4, 517 bytes):
//   tshark -r chrome.pcap -Y tls.handshake.type==1 -T fields -e tcp.payload | head -1
// SNI www.iit.cnr.it, ALPN h2,http/1.1, 16 cipher suites, 32-byte session id, 18 extensions
// (GREASE, server_name, ..., padding). Extensions start @114; GREASE 0x4a4a is 4 bytes and
// server_name (4 + 19) ends @141.
constexpr std::string_view kChromeHex =
    "1603010200010001fc0303d77aa0f252cff8ff81a9c82edc42621f8c80d83b0322361c96ae2f2bda7849ce207094df"
    "de"
    "2fae965e90337a4b4c5c840b86caabaca5ab87a6e290440145ae762900209a9a130313011302cca9cca8c02bc02fc0"
    "2c"
    "c030c013c014009c009d002f0035010001934a4a000000000013001100000e7777772e6969742e636e722e69740017"
    "00"
    "00ff01000100000a000a00086a6a001d00170018000b00020100002300000010000e000c02683208687474702f312e"
    "31"
    "000500050100000000000d0012001004030804040105030805050108060601001200000033002b00296a6a00010000"
    "1d"
    "00203af18d95cb86205f04c0a3e2b8c68b9026c6a90ef630fe20a68d31ea2525b648002d00020101002b000b0a6a6a"
    "03"
    "04030303020301001b00030200024469000500030268326a6a000100001500c5000000000000000000000000000000"
    "00"
    "0000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
    "00"
    "0000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
    "00"
    "0000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
    "00"
    "00000000000000000000000000000000000000000000000000000000000000000000000000";
constexpr size_t kChromeSniEnd = 141;

std::vector<uint8_t> from_hex(std::string_view h) {
  std::vector<uint8_t> out;
  auto nib = [](char c) { return c <= '9' ? c - '0' : c - 'a' + 10; };
  for (size_t i = 0; i + 1 < h.size(); i += 2)
    out.push_back(uint8_t(nib(h[i]) << 4 | nib(h[i + 1])));
  return out;
}

// Copy of the first n bytes, heap-allocated at exactly that size so AddressSanitizer catches
// any read past the segment end.
std::vector<uint8_t> prefix(const std::vector<uint8_t>& v, size_t n) {
  return {v.begin(), v.begin() + std::ptrdiff_t(n)};
}

TEST(ProtoTls, HandBuiltWithSni) {
  TlsClientHello h;
  ASSERT_EQ(parse_client_hello(kHello, h), TlsStatus::kOk);
  EXPECT_FALSE(h.truncated);
  EXPECT_EQ(h.record_version, 0x0301);
  EXPECT_EQ(h.record_length, 88);
  EXPECT_EQ(h.handshake_length, 84u);
  EXPECT_EQ(h.client_version, 0x0303);
  EXPECT_EQ(h.session_id.size(), 0u);
  EXPECT_EQ(h.cipher_suite_count, 2);
  EXPECT_EQ(h.extension_count, 2);
  EXPECT_TRUE(h.has_sni);
  EXPECT_EQ(h.sni, "tracker.example");
  EXPECT_EQ(h.sni.data(), reinterpret_cast<const char*>(kHello.data()) + 63);  // into the packet
  EXPECT_TRUE(h.has_alpn);
  EXPECT_EQ(h.alpn_first, "http/1.1");
}

TEST(ProtoTls, HandBuiltWithoutSni) {
  TlsClientHello h;
  ASSERT_EQ(parse_client_hello(kHelloNoSni, h), TlsStatus::kOk);
  EXPECT_FALSE(h.has_sni);
  EXPECT_TRUE(h.sni.empty());
  EXPECT_EQ(h.alpn_first, "http/1.1");
  EXPECT_EQ(h.extension_count, 1);
}

TEST(ProtoTls, WithoutExtensions) {
  TlsClientHello h;
  ASSERT_EQ(parse_client_hello(kHelloNoExt, h), TlsStatus::kOk);
  EXPECT_EQ(h.client_version, 0x0301);
  EXPECT_EQ(h.session_id.size(), 32u);
  EXPECT_EQ(h.session_id[0], 0xa0);
  EXPECT_EQ(h.cipher_suite_count, 2);
  EXPECT_EQ(h.extension_count, 0);
  EXPECT_FALSE(h.has_sni);
  EXPECT_FALSE(h.has_alpn);
}

TEST(ProtoTls, RealChromeHello) {
  const std::vector<uint8_t> seg = from_hex(kChromeHex);
  ASSERT_EQ(seg.size(), 517u);
  TlsClientHello h;
  ASSERT_EQ(parse_client_hello(seg, h), TlsStatus::kOk);
  EXPECT_EQ(h.sni, "www.iit.cnr.it");
  EXPECT_EQ(h.alpn_first, "h2");
  EXPECT_EQ(h.cipher_suite_count, 16);
  EXPECT_EQ(h.session_id.size(), 32u);
  EXPECT_EQ(h.extension_count, 18);
  EXPECT_FALSE(h.extensions_capped);
}

// A hello split over TCP segments: only the first is seen. SNI is reported once the
// server_name extension is complete.
TEST(ProtoTls, RealChromeHelloCut) {
  const std::vector<uint8_t> seg = from_hex(kChromeHex);
  for (size_t n : {kChromeSniEnd - 1, kChromeSniEnd, size_t(300), size_t(516)}) {
    SCOPED_TRACE(n);
    const std::vector<uint8_t> p = prefix(seg, n);
    TlsClientHello h;
    EXPECT_EQ(parse_client_hello(p, h), TlsStatus::kTruncated);
    EXPECT_TRUE(h.truncated);
    EXPECT_EQ(h.has_sni, n >= kChromeSniEnd);
    if (n >= kChromeSniEnd) {
      EXPECT_EQ(h.sni, "www.iit.cnr.it");
    }
  }
}

// Every prefix of the hand-built hello is a truncated hello (never malformed or "not a
// hello"), with SNI exactly when its extension is complete; the empty segment is nothing.
TEST(ProtoTls, EveryTruncationLength) {
  for (size_t n = 0; n < kHello.size(); ++n) {
    SCOPED_TRACE(n);
    const std::vector<uint8_t> p = prefix(kHello, n);
    TlsClientHello h;
    const TlsStatus st = parse_client_hello(p, h);
    EXPECT_EQ(st, n == 0 ? TlsStatus::kNotClientHello : TlsStatus::kTruncated);
    EXPECT_EQ(h.has_sni, n >= kSniEnd);
    EXPECT_FALSE(h.has_alpn);
  }
}

struct PatchCase {
  const char* name;
  size_t offset;               // where to overwrite kHello
  std::vector<uint8_t> bytes;  // the new bytes
  TlsStatus status;
  bool has_sni;
};

const PatchCase kPatchCases[] = {
    {"unchanged", 0, {0x16}, TlsStatus::kOk, true},
    {"application data record", 0, {0x17}, TlsStatus::kNotClientHello, false},
    {"record major version 2", 1, {0x02}, TlsStatus::kNotClientHello, false},
    {"SSL 3.0 record version", 2, {0x00}, TlsStatus::kNotClientHello, false},
    {"record version 0x0305", 2, {0x05}, TlsStatus::kNotClientHello, false},
    {"TLS 1.3 record version", 2, {0x04}, TlsStatus::kOk, true},
    {"ServerHello", 5, {0x02}, TlsStatus::kNotClientHello, false},
    {"legacy_version 2.0", 9, {0x02}, TlsStatus::kNotClientHello, false},
    {"record longer than 2^14", 3, {0x40, 0x01}, TlsStatus::kMalformed, false},
    {"record shorter than a handshake header", 3, {0x00, 0x03}, TlsStatus::kMalformed, false},
    // Record says 73 bytes: the hello continues in a next record. SNI (ends @78 = 5 + 73) is
    // inside the first record, ALPN is not.
    {"hello fragmented over records", 3, {0x00, 0x49}, TlsStatus::kTruncated, true},
    {"handshake length too small for the extensions",
     6,
     {0x00, 0x00, 0x30},
     TlsStatus::kMalformed,
     false},
    {"handshake length ends inside the random",
     6,
     {0x00, 0x00, 0x10},
     TlsStatus::kMalformed,
     false},
    {"session id 33 bytes", 43, {0x21}, TlsStatus::kMalformed, false},
    {"odd cipher suites length", 44, {0x00, 0x03}, TlsStatus::kMalformed, false},
    {"no cipher suites", 44, {0x00, 0x00}, TlsStatus::kMalformed, false},
    {"no compression methods", 50, {0x00}, TlsStatus::kMalformed, false},
    {"extensions length beyond the hello", 52, {0x00, 0x28}, TlsStatus::kMalformed, false},
    {"extensions length cuts ALPN", 52, {0x00, 0x26}, TlsStatus::kMalformed, false},
    {"server_name ext length disagrees with its list",
     56,
     {0x00, 0x13},
     TlsStatus::kMalformed,
     false},
    {"server_name list length too short", 58, {0x00, 0x11}, TlsStatus::kMalformed, false},
    {"host name longer than the list", 61, {0x00, 0x10}, TlsStatus::kMalformed, false},
    {"empty host name", 61, {0x00, 0x00}, TlsStatus::kMalformed, false},
    {"name type 1 is not host_name", 60, {0x01}, TlsStatus::kOk, false},
    {"server_name turned into padding", 54, {0x00, 0x15}, TlsStatus::kOk, false},
    {"empty ALPN protocol", 84, {0x00}, TlsStatus::kMalformed, false},
};

TEST(ProtoTls, PatchTable) {
  for (const PatchCase& c : kPatchCases) {
    SCOPED_TRACE(c.name);
    std::vector<uint8_t> seg = kHello;
    for (size_t i = 0; i < c.bytes.size(); ++i) seg.at(c.offset + i) = c.bytes[i];
    TlsClientHello h;
    EXPECT_EQ(parse_client_hello(seg, h), c.status);
    EXPECT_EQ(h.has_sni, c.has_sni);
    if (c.has_sni) {
      EXPECT_EQ(h.sni, "tracker.example");
    }
  }
}

TEST(ProtoTls, NotTls) {
  const std::string_view cases[] = {
      "GET / HTTP/1.1\r\n\r\n",
      "\x13"
      "BitTorrent protocol",
      "SSH-2.0-OpenSSH_9.2\r\n",
  };
  for (std::string_view c : cases) {
    const std::vector<uint8_t> seg(c.begin(), c.end());
    TlsClientHello h;
    EXPECT_EQ(parse_client_hello(seg, h), TlsStatus::kNotClientHello);
  }
}

TEST(ProtoTls, TrailingRecordAfterHello) {
  // A second record after the hello (e.g. early data) does not disturb the hello.
  std::vector<uint8_t> seg = kHello;
  for (uint8_t b : {0x17, 0x03, 0x03, 0x00, 0x01, 0xaa}) seg.push_back(b);
  TlsClientHello h;
  EXPECT_EQ(parse_client_hello(seg, h), TlsStatus::kOk);
  EXPECT_EQ(h.sni, "tracker.example");
}

TEST(ProtoTls, SessionIdOver32) {
  // kHelloNoExt with a 33-byte session id and all lengths grown to match: every length is
  // consistent, but RFC 8446 caps legacy_session_id at 32 bytes.
  std::vector<uint8_t> seg = kHelloNoExt;
  seg[43] = 33;
  seg.insert(seg.begin() + 44, 0xc0);
  seg[4] += 1;  // record length
  seg[8] += 1;  // handshake length
  TlsClientHello h;
  EXPECT_EQ(parse_client_hello(seg, h), TlsStatus::kMalformed);
}

TEST(ProtoTls, ExtensionCap) {
  // kHelloNoExt with 70 empty padding extensions (type 0x0015, length 0) appended; lengths
  // patched: extensions block 280, handshake 75 + 2 + 280, record + 4.
  std::vector<uint8_t> seg = kHelloNoExt;
  const size_t n_ext = 70;
  const size_t ext_len = 4 * n_ext;
  seg.push_back(uint8_t(ext_len >> 8));
  seg.push_back(uint8_t(ext_len));
  for (size_t i = 0; i < n_ext; ++i) {
    for (uint8_t b : {0x00, 0x15, 0x00, 0x00}) seg.push_back(b);
  }
  const size_t hs_len = 75 + 2 + ext_len;
  seg[3] = uint8_t((hs_len + 4) >> 8);
  seg[4] = uint8_t(hs_len + 4);
  seg[6] = 0;
  seg[7] = uint8_t(hs_len >> 8);
  seg[8] = uint8_t(hs_len);
  TlsClientHello h;
  EXPECT_EQ(parse_client_hello(seg, h), TlsStatus::kOk);
  EXPECT_TRUE(h.extensions_capped);
  EXPECT_EQ(h.extension_count, kTlsMaxExtensions);
}

}  // namespace
}  // namespace btsensor::proto
