// The exclusions file (config key `exclusions: PATH`): YAML → a validated ExclusionSet.
//
//   exclusions:
//     - id: sandbox-net                 # unique; [A-Za-z0-9_.-], ≤ 64: a metric label value
//       reason: malware detonation      # required
//       owner: soc-malware@example.com  # required
//       expires: 2026-12-31T23:59:59Z   # optional, RFC 3339 (a bare date = 00:00 UTC)
//       hosts: [10.66.0.0/24]           # internal host (IP or CIDR)
//       remotes: [203.0.113.7]          # remote endpoint(s) of the flow(s)
//       domains: [tracker.example.com]  # suffix (label boundary) of the tracker/hunted name
//       ports: [6881-6889, 51413]       # either endpoint
//       match: {label: torrent_site, model: bittorrent, evidence: [dht, name_hunt]}
//       window: {days: [mon-fri], hours: "08:00-18:00", tz: Europe/Berlin}
//
// Every criterion given must hold; `match` entries are alternatives (see exclusions.hpp).
// Every problem is reported as `file:line:col: key: message`, all of them at once.
#pragma once

#include <memory>
#include <string>

#include "btsensor/exclusions.hpp"
#include "btsensor/result.hpp"

namespace btsensor {

struct SensorConfig;

struct ExclusionLoadOptions {
  std::string zoneinfo_dir;  // "" = default_zoneinfo_dir() ($TZDIR or /usr/share/zoneinfo)
  // Entries whose `expires` is at or before `now` are reported in `warnings` (they load, but
  // never match again). 0 = no check. The control plane passes the wall clock.
  Timestamp now = 0;
  Diagnostics* warnings = nullptr;
};

Result<std::unique_ptr<ExclusionSet>> load_exclusions(const std::string& path, Diagnostics& diag,
                                                      const ExclusionLoadOptions& opt = {});
// Same, from text (tests); `name` is used in messages.
Result<std::unique_ptr<ExclusionSet>> parse_exclusions(const std::string& text,
                                                       const std::string& name, Diagnostics& diag,
                                                       const ExclusionLoadOptions& opt = {});

// What a sensor runs with: the file the config names (none: an empty set), with
// `outputs.write_suppressed` applied. Expired entries are reported in `warnings` against
// the wall clock.
Result<std::unique_ptr<ExclusionSet>> load_configured_exclusions(const SensorConfig& cfg,
                                                                 Diagnostics& diag,
                                                                 Diagnostics* warnings);

// RFC 3339 date-time ("2026-01-31T18:00:00Z", "…+01:00", fractions allowed) or full-date
// ("2026-01-31" = 00:00:00Z) → ns since the epoch.
bool parse_rfc3339(const std::string& text, Timestamp& out);

}  // namespace btsensor
