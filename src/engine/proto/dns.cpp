// DNS message parsing. All name handling goes through LabelCursor, which owns the
// compression-pointer rules, so decoding, skipping and comparing names share one bounds
// argument. Answers are first indexed (offsets only) in one pass over the section and then
// matched against the CNAME chain, so no name is decoded just to be compared.
#include "engine/proto/dns.hpp"

namespace btsensor::proto {
namespace {

constexpr size_t kHeaderLen = 12;
constexpr size_t kRrFixedLen = 10;    // TYPE, CLASS, TTL, RDLENGTH after the owner name
constexpr size_t kMaxWireName = 255;  // RFC 1035 section 2.3.4, length bytes and root included
constexpr uint16_t kClassIn = 1;
constexpr uint16_t kClassMask = 0x7fff;  // mDNS uses the top bit as cache-flush / unicast flag

uint16_t rd16(const uint8_t* p) {
  return uint16_t(p[0] << 8 | p[1]);
}
uint32_t rd32(const uint8_t* p) {
  return uint32_t(p[0]) << 24 | uint32_t(p[1]) << 16 | uint32_t(p[2]) << 8 | p[3];
}

constexpr uint8_t lower(uint8_t c) {
  return (c >= 'A' && c <= 'Z') ? uint8_t(c - 'A' + 'a') : c;
}

// Walks the labels of one name, following compression pointers (RFC 1035 section 4.1.4).
// Loop protection: every pointer must target an offset strictly below the previous jump
// target (below the name's own start for the first jump). Encoders only point at names
// written earlier, so real messages satisfy this, and strictly decreasing targets cannot
// cycle. kDnsMaxPointerHops additionally bounds the work.
class LabelCursor {
 public:
  enum Step { kLabel, kEnd, kError };

  LabelCursor(std::span<const uint8_t> msg, size_t offset)
      : msg_(msg), pos_(offset), limit_(offset) {}

  // kLabel: `label`/`len` describe the next label. kEnd: the root was reached. kError: stop.
  Step next(const uint8_t*& label, uint8_t& len) {
    // Cap: each iteration returns or follows one pointer, and hops_ is capped.
    for (;;) {
      if (pos_ >= msg_.size()) return overrun();
      const uint8_t b = msg_[pos_];
      if ((b & 0xc0) == 0xc0) {
        if (pos_ + 1 >= msg_.size()) return overrun();
        const size_t target = size_t(b & 0x3f) << 8 | msg_[pos_ + 1];
        if (!jumped_) end_ = pos_ + 2;
        jumped_ = true;
        if (target >= limit_ || ++hops_ > kDnsMaxPointerHops) return kError;
        limit_ = target;
        pos_ = target;
        continue;
      }
      if (b & 0xc0) return kError;  // 01 / 10: extended/binary labels, retired by RFC 6891
      if (b == 0) {
        if (!jumped_) end_ = pos_ + 1;
        return kEnd;
      }
      if (b > msg_.size() - pos_ - 1) return overrun();  // label runs past the message
      wire_len_ += 1 + size_t(b);
      if (wire_len_ + 1 > kMaxWireName) return kError;  // +1: the root byte still to come
      label = &msg_[pos_ + 1];
      len = b;
      pos_ += 1 + size_t(b);
      return kLabel;
    }
  }

  // Offset just past the name's in-place encoding; valid once next() returned kEnd.
  size_t end() const { return end_; }
  // After kError: the in-place part of the name ran off the end of the message (a cut
  // message) rather than being corrupt. Pointer targets are always below the name's start,
  // so a pointer "beyond the message" is corruption, never truncation.
  bool overran() const { return overran_; }

 private:
  std::span<const uint8_t> msg_;
  size_t pos_;            // next byte to read
  size_t limit_;          // a pointer must target an offset below this
  size_t hops_ = 0;       // pointers followed
  size_t wire_len_ = 0;   // wire bytes of the labels so far (length bytes included)
  size_t end_ = 0;        // see end()
  bool jumped_ = false;   // whether a pointer was followed (fixes end_)
  bool overran_ = false;  // see overran()

