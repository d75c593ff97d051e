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
      timers_(hosts.capacity(), kNsPerSec),
      budget_(expiry_budget) {}

FlowRef HostModels::ref_of(const Flow& f, uint32_t evidence) {
  FlowRef r;
  r.tuple = initiator_tuple(f);
  r.flow_id = make_flow_id(f.key, f.first_ts);
  r.first_seen = f.first_ts;
  r.evidence = evidence;
  return r;
}

void HostModels::arm(uint32_t handle, const Host& h) {
  // One timer per host, for the earliest label deadline; re-armed lazily when it fires.
  Timestamp next = 0;
  for (int i = 0; i < kLabelCount; ++i) {
    const LabelState& l = h.labels[size_t(i)];
    if (!l.set_at) continue;
    Timestamp d = l.last_activity + cfg_->labels[size_t(i)].ttl;
    if (next == 0 || d < next) next = d;
  }
  if (next) {
    timers_.start(next);  // first use: the wheel's epoch (later calls do nothing)
    if (!timers_.armed(handle) || timers_.deadline(handle) > next) timers_.schedule(handle, next);
  } else {
    timers_.cancel(handle);
  }
}

void HostModels::expire(uint32_t handle, Host& h, LabelId l, Timestamp at, bool evicted) {
  LabelState& st = h.labels[size_t(l)];
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
    e.alert_flows = h.alert.flows;
    e.alert_bytes = h.alert.bytes;
    h.alert = AlertState{};  // a new lifetime may alert again
  }
  st = LabelState{};
  (evicted ? stats_.labels_evicted : stats_.labels_expired)[size_t(l)].add();
  stats_.labels_active[size_t(l)].set(stats_.labels_active[size_t(l)].get() - 1);
  sink_.on_label(e);
  (void)handle;
}

void HostModels::set_or_refresh(uint32_t handle, Host& h, LabelId l, Flow& f, uint32_t reason,
                                Timestamp now, bool may_set, const FlowDetail* detail) {
  const LabelConfig& lc = cfg_->labels[size_t(l)];
  if (!lc.enabled) return;
  LabelState& st = h.labels[size_t(l)];
  // A label whose TTL ran out before this packet (the timer has not fired yet) ends at its
  // exact deadline first; this activity then starts a new lifetime.
  if (st.set_at && now >= st.last_activity + lc.ttl)
    expire(handle, h, l, st.last_activity + lc.ttl, false);
  if (st.set_at) {
    if (now > st.last_activity) st.last_activity = now;
    st.reason |= reason;
    if (!st.remote[0] && detail) label_remote(st.remote, l, detail, f, h.addr);
    return;  // refreshed: lazy re-arm takes care of the later deadline
  }
  if (!may_set) return;
  st.set_at = now;
  st.last_activity = now;
  st.reason = reason;
  st.flow = ref_of(f, f.evidence);
  label_remote(st.remote, l, detail, f, h.addr);
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
  arm(handle, h);
}

void HostModels::fire_alert(uint32_t handle, Host& h, Flow& f, uint32_t evidence, Timestamp now) {
  (void)handle;
  AlertState& a = h.alert;
  a.fired = true;
  AlertEvent e;
  e.ts = now;
  e.host = h.addr;
  e.model = uint8_t(ModelId::kBittorrent);
  e.severity = (evidence & cfg_->high_severity_evidence) ? 1 : 2;
  e.evidence = a.evidence | h.labels[size_t(LabelId::kBittorrentUser)].reason;
  e.first_seen = h.labels[size_t(LabelId::kBittorrentUser)].set_at;
  e.last_seen = now;
  e.bytes = f.bytes[0] + f.bytes[1];
  // Evidence chain: the flow that triggered the detection, then the one that set the label.
  e.flows[0] = ref_of(f, f.evidence);
  e.nflows = 1;
  e.has_flow = true;
  const FlowRef& lf = h.labels[size_t(LabelId::kBittorrentUser)].flow;
  if (lf.flow_id != e.flows[0].flow_id) e.flows[e.nflows++] = lf;
  for (int i = 0; i < kLabelCount; ++i)
    if (h.labels[size_t(i)].set_at) e.labels |= uint8_t(1u << i);
  e.remote = h.labels[size_t(LabelId::kBittorrentUser)].remote;
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
  AlertState& a = h.alert;
  if (!a.first_seen) a.first_seen = now;
  a.last_seen = now;
  a.evidence |= peer;
  if (!a.fired) fire_alert(handle, h, f, peer, now);
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
    h.alert.flows++;
    h.alert.bytes += f.bytes[0] + f.bytes[1];
  }
}

uint32_t HostModels::advance(Timestamp now) {
  timers_.start(now);
  return timers_.advance(now, budget_, [&](uint32_t handle) {
    stats_.expiry_runs.add();
    Host& h = hosts_.at(handle);
    if (h.last_seen == 0) return;  // evicted meanwhile (on_evict cancels, but be safe)
    for (int i = 0; i < kLabelCount; ++i) {
      LabelState& l = h.labels[size_t(i)];
      if (!l.set_at) continue;
      Timestamp deadline = l.last_activity + cfg_->labels[size_t(i)].ttl;
      // Lazy re-arm: refreshed labels are simply re-armed for their new deadline. The event
      // carries the exact deadline, not the (up to one tick later) firing time.
      if (deadline <= now) expire(handle, h, LabelId(i), deadline, false);
    }
    arm(handle, h);
  });
}

void HostModels::on_evict(uint32_t handle, const Host& old, Timestamp now) {
  timers_.cancel(handle);
  Host h = old;
  for (int i = 0; i < kLabelCount; ++i)
    if (h.labels[size_t(i)].set_at) expire(handle, h, LabelId(i), now, true);
}

void HostModels::restore(uint32_t handle, Timestamp saved_now) {
  // The wheel measures deadlines from its epoch: start it at the time the state was saved
  // (before any packet of this run), so restored deadlines and new ones share one clock.
  timers_.start(saved_now);
  const Host& h = hosts_.at(handle);
  for (int i = 0; i < kLabelCount; ++i)
    if (h.labels[size_t(i)].set_at) stats_.labels_active[size_t(i)].add();
  arm(handle, h);
}

}  // namespace btsensor
