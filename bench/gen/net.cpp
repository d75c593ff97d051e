#include "net.hpp"

#include <cstdio>

namespace btsensor::gen {

std::string IpAddress::to_string() const {
  char buf[64];
  if (!is_v6) {
    std::snprintf(buf, sizeof buf, "%u.%u.%u.%u", bytes[0], bytes[1], bytes[2], bytes[3]);
    return buf;
  }
  uint16_t groups[8];
  for (int i = 0; i < 8; ++i) groups[i] = uint16_t((bytes[2 * i] << 8) | bytes[2 * i + 1]);
  // RFC 5952 4.2: compress the longest run of two or more zero groups (the first on a tie).
  int best_start = -1, best_len = 0;
  for (int i = 0; i < 8;) {
    if (groups[i] != 0) {
      ++i;
      continue;
    }
    int j = i;
    while (j < 8 && groups[j] == 0) ++j;
    if (j - i > best_len && j - i >= 2) {
      best_start = i;
      best_len = j - i;
    }
    i = j;
  }
  std::string out;
  for (int i = 0; i < 8; ++i) {
    if (i == best_start) {
      out += "::";
      i += best_len - 1;
      continue;
    }
    if (!out.empty() && out.back() != ':') out += ':';
    std::snprintf(buf, sizeof buf, "%x", groups[i]);
    out += buf;
  }
  return out;
}

std::string Endpoint::to_string() const {
  // Appended piecewise: `"[" + std::string` trips GCC 12's -Wrestrict false positive at -O3.
  std::string out;
  if (ip.is_v6) out += '[';
  out += ip.to_string();
  if (ip.is_v6) out += ']';
  out += ':';
  out += std::to_string(port);
  return out;
}

}  // namespace btsensor::gen
