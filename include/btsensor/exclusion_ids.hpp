// Exclusion ids by index (an event's suppressed_by - 1, the per-exclusion counters), for the
// whole life of the process: append-only, so that an index always names the same exclusion
// even when a hot reload or `btsensor ctl exclusion add/remove` changes the set. Events
// still in flight and counters summed at scrape time stay attributed to the right id.
//
// One writer (the control thread: intern()); any number of readers (EVE writer threads, the
// metrics scrape) without a lock: a slot is written once, before the release store of the
// count that covers it, and never changed after.
#pragma once

#include <array>
#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include "btsensor/exclusions.hpp"

namespace btsensor {

class ExclusionIds {
 public:
  static std::shared_ptr<ExclusionIds> make(const std::vector<std::string>& ids = {}) {
    auto t = std::make_shared<ExclusionIds>();
    for (const auto& id : ids) t->intern(id);
    return t;
  }

  // Control thread. The index of `id`, appended when new; -1 when kMaxExclusions distinct
  // ids have been seen since start (a restart resets the table).
  int intern(const std::string& id) {
    size_t n = n_.load(std::memory_order_relaxed);
    for (size_t i = 0; i < n; ++i)
      if (names_[i] == id) return int(i);
    if (n == names_.size()) return -1;
    names_[n] = id;
    n_.store(n + 1, std::memory_order_release);  // the slot is complete before it counts
    return int(n);
  }
  // Control thread: would intern(id) add a slot?
  bool intern_would_grow(const std::string& id) const {
    size_t n = n_.load(std::memory_order_relaxed);
    for (size_t i = 0; i < n; ++i)
      if (names_[i] == id) return false;
    return true;
  }
  // Any thread. Acquire: every slot below the count is fully written.
  size_t size() const { return n_.load(std::memory_order_acquire); }
  // The id of index i, or nullptr when i is not (yet) assigned.
  const std::string* at(size_t i) const { return i < size() ? &names_[i] : nullptr; }

 private:
  std::array<std::string, kMaxExclusions> names_;
  std::atomic<size_t> n_{0};
};

}  // namespace btsensor
