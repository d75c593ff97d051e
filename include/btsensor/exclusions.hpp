// Exclusions: known-good BitTorrent use that the SOC does not want reported (an admin host
// fetching updates, a malware sandbox, analysts hunting torrent sites, …).
//
// An exclusion names what it covers by any combination of criteria, all of which must hold:
// the internal host (`hosts`), the remote endpoint (`remotes`), the tracker/hunted name
// (`domains`, suffix match), which events (`match`: label, model, evidence), the ports, a
// weekly time window in a time zone, and an expiry time. Events it covers are *suppressed*:
// counted per exclusion, and written (marked `"suppressed": {"exclusion": ID}`) only when
// the config asks for it — never silently lost.
//
// This header is the engine side: a pure matcher over fixed-size events. The set is built
// and validated on the control plane (src/control/exclusions_loader.*), published with RCU
// (SharedTables::exclusions) and read where events leave: the replay delivery and the
// dataplane aggregator's OutboundGate. Matching does no I/O and no allocation: it only reads
// the vectors built at load time.
//
// Which time an event is judged at (windows and `expires`): the time of the activity it
// reports — a flow record's start, a label set's time, a label expiry's last activity (so
// that an expiry follows its set), an alert's time. Packet time, never the wall clock: replay
// is deterministic.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "btsensor/counter.hpp"
#include "btsensor/events.hpp"
#include "btsensor/home_net.hpp"
#include "btsensor/model_ids.hpp"
#include "btsensor/published.hpp"

namespace btsensor {

// Upper bound on exclusions in one set: their ids are metric label values (low cardinality),
// and the per-exclusion counters are a fixed array (ExclusionStats) so that a reload never
// allocates on an lcore. Event fields hold index + 1 in a uint16_t.
constexpr size_t kMaxExclusions = 1024;

// A time zone as a table of UTC-offset changes, built on the control plane (from the TZif
// files of the IANA database, see control/tzif.hpp) and read by the matcher without
// allocation: offset_at() is a binary search.
class TimeZone {
 public:
  struct Transition {
    int64_t at;      // Unix seconds (UTC) from which `offset` applies
    int32_t offset;  // seconds east of UTC
  };
  // UTC, or a fixed offset (seconds east of UTC).
  static TimeZone fixed(int32_t offset, std::string name = "UTC");
  // `initial` applies before the first transition; `transitions` sorted by `at`.
  TimeZone(std::string name, int32_t initial, std::vector<Transition> transitions);
  TimeZone() = default;

  int32_t offset_at(int64_t unix_seconds) const;
  const std::string& name() const { return name_; }
  size_t transitions() const { return table_.size(); }

 private:
  std::string name_ = "UTC";
  int32_t initial_ = 0;
  std::vector<Transition> table_;
};

// A weekly window in local time: on `days` (bit 0 = Monday … bit 6 = Sunday), from `start`
// (inclusive) to `end` (exclusive), minutes after local midnight. end ≤ start means the
// window runs past midnight: it belongs to the day it *starts* on (fri 22:00-06:00 covers
// Friday night into Saturday morning).
struct TimeWindow {
  uint8_t days = 0x7f;
  uint16_t start = 0, end = 24 * 60;
  TimeZone tz;
  bool contains(Timestamp t) const;
};

struct PortRange {
  uint16_t lo = 0, hi = 0;
};

struct Exclusion {
  // Text for people and metrics (control plane only; never read per event).
  std::string id, reason, owner;
  int line = 0;  // where it was defined (1-based), for messages

  // Criteria; an empty list means "any".
  std::vector<Cidr> hosts;           // the internal host the event is about
  std::vector<Cidr> remotes;         // the other endpoint of the flow(s) behind the event
  std::vector<std::string> domains;  // lower case, no leading/trailing dot: suffix on labels
  std::vector<PortRange> ports;      // either endpoint of the flow(s)
  // `match`: which events. Alternatives (an event is a flow, a label or an alert); without
  // any, every event kind matches.
  bool has_match = false;
  uint32_t labels = 0;    // label events of these LabelIds (bitmask)
  uint32_t models = 0;    // alerts of these ModelIds (bitmask)
  uint32_t evidence = 0;  // any event whose evidence is non-empty and entirely within this
  bool has_window = false;
  TimeWindow window;
  Timestamp expires = 0;  // 0: never; else the exclusion no longer matches from this time on
};

// The set a sensor runs with, immutable once published.
class ExclusionSet {
 public:
  ExclusionSet() = default;
  explicit ExclusionSet(std::vector<Exclusion> list, bool write_suppressed = false)
      : list_(std::move(list)), write_suppressed_(write_suppressed) {}

