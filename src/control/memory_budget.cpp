#include "control/memory_budget.hpp"

#include <unistd.h>

#include <algorithm>

#include "btsensor/events.hpp"
#include "btsensor/flow_table.hpp"
#include "btsensor/host_table.hpp"
#include "btsensor/peer_table.hpp"

namespace btsensor {

TableEntryBytes table_entry_bytes() {
  // Timer wheel entry: next and prev links, slot, deadline (4 + 4 + 2 + 8).
  constexpr uint64_t kTimer = 18;
  return TableEntryBytes{
      // The Flow, its open-addressing index slots (load factor ≤ 1/2: 2 × 8 bytes), handle
      // maps (2 × 4) and its timer.
      sizeof(Flow) + 16 + 8 + kTimer,
      sizeof(Host),
      sizeof(HostLabels) + 4 + 4 + kTimer,
  };
}

uint64_t shard_table_bytes(const EngineConfig& e) {
  const TableEntryBytes per = table_entry_bytes();
  // Hosts live in 8-way buckets rounded up to a power of two; those holding a label also
  // have a slot in the label pool.
  uint64_t host_slots = HostTable::kWays;
  while (host_slots < e.host_capacity) host_slots <<= 1;
  const uint64_t label_slots = std::min<uint64_t>(e.effective_label_capacity(), host_slots);
  // Learned peers: an address pair, port and expiry per entry (PeerTable::Entry).
  const uint64_t per_peer = 2 * sizeof(IpAddr) + sizeof(Timestamp) + 8;
  return uint64_t(e.flow_capacity) * per.flow + host_slots * per.host +
         label_slots * per.label_slot + uint64_t(e.dpi.learned_capacity) * per_peer +
         uint64_t(e.dpi.detail_capacity) * (sizeof(FlowDetail) + 4);
}

uint64_t physical_memory_bytes() {
  long pages = sysconf(_SC_PHYS_PAGES), size = sysconf(_SC_PAGESIZE);
  return pages > 0 && size > 0 ? uint64_t(pages) * uint64_t(size) : 0;
}

}  // namespace btsensor
