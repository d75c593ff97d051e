// HTTP/1.x head parsing and BitTorrent tracker/.torrent/magnet classification. All scanning
// is done on a std::string_view over the segment with explicit index checks; only the
// non-throwing string_view members are used (find, rfind, size, operator[] below size), and
// slicing goes through sub() below.
#include "engine/proto/http.hpp"

namespace btsensor::proto {
namespace {

constexpr size_t npos = std::string_view::npos;

// std::string_view::substr, minus the out_of_range throw: `pos` is clamped to the size. Every
// call site passes pos <= size anyway; this keeps exception paths out of the hot-path code.
constexpr std::string_view sub(std::string_view s, size_t pos, size_t n = npos) {
  if (pos > s.size()) pos = s.size();
  return {s.data() + pos, n < s.size() - pos ? n : s.size() - pos};
}

constexpr char lower(char c) {
  return (c >= 'A' && c <= 'Z') ? char(c - 'A' + 'a') : c;
}

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

bool istarts_with(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() && iequals(sub(s, 0, prefix.size()), prefix);
}

bool iends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && iequals(sub(s, s.size() - suffix.size()), suffix);
}

// Case-insensitive search; `needle` must be lower-case. O(n*m), but m is a short literal
// and n is bounded by the segment.
size_t ifind(std::string_view hay, std::string_view needle, size_t from = 0) {
  if (needle.size() > hay.size()) return npos;
  for (size_t i = from; i + needle.size() <= hay.size(); ++i) {
    size_t k = 0;
    while (k < needle.size() && lower(hay[i + k]) == needle[k]) ++k;
    if (k == needle.size()) return i;
  }
  return npos;
}

// RFC 9110 section 5.6.2 tchar: what a method or a header field name may consist of.
bool is_tchar(char ch) {
  const auto c = static_cast<unsigned char>(ch);
  if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) return true;
  constexpr std::string_view kSpecials = "!#$%&'*+-.^_`|~";
  return kSpecials.find(char(c)) != npos;
}

bool all_tchar(std::string_view s) {
  for (char c : s) {
    if (!is_tchar(c)) return false;
  }
  return !s.empty();
}

