#include "btsensor/shard_query.hpp"

#include "btsensor/shard.hpp"

namespace btsensor {
namespace {

// The label TTLs in force: the published models, read on the shard's thread (an RCU reader
// between two quiescent points), or the defaults.
const ModelConfig& models_of(const Shard& s) {
  static const ModelConfig defaults = ModelConfig::defaults();
  const ModelConfig* m = s.shared() ? s.shared()->models.get() : nullptr;
  return m ? *m : defaults;
}

}  // namespace

LabelsQuery::LabelsQuery(size_t capacity, uint32_t slots_per_step)
    : capacity_(capacity), slots_per_step_(slots_per_step ? slots_per_step : 1) {
  results_.reserve(capacity_);
}

void LabelsQuery::reset() {
  cursor_ = 0;
  truncated_ = false;
  results_.clear();  // keeps the reserved capacity
}

bool LabelsQuery::step(const Shard& s) {
  const ModelConfig& mc = models_of(s);
  const HostTable& t = s.hosts();
  const uint32_t end = cursor_ + slots_per_step_;
  t.for_each_in(cursor_, end, [&](uint32_t, const Host& h) {
    const HostLabels* hl = t.labels_of(h);
    if (!hl) return;
    for (int i = 0; i < kLabelCount; ++i) {
      const LabelState& l = hl->labels[size_t(i)];
      if (!l.set_at) continue;
      if (results_.size() == capacity_) {
        truncated_ = true;
        return;
      }
      LabelInfo& out = results_.emplace_back();  // within the reserved capacity
      out.host = h.addr;
      out.label = LabelId(i);
      out.set_at = l.set_at;
      out.last_activity = l.last_activity;
      out.expires = l.last_activity + mc.labels[size_t(i)].ttl;
      out.reason = l.reason;
      out.flow = l.flow;
    }
  });
  cursor_ = end;
  return cursor_ >= t.capacity();
}

void HostQuery::reset(const IpAddr& host) {
  addr_ = host;
  started_ = found_ = false;
  cursor_ = peers_ = 0;
  now_ = 0;
  host_ = HostSnapshot{};
  expires_.fill(0);
}

bool HostQuery::step(const Shard& s) {
  if (!started_) {
    // The host entry itself: one bucket probe.
    started_ = true;
    now_ = s.now();
    uint32_t h = s.hosts().find(addr_);
    if (h != HostTable::kNil) {
      found_ = true;
      host_ = s.hosts().snapshot(h);
      const ModelConfig& mc = models_of(s);
      for (int i = 0; i < kLabelCount; ++i)
        if (host_.labels[size_t(i)].set_at)
          expires_[size_t(i)] = host_.labels[size_t(i)].last_activity + mc.labels[size_t(i)].ttl;
    }
  }
  // Learned peers are keyed by (host, peer): counting one host's means walking the table.
  const PeerTable& p = s.peers();
  const uint32_t end = cursor_ + slots_per_step_;
  p.for_each_in(cursor_, end, now_, [&](const IpAddr& host, const IpAddr&, uint16_t, Timestamp) {
    if (host == addr_) ++peers_;
  });
  cursor_ = end;
  return cursor_ >= p.capacity();
}

}  // namespace btsensor
