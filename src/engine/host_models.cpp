#include <arpa/inet.h>

#include <algorithm>
#include <cstdio>
#include <cstring>

#include "btsensor/models.hpp"

namespace btsensor {
namespace {

// The name behind a label, from the flow's detail: the tracker's host[:port] (its URL path
// left out) for bittorrent_user, the hunted name for torrent_site. A tracker flow without a
// name yet (a UDP tracker's connect request) names the tracker by its address, ip:port.
void label_remote(std::array<char, 96>& out, LabelId l, const FlowDetail* d, const Flow& f,
                  const IpAddr& host) {
  if (d) {
    const auto& src = l == LabelId::kTorrentSite ? d->name : d->tracker;
    size_t n = 0;
    while (n < src.size() - 1 && src[n] && !(l != LabelId::kTorrentSite && src[n] == '/')) ++n;
    std::memcpy(out.data(), src.data(), n);
    out[n] = '\0';
  }
  if (out[0] || l != LabelId::kBittorrentUser) return;
  const bool host_is_a = f.key.a == host;
  const IpAddr& ip = host_is_a ? f.key.b : f.key.a;
  const uint16_t port = host_is_a ? f.key.port_b : f.key.port_a;
  char text[INET6_ADDRSTRLEN];
  inet_ntop(ip.is_v4() ? AF_INET : AF_INET6, ip.wire_bytes(), text, sizeof text);
  std::snprintf(out.data(), out.size(), ip.is_v4() ? "%s:%u" : "[%s]:%u", text, unsigned(port));
}

}  // namespace

ModelConfig ModelConfig::defaults() {
  ModelConfig c;
  // Tracker ports: HTTP(S) trackers on 80/443, and the customary tracker ports 1337, 2710,
  // 6969 (opentracker's and XBT's defaults).
  for (uint16_t p : {80, 443, 1337, 2710, 6969}) {
    c.tracker_ports_tcp.add(p, p);
    c.tracker_ports_udp.add(p, p);
  }
  // Transfer ports: the classic 6881–6889 range, 6969, and Transmission's 51413.
  c.transfer_ports.add(6881, 6889);
  c.transfer_ports.add(6969, 6969);
  c.transfer_ports.add(51413, 51413);
  return c;
}

HostModels::HostModels(EventSink& sink, ModelStats& stats, HostTable& hosts, uint32_t expiry_budget)
    : sink_(sink),
      stats_(stats),
      hosts_(hosts),
      timers_(hosts.label_capacity(), kNsPerSec),
      budget_(expiry_budget) {}

FlowRef HostModels::ref_of(const Flow& f, uint32_t evidence) {
  FlowRef r;
  r.tuple = initiator_tuple(f);
  r.flow_id = make_flow_id(f.key, f.first_ts);
  r.first_seen = f.first_ts;
  r.evidence = evidence;
  return r;
}

void HostModels::arm(uint32_t slot, const HostLabels& hl) {
  // One timer per labelled host, for the earliest label deadline; re-armed lazily when it
  // fires.
  Timestamp next = 0;
  for (int i = 0; i < kLabelCount; ++i) {
    const LabelState& l = hl.labels[size_t(i)];
    if (!l.set_at) continue;
    Timestamp d = l.last_activity + cfg_->labels[size_t(i)].ttl;
    if (next == 0 || d < next) next = d;
  }
  if (next) {
    timers_.start(next);  // first use: the wheel's epoch (later calls do nothing)
    if (!timers_.armed(slot) || timers_.deadline(slot) > next) timers_.schedule(slot, next);
  } else {
    timers_.cancel(slot);
  }
}

void HostModels::expire(Host& h, HostLabels& hl, LabelId l, Timestamp at, bool evicted) {
  LabelState& st = hl.labels[size_t(l)];
  LabelEvent e;
  e.ts = at;
  e.host = h.addr;
  e.label = uint8_t(l);
  e.action = LabelAction::kExpire;
  e.last_activity = st.last_activity;
  e.reason = st.reason;
  e.has_flow = true;
  e.flow = st.flow;
  e.remote = st.remote;
  e.evicted = evicted;
  if (l == LabelId::kBittorrentUser) {
    e.alert_flows = hl.alert.flows;
    e.alert_bytes = hl.alert.bytes;
    hl.alert = AlertState{};  // a new lifetime may alert again
  }
  st = LabelState{};
  h.label_bits &= uint8_t(~(1u << unsigned(l)));
  (evicted ? stats_.labels_evicted : stats_.labels_expired)[size_t(l)].add();
  stats_.labels_active[size_t(l)].set(stats_.labels_active[size_t(l)].get() - 1);
  sink_.on_label(e);
}

void HostModels::evict_labels(Host& h, Timestamp now) {
  HostLabels* hl = hosts_.labels_of(h);
  if (!hl) return;
  timers_.cancel(h.label_slot);
  for (int i = 0; i < kLabelCount; ++i)
    if (h.labelled(LabelId(i))) expire(h, *hl, LabelId(i), now, true);
  hosts_.detach_labels(h);
}

void HostModels::release_if_unlabelled(Host& h) {
  if (h.any_label() || h.label_slot == Host::kNoLabels) return;
  timers_.cancel(h.label_slot);
  hosts_.detach_labels(h);
}

bool HostModels::attach(uint32_t handle, Timestamp now) {
  if (hosts_.attach_labels(handle)) return true;
  // Pool full: sample a few holders from a rotating cursor and end the labels of the one
  // whose last activity is oldest (bounded work; an approximate LRU, as caches do).
  constexpr uint32_t kSample = 8;
  const uint32_t n = hosts_.label_capacity();
  uint32_t victim = HostTable::kNil;
  Timestamp oldest = 0;
  for (uint32_t k = 0; k < std::min(kSample, n); ++k) {
    uint32_t slot = (evict_cursor_ + k) % n;
    uint32_t owner = hosts_.label_owner(slot);
    if (owner == HostTable::kNil || owner == handle) continue;
    const HostLabels& hl = *hosts_.labels_of(hosts_.at(owner));
    Timestamp last = 0;
    for (const LabelState& l : hl.labels) last = std::max(last, l.last_activity);
    if (victim == HostTable::kNil || last < oldest) victim = owner, oldest = last;
  }
  evict_cursor_ = (evict_cursor_ + kSample) % n;
  if (victim == HostTable::kNil) return false;
  stats_.label_pool_evictions.add();
  evict_labels(hosts_.at(victim), now);
  return hosts_.attach_labels(handle);
}

void HostModels::set_or_refresh(uint32_t handle, Host& h, LabelId l, Flow& f, uint32_t reason,
                                Timestamp now, bool may_set, const FlowDetail* detail) {
  const LabelConfig& lc = cfg_->labels[size_t(l)];
  if (!lc.enabled) return;
  if (h.labelled(l)) {
    HostLabels& hl = *hosts_.labels_of(h);
    LabelState& st = hl.labels[size_t(l)];
    // A label whose TTL ran out before this packet (the timer has not fired yet) ends at its
    // exact deadline first; this activity then starts a new lifetime.
    if (now >= st.last_activity + lc.ttl) {
      expire(h, hl, l, st.last_activity + lc.ttl, false);
    } else {
      if (now > st.last_activity) st.last_activity = now;
      st.reason |= reason;
      if (!st.remote[0] && detail) label_remote(st.remote, l, detail, f, h.addr);
      return;  // refreshed: lazy re-arm takes care of the later deadline
    }
  }
  if (!may_set) {
    release_if_unlabelled(h);
    return;
  }
  if (!attach(handle, now)) return;  // not reached: a full pool always has another holder
  HostLabels& hl = *hosts_.labels_of(h);
  LabelState& st = hl.labels[size_t(l)];
  st.set_at = now;
  st.last_activity = now;
  st.reason = reason;
  st.flow = ref_of(f, f.evidence);
  label_remote(st.remote, l, detail, f, h.addr);
  h.label_bits |= uint8_t(1u << unsigned(l));
  LabelEvent e;
  e.ts = now;
  e.host = h.addr;
  e.label = uint8_t(l);
  e.action = LabelAction::kSet;
  e.expires = now + lc.ttl;
  e.last_activity = now;
  e.reason = reason;
  e.has_flow = true;
  e.flow = st.flow;
  e.remote = st.remote;
  stats_.labels_set[size_t(l)].add();
  stats_.labels_active[size_t(l)].add();
  sink_.on_label(e);
  arm(h.label_slot, hl);
}

void HostModels::fire_alert(Host& h, HostLabels& hl, Flow& f, uint32_t evidence, Timestamp now) {
  AlertState& a = hl.alert;
  a.fired = true;
  const LabelState& user = hl.labels[size_t(LabelId::kBittorrentUser)];
  AlertEvent e;
  e.ts = now;
  e.host = h.addr;
  e.model = uint8_t(ModelId::kBittorrent);
  e.severity = (evidence & cfg_->high_severity_evidence) ? 1 : 2;
  e.evidence = a.evidence | user.reason;
  e.first_seen = user.set_at;
  e.last_seen = now;
  e.bytes = f.bytes[0] + f.bytes[1];
  // Evidence chain: the flow that triggered the detection, then the one that set the label.
  e.flows[0] = ref_of(f, f.evidence);
  e.nflows = 1;
  e.has_flow = true;
  if (user.flow.flow_id != e.flows[0].flow_id) e.flows[e.nflows++] = user.flow;
  e.labels = h.label_bits;
  e.remote = user.remote;
  stats_.alerts[size_t(ModelId::kBittorrent)].add();
  sink_.on_alert(e);
}

void HostModels::on_evidence(uint32_t handle, Flow& f, uint32_t added, Timestamp now,
                             const FlowDetail* detail) {
  if (!added) return;
  Host& h = hosts_.at(handle);
  if (added & evidence_bit(Evidence::kNameHunt))
    set_or_refresh(handle, h, LabelId::kTorrentSite, f, evidence_bit(Evidence::kNameHunt), now,
                   true, detail);
  uint32_t tracker = added & cfg_->tracker_evidence;
  if (tracker) set_or_refresh(handle, h, LabelId::kBittorrentUser, f, tracker, now, true, detail);
  // Any BitTorrent activity keeps a held label alive ("30 minutes from the last activity"),
  // but only tracker evidence starts one.
  uint32_t activity = added & (kBittorrentProtocolEvidence | cfg_->peer_evidence);
  if (activity && h.labelled(LabelId::kBittorrentUser))
    set_or_refresh(handle, h, LabelId::kBittorrentUser, f, activity, now, false);
  if (!cfg_->bittorrent_enabled || !h.labelled(LabelId::kBittorrentUser)) return;
  uint32_t peer = added & cfg_->peer_evidence;
  if (!peer) return;
  HostLabels& hl = *hosts_.labels_of(h);
  AlertState& a = hl.alert;
  if (!a.first_seen) a.first_seen = now;
  a.last_seen = now;
  a.evidence |= peer;
  if (!a.fired) fire_alert(h, hl, f, peer, now);
}

uint32_t HostModels::transfer_port_evidence(uint32_t handle, const Flow& f) const {
  const Host& h = hosts_.at(handle);
  if (!h.labelled(LabelId::kBittorrentUser)) return 0;
  if (f.key.proto != kProtoTcp && f.key.proto != kProtoUdp) return 0;
  if (cfg_->transfer_ports.contains(f.key.port_a) || cfg_->transfer_ports.contains(f.key.port_b))
    return evidence_bit(Evidence::kTransferPort);
  return 0;
}

void HostModels::on_flow_end(uint32_t handle, Flow& f, Timestamp now) {
  (void)now;
  Host& h = hosts_.at(handle);
  if (h.labelled(LabelId::kBittorrentUser) && (f.evidence & cfg_->peer_evidence)) {
    AlertState& a = hosts_.labels_of(h)->alert;
    a.flows++;
    a.bytes += f.bytes[0] + f.bytes[1];
  }
}

uint32_t HostModels::advance(Timestamp now) {
  timers_.start(now);
  return timers_.advance(now, budget_, [&](uint32_t slot) {
    stats_.expiry_runs.add();
    uint32_t owner = hosts_.label_owner(slot);
    if (owner == HostTable::kNil) return;  // freed meanwhile (detaching cancels, but be safe)
    Host& h = hosts_.at(owner);
    HostLabels& hl = *hosts_.labels_of(h);
    for (int i = 0; i < kLabelCount; ++i) {
      if (!h.labelled(LabelId(i))) continue;
      Timestamp deadline = hl.labels[size_t(i)].last_activity + cfg_->labels[size_t(i)].ttl;
      // Lazy re-arm: refreshed labels are simply re-armed for their new deadline. The event
      // carries the exact deadline, not the (up to one tick later) firing time.
      if (deadline <= now) expire(h, hl, LabelId(i), deadline, false);
    }
    if (h.any_label()) {
      arm(slot, hl);
    } else {
      hosts_.detach_labels(h);  // the timer has fired: nothing left armed for this slot
    }
  });
}

void HostModels::on_evict(uint32_t handle, const Host& old, Timestamp now) {
  (void)handle;
  Host h = old;  // the slot already holds the new host; the copy still owns the label state
  evict_labels(h, now);
}

bool HostModels::restore(uint32_t handle, const HostSnapshot& saved, Timestamp saved_now) {
  // The wheel measures deadlines from its epoch: start it at the time the state was saved
  // (before any packet of this run), so restored deadlines and new ones share one clock.
  timers_.start(saved_now);
  Host& h = hosts_.at(handle);
  const uint8_t bits = label_bits_of(saved);
  // Restored twice (not done by the state loader, which keeps one entry a host): the
  // labels it held are replaced, not counted twice.
  for (int i = 0; i < kLabelCount; ++i)
    if (h.labelled(LabelId(i)))
      stats_.labels_active[size_t(i)].set(stats_.labels_active[size_t(i)].get() - 1);
  h.label_bits = 0;
  if (!bits) {
    release_if_unlabelled(h);
    return true;
  }
  const uint32_t evictions = uint32_t(stats_.label_pool_evictions.get());
  if (!attach(handle, saved_now)) return false;
  *hosts_.labels_of(h) = static_cast<const HostLabels&>(saved);
  h.label_bits = bits;
  for (int i = 0; i < kLabelCount; ++i)
    if (h.labelled(LabelId(i))) stats_.labels_active[size_t(i)].add();
  arm(h.label_slot, *hosts_.labels_of(h));
  return uint32_t(stats_.label_pool_evictions.get()) == evictions;
}

}  // namespace btsensor
