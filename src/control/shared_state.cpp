#include "control/shared_state.hpp"

#include "control/feed_loader.hpp"
#include "control/pipeline.hpp"

namespace btsensor {

bool load_shared_state(const SensorConfig& cfg, uint32_t shards, bool strict, Diagnostics& diag,
                       SharedTables& out, Reclaimer& r) {
  std::string dir = cfg.pipeline.empty() ? default_pipeline_dir() : cfg.pipeline;
  auto pipeline = load_pipeline(dir, shards, diag);
  std::vector<FeedLoadReport> reports;
  size_t before = diag.lines.size();
  auto rep = load_feeds(cfg.reputation.feeds, cfg.reputation.tracker_category,
                        cfg.reputation.max_entries, diag, &reports);
  bool bad_lines = diag.lines.size() != before;
  if (!pipeline || !rep || (strict && bad_lines)) return false;
  publish_pipeline(std::move(*pipeline), out, r);
  out.reputation.publish(std::move(*rep), r);
  return true;
}

}  // namespace btsensor
