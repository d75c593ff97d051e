// BitTorrent Mainline DHT (BEP 5 KRPC over UDP) message parser, plus decoders for the compact
// peer / node formats (BEP 5, BEP 23, BEP 32) shared with the UDP tracker parser.
//
// Why a real parser instead of a prefix: Suricata and Wireshark recognise DHT only by the
// canonical-order prefixes "d1:ad2:id20:", "d1:rd…", "d1:el", "d2:ip"; a client that emits keys
// in another order (e.g. "d1:t2:aa1:y1:q…") is missed. parse_dht walks the top-level dictionary
// in ANY key order and checks the semantic requirements instead.
//
// Hot-path rules: no heap allocation, no exceptions, no I/O; every read is bounds-checked and
// every loop is capped (see bencode.hpp). Lifetime: spans/string_views in DhtMessage point into
// the datagram and are valid only while that packet buffer is.
//
// Evidence strength: a message that passes parse_dht is a well-formed KRPC message, which is
// strong evidence of a DHT node (BitTorrent or the Mozi IoT botnet, which reuses the BT DHT).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include "btsensor/types.hpp"

namespace btsensor::proto {

// Smallest message parse_dht can accept: "d1:ele1:t1:x1:y1:ee" (an error with an empty `e`
// list) is 19 bytes; anything shorter is rejected before walking.
inline constexpr size_t kDhtMinLen = 19;
// BEP 5 transaction ids are "typically 2 characters"; clients use 1–8 bytes. 32 is generous and
// still rejects random bencode that happens to carry a long `t`.
inline constexpr size_t kDhtMaxTransactionIdLen = 32;
// Longest query method name accepted ("sample_infohashes" is 17).
inline constexpr size_t kDhtMaxQueryNameLen = 32;

inline constexpr size_t kCompactPeerV4Len = 6;   // 4-byte IPv4 + 2-byte port (BEP 5/23)
inline constexpr size_t kCompactPeerV6Len = 18;  // 16-byte IPv6 + 2-byte port (BEP 7/32)
inline constexpr size_t kCompactNodeV4Len = 26;  // 20-byte node id + compact IPv4 peer
inline constexpr size_t kCompactNodeV6Len = 38;  // 20-byte node id + compact IPv6 peer

enum class DhtKind : uint8_t { query, response, error };

enum class DhtQuery : uint8_t {
  none,               // not a query
  ping,               // BEP 5
  find_node,          // BEP 5
  get_peers,          // BEP 5
  announce_peer,      // BEP 5
  sample_infohashes,  // BEP 51
  other,              // any other method name (BEP 44 get/put, vendor extensions)
};

struct DhtMessage {
  DhtKind kind = DhtKind::query;
  DhtQuery query = DhtQuery::none;
  std::span<const uint8_t> transaction_id;  // `t` (1..kDhtMaxTransactionIdLen bytes)
  std::string_view query_name;              // `q` as sent; empty unless kind == query
  std::array<uint8_t, 20> node_id{};        // `a.id` / `r.id`; zero for errors
  bool has_info_hash = false;
  std::array<uint8_t, 20> info_hash{};  // `a.info_hash` (get_peers, announce_peer)
  bool has_target = false;
  std::array<uint8_t, 20> target{};  // `a.target` (find_node, sample_infohashes)
  uint16_t port = 0;                 // `a.port` of announce_peer, 0 if absent
  bool implied_port = false;         // `a.implied_port` == 1
  bool has_token = false;            // `a.token` or `r.token` present
  // `v`: client version, 2-letter client code + 2 version bytes. Only the first 4 bytes are
  // kept; longer values are accepted (version_len == 4).
  uint8_t version_len = 0;
  std::array<uint8_t, 4> version{};
  std::span<const uint8_t> nodes;   // `r.nodes` payload, a multiple of kCompactNodeV4Len
  std::span<const uint8_t> nodes6;  // `r.nodes6` payload, a multiple of kCompactNodeV6Len
  std::span<const uint8_t> values;  // `r.values` whole list encoding ("l6:……e"), or empty
  uint16_t values_count = 0;        // elements of `values` (each 6 or 18 bytes)
  bool has_error_code = false;
  int64_t error_code = 0;          // first element of `e`
  std::string_view error_message;  // second element of `e`
};

// Parses one KRPC datagram payload.
// Accepts: exactly one complete bencoded dict spanning the whole payload, keys in any order,
//   `y` in {q, r, e}; a string `t` of 1..kDhtMaxTransactionIdLen bytes;
//   q: a non-empty string `q` (unknown names -> DhtQuery::other) and a dict `a` with a 20-byte
//      `id`; r: a dict `r` with a 20-byte `id`; e: a list `e`.
// Rejects (returns false): anything else, duplicate top-level keys or duplicate known inner keys
//   (ambiguous input is an evasion vector), and malformed known fields (info_hash/target not 20
//   bytes, nodes/nodes6 not a multiple of 26/38, a values element that is not a 6- or 18-byte
//   string, port outside 1..65535).
// Post: on true `out` is filled; on false `out` is reset to defaults.
bool parse_dht(std::span<const uint8_t> payload, DhtMessage& out) noexcept;

const char* dht_query_name(DhtQuery q) noexcept;

struct PeerEndpoint {
  IpAddr addr;
  uint16_t port = 0;
};

// Decodes back-to-back compact peers (4- or 16-byte address + 2-byte big-endian port) into
// `out`. Writes at most out.size() entries (the caller's cap) and returns the number written;
// a trailing partial record is ignored. IPv4 addresses are stored IPv4-mapped (types.hpp).
size_t decode_compact_peers(std::span<const uint8_t> compact, bool ipv6,
                            std::span<PeerEndpoint> out) noexcept;
// Same for compact node infos (20-byte node id + compact peer); the ids are skipped.
size_t decode_compact_nodes(std::span<const uint8_t> compact, bool ipv6,
                            std::span<PeerEndpoint> out) noexcept;
// Decodes the `values` list of a get_peers reply (DhtMessage::values): each element is a 6- or
// 18-byte compact peer string; other elements are skipped. Returns entries written (capped).
size_t decode_dht_values(std::span<const uint8_t> values_list,
                         std::span<PeerEndpoint> out) noexcept;

}  // namespace btsensor::proto
