// Reputation feeds → ReputationTable (control plane). Three formats:
//   ip_list       one IP or CIDR per line (IPv4/IPv6), '#' comments, blank lines;
//   iprep         Suricata IP reputation: a categories file ("id,short name,description")
//                 and data lines "ip[/cidr],category id,score";
//   tracker_urls  public tracker lists: udp://host:port/announce, http(s)://host[:port]/…;
//                 IP literals become entries with their port and transport, hostnames are
//                 kept as names for passive DNS.
// A bad line is reported as `file:line: reason` and skipped; the rest of the feed loads.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "btsensor/reputation.hpp"
#include "btsensor/result.hpp"

namespace btsensor {

struct FeedSpec {
  std::string name;  // metric label
  std::string path;
  std::string format;                                        // ip_list | iprep | tracker_urls
  std::string category = "file_sharing_bittorrent_tracker";  // ip_list, tracker_urls
  std::string categories;                                    // iprep: the categories file
};

struct FeedLoadReport {
  uint64_t entries = 0;    // addresses/prefixes added
  uint64_t names = 0;      // tracker hostnames kept
  uint64_t bad_lines = 0;  // reported in diag (the first 20 per feed), skipped
};

// Loads every feed into one table. Returns an error (and diag lines) when a feed cannot be
// read at all; bad lines only go to diag/report. `max_entries` bounds memory.
Result<std::unique_ptr<ReputationTable>> load_feeds(const std::vector<FeedSpec>& feeds,
                                                    const std::string& tracker_category,
                                                    uint64_t max_entries, Diagnostics& diag,
                                                    std::vector<FeedLoadReport>* reports = nullptr);

}  // namespace btsensor