// A request-target byte: visible ASCII, plus obs-text (>= 0x80) because sloppy clients send
// raw UTF-8 in paths and we would rather see those requests than reject them.
bool is_target_char(char ch) {
  const auto c = static_cast<unsigned char>(ch);
  return (c > 0x20 && c < 0x7f) || c >= 0x80;
}

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string_view trim_ows(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

std::string_view as_text(std::span<const uint8_t> b) {
  return {reinterpret_cast<const char*>(b.data()), b.size()};
}

struct Line {
  std::string_view text;  // without the CR LF (or bare LF, which we tolerate like most servers)
  bool complete = false;  // an LF was found inside the segment
  size_t next = 0;        // index just after the LF
};

Line next_line(std::string_view buf, size_t pos) {
  Line l;
  if (pos > buf.size()) pos = buf.size();
  const size_t lf = buf.find('\n', pos);
  const size_t end = lf == npos ? buf.size() : lf;
  l.complete = lf != npos;
  l.next = l.complete ? lf + 1 : buf.size();
  l.text = sub(buf, pos, end - pos);
  if (!l.text.empty() && l.text.back() == '\r') l.text.remove_suffix(1);
  return l;
}

// "HTTP/1.<digit>", case-sensitive (RFC 9112 section 2.3).
bool parse_version(std::string_view v, uint8_t& minor) {
  if (v.size() != 8 || sub(v, 0, 7) != "HTTP/1." || !is_digit(v[7])) return false;
  minor = uint8_t(v[7] - '0');
  return true;
}

// True when `v` could be the start of "HTTP/1.<digit>" (a request line cut inside the version).
bool is_version_prefix(std::string_view v) {
  constexpr std::string_view kPrefix = "HTTP/1.";
  if (v.size() > 8) return false;
  for (size_t i = 0; i < v.size(); ++i) {
    if (i < kPrefix.size() ? v[i] != kPrefix[i] : !is_digit(v[i])) return false;
  }
  return true;
}

HttpMethod method_from(std::string_view m) {
  // Methods are case-sensitive (RFC 9110 section 9.1); "get" is some other token.
  struct Entry {
    std::string_view text;
    HttpMethod method;
  };
  static constexpr Entry kMethods[] = {
      {"GET", HttpMethod::kGet},         {"HEAD", HttpMethod::kHead},
      {"POST", HttpMethod::kPost},       {"PUT", HttpMethod::kPut},
      {"DELETE", HttpMethod::kDelete},   {"CONNECT", HttpMethod::kConnect},
      {"OPTIONS", HttpMethod::kOptions}, {"TRACE", HttpMethod::kTrace},
      {"PATCH", HttpMethod::kPatch},
  };
  for (const Entry& e : kMethods) {
    if (e.text == m) return e.method;
  }
  return HttpMethod::kOther;
}

struct HeadScan {
  bool complete = false;
  bool capped = false;
  uint16_t lines = 0;
  size_t head_len = 0;
};

// Walks header lines from `pos`, calling on_header(name, value) for each well-formed one.
// Malformed lines (no colon, non-token name) and obs-fold continuations are skipped but
// counted, so the cap also bounds garbage. A line without LF (cut at the segment end) is
// ignored: its value may be incomplete.
template <class OnHeader>
HeadScan scan_headers(std::string_view buf, size_t pos, OnHeader&& on_header) {
  HeadScan s;
  // Cap: kHttpMaxHeaders header lines plus the terminating blank line.
  for (size_t n = 0; n <= kHttpMaxHeaders; ++n) {
    const Line l = next_line(buf, pos);
    if (!l.complete) return s;
    if (l.text.empty()) {
      s.complete = true;
      s.head_len = l.next;
      return s;
    }
    if (n == kHttpMaxHeaders) break;
    ++s.lines;
    pos = l.next;
    if (l.text[0] == ' ' || l.text[0] == '\t') continue;  // obs-fold: not a header of interest
    const size_t colon = l.text.find(':');
    if (colon == npos) continue;
    const std::string_view name = sub(l.text, 0, colon);
    if (!all_tchar(name)) continue;
    on_header(name, trim_ows(sub(l.text, colon + 1)));
  }
  s.capped = true;
  return s;
}

HttpStatus head_status(const HeadScan& s) {
  return s.complete ? HttpStatus::kComplete : HttpStatus::kTruncated;
}

// Skips a chunk-size line ("1a3;ext\r\n") at the start of a chunked body: it must start
// with a hex digit and end within kMaxChunkLine bytes; anything else is left alone (and then
// will not classify).
std::span<const uint8_t> skip_chunk_size(std::span<const uint8_t> body) {
  constexpr size_t kMaxChunkLine = 64;  // size + extensions; real servers send "<hex>\r\n"
  const std::string_view t = as_text(body);
  size_t i = 0;
  while (i < t.size() && i < 16 && hex_value(t[i]) >= 0) ++i;
  if (i == 0) return body;
  const size_t lf = sub(t, 0, t.size() < kMaxChunkLine ? t.size() : kMaxChunkLine).find('\n');
  if (lf == npos) return body;
  return body.subspan(lf + 1);
}

// Parses up to two decimal digits followed by ':' at `s[pos]`: a bencode string length small
// enough for a dictionary key we care about (the longest is "warning message", 15).
bool key_len(std::string_view s, size_t& pos, size_t& len) {
  size_t n = 0;
  size_t i = pos;
  while (i < s.size() && i - pos < 2 && is_digit(s[i])) n = n * 10 + size_t(s[i++] - '0');
  if (i == pos || i >= s.size() || s[i] != ':') return false;
  if (s[pos] == '0' && i - pos > 1) return false;  // bencode forbids leading zeros
  pos = i + 1;
  len = n;
  return true;
}

bool parse_port(std::string_view v, uint16_t& port) {
  if (v.empty() || v.size() > 5) return false;
  uint32_t n = 0;
  for (char c : v) {
    if (!is_digit(c)) return false;
    n = n * 10 + uint32_t(c - '0');
  }
  if (n > 65535) return false;
  port = uint16_t(n);
  return true;
}

TrackerEvent event_from(std::string_view v) {
  if (v.empty()) return TrackerEvent::kNone;  // BEP 3: "empty" is the same as not present
  if (v == "started") return TrackerEvent::kStarted;
  if (v == "stopped") return TrackerEvent::kStopped;
  if (v == "completed") return TrackerEvent::kCompleted;
  if (v == "paused") return TrackerEvent::kPaused;  // BEP 21
  return TrackerEvent::kOther;
}

// Drops "scheme://authority" from an absolute-form target (proxied requests) so that the
// path tests see "/announce..." in both forms.
std::string_view origin_form(std::string_view target) {
  size_t skip = 0;
  if (istarts_with(target, "http://")) skip = 7;
  if (istarts_with(target, "https://")) skip = 8;
  if (skip == 0) return target;
  const size_t slash = target.find('/', skip);
  return slash == npos ? std::string_view{} : sub(target, slash);
}

bool decode_hex_hash(std::string_view s, std::array<uint8_t, 20>& out) {
  if (s.size() != 40) return false;
  for (size_t i = 0; i < 20; ++i) {
    const int hi = hex_value(s[2 * i]);
    const int lo = hex_value(s[2 * i + 1]);
    if (hi < 0 || lo < 0) return false;
    out[i] = uint8_t(hi << 4 | lo);
  }
  return true;
}

// RFC 4648 base32 (A-Z, 2-7), 32 characters = 160 bits = exactly 20 bytes, no padding.
bool decode_base32_hash(std::string_view s, std::array<uint8_t, 20>& out) {
  if (s.size() != 32) return false;
  uint32_t acc = 0;
  int bits = 0;
  size_t o = 0;
  for (char ch : s) {
    const char c = lower(ch);
    uint32_t v;
    if (c >= 'a' && c <= 'z') {
      v = uint32_t(c - 'a');
    } else if (c >= '2' && c <= '7') {
      v = uint32_t(c - '2' + 26);
    } else {
      return false;
    }
    acc = (acc << 5 | v) & 0xfff;  // at most 12 live bits: 7 left over + 5 new
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = uint8_t(acc >> bits);  // o < 20: 32*5/8 = 20 bytes exactly
    }
  }
  return o == 20;
}

}  // namespace

