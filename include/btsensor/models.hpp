// Host models: labels with a time-to-live measured from the last activity, and the
// `bittorrent` detection that correlates a label with peer traffic.
//
//   bittorrent_user  set by tracker evidence (HTTP/UDP announce or scrape, a tracker reply,
//                    a tracker address from reputation feeds on a tracker port); refreshed by
//                    any BitTorrent activity of the host; lapses `ttl` after the last one.
//   torrent_site     set and refreshed by name hunting (DNS/HTTP Host/TLS SNI); low severity.
//   bittorrent       (alert) a host holding bittorrent_user is seen on a transfer port or in
//                    peer traffic: once per label lifetime; later evidence updates counters.
//
// What to detect lives in pipelines/bittorrent/models.yaml (ModelConfig); nothing an
// operator would want to change is hard-coded here.
#pragma once

#include <array>
#include <bitset>
#include <cstdint>
#include <string_view>

#include "btsensor/counter.hpp"
#include "btsensor/events.hpp"
#include "btsensor/evidence.hpp"
#include "btsensor/flow_table.hpp"
#include "btsensor/host_table.hpp"
#include "btsensor/model_ids.hpp"
#include "btsensor/timer_wheel.hpp"

namespace btsensor {

class PortMask {
 public:
  void add(uint16_t lo, uint16_t hi) {
    for (uint32_t p = lo; p <= hi; ++p) bits_.set(p);
  }
  bool contains(uint16_t p) const { return bits_.test(p); }
  bool empty() const { return bits_.none(); }

 private:
  std::bitset<65536> bits_;  // 8 KiB: one test per lookup, no search
};

struct LabelConfig {
  bool enabled = true;
  Timestamp ttl = 30 * 60 * kNsPerSec;
};

struct ModelConfig {
  std::array<LabelConfig, kLabelCount> labels;
  PortMask tracker_ports_tcp, tracker_ports_udp;  // reputation hits count only on these
  // Evidence that sets bittorrent_user.
  uint32_t tracker_evidence =
      evidence_bit(Evidence::kHttpAnnounce) | evidence_bit(Evidence::kHttpScrape) |
      evidence_bit(Evidence::kUdpTracker) | evidence_bit(Evidence::kTrackerReply) |
      evidence_bit(Evidence::kTrackerReputation) | evidence_bit(Evidence::kTrackerLearnedDns);
  // The `bittorrent` detection.
  bool bittorrent_enabled = true;
  PortMask transfer_ports;  // TCP and UDP
  uint32_t peer_evidence =
      evidence_bit(Evidence::kPeerHandshake) | evidence_bit(Evidence::kPeerHandshakeUtp) |
      evidence_bit(Evidence::kPeerMessage) | evidence_bit(Evidence::kExtensionProtocol) |
      evidence_bit(Evidence::kAzureusMessaging) | evidence_bit(Evidence::kDht) |
      evidence_bit(Evidence::kUtp) | evidence_bit(Evidence::kLsd) |
      evidence_bit(Evidence::kMseHeuristic) | evidence_bit(Evidence::kLearnedPeer) |
      evidence_bit(Evidence::kListenPort) | evidence_bit(Evidence::kPeerAttempt) |
      evidence_bit(Evidence::kTransferPort);
  // Evidence strong enough for severity 1 (high); anything else gives severity 2.
  uint32_t high_severity_evidence = evidence_bit(Evidence::kPeerHandshake) |
                                    evidence_bit(Evidence::kPeerHandshakeUtp) |
                                    evidence_bit(Evidence::kExtensionProtocol) |
                                    evidence_bit(Evidence::kDht) | evidence_bit(Evidence::kUtp);

  static ModelConfig defaults();
};

struct alignas(64) ModelStats {
  std::array<Counter, kLabelCount> labels_set;
  std::array<Counter, kLabelCount> labels_expired;
  std::array<Counter, kLabelCount> labels_evicted;  // host or its label state evicted
  std::array<Counter, kLabelCount> labels_active;   // gauge
  std::array<Counter, kModelCount> alerts;
  Counter expiry_runs;  // host timer firings
  // The label pool was full: a holder's labels ended early to make room (HostTable).
  Counter label_pool_evictions;
};

// The per-shard model logic over the shard's host table. Not thread-safe (one per shard).
class HostModels {
 public:
  HostModels(EventSink& sink, ModelStats& stats, HostTable& hosts, uint32_t expiry_budget);

  const ModelConfig& config() const { return *cfg_; }
  // Called per burst with the currently published config (never kept across bursts).
  void begin_burst(const ModelConfig* cfg) { cfg_ = cfg ? cfg : &defaults_; }

  // A flow of an internal host gained evidence (`added`) at `now`. `detail` (may be null)
  // names the tracker or hunted name behind a label it sets (LabelEvent::remote).
  void on_evidence(uint32_t host_handle, Flow& f, uint32_t added, Timestamp now,
                   const FlowDetail* detail = nullptr);
  // A flow of an internal host is ending: transfer-port rule and alert counters.
  void on_flow_end(uint32_t host_handle, Flow& f, Timestamp now);
  // Flow start: transfer-port rule (the host may already hold its label).
  uint32_t transfer_port_evidence(uint32_t host_handle, const Flow& f) const;

  // Timer work: expires labels whose TTL ran out. Returns timers fired.
  uint32_t advance(Timestamp now);
  // The host `old` (a copy: its slot `handle` is being reused) was evicted: end its labels now.
  void on_evict(uint32_t handle, const Host& old, Timestamp now);
  // Restores `saved`'s labels onto the host in `handle` (state saved at `saved_now`, see
  // Shard::restore_host): counts them active and arms its timer. A label whose TTL already
  // ran out expires at the next advance(), with its original deadline as the event time.
  // False when the label pool had to make room for it.
  bool restore(uint32_t handle, const HostSnapshot& saved, Timestamp saved_now);
  // End of capture / shutdown: labels stay as they are (they expire in real time, and a
  // restart may restore them); nothing to do but documented here on purpose.

 private:
  void set_or_refresh(uint32_t handle, Host& h, LabelId l, Flow& f, uint32_t reason, Timestamp now,
                      bool may_set, const FlowDetail* detail = nullptr);
  void expire(Host& h, HostLabels& hl, LabelId l, Timestamp at, bool evicted);
  // Ends every label of `h` (evicted) and frees its label state.
  void evict_labels(Host& h, Timestamp now);
  // Gives `handle` label state; when the pool is full, first evicts the least recently
  // active of a few holders. False only if the pool cannot hold even one host.
  bool attach(uint32_t handle, Timestamp now);
  // Frees the label state of a host that no longer holds a label.
  void release_if_unlabelled(Host& h);
  void arm(uint32_t slot, const HostLabels& hl);
  void fire_alert(Host& h, HostLabels& hl, Flow& f, uint32_t evidence, Timestamp now);
  static FlowRef ref_of(const Flow& f, uint32_t evidence);

  EventSink& sink_;
  ModelStats& stats_;
  HostTable& hosts_;
  TimerWheel timers_;          // one per label-pool slot: the earliest deadline of its labels
  uint32_t evict_cursor_ = 0;  // where the next pool-full eviction starts sampling
  uint32_t budget_;
  ModelConfig defaults_ = ModelConfig::defaults();
  const ModelConfig* cfg_ = &defaults_;
};

}  // namespace btsensor
