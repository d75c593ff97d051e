#include <cstdio>
#include <cstring>

#include "app/commands.hpp"
#include "control/config.hpp"
#include "control/exclusion_control.hpp"
#include "control/exclusions_loader.hpp"
#include "control/shared_state.hpp"

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
  // The pipeline it names (or the default one), every feed and the exclusions file are
  // validated too, including compiling every signature and resolving every time zone: a
  // config is only "ok" if the sensor would start with it.
  bool ok = false, exclusions_ok = true;
  Diagnostics warnings;
  if (cfg) {
    SharedTables shared;
    StoppedReaders none;
    ok = load_shared_state(*cfg, 1, /*strict=*/true, diag, shared, none);
    exclusions_ok = bool(load_configured_exclusions(*cfg, diag, &warnings));
    // Exclusions persisted by `btsensor ctl exclusion add --persist`: the sensor leaves a
    // bad one out (never fatal); here it is an error, so that the operator hears of it.
    if (!cfg->control.runtime_exclusions.empty()) {
      Published<ExclusionSet> scratch;
      ExclusionControl persisted(scratch, none, ExclusionIds::make(),
                                 cfg->control.runtime_exclusions);
      size_t before = diag.lines.size();
      persisted.load_persisted(diag);
      exclusions_ok = exclusions_ok && diag.lines.size() == before;
    }
  }
  for (const auto& line : warnings.lines) std::fprintf(stderr, "%s\n", line.c_str());
  for (const auto& line : diag.lines) std::fprintf(stderr, "%s\n", line.c_str());
  if (!cfg || !ok || !exclusions_ok) return kExitBadInput;
  std::printf("%s: ok\n", argv[1]);
  return kExitOk;
}

}  // namespace btsensor::app