HttpStatus parse_http_request(std::span<const uint8_t> segment, HttpRequest& out) noexcept {
  out = HttpRequest{};
  const std::string_view buf = as_text(segment);
  const Line rl = next_line(buf, 0);
  const std::string_view line = rl.text;

  // method SP request-target SP HTTP-version (RFC 9112 section 3). Exactly one SP each.
  size_t i = 0;
  while (i < line.size() && i <= kHttpMaxMethodLen && is_tchar(line[i])) ++i;
  if (i == 0 || i > kHttpMaxMethodLen || i >= line.size() || line[i] != ' ') {
    return HttpStatus::kInvalid;
  }
  out.method_text = sub(line, 0, i);
  out.method = method_from(out.method_text);
  // A line cut at the segment end is only believed for a well-known method: an arbitrary
  // token followed by a space is too common in binary payloads.
  const bool may_truncate = !rl.complete && out.method != HttpMethod::kOther;

  const size_t t0 = i + 1;
  size_t j = t0;
  while (j < line.size() && is_target_char(line[j])) ++j;
  if (j == t0) return HttpStatus::kInvalid;
  out.target = sub(line, t0, j - t0);
  if (j == line.size()) {
    // No version: either HTTP/0.9 (not supported) or cut inside the target.
    if (!may_truncate) return HttpStatus::kInvalid;
    out.target_truncated = true;
    return HttpStatus::kTruncated;
  }
  if (line[j] != ' ') return HttpStatus::kInvalid;  // control byte inside the target
  const std::string_view version = sub(line, j + 1);
  if (!rl.complete) {
    if (!may_truncate || !is_version_prefix(version)) return HttpStatus::kInvalid;
    out.version_seen = parse_version(version, out.version_minor);
    return HttpStatus::kTruncated;
  }
  if (!parse_version(version, out.version_minor)) return HttpStatus::kInvalid;
  out.version_seen = true;

  const HeadScan s = scan_headers(buf, rl.next, [&](std::string_view name, std::string_view v) {
    if (!out.has_host && iequals(name, "host")) {
      out.has_host = true;
      out.host = v;
    } else if (!out.has_user_agent && iequals(name, "user-agent")) {
      out.has_user_agent = true;
      out.user_agent = v;
    }
  });
  out.header_lines = s.lines;
  out.headers_capped = s.capped;
  out.head_len = s.head_len;
  return head_status(s);
}

