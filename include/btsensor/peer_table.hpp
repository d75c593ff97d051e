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
