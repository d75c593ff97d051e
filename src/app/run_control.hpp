// The control thread's work while `btsensor run` runs, called from the dataplane's loop on
// the main thread: SIGHUP → hot reload (the writers reopen their files on the same signal),
// the control socket, the feed-file watcher, and the service manager's notifications.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "app/service_notify.hpp"
#include "btsensor/control_stats.hpp"
#include "control/control_server.hpp"
#include "control/overlay_publisher.hpp"
#include "control/reloader.hpp"
#include "dataplane/dataplane.hpp"

namespace btsensor::app {

class RunControl final : public ControlLoop {
 public:
  RunControl(Reloader& reloader, ControlServer* server, ServiceNotifier& notify,
             std::string ready_status);
  void running() override;
  void tick() override;
  void stopping() override;

 private:
  Reloader& reloader_;
  ControlServer* server_;
  ServiceNotifier& notify_;
  std::string ready_status_;
  uint32_t sighup_seen_;
  bool stopping_ = false;
};

// SIGHUP for `btsensor run`: reopen the outputs (as install_reopen_on_sighup) and ask the
// control loop for a reload. `btsensor ctl reload` reopens the outputs without counting as
// a SIGHUP, so one request makes one reload.
void install_run_sighup();
uint32_t sighup_count();

// The "stats" answer of the control socket: what an operator checks first (traffic, drops
// by place, flows, hosts, labels, alerts, outputs, reloads, feeds).
struct RunStatsSources {
  Dataplane::StatsView view;
  std::vector<const OutputStats*> outputs;
  const OutputStats* queue = nullptr;  // aggregator → writer queue
  const ControlStats* control = nullptr;
  std::chrono::system_clock::time_point start = std::chrono::system_clock::now();
};
void write_run_stats(JsonWriter& w, const RunStatsSources& s);

// config `state.file`. Restore before the lcores run: a missing file is a first start; a
// damaged, truncated or old-format one is reported on stderr and ignored (never fatal).
void restore_run_state(const std::string& path, const std::vector<Shard*>& shards,
                       OverlayPublisher& overlay);
// Save after the lcores stopped. False (reported) when the file could not be written.
bool save_run_state(const std::string& path, const std::vector<Shard*>& shards,
                    const OverlayPublisher& overlay);

}  // namespace btsensor::app
