// uTP (BEP 29, micro Transport Protocol) version-1 header validation and the cross-packet
// corroboration helpers the classifier needs before it may call a UDP flow uTP.
//
// READ THIS BEFORE USING parse_utp AS EVIDENCE: a single valid header is NOT enough to classify
// a flow. The 20-byte header has almost no magic (4 bits of version, 3 of type), and measured
// look-alikes pass even nDPI's strict per-packet test: Zoom, Teams, Roblox, IPsec, Viber, and a
// 20-byte DNS query whose id starts 0x41 ("41 00 01 00 00 01 …") is a perfectly valid SYN. The
// classifier must corroborate across packets, e.g.:
//   * SYN -> STATE: the reply carries the SYN's conn_id and acks the SYN's seq_nr
//     (utp_reply_matches);
//   * later packets keep the connection-id discipline (utp_same_connection): the initiator picks
//     c, sends the SYN with conn_id c and every later packet with c+1; the responder sends every
//     packet with c;
//   * or a BitTorrent peer-wire handshake inside a DATA payload (peer_wire.hpp).
//
// Hot-path rules: no heap allocation, no exceptions, no I/O; all reads bounds-checked; the
// extension-chain walk is capped at kUtpMaxExtensions.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

namespace btsensor::proto {

inline constexpr size_t kUtpHeaderLen = 20;
// More extensions than this never occur (libutp sends at most SACK + extension bits); the cap
// bounds the chain walk and, as in nDPI, longer chains are treated as not-uTP.
inline constexpr size_t kUtpMaxExtensions = 4;

enum class UtpType : uint8_t { data = 0, fin = 1, state = 2, reset = 3, syn = 4 };

// Why parse_utp rejected a packet (valid when it did not). Exposed so tests and counters can
// tell the look-alike classes apart.
enum class UtpStatus : uint8_t {
  valid,
  too_short,           // fewer than 20 bytes
  bad_version,         // low nibble of byte 0 != 1
  bad_type,            // high nibble of byte 0 > 4
  bad_extension,       // unknown type, bad length, more than 4, or chain leaves the packet
  zero_conn_id,        // connection_id == 0 (as nDPI; see the note on UtpHeader::conn_id)
  zero_timestamp,      // timestamp_microseconds == 0
  syn_with_ts_diff,    // SYN must have timestamp_difference_microseconds == 0
  unexpected_payload,  // SYN or STATE with payload bytes after the header/extensions
  missing_payload,     // DATA without payload
};

struct UtpHeader {
  UtpStatus status = UtpStatus::too_short;
  UtpType type = UtpType::data;
  uint8_t first_extension = 0;  // byte 1
  uint8_t extension_count = 0;
  bool has_sack = false;
  // Host-order fields. conn_id 0 is legal in libutp (1 in 65536 connections, or the initiator's
  // c+1 wrapping); like nDPI we reject it and accept that rare false negative.
  uint16_t conn_id = 0;
  uint32_t ts_usec = 0;
  uint32_t ts_diff_usec = 0;
  uint32_t wnd_size = 0;
  uint16_t seq_nr = 0;
  uint16_t ack_nr = 0;
  uint16_t payload_offset = 0;  // 20 + extension bytes; payload starts here
  uint16_t payload_len = 0;

  bool valid() const noexcept { return status == UtpStatus::valid; }
};

// Strict per-packet validation, modelled on nDPI-dev's is_utpv1_pkt:
//  * byte 0: version (low nibble) == 1, type (high nibble) <= 4 (ST_SYN);
//  * extension chain: each link is <next-type byte><len byte><len bytes>, at most
//    kUtpMaxExtensions links, ending inside the packet; known types only: 1 = SACK (len a
//    non-zero multiple of 4), 2 = extension bits (len 8, libutp), 3 = close reason (len 4,
//    libtorrent; nDPI rejects it as first type — accepted here to avoid missing libtorrent FINs);
//  * conn_id != 0, ts_usec != 0;
//  * SYN: ts_diff == 0 and no payload; STATE: no payload; DATA: payload present;
//    FIN and RESET: payload not constrained.
// Pre: `payload` is the UDP payload. Post: every field read is filled as far as it was parsed;
// status says whether (and why not) the header is valid.
UtpHeader parse_utp(std::span<const uint8_t> payload) noexcept;

const char* utp_status_name(UtpStatus s) noexcept;

// True when `reply` (sent by the responder) answers `syn` (sent by the initiator): both valid,
// syn.type == SYN, reply.type == STATE, reply.conn_id == syn.conn_id and reply.ack_nr ==
// syn.seq_nr. This is the libutp/libtorrent handshake; a look-alike protocol has to reproduce
// two 16-bit fields of the previous packet to pass.
bool utp_reply_matches(const UtpHeader& syn, const UtpHeader& reply) noexcept;

// True when `pkt` (any later valid packet, not a SYN) belongs to the connection opened by
// `syn`: conn_id == syn.conn_id + 1 (mod 2^16) when sent by the initiator, == syn.conn_id when
// sent by the responder.
bool utp_same_connection(const UtpHeader& syn, const UtpHeader& pkt, bool from_initiator) noexcept;

}  // namespace btsensor::proto
