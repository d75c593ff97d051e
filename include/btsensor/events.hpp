// What the engine tells the world: flow records, host label changes, alerts.
//
// Events are plain fixed-size values (no pointers into packets, no heap) so that a driver can
// copy them into a ring (dataplane) or a vector (replay) without knowing their meaning. The
// engine calls the sink once per *event*, never once per packet.
#pragma once

#include <array>
#include <cstdint>

#include "btsensor/flow_table.hpp"
#include "btsensor/types.hpp"

namespace btsensor {

enum class FlowEndReason : uint8_t {
  kTimeout,   // idle timeout (including the short timeout after a TCP close)
  kForced,    // evicted because the flow table was full
  kShutdown,  // end of capture / sensor stopping
};
const char* flow_end_reason_name(FlowEndReason r);
const char* flow_state_name(FlowState s);

// What the classifier saw on a flow, copied out when the flow ends. Text fields are
// NUL-terminated and truncated to their buffers.
struct FlowDetail {
  std::array<char, 40> client{};  // BitTorrent client name (peer_id or User-Agent)
  std::array<uint8_t, 20> peer_id{};
  std::array<uint8_t, 20> info_hash{};
  std::array<char, 96> tracker{};  // tracker host[:port] or URL path seen
  std::array<char, 96> name{};     // hunted name (DNS query, HTTP Host, TLS SNI)
  uint8_t peer_id_len = 0;
  bool has_info_hash = false;
};

struct FlowRecord {
  FiveTuple tuple;  // src = initiator
  uint64_t flow_id = 0;
  Timestamp start = 0, end = 0;
  uint64_t bytes_toserver = 0, bytes_toclient = 0;
  uint32_t pkts_toserver = 0, pkts_toclient = 0;
  IpAddr host;  // the host key (internal endpoint, see home_net.hpp)
  bool host_internal = false;
  uint16_t vlan = 0;
  FlowState state = FlowState::kNew;
  FlowEndReason reason = FlowEndReason::kTimeout;
  uint8_t tcp_flags_ts = 0, tcp_flags_tc = 0;
  // Classification (see classifier.hpp): evidence is a bitmask of Evidence values.
  uint32_t evidence = 0;
  uint8_t confidence = 0;
  bool bittorrent = false;  // the flow itself speaks a BitTorrent protocol
  bool has_detail = false;
  FlowDetail detail;
  uint16_t suppressed_by = 0;  // 0, or the index + 1 of the exclusion that covers it
};

// A flow named as evidence by a label or an alert.
struct FlowRef {
  FiveTuple tuple;  // src = initiator
  uint64_t flow_id = 0;
  Timestamp first_seen = 0;
  uint32_t evidence = 0;
};

enum class LabelAction : uint8_t { kSet, kExpire };

struct LabelEvent {
  Timestamp ts = 0;
  IpAddr host;
  uint8_t label = 0;  // LabelId (models.hpp)
  LabelAction action = LabelAction::kSet;
  Timestamp expires = 0;  // for kSet: when it lapses unless refreshed
  Timestamp last_activity = 0;
  uint32_t reason = 0;  // Evidence bitmask that set or last refreshed it
  bool has_flow = false;
  FlowRef flow;                   // the flow that set it
  std::array<char, 96> remote{};  // tracker address or name behind the label, if any
  // kExpire: why, and what the lifetime amounted to.
  bool evicted = false;      // the host table made room (not a TTL expiry)
  uint32_t alert_flows = 0;  // flows with peer evidence during the lifetime
  uint64_t alert_bytes = 0;
  uint16_t suppressed_by = 0;  // 0, or the index + 1 of the exclusion that covers it
};

constexpr int kMaxAlertFlows = 8;

struct AlertEvent {
  Timestamp ts = 0;
  IpAddr host;
  uint8_t model = 0;      // ModelId (models.hpp)
  uint8_t severity = 2;   // 1 high … 3 low
  uint32_t evidence = 0;  // union of evidence kinds behind the alert
  Timestamp first_seen = 0, last_seen = 0;
  uint64_t bytes = 0;
  uint8_t nflows = 0;
  std::array<FlowRef, kMaxAlertFlows> flows{};
  uint8_t labels = 0;             // bitmask of LabelIds held by the host when it fired
  bool has_flow = false;          // flows[0] is the tuple of the triggering flow
  uint16_t suppressed_by = 0;     // 0, or the index + 1 of the exclusion that covers it
  std::array<char, 96> remote{};  // the tracker behind the host's bittorrent_user label
};

// An address the engine learned on the data path that other shards should know too: the
// answer of a DNS response for a tracker name on a feed (passive DNS). The control plane
// folds these into the next published overlay.
struct LearnedAddress {
  Timestamp ts = 0;
  Timestamp expires = 0;  // ts + the record's TTL (bounded by config)
  IpAddr addr;
  std::array<char, 96> name{};  // the tracker name it resolves
};

// The engine's only way out. Implementations must not throw; they may copy the event and
// return (a dataplane sink enqueues it to the aggregator's ring).
class EventSink {
 public:
  virtual ~EventSink() = default;
  virtual void on_flow(const FlowRecord& r) = 0;
  virtual void on_label(const LabelEvent& e) = 0;
  virtual void on_alert(const AlertEvent& e) = 0;
  // Control-plane feedback, not an output event: sinks that feed no control plane ignore it.
  virtual void on_learned(const LearnedAddress&) {}
};

// flow_id: stable across shard counts and drivers (replay and the dataplane must agree), so
// it is derived from the flow's key and first packet time only. Kept below 2^63 because
// Suricata's flow_id is a signed 64-bit integer in many SIEM schemas.
inline uint64_t make_flow_id(const FlowKey& k, Timestamp first_ts) {
  return mix64(hash_flow_key(k) ^ uint64_t(first_ts)) & 0x7fffffffffffffffULL;
}

}  // namespace btsensor
