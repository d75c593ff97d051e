// The /metrics collector: reads the per-thread counter structs at scrape time and sums them.
//
// Nothing on the data path knows about Prometheus: each lcore/shard/writer increments its own
// single-writer counters (counter.hpp), and Collect() — run on the exposer's HTTP thread at
// every scrape — walks the structs it was given and builds the families. No shared atomic is
// touched per packet, and every series exists (at 0) from the first scrape because getters
// enumerate fixed sets (every decode reason, every port, every worker), not what was seen.
#pragma once

#include <prometheus/collectable.h>
#include <prometheus/metric_family.h>

#include <chrono>
#include <functional>
#include <initializer_list>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "btsensor/classifier.hpp"
#include "btsensor/control_stats.hpp"
#include "btsensor/exclusion_ids.hpp"
#include "btsensor/exclusions.hpp"
#include "btsensor/models.hpp"
#include "btsensor/sensor_stats.hpp"
#include "btsensor/shard.hpp"
#include "btsensor/shard_stats.hpp"
#include "btsensor/shared_tables.hpp"
#include "outputs/metrics_catalogue.hpp"

namespace btsensor {

// Given to a family's getter: one call per series, label values in the catalogue's order.
class SampleWriter {
 public:
  SampleWriter(const FamilySpec& spec, prometheus::MetricFamily& out) : spec_(spec), out_(out) {}
  void add(std::initializer_list<std::string_view> label_values, double value);
  void add(double value) { add({}, value); }

 private:
  const FamilySpec& spec_;
  prometheus::MetricFamily& out_;
};

using FamilyGetter = std::function<void(SampleWriter&)>;

class MetricsCollector final : public prometheus::Collectable {
 public:
  // Binds a getter to a family of the catalogue (metrics_catalogue.cpp). False when the name
  // is not there or still marked planned (move its row to produced first). Call before the
  // collector is registered with an exposer: Collect() reads the bindings without a lock.
  bool add(std::string_view family, FamilyGetter getter);

  // Families in catalogue order; a family with no series (e.g. ports in replay) is omitted.
  std::vector<prometheus::MetricFamily> Collect() const override;

 private:
  struct Binding {
    const FamilySpec* spec;
    FamilyGetter get;
  };
  std::vector<Binding> bindings_;
};

// What a driver hands the collector: pointers to the stats structs it owns (which must
// outlive the collector's registration). Empty lists are fine (replay has no ports).
struct MetricsSources {
  std::vector<const ShardStats*> shards;  // one per shard / worker lcore
  std::vector<const PortStats*> ports;
  std::vector<const RingStats*> rings;  // index = worker
  std::vector<const LcoreStats*> lcores;
  std::vector<const OutputStats*> outputs;
  std::vector<const ClassifierStats*> classifiers;  // one per shard
  std::vector<const ModelStats*> models;            // one per shard
  // Signature names by Hyperscan id, copied when the pipeline was loaded (the metric's label
  // set is fixed for the process: a reload that renames signatures shows up at restart).
  std::vector<std::string> signatures;
  // Reputation feeds as loaded: name, entries, load time (unix seconds).
  struct Feed {
    std::string name;
    uint64_t entries = 0;
    double loaded_at = 0;
  };
  std::vector<Feed> feeds;
  // Reload results and the feeds of the last good load, when the driver reloads (the
  // sensor): then the feed families follow it instead of `feeds`. May be null.
  std::shared_ptr<const ControlStats> control;
  // Exclusions: the counters of the place that applies them, and the ids by index.
  const ExclusionStats* exclusions = nullptr;
  std::shared_ptr<const ExclusionIds> exclusion_ids;  // grows with reloads
  std::string version;
  std::chrono::system_clock::time_point start_time = std::chrono::system_clock::now();
};

// Fills the engine part of `src` from the shards and the tables they read: shard, classifier
// and model stats, signature names, feed sizes. Control thread, before serving.
void add_engine_sources(MetricsSources& src, const std::vector<const Shard*>& shards,
                        const SharedTables& shared);

// Binds every produced family whose counters exist today.
void add_builtin_families(MetricsCollector& c, MetricsSources src);

}  // namespace btsensor
