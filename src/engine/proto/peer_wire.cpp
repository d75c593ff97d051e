#include "engine/proto/peer_wire.hpp"

#include <cstring>

#include "engine/proto/bencode.hpp"

namespace btsensor::proto {
namespace {

uint32_t load_be32(const uint8_t* p) {
  return (uint32_t(p[0]) << 24) | (uint32_t(p[1]) << 16) | (uint32_t(p[2]) << 8) | p[3];
}

// 0x13 = 19 = pstrlen, followed by the 19-byte pstr "BitTorrent protocol" (BEP 3).
constexpr uint8_t kHandshakePrefix[20] = {0x13, 'B', 'i', 't', 'T', 'o', 'r', 'r', 'e', 'n',
                                          't',  ' ', 'p', 'r', 'o', 't', 'o', 'c', 'o', 'l'};

constexpr uint8_t kIdExtended = 20;     // BEP 10 message id
constexpr uint8_t kExtHandshakeId = 0;  // BEP 10 extended message id 0 = extension handshake

// Whether `length` (id byte included) is allowed for message `id`; false for unknown ids.
bool length_ok(uint8_t id, uint32_t length) {
  switch (PeerMessageId(id)) {
    case PeerMessageId::choke:
    case PeerMessageId::unchoke:
    case PeerMessageId::interested:
    case PeerMessageId::not_interested:
    case PeerMessageId::have_all:
    case PeerMessageId::have_none:
      return length == 1;
    case PeerMessageId::have:
    case PeerMessageId::suggest:
    case PeerMessageId::allowed_fast:
      return length == 5;  // id + 4-byte piece index
    case PeerMessageId::request:
    case PeerMessageId::cancel:
    case PeerMessageId::reject:
      return length == 13;  // id + index + begin + length
    case PeerMessageId::port:
      return length == 3;  // id + 2-byte DHT port
    case PeerMessageId::bitfield:
      return length >= 2;  // id + at least one byte of bits
    case PeerMessageId::piece:
      return length >= 9;  // id + index + begin (+ block)
    case PeerMessageId::extended:
      return length >= 2;  // id + extended id (+ payload)
    case PeerMessageId::hash_request:
    case PeerMessageId::hash_reject:
      return length == 49;  // id + pieces root 32 + base layer + index + length + proof layers
    case PeerMessageId::hashes:
      return length >= 49 && (length - 49) % 32 == 0;  // header as above + 32-byte hashes
  }
  return false;  // ids 10..12, 18, 19, 24+ are not assigned
}

bool is_name_char(uint8_t c) {
  return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

}  // namespace

HandshakeStatus parse_handshake(std::span<const uint8_t> segment, PeerHandshake& out) noexcept {
  out = PeerHandshake{};
  const size_t n =
      segment.size() < sizeof(kHandshakePrefix) ? segment.size() : sizeof(kHandshakePrefix);
  if (n > 0 && std::memcmp(segment.data(), kHandshakePrefix, n) != 0) {
    return HandshakeStatus::invalid;
  }
  if (segment.size() < kHandshakeNoPeerIdLen) return HandshakeStatus::truncated;
  const uint8_t* p = segment.data();
  std::memcpy(out.reserved.data(), p + 20, 8);
  std::memcpy(out.info_hash.data(), p + 28, 20);
  if (segment.size() < kHandshakeLen) {
    out.length = kHandshakeNoPeerIdLen;
    return HandshakeStatus::no_peer_id;
  }
  std::memcpy(out.peer_id.data(), p + 48, 20);
  out.has_peer_id = true;
  out.length = kHandshakeLen;
  return HandshakeStatus::complete;
}

FramingStatus parse_peer_message(std::span<const uint8_t> segment, PeerMessage& out,
                                 size_t* consumed) noexcept {
  out = PeerMessage{};
  if (segment.size() < 4) return FramingStatus::truncated;
  out.length = load_be32(segment.data());
  if (out.length == 0) {
    out.keepalive = true;
    if (consumed != nullptr) *consumed = 4;
    return FramingStatus::valid;
  }
  if (out.length > kPeerMaxMessageLen) return FramingStatus::invalid;
  if (segment.size() < 5) return FramingStatus::truncated;
  out.id = segment[4];
  if (!length_ok(out.id, out.length)) return FramingStatus::invalid;
  const size_t present = segment.size() - 5;
  const size_t body = out.length - 1;
  out.payload = segment.subspan(5, present < body ? present : body);
  if (present < body) return FramingStatus::truncated;
  if (consumed != nullptr) *consumed = 4 + size_t(out.length);
  return FramingStatus::valid;
}

FramingStatus validate_peer_framing(std::span<const uint8_t> segment,
                                    FramingSummary& summary) noexcept {
  summary = FramingSummary{};
  size_t off = 0;
  // At most kPeerMaxFramedMessages iterations; each consumes >= 4 bytes.
  for (size_t i = 0; off < segment.size(); ++i) {
    if (i == kPeerMaxFramedMessages) {
      summary.capped = true;
      return FramingStatus::valid;
    }
    PeerMessage msg;
    size_t used = 0;
    const FramingStatus s = parse_peer_message(segment.subspan(off), msg, &used);
    if (s != FramingStatus::valid) return s;
    ++summary.messages;
    if (msg.keepalive) {
      ++summary.keepalives;
    } else {
      summary.id_mask |= uint32_t(1) << msg.id;  // id <= 23, checked by length_ok
    }
    off += used;
    summary.consumed = off;
  }
  return FramingStatus::valid;
}

bool parse_extension_handshake(std::span<const uint8_t> segment, ExtensionHandshake& out) noexcept {
  out = ExtensionHandshake{};
  // 4-byte length, id 20, extended id 0, then at least the dict's 'd'.
  if (segment.size() < 7) return false;
  const uint32_t length = load_be32(segment.data());
  if (segment[4] != kIdExtended || segment[5] != kExtHandshakeId || segment[6] != 'd') {
    return false;
  }
  // The smallest dict "de" makes length 4; larger than the framing cap is not peer wire.
  if (length < 4 || length > kPeerMaxMessageLen) return false;
  const size_t dict_len = size_t(length) - 2;
  const size_t present = segment.size() - 6;
  const bool whole_message = present >= dict_len;
  const std::span<const uint8_t> dict = segment.subspan(6, whole_message ? dict_len : present);

  size_t consumed = 0;
  const BencodeStatus s = validate(dict, &consumed);
  if (s == BencodeStatus::invalid) return false;
  if (s == BencodeStatus::complete && consumed != dict.size()) return false;  // junk after dict
  if (s == BencodeStatus::truncated && whole_message) return false;  // dict longer than message
  out.complete = (s == BencodeStatus::complete);

  DictCursor cur(dict);
  std::string_view key;
  BencodeValue v;
  // Bounded by the dict size (each entry >= 3 bytes); stops at the segment cut if truncated.
  while (cur.next(&key, &v)) {
    if (key == "m" && v.type == BencodeType::dict) {
      out.has_m = true;
      DictCursor m(v.raw);
      std::string_view name;
      BencodeValue id;
      // Bounded by the size of `m` as above.
      while (m.next(&name, &id)) {
        const auto n = bencode_int(id);
        if (!n || *n < 0 || *n > 255) continue;  // extension ids are one byte
        if (name == "ut_pex") {
          out.has_ut_pex = true;
          out.ut_pex_id = uint8_t(*n);
        } else if (name == "ut_metadata") {
          out.has_ut_metadata = true;
          out.ut_metadata_id = uint8_t(*n);
        }
      }
    } else if (key == "v") {
      if (const auto t = bencode_text(v)) out.client = *t;
    } else if (key == "p") {
      const auto p = bencode_int(v);
      if (p && *p >= 1 && *p <= 65535) out.listen_port = uint16_t(*p);
    } else if (key == "metadata_size") {
      if (const auto m = bencode_int(v)) {
        out.has_metadata_size = true;
        out.metadata_size = *m;
      }
    } else if (key == "yourip") {
      const auto ip = bencode_string(v);
      if (ip && (ip->size() == 4 || ip->size() == 16)) out.yourip = *ip;
    }
  }
  return true;
}

bool parse_azmp_message(std::span<const uint8_t> segment, AzmpMessage& out) noexcept {
  out = AzmpMessage{};
  if (segment.size() < 8) return false;
  const uint32_t length = load_be32(segment.data());
  const uint32_t name_len = load_be32(segment.data() + 4);
  // "AZ_" / "BT_" + at least one character; the cap also keeps 4 + name_len + 1 from overflowing.
  if (name_len < 4 || name_len > kAzmpMaxNameLen) return false;
  if (length < 4 + name_len + 1 || length > kPeerMaxMessageLen) return false;
  // The name and the version byte must be in this segment: they are the evidence.
  if (segment.size() < 8 + size_t(name_len) + 1) return false;
  const uint8_t* name = segment.data() + 8;
  if (!((name[0] == 'A' && name[1] == 'Z') || (name[0] == 'B' && name[1] == 'T')) ||
      name[2] != '_') {
    return false;
  }
  for (size_t i = 3; i < name_len; ++i) {  // bounded by kAzmpMaxNameLen
    if (!is_name_char(name[i])) return false;
  }
  const uint8_t version = segment[8 + name_len];
  if (version > 2) return false;  // Wireshark's AMP dissector accepts 0, 1, 2 only

  out.length = length;
  out.name = std::string_view(reinterpret_cast<const char*>(name), name_len);
  out.version = version;
  out.is_handshake = out.name == "AZ_HANDSHAKE" || out.name == "BT_HANDSHAKE";
  const size_t payload_start = 8 + size_t(name_len) + 1;
  const size_t payload_len = size_t(length) - 4 - name_len - 1;
  const size_t present = segment.size() - payload_start;
  out.complete = present >= payload_len;
  out.payload = segment.subspan(payload_start, out.complete ? payload_len : present);
  return true;
}

bool is_bsync(std::span<const uint8_t> segment) noexcept {
  // "BSYNC" followed by a NUL byte: 42 53 59 4e 43 00.
  static constexpr uint8_t kBsync[6] = {'B', 'S', 'Y', 'N', 'C', 0x00};
  return segment.size() >= sizeof(kBsync) && std::memcmp(segment.data(), kBsync, 6) == 0;
}

}  // namespace btsensor::proto
