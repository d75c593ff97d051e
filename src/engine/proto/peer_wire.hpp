// BitTorrent peer-wire protocol recognition on the first payload segments of a TCP flow (or
// of a uTP DATA payload): the BEP 3 handshake, message framing (BEP 3 / BEP 6 / BEP 10 /
// BEP 52 ids), the BEP 10 extension handshake, the Azureus/Vuze messaging protocol (AZMP), and
// the BitTorrent Sync / Resilio "BSYNC\0" prefix (reported separately: it is not BitTorrent
// file sharing and is a product-policy question).
//
// Evidence strength, strongest first:
//  * handshake ("\x13BitTorrent protocol" at offset 0): strong alone;
//  * extension handshake / AZMP message names: strong (bencoded dict or ASCII names at fixed
//    offsets after a length prefix);
//  * bare message framing (<4-byte len><id>): WEAK. Microsoft Delivery Optimization (WUDO, TCP
//    7680) speaks the same request/piece framing (ET ships separate "MS WUDO Peer Sync" rules),
//    zero padding parses as keep-alives, and mid-stream segments need not be aligned. Use it
//    only as corroboration of another signal.
//
// Hot-path rules: no heap allocation, no exceptions, no I/O; every read bounds-checked; every
// loop capped. Lifetime: spans/string_views in results point into the segment and are valid
// only while that packet buffer is. No reassembly: each function sees one segment.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

namespace btsensor::proto {

// 0x13 (19, pstrlen) + "BitTorrent protocol" (19) + 8 reserved + 20 info_hash + 20 peer_id.
inline constexpr size_t kHandshakeLen = 68;
// Up to and including the info_hash. Some clients send only this much and wait for the
// remote's info_hash before sending their peer_id (a "split" handshake).
inline constexpr size_t kHandshakeNoPeerIdLen = 48;
// Largest accepted length prefix: Zeek's peer-wire analyzer aborts above 0x40000 (256 KiB).
// A 16 KiB piece message is 0x4009 and a 256 KiB bitfield covers 2M pieces, more than any
// client supports, so real traffic stays far below it while random lengths mostly exceed it.
inline constexpr uint32_t kPeerMaxMessageLen = 0x40000;
// Messages walked by validate_peer_framing: the first segments carry handshake + bitfield +
// extension handshake + a few haves/requests; more adds no evidence.
inline constexpr size_t kPeerMaxFramedMessages = 16;
// Longest AZMP message name accepted ("AZ_PEER_EXCHANGE" is 16).
inline constexpr size_t kAzmpMaxNameLen = 32;

enum class HandshakeStatus : uint8_t {
  invalid,     // not a BEP 3 handshake
  truncated,   // fewer than 48 bytes, all of them consistent with a handshake (empty included;
               // callers gate on a minimum length before treating this as evidence)
  no_peer_id,  // 48..67 bytes: protocol, reserved and info_hash present, peer_id not yet sent
  complete,    // all 68 bytes present
};

struct PeerHandshake {
  std::array<uint8_t, 8> reserved{};
  std::array<uint8_t, 20> info_hash{};
  std::array<uint8_t, 20> peer_id{};  // valid only when has_peer_id
  bool has_peer_id = false;
  size_t length = 0;  // bytes consumed: 48 or 68; following messages start here

