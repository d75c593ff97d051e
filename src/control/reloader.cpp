#include "control/reloader.hpp"

#include <sys/stat.h>
#include <yaml-cpp/yaml.h>

#include <cstdio>

#include "control/exclusions_loader.hpp"
#include "control/feed_loader.hpp"
#include "control/pipeline.hpp"
#include "control/yaml_util.hpp"

namespace btsensor {
namespace {

// Top-level keys a reload cannot apply: they size tables, open files and sockets, or wire
// lcores at start. Everything else in the config (pipeline, reputation) reloads.
constexpr const char* kFixedSections[] = {"home_net", "flows",     "hosts",   "dpi",
                                          "outputs",  "dataplane", "control", "state"};

double unix_now() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

std::vector<FeedStatus> feed_statuses(const ReputationTable* rep) {
  std::vector<FeedStatus> v;
  if (!rep) return v;
  double now = unix_now();
  for (size_t i = 0; i < rep->feeds().size(); ++i)
    v.push_back({rep->feeds()[i], rep->feed_entries()[i], now});
  return v;
}

}  // namespace

std::map<std::string, std::string> fixed_config_sections(const std::string& path) {
  std::map<std::string, std::string> out;
  YAML::Node root;
  try {
    root = YAML::LoadFile(path);
  } catch (const YAML::Exception&) {
    return out;  // the caller has already reported (or will report) the file's problems
  }
  for (const char* k : kFixedSections) {
    std::string text;
    if (root.IsMap() && root[k]) {
      YAML::Node n = YAML::Clone(root[k]);
      // outputs.write_suppressed belongs to the exclusions, which reload.
      if (std::string(k) == "outputs" && n.IsMap()) n.remove("write_suppressed");
      text = YAML::Dump(n);
    }
    out[k] = text;
  }
  return out;
}

struct Reloader::Candidate {
  ReloadScope scope = ReloadScope::kAll;
  std::string trigger;
  SensorConfig cfg;  // the reloadable parts apply on publish
  std::unique_ptr<Pipeline> pipeline;
  std::unique_ptr<ReputationTable> reputation;
  std::unique_ptr<ExclusionSet> exclusions;  // when the exclusions reload
  bool exclusions_published = false;
  std::vector<std::string> errors, restart_needed, notes;
  std::chrono::steady_clock::time_point started;
  Stamps stamps;  // the feed files as they were when read
  bool stamped = false;
};

Reloader::Reloader(const SensorConfig& running, uint32_t shards, SharedTables& shared,
                   Reclaimer& reclaimer, ControlStats& stats, Hooks hooks)
    : running_(running),
      shards_(shards),
      shared_(shared),
      reclaimer_(reclaimer),
      stats_(stats),
      hooks_(std::move(hooks)) {
  if (!running_.path.empty()) fixed_sections_ = fixed_config_sections(running_.path);
  stats_.set_feeds(feed_statuses(shared_.reputation.get()));
  mark_feeds_loaded();
}

Reloader::~Reloader() {
  if (loading_.valid()) loading_.wait();
}

Reloader::Stamps Reloader::stamp_feeds(const SensorConfig& cfg) {
  Stamps s;
  auto one = [&](const std::string& path) {
    if (path.empty()) return;
    struct stat st {};
    FileStamp f;
    if (::stat(path.c_str(), &st) == 0) {
      f.exists = true;
      f.mtime_ns = int64_t(st.st_mtim.tv_sec) * 1'000'000'000 + st.st_mtim.tv_nsec;
      f.size = uint64_t(st.st_size);
      f.inode = uint64_t(st.st_ino);
    }
    s[path] = f;
  };
  for (const FeedSpec& f : cfg.reputation.feeds) {
    one(f.path);
    one(f.categories);
  }
  return s;
}

void Reloader::mark_feeds_loaded() {
  loaded_stamps_ = stamp_feeds(running_);
  seen_stamps_ = loaded_stamps_;
}

void Reloader::request(ReloadScope scope, std::string trigger, Done done) {
  if (loading_.valid()) {
    // Fold into one more load after the current one: it may have read the files before
    // the change that prompted this request.
    if (!pending_ || scope == ReloadScope::kAll) pending_scope_ = scope;
    if (!pending_) pending_trigger_ = trigger;
    pending_ = true;
    if (done) pending_done_.push_back(std::move(done));
    return;
  }
  if (done) waiting_.push_back(std::move(done));
  start(scope, std::move(trigger));
}

void Reloader::start(ReloadScope scope, std::string trigger) {
  if (hooks_.begin) hooks_.begin();
  // Everything the helper thread needs is copied: it touches no state of this object.
  SensorConfig running = running_;
  uint32_t shards = shards_;
  auto fixed = fixed_sections_;
  const bool with_exclusions = exclusions_ != nullptr && scope == ReloadScope::kAll;
  loading_ = std::async(
      std::launch::async, [scope, trigger = std::move(trigger), running = std::move(running),
                           shards, fixed = std::move(fixed), with_exclusions]() mutable {
        auto c = std::make_unique<Candidate>();
        c->scope = scope;
        c->trigger = std::move(trigger);
        c->started = std::chrono::steady_clock::now();
        Diagnostics diag;
        if (scope == ReloadScope::kAll && !running.path.empty()) {
          auto cfg = load_config(running.path, diag);
          if (!cfg) {
            c->errors = std::move(diag.lines);
            return c;
          }
          c->cfg = std::move(*cfg);
          for (const auto& [key, text] : fixed_config_sections(running.path)) {
            auto it = fixed.find(key);
            if (it != fixed.end() && it->second != text) c->restart_needed.push_back(key);
          }
          std::string dir = c->cfg.pipeline.empty() ? default_pipeline_dir() : c->cfg.pipeline;
          auto p = load_pipeline(dir, shards, diag);
          if (p) c->pipeline = std::make_unique<Pipeline>(std::move(*p));
        } else {
          c->cfg = std::move(running);  // feeds only: the running config's list
        }
        c->stamps = stamp_feeds(c->cfg);
        c->stamped = true;
        const auto& r = c->cfg.reputation;
        auto rep = load_feeds(r.feeds, r.tracker_category, r.max_entries, diag);
        if (rep) c->reputation = std::move(*rep);
        if (with_exclusions) {
          Diagnostics warnings;  // expired entries: reported, not a failure (as check-config)
          auto x = load_configured_exclusions(c->cfg, diag, &warnings);
          if (x) c->exclusions = std::move(*x);
          for (auto& w : warnings.lines) c->notes.push_back(std::move(w));
          if (!x && diag.lines.empty()) diag.add("exclusions: " + x.error());
        }
        // As strict as check-config: any line reported (a bad feed line included) fails it.
        c->errors = std::move(diag.lines);
        if (c->errors.empty() && !c->reputation)
          c->errors.push_back("reputation feeds: not loaded");
        if (c->errors.empty() && scope == ReloadScope::kAll && !c->pipeline)
          c->errors.push_back("pipeline: not loaded");
        return c;
      });
}

void Reloader::publish(Candidate& c, ReloadResult& r) {
  if (c.exclusions_published) {
    running_.exclusions = c.cfg.exclusions;
    running_.outputs.write_suppressed = c.cfg.outputs.write_suppressed;
    r.reloaded.push_back("exclusions");
  }
  // Each table is swapped with RCU: build new → swap pointer → wait for every worker's
  // quiescent state → free old. Workers read each pointer once per burst, so a burst sees
  // either table whole; the tables do not depend on each other.
  if (c.pipeline) {
    const SignatureSet* old = shared_.signatures.get();  // control thread: the publisher
    std::vector<std::string> before, after;
    if (old)
      for (const auto& m : old->sigs) before.push_back(m.name);
    for (const auto& m : c.pipeline->signatures->sigs) after.push_back(m.name);
    if (before != after)
      r.notes.push_back(
          "the signature list changed: btsensor_dpi_matches_total keeps the names it started "
          "with until a restart");
    running_.pipeline = c.cfg.pipeline;
    publish_pipeline(std::move(*c.pipeline), shared_, reclaimer_);
    r.reloaded.push_back("pipeline");
  }
  r.feed_entries = c.reputation->size();
  shared_.reputation.publish(std::move(c.reputation), reclaimer_);
  running_.reputation = c.cfg.reputation;
  r.reloaded.push_back("feeds");
  stats_.set_feeds(feed_statuses(shared_.reputation.get()));
}

void Reloader::poll() {
  if (loading_.valid() && loading_.wait_for(std::chrono::seconds(0)) == std::future_status::ready) {
    std::unique_ptr<Candidate> c = loading_.get();
    ReloadResult r;
    r.trigger = c->trigger;
    r.errors = std::move(c->errors);
    r.restart_needed = std::move(c->restart_needed);
    r.notes = std::move(c->notes);
    // The exclusions first: the only step that can still fail (id table full), so that a
    // failure publishes nothing at all.
    if (r.errors.empty() && c->exclusions && exclusions_) {
      auto x = exclusions_->set_base(std::move(c->exclusions), &r.notes);
      if (!x) r.errors.push_back(x.error());
      c->exclusions = nullptr;
      if (x) c->exclusions_published = true;
    }
    if (r.errors.empty()) {
      publish(*c, r);
      r.ok = true;
      stats_.reloads_ok.add();
    } else {
      stats_.reloads_failed.add();
    }
    // Feed files as read, good or bad: the watcher retries only after they change again.
    // (A config that did not load never got to the feeds: keep what was recorded.)
    if (c->stamped) loaded_stamps_ = seen_stamps_ = c->stamps;
    r.seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - c->started).count();
    for (const auto& line : describe(r)) std::fprintf(stderr, "%s\n", line.c_str());
    history_.push_back(r);
    std::vector<Done> done = std::move(waiting_);
    waiting_.clear();
    if (hooks_.end) hooks_.end();
    for (auto& d : done) d(r);
    if (pending_) {
      pending_ = false;
      waiting_ = std::move(pending_done_);
      pending_done_.clear();
      start(pending_scope_, std::move(pending_trigger_));
    }
  }
  watch_feeds();
}

