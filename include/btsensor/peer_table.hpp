// Per-shard table of BitTorrent endpoints learned for a host: (host, remote ip, remote port)
// → expiry. Filled from confirmed BitTorrent flows, compact peer lists in tracker replies and
// DHT nodes/values; consulted for later flows of the same host (evidence `learned_peer`).
//
// Keyed by the host as well as the endpoint: a peer list that host A received says nothing
// about host B's traffic, and per-host keys keep results independent of the shard count.
// Never keyed on an IP pair alone (nDPI's pair cache labels any later flow between two hosts).
//
// Set-associative: 4-way buckets, preallocated. Insert overwrites an expired entry or else
// the entry that expires first (counted as an eviction). No allocation, O(1) everything.
#pragma once

#include <cstdint>
#include <vector>

#include "btsensor/counter.hpp"
#include "btsensor/types.hpp"

namespace btsensor {

class PeerTable {
 public:
  static constexpr int kWays = 4;
  explicit PeerTable(uint32_t capacity);

  // Remembers (host, ip, port) until `expires`; refreshes an existing entry.
  void learn(const IpAddr& host, const IpAddr& ip, uint16_t port, Timestamp now, Timestamp expires);
  bool known(const IpAddr& host, const IpAddr& ip, uint16_t port, Timestamp now) const;

  uint64_t evictions() const { return evictions_; }
  uint32_t capacity() const { return uint32_t(entries_.size()); }
  // Entries in slots [begin, end) (clamped) that are still live at `now`, as
  // fn(host, ip, port, expires): bounded walks (control queries) and state export.
  template <class Fn>
  void for_each_in(uint32_t begin, uint32_t end, Timestamp now, Fn&& fn) const {
    if (end > entries_.size()) end = uint32_t(entries_.size());
    for (uint32_t i = begin; i < end; ++i) {
      const Entry& e = entries_[i];
      if (e.expires > now) fn(e.host, e.ip, e.port, e.expires);
    }
  }

 private:
  struct Entry {
    IpAddr host, ip;
    Timestamp expires = 0;  // 0 = empty
    uint16_t port = 0;
  };
  size_t bucket(const IpAddr& host, const IpAddr& ip, uint16_t port) const;
  std::vector<Entry> entries_;
  uint64_t mask_ = 0;  // bucket count - 1
  uint64_t evictions_ = 0;
};

}  // namespace btsensor
