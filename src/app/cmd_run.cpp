// `btsensor run`: the DPDK sensor. Wiring only: config → DataplaneOptions, the EVE writer as
// the dataplane's output, signals → stop flag, the summary on exit.
#include <signal.h>

#include <atomic>
#include <cerrno>
#include <charconv>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "app/commands.hpp"
#include "app/run_control.hpp"
#include "app/service_notify.hpp"
#include "btsensor_version.hpp"
#include "control/config.hpp"
#include "control/control_server.hpp"
#include "control/exclusion_control.hpp"
#include "control/exclusions_loader.hpp"
#include "control/overlay_publisher.hpp"
#include "control/reloader.hpp"
#include "control/shared_state.hpp"
#include "dataplane/dataplane.hpp"
#include "outputs/host_port.hpp"
#include "outputs/metrics_collector.hpp"
#include "outputs/metrics_server.hpp"
#include "outputs/output_set.hpp"
#include "outputs/reopen_signal.hpp"

namespace btsensor::app {
namespace {

constexpr const char* kHelp = R"(Usage: btsensor run -c CONFIG [options] [-- EAL arguments]

Runs the sensor on DPDK ports: RX lcores hash packets by internal host to worker lcores,
each running one engine shard; an aggregator lcore collects their events and the main
thread writes them as EVE-style JSON lines. Ports, lcore roles and sizes come from the
config's `dataplane:` section (see deploy/btsensor.example.yaml).

Options:
  -c, --config FILE       sensor config (YAML) with a dataplane section (required)
      --eve FILE|-        where events go (default: config outputs.eve, else stdout)
      --exit-on-idle MS   stop once no packet has arrived for MS milliseconds
                          (default: dataplane.exit_when_idle_ms; 0 = run until signalled)
  -q, --quiet             no summary on stderr
  -h, --help

Everything after `--` goes to the DPDK EAL unchanged, e.g. on a machine without hugepages
or NIC:  -- --no-huge --no-shconf -m 512 --lcores 0@0,1@1,2@1,3@0
(--in-memory does not combine with --no-huge: use --no-shconf.)
Without -l/--lcores there, the EAL gets `-l` with the configured lcores plus a main lcore.

SIGINT/SIGTERM stop the sensor cleanly: input stops, every flow is flushed (reason
"shutdown") and every event is written before exit. A second signal kills it at once.
SIGHUP reopens the output files (logrotate) and hot-reloads the pipeline and the
reputation feeds (see README, "Operating the sensor"); a bad reload keeps the running state.
With `control.socket` set, `btsensor ctl` talks to the running sensor; with `state.file`
set, labels and learned peers are saved at exit and restored at start.

Exit codes: 0 ok, 1 bad config/port/EAL setup or writing events failed, 2 usage.
)";

std::atomic<bool> g_stop{false};
static_assert(std::atomic<bool>::is_always_lock_free, "used from a signal handler");

void on_signal(int sig) {
  if (g_stop.exchange(true)) {
    // Second signal: the operator means it.
    ::signal(sig, SIG_DFL);
    ::raise(sig);
  }
}

bool parse_u32(const char* s, uint32_t& out) {
  auto [p, ec] = std::from_chars(s, s + std::strlen(s), out);
  return ec == std::errc{} && *p == '\0';
}

DataplaneOptions to_options(const DataplaneConfig& c) {
  DataplaneOptions o;
  for (size_t i = 0; i < c.ports.size(); ++i)
    o.ports.push_back(DpPort{c.ports[i].name, c.ports[i].devargs, c.ports[i].rx_queues,
                             std::string("dataplane.ports[") + std::to_string(i) + "]"});
  o.rx_lcores = c.rx_lcores;
  o.worker_lcores = c.worker_lcores;
  o.aggregator_lcore = c.aggregator_lcore;
  o.mempool_mbufs = c.mempool_mbufs;
  o.mbuf_cache = c.mbuf_cache;
  o.ring_size = c.ring_size;
  o.event_ring_size = c.event_ring_size;
  o.output_queue = c.output_queue;
  o.burst = c.burst;
  o.rx_desc = c.rx_desc;
  o.time_source = c.time_source == TimeSource::kPacket ? DpTimeSource::kPacket
                  : c.time_source == TimeSource::kTsc  ? DpTimeSource::kTsc
                                                       : DpTimeSource::kAuto;
  o.exit_when_idle_ms = c.exit_when_idle_ms;
  o.idle_sleep_us = c.idle_sleep_us;
  o.stats_interval_ms = c.stats_interval_ms;
  o.test_worker_delay_ns = c.test_worker_delay_ns;
  o.test_rx_gap_us = c.test_rx_gap_us;
  return o;
}

using ull = unsigned long long;

void print_summary(const DataplaneTotals& t, uint64_t lines, uint64_t write_errors,
                   const ExclusionSet& exclusions, const ExclusionStats* xs) {
  const double secs = t.active_seconds > 0 ? t.active_seconds : t.seconds;
  const double mpps = secs > 0 ? double(t.worker_packets) / secs / 1e6 : 0;
  std::fprintf(stderr, "run: stopped (%s) after %.3f s; time source: %s\n", t.stop_reason.c_str(),
               t.seconds, t.time_source.c_str());
  std::fprintf(stderr,
               "run: %llu packets received, %llu processed, %llu dropped (packet rings full); "
               "%.3f Mpps over %.3f s of traffic\n",
               ull(t.rx_packets), ull(t.worker_packets), ull(t.ring_dropped), mpps, secs);
  for (size_t i = 0; i < t.workers.size(); ++i) {
    const WorkerTotals& w = t.workers[i];
    std::fprintf(stderr,
                 "run: worker %zu (lcore %u): %llu packets, %llu flows, %llu events, %llu "
                 "packets dropped (ring full), %llu events dropped, busy %.1f%%\n",
                 i, w.lcore, ull(w.packets), ull(w.flows), ull(w.events), ull(w.ring_dropped),
                 ull(w.events_dropped), 100 * w.busy);
  }
  const uint64_t dropped = t.events_dropped_worker + t.events_dropped_output + write_errors;
  std::fprintf(stderr,
               "run: events: %llu produced = %llu written + %llu dropped (%llu event rings, "
               "%llu output queue, %llu write errors) + %llu suppressed (not written)\n",
               ull(t.events_produced), ull(lines), ull(dropped), ull(t.events_dropped_worker),
               ull(t.events_dropped_output), ull(write_errors), ull(t.events_suppressed));
  if (xs && !exclusions.empty()) {
    std::string per;
    for (size_t i = 0; i < exclusions.size() && i < kMaxExclusions; ++i)
      if (uint64_t n = xs->by_exclusion[i].get())
        per += (per.empty() ? ": " : ", ") + exclusions.at(i).id + "=" + std::to_string(n);
    std::fprintf(stderr, "run: %llu events suppressed by %zu exclusion(s) (%llu not written)%s\n",
                 ull(xs->suppressed.get()), exclusions.size(), ull(xs->withheld.get()),
                 per.c_str());
  }
  std::string busy;
  for (const LcoreStats* l : t.lcores) {
    uint64_t total = l->total_cycles.get();
    char b[64];
    std::snprintf(b, sizeof(b), "%s%s %u %.1f%%", busy.empty() ? "" : ", ", l->role.c_str(),
                  l->lcore_id, total ? 100.0 * double(l->busy_cycles.get()) / double(total) : 0.0);
    busy += b;
  }
  std::fprintf(stderr, "run: lcores busy: %s\n", busy.c_str());
  for (const PortStats* p : t.ports)
    std::fprintf(stderr,
                 "run: port %s: ipackets %llu, imissed %llu, ierrors %llu, rx_nombuf %llu\n",
                 p->name.c_str(), ull(p->ipackets.get()), ull(p->imissed.get()),
                 ull(p->ierrors.get()), ull(p->rx_nombuf.get()));
  if (t.multi_seg || t.ts_fallback || t.host_misrouted)
    std::fprintf(stderr,
                 "run: note: %llu multi-segment frames (first segment inspected), %llu packets "
                 "without RX timestamp (TSC used), %llu events on the wrong worker\n",
                 ull(t.multi_seg), ull(t.ts_fallback), ull(t.host_misrouted));
  std::string per_worker, flows_each;
  for (const WorkerTotals& w : t.workers) {
    if (!flows_each.empty()) flows_each += ',';
    flows_each += std::to_string(w.flows);
  }
  for (const WorkerTotals& w : t.workers) {
    if (!per_worker.empty()) per_worker += ',';
    per_worker += std::to_string(w.packets);
  }
  // One machine-readable line for scripts and tests.
  std::fprintf(
      stderr,
      "run: totals rx_packets=%llu worker_packets=%llu ring_dropped=%llu "
      "worker_packets_each=%s worker_flows_each=%s events_produced=%llu events_written=%llu "
      "events_dropped=%llu events_suppressed=%llu learned=%llu host_misrouted=%llu "
      "multi_seg=%llu ts_fallback=%llu stop=%s time_source=%s seconds=%.3f active_seconds=%.3f "
      "mpps=%.3f\n",
      ull(t.rx_packets), ull(t.worker_packets), ull(t.ring_dropped), per_worker.c_str(),
      flows_each.c_str(), ull(t.events_produced), ull(lines), ull(dropped),
      ull(t.events_suppressed), ull(t.learned), ull(t.host_misrouted), ull(t.multi_seg),
      ull(t.ts_fallback), t.stop_reason.c_str(), t.time_source.c_str(), t.seconds, secs, mpps);
}

}  // namespace

