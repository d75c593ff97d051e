#include "btsensor/tracker_overlay.hpp"

namespace btsensor {

TrackerOverlay::TrackerOverlay(const std::vector<Item>& items) : items_(items) {
  uint64_t n = 16;
  while (n < items_.size() * 2) n <<= 1;  // load ≤ 0.5
  slots_.assign(n, 0);
  mask_ = n - 1;
  for (size_t k = 0; k < items_.size(); ++k) {
    uint64_t i = hash_addr(items_[k].addr) & mask_;
    while (slots_[i]) i = (i + 1) & mask_;
    slots_[i] = uint32_t(k + 1);
  }
}

bool TrackerOverlay::contains(const IpAddr& a, Timestamp now) const {
  for (uint64_t i = hash_addr(a) & mask_;; i = (i + 1) & mask_) {
    uint32_t v = slots_[i];
    if (v == 0) return false;
    const Item& it = items_[v - 1];
    if (it.addr == a) return it.expires > now;
  }
}

}  // namespace btsensor
