// Loads the source tree's pipeline (pipelines/bittorrent) into SharedTables for tests.
#pragma once

#include <gtest/gtest.h>

#include "btsensor_paths.hpp"
#include "control/pipeline.hpp"

namespace btsensor::test {

inline std::string source_pipeline_dir() {
  return std::string(BTSENSOR_SOURCE_PIPELINES) + "/bittorrent";
}

inline void load_source_pipeline(SharedTables& shared, uint32_t shards = 1) {
  Diagnostics diag;
  auto p = load_pipeline(source_pipeline_dir(), shards, diag);
  ASSERT_TRUE(p) << (diag.lines.empty() ? "" : diag.lines[0]);
  StoppedReaders none;
  publish_pipeline(std::move(*p), shared, none);
}

}  // namespace btsensor::test
