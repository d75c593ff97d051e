// Hot reload: re-reads what can change while the sensor runs, validates all of it off the
// control thread, and publishes it with RCU — or keeps the running state on any error.
//
// Reloadable (published into SharedTables, picked up by every shard at its next burst):
//   pipeline      signatures (recompiled for the same worker count), hunting rules,
//                 models.yaml (label TTLs, ports, switches); the `pipeline:` key itself
//   reputation    feeds (list, files, formats), tracker_category, max_entries, watch
//   exclusions    the exclusions file and outputs.write_suppressed (with the run-time
//                 changes of `btsensor ctl exclusion`, kept across reloads)
// Not reloadable (sized or wired at start; a changed value is reported and the running one
// kept until a restart): home_net, flows, hosts, dpi, outputs (SIGHUP only reopens them),
// dataplane, control, state (outputs.write_suppressed excepted).
//
// A reload is all or nothing and as strict as `check-config`: a feed line that does not
// parse fails the reload (at start it is only skipped: there is no older state to keep).
// Results are counted in ControlStats (btsensor_reloads_total{result}).
//
// Threads: request() and poll() on the control thread; the loading runs on a helper thread
// so that a slow Hyperscan compile never stalls the event writer or the control socket.
#pragma once

#include <chrono>
#include <functional>
#include <future>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "btsensor/control_stats.hpp"
#include "btsensor/published.hpp"
#include "btsensor/shared_tables.hpp"
#include "control/config.hpp"
#include "control/exclusion_control.hpp"

namespace btsensor {

enum class ReloadScope { kAll, kFeeds };

struct ReloadResult {
  bool ok = false;
  std::string trigger;                      // "signal", "control", "feed change", …
  std::vector<std::string> errors;          // one line each: file:line:col: key: message
  std::vector<std::string> restart_needed;  // changed keys that only a restart applies
  std::vector<std::string> notes;           // other remarks (e.g. metrics label sets)
  std::vector<std::string> reloaded;        // what was published: "pipeline", "feeds"
  uint64_t feed_entries = 0;
  double seconds = 0;
};

class Reloader {
 public:
  using Done = std::function<void(const ReloadResult&)>;
  struct Hooks {
    std::function<void()> begin;  // a reload starts (sd_notify RELOADING=1)
    std::function<void()> end;    // it ended, either way (sd_notify READY=1)
  };

  // `running`: the config the sensor started with. `shards`: the worker count the
  // signatures are compiled for. `shared`, `reclaimer` and `stats` must outlive this.
  Reloader(const SensorConfig& running, uint32_t shards, SharedTables& shared, Reclaimer& reclaimer,
           ControlStats& stats, Hooks hooks = {});
  ~Reloader();  // waits for a load in progress (its result is dropped)
  Reloader(const Reloader&) = delete;
  Reloader& operator=(const Reloader&) = delete;

  // Control thread. Starts a load in the background; while one runs, requests are folded
  // into one more load after it (every `done` is called with the result that covers it).
  void request(ReloadScope scope, std::string trigger, Done done = {});
  // Control thread, once per loop: publishes a finished load, runs `done` callbacks, and
  // polls the feed files when `reputation.watch` is on.
  void poll();
  bool busy() const { return loading_.valid(); }

  // The config in force: the start's, with the reloadable parts of the last good reload.
  const SensorConfig& running() const { return running_; }
  // The exit summary and tests: every result so far.
  const std::vector<ReloadResult>& history() const { return history_; }

  // One line per result, for stderr.
  static std::vector<std::string> describe(const ReloadResult& r);

  // Records the feed files' current state as "loaded" (after the initial load at start).
  void mark_feeds_loaded();
  // The exclusions reload too (the config's `exclusions` file, outputs.write_suppressed),
  // through `x`, which keeps the run-time additions and removals. Null: not reloaded.
  void set_exclusions(ExclusionControl* x) { exclusions_ = x; }

  struct Candidate;  // what a background load produced

 private:
  struct FileStamp {
    int64_t mtime_ns = 0;
    uint64_t size = 0, inode = 0;
    bool exists = false;
    friend bool operator==(const FileStamp&, const FileStamp&) = default;
  };
  using Stamps = std::map<std::string, FileStamp>;
  static Stamps stamp_feeds(const SensorConfig& cfg);
  void start(ReloadScope scope, std::string trigger);
  void publish(Candidate& c, ReloadResult& r);
  void watch_feeds();

  SensorConfig running_;
  uint32_t shards_;
  SharedTables& shared_;
  Reclaimer& reclaimer_;
  ControlStats& stats_;
  Hooks hooks_;
  ExclusionControl* exclusions_ = nullptr;
  std::map<std::string, std::string> fixed_sections_;  // non-reloadable sections at start

  std::future<std::unique_ptr<Candidate>> loading_;
  std::vector<Done> waiting_;  // callbacks of the load in progress
  bool pending_ = false;       // another load was asked for meanwhile
  ReloadScope pending_scope_ = ReloadScope::kFeeds;
  std::string pending_trigger_;
  std::vector<Done> pending_done_;

  Stamps loaded_stamps_, seen_stamps_;
  std::chrono::steady_clock::time_point next_watch_{};
  std::vector<ReloadResult> history_;
};

// The text of each non-reloadable top-level section of a config file ("" when absent):
// two configs differ in a section exactly when these texts differ.
std::map<std::string, std::string> fixed_config_sections(const std::string& path);

}  // namespace btsensor
