// `btsensor replay`: the engine over capture files, events as EVE JSON lines.
#include <cerrno>
#include <charconv>
#include <cstdio>
#include <cstring>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "app/commands.hpp"
#include "btsensor_version.hpp"
#include "control/config.hpp"
#include "control/exclusions_loader.hpp"
#include "control/overlay_publisher.hpp"
#include "control/pipeline.hpp"
#include "control/shared_state.hpp"
#include "outputs/host_port.hpp"
#include "outputs/metrics_collector.hpp"
#include "outputs/metrics_server.hpp"
#include "outputs/output_set.hpp"
#include "outputs/reopen_signal.hpp"
#include "replay/replay_driver.hpp"

namespace btsensor::app {
namespace {

constexpr const char* kHelp = R"(Usage: btsensor replay [options] CAPTURE...

Runs the detection engine over pcap/pcapng files (Ethernet, raw IP, Linux SLL/SLL2, BSD
loopback) as one stream, split across shards by internal host exactly as the DPDK sensor
splits them across workers. Events are EVE-style JSON lines.

Options:
  -c, --config FILE       sensor config (YAML); default: built-in defaults
      --pipeline DIR      detection pipeline (signatures, hunting rules); default: config
                          `pipeline`, else $BTSENSOR_PIPELINE, else the installed one
      --home-net CIDRS    comma-separated internal networks
                          (default: RFC 1918, RFC 4193, link-local)
      --eve FILE|-        where events go (default: config outputs.eve.path, else
                          stdout); a syslog output in the config is used as well
      --flows all|bittorrent|none
                          which flow records to write (default: config, else all)
      --shards N          parallel shards (default 1); results do not depend on N
      --metrics ADDR      serve Prometheus /metrics on ADDR (host:port, e.g.
                          127.0.0.1:9100; port 0 picks a free one) while replaying;
                          the bound address is printed on stderr
      --metrics-linger SEC
                          keep serving /metrics SEC seconds after the replay ends, so a
                          scraper can read the final values (default 0)
  -q, --quiet             no summary on stderr
  -h, --help

Events are never dropped by replay: when an output's queue is full the replay waits for
it (the DPDK sensor counts a drop instead). SIGHUP reopens the EVE file (logrotate).
Exclusions (config `exclusions:`) apply as on the sensor: suppressed events are counted
per exclusion in the summary and written only with outputs.write_suppressed.

Exit codes: 0 ok, 1 bad input (unreadable/damaged capture, bad config, events not
written), 2 usage.
)";

bool parse_u32(const char* s, uint32_t& out) {
  auto [p, ec] = std::from_chars(s, s + std::strlen(s), out);
  return ec == std::errc{} && *p == '\0';
}

// One line naming every exclusion that suppressed something, with its count.
void print_exclusions(const char* prefix, const ExclusionSet& set, const ExclusionStats& st) {
  if (set.empty()) return;
  std::string per;
  for (size_t i = 0; i < set.size() && i < kMaxExclusions; ++i) {
    if (!st.by_exclusion[i].get()) continue;
    per +=
        (per.empty() ? ": " : ", ") + set.at(i).id + "=" + std::to_string(st.by_exclusion[i].get());
  }
  std::fprintf(stderr, "%s: %llu events suppressed by %zu exclusion(s) (%llu not written)%s\n",
               prefix, (unsigned long long)st.suppressed.get(), set.size(),
               (unsigned long long)st.withheld.get(), per.c_str());
}

void print_summary(const ReplayTotals& t, const ReplayDriver& drv, uint64_t lines) {
  uint64_t created = 0, evicted = 0, dropped = 0;
  std::vector<uint64_t> decode(kDecodeStatusCount, 0);
  for (uint32_t i = 0; i < drv.shard_count(); ++i) {
    const ShardStats& s = drv.shard(i).stats();
    created += s.flows_created.get();
    evicted += s.flows_evicted.get();
    dropped += s.flows_dropped.get();
    for (size_t k = 0; k < kDecodeStatusCount; ++k) decode[k] += s.decode[k].get();
  }
  double pps = t.seconds > 0 ? double(t.packets) / t.seconds : 0;
  std::fprintf(
      stderr,
      "replay: %u file(s), %llu packets, %llu bytes in %.3f s (%.0f packets/s), "
      "%u shard(s)\n"
      "replay: %llu flows, %llu evicted (table full), %llu untracked; %llu events written\n",
      t.files, (unsigned long long)t.packets, (unsigned long long)t.bytes, t.seconds, pps,
      drv.shard_count(), (unsigned long long)created, (unsigned long long)evicted,
      (unsigned long long)dropped, (unsigned long long)lines);
  std::string errs;
  for (size_t k = 1; k < kDecodeStatusCount; ++k)
    if (decode[k])
      errs += std::string(errs.empty() ? "" : ", ") + decode_status_name(DecodeStatus(k)) + "=" +
              std::to_string(decode[k]);
  if (!errs.empty()) std::fprintf(stderr, "replay: packets not fully decoded: %s\n", errs.c_str());
}

}  // namespace

