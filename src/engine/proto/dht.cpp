#include "engine/proto/dht.hpp"

#include <cstring>
#include <optional>

#include "engine/proto/bencode.hpp"

namespace btsensor::proto {
namespace {

// Stores `v` in `slot` unless the key was already seen; a duplicate makes the message invalid.
bool take_unique(std::optional<BencodeValue>& slot, const BencodeValue& v) {
  if (slot) return false;
  slot = v;
  return true;
}

// Copies a string value of exactly 20 bytes (node id, info_hash, target) into `dst`.
bool copy_hash20(const BencodeValue& v, std::array<uint8_t, 20>& dst) {
  const auto s = bencode_string(v);
  if (!s || s->size() != 20) return false;
  std::memcpy(dst.data(), s->data(), 20);
  return true;
}

DhtQuery query_from_name(std::string_view q) {
  if (q == "ping") return DhtQuery::ping;
  if (q == "find_node") return DhtQuery::find_node;
  if (q == "get_peers") return DhtQuery::get_peers;
  if (q == "announce_peer") return DhtQuery::announce_peer;
  if (q == "sample_infohashes") return DhtQuery::sample_infohashes;
  return DhtQuery::other;
}

// Counts the elements of a `values` list; every element must be a 6- or 18-byte string.
bool check_values(const BencodeValue& v, uint16_t* count) {
  if (v.type != BencodeType::list) return false;
  ListCursor cur(v.raw);
  BencodeValue e;
  size_t n = 0;
  // Each element is at least "6:" + 6 bytes, so a datagram (< 64 KiB) bounds the loop; the
  // count is additionally capped at the uint16_t range.
  while (cur.next(&e)) {
    const auto s = bencode_string(e);
    if (!s || (s->size() != kCompactPeerV4Len && s->size() != kCompactPeerV6Len)) return false;
    if (++n > UINT16_MAX) return false;
  }
  if (cur.status() != BencodeStatus::complete) return false;
  *count = uint16_t(n);
  return true;
}

// Parses the `a` (query arguments) or `r` (response values) dict. Both need a 20-byte `id`;
// the other keys are optional but must be well formed when present.
bool parse_body(const BencodeValue& body, DhtMessage& out) {
  if (body.type != BencodeType::dict) return false;
  std::optional<BencodeValue> id, info_hash, target, nodes, nodes6, values, token, port, implied;
  DictCursor cur(body.raw);
  std::string_view k;
  BencodeValue v;
  // Bounded by the (already validated, complete) dict size: each entry is >= 3 bytes.
  while (cur.next(&k, &v)) {
    bool ok = true;
    if (k == "id") {
      ok = take_unique(id, v);
    } else if (k == "info_hash") {
      ok = take_unique(info_hash, v);
    } else if (k == "target") {
      ok = take_unique(target, v);
    } else if (k == "nodes") {
      ok = take_unique(nodes, v);
    } else if (k == "nodes6") {
      ok = take_unique(nodes6, v);
    } else if (k == "values") {
      ok = take_unique(values, v);
    } else if (k == "token") {
      ok = take_unique(token, v);
    } else if (k == "port") {
      ok = take_unique(port, v);
    } else if (k == "implied_port") {
      ok = take_unique(implied, v);
    }
    if (!ok) return false;
  }
  if (cur.status() != BencodeStatus::complete) return false;

  if (!id || !copy_hash20(*id, out.node_id)) return false;
  if (info_hash) {
    if (!copy_hash20(*info_hash, out.info_hash)) return false;
    out.has_info_hash = true;
  }
  if (target) {
    if (!copy_hash20(*target, out.target)) return false;
    out.has_target = true;
  }
  if (nodes) {
    const auto s = bencode_string(*nodes);
    if (!s || s->size() % kCompactNodeV4Len != 0) return false;
    out.nodes = *s;
  }
  if (nodes6) {
    const auto s = bencode_string(*nodes6);
    if (!s || s->size() % kCompactNodeV6Len != 0) return false;
    out.nodes6 = *s;
  }
  if (values) {
    if (!check_values(*values, &out.values_count)) return false;
    out.values = values->raw;
  }
  if (token) {
    if (!bencode_string(*token)) return false;
    out.has_token = true;
  }
  if (port) {
    const auto p = bencode_int(*port);
    if (!p || *p < 1 || *p > 65535) return false;
    out.port = uint16_t(*p);
  }
  if (implied) {
    const auto p = bencode_int(*implied);
    if (!p) return false;
    out.implied_port = (*p == 1);
  }
  return true;
}

bool parse_error_list(const BencodeValue& e, DhtMessage& out) {
  if (e.type != BencodeType::list) return false;
  ListCursor cur(e.raw);
  BencodeValue item;
  // BEP 5 errors are [code, message]; only the first two elements are read, but the loop
  // visits all of them (bounded by the validated list size) to reach a complete status.
  for (size_t i = 0; cur.next(&item); ++i) {
    if (i == 0) {
      if (const auto code = bencode_int(item)) {
        out.has_error_code = true;
        out.error_code = *code;
      }
    } else if (i == 1) {
      if (const auto msg = bencode_text(item)) out.error_message = *msg;
    }
  }
  return cur.status() == BencodeStatus::complete;
}

bool parse_dht_impl(std::span<const uint8_t> payload, DhtMessage& out) {
  if (payload.size() < kDhtMinLen || payload[0] != 'd') return false;
  size_t consumed = 0;
  // A KRPC datagram is exactly one dict: trailing bytes mean it is something else.
  if (validate(payload, &consumed) != BencodeStatus::complete || consumed != payload.size()) {
    return false;
  }

  std::optional<BencodeValue> y, t, q, a, r, e, v;
  DictCursor cur(payload);
  std::string_view k;
  BencodeValue val;
  // Keys are matched by name, never by position: non-canonical order must be accepted.
  while (cur.next(&k, &val)) {
    bool ok = true;
    if (k == "y") {
      ok = take_unique(y, val);
    } else if (k == "t") {
      ok = take_unique(t, val);
    } else if (k == "q") {
      ok = take_unique(q, val);
    } else if (k == "a") {
      ok = take_unique(a, val);
    } else if (k == "r") {
      ok = take_unique(r, val);
    } else if (k == "e") {
      ok = take_unique(e, val);
    } else if (k == "v") {
      ok = take_unique(v, val);
    }
    if (!ok) return false;
  }
  if (cur.status() != BencodeStatus::complete) return false;

  if (!y || !t) return false;
  const auto ys = bencode_text(*y);
  if (!ys || ys->size() != 1) return false;
  const auto ts = bencode_string(*t);
  if (!ts || ts->empty() || ts->size() > kDhtMaxTransactionIdLen) return false;
  out.transaction_id = *ts;

  switch ((*ys)[0]) {
    case 'q': {
      out.kind = DhtKind::query;
      if (!q || !a) return false;
      const auto qs = bencode_text(*q);
      if (!qs || qs->empty() || qs->size() > kDhtMaxQueryNameLen) return false;
      out.query_name = *qs;
      out.query = query_from_name(*qs);
      if (!parse_body(*a, out)) return false;
      break;
    }
    case 'r':
      out.kind = DhtKind::response;
      if (!r || !parse_body(*r, out)) return false;
      break;
    case 'e':
      out.kind = DhtKind::error;
      if (!e || !parse_error_list(*e, out)) return false;
      break;
    default:
      return false;
  }

  if (v) {
    const auto vs = bencode_string(*v);
    if (!vs) return false;
    out.version_len = uint8_t(vs->size() < 4 ? vs->size() : 4);
    std::memcpy(out.version.data(), vs->data(), out.version_len);
  }
  return true;
}

uint16_t load_be16(const uint8_t* p) {
  return uint16_t((p[0] << 8) | p[1]);
}

// Shared by the peer and node decoders: `skip` bytes of node id precede each compact peer.
size_t decode_records(std::span<const uint8_t> in, bool ipv6, size_t skip,
                      std::span<PeerEndpoint> out) {
  const size_t addr_len = ipv6 ? 16 : 4;
  const size_t rec = skip + addr_len + 2;
  size_t written = 0;
  // Bounded by both the caller's array (the cap) and the number of whole records in `in`.
  for (size_t off = 0; written < out.size() && in.size() - off >= rec; off += rec) {
    const uint8_t* p = in.data() + off + skip;
    out[written].addr = ipv6 ? IpAddr::v6_bytes(p) : IpAddr::v4_bytes(p);
    out[written].port = load_be16(p + addr_len);
    ++written;
  }
  return written;
}

}  // namespace

bool parse_dht(std::span<const uint8_t> payload, DhtMessage& out) noexcept {
  out = DhtMessage{};
  if (parse_dht_impl(payload, out)) return true;
  out = DhtMessage{};
  return false;
}

const char* dht_query_name(DhtQuery q) noexcept {
  switch (q) {
    case DhtQuery::none:
      return "none";
    case DhtQuery::ping:
      return "ping";
    case DhtQuery::find_node:
      return "find_node";
    case DhtQuery::get_peers:
      return "get_peers";
    case DhtQuery::announce_peer:
      return "announce_peer";
    case DhtQuery::sample_infohashes:
      return "sample_infohashes";
    case DhtQuery::other:
      return "other";
  }
  return "other";
}

size_t decode_compact_peers(std::span<const uint8_t> compact, bool ipv6,
                            std::span<PeerEndpoint> out) noexcept {
  return decode_records(compact, ipv6, 0, out);
}

size_t decode_compact_nodes(std::span<const uint8_t> compact, bool ipv6,
                            std::span<PeerEndpoint> out) noexcept {
  return decode_records(compact, ipv6, 20, out);
}

size_t decode_dht_values(std::span<const uint8_t> values_list,
                         std::span<PeerEndpoint> out) noexcept {
  ListCursor cur(values_list);
  BencodeValue item;
  size_t written = 0;
  // Bounded by the caller's cap and by the list size (each element consumes >= 2 bytes).
  while (written < out.size() && cur.next(&item)) {
    const auto s = bencode_string(item);
    if (!s) continue;
    if (s->size() == kCompactPeerV4Len) {
      written += decode_records(*s, false, 0, out.subspan(written, 1));
    } else if (s->size() == kCompactPeerV6Len) {
      written += decode_records(*s, true, 0, out.subspan(written, 1));
    }
  }
  return written;
}

}  // namespace btsensor::proto