int cmd_run(int argc, char** argv) {
  std::string config_path, eve;
  bool quiet = false, have_idle = false;
  uint32_t idle_ms = 0;
  std::vector<std::string> eal_args;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--") {
      eal_args.assign(argv + i + 1, argv + argc);
      break;
    }
    auto value = [&](const char* name) -> const char* {
      if (i + 1 >= argc) {
        std::fprintf(stderr, "btsensor run: %s needs a value\n", name);
        return nullptr;
      }
      return argv[++i];
    };
    const char* v = nullptr;
    if (a == "-h" || a == "--help") {
      std::fputs(kHelp, stdout);
      return kExitOk;
    } else if (a == "-q" || a == "--quiet") {
      quiet = true;
    } else if (a == "-c" || a == "--config") {
      if (!(v = value("--config"))) return kExitUsage;
      config_path = v;
    } else if (a == "--eve") {
      if (!(v = value("--eve"))) return kExitUsage;
      eve = v;
    } else if (a == "--exit-on-idle") {
      if (!(v = value("--exit-on-idle"))) return kExitUsage;
      if (!parse_u32(v, idle_ms) || idle_ms > 86'400'000) {
        std::fprintf(stderr, "btsensor run: --exit-on-idle takes milliseconds (0-86400000)\n");
        return kExitUsage;
      }
      have_idle = true;
    } else {
      std::fprintf(stderr, "btsensor run: unknown argument '%s' (EAL arguments go after --)\n%s",
                   a.c_str(), kHelp);
      return kExitUsage;
    }
  }
  if (config_path.empty()) {
    std::fprintf(stderr, "btsensor run: -c CONFIG is required\n%s", kHelp);
    return kExitUsage;
  }

  Diagnostics diag;
  auto cfg = load_config(config_path, diag);
  for (const auto& line : diag.lines) std::fprintf(stderr, "%s\n", line.c_str());
  if (!cfg) return kExitBadInput;
  if (!cfg->dataplane.present) {
    std::fprintf(stderr,
                 "%s: dataplane: missing: `btsensor run` needs a dataplane section with ports "
                 "(see deploy/btsensor.example.yaml)\n",
                 config_path.c_str());
    return kExitBadInput;
  }
  DataplaneOptions opt = to_options(cfg->dataplane);
  opt.eal_args = std::move(eal_args);
  if (have_idle) opt.exit_when_idle_ms = idle_ms;
  if (!eve.empty()) {
    cfg->outputs.eve.enabled = true;
    cfg->outputs.eve.path = eve;
  }

  // The pipeline is compiled before any lcore runs (one Hyperscan scratch per worker), and
  // the reputation feeds loaded: published now, nothing reads yet.
  SharedTables shared;
  {
    Diagnostics pdiag;
    StoppedReaders none;
    bool ok = load_shared_state(*cfg, uint32_t(opt.worker_lcores.size()), /*strict=*/false, pdiag,
                                shared, none);
    for (const auto& line : pdiag.lines) std::fprintf(stderr, "%s\n", line.c_str());
    if (!ok) return kExitBadInput;
  }
  // Exclusions: the config's file plus what `btsensor ctl exclusion` adds or removes while
  // the sensor runs (persisted ones first loaded here). Ids keep their index for the whole
  // run (ExclusionIds), so records and counters stay attributed across reloads.
  auto exclusion_ids = ExclusionIds::make();
  StoppedReaders before_start;  // nothing reads yet; the dataplane's RCU once it runs
  ExclusionControl exclusions(shared.exclusions, before_start, exclusion_ids,
                              cfg->control.runtime_exclusions);
  {
    Diagnostics xdiag, warnings, persisted;
    auto x = load_configured_exclusions(*cfg, xdiag, &warnings);
    for (const auto& line : warnings.lines) std::fprintf(stderr, "%s\n", line.c_str());
    for (const auto& line : xdiag.lines) std::fprintf(stderr, "%s\n", line.c_str());
    if (!x) return kExitBadInput;
    exclusions.load_persisted(persisted);
    for (const auto& line : persisted.lines) std::fprintf(stderr, "%s\n", line.c_str());
    if (auto r = exclusions.set_base(std::move(*x), nullptr); !r) {
      std::fprintf(stderr, "btsensor run: %s\n", r.error().c_str());
      return kExitBadInput;
    }
  }

  install_run_sighup();
  // Writers never block the aggregator: a full output queue is a counted drop.
  auto outputs = OutputSet::create(cfg->outputs, QueueFull::kDrop, exclusion_ids);
  if (!outputs) {
    std::fprintf(stderr, "btsensor run: %s\n", outputs.error().c_str());
    return kExitBadInput;
  }

  // Signals go to this (the main) thread only: block them while the EAL creates its threads
  // (which inherit the mask), then unblock here. A signal that arrives during setup stays
  // pending and stops the run as soon as it starts.
  sigset_t sigs;
  sigemptyset(&sigs);
  sigaddset(&sigs, SIGINT);
  sigaddset(&sigs, SIGTERM);
  sigaddset(&sigs, SIGHUP);  // lcores never take the reload/reopen signal either
  pthread_sigmask(SIG_BLOCK, &sigs, nullptr);
  struct sigaction sa {};
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);

  int rc = kExitOk;
  {
    auto dp = Dataplane::create(opt, cfg->engine, &shared);
    pthread_sigmask(SIG_UNBLOCK, &sigs, nullptr);
    if (!dp) {
      std::fprintf(stderr, "btsensor run: %s\n", dp.error().c_str());
      return kExitBadInput;
    }
    exclusions.set_reclaimer((*dp)->reclaimer());
    // Passive DNS: learned tracker addresses come back through the output queue to this
    // (control) thread, which publishes a new overlay with RCU at most once a second.
    OverlayPublisher overlay(shared.learned_trackers);
    // Labels, learned peers and trackers of the last run, before any lcore runs.
    if (!cfg->state.file.empty()) restore_run_state(cfg->state.file, (*dp)->shards(), overlay);
    auto control_stats = std::make_shared<ControlStats>();
    std::unique_ptr<MetricsServer> server;
    if (cfg->outputs.metrics.enabled) {
      Dataplane::StatsView v = (*dp)->stats_view();
      MetricsSources src;
      add_engine_sources(src, v.shards, shared);
      src.ports = v.ports;
      src.rings = v.rings;
      src.lcores = v.lcores;
      src.outputs = (*outputs)->stats();
      src.control = control_stats;
      src.exclusions = v.exclusions;
      src.exclusion_ids = exclusion_ids;
      src.version = BTSENSOR_VERSION;
      auto collector = std::make_shared<MetricsCollector>();
      add_builtin_families(*collector, std::move(src));
      auto started = MetricsServer::start(cfg->outputs.metrics.listen, collector);
      if (!started) {
        std::fprintf(stderr, "btsensor run: %s\n", started.error().c_str());
        return kExitBadInput;
      }
      server = std::move(*started);
      HostPort hp;
      split_host_port(cfg->outputs.metrics.listen, hp);
      if (hp.host.find(':') != std::string::npos) hp.host = "[" + hp.host + "]";
      std::fprintf(stderr, "run: metrics on http://%s:%u/metrics\n", hp.host.c_str(),
                   unsigned(server->port()));
    }
    OutputStats queue_stats;  // the aggregator → main thread queue
    queue_stats.name = "dataplane";
    LearnedTap tap(**outputs, overlay, &(*dp)->reclaimer());

    // The control thread's own work between output batches: reloads, the control socket,
    // the service manager.
    ServiceNotifier notify;
    const std::string status = "running: " + std::to_string(opt.worker_lcores.size()) +
                               " worker(s) on " + std::to_string(opt.ports.size()) + " port(s)";
    Reloader reloader(*cfg, uint32_t(opt.worker_lcores.size()), shared, (*dp)->reclaimer(),
                      *control_stats, {[&] { notify.reloading(); }, [&] { notify.ready(status); }});
    reloader.set_exclusions(&exclusions);
    std::unique_ptr<ControlServer> control;
    if (!cfg->control.socket.empty()) {
      ControlContext ctx;
      ctx.version = BTSENSOR_VERSION;
      RunStatsSources ss;
      ss.view = (*dp)->stats_view();
      ss.outputs = (*outputs)->stats();
      ss.queue = &queue_stats;
      ss.control = control_stats.get();
      ctx.stats = [ss](JsonWriter& w) { write_run_stats(w, ss); };
      ctx.reloader = &reloader;
      ctx.on_reload = [] { request_reopen_all(); };  // as SIGHUP: the files reopen too
      ctx.mailboxes = (*dp)->mailboxes();
      ctx.extra.push_back({"exclusion", exclusions.handler()});
      auto opened = ControlServer::open(cfg->control.socket, std::move(ctx));
      if (!opened) {
        std::fprintf(stderr, "%s: %s\n", config_path.c_str(), opened.error().c_str());
        return kExitBadInput;
      }
      control = std::move(*opened);
      std::fprintf(stderr, "run: control socket %s\n", control->path().c_str());
    }
    RunControl loop(reloader, control.get(), notify, status);
    DataplaneTotals totals = (*dp)->run(tap, queue_stats, g_stop, &loop);
    control.reset();  // no more queries: the lcores have stopped
    if (!cfg->state.file.empty() && !save_run_state(cfg->state.file, (*dp)->shards(), overlay))
      rc = kExitBadInput;
    (*outputs)->stop();  // everything queued is written before the summary
    auto out_stats = (*outputs)->stats();
    uint64_t written = out_stats.empty() ? 0 : out_stats.front()->written.get();
    uint64_t lost = 0;
    for (const OutputStats* o : out_stats) lost += o->dropped.get() + o->errors.get();
    if (!quiet)
      print_summary(totals, written, lost, *shared.exclusions.get(),
                    (*dp)->stats_view().exclusions);
    if (lost != 0) {
      std::fprintf(stderr, "btsensor run: %llu events not written (output drops or errors)\n",
                   ull(lost));
      rc = kExitBadInput;
    }
  }  // the dataplane (ports, EAL) is torn down here
  return rc;
}

}  // namespace btsensor::app
