// The kinds of BitTorrent evidence the engine can attach to a flow, a label or an alert.
// A flow carries a bitmask of these; outputs print their names. Names are part of the
// outside contract (SIEM rules match on them): add new ones at the end, never rename.
#pragma once

#include <cstdint>

namespace btsensor {

enum class Evidence : uint8_t {
  kPeerHandshake = 0,  // BEP 3 "\x13BitTorrent protocol" on TCP
  kPeerHandshakeUtp,   // the same handshake inside a uTP DATA payload
  kPeerMessage,        // BEP 3 message framing after a handshake / mid-stream
  kExtensionProtocol,  // BEP 10 extended handshake (ut_pex, ut_metadata)
  kAzureusMessaging,   // Azureus/Vuze AZMP handshake
  kBsync,              // BitTorrent Sync / Resilio ("BSYNC\0"); its own class
  kHttpAnnounce,       // HTTP tracker announce with a valid 20-byte info_hash
  kHttpScrape,         // HTTP tracker scrape
  kTrackerReply,       // bencoded tracker response
  kTorrentFile,        // .torrent download (URI or bencoded metainfo body)
  kMagnetLink,         // magnet:?xt=urn:btih: in a request
  kUdpTracker,         // BEP 15 connect/announce
  kDht,                // BEP 5 KRPC query/response/error
  kUtp,                // BEP 29 uTP with a corroborated connection
  kLsd,                // BEP 14 local service discovery
  kPeerId,             // a BitTorrent client peer_id was seen
  kUserAgent,          // a BitTorrent client User-Agent was seen
  kMseHeuristic,       // MSE/PE obfuscated TCP inferred from host context + shape
  kLearnedPeer,        // endpoint learned from tracker replies/DHT/confirmed flows
  kTrackerReputation,  // remote address is on a tracker feed (reputation)
  kTrackerLearnedDns,  // remote address learned from DNS answers for a tracker name
  kNameHunt,           // hunted name (DNS/HTTP Host/TLS SNI)
  kTransferPort,       // BitTorrent transfer port used by a labelled host
  kListenPort,         // the host's own BitTorrent listen port (announced or confirmed)
  kPeerAttempt,        // TCP attempt from a BitTorrent host to a peer-style port, no payload
  kCount_
};
constexpr int kEvidenceCount = int(Evidence::kCount_);
constexpr uint32_t evidence_bit(Evidence e) {
  return uint32_t(1) << int(e);
}

const char* evidence_name(Evidence e);

// Evidence bits that mean "this flow itself speaks a BitTorrent protocol" (app_proto).
// kBsync is deliberately absent: Resilio Sync is a product policy question, not BitTorrent
// file sharing (reported in evidence, off for detection by default).
constexpr uint32_t kBittorrentProtocolEvidence =
    evidence_bit(Evidence::kPeerHandshake) | evidence_bit(Evidence::kPeerHandshakeUtp) |
    evidence_bit(Evidence::kPeerMessage) | evidence_bit(Evidence::kExtensionProtocol) |
    evidence_bit(Evidence::kAzureusMessaging) | evidence_bit(Evidence::kHttpAnnounce) |
    evidence_bit(Evidence::kHttpScrape) | evidence_bit(Evidence::kTrackerReply) |
    evidence_bit(Evidence::kUdpTracker) | evidence_bit(Evidence::kDht) |
    evidence_bit(Evidence::kUtp) | evidence_bit(Evidence::kLsd) |
    evidence_bit(Evidence::kMseHeuristic) | evidence_bit(Evidence::kLearnedPeer) |
    evidence_bit(Evidence::kListenPort) | evidence_bit(Evidence::kPeerAttempt);

enum class Confidence : uint8_t { kNone = 0, kLow = 1, kMedium = 2, kHigh = 3 };
const char* confidence_name(Confidence c);

}  // namespace btsensor
