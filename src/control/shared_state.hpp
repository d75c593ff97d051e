// Everything the shards read that the control plane owns: the pipeline (signatures, hunting
// rules, models) and the reputation feeds, loaded, validated and published into
// SharedTables. Used by every subcommand so they agree on what "valid" means.
#pragma once

#include "btsensor/shared_tables.hpp"
#include "control/config.hpp"

namespace btsensor {

// Loads and publishes; false (with diag lines) when anything failed. Bad feed lines are
// reported in diag but do not fail the load unless `strict` (check-config).
bool load_shared_state(const SensorConfig& cfg, uint32_t shards, bool strict, Diagnostics& diag,
                       SharedTables& out, Reclaimer& r);

}  // namespace btsensor
