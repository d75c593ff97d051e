#include "btsensor/flow_table.hpp"

#include "engine/huge_pages.hpp"

namespace btsensor {

FlowTable::FlowTable(uint32_t capacity) {
  // Records and index are probed at random per packet: huge pages spare the TLB misses.
  assign_huge(flows_, capacity, Flow{});
  assign_huge(slot_of_, capacity, kNil);
  // Index size: the power of two ≥ 2 × capacity keeps the load factor ≤ 0.5, where linear
  // probing averages < 2 probes for hits and < 3 for misses.
  uint64_t n = 16;
  while (n < uint64_t(capacity) * 2) n <<= 1;
  assign_huge(index_, n, uint64_t(0));
  mask_ = n - 1;
  free_.reserve(capacity);
  for (uint32_t h = capacity; h-- > 0;) free_.push_back(h);
}

uint32_t FlowTable::find(const FlowKey& k, uint64_t hash) const {
  uint32_t tag = uint32_t(hash);
  for (uint64_t i = tag & mask_;; i = (i + 1) & mask_) {
    uint64_t s = index_[i];
    if (s == 0) return kNil;
    if (tag_of(s) == tag && flows_[handle_of(s)].key == k) return handle_of(s);
  }
}

uint32_t FlowTable::insert(const FlowKey& k, uint64_t hash) {
  if (free_.empty()) return kNil;
  uint32_t h = free_.back();
  free_.pop_back();
  uint32_t tag = uint32_t(hash);
  uint64_t i = tag & mask_;
  while (index_[i] != 0) i = (i + 1) & mask_;
  index_[i] = pack(tag, h);
  slot_of_[h] = uint32_t(i);
  flows_[h] = Flow{};
  flows_[h].key = k;
  ++size_;
  return h;
}

void FlowTable::erase(uint32_t h) {
  uint64_t hole = slot_of_[h];
  slot_of_[h] = kNil;
  free_.push_back(h);
  --size_;
  // Backward-shift deletion: pull later members of the probe run into the hole when their
  // home slot is not cyclically inside (hole, current], so every key stays reachable from its
  // home without tombstones.
  for (uint64_t j = (hole + 1) & mask_;; j = (j + 1) & mask_) {
    uint64_t s = index_[j];
    if (s == 0) break;
    uint64_t home = tag_of(s) & mask_;
    bool home_in_gap = hole <= j ? (hole < home && home <= j) : (hole < home || home <= j);
    if (home_in_gap) continue;
    index_[hole] = s;
    slot_of_[handle_of(s)] = uint32_t(hole);
    hole = j;
  }
  index_[hole] = 0;
}

}  // namespace btsensor
