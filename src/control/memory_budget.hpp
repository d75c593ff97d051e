// How much memory the engine's preallocated tables take, from the config alone: lets the
// config check refuse a configuration that cannot fit the machine with one clear line,
// instead of the sensor dying in std::bad_alloc when the shards are built.
#pragma once

#include <cstdint>

#include "btsensor/shard.hpp"

namespace btsensor {

// Bytes of one shard's tables (flows with their index and timers, hosts, learned peers,
// BitTorrent details), from the element sizes of the engine's own types. An estimate within
// a few tens of percent: enough to tell "fits" from "a typo with extra zeros".
uint64_t shard_table_bytes(const EngineConfig& e);

// What one entry of each table costs in that sum (bench/engine_alone prints them beside the
// measured figures).
struct TableEntryBytes {
  uint64_t flow;        // Flow, index slots at load ≤ 1/2, handle maps, timer links
  uint64_t host;        // Host (8-way buckets: no separate index)
  uint64_t label_slot;  // HostLabels, owner, free-stack entry, timer links
};
TableEntryBytes table_entry_bytes();

// Physical memory of this machine; 0 when it cannot be read.
uint64_t physical_memory_bytes();

}  // namespace btsensor
