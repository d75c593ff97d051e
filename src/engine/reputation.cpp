#include "btsensor/reputation.hpp"

#include <algorithm>
#include <cstring>
#include <map>

#include "engine/huge_pages.hpp"

namespace btsensor {
namespace {

uint64_t slots_for(size_t n) {
  // Power of two ≥ 2n: load ≤ 0.5 keeps linear-probe misses short (the common case: most
  // addresses are not on any feed).
  uint64_t s = 16;
  while (s < n * 2) s <<= 1;
  return s;
}

// A table whose slots outgrow L2 (1 MiB on the machines measured; 2 MiB leaves room) gets a
// filter: below that, probing the slots directly is as cheap as probing a filter.
constexpr size_t kFilterMinSlotBytes = 2u << 20;

uint32_t v4_mask(unsigned prefix) {
  return prefix == 0 ? 0 : ~uint32_t(0) << (32 - prefix);
}

void v6_mask(unsigned prefix, uint64_t& hi, uint64_t& lo) {
  hi = prefix == 0 ? 0 : prefix >= 64 ? ~uint64_t(0) : ~uint64_t(0) << (64 - prefix);
  lo = prefix <= 64 ? 0 : prefix >= 128 ? ~uint64_t(0) : ~uint64_t(0) << (128 - prefix);
}

void v6_words(const IpAddr& a, uint64_t& hi, uint64_t& lo) {
  hi = lo = 0;
  for (int i = 0; i < 8; ++i) hi = hi << 8 | a.b[size_t(i)];
  for (int i = 8; i < 16; ++i) lo = lo << 8 | a.b[size_t(i)];
}

}  // namespace

const RepEntry* ReputationTable::lookup(const IpAddr& a) const {
  if (a.is_v4()) {
    uint32_t v = a.v4_value();
    for (const V4Table& t : v4_) {
      uint32_t key = v & t.mask;
      uint64_t h = mix64(key);
      if (t.filter_mask) {
        // The filter uses the hash's high half, the slots its low bits: independent.
        uint64_t b = (h >> 32) & t.filter_mask;
        if (!((t.filter[b >> 6] >> (b & 63)) & 1)) continue;
      }
      for (uint64_t i = h & t.slot_mask;; i = (i + 1) & t.slot_mask) {
        const V4Slot& s = t.slots[i];
        if (s.value == 0) break;
        if (s.key == key) return &entries_[s.value - 1];
      }
    }
    return nullptr;
  }
  uint64_t hi, lo;
  v6_words(a, hi, lo);
  for (const V6Table& t : v6_) {
    uint64_t khi = hi & t.mask_hi, klo = lo & t.mask_lo;
    for (uint64_t i = mix64(khi ^ mix64(klo)) & t.slot_mask;; i = (i + 1) & t.slot_mask) {
      const V6Slot& s = t.slots[i];
      if (s.value == 0) break;
      if (s.hi == khi && s.lo == klo) return &entries_[s.value - 1];
    }
  }
  return nullptr;
}

int ReputationTable::tracker_name(std::string_view name) const {
  if (names_.empty()) return -1;
  for (uint64_t i = hash_name(name) & name_mask_;; i = (i + 1) & name_mask_) {
    uint32_t v = name_slots_[i];
    if (v == 0) return -1;
    const std::string& n = names_[v - 1];
    if (n.size() == name.size() && std::equal(n.begin(), n.end(), name.begin(), [](char x, char y) {
          return x == ((y >= 'A' && y <= 'Z') ? char(y + 32) : y);
        }))
      return int(v - 1);
  }
}

size_t ReputationTable::memory_bytes() const {
  size_t n = entries_.capacity() * sizeof(RepEntry) + name_slots_.capacity() * 4;
  for (const auto& t : v4_) n += t.slots.capacity() * sizeof(V4Slot) + t.filter.capacity() * 8;
  for (const auto& t : v6_) n += t.slots.capacity() * sizeof(V6Slot);
  for (const auto& s : names_) n += s.capacity();
  return n;
}

uint16_t ReputationTable::Builder::feed(const std::string& name) {
  auto it = std::find(feeds_.begin(), feeds_.end(), name);
  if (it != feeds_.end()) return uint16_t(it - feeds_.begin());
  feeds_.push_back(name);
  return uint16_t(feeds_.size() - 1);
}

uint16_t ReputationTable::Builder::category(const std::string& name) {
  auto it = std::find(categories_.begin(), categories_.end(), name);
  if (it != categories_.end()) return uint16_t(it - categories_.begin());
  categories_.push_back(name);
  return uint16_t(categories_.size() - 1);
}

void ReputationTable::Builder::add(const IpAddr& net, unsigned prefix_len_128, RepEntry e) {
  pending_.push_back(Pending{net, prefix_len_128, e});
}

void ReputationTable::Builder::add_tracker_name(std::string name) {
  names_.push_back(std::move(name));
}

std::unique_ptr<ReputationTable> ReputationTable::Builder::build(
    const std::string& tracker_category_name) {
  auto t = std::unique_ptr<ReputationTable>(new ReputationTable());
  t->feeds_ = feeds_;
  t->categories_ = categories_;
  t->feed_entries_.assign(feeds_.size(), 0);
  for (size_t i = 0; i < categories_.size(); ++i)
    if (categories_[i] == tracker_category_name) t->tracker_category_ = int(i);
  // Group by family and prefix length; longest prefixes are looked up first.
  std::map<unsigned, std::vector<const Pending*>, std::greater<>> v4, v6;
  for (const Pending& p : pending_) (p.net.is_v4() ? v4 : v6)[p.prefix128].push_back(&p);
  t->entries_.reserve(pending_.size());
  for (auto& [prefix128, items] : v4) {
    V4Table tab;
    tab.prefix = uint8_t(prefix128 - 96);
    tab.mask = v4_mask(tab.prefix);
    uint64_t n = slots_for(items.size());
    assign_huge(tab.slots, n, V4Slot{});
    tab.slot_mask = n - 1;
    if (n * sizeof(V4Slot) >= kFilterMinSlotBytes) {
      // 8 bits per entry (power of two): false-positive rate 1 - e^(-n/m) ≈ 7–12%.
      uint64_t bits = 64;
      while (bits < items.size() * 8) bits <<= 1;
      assign_huge(tab.filter, bits / 64, uint64_t(0));
      tab.filter_mask = bits - 1;
    }
    for (const Pending* p : items) {
      uint32_t key = p->net.v4_value() & tab.mask;
      uint64_t h = mix64(key);
      if (tab.filter_mask) {
        uint64_t b = (h >> 32) & tab.filter_mask;
        tab.filter[b >> 6] |= uint64_t(1) << (b & 63);
      }
      uint64_t i = h & tab.slot_mask;
      bool dup = false;
      for (; tab.slots[i].value; i = (i + 1) & tab.slot_mask)
        if (tab.slots[i].key == key) dup = true;
      if (dup) continue;  // first feed wins
      t->entries_.push_back(p->e);
      t->feed_entries_[p->e.feed]++;
      tab.slots[i] = V4Slot{key, uint32_t(t->entries_.size())};
    }
    t->v4_.push_back(std::move(tab));
  }
  for (auto& [prefix128, items] : v6) {
    V6Table tab;
    tab.prefix = uint8_t(prefix128);
    v6_mask(prefix128, tab.mask_hi, tab.mask_lo);
    uint64_t n = slots_for(items.size());
    tab.slots.assign(n, V6Slot{});
    tab.slot_mask = n - 1;
    for (const Pending* p : items) {
      uint64_t hi, lo;
      v6_words(p->net, hi, lo);
      hi &= tab.mask_hi;
      lo &= tab.mask_lo;
      uint64_t i = mix64(hi ^ mix64(lo)) & tab.slot_mask;
      bool dup = false;
      for (; tab.slots[i].value; i = (i + 1) & tab.slot_mask)
        if (tab.slots[i].hi == hi && tab.slots[i].lo == lo) dup = true;
      if (dup) continue;
      t->entries_.push_back(p->e);
      t->feed_entries_[p->e.feed]++;
      tab.slots[i] = V6Slot{hi, lo, uint32_t(t->entries_.size())};
    }
    t->v6_.push_back(std::move(tab));
  }
  std::sort(names_.begin(), names_.end());
  names_.erase(std::unique(names_.begin(), names_.end()), names_.end());
  t->names_ = names_;
  uint64_t ns = slots_for(names_.size());
  t->name_slots_.assign(ns, 0);
  t->name_mask_ = ns - 1;
  for (size_t k = 0; k < names_.size(); ++k) {
    uint64_t i = hash_name(names_[k]) & t->name_mask_;
    while (t->name_slots_[i]) i = (i + 1) & t->name_mask_;
    t->name_slots_[i] = uint32_t(k + 1);
  }
  pending_.clear();
  return t;
}

}  // namespace btsensor
