// Text forms of addresses. Control plane and output only; never called per packet.
#include "btsensor/types.hpp"

#include <arpa/inet.h>

namespace btsensor {

std::string IpAddr::to_string() const {
  char buf[INET6_ADDRSTRLEN];
  if (is_v4()) {
    inet_ntop(AF_INET, &b[12], buf, sizeof buf);
  } else {
    inet_ntop(AF_INET6, b.data(), buf, sizeof buf);
  }
  return buf;
}

std::optional<IpAddr> IpAddr::parse(std::string_view text) {
  // inet_pton needs a NUL-terminated string; the longest valid text is INET6_ADDRSTRLEN-1.
  char buf[INET6_ADDRSTRLEN];
  if (text.empty() || text.size() >= sizeof buf) return std::nullopt;
  text.copy(buf, text.size());
  buf[text.size()] = '\0';
  uint8_t raw[16];
  if (inet_pton(AF_INET, buf, raw) == 1) return IpAddr::v4_bytes(raw);
  if (inet_pton(AF_INET6, buf, raw) == 1) return IpAddr::v6_bytes(raw);
  return std::nullopt;
}

const char* proto_name(uint8_t proto) {
  switch (proto) {
    case kProtoTcp:
      return "TCP";
    case kProtoUdp:
      return "UDP";
    case kProtoIcmp:
      return "ICMP";
    case 2:
      return "IGMP";
    case kProtoIcmp6:
      return "IPv6-ICMP";
    case 47:
      return "GRE";
    case 50:
      return "ESP";
    case 132:
      return "SCTP";
    default:
      return nullptr;
  }
}

}  // namespace btsensor
