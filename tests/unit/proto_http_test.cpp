// HTTP head parsing and BitTorrent tracker / .torrent / magnet classification.
// Table-driven: one row per case; payloads are literal strings (all ASCII, so no decoding
// comments are needed except for the info_hash escapes, decoded next to each row).
#include "engine/proto/http.hpp"

#include <gtest/gtest.h>

#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

namespace btsensor::proto {
namespace {

std::span<const uint8_t> bytes(std::string_view s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

// A heap copy of exactly the segment's bytes, so that AddressSanitizer flags any read past the
// segment end (string literals and std::string have readable bytes after them).
std::vector<uint8_t> exact(std::string_view s) {
  return {s.begin(), s.end()};
}

std::string hex(std::span<const uint8_t> b) {
  std::string s;
  char buf[3];
  for (uint8_t c : b) {
    std::snprintf(buf, sizeof buf, "%02x", c);
    s += buf;
  }
  return s;
}

// ---------------------------------------------------------------------------------------------
// Requests

struct RequestCase {
  const char* name;
  std::string_view segment;
  HttpStatus status;
  HttpMethod method;
  std::string_view target;
  bool target_truncated;
  const char* host;  // nullptr: no Host reported
  const char* ua;    // nullptr: no User-Agent reported
};

constexpr auto kC = HttpStatus::kComplete;
constexpr auto kT = HttpStatus::kTruncated;
constexpr auto kI = HttpStatus::kInvalid;

const RequestCase kRequestCases[] = {
    {"simple", "GET /index.html HTTP/1.1\r\nHost: example.com\r\nUser-Agent: curl/8.0\r\n\r\n", kC,
     HttpMethod::kGet, "/index.html", false, "example.com", "curl/8.0"},
    {"header names are case-insensitive",
     "POST /x HTTP/1.0\r\nhOsT: a.example\r\nUSER-AGENT: Transmission/2.94\r\n\r\n", kC,
     HttpMethod::kPost, "/x", false, "a.example", "Transmission/2.94"},
    {"bare LF line ends", "HEAD / HTTP/1.1\nHost: lf.example\n\n", kC, HttpMethod::kHead, "/",
     false, "lf.example", nullptr},
    {"OWS trimmed", "GET / HTTP/1.1\r\nHost: \t spaced.example \t\r\n\r\n", kC, HttpMethod::kGet,
     "/", false, "spaced.example", nullptr},
    {"first Host wins", "GET / HTTP/1.1\r\nHost: one\r\nHost: two\r\n\r\n", kC, HttpMethod::kGet,
     "/", false, "one", nullptr},
    {"space before colon is not a header", "GET / HTTP/1.1\r\nHost : evil\r\n\r\n", kC,
     HttpMethod::kGet, "/", false, nullptr, nullptr},
    {"obs-fold and junk lines skipped",
     "GET / HTTP/1.1\r\nX-A: 1\r\n  folded\r\nno colon here\r\nHost: ok\r\n\r\n", kC,
     HttpMethod::kGet, "/", false, "ok", nullptr},
    {"empty Host value", "GET / HTTP/1.1\r\nHost:\r\n\r\n", kC, HttpMethod::kGet, "/", false, "",
     nullptr},
    {"port kept in Host", "GET / HTTP/1.1\r\nHost: t.example:6969\r\n\r\n", kC, HttpMethod::kGet,
     "/", false, "t.example:6969", nullptr},
    {"absolute-form target", "GET http://t.example/announce HTTP/1.1\r\n\r\n", kC, HttpMethod::kGet,
     "http://t.example/announce", false, nullptr, nullptr},
    {"LSD BT-SEARCH is a token method (BEP 14)",
     "BT-SEARCH * HTTP/1.1\r\nHost: 239.192.152.143:6771\r\nPort: 6881\r\n\r\n", kC,
     HttpMethod::kOther, "*", false, "239.192.152.143:6771", nullptr},
    {"raw UTF-8 in target tolerated", "GET /caf\xc3\xa9 HTTP/1.1\r\n\r\n", kC, HttpMethod::kGet,
     "/caf\xc3\xa9", false, nullptr, nullptr},
    // Truncation: what was complete is reported.
    {"cut inside a header value", "GET / HTTP/1.1\r\nHost: a\r\nUser-Agent: Trans", kT,
     HttpMethod::kGet, "/", false, "a", nullptr},
    {"cut before the blank line", "GET / HTTP/1.1\r\nHost: a\r\n", kT, HttpMethod::kGet, "/", false,
     "a", nullptr},
    {"cut between CR and LF of the blank line", "GET / HTTP/1.1\r\nHost: a\r\n\r", kT,
     HttpMethod::kGet, "/", false, "a", nullptr},
    {"cut inside the target", "GET /announce?info_hash=%12%3", kT, HttpMethod::kGet,
     "/announce?info_hash=%12%3", true, nullptr, nullptr},
    {"cut inside the version", "GET /a HTTP/1", kT, HttpMethod::kGet, "/a", false, nullptr,
     nullptr},
    // Rejections.
    {"empty", "", kI, HttpMethod::kOther, "", false, nullptr, nullptr},
    {"method only", "GET", kI, HttpMethod::kOther, "", false, nullptr, nullptr},
    {"no target", "GET ", kI, HttpMethod::kOther, "", false, nullptr, nullptr},
    {"non-token method", "G\"T / HTTP/1.1\r\n\r\n", kI, HttpMethod::kOther, "", false, nullptr,
     nullptr},
    {"peer-wire handshake",
     "\x13"
     "BitTorrent protocol",
     kI, HttpMethod::kOther, "", false, nullptr, nullptr},
    {"DHT query", "d1:ad2:id20:abcdefghij0123456789e1:q4:ping1:t2:aa1:y1:qe", kI,
     HttpMethod::kOther, "", false, nullptr, nullptr},
    {"unknown method cut off is too weak", "FOO /bar", kI, HttpMethod::kOther, "", false, nullptr,
     nullptr},
    {"HTTP/0.9", "GET /\r\n", kI, HttpMethod::kOther, "", false, nullptr, nullptr},
    {"HTTP/2 preface", "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", kI, HttpMethod::kOther, "", false,
     nullptr, nullptr},
    {"lower-case version", "GET / http/1.1\r\n\r\n", kI, HttpMethod::kOther, "", false, nullptr,
     nullptr},
    {"two spaces", "GET  / HTTP/1.1\r\n\r\n", kI, HttpMethod::kOther, "", false, nullptr, nullptr},
    {"control byte in target", "GET /a\x01z HTTP/1.1\r\n\r\n", kI, HttpMethod::kOther, "", false,
     nullptr, nullptr},
    {"trailing junk after version", "GET / HTTP/1.1 x\r\n\r\n", kI, HttpMethod::kOther, "", false,
     nullptr, nullptr},
    {"over-long method", "ABCDEFGHIJKLMNOPQRSTUVWXYZ / HTTP/1.1\r\n\r\n", kI, HttpMethod::kOther,
     "", false, nullptr, nullptr},
};

TEST(ProtoHttp, RequestTable) {
  for (const RequestCase& c : kRequestCases) {
    SCOPED_TRACE(c.name);
    const std::vector<uint8_t> seg = exact(c.segment);
    HttpRequest r;
    const HttpStatus st = parse_http_request(seg, r);
    EXPECT_EQ(st, c.status);
    if (st == HttpStatus::kInvalid) continue;
    EXPECT_EQ(r.method, c.method);
    EXPECT_EQ(r.target, c.target);
    EXPECT_EQ(r.target_truncated, c.target_truncated);
    EXPECT_EQ(r.has_host, c.host != nullptr);
    if (c.host) {
      EXPECT_EQ(r.host, c.host);
    }
    EXPECT_EQ(r.has_user_agent, c.ua != nullptr);
    if (c.ua) {
      EXPECT_EQ(r.user_agent, c.ua);
    }
  }
}

TEST(ProtoHttp, RequestFieldsAndHeadLength) {
  constexpr std::string_view kSeg = "GET / HTTP/1.0\r\nHost: h\r\n\r\nBODY";
  HttpRequest r;
  ASSERT_EQ(parse_http_request(bytes(kSeg), r), HttpStatus::kComplete);
  EXPECT_EQ(r.method_text, "GET");
  EXPECT_TRUE(r.version_seen);
  EXPECT_EQ(r.version_minor, 0);
  EXPECT_EQ(r.header_lines, 1);
  EXPECT_EQ(r.head_len, kSeg.size() - 4);
}

// Every prefix of a request: invalid until "GET /" is present, truncated until the whole head
// is, and Host only once its line (including the LF) is complete.
TEST(ProtoHttp, RequestEveryTruncationLength) {
  const std::string full =
      "GET /announce?x=1 HTTP/1.1\r\nHost: tracker.example\r\nUser-Agent: T\r\n\r\n";
  const size_t host_line_end = full.find("example\r\n") + 9;
  for (size_t n = 0; n <= full.size(); ++n) {
    SCOPED_TRACE(n);
    const std::vector<uint8_t> seg = exact(std::string_view(full).substr(0, n));
    HttpRequest r;
    const HttpStatus st = parse_http_request(seg, r);
    if (n < 5) {
      EXPECT_EQ(st, HttpStatus::kInvalid);
    } else if (n < full.size()) {
      EXPECT_EQ(st, HttpStatus::kTruncated);
      EXPECT_EQ(r.has_host, n >= host_line_end);
    } else {
      EXPECT_EQ(st, HttpStatus::kComplete);
      EXPECT_EQ(r.host, "tracker.example");
    }
  }
}

TEST(ProtoHttp, HeaderCap) {
  std::string head = "GET / HTTP/1.1\r\n";
  for (size_t i = 0; i < kHttpMaxHeaders; ++i) head += "X-Pad: 1\r\n";
  // Exactly the cap followed by the blank line still completes.
  HttpRequest r;
  EXPECT_EQ(parse_http_request(bytes(head + "\r\n"), r), HttpStatus::kComplete);
  EXPECT_FALSE(r.headers_capped);
  EXPECT_EQ(r.header_lines, kHttpMaxHeaders);
  // One header past the cap is not looked at.
  EXPECT_EQ(parse_http_request(bytes(head + "Host: late\r\n\r\n"), r), HttpStatus::kTruncated);
  EXPECT_TRUE(r.headers_capped);
  EXPECT_FALSE(r.has_host);
}

// ---------------------------------------------------------------------------------------------
// url_decode

struct DecodeCase {
  std::string_view in;
  bool ok;
  std::string_view out;  // expected bytes when ok
};

const DecodeCase kDecodeCases[] = {
    {"", true, ""},
    {"abc", true, "abc"},
    {"%41%62", true, "Ab"},
    {"%7e%7E", true, "~~"},  // both hex cases
    {"a+b", true, "a+b"},    // '+' is not a space here
    {"%2B", true, "+"},
    {"%00", true, std::string_view("\0", 1)},
    {"%", false, ""},
    {"%4", false, ""},
    {"x%4", false, ""},
    {"%zz", false, ""},
    {"%g1", false, ""},
    {"%1g", false, ""},
    {"123456789", false, ""},  // 9 bytes do not fit the 8-byte output below
    {"12345678", true, "12345678"},
};

TEST(ProtoHttp, UrlDecodeTable) {
  for (const DecodeCase& c : kDecodeCases) {
    SCOPED_TRACE(std::string(c.in));
    const std::vector<uint8_t> in = exact(c.in);
    uint8_t buf[8];
    size_t len = 0;
    const bool ok =
        url_decode(std::string_view(reinterpret_cast<const char*>(in.data()), in.size()), buf, len);
    EXPECT_EQ(ok, c.ok);
    if (ok) {
      EXPECT_EQ(std::string_view(reinterpret_cast<char*>(buf), len), c.out);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Tracker requests

// The 20-byte info_hash used below, 12 34 56 78 9a bc de f0 (x2) 12 34 56 78, written the way
// Transmission does: unreserved bytes literal (0x34 '4', 0x56 'V', 0x78 'x'), others %XX.
#define IH20 "%124Vx%9a%bc%de%f0%124Vx%9a%bc%de%f0%124Vx"
constexpr std::string_view kIh20Hex = "123456789abcdef0123456789abcdef012345678";
// 19 and 21 bytes: one escape fewer / more.
#define IH19 "%124Vx%9a%bc%de%f0%124Vx%9a%bc%de%f0%124V"
#define IH21 "%124Vx%9a%bc%de%f0%124Vx%9a%bc%de%f0%124Vx%ff"

struct TrackerCase {
  const char* name;
  std::string_view request;
  TrackerKind kind;
  std::string_view info_hash_hex;  // checked when kind != kNone
  uint16_t info_hash_count;
  const char* peer_id;  // nullptr: no valid peer_id
  int port;             // -1: none
  TrackerEvent event;
  int compact;
};

constexpr auto kNone = TrackerKind::kNone;
constexpr auto kAnn = TrackerKind::kAnnounce;
constexpr auto kScr = TrackerKind::kScrape;
constexpr auto kNoEv = TrackerEvent::kNone;

const TrackerCase kTrackerCases[] = {
    {"real-looking Transmission announce",
     "GET /announce?info_hash=" IH20
     "&peer_id=-TR2940-k8hj0wgej6ch&port=51413&uploaded=0&downloaded=0&left=0&numwant=80"
     "&key=6f1b2c3d&compact=1&supportcrypto=1&event=started HTTP/1.1\r\n"
     "Host: tracker.example:6969\r\nUser-Agent: Transmission/2.94\r\n"
     "Accept: */*\r\nAccept-Encoding: gzip;q=1.0, deflate, identity\r\n\r\n",
     kAnn, kIh20Hex, 1, "-TR2940-k8hj0wgej6ch", 51413, TrackerEvent::kStarted, 1},
    {"all-escaped info_hash, stopped",
     "GET /announce?info_hash=%12%34%56%78%9a%bc%de%f0%12%34%56%78%9a%bc%de%f0%12%34%56%78"
     "&event=stopped&compact=0 HTTP/1.1\r\n\r\n",
     kAnn, kIh20Hex, 1, nullptr, -1, TrackerEvent::kStopped, 0},
    {"'+' is a literal byte 0x2b",  // 19 escapes + '+' = 20 bytes, last one 0x2b
     "GET /announce?info_hash=%12%34%56%78%9a%bc%de%f0%12%34%56%78%9a%bc%de%f0%12%34%56+"
     " HTTP/1.1\r\n\r\n",
     kAnn, "123456789abcdef0123456789abcdef01234562b", 1, nullptr, -1, kNoEv, -1},
    {"scrape", "GET /scrape?info_hash=" IH20 " HTTP/1.1\r\n\r\n", kScr, kIh20Hex, 1, nullptr, -1,
     kNoEv, -1},
    {"multi-hash scrape.php",  // second hash is 20 x 'a'
     "GET /scrape.php?info_hash=" IH20 "&info_hash=aaaaaaaaaaaaaaaaaaaa HTTP/1.0\r\n\r\n", kScr,
     kIh20Hex, 2, nullptr, -1, kNoEv, -1},
    {"passkey announce.php",
     "GET /tracker/announce.php?passkey=0123abcd&info_hash=" IH20
     "&event=completed HTTP/1.1\r\n\r\n",
     kAnn, kIh20Hex, 1, nullptr, -1, TrackerEvent::kCompleted, -1},
    {"passkey path segment", "GET /a/0123abcd/announce?info_hash=" IH20 " HTTP/1.1\r\n\r\n", kAnn,
     kIh20Hex, 1, nullptr, -1, kNoEv, -1},
    {"announce-ish path followed by '?'",
     "GET /tr/announce_v1?info_hash=" IH20 "&event=paused HTTP/1.1\r\n\r\n", kAnn, kIh20Hex, 1,
     nullptr, -1, TrackerEvent::kPaused, -1},
    {"absolute-form via proxy",
     "GET http://t.example:80/announce?info_hash=" IH20 " HTTP/1.1\r\n\r\n", kAnn, kIh20Hex, 1,
     nullptr, -1, kNoEv, -1},
    {"path case-insensitive", "GET /Announce?info_hash=" IH20 " HTTP/1.1\r\n\r\n", kAnn, kIh20Hex,
     1, nullptr, -1, kNoEv, -1},
    {"escaped peer_id, empty event",  // peer_id "-qB4250-" then 12 bytes, 3 of them escaped
     "GET /announce?peer_id=-qB4250-%8f%2a%00abcdefghi&event=&info_hash=" IH20 " HTTP/1.1\r\n\r\n",
     kAnn, kIh20Hex, 1, "-qB4250-\x8f*\0abcdefghi", -1, kNoEv, -1},
    {"21-byte peer_id ignored, still a tracker",
     "GET /announce?info_hash=" IH20 "&peer_id=-TR2940-k8hj0wgej6chX&port=65536 HTTP/1.1\r\n\r\n",
     kAnn, kIh20Hex, 1, nullptr, -1, kNoEv, -1},
    {"odd event value", "GET /announce?info_hash=" IH20 "&event=bogus HTTP/1.1\r\n\r\n", kAnn,
     kIh20Hex, 1, nullptr, -1, TrackerEvent::kOther, -1},
    // Not trackers.
    {"19-byte info_hash", "GET /announce?info_hash=" IH19 " HTTP/1.1\r\n\r\n", kNone, "", 0,
     nullptr, -1, kNoEv, -1},
    {"21-byte info_hash", "GET /announce?info_hash=" IH21 " HTTP/1.1\r\n\r\n", kNone, "", 0,
     nullptr, -1, kNoEv, -1},
    {"%zz in info_hash",  // would be 20 bytes if %zz counted as one
     "GET /announce?info_hash=%zz%34%56%78%9a%bc%de%f0%12%34%56%78%9a%bc%de%f0%12%34%56%78"
     " HTTP/1.1\r\n\r\n",
     kNone, "", 0, nullptr, -1, kNoEv, -1},
    {"dangling % in info_hash", "GET /announce?info_hash=" IH19 "% HTTP/1.1\r\n\r\n", kNone, "", 0,
     nullptr, -1, kNoEv, -1},
    {"one bad hash spoils a scrape",
     "GET /scrape?info_hash=" IH20 "&info_hash=" IH19 " HTTP/1.1\r\n\r\n", kNone, "", 0, nullptr,
     -1, kNoEv, -1},
    {"info_hash in a different parameter name",
     "GET /announce?my_info_hash=" IH20 "&info_hash_v2=" IH20 "&xinfo_hash=" IH20
     " HTTP/1.1\r\n\r\n",
     kNone, "", 0, nullptr, -1, kNoEv, -1},
    {"tracker-like query on an ordinary path", "GET /index.php?info_hash=" IH20 " HTTP/1.1\r\n\r\n",
     kNone, "", 0, nullptr, -1, kNoEv, -1},
    {"announce path without query", "GET /announce HTTP/1.1\r\n\r\n", kNone, "", 0, nullptr, -1,
     kNoEv, -1},
    {"info_hash only in a fragment-less path", "GET /announce/info_hash=" IH20 " HTTP/1.1\r\n\r\n",
     kNone, "", 0, nullptr, -1, kNoEv, -1},
    {"empty info_hash", "GET /announce?info_hash=&port=1 HTTP/1.1\r\n\r\n", kNone, "", 0, nullptr,
     -1, kNoEv, -1},
    // Request line cut by the segment end: the last (possibly cut) parameter is ignored.
    {"cut after a complete info_hash", "GET /announce?info_hash=" IH20 "&peer_id=-TR29", kAnn,
     kIh20Hex, 1, nullptr, -1, kNoEv, -1},
    {"cut right after the info_hash value", "GET /announce?info_hash=" IH20, kNone, "", 0, nullptr,
     -1, kNoEv, -1},
};

TEST(ProtoHttp, TrackerTable) {
  for (const TrackerCase& c : kTrackerCases) {
    SCOPED_TRACE(c.name);
    const std::vector<uint8_t> seg = exact(c.request);
    HttpRequest req;
    ASSERT_NE(parse_http_request(seg, req), HttpStatus::kInvalid);
    TrackerRequest t;
    const bool hit = classify_tracker_request(req, t);
    EXPECT_EQ(hit, c.kind != TrackerKind::kNone);
    EXPECT_EQ(t.kind, c.kind);
    if (!hit) {
      EXPECT_EQ(t.info_hash_count, 0);
      continue;
    }
    EXPECT_EQ(hex(t.info_hash), c.info_hash_hex);
    EXPECT_EQ(t.info_hash_count, c.info_hash_count);
    EXPECT_EQ(t.has_peer_id, c.peer_id != nullptr);
    if (c.peer_id) {
      EXPECT_EQ(std::string_view(reinterpret_cast<const char*>(t.peer_id.data()), t.peer_id_len),
                std::string_view(c.peer_id, 20));
    }
    EXPECT_EQ(t.has_port, c.port >= 0);
    if (c.port >= 0) {
      EXPECT_EQ(t.port, c.port);
    }
    EXPECT_EQ(t.event, c.event);
    EXPECT_EQ(t.compact, c.compact);
  }
}

TEST(ProtoHttp, TrackerEventText) {
  HttpRequest req;
  ASSERT_EQ(parse_http_request(
                bytes("GET /announce?info_hash=" IH20 "&event=started HTTP/1.1\r\n\r\n"), req),
            HttpStatus::kComplete);
  TrackerRequest t;
  ASSERT_TRUE(classify_tracker_request(req, t));
  EXPECT_EQ(t.event_text, "started");
}

// ---------------------------------------------------------------------------------------------
// .torrent and magnet links

struct LinkCase {
  const char* name;
  std::string_view request;
  bool torrent_file;
  bool magnet;
  std::string_view btih_hex;  // when magnet
};

constexpr std::string_view kBtih = "c12fe1c06bba254a9dc9f519b335aa7c1367a88a";

const LinkCase kLinkCases[] = {
    {"GET .torrent", "GET /dl/ubuntu-24.04-desktop-amd64.iso.torrent HTTP/1.1\r\n\r\n", true, false,
     ""},
    {"GET .TORRENT with query", "GET /f/X.TORRENT?dl=1 HTTP/1.1\r\n\r\n", true, false, ""},
    {"HEAD .torrent is not a download", "HEAD /x.torrent HTTP/1.1\r\n\r\n", false, false, ""},
    {"torrent in the middle", "GET /x.torrent.html HTTP/1.1\r\n\r\n", false, false, ""},
    {"cut path may continue", "GET /x.torrent", false, false, ""},
    {"magnet, 40 hex",
     "GET /go?u=magnet:?xt=urn:btih:C12FE1C06BBA254A9DC9F519B335AA7C1367A88A&dn=x HTTP/1.1\r\n\r\n",
     false, true, kBtih},
    {"magnet, 32 base32 (same hash)",
     "GET /go?u=magnet:?xt=urn:btih:YEX6DQDLXISUVHOJ6UM3GNNKPQJWPKEK HTTP/1.1\r\n\r\n", false, true,
     kBtih},
    {"magnet, xt not first",
     "GET /m?magnet:?dn=ubuntu&xt=urn:btih:c12fe1c06bba254a9dc9f519b335aa7c1367a88a "
     "HTTP/1.1\r\n\r\n",
     false, true, kBtih},
    {"magnet, percent-encoded",
     "GET /r?to=magnet%3A%3Fxt%3Durn%3Abtih%3Ac12fe1c06bba254a9dc9f519b335aa7c1367a88a%26dn%3Dx "
     "HTTP/1.1\r\n\r\n",
     false, true, kBtih},
    {"magnet, 39 hex",
     "GET /m?magnet:?xt=urn:btih:c12fe1c06bba254a9dc9f519b335aa7c1367a88 HTTP/1.1\r\n\r\n", false,
     false, ""},
    {"magnet, 41 hex",
     "GET /m?magnet:?xt=urn:btih:c12fe1c06bba254a9dc9f519b335aa7c1367a88aa HTTP/1.1\r\n\r\n", false,
     false, ""},
    {"magnet, 40 non-hex",
     "GET /m?magnet:?xt=urn:btih:zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz HTTP/1.1\r\n\r\n", false,
     false, ""},
    {"magnet, base32 with an invalid digit",  // '1' is not in the RFC 4648 alphabet
     "GET /m?magnet:?xt=urn:btih:1EX6DQDLXISUVHOJ6UM3GNNKPQJWPKEK HTTP/1.1\r\n\r\n", false, false,
     ""},
    {"urn:btih without magnet",
     "GET /m?xt=urn:btih:c12fe1c06bba254a9dc9f519b335aa7c1367a88a HTTP/1.1\r\n\r\n", false, false,
     ""},
    {"magnet cut at the segment end",
     "GET /m?magnet:?xt=urn:btih:c12fe1c06bba254a9dc9f519b335aa7c1367a88a", false, false, ""},
    {"ordinary page", "GET /index.html HTTP/1.1\r\n\r\n", false, false, ""},
};

TEST(ProtoHttp, TorrentLinkTable) {
  for (const LinkCase& c : kLinkCases) {
    SCOPED_TRACE(c.name);
    const std::vector<uint8_t> seg = exact(c.request);
    HttpRequest req;
    ASSERT_NE(parse_http_request(seg, req), HttpStatus::kInvalid);
    TorrentLink l;
    EXPECT_EQ(classify_torrent_link(req, l), c.torrent_file || c.magnet);
    EXPECT_EQ(l.torrent_file, c.torrent_file);
    EXPECT_EQ(l.magnet, c.magnet);
    if (c.magnet) {
      EXPECT_EQ(hex(l.btih), c.btih_hex);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Responses

struct ResponseCase {
  const char* name;
  std::string_view segment;
  HttpStatus status;
  int code;
  const char* content_type;  // nullptr: absent
  bool torrent_type;
  const char* server;  // nullptr: absent
  BencodeBodyKind body;
};

constexpr auto kUnk = BencodeBodyKind::kUnknown;
constexpr auto kReply = BencodeBodyKind::kTrackerReply;
constexpr auto kFile = BencodeBodyKind::kTorrentFile;

const ResponseCase kResponseCases[] = {
    {"announce reply",
     "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 63\r\n\r\n"
     "d8:completei5e10:incompletei3e8:intervali1800e5:peers6:\x0a\x01\x02\x03\x1a\xe1"
     "e",
     kC, 200, "text/plain", false, nullptr, kReply},
    {"failure reason", "HTTP/1.0 200 OK\r\n\r\nd14:failure reason17:torrent not founde", kC, 200,
     nullptr, false, nullptr, kReply},
    {"interval first, no reason phrase",
     "HTTP/1.0 200\r\nServer: Ocelot 1.0\r\n\r\nd8:intervali900e", kC, 200, nullptr, false,
     "Ocelot 1.0", kReply},
    {"min interval", "HTTP/1.1 200 OK\r\n\r\nd12:min intervali60e", kC, 200, nullptr, false,
     nullptr, kReply},
    {"peers first", "HTTP/1.1 200 OK\r\n\r\nd5:peers0:e", kC, 200, nullptr, false, nullptr, kReply},
    {"warning message", "HTTP/1.1 200 OK\r\n\r\nd15:warning message3:hie", kC, 200, nullptr, false,
     nullptr, kReply},
    {"scrape reply", "HTTP/1.1 200 OK\r\n\r\nd5:filesd20:aaaaaaaaaaaaaaaaaaaad8:completei1eeee", kC,
     200, nullptr, false, nullptr, kReply},
    {"chunked tracker reply",
     "HTTP/1.1 200 OK\r\nTransfer-Encoding: "
     "chunked\r\n\r\n1c\r\nd8:completei0e10:incompletei0ee\r\n",
     kC, 200, nullptr, false, nullptr, kReply},
    {".torrent file",
     "HTTP/1.1 200 OK\r\nContent-Type: application/x-bittorrent\r\nServer: nginx\r\n\r\n"
     "d8:announce35:udp://tracker.example:1337/announce",
     kC, 200, "application/x-bittorrent", true, "nginx", kFile},
    {"announce-list first, MIME with parameter and case",
     "HTTP/1.1 200 OK\r\ncontent-type:  Application/X-BitTorrent ; charset=binary\r\n\r\n"
     "d13:announce-listll",
     kC, 200, "Application/X-BitTorrent ; charset=binary", true, nullptr, kFile},
    {"trackerless torrent", "HTTP/1.1 200 OK\r\n\r\nd4:infod6:lengthi1ee", kC, 200, nullptr, false,
     nullptr, kFile},
    {"HTML body", "HTTP/1.1 404 Not Found\r\nContent-Type: text/html\r\n\r\n<html>", kC, 404,
     "text/html", false, nullptr, kUnk},
    {"other dict", "HTTP/1.1 200 OK\r\n\r\nd3:fooi1ee", kC, 200, nullptr, false, nullptr, kUnk},
    {"leading zero in key length", "HTTP/1.1 200 OK\r\n\r\nd08:completei1ee", kC, 200, nullptr,
     false, nullptr, kUnk},
    {"key cut by segment end", "HTTP/1.1 200 OK\r\n\r\nd8:comple", kC, 200, nullptr, false, nullptr,
     kUnk},
    {"list, not dict", "HTTP/1.1 200 OK\r\n\r\nl8:completee", kC, 200, nullptr, false, nullptr,
     kUnk},
    {"empty body", "HTTP/1.1 204 No Content\r\n\r\n", kC, 204, nullptr, false, nullptr, kUnk},
    {"head cut: no body classification", "HTTP/1.1 200 OK\r\nServer: x\r\nContent-Le", kT, 200,
     nullptr, false, "x", kUnk},
    {"bad code", "HTTP/1.1 20 OK\r\n\r\n", kI, 0, nullptr, false, nullptr, kUnk},
    {"HTTP/2 status", "HTTP/2 200\r\n\r\n", kI, 0, nullptr, false, nullptr, kUnk},
    {"ICY", "ICY 200 OK\r\n\r\n", kI, 0, nullptr, false, nullptr, kUnk},
    {"junk after code", "HTTP/1.1 200OK\r\n\r\n", kI, 0, nullptr, false, nullptr, kUnk},
    {"status line cut", "HTTP/1.1 200 O", kI, 0, nullptr, false, nullptr, kUnk},
    {"a request", "GET / HTTP/1.1\r\n\r\n", kI, 0, nullptr, false, nullptr, kUnk},
};

TEST(ProtoHttp, ResponseTable) {
  for (const ResponseCase& c : kResponseCases) {
    SCOPED_TRACE(c.name);
    const std::vector<uint8_t> seg = exact(c.segment);
    HttpResponse r;
    const HttpStatus st = parse_http_response(seg, r);
    EXPECT_EQ(st, c.status);
    EXPECT_EQ(r.body_kind, c.body);
    if (st == HttpStatus::kInvalid) continue;
    EXPECT_EQ(r.status_code, c.code);
    EXPECT_EQ(r.has_content_type, c.content_type != nullptr);
    if (c.content_type) {
      EXPECT_EQ(r.content_type, c.content_type);
    }
    EXPECT_EQ(r.content_type_torrent, c.torrent_type);
    EXPECT_EQ(r.has_server, c.server != nullptr);
    if (c.server) {
      EXPECT_EQ(r.server, c.server);
    }
  }
}

TEST(ProtoHttp, ResponseBodySpan) {
  constexpr std::string_view kSeg = "HTTP/1.1 200 OK\r\n\r\nd5:peers0:e";
  HttpResponse r;
  ASSERT_EQ(parse_http_response(bytes(kSeg), r), HttpStatus::kComplete);
  EXPECT_EQ(r.reason, "OK");
  EXPECT_EQ(r.version_minor, 1);
  EXPECT_EQ(r.body.size(), 11u);
  EXPECT_EQ(r.body.data(), bytes(kSeg).data() + 19);  // points into the segment
}

TEST(ProtoHttp, ResponseEveryTruncationLength) {
  const std::string full =
      "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nd8:completei1e10:incompletei0ee";
  const size_t status_line_end = full.find('\n') + 1;
  const size_t head_end = full.find("\r\n\r\n") + 4;
  for (size_t n = 0; n <= full.size(); ++n) {
    SCOPED_TRACE(n);
    const std::vector<uint8_t> seg = exact(std::string_view(full).substr(0, n));
    HttpResponse r;
    const HttpStatus st = parse_http_response(seg, r);
    if (n < status_line_end) {
      EXPECT_EQ(st, HttpStatus::kInvalid);
    } else if (n < head_end) {
      EXPECT_EQ(st, HttpStatus::kTruncated);
      EXPECT_EQ(r.body_kind, BencodeBodyKind::kUnknown);
    } else {
      EXPECT_EQ(st, HttpStatus::kComplete);
      // "d8:complete" is the shortest prefix that names the key.
      EXPECT_EQ(r.body_kind,
                n >= head_end + 11 ? BencodeBodyKind::kTrackerReply : BencodeBodyKind::kUnknown);
    }
  }
}

TEST(ProtoHttp, TorrentContentType) {
  EXPECT_TRUE(is_torrent_content_type("application/x-bittorrent"));
  EXPECT_TRUE(is_torrent_content_type(" APPLICATION/X-BITTORRENT;name=a.torrent"));
  EXPECT_FALSE(is_torrent_content_type("application/x-bittorrent-foo"));
  EXPECT_FALSE(is_torrent_content_type("application/octet-stream"));
  EXPECT_FALSE(is_torrent_content_type(""));
}

}  // namespace
}  // namespace btsensor::proto
