#include "replay/replay_driver.hpp"

#include <tbb/parallel_for.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <thread>
#include <tuple>

#include "replay/pcap_source.hpp"

// ThreadSanitizer builds (tests/tsan.sh) run the shards on plain threads: see run_batch().
#if defined(__SANITIZE_THREAD__)
#define BTSENSOR_TSAN 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define BTSENSOR_TSAN 1
#endif
#endif

namespace btsensor {
namespace {

// Merge key: time first, then kind (flow < label < alert at the same instant, so that an
// alert never precedes the records it cites), then a stable id.
std::tuple<Timestamp, int, uint64_t, IpAddr, uint8_t> merge_key(const BufferSink::Event& e) {
  if (auto* r = std::get_if<FlowRecord>(&e)) return {r->end, 0, r->flow_id, r->host, 0};
  if (auto* l = std::get_if<LabelEvent>(&e))
    return {l->ts, 1, uint64_t(l->action), l->host, l->label};
  const auto& a = std::get<AlertEvent>(e);
  return {a.ts, 2, 0, a.host, a.model};
}

}  // namespace

ReplayDriver::ReplayDriver(const EngineConfig& cfg, ReplayOptions opt, EventSink& out,
                           const SharedTables* shared)
    : cfg_(cfg), opt_(opt), out_(out) {
  if (opt_.shards == 0) opt_.shards = 1;
  for (uint32_t i = 0; i < opt_.shards; ++i) {
    sinks_.push_back(std::make_unique<BufferSink>());
    shards_.push_back(std::make_unique<Shard>(cfg_, *sinks_.back(), shared, i));
  }
  buckets_.resize(opt_.shards);
  for (auto& b : buckets_) b.reserve(opt_.batch_packets);
  arena_.resize(opt_.arena_bytes);
}

ReplayDriver::~ReplayDriver() = default;

void ReplayDriver::run_batch(Timestamp batch_end) {
  auto work = [&](uint32_t i) {
    Shard& s = *shards_[i];
    const auto& pkts = buckets_[i];
    for (size_t off = 0; off < pkts.size(); off += opt_.burst) {
      size_t n = std::min<size_t>(opt_.burst, pkts.size() - off);
      s.process(std::span<const RawPacket>(pkts.data() + off, n));
    }
    // Global time moves on for every shard, as the TSC does for idle dataplane workers, so
    // a shard whose hosts went quiet still expires their flows.
    s.advance(batch_end);
  };
  if (shards_.size() == 1) {
    work(0);
  } else {
#ifdef BTSENSOR_TSAN
    // Debian's libtbb is not instrumented: TSan cannot see the happens-before edges of its
    // task hand-off and reports every shard's work as racing with the thread that prepared
    // the batch (hundreds of false reports). Plain threads, whose create/join edges TSan
    // understands, run the very same per-shard work, so what TSan checks is what shards
    // really share (published tables, the learned-tracker overlay, counters).
    std::vector<std::thread> threads;
    for (uint32_t i = 1; i < shards_.size(); ++i) threads.emplace_back(work, i);
    work(0);
    for (auto& t : threads) t.join();
#else
    tbb::parallel_for(uint32_t(0), uint32_t(shards_.size()), work);
#endif
  }
  for (auto& b : buckets_) b.clear();
  arena_used_ = 0;
  deliver();
  if (opt_.between_batches) opt_.between_batches(batch_end);
}

void ReplayDriver::deliver() {
  std::vector<BufferSink::Event> all;
  for (auto& s : sinks_) {
    for (auto& e : s->events) all.push_back(std::move(e));
    s->events.clear();
    for (const LearnedAddress& l : s->learned) out_.on_learned(l);
    s->learned.clear();
  }
  std::stable_sort(all.begin(), all.end(),
                   [](const auto& x, const auto& y) { return merge_key(x) < merge_key(y); });
  for (const auto& e : all) {
    if (auto* r = std::get_if<FlowRecord>(&e)) {
      out_.on_flow(*r);
    } else if (auto* l = std::get_if<LabelEvent>(&e)) {
      out_.on_label(*l);
    } else {
      out_.on_alert(std::get<AlertEvent>(e));
    }
  }
}

Result<ReplayTotals> ReplayDriver::run(const std::vector<std::string>& files) {
  auto t0 = std::chrono::steady_clock::now();
  ReplayTotals totals;
  Timestamp last_ts = 0;
  uint32_t in_batch = 0;
  const uint32_t nshards = uint32_t(shards_.size());
  for (const std::string& path : files) {
    auto src = PcapSource::open(path);
    if (!src) return Error{src.error()};
    ++totals.files;
    LinkType link = (*src)->link_type();
    PcapPacket p;
    while (true) {
      auto r = (*src)->next(p);
      if (r == PcapSource::Next::kEnd) break;
      if (r == PcapSource::Next::kError) {
        totals.errors.push_back((*src)->error());
        break;
      }
      if (arena_used_ + p.caplen > arena_.size() || in_batch == opt_.batch_packets) {
        run_batch(last_ts);
        in_batch = 0;
      }
      uint8_t* dst = arena_.data() + arena_used_;
      std::memcpy(dst, p.data, p.caplen);
      arena_used_ += p.caplen;
      // Same choice as an RX lcore: find the host, hash it. Frames without an IP header go
      // to shard 0, which counts them by decode error.
      uint32_t shard = 0;
      FiveTuple t;
      if (nshards > 1 && decode_tuple(link, {dst, p.caplen}, t))
        shard = shard_of(host_key(cfg_.home_net, t).host, nshards);
      buckets_[shard].push_back(RawPacket{dst, p.caplen, p.wire_len, p.ts, link});
      if (p.ts > last_ts) last_ts = p.ts;
      ++in_batch;
      ++totals.packets;
      totals.bytes += p.wire_len;
    }
  }
  run_batch(last_ts);
  for (auto& s : shards_) s->flush(last_ts);
  deliver();
  totals.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return totals;
}

}  // namespace btsensor
