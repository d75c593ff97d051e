// btsensor: wiring only. Picks the subcommand; each subcommand wires its stages explicitly.
#include <cstdio>
#include <cstring>
#include <exception>

#include "app/commands.hpp"
#include "btsensor_version.hpp"

namespace {

constexpr const char* kUsage = R"(btsensor — tells which internal hosts use BitTorrent

Usage:
  btsensor run -c CONFIG [-- EAL args]      the DPDK sensor
  btsensor replay [options] CAPTURE...      the engine over pcap/pcapng files
  btsensor check-config CONFIG              validate config, pipelines, feeds, exclusions
  btsensor metrics-catalogue                list every Prometheus metric family
  btsensor ctl [--socket PATH] COMMAND      talk to a running sensor (stats, reload, labels,
                                            host IP, exclusion add/remove, version)
  btsensor --version | --help

Run `btsensor <command> --help` for the options of a command.
Exit codes: 0 ok, 1 bad input or config, 2 usage error, >2 internal error.
)";

}  // namespace

int main(int argc, char** argv) {
  using namespace btsensor::app;
  if (argc < 2) {
    std::fputs(kUsage, stderr);
    return kExitUsage;
  }
  const char* cmd = argv[1];
  try {
    if (!std::strcmp(cmd, "--help") || !std::strcmp(cmd, "-h") || !std::strcmp(cmd, "help")) {
      std::fputs(kUsage, stdout);
      return kExitOk;
    }
    if (!std::strcmp(cmd, "--version") || !std::strcmp(cmd, "version")) {
      std::printf("btsensor %s\n", BTSENSOR_VERSION);
      return kExitOk;
    }
    if (!std::strcmp(cmd, "replay")) return cmd_replay(argc - 1, argv + 1);
    if (!std::strcmp(cmd, "check-config")) return cmd_check_config(argc - 1, argv + 1);
    if (!std::strcmp(cmd, "metrics-catalogue")) return cmd_metrics_catalogue(argc - 1, argv + 1);
    if (!std::strcmp(cmd, "ctl")) return cmd_ctl(argc - 1, argv + 1);
    if (!std::strcmp(cmd, "run")) {
#ifdef BTSENSOR_HAVE_DATAPLANE
      return cmd_run(argc - 1, argv + 1);
#else
      std::fprintf(stderr,
                   "btsensor: this build has no dataplane (DPDK was not found; "
                   "install libdpdk-dev and configure with -Ddataplane=enabled)\n");
      return kExitUsage;
#endif
    }
  } catch (const std::exception& e) {
    // Control-plane code reports errors as values; reaching here is a bug or resource
    // exhaustion (bad_alloc), so say so plainly.
    std::fprintf(stderr, "btsensor: internal error: %s\n", e.what());
    return kExitInternal;
  }
  std::fprintf(stderr, "btsensor: unknown command '%s'\n\n%s", cmd, kUsage);
  return kExitUsage;
}
