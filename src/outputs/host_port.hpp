// "host:port" text, as config and command line write addresses: "127.0.0.1:9100",
// "[::1]:514", "logs.example:6514". Header-only and syntax-only (no resolution), so the
// config checker can use it without linking the outputs.
#pragma once

#include <charconv>
#include <cstdint>
#include <string>
#include <string_view>

namespace btsensor {

struct HostPort {
  std::string host;  // without brackets
  uint16_t port = 0;
};

// False when the text is not host:port with a port in [0, 65535] and a non-empty host.
inline bool split_host_port(std::string_view text, HostPort& out) {
  size_t colon;
  if (!text.empty() && text[0] == '[') {
    size_t close = text.find(']');
    if (close == std::string_view::npos || close + 1 >= text.size() || text[close + 1] != ':')
      return false;
    out.host = std::string(text.substr(1, close - 1));
    colon = close + 1;
  } else {
    colon = text.rfind(':');
    if (colon == std::string_view::npos) return false;
    out.host = std::string(text.substr(0, colon));
    // An unbracketed IPv6 address is ambiguous ("::1:514"): require brackets.
    if (out.host.find(':') != std::string::npos) return false;
  }
  std::string_view p = text.substr(colon + 1);
  unsigned v = 0;
  auto [end, ec] = std::from_chars(p.data(), p.data() + p.size(), v);
  if (p.empty() || ec != std::errc{} || end != p.data() + p.size() || v > 65535) return false;
  out.port = uint16_t(v);
  return !out.host.empty();
}

}  // namespace btsensor
