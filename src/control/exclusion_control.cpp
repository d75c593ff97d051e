#include "control/exclusion_control.hpp"

#include <filesystem>
#include <fstream>
#include <sstream>

#include "control/atomic_file.hpp"
#include "control/exclusions_loader.hpp"

namespace btsensor {
namespace {

// An index no current exclusion uses (removed since start): an entry that matches nothing
// (it expired at the epoch) keeps the id's place, so later indexes keep their meaning.
Exclusion tombstone(const std::string& id) {
  Exclusion t;
  t.id = id;
  t.reason = "removed";
  t.expires = 1;
  return t;
}

}  // namespace

ExclusionControl::ExclusionControl(Published<ExclusionSet>& target, Reclaimer& reclaimer,
                                   std::shared_ptr<ExclusionIds> ids, std::string runtime_path)
    : target_(target),
      reclaimer_(&reclaimer),
      ids_(std::move(ids)),
      runtime_path_(std::move(runtime_path)) {}

Result<Exclusion> ExclusionControl::parse_entry(const JsonValue& entry, const std::string& name) {
  if (!entry.is_object()) return Error{name + ": an exclusion is a JSON object"};
  JsonWriter w;
  w.begin_object().key("exclusions").begin_array().value(entry).end_array().end_object();
  Diagnostics diag;
  // JSON is YAML: the file loader validates it with the same rules and messages.
  auto set = parse_exclusions(w.str(), name, diag);
  if (!set) return Error{diag.lines.empty() ? set.error() : diag.lines.front()};
  if ((*set)->size() != 1) return Error{name + ": expected one exclusion"};
  return (*set)->at(0);
}

void ExclusionControl::load_persisted(Diagnostics& diag) {
  if (runtime_path_.empty() || !std::filesystem::exists(runtime_path_)) return;
  std::ifstream in(runtime_path_);
  std::stringstream ss;
  ss << in.rdbuf();
  std::string err;
  auto doc = parse_json(ss.str(), &err);
  if (!doc || !(*doc)["exclusions"].is_array()) {
    diag.add(runtime_path_ + ": not a runtime exclusions file (" +
             (err.empty() ? std::string("no \"exclusions\" list") : err) + "): ignored");
    return;
  }
  const auto& list = (*doc)["exclusions"].as_array();
  for (size_t i = 0; i < list.size(); ++i) {
    auto ex = parse_entry(list[i], runtime_path_ + " [" + std::to_string(i) + "]");
    if (!ex) {
      diag.add(ex.error() + ": left out");
      continue;
    }
    bool dup = false;
    for (const Added& a : added_) dup = dup || a.id == ex->id;
    if (dup) {
      diag.add(runtime_path_ + ": exclusion '" + ex->id + "' listed twice: the first is kept");
      continue;
    }
    added_.push_back({ex->id, list[i], std::move(*ex), true});
  }
}

Result<bool> ExclusionControl::set_base(std::unique_ptr<ExclusionSet> base,
                                        std::vector<std::string>* notes) {
  std::vector<Exclusion> next = base ? base->list() : std::vector<Exclusion>{};
  // Capacity first, so that a failure changes nothing.
  size_t fresh = 0;
  for (const Exclusion& x : next) fresh += ids_->intern_would_grow(x.id);
  if (ids_->size() + fresh > kMaxExclusions)
    return Error{"exclusions: more than " + std::to_string(kMaxExclusions) +
                 " distinct exclusion ids since start: restart the sensor to reset the table"};
  base_ = std::move(next);
  write_suppressed_ = base && base->write_suppressed();
  bool dropped_persisted = false;
  for (auto it = added_.begin(); it != added_.end();) {
    bool clash = false;
    for (const Exclusion& x : base_) clash = clash || x.id == it->id;
    if (clash && notes)
      notes->push_back("exclusion '" + it->id +
                       "' added at run time is now defined in the exclusions file: the file's "
                       "entry applies");
    if (clash) dropped_persisted = dropped_persisted || it->persisted;
    it = clash ? added_.erase(it) : it + 1;
  }
  if (dropped_persisted) (void)persist_file();  // keep the runtime file in step
  return publish();
}

Result<bool> ExclusionControl::publish() {
  std::vector<const Exclusion*> effective;
  for (const Exclusion& x : base_)
    if (!removed_.count(x.id)) effective.push_back(&x);
  for (const Added& a : added_) effective.push_back(&a.ex);
  for (const Exclusion* x : effective)
    if (ids_->intern(x->id) < 0)
      return Error{"exclusions: more than " + std::to_string(kMaxExclusions) +
                   " distinct exclusion ids since start: restart the sensor to reset the table"};
  // Each exclusion at its index for good (see ExclusionIds); holes match nothing.
  std::vector<Exclusion> placed;
  for (size_t i = 0; i < ids_->size(); ++i) placed.push_back(tombstone(*ids_->at(i)));
  for (const Exclusion* x : effective) placed[size_t(ids_->intern(x->id))] = *x;
  target_.publish(std::make_unique<ExclusionSet>(std::move(placed), write_suppressed_),
                  *reclaimer_);
  return true;
}

Result<bool> ExclusionControl::persist_file() {
  if (runtime_path_.empty()) return Error{"control.runtime_exclusions is not set"};
  JsonWriter w;
  w.begin_object().key("exclusions").begin_array();
  for (const Added& a : added_)
    if (a.persisted) w.value(a.json);
  w.end_array().end_object();
  std::string text = w.take() + "\n";
  auto r = write_file_atomically(runtime_path_, text, 0600);
  if (!r) return Error{r.error()};
  return true;
}

Result<bool> ExclusionControl::add(const JsonValue& entry, bool persist, JsonWriter& out) {
  if (persist && runtime_path_.empty())
    return Error{"exclusion add: persist needs control.runtime_exclusions in the config"};
  auto ex = parse_entry(entry, "exclusion add");
  if (!ex) return Error{ex.error()};
  const std::string id = ex->id;
  for (const Exclusion& x : base_)
    if (x.id == id && !removed_.count(id))
      return Error{"exclusion add: '" + id + "' exists (in the exclusions file)"};
  for (const Added& a : added_)
    if (a.id == id) return Error{"exclusion add: '" + id + "' exists (added at run time)"};
  if (ids_->intern_would_grow(id) && ids_->size() >= kMaxExclusions)
    return Error{"exclusion add: the exclusion id table is full until a restart"};
  added_.push_back({id, entry, std::move(*ex), persist});
  if (persist) {
    if (auto p = persist_file(); !p) {
      added_.pop_back();
      return Error{"exclusion add: " + p.error()};
    }
  }
  if (auto r = publish(); !r) return r;
  out.key("exclusion").begin_object().field("id", id).field("persisted", persist).end_object();
  return true;
}

Result<bool> ExclusionControl::remove(const std::string& id, bool persist, JsonWriter& out) {
  for (auto it = added_.begin(); it != added_.end(); ++it) {
    if (it->id != id) continue;
    bool was_persisted = it->persisted;
    Added keep = *it;
    added_.erase(it);
    if (was_persisted) {
      if (auto p = persist_file(); !p) {
        added_.push_back(std::move(keep));
        return Error{"exclusion remove: " + p.error()};
      }
    }
    if (auto r = publish(); !r) return r;
    out.key("exclusion").begin_object().field("id", id).field("persisted", was_persisted);
    out.end_object();
    return true;
  }
  for (const Exclusion& x : base_) {
    if (x.id != id || removed_.count(id)) continue;
    if (persist)
      return Error{"exclusion remove: '" + id +
                   "' is defined in the exclusions file: edit that file and reload (without "
                   "persist it is removed until the next restart)"};
    removed_.insert(id);
    if (auto r = publish(); !r) return r;
    out.key("exclusion").begin_object().field("id", id).field("persisted", false).end_object();
    return true;
  }
  return Error{"exclusion remove: no exclusion '" + id + "'"};
}

void ExclusionControl::list(JsonWriter& out) const {
  out.key("exclusions").begin_array();
  for (const Exclusion& x : base_)
    if (!removed_.count(x.id))
      out.begin_object().field("id", x.id).field("source", "file").end_object();
  for (const Added& a : added_)
    out.begin_object()
        .field("id", a.id)
        .field("source", a.persisted ? "runtime, persisted" : "runtime")
        .end_object();
  out.end_array();
  out.key("removed").begin_array();
  for (const std::string& id : removed_) out.value(id);
  out.end_array();
}

ControlHandler ExclusionControl::handler() {
  return [this](const JsonValue& req, JsonWriter& out) -> Result<bool> {
    const JsonValue& action = req["action"];
    const JsonValue& persist = req["persist"];
    if (!persist.is_null() && !persist.is_bool())
      return Error{"exclusion: \"persist\" is true or false"};
    const bool p = persist.is_bool() && persist.as_bool();
    if (action.is_string() && action.as_string() == "add") {
      if (!req["exclusion"].is_object())
        return Error{"exclusion add: \"exclusion\" must be an object (id, reason, owner, …)"};
      return add(req["exclusion"], p, out);
    }
    if (action.is_string() && action.as_string() == "remove") {
      if (!req["id"].is_string()) return Error{"exclusion remove: \"id\" is missing"};
      return remove(req["id"].as_string(), p, out);
    }
    if (action.is_string() && action.as_string() == "list") {
      list(out);
      return true;
    }
    return Error{"exclusion: \"action\" is add, remove or list"};
  };
}

}  // namespace btsensor
