// DNS message parsing: header, question name decoding (compression, loops, limits), and
// A/AAAA extraction along the CNAME chain. Messages are hand-written byte arrays; the comment
// on each line decodes it, with the byte offset where it matters for compression pointers.
#include "engine/proto/dns.hpp"

#include <gtest/gtest.h>

#include <array>
#include <string>
#include <string_view>
#include <vector>

namespace btsensor::proto {
namespace {

// Heap copy of exactly `n` bytes so AddressSanitizer flags reads past the message end.
std::vector<uint8_t> exact(const uint8_t* p, size_t n) {
  return {p, p + n};
}
template <size_t N>
std::vector<uint8_t> exact(const uint8_t (&a)[N]) {
  return exact(a, N);
}

IpAddr v6(std::array<uint8_t, 16> b) {
  return IpAddr::v6_bytes(b.data());
}

// The byte arrays below are laid out by hand, one protocol field per line, so that the comments
// can decode them; clang-format would reflow them into an unreadable grid.
// clang-format off

// Query (QR=0) for "www.Torrent-News.example" A.
const uint8_t kQuery[] = {
    0x12, 0x34,                                      // id 0x1234
    0x01, 0x00,                                      // flags: RD
    0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,  // QD=1 AN=0 NS=0 AR=0
    3, 'w', 'w', 'w',                                // @12 "www"
    12, 'T', 'o', 'r', 'r', 'e', 'n', 't', '-', 'N', 'e', 'w', 's',  // "Torrent-News"
    7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 0,         // "example", root
    0x00, 0x01, 0x00, 0x01,                          // QTYPE A, QCLASS IN
};

// Response for "tracker.example.com" A: two CNAMEs, then A + AAAA for the chain end, and an A
// for an unrelated name that must not be reported. All names after the question use pointers.
const uint8_t kChain[] = {
    0xab, 0xcd,                                      // id
    0x81, 0x80,                                      // flags: QR RD RA, rcode 0
    0x00, 0x01, 0x00, 0x05, 0x00, 0x00, 0x00, 0x00,  // QD=1 AN=5 NS=0 AR=0
    // @12 question "tracker.example.com"; "example.com" starts @20
    7, 't', 'r', 'a', 'c', 'k', 'e', 'r', 7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 3, 'c', 'o', 'm', 0,
    0x00, 0x01, 0x00, 0x01,                          // @33 QTYPE A, QCLASS IN
    // @37 RR1: tracker.example.com CNAME a.cdn.net
    0xc0, 0x0c,                                      // owner -> @12
    0x00, 0x05, 0x00, 0x01,                          // CNAME IN
    0x00, 0x00, 0x0e, 0x10,                          // TTL 3600
    0x00, 0x0b,                                      // RDLENGTH 11
    1, 'a', 3, 'c', 'd', 'n', 3, 'n', 'e', 't', 0,   // @49 "a.cdn.net"; "cdn.net" @51
    // @60 RR2: a.cdn.net CNAME b.cdn.net
    0xc0, 0x31,                                      // owner -> @49
    0x00, 0x05, 0x00, 0x01,                          // CNAME IN
    0x00, 0x00, 0x01, 0x2c,                          // TTL 300
    0x00, 0x04,                                      // RDLENGTH 4
    1, 'b', 0xc0, 0x33,                              // @72 "b" + -> @51 = "b.cdn.net"
    // @76 RR3: b.cdn.net A 192.0.2.1
    0xc0, 0x48,                                      // owner -> @72
    0x00, 0x01, 0x00, 0x01,                          // A IN
    0x00, 0x00, 0x01, 0x2c,                          // TTL 300
    0x00, 0x04, 192, 0, 2, 1,                        // RDLENGTH 4, @88 RDATA
    // @92 RR4: b.cdn.net AAAA 2001:db8::1
    0xc0, 0x48,                                      // owner -> @72
    0x00, 0x1c, 0x00, 0x01,                          // AAAA IN
    0x00, 0x00, 0x00, 0x3c,                          // TTL 60
    0x00, 0x10,                                      // RDLENGTH 16
    0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01,  // @104 RDATA
    // @120 RR5: other.example.com A 198.51.100.7 (not on the chain)
    5, 'o', 't', 'h', 'e', 'r', 0xc0, 0x14,          // "other" + -> @20 "example.com"
    0x00, 0x01, 0x00, 0x01,                          // A IN
    0x00, 0x00, 0x00, 0x0a,                          // TTL 10
    0x00, 0x04, 198, 51, 100, 7,                     // RDLENGTH 4, @138 RDATA; ends @142
};
constexpr size_t kChainQuestionEnd = 37;
constexpr size_t kChainAEnd = 92;      // RR3 complete
constexpr size_t kChainAaaaEnd = 120;  // RR4 complete

// Response for "X.example" A with the chain given in reverse record order: A for z first, then
// y CNAME z, then x CNAME y. Owner case differs from the question (names are case-insensitive).
const uint8_t kReversed[] = {
    0x00, 0x07, 0x81, 0x80,                          // id 7, QR RD RA
    0x00, 0x01, 0x00, 0x03, 0x00, 0x00, 0x00, 0x00,  // QD=1 AN=3
    1, 'X', 7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 0, // @12 "X.example"; "example" @14
    0x00, 0x01, 0x00, 0x01,                          // @23 A IN
    // @27 z.example A 10.0.0.1
    1, 'z', 0xc0, 0x0e,                              // "z" + -> @14
    0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0x00, 0x05, 0x00, 0x04,  // A IN TTL 5 RDLENGTH 4
    10, 0, 0, 1,
    // @45 y.example CNAME z.example
    1, 'Y', 0xc0, 0x0e,                              // "Y" + -> @14
    0x00, 0x05, 0x00, 0x01, 0x00, 0x00, 0x00, 0x05, 0x00, 0x02,  // CNAME IN TTL 5 RDLENGTH 2
    0xc0, 0x1b,                                      // -> @27 "z.example"
    // @61 x.example CNAME y.example
    0xc0, 0x0c,                                      // -> @12
    0x00, 0x05, 0x00, 0x01, 0x00, 0x00, 0x00, 0x05, 0x00, 0x02,  // CNAME IN TTL 5 RDLENGTH 2
    0xc0, 0x2d,                                      // -> @45 "y.example"
};

// CNAME loop: a.example CNAME b.example, b.example CNAME a.example, b.example A 10.9.9.9.
const uint8_t kCnameLoop[] = {
    0x00, 0x08, 0x81, 0x80, 0x00, 0x01, 0x00, 0x03, 0x00, 0x00, 0x00, 0x00,  // QD=1 AN=3
    1, 'a', 7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 0, // @12 "a.example"; "example" @14
    0x00, 0x01, 0x00, 0x01,                          // A IN
    0xc0, 0x0c, 0x00, 0x05, 0x00, 0x01, 0, 0, 0, 1, 0x00, 0x04,  // @27 a CNAME TTL 1 RDLENGTH 4
    1, 'b', 0xc0, 0x0e,                              // @39 "b.example"
    0xc0, 0x27, 0x00, 0x05, 0x00, 0x01, 0, 0, 0, 1, 0x00, 0x02,  // @43 b CNAME TTL 1 RDLENGTH 2
    0xc0, 0x0c,                                      // -> "a.example"
    0xc0, 0x27, 0x00, 0x01, 0x00, 0x01, 0, 0, 0, 1, 0x00, 0x04,  // @57 b A TTL 1 RDLENGTH 4
    10, 9, 9, 9,
};

// Odd records: "q.example" A; answers: A with RDLENGTH 5 (bad), A of class CH (ignored),
// an MX (ignored), and a good A. TC set, rcode 0.
const uint8_t kOddRecords[] = {
    0x00, 0x09, 0x83, 0x80, 0x00, 0x01, 0x00, 0x04, 0x00, 0x00, 0x00, 0x00,  // QR TC RD RA, AN=4
    1, 'q', 7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 0, 0x00, 0x01, 0x00, 0x01,  // @12 q.example A IN
    0xc0, 0x0c, 0x00, 0x01, 0x00, 0x01, 0, 0, 0, 1, 0x00, 0x05, 1, 2, 3, 4, 5,  // A RDLENGTH 5
    0xc0, 0x0c, 0x00, 0x01, 0x00, 0x03, 0, 0, 0, 1, 0x00, 0x04, 1, 1, 1, 1,     // A class CH
    0xc0, 0x0c, 0x00, 0x0f, 0x00, 0x01, 0, 0, 0, 1, 0x00, 0x04, 0, 10, 0xc0, 0x0c,  // MX 10 q
    0xc0, 0x0c, 0x00, 0x01, 0x80, 0x01,              // A, class IN with mDNS cache-flush bit
    0x80, 0x00, 0x00, 0x00,                          // TTL 0x80000000: top bit -> 0
    0x00, 0x04, 10, 1, 2, 3,
};

// NXDOMAIN for "nope.tor" AAAA, no answers.
const uint8_t kNxdomain[] = {
    0x00, 0x0a, 0x81, 0x83, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,  // rcode 3
    4, 'n', 'o', 'p', 'e', 3, 't', 'o', 'r', 0, 0x00, 0x1c, 0x00, 0x01,       // AAAA IN
};

// clang-format on

// ---------------------------------------------------------------------------------------------

TEST(ProtoDns, QueryHeaderAndName) {
  const std::vector<uint8_t> m = exact(kQuery);
  DnsMessage d;
  ASSERT_EQ(parse_dns(m, d, {}, {}), DnsStatus::kOk);
  EXPECT_EQ(d.id, 0x1234);
  EXPECT_FALSE(d.is_response);
  EXPECT_TRUE(d.recursion_desired);
  EXPECT_EQ(d.qdcount, 1);
  EXPECT_EQ(d.qname.view(), "www.torrent-news.example");  // lower-cased, dotted
  EXPECT_EQ(d.qname.text[d.qname.len], '\0');
  EXPECT_EQ(d.qtype, kDnsTypeA);
  EXPECT_EQ(d.qclass, 1);
}

TEST(ProtoDns, CnameChain) {
  const std::vector<uint8_t> m = exact(kChain);
  DnsMessage d;
  DnsAddress addrs[4];
  DnsName cnames[4];
  ASSERT_EQ(parse_dns(m, d, addrs, cnames), DnsStatus::kOk);
  EXPECT_TRUE(d.is_response);
  EXPECT_EQ(d.qname.view(), "tracker.example.com");
  EXPECT_EQ(d.answers_walked, 5);
  ASSERT_EQ(d.cname_count, 2u);
  EXPECT_EQ(cnames[0].view(), "a.cdn.net");
  EXPECT_EQ(cnames[1].view(), "b.cdn.net");
  ASSERT_EQ(d.addr_count, 2u);  // not other.example.com
  EXPECT_EQ(addrs[0].addr, IpAddr::v4(0xc0000201));
  EXPECT_EQ(addrs[0].ttl, 300u);
  EXPECT_EQ(addrs[1].addr, v6({0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}));
  EXPECT_EQ(addrs[1].ttl, 60u);
  EXPECT_FALSE(d.addrs_capped);
  EXPECT_FALSE(d.cnames_capped);
}

TEST(ProtoDns, CallerCaps) {
  const std::vector<uint8_t> m = exact(kChain);
  DnsMessage d;
  DnsAddress addrs[1];
  // No room for CNAME targets: the chain is still followed, only not reported.
  ASSERT_EQ(parse_dns(m, d, addrs, {}), DnsStatus::kOk);
  EXPECT_EQ(d.addr_count, 1u);
  EXPECT_TRUE(d.addrs_capped);
  EXPECT_EQ(d.cname_count, 0u);
  EXPECT_TRUE(d.cnames_capped);
  EXPECT_EQ(addrs[0].addr, IpAddr::v4(0xc0000201));
}

TEST(ProtoDns, ReversedRecordOrder) {
  const std::vector<uint8_t> m = exact(kReversed);
  DnsMessage d;
  DnsAddress addrs[4];
  DnsName cnames[4];
  ASSERT_EQ(parse_dns(m, d, addrs, cnames), DnsStatus::kOk);
  EXPECT_EQ(d.qname.view(), "x.example");
  ASSERT_EQ(d.cname_count, 2u);
  EXPECT_EQ(cnames[0].view(), "y.example");
  EXPECT_EQ(cnames[1].view(), "z.example");
  ASSERT_EQ(d.addr_count, 1u);
  EXPECT_EQ(addrs[0].addr, IpAddr::v4(0x0a000001));
  EXPECT_EQ(addrs[0].ttl, 5u);
}

TEST(ProtoDns, CnameLoopTerminates) {
  const std::vector<uint8_t> m = exact(kCnameLoop);
  DnsMessage d;
  DnsAddress addrs[4];
  DnsName cnames[4];
  ASSERT_EQ(parse_dns(m, d, addrs, cnames), DnsStatus::kOk);
  ASSERT_EQ(d.cname_count, 1u);  // b; the link back to a adds nothing
  EXPECT_EQ(cnames[0].view(), "b.example");
  ASSERT_EQ(d.addr_count, 1u);
  EXPECT_EQ(addrs[0].addr, IpAddr::v4(0x0a090909));
}

TEST(ProtoDns, OddRecords) {
  const std::vector<uint8_t> m = exact(kOddRecords);
  DnsMessage d;
  DnsAddress addrs[4];
  ASSERT_EQ(parse_dns(m, d, addrs, {}), DnsStatus::kOk);
  EXPECT_TRUE(d.truncated);
  EXPECT_TRUE(d.bad_records);
  EXPECT_EQ(d.answers_walked, 4);
  ASSERT_EQ(d.addr_count, 1u);
  EXPECT_EQ(addrs[0].addr, IpAddr::v4(0x0a010203));
  EXPECT_EQ(addrs[0].ttl, 0u);
}

TEST(ProtoDns, Nxdomain) {
  const std::vector<uint8_t> m = exact(kNxdomain);
  DnsMessage d;
  DnsAddress addrs[4];
  ASSERT_EQ(parse_dns(m, d, addrs, {}), DnsStatus::kOk);
  EXPECT_EQ(d.rcode, 3);
  EXPECT_EQ(d.qname.view(), "nope.tor");
  EXPECT_EQ(d.qtype, kDnsTypeAaaa);
  EXPECT_EQ(d.addr_count, 0u);
}

// Every prefix of the CNAME-chain response: no header -> malformed, no complete question ->
// malformed, then truncated with exactly the address records that are complete.
TEST(ProtoDns, EveryTruncationLength) {
  for (size_t n = 0; n <= sizeof kChain; ++n) {
    SCOPED_TRACE(n);
    const std::vector<uint8_t> m = exact(kChain, n);
    DnsMessage d;
    DnsAddress addrs[4];
    DnsName cnames[4];
    const DnsStatus st = parse_dns(m, d, addrs, cnames);
    if (n < kChainQuestionEnd) {
      EXPECT_EQ(st, DnsStatus::kMalformed);
      EXPECT_EQ(d.qname.len, 0);
      continue;
    }
    EXPECT_EQ(st, n == sizeof kChain ? DnsStatus::kOk : DnsStatus::kTruncated);
    EXPECT_EQ(d.qname.view(), "tracker.example.com");
    EXPECT_EQ(d.addr_count, size_t(n >= kChainAEnd) + size_t(n >= kChainAaaaEnd));
  }
}

struct HeaderCase {
  const char* name;
  std::vector<uint8_t> msg;
  DnsStatus status;
  bool bad_records = false;
};

TEST(ProtoDns, HeaderTable) {
  const HeaderCase cases[] = {
      {"QDCOUNT 0", {0, 1, 0x81, 0x80, 0, 0, 0, 0, 0, 0, 0, 0}, DnsStatus::kUnsupported},
      {"QDCOUNT 2",
       {0, 1, 0x01, 0x00, 0, 2, 0, 0, 0, 0, 0, 0, 1, 'a', 0, 0, 1, 0, 1, 1, 'b', 0, 0, 1, 0, 1},
       DnsStatus::kUnsupported},
      {"question cut in QTYPE",
       {0, 1, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0, 1, 'a', 0, 0, 1, 0},
       DnsStatus::kMalformed},
      {"root question",
       {0, 1, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 2, 0, 1},
       DnsStatus::kOk},  // ". NS"
      // Query claiming 65535 answers it does not have: answers of queries are not walked.
      {"query with bogus ANCOUNT",
       {0, 1, 0x01, 0x00, 0, 1, 0xff, 0xff, 0, 0, 0, 0, 1, 'a', 0, 0, 1, 0, 1},
       DnsStatus::kOk},
      {"response with bogus ANCOUNT",
       {0, 1, 0x81, 0x80, 0, 1, 0xff, 0xff, 0, 0, 0, 0, 1, 'a', 0, 0, 1, 0, 1},
       DnsStatus::kTruncated},
      // Answer owner is a pointer to itself (@19 -> @19).
      {"answer owner pointer loop",
       {0, 1,    0x81, 0x80, 0, 1, 0, 1, 0, 0, 0, 0, 1, 'a', 0, 0, 1, 0,
        1, 0xc0, 19,   0,    1, 0, 1, 0, 0, 0, 1, 0, 4, 1,   2, 3, 4},
       DnsStatus::kBadAnswer},
      // Answer owner -> @11 (ARCOUNT low byte 0x3f): a 63-byte label that runs off the end.
      // Reached through a pointer, so it is corruption, not a cut message.
      {"answer owner pointer to a label past the end",
       {0, 1,    0x81, 0x80, 0, 1, 0, 1, 0, 0, 0, 0x3f, 1, 'a', 0, 0, 1, 0,
        1, 0xc0, 11,   0,    1, 0, 1, 0, 0, 0, 1, 0,    4, 1,   2, 3, 4},
       DnsStatus::kBadAnswer},
      // CNAME whose target name spills out of its RDATA (RDLENGTH 1 for "b" + root).
      {"CNAME target longer than RDATA",
       {0, 1, 0x81, 0x80, 0, 1, 0, 1, 0, 0, 0, 0, 1, 'a', 0, 0,   1,
        0, 1, 0xc0, 12,   0, 5, 0, 1, 0, 0, 0, 1, 0, 1,   1, 'b', 0},
       DnsStatus::kOk,
       true},
  };
  // Every length shorter than the fixed header.
  for (size_t n = 0; n < 12; ++n) {
    SCOPED_TRACE(n);
    const std::vector<uint8_t> m = exact(kQuery, n);
    DnsMessage d;
    EXPECT_EQ(parse_dns(m, d, {}, {}), DnsStatus::kMalformed);
  }
  for (const HeaderCase& c : cases) {
    SCOPED_TRACE(c.name);
    const std::vector<uint8_t> m = c.msg;  // exact size
    DnsMessage d;
    DnsAddress addrs[2];
    DnsName cnames[2];
    EXPECT_EQ(parse_dns(m, d, addrs, cnames), c.status);
    EXPECT_EQ(d.bad_records, c.bad_records);
    EXPECT_EQ(d.addr_count, 0u);
    EXPECT_EQ(d.cname_count, 0u);
  }
}

// ---------------------------------------------------------------------------------------------
// decode_dns_name on crafted buffers. Each buffer starts with 12 filler bytes standing in for
// the header, so that offsets match real messages; the name under test starts at `offset`.

struct NameCase {
  const char* name;
  std::vector<uint8_t> msg;
  size_t offset;
  bool ok;
  std::string text;  // when ok
  size_t next;       // when ok
};

std::vector<uint8_t> with_header(std::vector<uint8_t> body) {
  // Element-wise on purpose: g++ 12 -O3 reports a false -Warray-bounds for insert() here.
  std::vector<uint8_t> m(12, 0xee);
  for (uint8_t b : body) m.push_back(b);
  return m;
}

std::vector<uint8_t> labels(std::vector<size_t> lens) {
  std::vector<uint8_t> m;
  for (size_t l : lens) {
    m.push_back(uint8_t(l));
    m.insert(m.end(), l, 'x');
  }
  m.push_back(0);
  return with_header(m);
}

// `hops` pointers in a row, each to the one before; the first entry is the root name.
// Layout: @12 root(0) pad(0); @14 c0 0c; @16 c0 0e; ...; the name under test is the last one.
std::vector<uint8_t> pointer_chain(size_t hops) {
  std::vector<uint8_t> body = {0, 0};
  for (size_t i = 0; i < hops; ++i) {
    const size_t target = i == 0 ? 12 : 12 + 2 * i;
    body.push_back(uint8_t(0xc0 | target >> 8));
    body.push_back(uint8_t(target));
  }
  return with_header(body);
}

TEST(ProtoDns, NameTable) {
  const std::string l63(63, 'x');
  const std::string l61(61, 'x');
  const NameCase cases[] = {
      {"simple", with_header({1, 'A', 2, 'b', 'C', 0}), 12, true, "a.bc", 18},
      {"root", with_header({0}), 12, true, "", 13},
      {"pointer to an earlier name",  // @12 "ab.cd", @18 "x" -> @15 "cd"
       with_header({2, 'a', 'b', 2, 'c', 'd', 0, 1, 'x', 0xc0, 15}), 19, true, "x.cd", 23},
      {"label of 63", labels({63}), 12, true, l63, 12 + 65},
      {"label of 64 (type bits 01)", with_header({64}), 12, false, "", 0},
      {"type bits 10", with_header({0x80, 0}), 12, false, "", 0},
      {"255 wire bytes (253 chars)", labels({63, 63, 63, 61}), 12, true,
       l63 + "." + l63 + "." + l63 + "." + l61, 12 + 255},
      {"256 wire bytes", labels({63, 63, 63, 62}), 12, false, "", 0},
      {"pointer to itself", with_header({0xc0, 12}), 12, false, "", 0},
      {"pointer forward",  // @12 -> @14, which is a valid name but later
       with_header({0xc0, 14, 0}), 12, false, "", 0},
      {"pointer beyond the message", with_header({0xc0, 0xff}), 12, false, "", 0},
      {"pointer beyond 0x3fff", with_header({0xff, 0xff}), 12, false, "", 0},
      {"pointer cut in half", with_header({0xc0}), 12, false, "", 0},
      {"label runs past the end", with_header({5, 'a', 'b'}), 12, false, "", 0},
      {"no root byte", with_header({1, 'a'}), 12, false, "", 0},
      {"offset past the end", with_header({}), 12, false, "", 0},
      // @12 "a" then a pointer @14 -> @12: a.a.a.a... Backward, but to the name's own start.
      {"label then pointer back to itself", with_header({1, 'a', 0xc0, 12}), 12, false, "", 0},
      // @12 "a" + -> @16; @16 "b" + -> @12. The second jump goes up again: rejected.
      {"two-name pointer cycle", with_header({1, 'a', 0xc0, 16, 1, 'b', 0xc0, 12}), 16, false, "",
       0},
      // @20 -> @12 "xy" then @15 -> @12 again. Each pointer points below its own position (the
      // naive rule), which would loop; the second does not go below the previous target.
      // @12 label of 2 (bytes 01 00), then @15 -> @14, inside that label: a backward pointer
      // (the naive rule accepts it and yields a 2-label name) but into the name being read.
      {"pointer into the name's own label", with_header({2, 1, 0, 0xc0, 14}), 12, false, "", 0},
      {"backward pointers that cycle", with_header({2, 'x', 'y', 0xc0, 12, 0, 0, 0, 0xc0, 12}), 20,
       false, "", 0},
      {"20 hops", pointer_chain(20), 12 + 2 * 20, true, "", 12 + 2 * 20 + 2},
      {"32 hops (the cap)", pointer_chain(32), 12 + 2 * 32, true, "", 12 + 2 * 32 + 2},
      {"33 hops", pointer_chain(33), 12 + 2 * 33, false, "", 0},
  };
  for (const NameCase& c : cases) {
    SCOPED_TRACE(c.name);
    DnsName n;
    size_t next = 0;
    const bool ok = decode_dns_name(c.msg, c.offset, n, next);
    EXPECT_EQ(ok, c.ok);
    if (ok) {
      EXPECT_EQ(n.view(), c.text);
      EXPECT_EQ(next, c.next);
      EXPECT_EQ(n.text[n.len], '\0');
    } else {
      EXPECT_EQ(n.len, 0);
    }
  }
}

}  // namespace
}  // namespace btsensor::proto
