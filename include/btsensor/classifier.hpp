// The BitTorrent classifier of one shard: Hyperscan prefilter + structural validators over
// the first payload packets of each flow direction, peer learning, and the host-context
// heuristics (MSE/PE obfuscated TCP, learned peers, listen ports).
//
// Hot path: inspect() runs only for payload packets within the per-direction budget; one
// hs_scan per packet with the shard's own scratch; the match callback only sets bits; the
// validators parse in place. Nothing allocates: flow details come from a preallocated pool.
#pragma once

#include <array>
#include <cstdint>
#include <vector>

#include "btsensor/counter.hpp"
#include "btsensor/decode.hpp"
#include "btsensor/events.hpp"
#include "btsensor/evidence.hpp"
#include "btsensor/flow_table.hpp"
#include "btsensor/host_table.hpp"
#include "btsensor/peer_table.hpp"
#include "btsensor/shared_tables.hpp"
#include "btsensor/signatures.hpp"

namespace btsensor {

struct DpiConfig {
  uint32_t max_packets = 8;   // payload packets inspected per flow direction
  uint32_t max_bytes = 2048;  // bytes of each packet's payload scanned
  bool mse_heuristic = true;
  // MSE/PE (BEP 8 "Message Stream Encryption"): the initiator opens with its 96-byte DH key
  // Ya plus 0–512 bytes of random padding, so the first payload is 96–608 bytes of noise.
  uint32_t mse_min_len = 96, mse_max_len = 608;
  // How recent the host's BitTorrent activity must be to count as context for the
  // heuristics (MSE, learned peers, listen ports): the label lifetime.
  Timestamp context_window = 30 * 60 * kNsPerSec;
  Timestamp learned_ttl = 30 * 60 * kNsPerSec;  // learned peers expire
  uint32_t learned_capacity = 1u << 16;         // learned peers per shard
  uint32_t detail_capacity = 1u << 14;          // flows with BitTorrent detail per shard
  // Tracker addresses learned from DNS answers live for the record's TTL, at most this.
  Timestamp learned_dns_max_ttl = 24 * 3600 * kNsPerSec;
};

struct alignas(64) ClassifierStats {
  Counter scans;  // hs_scan calls
  Counter scanned_bytes;
  std::array<Counter, kMaxSignatures> prefilter;          // pattern hits by signature index
  std::array<Counter, kMaxSignatures> matches;            // validated hits by signature index
  std::array<Counter, kEvidenceCount> flows_by_evidence;  // ended flows carrying each kind
  Counter flows_bittorrent;                               // ended flows classified as BitTorrent
  Counter detail_exhausted;                               // BT flows without room for detail
  Counter peers_learned;
  Counter scan_errors;  // hs_scan failures (never expected)
};

// Flow flag bits (Flow::flags), owned by the classifier.
enum : uint8_t {
  kFlowDpiDone = 1,       // nothing more to learn from payload
  kFlowMseCandidate = 2,  // the initiator's first payload had the MSE shape
  kFlowUtpSyn = 4,        // proto_state: SYN conn_id (low 16) and seq_nr (high 16)
  kFlowUtpDir0 = 8,       // proto_state low 16: conn_id seen to_server (mid-stream)
  kFlowUtpDir1 = 16,      // proto_state high 16: conn_id seen to_client
  kFlowTrackerReq = 32,   // proto_state: UDP tracker request transaction id
  kFlowBittorrent = 64,   // has evidence that makes it a BitTorrent flow
  kFlowContextChecked = 128,
};

class Classifier {
 public:
  Classifier(const DpiConfig& cfg, const SharedTables* shared, uint32_t shard_index,
             ClassifierStats& stats);

  // Called once per burst: picks up the currently published signatures and name rules.
  // The pointers are not kept across bursts (RCU contract).
  void begin_burst();

  // Inspects one payload packet. dir 0 = initiator → responder. `local_is_src` says whether
  // the host key is this packet's sender. Returns the evidence bits this packet added.
  uint32_t inspect(Flow& f, int dir, const DecodedPacket& d, Host* host, bool host_is_src,
                   Timestamp now);

  // Host-context rules (learned peers, listen ports, MSE shape): called when a flow starts and
  // again when it ends, since the context often arrives after the flow began.
  uint32_t apply_context(Flow& f, Host* host, Timestamp now, bool end_of_flow);

  // Copies the flow's detail into the record and releases the pool slot.
  void finish(Flow& f, FlowRecord& r);
  void release(Flow& f);

  // True when another payload packet in direction `dir` is worth inspecting.
  bool wants(const Flow& f, int dir) const {
    return !(f.flags & kFlowDpiDone) && f.payload_pkts[dir] < cfg_.max_packets;
  }
  PeerTable& peers() { return peers_; }
  const PeerTable& peers() const { return peers_; }
  // Tracker addresses learned from DNS answers (this shard's, and the published overlay).
  bool learned_tracker(const IpAddr& a, Timestamp now) const;
  const ReputationTable* reputation() const { return rep_; }
  const FlowDetail* detail_of(const Flow& f) const {
    return f.detail == FlowTable::kNil ? nullptr : &details_[f.detail];
  }
  FlowDetail* mutable_detail(Flow& f) { return detail(f); }
  // Addresses learned by the last inspect() calls, for the shard to report; then cleared.
  std::span<const LearnedAddress> take_learned() {
    std::span<const LearnedAddress> v(learned_.data(), nlearned_);
    nlearned_ = 0;
    return v;
  }

 private:
  struct Ctx;  // per-packet validation context
  FlowDetail* detail(Flow& f);
  void add(Flow& f, Ctx& c, Evidence e, Confidence conf);
  bool validate(const SignatureMeta& m, Ctx& c);
  bool v_handshake(Ctx& c, std::span<const uint8_t> p, bool utp);
  bool v_framing(Ctx& c);
  bool v_extension(Ctx& c);
  bool v_azmp(Ctx& c);
  bool v_http_request(Ctx& c, Evidence wanted);
  bool v_http_response(Ctx& c);
  bool v_udp_tracker(Ctx& c);
  bool v_dht(Ctx& c);
  bool v_utp(Ctx& c);
  bool v_lsd(Ctx& c);
  bool v_tls(Ctx& c);
  void inspect_dns(Ctx& c);
  void hunt_name(Ctx& c, std::string_view name);
  void learn_peers(Ctx& c, std::span<const uint8_t> compact, bool ipv6, bool nodes);
  void set_client_from_peer_id(Ctx& c, std::span<const uint8_t> peer_id);

  const DpiConfig& cfg_;
  const SharedTables* shared_;
  uint32_t shard_index_;
  ClassifierStats& stats_;
  const SignatureSet* sigs_ = nullptr;         // valid for the current burst only
  const proto::NameMatcher* names_ = nullptr;  // valid for the current burst only
  const ReputationTable* rep_ = nullptr;       // valid for the current burst only
  const TrackerOverlay* overlay_ = nullptr;    // valid for the current burst only
  PeerTable peers_;
  PeerTable trackers_;  // tracker addresses from DNS answers, keyed by a zero host
  std::array<LearnedAddress, 16> learned_{};
  size_t nlearned_ = 0;
  std::vector<FlowDetail> details_;
  std::vector<uint32_t> free_details_;
};

}  // namespace btsensor
