#include "control/overlay_publisher.hpp"

#include <algorithm>
#include <memory>
#include <vector>

namespace btsensor {

void OverlayPublisher::add(const LearnedAddress& a) {
  auto [it, inserted] = items_.try_emplace(a.addr, a.expires);
  if (!inserted && a.expires > it->second) it->second = a.expires;
  if (inserted) ++learned_;
  dirty_ = true;
}

bool OverlayPublisher::maybe_publish(Timestamp now, Timestamp interval, Reclaimer& r, bool force) {
  if (!dirty_ || (!force && now - last_ < interval)) return false;
  std::vector<TrackerOverlay::Item> v;
  for (auto it = items_.begin(); it != items_.end();) {
    if (it->second <= now) {
      it = items_.erase(it);  // expired: DNS TTL ran out
    } else {
      v.push_back({it->first, it->second});
      ++it;
    }
  }
  if (v.size() > capacity_) {
    std::nth_element(v.begin(), v.begin() + long(v.size() - capacity_), v.end(),
                     [](const auto& x, const auto& y) { return x.expires < y.expires; });
    evicted_ += v.size() - capacity_;
    for (size_t i = 0; i < v.size() - capacity_; ++i) items_.erase(v[i].addr);
    v.erase(v.begin(), v.begin() + long(v.size() - capacity_));
  }
  target_.publish(std::make_unique<TrackerOverlay>(v), r);
  dirty_ = false;
  last_ = now;
  return true;
}

}  // namespace btsensor
