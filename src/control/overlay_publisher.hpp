// Folds the addresses shards learned from DNS answers (LearnedAddress events) into a new
// TrackerOverlay and publishes it with RCU, at most once per interval (control plane).
// Bounded: beyond `capacity` addresses, those expiring first are dropped (counted).
#pragma once

#include <map>

#include "btsensor/counter.hpp"
#include "btsensor/events.hpp"
#include "btsensor/published.hpp"
#include "btsensor/tracker_overlay.hpp"

namespace btsensor {

class OverlayPublisher {
 public:
  OverlayPublisher(Published<TrackerOverlay>& target, size_t capacity = 65536)
      : target_(target), capacity_(capacity) {}
  void add(const LearnedAddress& a);
  // Publishes when something changed and `interval` passed since the last publication (or
  // always, with force). `now` is the caller's clock (packet time in replay).
  bool maybe_publish(Timestamp now, Timestamp interval, Reclaimer& r, bool force = false);
  uint64_t learned() const { return learned_; }
  uint64_t evicted() const { return evicted_; }
  // Address → expiry of everything learned and not yet published away (state file).
  const std::map<IpAddr, Timestamp>& items() const { return items_; }

 private:
  Published<TrackerOverlay>& target_;
  size_t capacity_;
  std::map<IpAddr, Timestamp> items_;  // address → expiry
  bool dirty_ = false;
  Timestamp last_ = 0;
  uint64_t learned_ = 0, evicted_ = 0;
};

// Passes events on to `next` and hands learned tracker addresses to the publisher; publishes
// from the caller's thread (the control thread) through `reclaimer` at most once per
// `interval` of event time.
class LearnedTap final : public EventSink {
 public:
  LearnedTap(EventSink& next, OverlayPublisher& p, Reclaimer* reclaimer = nullptr,
             Timestamp interval = kNsPerSec)
      : next_(next), p_(p), reclaimer_(reclaimer), interval_(interval) {}
  void on_flow(const FlowRecord& r) override { next_.on_flow(r); }
  void on_label(const LabelEvent& e) override { next_.on_label(e); }
  void on_alert(const AlertEvent& e) override { next_.on_alert(e); }
  void on_learned(const LearnedAddress& a) override {
    p_.add(a);
    if (reclaimer_) p_.maybe_publish(a.ts, interval_, *reclaimer_);
  }

 private:
  EventSink& next_;
  OverlayPublisher& p_;
  Reclaimer* reclaimer_;
  Timestamp interval_;
};

}  // namespace btsensor
