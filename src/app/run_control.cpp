#include "app/run_control.hpp"

#include <atomic>
#include <cstdio>

#include "btsensor/model_ids.hpp"
#include "control/json_event_fields.hpp"
#include "control/state_file.hpp"
#include "outputs/reopen_signal.hpp"

namespace btsensor::app {

namespace {

std::atomic<uint32_t> g_sighups{0};
static_assert(std::atomic<uint32_t>::is_always_lock_free, "used from a signal handler");

void on_sighup(int) {
  g_sighups.fetch_add(1, std::memory_order_relaxed);
  request_reopen_all();  // one atomic increment: async-signal-safe
}

}  // namespace

void install_run_sighup() {
  install_sighup_handler(on_sighup);  // it reopens the outputs too (request_reopen_all)
}

uint32_t sighup_count() {
  return g_sighups.load(std::memory_order_relaxed);
}

RunControl::RunControl(Reloader& reloader, ControlServer* server, ServiceNotifier& notify,
                       std::string ready_status)
    : reloader_(reloader),
      server_(server),
      notify_(notify),
      ready_status_(std::move(ready_status)),
      sighup_seen_(sighup_count()) {}

void RunControl::running() {
  notify_.ready(ready_status_);
}

void RunControl::tick() {
  notify_.watchdog();
  if (stopping_) return;
  // SIGHUP: the handler only bumps counters; the writer threads reopen their files on
  // theirs (outputs/reopen_signal), and here it asks for a reload.
  if (uint32_t g = sighup_count(); g != sighup_seen_) {
    sighup_seen_ = g;
    reloader_.request(ReloadScope::kAll, "signal");
  }
  reloader_.poll();
  if (server_) server_->poll();
}

void RunControl::stopping() {
  stopping_ = true;
  notify_.stopping();
}

void write_run_stats(JsonWriter& w, const RunStatsSources& s) {
  using std::chrono::duration;
  auto now = std::chrono::system_clock::now();
  w.field("uptime_seconds", duration<double>(now - s.start).count());
  uint64_t packets = 0, bytes = 0, flows = 0, flows_created = 0, hosts = 0;
  for (const Shard* sh : s.view.shards) {
    const ShardStats& st = sh->stats();
    packets += st.packets.get();
    bytes += st.bytes.get();
    flows += st.flows_active.get();
    flows_created += st.flows_created.get();
    hosts += st.hosts_active.get();
  }
  uint64_t rx = 0, missed = 0, errors = 0, nombuf = 0, enq = 0, dropped = 0;
  for (const PortStats* p : s.view.ports) {
    for (const auto& q : p->queues) rx += q->packets.get();
    missed += p->imissed.get();
    errors += p->ierrors.get();
    nombuf += p->rx_nombuf.get();
  }
  for (const RingStats* r : s.view.rings) {
    enq += r->enqueued.get();
    dropped += r->dropped.get();
  }
  w.field("rx_packets", rx)
      .field("packets", packets)
      .field("bytes", bytes)
      .key("drops")
      .begin_object()
      .field("port_missed", missed)  // NIC: no free RX descriptor (RX lcores too slow)
      .field("port_nombuf", nombuf)  // mempool exhausted
      .field("port_errors", errors)  // bad frames
      .field("ring_full", dropped)   // RX lcore → worker ring full (workers too slow)
      .field("ring_enqueued", enq)
      .end_object();
  w.key("ports").begin_array();
  for (const PortStats* p : s.view.ports)
    w.begin_object()
        .field("name", p->name)
        .field("ipackets", p->ipackets.get())
        .field("imissed", p->imissed.get())
        .field("ierrors", p->ierrors.get())
        .field("rx_nombuf", p->rx_nombuf.get())
        .end_object();
  w.end_array();
  w.field("flows_active", flows).field("flows_created", flows_created).field("hosts_active", hosts);
  w.key("labels_active").begin_object();
  for (int l = 0; l < kLabelCount; ++l) {
    uint64_t n = 0;
    for (const Shard* sh : s.view.shards) n += sh->model_stats().labels_active[size_t(l)].get();
    w.field(label_name(LabelId(l)), n);
  }
  w.end_object().key("alerts").begin_object();
  for (int m = 0; m < kModelCount; ++m) {
    uint64_t n = 0;
    for (const Shard* sh : s.view.shards) n += sh->model_stats().alerts[size_t(m)].get();
    w.field(model_name(ModelId(m)), n);
  }
  w.end_object().key("outputs").begin_array();
  if (s.queue)
    w.begin_object()
        .field("name", s.queue->name)
        .field("written", s.queue->written.get())
        .field("dropped", s.queue->dropped.get())
        .end_object();
  for (const OutputStats* o : s.outputs)
    w.begin_object()
        .field("name", o->name)
        .field("written", o->written.get())
        .field("dropped", o->dropped.get())
        .field("errors", o->errors.get())
        .end_object();
  w.end_array();
  if (s.control) {
    w.key("reloads")
        .begin_object()
        .field("ok", s.control->reloads_ok.get())
        .field("failed", s.control->reloads_failed.get())
        .end_object();
    double unow = duration<double>(now.time_since_epoch()).count();
    w.key("feeds").begin_array();
    for (const FeedStatus& f : s.control->feeds())
      w.begin_object()
          .field("name", f.name)
          .field("entries", f.entries)
          .field("age_seconds", unow - f.loaded_at)
          .end_object();
    w.end_array();
  }
  w.key("workers").begin_array();
  for (size_t i = 0; i < s.view.shards.size(); ++i)
    w.begin_object()
        .field("worker", uint64_t(i))
        .field("packets", s.view.shards[i]->stats().packets.get())
        .field("flows_active", s.view.shards[i]->stats().flows_active.get())
        .end_object();
  w.end_array();
}

void restore_run_state(const std::string& path, const std::vector<Shard*>& shards,
                       OverlayPublisher& overlay) {
  auto read = read_state_file(path);
  if (!read) {
    std::fprintf(stderr, "state: %s; starting without it\n", read.error().c_str());
    return;
  }
  if (!*read) {
    std::fprintf(stderr, "state: %s not found: nothing to restore (first start)\n", path.c_str());
    return;
  }
  const SensorState& st = **read;
  RestoreReport rep = restore_state(st, shards);
  for (const SavedTracker& t : st.trackers) {
    LearnedAddress a;
    a.ts = st.saved_now;
    a.expires = t.expires;
    a.addr = t.addr;
    overlay.add(a);
  }
  StoppedReaders none;  // no lcore runs yet
  overlay.maybe_publish(st.saved_now, 0, none, /*force=*/true);
  std::fprintf(stderr,
               "state: restored %zu label(s) on %zu host(s), %zu learned peer(s), %zu learned "
               "tracker address(es) from %s (saved at engine time %s)%s\n",
               rep.labels, rep.hosts, rep.peers, rep.trackers, path.c_str(),
               rfc3339(st.saved_now).c_str(),
               rep.evicted ? "; some hosts did not fit the host table (their labels ended)" : "");
}

bool save_run_state(const std::string& path, const std::vector<Shard*>& shards,
                    const OverlayPublisher& overlay) {
  std::vector<const Shard*> cs(shards.begin(), shards.end());
  SensorState st = collect_state(cs, overlay.items());
  auto w = write_state_file(path, st);
  if (!w) {
    std::fprintf(stderr, "btsensor run: %s\n", w.error().c_str());
    return false;
  }
  std::fprintf(stderr,
               "state: saved %zu label(s) on %zu host(s), %zu learned peer(s), %zu "
               "learned tracker address(es) to %s\n",
               st.labels(), st.hosts.size(), st.peers.size(), st.trackers.size(), path.c_str());
  return true;
}

}  // namespace btsensor::app
