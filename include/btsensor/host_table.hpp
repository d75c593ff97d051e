// Per-shard table of internal hosts: what the classifier and the host models remember about
// each one. Bounded and preallocated; a host's handle (its slot) is stable while it lives, so
// other tables can refer to it.
//
// Set-associative, 8-way: a host can only live in its bucket, so lookup touches ≤ 8 slots.
// When the bucket is full the least recently seen host is evicted, preferring hosts without
// active labels; the caller is told (to end its labels and count it).
//
// Two tiers, because most hosts never hold a label: the Host entry (48 bytes, every host)
// and its label and alert state (HostLabels, ~400 bytes: each label's evidence flow and
// remote name) in a separate bounded pool, attached while the host holds a label. The pool
// is sized by EngineConfig::label_capacity; when it is full the models end the labels of
// the least recently active holder among a few (counted as evicted, never silent).
#pragma once

#include <array>
#include <cstdint>
#include <vector>

#include "btsensor/events.hpp"
#include "btsensor/model_ids.hpp"
#include "btsensor/types.hpp"

namespace btsensor {

struct LabelState {
  Timestamp set_at = 0;           // 0: not active
  Timestamp last_activity = 0;    // the TTL runs from here
  uint32_t reason = 0;            // evidence bits seen while active
  FlowRef flow;                   // the flow that set it (evidence for alerts)
  std::array<char, 96> remote{};  // tracker or hunted name behind it (LabelEvent::remote)
};

// The `bittorrent` detection's state for the current bittorrent_user lifetime.
struct AlertState {
  bool fired = false;
  Timestamp first_seen = 0, last_seen = 0;  // peer evidence seen while labelled
  uint64_t bytes = 0;                       // of flows with peer evidence, counted at flow end
  uint32_t flows = 0;
  uint32_t evidence = 0;
};

constexpr int kMaxListenPorts = 4;

// A host's label and alert state, kept only while it holds a label.
struct HostLabels {
  std::array<LabelState, kLabelCount> labels{};
  AlertState alert;
};

struct Host {
  static constexpr uint32_t kNoLabels = 0xffffffffu;
  IpAddr addr;
  Timestamp last_seen = 0;    // 0: slot free
  Timestamp bt_activity = 0;  // last BitTorrent protocol evidence (classifier context)
  std::array<uint16_t, kMaxListenPorts> listen_ports{};  // BitTorrent ports the host uses
  uint32_t label_slot = kNoLabels;  // its HostLabels in the table's pool, while it has one
  uint8_t nlisten = 0;
  uint8_t label_bits = 0;  // bit i: label i active (mirrors HostLabels; no pool access)
  bool labelled(LabelId l) const { return (label_bits >> unsigned(l)) & 1; }
  bool any_label() const { return label_bits != 0; }
  bool has_listen_port(uint16_t p) const {
    for (int i = 0; i < nlisten; ++i)
      if (listen_ports[size_t(i)] == p) return true;
    return false;
  }
  void add_listen_port(uint16_t p) {
    if (p == 0 || has_listen_port(p)) return;
    // Keep the most recent ports: a client's port rarely changes, so a full list means churn.
    if (nlisten == kMaxListenPorts) {
      for (int i = 1; i < kMaxListenPorts; ++i)
        listen_ports[size_t(i - 1)] = listen_ports[size_t(i)];
      --nlisten;
    }
    listen_ports[nlisten++] = p;
  }
};
static_assert(sizeof(Host) <= 48, "the per-host entry is meant to stay small");

// Bit i set: label i is active in `l` (what Host::label_bits mirrors).
inline uint8_t label_bits_of(const HostLabels& l) {
  uint8_t bits = 0;
  for (int i = 0; i < kLabelCount; ++i)
    if (l.labels[size_t(i)].set_at) bits |= uint8_t(1u << i);
  return bits;
}

// A host with its label state, as the control plane saves, restores and shows it
// (label_slot means nothing here; label_bits agrees with labels: see sync_label_bits()).
struct HostSnapshot : Host, HostLabels {
  void sync_label_bits() { label_bits = label_bits_of(*this); }
};

class HostTable {
 public:
  static constexpr uint32_t kNil = 0xffffffffu;
  static constexpr int kWays = 8;
  // `label_capacity`: hosts that may hold a label at once (≥ 1, at most `capacity` used).
  HostTable(uint32_t capacity, uint32_t label_capacity);

  uint32_t find(const IpAddr& a) const;
  // Finds or creates. When a live host had to make room, *evicted receives its handle
  // before the slot is reused (the caller cancels its timers); else kNil.
  uint32_t find_or_insert(const IpAddr& a, Timestamp now, uint32_t* evicted_out, Host* evicted);
  Host& at(uint32_t h) { return hosts_[h]; }
  const Host& at(uint32_t h) const { return hosts_[h]; }
  uint32_t size() const { return size_; }
  uint32_t capacity() const { return uint32_t(hosts_.size()); }
  void erase(uint32_t h);  // frees its label state too

  // --- the label pool ---
  HostLabels* labels_of(const Host& h) {
    return h.label_slot == Host::kNoLabels ? nullptr : &pool_[h.label_slot];
  }
  const HostLabels* labels_of(const Host& h) const {
    return h.label_slot == Host::kNoLabels ? nullptr : &pool_[h.label_slot];
  }
  // Gives host `h` a zeroed pool slot; false when the pool is full.
  bool attach_labels(uint32_t h);
  // Frees the slot of a host (live, or a copy of one just evicted) and clears its bits.
  void detach_labels(Host& h);
  uint32_t label_capacity() const { return uint32_t(pool_.size()); }
  uint32_t labels_in_use() const { return uint32_t(pool_.size() - free_.size()); }
  // The host a used pool slot belongs to (kNil for a free slot).
  uint32_t label_owner(uint32_t slot) const { return owner_[slot]; }
  // The entry with its label state, for the control plane.
  HostSnapshot snapshot(uint32_t h) const;

  template <class Fn>
  void for_each(Fn&& fn) {
    for (uint32_t h = 0; h < hosts_.size(); ++h)
      if (hosts_[h].last_seen != 0) fn(h, hosts_[h]);
  }
  // Live hosts in slots [begin, end) (clamped): lets a reader walk the table in bounded steps.
  template <class Fn>
  void for_each_in(uint32_t begin, uint32_t end, Fn&& fn) const {
    if (end > hosts_.size()) end = uint32_t(hosts_.size());
    for (uint32_t h = begin; h < end; ++h)
      if (hosts_[h].last_seen != 0) fn(h, hosts_[h]);
  }

 private:
  std::vector<Host> hosts_;
  uint64_t mask_ = 0;
  uint32_t size_ = 0;
  std::vector<HostLabels> pool_;
  std::vector<uint32_t> owner_;  // pool slot → host handle, kNil when free
  std::vector<uint32_t> free_;   // stack of free pool slots
};

}  // namespace btsensor
