// A detection pipeline directory (pipelines/bittorrent/): signatures, hunting rules, and
// later models and exclusions. Loaded and validated as a whole on the control plane, so a
// reload either swaps everything or keeps the running pipeline.
#pragma once

#include <memory>
#include <string>

#include "btsensor/result.hpp"
#include "btsensor/shared_tables.hpp"
#include "btsensor/signatures.hpp"
#include "engine/proto/names.hpp"

namespace btsensor {

struct Pipeline {
  std::string dir;
  std::unique_ptr<SignatureSet> signatures;
  std::unique_ptr<proto::NameMatcher> names;
  std::unique_ptr<ModelConfig> models;
};

// Loads <dir>/signatures.yaml, <dir>/hunting.yaml and <dir>/models.yaml, compiling the
// signatures for `shards`.
Result<Pipeline> load_pipeline(const std::string& dir, uint32_t shards, Diagnostics& diag);

// The pipeline directory to use when none is configured: $BTSENSOR_PIPELINE, the installed
// one, or the source tree's (for running from a build directory).
std::string default_pipeline_dir();

// Publishes a loaded pipeline into the shards' shared tables.
void publish_pipeline(Pipeline&& p, SharedTables& shared, Reclaimer& r);

}  // namespace btsensor