  // The first exclusion (in file order) that covers the event: its index + 1, or 0. Flow
  // records without BitTorrent evidence are never covered (they report no detection).
  uint16_t match(const FlowRecord& r) const;
  uint16_t match(const LabelEvent& e) const;
  uint16_t match(const AlertEvent& e) const;

  size_t size() const { return list_.size(); }
  bool empty() const { return list_.empty(); }
  const Exclusion& at(size_t i) const { return list_[i]; }
  const std::vector<Exclusion>& list() const { return list_; }
  // `outputs.write_suppressed`: suppressed events still go to the outputs, marked.
  bool write_suppressed() const { return write_suppressed_; }
  void set_write_suppressed(bool on) { write_suppressed_ = on; }
  // The ids by index (for the formatter and metrics: index = suppressed_by - 1).
  std::vector<std::string> ids() const;

 private:
  std::vector<Exclusion> list_;
  bool write_suppressed_ = false;
};

// Counters of one place that applies exclusions, written by that thread only, by exclusion
// index. The formatter's id table (EveOptions::exclusion_ids) and the metrics getter also go
// by index: on the sensor an id keeps its index for the whole run (exclusion_ids.hpp;
// reloads and run-time changes place each exclusion at its id's index).
struct alignas(64) ExclusionStats {
  std::array<Counter, kMaxExclusions> by_exclusion;  // events each exclusion suppressed
  Counter suppressed;  // all events suppressed (= sum of by_exclusion)
  Counter withheld;    // of those, not handed to the outputs (write_suppressed off)
};

// Applies a set to events: marks `suppressed_by`, counts, and says whether the event goes on
// to the outputs. One per delivering thread (replay delivery, dataplane aggregator).
class ExclusionFilter {
 public:
  // True when the event is to be written: not covered, or covered and write_suppressed.
  // `set` may be null (no exclusions).
  template <class Event>
  bool admit(const ExclusionSet* set, Event& e) {
    e.suppressed_by = 0;
    if (!set || set->empty()) return true;
    const uint16_t m = set->match(e);
    if (!m) return true;
    e.suppressed_by = m;
    stats_.by_exclusion[m - 1].add();
    stats_.suppressed.add();
    if (set->write_suppressed()) return true;
    stats_.withheld.add();
    return false;
  }
  const ExclusionStats& stats() const { return stats_; }

 private:
  ExclusionStats stats_;
};

// An EventSink in front of another that applies the published exclusions (replay, tests).
// Reads the pointer once per event: its driver publishes only while no event is delivered.
class ExclusionSink final : public EventSink {
 public:
  ExclusionSink(EventSink& out, const Published<ExclusionSet>* set) : out_(out), set_(set) {}
  void on_flow(const FlowRecord& r) override {
    FlowRecord c = r;
    if (filter_.admit(current(), c)) out_.on_flow(c);
  }
  void on_label(const LabelEvent& e) override {
    LabelEvent c = e;
    if (filter_.admit(current(), c)) out_.on_label(c);
  }
  void on_alert(const AlertEvent& e) override {
    AlertEvent c = e;
    if (filter_.admit(current(), c)) out_.on_alert(c);
  }
  void on_learned(const LearnedAddress& a) override { out_.on_learned(a); }
  const ExclusionStats& stats() const { return filter_.stats(); }

 private:
  const ExclusionSet* current() const { return set_ ? set_->get() : nullptr; }
  EventSink& out_;
  const Published<ExclusionSet>* set_;
  ExclusionFilter filter_;
};

// Helpers shared with the loader and tests.
// The host part of a tracker/hunted name: "http://Tracker.Example.org:6969/announce" →
// "Tracker.Example.org"; empty for addresses in brackets.
std::string_view name_host(std::string_view text);
// True when `host` is `domain` or ends with "." + domain, ASCII case-insensitively, a
// trailing dot ignored. `domain` is lower case without leading/trailing dots.
bool domain_suffix_match(std::string_view host, std::string_view domain);

}  // namespace btsensor
