// UDP tracker protocol (BEP 15, with BEP 41 request options) parsing.
//
// Evidence strength differs sharply by message:
//  * a connect request (exactly 16 bytes starting with the 64-bit protocol_id 0x41727101980) is
//    strong on its own; nDPI has no signature for it at all, so this is where we beat it;
//  * announce/scrape requests only have a 4-byte action at offset 8 — weak alone;
//  * responses have no magic at all. They can only be recognised relative to a request seen on
//    the same flow: use matches_transaction() (same transaction_id, same action or an error),
//    and connection_issued() to chain connect reply -> announce/scrape request.
//
// Hot-path rules: no heap allocation, no exceptions, no I/O; every read bounds-checked; loops
// capped. Lifetime: spans/string_views in the results point into the datagram and are valid
// only while that packet buffer is.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

namespace btsensor::proto {

// 0x41727101980: BEP 15 protocol_id, sent as the first 8 bytes of every connect request
// (wire bytes 00 00 04 17 27 10 19 80).
inline constexpr uint64_t kUdpTrackerProtocolId = 0x41727101980ULL;
inline constexpr size_t kUdpTrackerConnectLen = 16;        // connect request and reply
inline constexpr size_t kUdpTrackerAnnounceLen = 98;       // announce request without options
inline constexpr size_t kUdpTrackerAnnounceReplyMin = 20;  // announce reply without peers
inline constexpr size_t kUdpTrackerScrapeReqMin = 36;      // 16-byte header + one info_hash
// BEP 15: "up to about 74 torrents can be scraped at once" (a full MTU); bounds the count.
inline constexpr size_t kUdpTrackerMaxScrapeHashes = 74;
// BEP 41 options after the announce body: at most this many are walked.
inline constexpr size_t kUdpTrackerMaxOptions = 16;

enum class UdpTrackerAction : uint8_t { connect = 0, announce = 1, scrape = 2, error = 3 };

struct UdpTrackerRequest {
  bool valid = false;  // set by a successful parse; the matchers require it
  UdpTrackerAction action = UdpTrackerAction::connect;
  uint64_t connection_id = 0;  // kUdpTrackerProtocolId for connect
  uint32_t transaction_id = 0;
  // announce only:
  std::array<uint8_t, 20> info_hash{};  // offset 16
  std::array<uint8_t, 20> peer_id{};    // offset 36 (feed to identify_peer_id)
  uint64_t downloaded = 0, left = 0, uploaded = 0;
  uint32_t event = 0;  // 0 none, 1 completed, 2 started, 3 stopped
  uint32_t ip = 0;     // 0 = use the sender address
  uint32_t key = 0;
  int32_t num_want = -1;  // -1 = tracker default
  uint16_t port = 0;      // offset 96: the client's listen port
  // BEP 41: the tracker URL path travels in URLData options of <= 255 bytes each; a longer
  // path is split across several, and joining them would need a buffer, so only the first
  // option is exposed (enough for "/announce" style paths).
  std::string_view url_data;
  uint8_t url_data_options = 0;  // URLData options seen
  bool options_valid = true;     // BEP 41 option chain (if any) was well formed
  // scrape only: 20-byte info hashes back to back.
  std::span<const uint8_t> scrape_hashes;
  uint8_t scrape_count = 0;
};

struct UdpTrackerResponse {
  bool valid = false;  // set by a successful parse; the matchers require it
  UdpTrackerAction action = UdpTrackerAction::connect;
  uint32_t transaction_id = 0;
  uint64_t connection_id = 0;  // connect reply: issued id, to be echoed by later requests
  // announce reply:
  uint32_t interval = 0, leechers = 0, seeders = 0;
  std::span<const uint8_t> peers;  // compact peers (decode with decode_compact_peers)
  bool peers_ipv6 = false;         // follows the IP version of the datagram
  uint16_t peer_count = 0;
  // scrape reply: 12-byte (seeders, completed, leechers) records.
  std::span<const uint8_t> scrape_entries;
  uint8_t scrape_count = 0;
  // error reply: human-readable text (not NUL-terminated, not validated as UTF-8).
  std::string_view error_message;
};

// Parses a client -> tracker datagram.
//  connect:  exactly 16 bytes, protocol_id at 0, action 0 at 8;
//  announce: >= 98 bytes, action 1, event <= 3; bytes after 98 are BEP 41 options (type 0 end,
//            1 NOP, 2 URLData + len + data); a malformed chain only clears options_valid,
//            because the mandatory 98 bytes already decided the format;
//  scrape:   action 2, 16 + 20*n bytes with 1 <= n <= kUdpTrackerMaxScrapeHashes.
// A non-connect request whose connection_id equals the protocol_id is rejected (a tracker
// never issues that id; such a packet is a malformed connect).
// Returns false (and resets `out`) when the datagram is none of these.
bool parse_udp_tracker_request(std::span<const uint8_t> payload, UdpTrackerRequest& out) noexcept;

// Parses a tracker -> client datagram. `ipv6` is the IP version of the datagram carrying it:
// BEP 15 says announce replies carry 6-byte peers over IPv4 and 18-byte peers over IPv6.
//  connect:  exactly 16 bytes (action 0, txid, connection_id);
//  announce: >= 20 bytes, action 1, (len - 20) a multiple of 6 (IPv4) or 18 (IPv6);
//  scrape:   action 2, 8 + 12*n bytes, n <= kUdpTrackerMaxScrapeHashes;
//  error:    action 3, >= 8 bytes, the rest is the message.
// Structural validity only: a reply is evidence only together with matches_transaction().
bool parse_udp_tracker_response(std::span<const uint8_t> payload, bool ipv6,
                                UdpTrackerResponse& out) noexcept;

// True when `response` answers `request`: both valid, same transaction_id and either the same
// action or an error reply (a tracker may answer any request with action 3).
bool matches_transaction(const UdpTrackerRequest& request,
                         const UdpTrackerResponse& response) noexcept;

// True when `request` (a valid announce or scrape) uses the connection_id issued by the valid
// connect reply `connect_reply`.
bool connection_issued(const UdpTrackerResponse& connect_reply,
                       const UdpTrackerRequest& request) noexcept;

}  // namespace btsensor::proto
