// ClientHello walk. Two ends matter for every read: the end declared by the enclosing length
// field (reading past it means the hello is malformed) and the end of the bytes we actually
// have (segment or first record; reading past it means the hello is truncated). `take()`
// checks both, in that order, so a lie in a length field is never mistaken for truncation.
#include "engine/proto/tls.hpp"

namespace btsensor::proto {
namespace {

constexpr uint8_t kContentHandshake = 22;
constexpr uint8_t kHandshakeClientHello = 1;
constexpr size_t kRecordHeaderLen = 5;
constexpr size_t kHandshakeHeaderLen = 4;
constexpr size_t kMaxRecordLen = 1 << 14;  // RFC 8446 section 5.1: TLSPlaintext.length limit
constexpr size_t kRandomLen = 32;
constexpr size_t kMaxSessionIdLen = 32;
constexpr uint16_t kExtServerName = 0;
constexpr uint16_t kExtAlpn = 16;
constexpr uint8_t kSniHostName = 0;

enum class Take { kOk, kCut, kBad };

uint16_t rd16(const uint8_t* p) {
  return uint16_t(p[0] << 8 | p[1]);
}

class Walker {
 public:
  Walker(std::span<const uint8_t> seg, size_t avail) : seg_(seg), avail_(avail) {}

  // Makes `n` bytes at pos() available and advances past them.
  // Pre: pos() <= end and pos() <= avail_ (kept by only advancing on kOk).
  Take take(size_t n, size_t end, const uint8_t*& p) {
    if (n > end - pos_) return Take::kBad;
    if (n > avail_ - pos_) return Take::kCut;
    p = seg_.data() + pos_;
    pos_ += n;
    return Take::kOk;
  }

  size_t pos() const { return pos_; }

