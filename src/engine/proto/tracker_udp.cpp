#include "engine/proto/tracker_udp.hpp"

#include <cstring>

namespace btsensor::proto {
namespace {

uint16_t load_be16(const uint8_t* p) {
  return uint16_t((p[0] << 8) | p[1]);
}
uint32_t load_be32(const uint8_t* p) {
  return (uint32_t(p[0]) << 24) | (uint32_t(p[1]) << 16) | (uint32_t(p[2]) << 8) | p[3];
}
uint64_t load_be64(const uint8_t* p) {
  return (uint64_t(load_be32(p)) << 32) | load_be32(p + 4);
}

// BEP 41 option types.
constexpr uint8_t kOptEnd = 0;      // EndOfOptions: stop parsing
constexpr uint8_t kOptNop = 1;      // NOP: single byte, padding
constexpr uint8_t kOptUrlData = 2;  // URLData: 1-byte length + that many bytes of URL path

void parse_options(std::span<const uint8_t> opts, UdpTrackerRequest& out) {
  size_t off = 0;
  // Each option consumes >= 1 byte and at most kUdpTrackerMaxOptions are walked.
  for (size_t i = 0; off < opts.size() && i < kUdpTrackerMaxOptions; ++i) {
    const uint8_t type = opts[off];
    if (type == kOptEnd) return;
    if (type == kOptNop) {
      ++off;
      continue;
    }
    if (type != kOptUrlData || opts.size() - off < 2) break;
    const size_t len = opts[off + 1];
    if (opts.size() - off - 2 < len) break;
    if (out.url_data_options == 0) {
      out.url_data = std::string_view(reinterpret_cast<const char*>(opts.data() + off + 2), len);
    }
    if (out.url_data_options < UINT8_MAX) ++out.url_data_options;
    off += 2 + len;
  }
  // Reaching here means the datagram ended without EndOfOptions (fine: BEP 41 allows that) or
  // an unknown/truncated option or the cap stopped the walk.
  if (off < opts.size()) out.options_valid = false;
}

bool parse_request_impl(std::span<const uint8_t> in, UdpTrackerRequest& out) {
  if (in.size() < kUdpTrackerConnectLen) return false;
  const uint8_t* p = in.data();
  out.connection_id = load_be64(p);
  const uint32_t action = load_be32(p + 8);
  out.transaction_id = load_be32(p + 12);

  if (action == uint32_t(UdpTrackerAction::connect)) {
    out.action = UdpTrackerAction::connect;
    return in.size() == kUdpTrackerConnectLen && out.connection_id == kUdpTrackerProtocolId;
  }
  // The protocol_id is only ever valid in a connect; elsewhere it marks a malformed packet.
  if (out.connection_id == kUdpTrackerProtocolId) return false;

  if (action == uint32_t(UdpTrackerAction::announce)) {
    out.action = UdpTrackerAction::announce;
    if (in.size() < kUdpTrackerAnnounceLen) return false;
    std::memcpy(out.info_hash.data(), p + 16, 20);
    std::memcpy(out.peer_id.data(), p + 36, 20);
    out.downloaded = load_be64(p + 56);
    out.left = load_be64(p + 64);
    out.uploaded = load_be64(p + 72);
    out.event = load_be32(p + 80);
    out.ip = load_be32(p + 84);
    out.key = load_be32(p + 88);
    out.num_want = int32_t(load_be32(p + 92));
    out.port = load_be16(p + 96);
    if (out.event > 3) return false;  // 0 none, 1 completed, 2 started, 3 stopped
    parse_options(in.subspan(kUdpTrackerAnnounceLen), out);
    return true;
  }
  if (action == uint32_t(UdpTrackerAction::scrape)) {
    out.action = UdpTrackerAction::scrape;
    const size_t body = in.size() - 16;
    if (body == 0 || body % 20 != 0 || body / 20 > kUdpTrackerMaxScrapeHashes) return false;
    out.scrape_hashes = in.subspan(16);
    out.scrape_count = uint8_t(body / 20);
    return true;
  }
  return false;  // action 3 (error) is tracker -> client only; anything else is not BEP 15
}

bool parse_response_impl(std::span<const uint8_t> in, bool ipv6, UdpTrackerResponse& out) {
  if (in.size() < 8) return false;
  const uint8_t* p = in.data();
  const uint32_t action = load_be32(p);
  out.transaction_id = load_be32(p + 4);
  switch (action) {
    case uint32_t(UdpTrackerAction::connect):
      out.action = UdpTrackerAction::connect;
      if (in.size() != kUdpTrackerConnectLen) return false;
      out.connection_id = load_be64(p + 8);
      return true;
    case uint32_t(UdpTrackerAction::announce): {
      out.action = UdpTrackerAction::announce;
      if (in.size() < kUdpTrackerAnnounceReplyMin) return false;
      const size_t rec = ipv6 ? 18 : 6;  // compact peer: 16|4-byte address + 2-byte port
      const size_t body = in.size() - kUdpTrackerAnnounceReplyMin;
      if (body % rec != 0) return false;
      out.interval = load_be32(p + 8);
      out.leechers = load_be32(p + 12);
      out.seeders = load_be32(p + 16);
      out.peers = in.subspan(kUdpTrackerAnnounceReplyMin);
      out.peers_ipv6 = ipv6;
      out.peer_count = uint16_t(body / rec);  // < 64 KiB / 6
      return true;
    }
    case uint32_t(UdpTrackerAction::scrape): {
      out.action = UdpTrackerAction::scrape;
      const size_t body = in.size() - 8;
      if (body % 12 != 0 || body / 12 > kUdpTrackerMaxScrapeHashes) return false;
      out.scrape_entries = in.subspan(8);
      out.scrape_count = uint8_t(body / 12);
      return true;
    }
    case uint32_t(UdpTrackerAction::error):
      out.action = UdpTrackerAction::error;
      out.error_message = std::string_view(reinterpret_cast<const char*>(p + 8), in.size() - 8);
      return true;
    default:
      return false;
  }
}

}  // namespace

bool parse_udp_tracker_request(std::span<const uint8_t> payload, UdpTrackerRequest& out) noexcept {
  out = UdpTrackerRequest{};
  if (parse_request_impl(payload, out)) {
    out.valid = true;
    return true;
  }
  out = UdpTrackerRequest{};
  return false;
}

bool parse_udp_tracker_response(std::span<const uint8_t> payload, bool ipv6,
                                UdpTrackerResponse& out) noexcept {
  out = UdpTrackerResponse{};
  if (parse_response_impl(payload, ipv6, out)) {
    out.valid = true;
    return true;
  }
  out = UdpTrackerResponse{};
  return false;
}

bool matches_transaction(const UdpTrackerRequest& request,
                         const UdpTrackerResponse& response) noexcept {
  return request.valid && response.valid && request.transaction_id == response.transaction_id &&
         (uint8_t(request.action) == uint8_t(response.action) ||
          response.action == UdpTrackerAction::error);
}

bool connection_issued(const UdpTrackerResponse& connect_reply,
                       const UdpTrackerRequest& request) noexcept {
  return connect_reply.valid && request.valid &&
         connect_reply.action == UdpTrackerAction::connect &&
         request.action != UdpTrackerAction::connect &&
         request.connection_id == connect_reply.connection_id;
}

}  // namespace btsensor::proto
