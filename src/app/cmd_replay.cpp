// `btsensor replay`: the engine over capture files, events as EVE JSON lines.
#include <cerrno>
#include <charconv>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "app/commands.hpp"
#include "control/config.hpp"
#include "control/pipeline.hpp"
#include "outputs/eve_writer.hpp"
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
      --eve FILE|-        where events go (default: config output.eve, else stdout)
      --flows all|bittorrent|none
                          which flow records to write (default: config, else all)
      --shards N          parallel shards (default 1); results do not depend on N
  -q, --quiet             no summary on stderr
  -h, --help

Exit codes: 0 ok, 1 bad input (unreadable/damaged capture, bad config), 2 usage.
)";

bool parse_u32(const char* s, uint32_t& out) {
  auto [p, ec] = std::from_chars(s, s + std::strlen(s), out);
  return ec == std::errc{} && *p == '\0';
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
  std::string config_path, home_net, eve, flows, pipeline_dir;
  uint32_t shards = 1;
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
  if (!eve.empty()) cfg.output.eve = eve;

  if (pipeline_dir.empty())
    pipeline_dir = cfg.pipeline.empty() ? default_pipeline_dir() : cfg.pipeline;
  SharedTables shared;
  {
    Diagnostics diag;
    auto p = load_pipeline(pipeline_dir, shards, diag);
    for (const auto& line : diag.lines) std::fprintf(stderr, "%s\n", line.c_str());
    if (!p) return kExitBadInput;
    StoppedReaders no_readers;  // nothing runs yet
    publish_pipeline(std::move(*p), shared, no_readers);
  }

  FILE* out = stdout;
  if (cfg.output.eve != "-") {
    out = std::fopen(cfg.output.eve.c_str(), "a");
    if (!out) {
      std::fprintf(stderr, "btsensor replay: cannot open %s: %s\n", cfg.output.eve.c_str(),
                   std::strerror(errno));
      return kExitBadInput;
    }
  }
  EveStreamWriter writer(out, EveOptions{cfg.output.community_id_seed});
  ReplayOptions ropt;
  ropt.shards = shards;
  ReplayDriver driver(cfg.engine, ropt, writer, &shared);
  auto totals = driver.run(files);
  int rc = kExitOk;
  if (!totals) {
    std::fprintf(stderr, "btsensor replay: %s\n", totals.error().c_str());
    rc = kExitBadInput;
  } else {
    for (const auto& e : totals->errors) std::fprintf(stderr, "btsensor replay: %s\n", e.c_str());
    if (!totals->errors.empty()) rc = kExitBadInput;
    if (!quiet) print_summary(*totals, driver, writer.lines());
  }
  if (std::fflush(out) != 0 || writer.write_errors() != 0) {
    std::fprintf(stderr, "btsensor replay: writing events failed (%llu lines lost): %s\n",
                 (unsigned long long)writer.write_errors(), std::strerror(errno));
    rc = kExitBadInput;
  }
  if (out != stdout) std::fclose(out);
  return rc;
}

}  // namespace btsensor::app
