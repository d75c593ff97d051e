// `btsensor metrics-catalogue`: every metric family, produced or planned, one per line.
#include <cstdio>
#include <cstring>
#include <string>

#include "app/commands.hpp"
#include "outputs/metrics_catalogue.hpp"

namespace btsensor::app {

int cmd_metrics_catalogue(int argc, char** argv) {
  constexpr const char* kHelp =
      "Usage: btsensor metrics-catalogue\n"
      "Lists every Prometheus metric family as: NAME TYPE LABELS STATUS, where LABELS is\n"
      "comma-separated (- for none) and STATUS is 'produced' or 'planned:<what brings it>'.\n";
  if (argc == 2 && (!std::strcmp(argv[1], "--help") || !std::strcmp(argv[1], "-h"))) {
    std::fputs(kHelp, stdout);
    return kExitOk;
  }
  if (argc != 1) {
    std::fputs(kHelp, stderr);
    return kExitUsage;
  }
  for (const FamilySpec& f : metric_catalogue()) {
    std::string labels;
    for (auto l : f.labels) {
      if (!labels.empty()) labels += ',';
      labels += l;
    }
    std::string status =
        f.status == FamilyStatus::kProduced ? "produced" : "planned:" + std::string(f.comes_with);
    for (char& c : status)
      if (c == ' ') c = '_';
    std::printf("%.*s %s %s %s\n", int(f.name.size()), f.name.data(), metric_type_name(f.type),
                labels.empty() ? "-" : labels.c_str(), status.c_str());
  }
  return kExitOk;
}

}  // namespace btsensor::app
