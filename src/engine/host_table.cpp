#include "btsensor/host_table.hpp"

#include "engine/huge_pages.hpp"

namespace btsensor {

HostTable::HostTable(uint32_t capacity) {
  uint64_t buckets = 1;
  while (buckets * kWays < capacity) buckets <<= 1;
  assign_huge(hosts_, buckets * kWays, Host{});  // probed at random: spare the TLB
  mask_ = buckets - 1;
}

uint32_t HostTable::find(const IpAddr& a) const {
  size_t b = size_t(hash_addr(a, 0x686f7374 /* "host" */) & mask_) * kWays;
  for (int i = 0; i < kWays; ++i) {
    const Host& h = hosts_[b + size_t(i)];
    if (h.last_seen != 0 && h.addr == a) return uint32_t(b + size_t(i));
  }
  return kNil;
}

uint32_t HostTable::find_or_insert(const IpAddr& a, Timestamp now, uint32_t* evicted_out,
                                   Host* evicted) {
  *evicted_out = kNil;
  size_t b = size_t(hash_addr(a, 0x686f7374) & mask_) * kWays;
  size_t free_slot = SIZE_MAX, victim = b;
  for (int i = 0; i < kWays; ++i) {
    Host& h = hosts_[b + size_t(i)];
    if (h.last_seen == 0) {
      if (free_slot == SIZE_MAX) free_slot = b + size_t(i);
      continue;
    }
    if (h.addr == a) return uint32_t(b + size_t(i));
    // Victim: unlabelled before labelled, then least recently seen.
    auto labelled = [](const Host& x) {
      for (const LabelState& l : x.labels)
        if (l.set_at) return true;
      return false;
    };
    const Host& v = hosts_[victim];
    bool h_lab = labelled(h), v_lab = labelled(v);
    if ((h_lab < v_lab) || (h_lab == v_lab && h.last_seen < v.last_seen)) victim = b + size_t(i);
  }
  size_t slot = free_slot;
  if (slot == SIZE_MAX) {
    slot = victim;
    *evicted_out = uint32_t(slot);
    *evicted = hosts_[slot];
    --size_;
  }
  hosts_[slot] = Host{};
  hosts_[slot].addr = a;
  hosts_[slot].last_seen = now ? now : 1;
  ++size_;
  return uint32_t(slot);
}

void HostTable::erase(uint32_t h) {
  if (hosts_[h].last_seen == 0) return;
  hosts_[h] = Host{};
  --size_;
}

}  // namespace btsensor
