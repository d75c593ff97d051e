// What the control plane changes while the sensor runs (hot reload), for the metrics
// exporter and `btsensor ctl stats`: reload results and the reputation feeds of the last
// good load. Written by the control thread, read by the exporter's HTTP thread at scrape
// time; not on the data path, so a mutex is fine for the feed list.
#pragma once

#include <cstdint>
#include <mutex>
#include <string>
#include <vector>

#include "btsensor/counter.hpp"

namespace btsensor {

struct FeedStatus {
  std::string name;
  uint64_t entries = 0;
  double loaded_at = 0;  // unix seconds of the last good load
};

class ControlStats {
 public:
  Counter reloads_ok;      // cp: wo
  Counter reloads_failed;  // cp: wo

  void set_feeds(std::vector<FeedStatus> feeds) {
    std::lock_guard<std::mutex> g(m_);
    feeds_ = std::move(feeds);
  }
  std::vector<FeedStatus> feeds() const {
    std::lock_guard<std::mutex> g(m_);
    return feeds_;
  }

 private:
  mutable std::mutex m_;
  std::vector<FeedStatus> feeds_;
};

}  // namespace btsensor
