// Counters of one shard. Written only by the shard's thread; read by anyone (see counter.hpp).
// Every drop, eviction and parse failure has its own counter here: nothing is lost silently.
#pragma once

#include <array>

#include "btsensor/counter.hpp"
#include "btsensor/decode.hpp"
#include "btsensor/events.hpp"

namespace btsensor {

struct alignas(64) ShardStats {
  Counter packets;                                 // frames handed to the shard
  Counter bytes;                                   // their wire length
  std::array<Counter, kDecodeStatusCount> decode;  // by DecodeStatus (index 0 = ok)
  Counter no_l4;  // decoded, but no ports (non-first fragments, other protocols)
  Counter flows_created;
  std::array<Counter, 3> flows_ended;  // by FlowEndReason
  Counter flows_evicted;     // table full: oldest-deadline flow ended early (also in ended[forced])
  Counter flows_dropped;     // table full and nothing evictable: packet not tracked
  Counter flows_active;      // gauge
  Counter time_regressions;  // packet timestamp earlier than the shard's clock
  Counter hosts_created;
  Counter hosts_evicted;  // host table bucket full: least recently seen host dropped
  Counter hosts_active;   // gauge
};

}  // namespace btsensor
