// Every metric family btsensor exposes or has planned, in one table: name, type, labels,
// help, and whether the code produces it yet.
//
// The table is the single source of truth for names: the collector takes help/type/labels
// from it, `btsensor metrics-catalogue` prints it, and the deploy tests check that every
// metric used by the Grafana dashboard and the alert rules is in it. A family that is
// planned but not yet produced is marked kPlanned with the work that brings it, so those
// checks stay honest about what a scrape really returns today.
//
// To add a family: add (or move from planned to produced) its row here, then bind a getter
// with MetricsCollector::add() in the driver that owns the counters.
#pragma once

#include <prometheus/metric_type.h>

#include <span>
#include <string_view>
#include <utility>
#include <vector>

namespace btsensor {

enum class FamilyStatus : uint8_t { kProduced, kPlanned };

struct FamilySpec {
  FamilySpec(std::string_view n, prometheus::MetricType t, std::vector<std::string_view> l,
             std::string_view h, FamilyStatus s = FamilyStatus::kProduced, std::string_view c = {})
      : name(n), type(t), labels(std::move(l)), help(h), status(s), comes_with(c) {}
  std::string_view name;
  prometheus::MetricType type;
  std::vector<std::string_view> labels;
  std::string_view help;
  FamilyStatus status = FamilyStatus::kProduced;
  std::string_view comes_with;  // for kPlanned: the work that will produce it
};

std::span<const FamilySpec> metric_catalogue();
const FamilySpec* find_family(std::string_view name);
const char* metric_type_name(prometheus::MetricType t);

}  // namespace btsensor