  bool extension_protocol() const noexcept { return (reserved[5] & 0x10) != 0; }  // BEP 10
  bool fast_extension() const noexcept { return (reserved[7] & 0x04) != 0; }      // BEP 6
  bool dht() const noexcept { return (reserved[7] & 0x01) != 0; }                 // BEP 5
  bool azureus_messaging() const noexcept { return (reserved[0] & 0x80) != 0; }   // Vuze AZMP
};

// Recognises the BEP 3 handshake at offset 0 of `segment`.
// Post: no_peer_id / complete fill `out` (peer_id only for complete); otherwise `out` is reset.
HandshakeStatus parse_handshake(std::span<const uint8_t> segment, PeerHandshake& out) noexcept;

// Peer-wire message ids accepted by the framing validator.
enum class PeerMessageId : uint8_t {
  choke = 0,
  unchoke = 1,
  interested = 2,
  not_interested = 3,
  have = 4,
  bitfield = 5,
  request = 6,
  piece = 7,
  cancel = 8,
  port = 9,      // BEP 5: DHT port
  suggest = 13,  // BEP 6 fast extension ids 13..17
  have_all = 14,
  have_none = 15,
  reject = 16,
  allowed_fast = 17,
  extended = 20,      // BEP 10
  hash_request = 21,  // BEP 52 (BitTorrent v2) ids 21..23
  hashes = 22,
  hash_reject = 23,
};

enum class FramingStatus : uint8_t {
  valid,      // complete, well-formed message(s)
  truncated,  // well-formed so far, the segment ends inside a message
  invalid,    // unknown id, length not allowed for the id, or length > kPeerMaxMessageLen
};

struct PeerMessage {
  uint32_t length = 0;  // the length prefix: id byte + payload; 0 = keep-alive
  bool keepalive = false;
  uint8_t id = 0;
  // Payload bytes present in the segment; shorter than length - 1 when truncated.
  std::span<const uint8_t> payload;
};

// Validates the single message at offset 0 (no handshake before it).
// Per-id length rules (length includes the id byte): choke/unchoke/interested/not_interested/
// have_all/have_none 1; have/suggest/allowed_fast 5; request/cancel/reject 13; port 3;
// bitfield >= 2; piece >= 9; extended >= 2; hash_request/hash_reject 49; hashes >= 49 with
// (length - 49) % 32 == 0. A segment with 1..4 bytes is truncated (length not yet known).
// Post: *consumed (if non-null) = 4 + length on valid; `out` filled as far as parsed.
FramingStatus parse_peer_message(std::span<const uint8_t> segment, PeerMessage& out,
                                 size_t* consumed) noexcept;

struct FramingSummary {
  uint16_t messages = 0;    // complete messages, keep-alives included
  uint16_t keepalives = 0;  // a run of zero bytes is all keep-alives: not evidence on its own
  uint32_t id_mask = 0;     // bit (1 << id) per complete non-keep-alive message id seen
  bool capped = false;      // stopped after kPeerMaxFramedMessages
  size_t consumed = 0;      // bytes of complete messages
};

// Walks back-to-back messages from offset 0 (pass segment.subspan(handshake.length) after a
// handshake), at most kPeerMaxFramedMessages. valid: every byte (up to the cap) belongs to a
// complete message; truncated: the last message is cut by the segment end; invalid: some
// message is malformed (summary covers the messages before it). An empty segment is valid
// with zero messages.
// WEAK EVIDENCE — see the header comment (MS Delivery Optimization on port 7680).
FramingStatus validate_peer_framing(std::span<const uint8_t> segment,
                                    FramingSummary& summary) noexcept;

struct ExtensionHandshake {
  bool complete = false;  // whole message in the segment and its dict fully parsed
  bool has_m = false;     // the `m` dict (extension name -> message id) was present
  // `m` entries with an integer id 0..255. An id of 0 means "disabled" but is still reported
  // as present: the client knows the extension, which is what identifies it as BitTorrent.
  bool has_ut_pex = false;  // BEP 11 peer exchange
  uint8_t ut_pex_id = 0;
  bool has_ut_metadata = false;  // BEP 9 metadata exchange
  uint8_t ut_metadata_id = 0;
  bool has_metadata_size = false;
  int64_t metadata_size = 0;
  std::string_view client;          // `v`, e.g. "qBittorrent/4.5.0" (view into the segment)
  uint16_t listen_port = 0;         // `p`, 0 if absent or out of range
  std::span<const uint8_t> yourip;  // `yourip`: 4 or 16 address bytes, else empty
};

// Parses a BEP 10 extension handshake that starts at offset 0 of `segment`:
// <4-byte len> 0x14 (20, extended) 0x00 (extended id 0 = handshake) <bencoded dict>.
// A message longer than the segment is accepted when the dict is valid so far (complete ==
// false; keys after the cut are simply not reported). Returns false when the bytes are not an
// extension handshake.
bool parse_extension_handshake(std::span<const uint8_t> segment, ExtensionHandshake& out) noexcept;

struct AzmpMessage {
  uint32_t length = 0;               // length prefix (everything after it)
  std::string_view name;             // e.g. "AZ_HANDSHAKE", "BT_HANDSHAKE", "BT_PIECE"
  uint8_t version = 0;               // the byte after the name (Wireshark: 0, 1 or 2)
  bool is_handshake = false;         // AZ_HANDSHAKE or BT_HANDSHAKE
  bool complete = false;             // whole message inside the segment
  std::span<const uint8_t> payload;  // bytes present after the version byte
};

// Parses one Azureus Messaging Protocol message at offset 0:
// <4-byte len><4-byte name_len><name><1-byte version><payload>, name of 4..kAzmpMaxNameLen
// characters from [A-Z0-9_] starting "AZ_" or "BT_", version <= 2, len >= 4 + name_len + 1 and
// <= kPeerMaxMessageLen. The name and version byte must be inside the segment.
bool parse_azmp_message(std::span<const uint8_t> segment, AzmpMessage& out) noexcept;

// "BSYNC\0" at offset 0: BitTorrent Sync / Resilio Sync (Arkime's signature). A separate class
// from BitTorrent.
bool is_bsync(std::span<const uint8_t> segment) noexcept;

}  // namespace btsensor::proto
