// BitTorrent Local Service Discovery (BEP 14) announce parsing.
//
// An LSD announce is an HTTP-like UDP datagram multicast to 239.192.152.143:6771 (IPv4) or
// [ff15::efc0:988f]:6771 (IPv6):
//   BT-SEARCH * HTTP/1.1\r\n
//   Host: 239.192.152.143:6771\r\n
//   Port: <listen port>\r\n
//   Infohash: <40 hex chars>\r\n        (one or more)
//   cookie: <opaque>\r\n                 (optional, to filter out own announces)
//   \r\n
// It is very strong host-level evidence (only BitTorrent clients send it), but LAN-only.
//
// Hot-path rules: no heap allocation, no exceptions, no I/O; every read bounds-checked; at most
// kLsdMaxLines header lines are examined. Lifetime: string_views in LsdAnnounce point into the
// datagram and are valid only while that packet buffer is.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

namespace btsensor::proto {

// Header lines examined after the request line. A real announce has 3–6 (libtorrent sends
// Host, Port, Infohash, cookie); the cap bounds adversarial datagrams of tiny lines.
inline constexpr size_t kLsdMaxLines = 32;
// Info hashes decoded into LsdAnnounce; further ones are only counted.
inline constexpr size_t kLsdMaxInfohashes = 4;

struct LsdAnnounce {
  bool ipv6_host = false;      // Host was [ff15::efc0:988f]:6771
  uint16_t port = 0;           // the announcer's BitTorrent listen port
  uint8_t infohash_count = 0;  // Infohash headers seen (saturates at 255)
  std::array<std::array<uint8_t, 20>, kLsdMaxInfohashes> infohashes{};  // first ones, decoded
  std::string_view cookie;  // `cookie` value, empty if absent
};

// Parses a BEP 14 announce.
// Requires: the exact request line "BT-SEARCH * HTTP/1.1" at offset 0; exactly one Host header
// equal to one of the two multicast group:port strings; exactly one Port header with a decimal
// 1..65535; at least one Infohash header of exactly 40 hex characters (any case). Header names
// are case-insensitive, values are trimmed of spaces/tabs; lines end with CRLF (a bare LF is
// tolerated); unknown headers are ignored; parsing stops at the empty line or the end of the
// datagram. Returns false (and resets `out`) otherwise.
bool parse_lsd(std::span<const uint8_t> payload, LsdAnnounce& out) noexcept;

}  // namespace btsensor::proto
