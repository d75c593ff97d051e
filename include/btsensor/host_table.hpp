// Per-shard table of internal hosts: what the classifier and the host models remember about
// each one. Bounded and preallocated; a host's handle (its slot) is stable while it lives, so
// the shard's host timer wheel can refer to it.
//
// Set-associative, 8-way: a host can only live in its bucket, so lookup touches ≤ 8 slots.
// When the bucket is full the least recently seen host is evicted, preferring hosts without
// active labels; the caller is told (to cancel timers and count it).
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

struct Host {
  IpAddr addr;
  Timestamp last_seen = 0;    // 0: slot free
  Timestamp bt_activity = 0;  // last BitTorrent protocol evidence (classifier context)
  std::array<uint16_t, kMaxListenPorts> listen_ports{};  // BitTorrent ports the host uses
  uint8_t nlisten = 0;
  std::array<LabelState, kLabelCount> labels{};
  AlertState alert;
  bool labelled(LabelId l) const { return labels[size_t(l)].set_at != 0; }
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

class HostTable {
 public:
  static constexpr uint32_t kNil = 0xffffffffu;
  static constexpr int kWays = 8;
  explicit HostTable(uint32_t capacity);

  uint32_t find(const IpAddr& a) const;
  // Finds or creates. When a live host had to make room, *evicted receives its handle
  // before the slot is reused (the caller cancels its timers); else kNil.
  uint32_t find_or_insert(const IpAddr& a, Timestamp now, uint32_t* evicted_out, Host* evicted);
  Host& at(uint32_t h) { return hosts_[h]; }
  const Host& at(uint32_t h) const { return hosts_[h]; }
  uint32_t size() const { return size_; }
  uint32_t capacity() const { return uint32_t(hosts_.size()); }
  void erase(uint32_t h);

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
};

}  // namespace btsensor
