// The sensor's configuration: YAML → an immutable, validated struct.
//
// Every problem is reported as `file:line:col: key: message`, all of them at once (so
// check-config can list every mistake in one run). Unknown keys are errors: a misspelt key
// silently falling back to a default is how sensors end up watching the wrong network.
#pragma once

#include <string>

#include "btsensor/result.hpp"
#include "btsensor/shard.hpp"
#include "control/dataplane_config.hpp"
#include "control/feed_loader.hpp"
#include "outputs/output_options.hpp"

namespace btsensor {

struct SensorConfig {
  std::string path;      // where it was loaded from ("" = built-in defaults)
  std::string pipeline;  // pipeline directory ("" = default_pipeline_dir())
  // Exclusions file ("" = none); a relative path in the file is relative to its directory.
  std::string exclusions;
  EngineConfig engine;
  OutputsConfig outputs;      // outputs_config.hpp
  DataplaneConfig dataplane;  // only `btsensor run` uses it
  struct Reputation {
    std::string tracker_category = "file_sharing_bittorrent_tracker";
    uint64_t max_entries = 20'000'000;  // bounds feed memory (~350 MiB per 10 M IPv4 /32s)
    std::vector<FeedSpec> feeds;        // paths resolved against the config's directory
    // Re-read the feeds when one of their files changes (polled on the control thread).
    bool watch = false;
    uint32_t watch_interval = 5;  // seconds between polls
  } reputation;
  // The control socket (`btsensor ctl`): "" = none. `btsensor run` only; the shipped service
  // configs set /run/btsensor/control.sock.
  struct Control {
    std::string socket;
    // Where `btsensor ctl exclusion add/remove --persist` keeps the exclusions added at run
    // time ("" = persisting refused). Loaded at start and on reload, after `exclusions`.
    std::string runtime_exclusions;
  } control;
  // Labels and learned peers/trackers kept across a restart: "" = none. `btsensor run` only;
  // the shipped service configs set /var/lib/btsensor/state.json.
  struct State {
    std::string file;
  } state;
};

// Parses and validates. On failure, diag holds one line per problem.
Result<SensorConfig> load_config(const std::string& path, Diagnostics& diag);
// Same, from text (tests); `name` is used in messages.
Result<SensorConfig> parse_config(const std::string& text, const std::string& name,
                                  Diagnostics& diag);

// Parses "a/n,b/n" (the --home-net option).
Result<HomeNet> parse_home_net_list(const std::string& csv);

}  // namespace btsensor
