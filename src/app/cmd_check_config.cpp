#include <cstdio>
#include <cstring>

#include "app/commands.hpp"
#include "control/config.hpp"
#include "control/shared_state.hpp"

namespace btsensor::app {

int cmd_check_config(int argc, char** argv) {
  constexpr const char* kHelp =
      "Usage: btsensor check-config CONFIG\n"
      "Validates the config and everything it references. Prints one line per problem as\n"
      "file:line:col: message and exits 1, or prints 'CONFIG: ok' and exits 0.\n";
  if (argc == 2 && (!std::strcmp(argv[1], "--help") || !std::strcmp(argv[1], "-h"))) {
    std::fputs(kHelp, stdout);
    return kExitOk;
  }
  if (argc != 2) {
    std::fputs(kHelp, stderr);
    return kExitUsage;
  }
  Diagnostics diag;
  auto cfg = load_config(argv[1], diag);
  // The pipeline it names (or the default one) and every feed are validated too, including
  // compiling every signature: a config is only "ok" if the sensor would start with it.
  bool ok = false;
  if (cfg) {
    SharedTables shared;
    StoppedReaders none;
    ok = load_shared_state(*cfg, 1, /*strict=*/true, diag, shared, none);
  }
  for (const auto& line : diag.lines) std::fprintf(stderr, "%s\n", line.c_str());
  if (!cfg || !ok) return kExitBadInput;
  std::printf("%s: ok\n", argv[1]);
  return kExitOk;
}

}  // namespace btsensor::app
