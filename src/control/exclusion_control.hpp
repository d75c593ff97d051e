// The exclusions a running sensor applies, and how they change while it runs:
//
//   effective set = the config's exclusions file (reloaded with SIGHUP / ctl reload)
//                   − entries removed at run time (`btsensor ctl exclusion remove ID`)
//                   + entries added at run time (`btsensor ctl exclusion add JSON`)
//
// Run-time changes last until a restart; with `persist`, an added entry is also written to
// `control.runtime_exclusions` (a file of the exclusions-file format, written atomically)
// and loaded again at the next start, after the config's file. Removing an entry of the
// config's file cannot be persisted (edit that file): it is refused with `persist`.
//
// Every change is validated like the file (same loader, same messages), then published with
// RCU into SharedTables::exclusions, where the aggregator (dataplane) applies it. Indexes
// are kept stable by id (ExclusionIds): when several exclusions cover an event, the one
// defined first since the start is counted.
//
// Control thread only.
#pragma once

#include <memory>
#include <set>
#include <string>
#include <vector>

#include "btsensor/exclusion_ids.hpp"
#include "btsensor/exclusions.hpp"
#include "btsensor/published.hpp"
#include "btsensor/result.hpp"
#include "control/control_server.hpp"
#include "control/json.hpp"

namespace btsensor {

class ExclusionControl {
 public:
  // `reclaimer`: how to wait for readers when publishing (StoppedReaders before the
  // dataplane runs; set_reclaimer() switches to the dataplane's RCU once it exists).
  ExclusionControl(Published<ExclusionSet>& target, Reclaimer& reclaimer,
                   std::shared_ptr<ExclusionIds> ids, std::string runtime_path);
  void set_reclaimer(Reclaimer& r) { reclaimer_ = &r; }

  // Start: the persisted run-time additions (when configured and present). Bad entries are
  // reported in `diag` and left out; never fatal.
  void load_persisted(Diagnostics& diag);
  // Start and every reload: the config's set, already validated. Publishes it with the
  // run-time changes. A run-time entry whose id the file now defines gives way (noted).
  Result<bool> set_base(std::unique_ptr<ExclusionSet> base, std::vector<std::string>* notes);

  // `entry`: one exclusion as a JSON object (the keys of an exclusions-file entry).
  Result<bool> add(const JsonValue& entry, bool persist, JsonWriter& out);
  Result<bool> remove(const std::string& id, bool persist, JsonWriter& out);
  void list(JsonWriter& out) const;

  // The control socket's "exclusion" command: {"action": "add"|"remove"|"list", …}.
  ControlHandler handler();

 private:
  struct Added {
    std::string id;
    JsonValue json;  // as given: what is persisted
    Exclusion ex;
    bool persisted = false;
  };
  Result<bool> publish();
  Result<bool> persist_file();
  Result<Exclusion> parse_entry(const JsonValue& entry, const std::string& name);

  Published<ExclusionSet>& target_;
  Reclaimer* reclaimer_;
  std::shared_ptr<ExclusionIds> ids_;
  std::string runtime_path_;
  std::vector<Exclusion> base_;
  bool write_suppressed_ = false;
  std::vector<Added> added_;
  std::set<std::string> removed_;  // ids of the config's file removed at run time
};

}  // namespace btsensor
