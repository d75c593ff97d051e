// The DPDK sensor: EAL, ports, rings and pools, lcore roles, the control loop and the
// orderly shutdown. Wiring (config → options, the EVE writer, signals) is the app's.
//
//   RX lcores ──SPSC ring per (RX, worker)──► workers (one Shard each)
//       ──SPSC event ring per worker──► aggregator ──SPSC output queue──► writer (main thread)
//
// Shutdown, in order, nothing lost: the control thread stops the RX lcores; each worker,
// once every RX lcore is done, empties its rings and flushes its shard; the aggregator,
// once every worker is done, empties the event rings; the writer, once the aggregator is
// done, empties the output queue. Each "done" is a release store read with acquire.
#pragma once

#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include "btsensor/events.hpp"
#include "btsensor/published.hpp"
#include "btsensor/result.hpp"
#include "btsensor/sensor_stats.hpp"
#include "btsensor/shard.hpp"
#include "btsensor/shard_query.hpp"
#include "btsensor/shared_tables.hpp"
#include "dataplane/options.hpp"

namespace btsensor {

// Per-worker figures for the summary.
struct WorkerTotals {
  unsigned lcore = 0;
  uint64_t packets = 0;
  uint64_t ring_dropped = 0;  // packets for this worker dropped at RX (its rings were full)
  uint64_t multi_seg = 0;
  uint64_t ts_fallback = 0;
  uint64_t events = 0;          // flow/label/alert events its shard emitted
  uint64_t events_dropped = 0;  // event ring full / event pool empty
  uint64_t host_misrouted = 0;  // events whose host does not hash to this worker
  uint64_t flows = 0;           // flows created
  double busy = 0;              // busy cycles / total cycles
};

struct DataplaneTotals {
  std::string time_source;    // "packet" or "tsc" (after resolving auto)
  std::string stop_reason;    // "signal", "idle", …
  double seconds = 0;         // lcores launched → all done
  double active_seconds = 0;  // first → last packet seen by the control thread's polls
  uint64_t rx_packets = 0, rx_bytes = 0;
  uint64_t ring_enqueued = 0, ring_dropped = 0;
  uint64_t worker_packets = 0;
  uint64_t multi_seg = 0, ts_fallback = 0, host_misrouted = 0;
  uint64_t events_produced = 0;        // flow + label + alert, at the workers
  uint64_t events_dropped_worker = 0;  // event ring full / pool empty
  uint64_t events_suppressed = 0;      // by the outbound gate (exclusions), not written
  uint64_t events_dropped_output = 0;  // output queue full
  uint64_t events_handed = 0;          // given to the writer
  uint64_t learned = 0;
  std::vector<WorkerTotals> workers;
  // Owned by the Dataplane: valid while it lives.
  std::vector<const PortStats*> ports;
  std::vector<const LcoreStats*> lcores;
};

// The control thread's own work, called from Dataplane::run's loop on the main thread
// (never on an lcore): reloads, the control socket, service notifications.
class ControlLoop {
 public:
  virtual ~ControlLoop() = default;
  virtual void running() {}   // every lcore has been launched and runs
  virtual void tick() {}      // once per loop iteration (at least every ~0.5 ms)
  virtual void stopping() {}  // the stop began (signal or idle): input stops now
};

class Dataplane {
 public:
  // EAL init, port attach/configure/start, pools, rings, shards. Errors are one line naming
  // the config key and/or port at fault.
  // `shared` (signatures, hunting rules, models; may be null) must outlive the dataplane; its
  // signatures must have been compiled for (at least) the number of workers.
  static Result<std::unique_ptr<Dataplane>> create(const DataplaneOptions& opt,
                                                   const EngineConfig& engine,
                                                   const SharedTables* shared = nullptr);
  ~Dataplane();
  Dataplane(const Dataplane&) = delete;
  Dataplane& operator=(const Dataplane&) = delete;

  // Launches the lcores and runs the control loop on the calling (main) thread: writes
  // events to `out`, polls port stats, stops on `stop` (set by a signal handler), on
  // exit_when_idle_ms of no input, then shuts down in order. Returns the totals.
  DataplaneTotals run(EventSink& out, OutputStats& out_stats, const std::atomic<bool>& stop,
                      ControlLoop* control = nullptr);

  // The workers' shards, for restoring saved state before run() and saving it after (only
  // while no lcore runs), and their control mailboxes (any time while run() runs).
  std::vector<Shard*> shards();
  std::vector<ShardMailbox*> mailboxes();

  // For the control plane's RCU publications (Published<T>::publish). Control thread only.
  Reclaimer& reclaimer();

  // Counters for the metrics exporter; each is written by one lcore (or the control thread
  // for ports) and read at scrape time. Valid while the dataplane lives.
  struct StatsView {
    std::vector<const Shard*> shards;  // one per worker
    std::vector<const PortStats*> ports;
    std::vector<const RingStats*> rings;  // RX-lcore major, then worker
    std::vector<const LcoreStats*> lcores;
    const ExclusionStats* exclusions = nullptr;  // the aggregator's (outbound gate)
  };
  StatsView stats_view() const;

  struct Impl;

 private:
  explicit Dataplane(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace btsensor
