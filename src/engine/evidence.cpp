#include "btsensor/evidence.hpp"

namespace btsensor {

const char* evidence_name(Evidence e) {
  switch (e) {
    case Evidence::kPeerHandshake:
      return "peer_handshake";
    case Evidence::kPeerHandshakeUtp:
      return "peer_handshake_utp";
    case Evidence::kPeerMessage:
      return "peer_message";
    case Evidence::kExtensionProtocol:
      return "extension_protocol";
    case Evidence::kAzureusMessaging:
      return "azureus_messaging";
    case Evidence::kBsync:
      return "bsync";
    case Evidence::kHttpAnnounce:
      return "http_announce";
    case Evidence::kHttpScrape:
      return "http_scrape";
    case Evidence::kTrackerReply:
      return "tracker_reply";
    case Evidence::kTorrentFile:
      return "torrent_file";
    case Evidence::kMagnetLink:
      return "magnet_link";
    case Evidence::kUdpTracker:
      return "udp_tracker";
    case Evidence::kDht:
      return "dht";
    case Evidence::kUtp:
      return "utp";
    case Evidence::kLsd:
      return "lsd";
    case Evidence::kPeerId:
      return "peer_id";
    case Evidence::kUserAgent:
      return "user_agent";
    case Evidence::kMseHeuristic:
      return "mse_heuristic";
    case Evidence::kLearnedPeer:
      return "learned_peer";
    case Evidence::kTrackerReputation:
      return "tracker_reputation";
    case Evidence::kTrackerLearnedDns:
      return "tracker_learned_dns";
    case Evidence::kNameHunt:
      return "name_hunt";
    case Evidence::kTransferPort:
      return "transfer_port";
    case Evidence::kListenPort:
      return "listen_port";
    case Evidence::kPeerAttempt:
      return "peer_attempt";
    case Evidence::kCount_:
      break;
  }
  return "unknown";
}

const char* confidence_name(Confidence c) {
  switch (c) {
    case Confidence::kNone:
      return "none";
    case Confidence::kLow:
      return "low";
    case Confidence::kMedium:
      return "medium";
    case Confidence::kHigh:
      return "high";
  }
  return "none";
}

}  // namespace btsensor
