#include "btsensor/shard.hpp"

#include <algorithm>

#include "btsensor/evidence.hpp"

namespace {
// A tracker conversation on the client's listen port is not "peer traffic on a transfer
// port": the transfer-port rule skips flows that are tracker flows.
constexpr uint32_t kTrackerEvidence = btsensor::evidence_bit(btsensor::Evidence::kHttpAnnounce) |
                                      btsensor::evidence_bit(btsensor::Evidence::kHttpScrape) |
                                      btsensor::evidence_bit(btsensor::Evidence::kUdpTracker) |
                                      btsensor::evidence_bit(btsensor::Evidence::kTrackerReply);
}  // namespace

namespace btsensor {

Shard::Shard(const EngineConfig& cfg, EventSink& sink, const SharedTables* shared, uint32_t index)
    : cfg_(cfg),
      sink_(sink),
      flows_(cfg.flow_capacity),
      flow_timers_(cfg.flow_capacity, cfg.timer_tick),
      hosts_(cfg.host_capacity, cfg.effective_label_capacity()),
      classifier_(cfg.dpi, shared, index, cstats_),
      models_(sink, mstats_, hosts_, cfg.expiry_budget),
      shared_(shared) {}

Shard::~Shard() = default;

void Shard::process(std::span<const RawPacket> burst) {
  classifier_.begin_burst();
  models_.begin_burst(shared_ ? shared_->models.get() : nullptr);
  // A software pipeline over the burst (as DPDK's l3fwd does): packet i + L is decoded and
  // its flow's home index slot prefetched; packet i + L/2, whose slot has arrived by then,
  // gets its flow record prefetched; packet i + 1, whose record has arrived, its host. When
  // packet i's turn comes the misses it would have taken one after the other (index slot →
  // record → host, each a DRAM round trip once the tables outgrow the caches) have been
  // overlapped with the work on the packets before it.
  const size_t n = burst.size();
  const size_t ahead = std::min<size_t>(cfg_.lookahead, EngineConfig::kMaxLookahead);
  size_t next = 0;  // the next packet to stage
  // Frames are cold when staged (DMA'd or copied long before): their first line (L2–L4
  // headers) is asked for kFrameAhead frames before decoding touches it.
  constexpr size_t kFrameAhead = 4;
  for (size_t k = 0; k < std::min(kFrameAhead, n); ++k) __builtin_prefetch(burst[k].data);
  auto stage_until = [&](size_t end) {
    for (end = std::min(end, n); next < end; ++next) {
      if (next + kFrameAhead < n) __builtin_prefetch(burst[next + kFrameAhead].data);
      stage(burst[next], staged_[next % kStageRing]);
    }
  };
  stage_until(ahead);
  for (size_t i = 0; i < n; ++i) {
    stage_until(i + ahead + 1);
    if (ahead >= 2 && i + ahead / 2 < n) prefetch_record(staged_[(i + ahead / 2) % kStageRing]);
    if (ahead >= 1 && i + 1 < n) prefetch_host(staged_[(i + 1) % kStageRing]);
    process_one(burst[i], staged_[i % kStageRing]);
  }
  if (!burst.empty()) advance(now_);
}

void Shard::stage(const RawPacket& p, Staged& s) {
  s.status = decode_packet(p.link, {p.data, p.caplen}, s.d);
  s.flow_hint = FlowTable::kNil;
  if (s.status != DecodeStatus::ok) return;
  s.key = make_flow_key(s.d.tuple, s.src_is_a);
  s.hash = hash_flow_key(s.key);
  flows_.prefetch_slot(s.hash);
}

void Shard::prefetch_record(Staged& s) {
  if (s.status == DecodeStatus::ok) s.flow_hint = flows_.prefetch_record(s.hash);
}

void Shard::prefetch_host(const Staged& s) const {
  // The payload's first lines (what DPI reads next); then the flow's cached host handle
  // (what host_of() tries first). Hints only.
  if (s.status == DecodeStatus::ok && s.d.payload_len) {
    __builtin_prefetch(s.d.payload);
    if (s.d.payload_len > 64) __builtin_prefetch(s.d.payload + 64);
  }
  if (s.flow_hint == FlowTable::kNil) return;
  uint32_t h = flows_.at(s.flow_hint).host;
  if (h < hosts_.capacity()) __builtin_prefetch(&hosts_.at(h), 1);
}

uint32_t Shard::advance(Timestamp now) {
  if (now > now_) now_ = now;
  models_.begin_burst(shared_ ? shared_->models.get() : nullptr);
  uint32_t n = flow_timers_.advance(now_, cfg_.expiry_budget, [this](uint32_t h) { on_timer(h); });
  return n + models_.advance(now_);
}

void Shard::flush(Timestamp now) {
  if (now > now_) now_ = now;
  flows_.for_each([this](uint32_t h, Flow&) { end_flow(h, FlowEndReason::kShutdown); });
}

Timestamp Shard::timeout_of(const Flow& f) const {
  const FlowTimeouts& t = cfg_.timeouts;
  switch (f.key.proto) {
    case kProtoTcp:
      return f.state == FlowState::kClosed        ? t.tcp_closed
             : f.state == FlowState::kEstablished ? t.tcp_established
                                                  : t.tcp_new;
    case kProtoUdp:
      return t.udp;
    default:
      return t.other;
  }
}

void Shard::on_timer(uint32_t h) {
  const Flow& f = flows_.at(h);
  // Lazy re-arm: the timer was set for the activity known when it was armed; the flow may
  // have seen packets since. Only a flow idle for its whole timeout ends here.
  Timestamp deadline = f.last_ts + timeout_of(f);
  if (deadline > now_) {
    flow_timers_.schedule(h, deadline);
  } else {
    end_flow(h, FlowEndReason::kTimeout);
  }
}

uint32_t Shard::tracker_reputation(Flow& f, const FiveTuple& t, bool host_is_src, Timestamp ts) {
  const IpAddr& remote = host_is_src ? t.dst : t.src;
  uint16_t rport = host_is_src ? t.dport : t.sport;
  const ModelConfig& mc = models_.config();
  bool tracker_port = t.proto == kProtoTcp   ? mc.tracker_ports_tcp.contains(rport)
                      : t.proto == kProtoUdp ? mc.tracker_ports_udp.contains(rport)
                                             : false;
  uint32_t ev = 0;
  if (const ReputationTable* rep = classifier_.reputation()) {
    const RepEntry* e = rep->lookup(remote);
    if (e && int(e->category) == rep->tracker_category()) {
      // A URL feed names the tracker's port and transport; a plain list relies on the
      // configured tracker ports.
      bool port_ok =
          e->port ? (e->port == rport && (!e->transport || e->transport == t.proto)) : tracker_port;
      if (port_ok) ev = evidence_bit(Evidence::kTrackerReputation);
    }
  }
  if (!ev && tracker_port && classifier_.learned_tracker(remote, ts))
    ev = evidence_bit(Evidence::kTrackerLearnedDns);
  if (!ev) return 0;
  f.evidence |= ev;
  if (f.confidence < uint8_t(Confidence::kMedium)) f.confidence = uint8_t(Confidence::kMedium);
  if (FlowDetail* det = classifier_.mutable_detail(f); det && !det->tracker[0]) {
    char ip[64];
    std::snprintf(ip, sizeof ip, "%s:%u", remote.to_string().c_str(), unsigned(rport));
    std::snprintf(det->tracker.data(), det->tracker.size(), "%s", ip);
  }
  return ev;
}

uint32_t Shard::transfer_ports(Flow& f) {
  uint32_t ev = f.host == HostTable::kNil ? 0 : models_.transfer_port_evidence(f.host, f);
  ev &= ~f.evidence;  // only what is new
  f.evidence |= ev;
  return ev;
}

Host* Shard::host_of(Flow& f, const IpAddr& host_addr, Timestamp ts) {
  // The flow remembers its host's handle; hosts can be evicted, so check before trusting it.
  if (f.host != HostTable::kNil && hosts_.at(f.host).addr == host_addr &&
      hosts_.at(f.host).last_seen != 0) {
    Host& h = hosts_.at(f.host);
    if (ts > h.last_seen) h.last_seen = ts;
    return &h;
  }
  uint32_t evicted;
  Host old;
  uint32_t before = hosts_.size();
  f.host = hosts_.find_or_insert(host_addr, ts, &evicted, &old);
  if (evicted != HostTable::kNil) {
    stats_.hosts_evicted.add();
    models_.on_evict(evicted, old, ts);
  }
  if (evicted != HostTable::kNil || hosts_.size() > before) stats_.hosts_created.add();
  stats_.hosts_active.set(hosts_.size());
  Host& h = hosts_.at(f.host);
  if (ts > h.last_seen) h.last_seen = ts;
  return &h;
}

uint32_t Shard::pick_victim() {
  // The flow whose timer is due first. Timers are re-armed lazily, so an active flow can
  // still be armed for an early deadline: catch up a bounded number (8) of those first so
  // that the victim is the most idle flow, not merely the oldest.
  for (int tries = 0; tries < 8; ++tries) {
    uint32_t v = flow_timers_.earliest();
    if (v == TimerWheel::kNil) return v;
    Timestamp real = flows_.at(v).last_ts + timeout_of(flows_.at(v));
    if (real <= flow_timers_.deadline(v)) return v;
    flow_timers_.schedule(v, real);
  }
  return flow_timers_.earliest();
}

void Shard::end_flow(uint32_t h, FlowEndReason reason) {
  Flow& f = flows_.at(h);
  // Context that arrived after the flow began (a DHT reply naming this peer, the announce
  // that revealed the listen port) still counts: judge the flow once more as it ends.
  if (f.host != HostTable::kNil) {
    Host& host = hosts_.at(f.host);
    if (host.last_seen && (f.key.a == host.addr || f.key.b == host.addr)) {
      // Evidence found now still happened when the flow was last active, not when its
      // timeout ran out: label TTLs run from the flow's last packet.
      uint32_t added = classifier_.apply_context(f, &host, f.last_ts, true);
      if (home_internal(host.addr)) {
        if (!(f.evidence & kTrackerEvidence)) added |= transfer_ports(f);
        models_.on_evidence(f.host, f, added, f.last_ts, classifier_.detail_of(f));
        models_.on_flow_end(f.host, f, f.last_ts);
      }
    }
  }
  bool emit = cfg_.flow_output == FlowOutput::kAll ||
              (cfg_.flow_output == FlowOutput::kBittorrent && f.evidence != 0);
  if (emit) {
    FlowRecord r;
    r.tuple = initiator_tuple(f);
    r.flow_id = make_flow_id(f.key, f.first_ts);
    r.start = f.first_ts;
    r.end = f.last_ts;
    r.bytes_toserver = f.bytes[0];
    r.bytes_toclient = f.bytes[1];
    r.pkts_toserver = f.pkts[0];
    r.pkts_toclient = f.pkts[1];
    HostKey hk = host_key(cfg_.home_net, r.tuple);
    r.host = hk.host;
    r.host_internal = hk.internal;
    r.vlan = f.vlan;
    r.state = f.state;
    r.reason = reason;
    r.tcp_flags_ts = f.tcp_flags[0];
    r.tcp_flags_tc = f.tcp_flags[1];
    r.evidence = f.evidence;
    r.confidence = f.confidence;
    r.bittorrent = (f.flags & kFlowBittorrent) != 0;
    classifier_.finish(f, r);
    sink_.on_flow(r);
  }
  classifier_.release(f);
  stats_.flows_ended[size_t(reason)].add();
  flow_timers_.cancel(h);
  flows_.erase(h);
  stats_.flows_active.set(flows_.size());
}

uint32_t Shard::lookup_or_create(const DecodedPacket& d, const FlowKey& key, uint64_t hash,
                                 bool src_is_a, Timestamp ts) {
  uint32_t h = flows_.find(key, hash);
  if (h != FlowTable::kNil) {
    Flow& f = flows_.at(h);
    bool expired = ts - f.last_ts >= timeout_of(f);
    // A fresh SYN on a closed connection is port reuse: a new flow, not a straggler.
    bool reused = f.state == FlowState::kClosed && key.proto == kProtoTcp &&
                  (d.tcp_flags & (kTcpSyn | kTcpAck)) == kTcpSyn;
    if (!expired && !reused) return h;
    // Ending it here (not only from the timer wheel) makes results independent of how far
    // the bounded timer work has progressed: replay with 1 or N shards agrees.
    end_flow(h, FlowEndReason::kTimeout);
  }
  h = flows_.insert(key, hash);
  if (h == FlowTable::kNil) {
    uint32_t victim = pick_victim();
    if (victim == TimerWheel::kNil) {
      stats_.flows_dropped.add();
      return FlowTable::kNil;
    }
    end_flow(victim, FlowEndReason::kForced);
    stats_.flows_evicted.add();
    h = flows_.insert(key, hash);
  }
  Flow& f = flows_.at(h);
  f.first_ts = f.last_ts = ts;
  f.vlan = d.vlan;
  // The initiator is the sender of the first packet, except that a SYN-ACK seen first (the
  // SYN was missed) names the other side.
  bool syn_ack =
      key.proto == kProtoTcp && (d.tcp_flags & (kTcpSyn | kTcpAck)) == (kTcpSyn | kTcpAck);
  f.initiator_is_a = syn_ack ? !src_is_a : src_is_a;
  stats_.flows_created.add();
  stats_.flows_active.set(flows_.size());
  flow_timers_.schedule(h, ts + timeout_of(f));
  return h;
}

void Shard::process_one(const RawPacket& p, const Staged& s) {
  stats_.packets.add();
  stats_.bytes.add(p.wire_len);
  stats_.decode[size_t(s.status)].add();
  if (s.status != DecodeStatus::ok) return;
  const DecodedPacket& d = s.d;
  if (!d.has_l4) stats_.no_l4.add();

  Timestamp ts = p.ts;
  if (ts < now_) {
    // Captures merged from several interfaces are slightly out of order. Keep packet time
    // for the flow record but never let the shard clock go backwards.
    stats_.time_regressions.add();
  } else {
    now_ = ts;
  }
  flow_timers_.start(now_);  // first packet sets the wheel's epoch; later calls do nothing

  const bool src_is_a = s.src_is_a;
  const FlowKey& key = s.key;
  uint32_t h = lookup_or_create(d, key, s.hash, src_is_a, ts);
  if (h == FlowTable::kNil) return;

  Flow& f = flows_.at(h);
  int dir = src_is_a == f.initiator_is_a ? 0 : 1;
  if (ts > f.last_ts) f.last_ts = ts;
  f.pkts[dir]++;
  f.bytes[dir] += p.wire_len;

  FlowState before = f.state;
  if (key.proto == kProtoTcp) {
    f.tcp_flags[dir] |= d.tcp_flags;
    if (d.tcp_flags & kTcpFin) f.fin[dir] = true;
    if ((d.tcp_flags & kTcpRst) || (f.fin[0] && f.fin[1])) {
      f.state = FlowState::kClosed;
    } else if (f.state == FlowState::kNew && f.pkts[0] && f.pkts[1]) {
      f.state = FlowState::kEstablished;
    }
  } else if (f.state == FlowState::kNew && f.pkts[0] && f.pkts[1]) {
    f.state = FlowState::kEstablished;
  }
  HostKey hk = host_key(cfg_.home_net, d.tuple);
  Host* host = host_of(f, hk.host, ts);
  bool first_packet = f.pkts[0] + f.pkts[1] == 1;
  uint32_t added = 0;
  if (d.payload_len && classifier_.wants(f, dir))
    added = classifier_.inspect(f, dir, d, host, hk.host_is_src, ts);
  if (first_packet && host) {
    added |= classifier_.apply_context(f, host, ts, false);
    if (hk.internal) added |= tracker_reputation(f, d.tuple, hk.host_is_src, ts);
  }
  for (const LearnedAddress& l : classifier_.take_learned()) sink_.on_learned(l);
  // Transfer ports are judged once the flow has shown its first payload (a tracker on 6969
  // is a tracker, not a transfer), or when it ends without any.
  if (hk.internal && host && d.payload_len && f.payload_pkts[0] + f.payload_pkts[1] == 1 &&
      !(f.evidence & kTrackerEvidence))
    added |= transfer_ports(f);
  if (added && hk.internal && host)
    models_.on_evidence(f.host, f, added, ts, classifier_.detail_of(f));

  // Closing shortens the timeout: lazy re-arm only handles deadlines that move later.
  if (f.state == FlowState::kClosed && before != FlowState::kClosed)
    flow_timers_.schedule(h, f.last_ts + cfg_.timeouts.tcp_closed);
}

bool Shard::restore_host(const HostSnapshot& saved, Timestamp saved_now) {
  // TTLs come from the published models, as they will when packets flow.
  models_.begin_burst(shared_ ? shared_->models.get() : nullptr);
  uint32_t evicted;
  Host old;
  uint32_t before = hosts_.size();
  uint32_t h = hosts_.find_or_insert(saved.addr, saved.last_seen, &evicted, &old);
  if (evicted != HostTable::kNil) {
    stats_.hosts_evicted.add();
    models_.on_evict(evicted, old, saved_now);
  }
  if (evicted != HostTable::kNil || hosts_.size() > before) stats_.hosts_created.add();
  Host& dst = hosts_.at(h);
  // The entry's own fields from the snapshot; its label state (if it already had one) stays
  // attached and is overwritten by the models.
  const uint32_t slot = dst.label_slot;
  const uint8_t bits = dst.label_bits;
  dst = static_cast<const Host&>(saved);
  dst.label_slot = slot;
  dst.label_bits = bits;
  if (dst.last_seen == 0) dst.last_seen = 1;  // 0 marks a free slot
  bool room = models_.restore(h, saved, saved_now);
  stats_.hosts_active.set(hosts_.size());
  return evicted == HostTable::kNil && room;
}

void Shard::restore_peer(const IpAddr& host, const IpAddr& ip, uint16_t port, Timestamp expires,
                         Timestamp saved_now) {
  classifier_.peers().learn(host, ip, port, saved_now, expires);
}

}  // namespace btsensor
