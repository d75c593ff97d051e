// DNS over UDP (RFC 1035 section 4): header, the single question, and for responses the A /
// AAAA answers for the question name or its CNAME chain.
//
// Runs on worker lcores in the packet hot path: no heap allocation, no exceptions, no I/O.
// Every read is bounds-checked against the message; header counts are not trusted (they only
// bound loops that are also capped by constants here); compression pointers are followed with
// a hop cap and must point strictly backwards.
//
// Lifetime: names are copied (lower-cased) into caller buffers, so DnsMessage does not point
// into the packet and stays valid after it is freed.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include "btsensor/types.hpp"

namespace btsensor::proto {

// A presentation name is at most 253 characters (255 wire bytes minus the first length byte
// and the root); 256 leaves room for a terminating NUL for C-string users.
inline constexpr size_t kDnsNameBufLen = 256;
// Compression pointers followed per name. Real encoders produce 1-3; strictly backward
// pointers already guarantee termination, the cap bounds the work.
inline constexpr size_t kDnsMaxPointerHops = 32;
// Answer records looked at. ANCOUNT is untrusted; big CDN answers have about 20 records.
inline constexpr size_t kDnsMaxAnswers = 64;
// CNAME chain links followed (resolvers give up at 8-16 too).
inline constexpr size_t kDnsMaxCnameChain = 16;

inline constexpr uint16_t kDnsTypeA = 1;
inline constexpr uint16_t kDnsTypeCname = 5;
inline constexpr uint16_t kDnsTypeAaaa = 28;

// A decoded name: lower-case ASCII, labels joined with '.', no trailing dot, "" for the root,
// NUL-terminated. Label bytes are copied as they are (only A-Z is lower-cased): a label that
// itself contains '.' or non-printable bytes is not escaped.
struct DnsName {
  char text[kDnsNameBufLen] = {};
  uint8_t len = 0;
  std::string_view view() const { return {text, len}; }
};

struct DnsAddress {
  IpAddr addr;
  uint32_t ttl = 0;  // seconds; values with the top bit set are reported as 0 (RFC 2181 8)
};

enum class DnsStatus : uint8_t {
  kOk,           // header and question parsed; for a response, all walked answers were sound
  kTruncated,    // the message ended inside the answer section; answers before that are reported
  kBadAnswer,    // an answer record's owner name was undecodable; answers before it are reported
  kUnsupported,  // header parsed, but QDCOUNT != 1: no question is reported
  kMalformed,    // too short for a header, or the question is broken
};

struct DnsMessage {
  uint16_t id = 0;
  bool is_response = false;  // QR
  uint8_t opcode = 0;
  bool authoritative = false;  // AA
  bool truncated = false;      // TC: the server cut the answer (the client retries over TCP)
  bool recursion_desired = false;
  bool recursion_available = false;
  uint8_t rcode = 0;  // header RCODE only (EDNS extended bits are not combined)
  // Section counts as claimed by the header (untrusted).
  uint16_t qdcount = 0, ancount = 0, nscount = 0, arcount = 0;

  DnsName qname;
  uint16_t qtype = 0;
  uint16_t qclass = 0;  // top bit (mDNS unicast-response) masked off

  uint16_t answers_walked = 0;  // answer records parsed (at most min(ancount, kDnsMaxAnswers))
  bool bad_records = false;     // an A/AAAA/CNAME record with an impossible RDLENGTH was skipped
  bool chain_capped = false;    // the CNAME chain was longer than kDnsMaxCnameChain

  // Addresses for qname or its CNAME chain, in message order, in the caller's `addrs`.
  size_t addr_count = 0;
  bool addrs_capped = false;  // more matched than `addrs` could hold
  // CNAME targets in chain order (first is qname's alias target), in the caller's `cnames`.
  size_t cname_count = 0;
  bool cnames_capped = false;
};

// Decodes the name at `offset` of `msg`.
// Post: on success `out` holds the name and `next` is the offset just past the name's
//       in-place encoding (after the root byte or the first pointer). Fails on: reading past
//       the message, label types 01/10 (RFC 6891 retired them), a pointer outside the message
//       or not strictly before the previous jump, more than kDnsMaxPointerHops hops, or a name
//       longer than 255 wire bytes.
bool decode_dns_name(std::span<const uint8_t> msg, size_t offset, DnsName& out,
                     size_t& next) noexcept;

// Parses one DNS message (the UDP payload).
// Pre:  `addrs` and `cnames` are caller storage; either may be empty.
// Post: `out` is reset and filled; the first out.addr_count elements of `addrs` and the first
//       out.cname_count of `cnames` are written. Only the answer section is consulted for
//       addresses, and only records of class IN whose owner is qname or a CNAME target
//       reachable from it (in any record order) count.
DnsStatus parse_dns(std::span<const uint8_t> msg, DnsMessage& out, std::span<DnsAddress> addrs,
                    std::span<DnsName> cnames) noexcept;

}  // namespace btsensor::proto
