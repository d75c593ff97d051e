// Subcommands of the single `btsensor` binary. Each returns the process exit code:
// 0 ok, 1 bad input or config, 2 usage error, >2 internal error.
#pragma once

namespace btsensor::app {

constexpr int kExitOk = 0;
constexpr int kExitBadInput = 1;
constexpr int kExitUsage = 2;
constexpr int kExitInternal = 3;

int cmd_replay(int argc, char** argv);
int cmd_check_config(int argc, char** argv);
int cmd_metrics_catalogue(int argc, char** argv);
int cmd_ctl(int argc, char** argv);  // client of a running sensor's control socket
int cmd_run(int argc, char** argv);  // only when built with the dataplane (DPDK)

}  // namespace btsensor::app
