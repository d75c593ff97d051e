// Tracker addresses learned from DNS answers (passive DNS): when a DNS response resolves a
// tracker hostname from a feed, its addresses join this overlay with the record's TTL
// (bounded), and every shard sees them at the next publication. Immutable once built.
#pragma once

#include <cstdint>
#include <vector>

#include "btsensor/types.hpp"

namespace btsensor {

class TrackerOverlay {
 public:
  struct Item {
    IpAddr addr;
    Timestamp expires = 0;
  };
  explicit TrackerOverlay(const std::vector<Item>& items);
  // True when `a` was learned and has not expired at `now`. No allocation.
  bool contains(const IpAddr& a, Timestamp now) const;
  size_t size() const { return items_.size(); }
  const std::vector<Item>& items() const { return items_; }

 private:
  std::vector<Item> items_;
  std::vector<uint32_t> slots_;  // index + 1, 0 = empty
  uint64_t mask_ = 0;
};

}  // namespace btsensor