HttpStatus parse_http_response(std::span<const uint8_t> segment, HttpResponse& out) noexcept {
  out = HttpResponse{};
  const std::string_view buf = as_text(segment);
  const Line sl = next_line(buf, 0);
  if (!sl.complete) return HttpStatus::kInvalid;
  const std::string_view line = sl.text;

  // HTTP-version SP 3DIGIT [SP reason-phrase] (RFC 9112 section 4). A missing reason (and
  // its SP) is tolerated: some trackers send "HTTP/1.0 200\r\n".
  if (line.size() < 12 || !parse_version(sub(line, 0, 8), out.version_minor) || line[8] != ' ' ||
      !is_digit(line[9]) || !is_digit(line[10]) || !is_digit(line[11])) {
    return HttpStatus::kInvalid;
  }
  out.status_code = uint16_t((line[9] - '0') * 100 + (line[10] - '0') * 10 + (line[11] - '0'));
  if (line.size() > 12) {
    if (line[12] != ' ') return HttpStatus::kInvalid;
    out.reason = sub(line, 13);
  }

  const HeadScan s = scan_headers(buf, sl.next, [&](std::string_view name, std::string_view v) {
    if (!out.has_content_type && iequals(name, "content-type")) {
      out.has_content_type = true;
      out.content_type = v;
      out.content_type_torrent = is_torrent_content_type(v);
    } else if (!out.has_server && iequals(name, "server")) {
      out.has_server = true;
      out.server = v;
    } else if (iequals(name, "transfer-encoding") && ifind(v, "chunked") != npos) {
      out.chunked = true;
    }
  });
  out.header_lines = s.lines;
  out.headers_capped = s.capped;
  out.head_len = s.head_len;
  if (s.complete) {
    out.body = segment.subspan(s.head_len);
    out.body_kind = classify_bencoded_body(out.chunked ? skip_chunk_size(out.body) : out.body);
  }
  return head_status(s);
}

BencodeBodyKind classify_bencoded_body(std::span<const uint8_t> body) noexcept {
  const std::string_view t = as_text(body);
  if (t.empty() || t[0] != 'd') return BencodeBodyKind::kUnknown;
  size_t pos = 1;
  size_t len = 0;
  if (!key_len(t, pos, len) || len > t.size() - pos) return BencodeBodyKind::kUnknown;
  const std::string_view key = sub(t, pos, len);

  // BEP 3 / BEP 7 / BEP 48 reply keys. Bencode dicts are sorted, so a compliant reply starts
  // with the smallest key present; the list includes keys that can be first in some reply.
  static constexpr std::string_view kReplyKeys[] = {
      "complete", "incomplete",     "interval",        "min interval", "peers",
      "peers6",   "failure reason", "warning message", "files",
  };
  // Metainfo (BEP 3 / BEP 12): announce sorts first; a trackerless torrent starts with info
  // only when it has no comment/created by/creation date/encoding keys.
  static constexpr std::string_view kTorrentKeys[] = {"announce", "announce-list", "info"};
  for (std::string_view k : kReplyKeys) {
    if (key == k) return BencodeBodyKind::kTrackerReply;
  }
  for (std::string_view k : kTorrentKeys) {
    if (key == k) return BencodeBodyKind::kTorrentFile;
  }
  return BencodeBodyKind::kUnknown;
}

bool is_torrent_content_type(std::string_view content_type) noexcept {
  const size_t semi = content_type.find(';');
  const std::string_view media = trim_ows(sub(content_type, 0, semi));
  return iequals(media, "application/x-bittorrent");
}

bool url_decode(std::string_view in, std::span<uint8_t> out, size_t& out_len) noexcept {
  size_t o = 0;
  size_t i = 0;
  // Bounded by in.size(): i advances by 1 or 3 every iteration.
  while (i < in.size()) {
    if (o == out.size()) return false;
    if (in[i] == '%') {
      if (in.size() - i < 3) return false;  // '%' must be followed by two characters
      const int hi = hex_value(in[i + 1]);
      const int lo = hex_value(in[i + 2]);
      if (hi < 0 || lo < 0) return false;
      out[o++] = uint8_t(hi << 4 | lo);
      i += 3;
    } else {
      out[o++] = uint8_t(in[i]);
      ++i;
    }
  }
  out_len = o;
  return true;
}

