// The read-mostly state every shard reads and the control plane replaces on reload, each
// behind its own RCU pointer (published.hpp). A shard reads each pointer at most once per
// burst and never keeps it across a quiescent point.
#pragma once

#include "btsensor/exclusions.hpp"
#include "btsensor/models.hpp"
#include "btsensor/published.hpp"
#include "btsensor/reputation.hpp"
#include "btsensor/signatures.hpp"
#include "btsensor/tracker_overlay.hpp"
#include "engine/proto/names.hpp"

namespace btsensor {

struct SharedTables {
  Published<SignatureSet> signatures;          // Hyperscan databases + per-shard scratch
  Published<proto::NameMatcher> names;         // hunting rules (DNS query, HTTP Host, TLS SNI)
  Published<ModelConfig> models;               // labels, TTLs, ports, detection switches
  Published<ReputationTable> reputation;       // tracker feeds (addresses, URL hostnames)
  Published<TrackerOverlay> learned_trackers;  // tracker addresses learned from DNS answers
  Published<ExclusionSet> exclusions;          // read where events leave (replay, aggregator)
};

}  // namespace btsensor