 private:
  std::span<const uint8_t> seg_;
  size_t avail_;  // bytes readable: min(segment, end of the first record)
  size_t pos_ = kRecordHeaderLen + kHandshakeHeaderLen;
};

TlsStatus to_status(Take t) {
  return t == Take::kCut ? TlsStatus::kTruncated : TlsStatus::kMalformed;
}

// server_name extension body (RFC 6066 section 3): ServerNameList<1..2^16-1> of
// {NameType, opaque HostName<1..2^16-1>}. Takes the first host_name.
bool parse_sni(const uint8_t* d, size_t len, TlsClientHello& out) {
  if (len < 2) return false;
  const size_t list_len = rd16(d);
  if (list_len != len - 2) return false;
  size_t i = 2;
  for (size_t n = 0; n < kTlsMaxServerNames && i < len; ++n) {  // cap: kTlsMaxServerNames
    if (len - i < 3) return false;
    const uint8_t type = d[i];
    const size_t name_len = rd16(d + i + 1);
    i += 3;
    if (name_len == 0 || name_len > len - i) return false;
    if (type == kSniHostName && !out.has_sni) {
      out.has_sni = true;
      out.sni = {reinterpret_cast<const char*>(d + i), name_len};
    }
    i += name_len;
  }
  return true;
}

// ALPN extension body (RFC 7301 section 3.1): ProtocolNameList<2..2^16-1> of
// opaque ProtocolName<1..2^8-1>. Only the first protocol is reported, so only it is walked.
bool parse_alpn(const uint8_t* d, size_t len, TlsClientHello& out) {
  if (len < 3) return false;
  const size_t list_len = rd16(d);
  const size_t first_len = d[2];
  if (list_len != len - 2 || first_len == 0 || first_len > len - 3) return false;
  out.has_alpn = true;
  out.alpn_first = {reinterpret_cast<const char*>(d + 3), first_len};
  return true;
}

TlsStatus walk(std::span<const uint8_t> seg, TlsClientHello& out) {
  const uint8_t* s = seg.data();
  // Record header: type(1) version(2) length(2). Each byte is checked as soon as it is
  // present, so a short prefix of a real hello reports kTruncated, not kNotClientHello.
  if (seg.empty() || s[0] != kContentHandshake) return TlsStatus::kNotClientHello;
  if (seg.size() >= 2 && s[1] != 0x03) return TlsStatus::kNotClientHello;
  if (seg.size() >= 3 && (s[2] < 0x01 || s[2] > 0x04)) return TlsStatus::kNotClientHello;
  if (seg.size() >= 6 && s[5] != kHandshakeClientHello) return TlsStatus::kNotClientHello;
  if (seg.size() < kRecordHeaderLen) return TlsStatus::kTruncated;
  out.record_version = rd16(s + 1);
  out.record_length = rd16(s + 3);
  // A ClientHello's handshake header must at least start in the first record.
  if (out.record_length < kHandshakeHeaderLen || out.record_length > kMaxRecordLen) {
    return TlsStatus::kMalformed;
  }
  if (seg.size() < kRecordHeaderLen + kHandshakeHeaderLen) return TlsStatus::kTruncated;
  out.handshake_length = uint32_t(s[6]) << 16 | uint32_t(s[7]) << 8 | s[8];

  const size_t record_end = kRecordHeaderLen + out.record_length;
  const size_t hs_end = kRecordHeaderLen + kHandshakeHeaderLen + out.handshake_length;
  // A hello longer than its record continues in the next record (fragmentation, legal but
  // rare); without reassembly the first record's end is where our bytes stop.
  const size_t avail = seg.size() < record_end ? seg.size() : record_end;
  Walker w(seg, avail);
  const uint8_t* p = nullptr;
  Take t;

  if ((t = w.take(2, hs_end, p)) != Take::kOk) return to_status(t);
  out.client_version = rd16(p);
  if (p[0] != 0x03) return TlsStatus::kNotClientHello;
  if ((t = w.take(kRandomLen, hs_end, p)) != Take::kOk) return to_status(t);

  if ((t = w.take(1, hs_end, p)) != Take::kOk) return to_status(t);
  const size_t sid_len = p[0];
  if (sid_len > kMaxSessionIdLen) return TlsStatus::kMalformed;
  if ((t = w.take(sid_len, hs_end, p)) != Take::kOk) return to_status(t);
  out.session_id = {p, sid_len};

  if ((t = w.take(2, hs_end, p)) != Take::kOk) return to_status(t);
  const size_t cs_len = rd16(p);
  if (cs_len < 2 || cs_len % 2 != 0) return TlsStatus::kMalformed;
  if ((t = w.take(cs_len, hs_end, p)) != Take::kOk) return to_status(t);
  out.cipher_suite_count = uint16_t(cs_len / 2);

  if ((t = w.take(1, hs_end, p)) != Take::kOk) return to_status(t);
  const size_t comp_len = p[0];
  if (comp_len < 1) return TlsStatus::kMalformed;
  if ((t = w.take(comp_len, hs_end, p)) != Take::kOk) return to_status(t);

  if (w.pos() == hs_end) return TlsStatus::kOk;  // pre-TLS 1.2 hellos may omit extensions
  if ((t = w.take(2, hs_end, p)) != Take::kOk) return to_status(t);
  const size_t ext_end = w.pos() + rd16(p);
  if (ext_end > hs_end) return TlsStatus::kMalformed;

  // Cap: kTlsMaxExtensions; every iteration also consumes at least 4 bytes.
  for (size_t n = 0; w.pos() < ext_end; ++n) {
    if (n == kTlsMaxExtensions) {
      out.extensions_capped = true;
      break;
    }
    if ((t = w.take(4, ext_end, p)) != Take::kOk) return to_status(t);
    const uint16_t type = rd16(p);
    const size_t len = rd16(p + 2);
    if ((t = w.take(len, ext_end, p)) != Take::kOk) return to_status(t);
    ++out.extension_count;
    if (type == kExtServerName && !out.has_sni) {
      if (!parse_sni(p, len, out)) return TlsStatus::kMalformed;
    } else if (type == kExtAlpn && !out.has_alpn) {
      if (!parse_alpn(p, len, out)) return TlsStatus::kMalformed;
    }
  }
  return TlsStatus::kOk;
}

}  // namespace

TlsStatus parse_client_hello(std::span<const uint8_t> segment, TlsClientHello& out) noexcept {
  out = TlsClientHello{};
  const TlsStatus st = walk(segment, out);
  out.truncated = st == TlsStatus::kTruncated;
  if (st == TlsStatus::kNotClientHello || st == TlsStatus::kMalformed) {
    // Nothing from a rejected hello is evidence; keep only the header fields for debugging.
    out.has_sni = false;
    out.sni = {};
    out.has_alpn = false;
    out.alpn_first = {};
  }
  return st;
}

}  // namespace btsensor::proto