bool classify_tracker_request(const HttpRequest& req, TrackerRequest& out) noexcept {
  out = TrackerRequest{};
  const std::string_view target = origin_form(req.target);
  const size_t qmark = target.find('?');
  if (qmark == npos) return false;
  const std::string_view path = sub(target, 0, qmark);
  std::string_view query = sub(target, qmark + 1);
  query = sub(query, 0, query.find('#'));

  const size_t last_slash = path.rfind('/');
  const std::string_view last = last_slash == npos ? path : sub(path, last_slash + 1);
  TrackerKind kind;
  if (istarts_with(last, "scrape")) {
    kind = TrackerKind::kScrape;  // BEP 48: "announce" in the last segment replaced by "scrape"
  } else if (ifind(path, "announce") != npos) {
    kind = TrackerKind::kAnnounce;  // "/announce", "announce.php", "/<passkey>/announce", ...
  } else {
    return false;
  }

  TrackerRequest r;
  size_t pos = 0;
  for (size_t n = 0; n < kHttpMaxQueryParams; ++n) {  // cap: see kHttpMaxQueryParams
    const size_t amp = query.find('&', pos);
    const bool final_param = amp == npos;
    const size_t end = final_param ? query.size() : amp;
    const std::string_view param = sub(query, pos, end - pos);
    if (final_param && req.target_truncated) break;  // may be cut at the segment end
    const size_t eq = param.find('=');
    const std::string_view name = sub(param, 0, eq);
    const std::string_view value = eq == npos ? std::string_view{} : sub(param, eq + 1);

    if (name == "info_hash") {
      std::array<uint8_t, 20> h;
      size_t len = 0;
      // Every info_hash must be a well-formed 20-byte SHA-1; one bad value means this is not
      // a tracker request (or a broken one we would rather not vouch for).
      if (!url_decode(value, h, len) || len != h.size()) return false;
      if (r.info_hash_count == 0) r.info_hash = h;
      ++r.info_hash_count;
    } else if (name == "peer_id" && !r.has_peer_id) {
      size_t len = 0;
      if (url_decode(value, r.peer_id, len)) {
        r.has_peer_id = true;
        r.peer_id_len = uint8_t(len);
      } else {
        r.peer_id = {};
      }
    } else if (name == "port" && !r.has_port) {
      r.has_port = parse_port(value, r.port);
    } else if (name == "event" && r.event_text.empty()) {
      r.event_text = value;
      r.event = event_from(value);
    } else if (name == "compact" && r.compact < 0) {
      if (value == "0" || value == "1") r.compact = int8_t(value[0] - '0');
    }
    if (final_param) break;
    pos = end + 1;
  }
  if (r.info_hash_count == 0) return false;
  r.kind = kind;
  out = r;
  return true;
}

bool classify_torrent_link(const HttpRequest& req, TorrentLink& out) noexcept {
  out = TorrentLink{};
  const std::string_view target = origin_form(req.target);
  const size_t qmark = target.find_first_of("?#");
  const std::string_view path = sub(target, 0, qmark);
  // A truncated target with no query may have lost the rest of its path (x.torrent.html).
  const bool path_complete = !req.target_truncated || qmark != npos;
  if (req.method == HttpMethod::kGet && path_complete && iends_with(path, ".torrent")) {
    out.torrent_file = true;
  }

  // magnet:?...xt=urn:btih:<hash>, literally or percent-encoded as a parameter value (web
  // pages that redirect to a magnet link). The hash is the run of alphanumerics that follows.
  size_t h = npos;
  if (const size_t m = ifind(target, "magnet:?"); m != npos) {
    if (const size_t x = ifind(target, "xt=urn:btih:", m + 8); x != npos) h = x + 12;
  } else if (const size_t me = ifind(target, "magnet%3a%3f"); me != npos) {
    if (const size_t x = ifind(target, "xt%3durn%3abtih%3a", me + 12); x != npos) h = x + 18;
  }
  if (h != npos) {
    size_t e = h;
    // Cap: one past the longest form (40) is enough to tell "too long".
    while (e < target.size() && e - h <= 40 &&
           (is_digit(target[e]) || (lower(target[e]) >= 'a' && lower(target[e]) <= 'z'))) {
      ++e;
    }
    const bool may_be_cut = req.target_truncated && e == target.size();
    const std::string_view hash = sub(target, h, e - h);
    if (!may_be_cut && (decode_hex_hash(hash, out.btih) || decode_base32_hash(hash, out.btih))) {
      out.magnet = true;
    } else {
      out.btih = {};
    }
  }
  return out.torrent_file || out.magnet;
}

}  // namespace btsensor::proto
