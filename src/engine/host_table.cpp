#include "btsensor/host_table.hpp"

#include <algorithm>

#include "engine/huge_pages.hpp"

namespace btsensor {

HostTable::HostTable(uint32_t capacity, uint32_t label_capacity) {
  uint64_t buckets = 1;
  while (buckets * kWays < capacity) buckets <<= 1;
  assign_huge(hosts_, buckets * kWays, Host{});  // probed at random: spare the TLB
  mask_ = buckets - 1;
  // More label slots than hosts could never be used.
  const uint32_t n = std::clamp<uint32_t>(label_capacity, 1, uint32_t(hosts_.size()));
  pool_.assign(n, HostLabels{});
  owner_.assign(n, kNil);
  free_.reserve(n);
  for (uint32_t i = n; i-- > 0;) free_.push_back(i);
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
    const Host& v = hosts_[victim];
    bool h_lab = h.any_label(), v_lab = v.any_label();
    if ((h_lab < v_lab) || (h_lab == v_lab && h.last_seen < v.last_seen)) victim = b + size_t(i);
  }
  size_t slot = free_slot;
  if (slot == SIZE_MAX) {
    // The evicted host keeps its label slot in the copy: the caller ends its labels and
    // then detaches it (HostModels::on_evict).
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
  detach_labels(hosts_[h]);
  hosts_[h] = Host{};
  --size_;
}

bool HostTable::attach_labels(uint32_t h) {
  Host& host = hosts_[h];
  if (host.label_slot != Host::kNoLabels) return true;
  if (free_.empty()) return false;
  uint32_t s = free_.back();
  free_.pop_back();
  pool_[s] = HostLabels{};
  owner_[s] = h;
  host.label_slot = s;
  return true;
}

void HostTable::detach_labels(Host& h) {
  if (h.label_slot != Host::kNoLabels) {
    owner_[h.label_slot] = kNil;
    free_.push_back(h.label_slot);
    h.label_slot = Host::kNoLabels;
  }
  h.label_bits = 0;
}

HostSnapshot HostTable::snapshot(uint32_t h) const {
  HostSnapshot s;
  static_cast<Host&>(s) = hosts_[h];
  if (const HostLabels* l = labels_of(hosts_[h])) static_cast<HostLabels&>(s) = *l;
  s.sync_label_bits();
  return s;
}

}  // namespace btsensor