  Step overrun() {
    overran_ = !jumped_;
    return kError;
  }
};

// Validates the name at `offset` and returns the offset after its in-place encoding.
// `overran` tells a cut message from a corrupt name on failure.
bool skip_name(std::span<const uint8_t> msg, size_t offset, size_t& next, bool& overran) {
  LabelCursor c(msg, offset);
  const uint8_t* label = nullptr;
  uint8_t len;
  // Cap: at most 127 labels fit in 255 wire bytes; the cursor enforces that.
  for (;;) {
    const LabelCursor::Step s = c.next(label, len);
    overran = c.overran();
    if (s == LabelCursor::kError) return false;
    if (s == LabelCursor::kEnd) break;
  }
  next = c.end();
  return true;
}

// Case-insensitive comparison of two (already validated) names in the same message.
bool names_equal(std::span<const uint8_t> msg, size_t a, size_t b) {
  if (a == b) return true;
  LabelCursor ca(msg, a);
  LabelCursor cb(msg, b);
  // Cap: both cursors are bounded as in skip_name.
  for (;;) {
    const uint8_t* la = nullptr;
    const uint8_t* lb = nullptr;
    uint8_t na = 0, nb = 0;
    const LabelCursor::Step sa = ca.next(la, na);
    const LabelCursor::Step sb = cb.next(lb, nb);
    if (sa == LabelCursor::kError || sb == LabelCursor::kError || sa != sb) return false;
    if (sa == LabelCursor::kEnd) return true;
    if (na != nb) return false;
    for (uint8_t i = 0; i < na; ++i) {
      if (lower(la[i]) != lower(lb[i])) return false;
    }
  }
}

// One indexed answer record; offsets into the message.
struct Rr {
  size_t owner;
  size_t rdata;
  uint16_t type;
  uint16_t rdlen;
  uint32_t ttl;
  bool used;  // CNAME already linked into the chain
};

}  // namespace

bool decode_dns_name(std::span<const uint8_t> msg, size_t offset, DnsName& out,
                     size_t& next) noexcept {
  out.len = 0;
  out.text[0] = '\0';
  LabelCursor c(msg, offset);
  size_t n = 0;
  const uint8_t* label = nullptr;
  uint8_t len;
  // Cap: the cursor stops after 255 wire bytes, i.e. at most 253 text characters, which is
  // why the writes below stay inside text[256].
  for (;;) {
    const LabelCursor::Step s = c.next(label, len);
    if (s == LabelCursor::kError) {
      out.len = 0;
      out.text[0] = '\0';
      return false;
    }
    if (s == LabelCursor::kEnd) break;
    if (n != 0) out.text[n++] = '.';
    for (uint8_t i = 0; i < len; ++i) out.text[n++] = char(lower(label[i]));
  }
  out.text[n] = '\0';
  out.len = uint8_t(n);
  next = c.end();
  return true;
}

DnsStatus parse_dns(std::span<const uint8_t> msg, DnsMessage& out, std::span<DnsAddress> addrs,
                    std::span<DnsName> cnames) noexcept {
  out = DnsMessage{};
  if (msg.size() < kHeaderLen) return DnsStatus::kMalformed;
  const uint8_t* h = msg.data();
  out.id = rd16(h);
  const uint16_t flags = rd16(h + 2);
  out.is_response = flags & 0x8000;
  out.opcode = uint8_t(flags >> 11 & 0xf);
  out.authoritative = flags & 0x0400;
  out.truncated = flags & 0x0200;
  out.recursion_desired = flags & 0x0100;
  out.recursion_available = flags & 0x0080;
  out.rcode = uint8_t(flags & 0xf);
  out.qdcount = rd16(h + 4);
  out.ancount = rd16(h + 6);
  out.nscount = rd16(h + 8);
  out.arcount = rd16(h + 10);
  // Several questions are legal on paper but no server implements them; without exactly
  // one, "the question name" and its chain are undefined.
  if (out.qdcount != 1) return DnsStatus::kUnsupported;

  size_t pos = 0;
  if (!decode_dns_name(msg, kHeaderLen, out.qname, pos) || msg.size() - pos < 4) {
    out.qname = DnsName{};
    return DnsStatus::kMalformed;
  }
  out.qtype = rd16(&msg[pos]);
  out.qclass = rd16(&msg[pos + 2]) & kClassMask;
  pos += 4;
  if (!out.is_response) return DnsStatus::kOk;

  // Pass 1: index the answer section. ANCOUNT is only an upper bound we also cap.
  Rr rrs[kDnsMaxAnswers];
  size_t nrr = 0;
  DnsStatus status = DnsStatus::kOk;
  const size_t want = out.ancount < kDnsMaxAnswers ? out.ancount : kDnsMaxAnswers;
  for (size_t i = 0; i < want; ++i) {  // cap: kDnsMaxAnswers
    const size_t owner = pos;
    bool overran = false;
    if (!skip_name(msg, owner, pos, overran)) {
      // A name that merely runs off the end is truncation; anything else is corruption.
      status = overran ? DnsStatus::kTruncated : DnsStatus::kBadAnswer;
      break;
    }
    if (msg.size() - pos < kRrFixedLen) {
      status = DnsStatus::kTruncated;
      break;
    }
    Rr& r = rrs[nrr];
    r.owner = owner;
    r.type = rd16(&msg[pos]);
    const uint16_t klass = rd16(&msg[pos + 2]) & kClassMask;
    r.ttl = rd32(&msg[pos + 4]);
    if (r.ttl > 0x7fffffff) r.ttl = 0;  // RFC 2181 section 8
    r.rdlen = rd16(&msg[pos + 8]);
    r.rdata = pos + kRrFixedLen;
    r.used = false;
    if (r.rdlen > msg.size() - r.rdata) {
      status = DnsStatus::kTruncated;
      break;
    }
    pos = r.rdata + r.rdlen;
    ++out.answers_walked;
    if (klass != kClassIn) continue;
    if ((r.type == kDnsTypeA && r.rdlen != 4) || (r.type == kDnsTypeAaaa && r.rdlen != 16)) {
      out.bad_records = true;
      continue;
    }
    if (r.type == kDnsTypeCname) {
      size_t end = 0;
      bool overran = false;
      // The target must be a sound name whose in-place part lies within RDATA.
      if (r.rdlen == 0 || !skip_name(msg, r.rdata, end, overran) || end > r.rdata + r.rdlen) {
        out.bad_records = true;
        continue;
      }
    } else if (r.type != kDnsTypeA && r.type != kDnsTypeAaaa) {
      continue;  // not needed after this pass
    }
    ++nrr;
  }

  // Pass 2: grow the chain qname -> cname -> ... Records may come in any order, so repeat
  // until nothing is added; each pass compares owners only against links added by the
  // previous pass, so every (record, link) pair is compared at most once.
  size_t chain[kDnsMaxCnameChain + 1];
  size_t chain_len = 1;
  chain[0] = kHeaderLen;  // qname
  size_t fresh_from = 0;
  // Cap: a pass that adds nothing ends the loop, and at most kDnsMaxCnameChain links are added.
  for (size_t pass = 0; pass <= kDnsMaxCnameChain && fresh_from < chain_len; ++pass) {
    const size_t fresh_to = chain_len;
    for (size_t i = 0; i < nrr; ++i) {
      Rr& r = rrs[i];
      if (r.type != kDnsTypeCname || r.used) continue;
      bool owner_in_chain = false;
      for (size_t k = fresh_from; k < fresh_to && !owner_in_chain; ++k) {
        owner_in_chain = names_equal(msg, r.owner, chain[k]);
      }
      if (!owner_in_chain) continue;
      r.used = true;
      bool loops = false;  // a CNAME back into the chain adds nothing (and would cycle)
      for (size_t k = 0; k < chain_len && !loops; ++k) loops = names_equal(msg, r.rdata, chain[k]);
      if (loops) continue;
      if (chain_len == kDnsMaxCnameChain + 1) {
        out.chain_capped = true;
        continue;
      }
      chain[chain_len++] = r.rdata;
      if (out.cname_count < cnames.size()) {
        size_t unused;
        decode_dns_name(msg, r.rdata, cnames[out.cname_count++], unused);
      } else {
        out.cnames_capped = true;
      }
    }
    fresh_from = fresh_to;
  }

  // Pass 3: addresses owned by any chain member, in message order.
  for (size_t i = 0; i < nrr; ++i) {
    const Rr& r = rrs[i];
    if (r.type != kDnsTypeA && r.type != kDnsTypeAaaa) continue;
    bool owned = false;
    for (size_t k = 0; k < chain_len && !owned; ++k) owned = names_equal(msg, r.owner, chain[k]);
    if (!owned) continue;
    if (out.addr_count == addrs.size()) {
      out.addrs_capped = true;
      break;
    }
    DnsAddress& a = addrs[out.addr_count++];
    a.addr =
        r.type == kDnsTypeA ? IpAddr::v4_bytes(&msg[r.rdata]) : IpAddr::v6_bytes(&msg[r.rdata]);
    a.ttl = r.ttl;
  }
  return status;
}

}  // namespace btsensor::proto