void Reloader::watch_feeds() {
  if (!running_.reputation.watch || loading_.valid()) return;
  auto now = std::chrono::steady_clock::now();
  if (now < next_watch_) return;
  next_watch_ = now + std::chrono::seconds(running_.reputation.watch_interval);
  Stamps current = stamp_feeds(running_);
  // Changed since the last load, and the same as one poll ago: the writer has finished
  // (a feed is best replaced with a rename, which is seen at once as a new inode).
  bool changed = current != loaded_stamps_;
  bool settled = current == seen_stamps_;
  seen_stamps_ = current;
  if (changed && settled) request(ReloadScope::kFeeds, "feed change");
}

std::vector<std::string> Reloader::describe(const ReloadResult& r) {
  std::vector<std::string> out;
  char head[160];
  std::snprintf(head, sizeof head, "reload (%s): %s in %.3f s", r.trigger.c_str(),
                r.ok ? "ok" : "failed, the running state is kept", r.seconds);
  std::string line = head;
  if (r.ok) {
    line += ": ";
    for (size_t i = 0; i < r.reloaded.size(); ++i) line += (i ? ", " : "") + r.reloaded[i];
    line += " (" + std::to_string(r.feed_entries) + " feed entries)";
  }
  out.push_back(line);
  for (const auto& e : r.errors) out.push_back("reload: " + e);
  for (const auto& k : r.restart_needed)
    out.push_back("reload: " + k +
                  ": changed, but it is not reloadable: the running value is kept until a "
                  "restart");
  for (const auto& n : r.notes) out.push_back("reload: note: " + n);
  return out;
}

}  // namespace btsensor
