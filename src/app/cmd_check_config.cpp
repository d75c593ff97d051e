#include <cstdio>
#include <cstring>

#include "app/commands.hpp"
#include "control/config.hpp"
#include "control/exclusions_loader.hpp"
#include "control/pipeline.hpp"

namespace btsensor::app {

int cmd_check_config(int argc, char** argv) {
  constexpr const char* kHelp =
      "Usage: btsensor check-config CONFIG\n"
      "Validates the config and everything it references (pipeline, exclusions). Prints one\n"
      "line per problem as file:line:col: message and exits 1, or prints 'CONFIG: ok' and\n"
      "exits 0. Warnings (expired exclusions) are printed as file:line:col: key: warning: …\n"
      "and do not fail the check.\n";
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
  // The pipeline it names (or the default one) is validated too, including compiling every
  // signature: a config is only "ok" if the sensor would start with it.
  std::string dir = cfg && !cfg->pipeline.empty() ? cfg->pipeline : default_pipeline_dir();
  auto pipeline = load_pipeline(dir, 1, diag);
  // The exclusions file it names, with every entry's time zone resolved.
  Diagnostics warnings;
  bool exclusions_ok = true;
  if (cfg) exclusions_ok = bool(load_configured_exclusions(*cfg, diag, &warnings));
  for (const auto& line : warnings.lines) std::fprintf(stderr, "%s\n", line.c_str());
  for (const auto& line : diag.lines) std::fprintf(stderr, "%s\n", line.c_str());
  if (!cfg || !pipeline || !exclusions_ok) return kExitBadInput;
  std::printf("%s: ok\n", argv[1]);
  return kExitOk;
}

}  // namespace btsensor::app