int cmd_replay(int argc, char** argv) {
  std::string config_path, home_net, eve, flows, metrics, pipeline_dir;
  uint32_t shards = 1, linger = 0;
  bool quiet = false;
  std::vector<std::string> files;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto value = [&](const char* name) -> const char* {
      if (i + 1 >= argc) {
        std::fprintf(stderr, "btsensor replay: %s needs a value\n", name);
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
    } else if (a == "--pipeline") {
      if (!(v = value("--pipeline"))) return kExitUsage;
      pipeline_dir = v;
    } else if (a == "--home-net") {
      if (!(v = value("--home-net"))) return kExitUsage;
      home_net = v;
    } else if (a == "--eve") {
      if (!(v = value("--eve"))) return kExitUsage;
      eve = v;
    } else if (a == "--flows") {
      if (!(v = value("--flows"))) return kExitUsage;
      flows = v;
      if (flows != "all" && flows != "bittorrent" && flows != "none") {
        std::fprintf(stderr, "btsensor replay: --flows takes all, bittorrent or none\n");
        return kExitUsage;
      }
    } else if (a == "--shards") {
      if (!(v = value("--shards"))) return kExitUsage;
      if (!parse_u32(v, shards) || shards == 0 || shards > 1024) {
        std::fprintf(stderr, "btsensor replay: --shards takes a number from 1 to 1024\n");
        return kExitUsage;
      }
    } else if (a == "--metrics") {
      if (!(v = value("--metrics"))) return kExitUsage;
      metrics = v;
      HostPort hp;
      if (!split_host_port(metrics, hp)) {
        std::fprintf(stderr, "btsensor replay: --metrics takes host:port, e.g. 127.0.0.1:9100\n");
        return kExitUsage;
      }
    } else if (a == "--metrics-linger") {
      if (!(v = value("--metrics-linger"))) return kExitUsage;
      if (!parse_u32(v, linger) || linger > 86400) {
        std::fprintf(stderr, "btsensor replay: --metrics-linger takes seconds from 0 to 86400\n");
        return kExitUsage;
      }
    } else if (a.size() > 1 && a[0] == '-' && a != "-") {
      std::fprintf(stderr, "btsensor replay: unknown option '%s'\n%s", a.c_str(), kHelp);
      return kExitUsage;
    } else {
      files.push_back(a);
    }
  }
  if (files.empty()) {
    std::fprintf(stderr, "btsensor replay: no capture given\n%s", kHelp);
    return kExitUsage;
  }

  SensorConfig cfg;
  if (!config_path.empty()) {
    Diagnostics diag;
    auto loaded = load_config(config_path, diag);
    for (const auto& line : diag.lines) std::fprintf(stderr, "%s\n", line.c_str());
    if (!loaded) return kExitBadInput;
    cfg = std::move(*loaded);
  }
  if (!home_net.empty()) {
    auto hn = parse_home_net_list(home_net);
    if (!hn) {
      std::fprintf(stderr, "btsensor replay: %s\n", hn.error().c_str());
      return kExitUsage;
    }
    cfg.engine.home_net = std::move(*hn);
  }
  if (!flows.empty())
    cfg.engine.flow_output = flows == "all"          ? FlowOutput::kAll
                             : flows == "bittorrent" ? FlowOutput::kBittorrent
                                                     : FlowOutput::kNone;
  if (pipeline_dir.empty())
    pipeline_dir = cfg.pipeline.empty() ? default_pipeline_dir() : cfg.pipeline;
  SharedTables shared;
  {
    Diagnostics diag;
    cfg.pipeline = pipeline_dir;
    StoppedReaders no_readers;  // nothing runs yet
    bool ok = load_shared_state(cfg, shards, /*strict=*/false, diag, shared, no_readers);
    for (const auto& line : diag.lines) std::fprintf(stderr, "%s\n", line.c_str());
    if (!ok) return kExitBadInput;
  }
  std::shared_ptr<ExclusionIds> exclusion_ids;
  {
    Diagnostics diag, warnings;
    auto x = load_configured_exclusions(cfg, diag, &warnings);
    for (const auto& line : warnings.lines) std::fprintf(stderr, "%s\n", line.c_str());
    for (const auto& line : diag.lines) std::fprintf(stderr, "%s\n", line.c_str());
    if (!x) return kExitBadInput;
    exclusion_ids = ExclusionIds::make((*x)->ids());
    StoppedReaders no_readers;
    shared.exclusions.publish(std::move(*x), no_readers);
  }

  if (!eve.empty()) {
    cfg.outputs.eve.enabled = true;
    cfg.outputs.eve.path = eve;
  }

  install_reopen_on_sighup();
  // Replay is not an lcore and must write every event: a full output queue makes it wait.
  auto outputs = OutputSet::create(cfg.outputs, QueueFull::kWait, exclusion_ids);
  if (!outputs) {
    std::fprintf(stderr, "btsensor replay: %s\n", outputs.error().c_str());
    return kExitBadInput;
  }
  ReplayOptions ropt;
  ropt.shards = shards;
  // Where events leave replay: the exclusions, then the outputs; learned tracker addresses
  // (passive DNS) go to the overlay, published between batches (no shard runs then: nothing
  // to wait for). The driver delivers on this thread.
  ExclusionSink gate(**outputs, &shared.exclusions);
  OverlayPublisher overlay(shared.learned_trackers);
  LearnedTap tap(gate, overlay);
  ropt.between_batches = [&](Timestamp now) {
    StoppedReaders none;
    overlay.maybe_publish(now, 0, none);
  };
  ReplayDriver driver(cfg.engine, ropt, tap, &shared);

  std::unique_ptr<MetricsServer> server;
  if (!metrics.empty()) {
    MetricsSources src;
    std::vector<const Shard*> shards;
    for (uint32_t i = 0; i < driver.shard_count(); ++i) shards.push_back(&driver.shard(i));
    add_engine_sources(src, shards, shared);
    src.outputs = (*outputs)->stats();
    src.exclusions = &gate.stats();
    src.exclusion_ids = exclusion_ids;
    src.version = BTSENSOR_VERSION;
    auto collector = std::make_shared<MetricsCollector>();
    add_builtin_families(*collector, std::move(src));
    auto started = MetricsServer::start(metrics, collector);
    if (!started) {
      std::fprintf(stderr, "btsensor replay: %s\n", started.error().c_str());
      return kExitBadInput;
    }
    server = std::move(*started);
    HostPort hp;
    split_host_port(metrics, hp);  // checked by MetricsServer::start
    if (hp.host.find(':') != std::string::npos) hp.host = "[" + hp.host + "]";
    std::fprintf(stderr, "replay: metrics on http://%s:%u/metrics\n", hp.host.c_str(),
                 unsigned(server->port()));
  }

  auto totals = driver.run(files);
  (*outputs)->stop();  // everything queued is written before the summary
  // The summary counts events once: as the first output (EVE when enabled) wrote them.
  auto out_stats = (*outputs)->stats();
  uint64_t written = out_stats.empty() ? 0 : out_stats.front()->written.get();
  int rc = kExitOk;
  if (!totals) {
    std::fprintf(stderr, "btsensor replay: %s\n", totals.error().c_str());
    rc = kExitBadInput;
  } else {
    for (const auto& e : totals->errors) std::fprintf(stderr, "btsensor replay: %s\n", e.c_str());
    if (!totals->errors.empty()) rc = kExitBadInput;
    if (!quiet) {
      print_summary(*totals, driver, written);
      print_exclusions("replay", *shared.exclusions.get(), gate.stats());
    }
  }
  for (const OutputStats* o : out_stats) {
    if (o->dropped.get() || o->errors.get()) {
      std::fprintf(stderr, "btsensor replay: output %s: %llu records lost, %llu errors\n",
                   o->name.c_str(), (unsigned long long)o->dropped.get(),
                   (unsigned long long)o->errors.get());
      rc = kExitBadInput;
    }
  }
  if (server && linger) {
    std::fprintf(stderr, "replay: serving metrics for %u more second(s)\n", linger);
    std::this_thread::sleep_for(std::chrono::seconds(linger));
  }
  return rc;
}

}  // namespace btsensor::app
