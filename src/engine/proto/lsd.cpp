#include "engine/proto/lsd.hpp"

namespace btsensor::proto {
namespace {

constexpr std::string_view kRequestLine = "BT-SEARCH * HTTP/1.1";
constexpr std::string_view kHostV4 = "239.192.152.143:6771";    // BEP 14 IPv4 group:port
constexpr std::string_view kHostV6 = "[ff15::efc0:988f]:6771";  // BEP 14 IPv6 group:port

char lower(char c) {
  return (c >= 'A' && c <= 'Z') ? char(c - 'A' + 'a') : c;
}

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {  // bounded by the (short) header name
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  c = lower(c);
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

// Splits off the next line of `rest` (without its CRLF / LF). False when `rest` is empty.
bool next_line(std::string_view& rest, std::string_view* line) {
  if (rest.empty()) return false;
  const size_t nl = rest.find('\n');
  std::string_view l = (nl == std::string_view::npos) ? rest : rest.substr(0, nl);
  rest.remove_prefix(nl == std::string_view::npos ? rest.size() : nl + 1);
  if (!l.empty() && l.back() == '\r') l.remove_suffix(1);
  *line = l;
  return true;
}

bool parse_port(std::string_view v, uint16_t* port) {
  if (v.empty() || v.size() > 5) return false;
  uint32_t n = 0;
  for (char c : v) {  // at most 5 digits
    if (c < '0' || c > '9') return false;
    n = n * 10 + uint32_t(c - '0');
  }
  if (n == 0 || n > 65535) return false;
  *port = uint16_t(n);
  return true;
}

bool parse_lsd_impl(std::string_view text, LsdAnnounce& out) {
  std::string_view line;
  if (!next_line(text, &line) || line != kRequestLine) return false;

  bool have_host = false, have_port = false;
  size_t lines = 0;
  // Stops at the empty line that ends the head or at the end of the datagram. Each line
  // consumes input, and more than kLsdMaxLines header lines is not a BEP 14 announce.
  while (next_line(text, &line) && !line.empty()) {
    if (++lines > kLsdMaxLines) return false;
    const size_t colon = line.find(':');
    if (colon == std::string_view::npos) return false;  // not a header line
    const std::string_view name = line.substr(0, colon);
    const std::string_view value = trim(line.substr(colon + 1));
    if (iequals(name, "Host")) {
      if (have_host) return false;
      have_host = true;
      if (value == kHostV4) {
        out.ipv6_host = false;
      } else if (value == kHostV6) {
        out.ipv6_host = true;
      } else {
        return false;
      }
    } else if (iequals(name, "Port")) {
      if (have_port || !parse_port(value, &out.port)) return false;
      have_port = true;
    } else if (iequals(name, "Infohash")) {
      if (value.size() != 40) return false;  // 20-byte SHA-1 as hex
      std::array<uint8_t, 20> hash{};
      for (size_t b = 0; b < 20; ++b) {
        const int hi = hex_value(value[2 * b]);
        const int lo = hex_value(value[2 * b + 1]);
        if (hi < 0 || lo < 0) return false;
        hash[b] = uint8_t(hi << 4 | lo);
      }
      if (out.infohash_count < kLsdMaxInfohashes) out.infohashes[out.infohash_count] = hash;
      if (out.infohash_count < UINT8_MAX) ++out.infohash_count;
    } else if (iequals(name, "cookie")) {
      out.cookie = value;
    }
  }
  return have_host && have_port && out.infohash_count > 0;
}

}  // namespace

bool parse_lsd(std::span<const uint8_t> payload, LsdAnnounce& out) noexcept {
  out = LsdAnnounce{};
  const std::string_view text(reinterpret_cast<const char*>(payload.data()), payload.size());
  if (parse_lsd_impl(text, out)) return true;
  out = LsdAnnounce{};
  return false;
}

}  // namespace btsensor::proto
