#include "engine/proto/utp.hpp"

namespace btsensor::proto {
namespace {

uint16_t load_be16(const uint8_t* p) {
  return uint16_t((p[0] << 8) | p[1]);
}
uint32_t load_be32(const uint8_t* p) {
  return (uint32_t(p[0]) << 24) | (uint32_t(p[1]) << 16) | (uint32_t(p[2]) << 8) | p[3];
}

// BEP 29 extension types (and the one libtorrent added).
constexpr uint8_t kExtNone = 0;         // end of chain
constexpr uint8_t kExtSack = 1;         // selective ACK bitmask, len multiple of 4 (BEP 29)
constexpr uint8_t kExtBits = 2;         // libutp "extension bits", always 8 bytes
constexpr uint8_t kExtCloseReason = 3;  // libtorrent close reason: 2 reserved + 2 reason bytes

bool ext_len_ok(uint8_t type, uint8_t len) {
  switch (type) {
    case kExtSack:
      return len != 0 && len % 4 == 0;
    case kExtBits:
      return len == 8;
    case kExtCloseReason:
      return len == 4;
    default:
      return false;  // unknown extension type: not uTP as deployed
  }
}

}  // namespace

UtpHeader parse_utp(std::span<const uint8_t> payload) noexcept {
  UtpHeader h;
  if (payload.size() < kUtpHeaderLen) return h;  // status too_short
  const uint8_t* p = payload.data();
  // Byte 0: type in the high nibble, version in the low nibble ("41" = SYN v1, "21" = STATE).
  const uint8_t version = p[0] & 0x0f;
  const uint8_t type = p[0] >> 4;
  h.first_extension = p[1];
  h.conn_id = load_be16(p + 2);
  h.ts_usec = load_be32(p + 4);
  h.ts_diff_usec = load_be32(p + 8);
  h.wnd_size = load_be32(p + 12);
  h.seq_nr = load_be16(p + 16);
  h.ack_nr = load_be16(p + 18);
  h.type = UtpType(type <= 4 ? type : 0);
  if (version != 1) {
    h.status = UtpStatus::bad_version;
    return h;
  }
  if (type > 4) {
    h.status = UtpStatus::bad_type;
    return h;
  }

  // Extension chain: byte 1 names the first extension; each extension starts with the type of
  // the NEXT one and its own length. At most kUtpMaxExtensions links are walked.
  size_t off = kUtpHeaderLen;
  uint8_t ext = h.first_extension;
  size_t count = 0;
  for (; ext != kExtNone && count < kUtpMaxExtensions; ++count) {
    if (payload.size() - off < 2) break;  // the 2-byte link header leaves the packet
    const uint8_t next = payload[off];
    const uint8_t len = payload[off + 1];
    if (!ext_len_ok(ext, len) || payload.size() - off - 2 < len) break;
    if (ext == kExtSack) h.has_sack = true;
    off += 2 + size_t(len);
    ext = next;
  }
  if (ext != kExtNone) {  // chain broken, too long, or ran past the packet
    h.status = UtpStatus::bad_extension;
    return h;
  }
  h.extension_count = uint8_t(count);
  h.payload_offset = uint16_t(off);
  // A UDP payload is < 64 KiB, so the difference fits in 16 bits.
  h.payload_len = uint16_t(payload.size() - off);

  if (h.conn_id == 0) {
    h.status = UtpStatus::zero_conn_id;
    return h;
  }
  if (h.ts_usec == 0) {
    h.status = UtpStatus::zero_timestamp;
    return h;
  }
  switch (h.type) {
    case UtpType::syn:
      // The initiator has not received anything yet, so it has no delay sample to echo.
      if (h.ts_diff_usec != 0) {
        h.status = UtpStatus::syn_with_ts_diff;
        return h;
      }
      [[fallthrough]];
    case UtpType::state:
      // SYN and STATE (a pure ACK) never carry data in libutp or libtorrent.
      if (h.payload_len != 0) {
        h.status = UtpStatus::unexpected_payload;
        return h;
      }
      break;
    case UtpType::data:
      if (h.payload_len == 0) {
        h.status = UtpStatus::missing_payload;
        return h;
      }
      break;
    case UtpType::fin:
    case UtpType::reset:
      break;
  }
  h.status = UtpStatus::valid;
  return h;
}

const char* utp_status_name(UtpStatus s) noexcept {
  switch (s) {
    case UtpStatus::valid:
      return "valid";
    case UtpStatus::too_short:
      return "too_short";
    case UtpStatus::bad_version:
      return "bad_version";
    case UtpStatus::bad_type:
      return "bad_type";
    case UtpStatus::bad_extension:
      return "bad_extension";
    case UtpStatus::zero_conn_id:
      return "zero_conn_id";
    case UtpStatus::zero_timestamp:
      return "zero_timestamp";
    case UtpStatus::syn_with_ts_diff:
      return "syn_with_ts_diff";
    case UtpStatus::unexpected_payload:
      return "unexpected_payload";
    case UtpStatus::missing_payload:
      return "missing_payload";
  }
  return "unknown";
}

bool utp_reply_matches(const UtpHeader& syn, const UtpHeader& reply) noexcept {
  return syn.valid() && reply.valid() && syn.type == UtpType::syn && reply.type == UtpType::state &&
         reply.conn_id == syn.conn_id && reply.ack_nr == syn.seq_nr;
}

bool utp_same_connection(const UtpHeader& syn, const UtpHeader& pkt, bool from_initiator) noexcept {
  if (!syn.valid() || !pkt.valid() || syn.type != UtpType::syn || pkt.type == UtpType::syn) {
    return false;
  }
  const uint16_t expected = from_initiator ? uint16_t(syn.conn_id + 1) : syn.conn_id;
  return pkt.conn_id == expected;
}

}  // namespace btsensor::proto
