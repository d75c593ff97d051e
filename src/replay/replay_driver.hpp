// Offline replay: packets from capture files, split across shards by the same host hash the
// dataplane's RX lcores use, shards run in parallel with oneTBB, events merged into one
// deterministic stream for the outputs.
//
// The reader copies a batch of packets into an arena and buckets them by shard_of(host);
// every shard then processes its bucket (in parallel), and the batch's events are merged in
// (time, kind, id) order and handed to the output sink on the calling thread. Events are
// therefore the same *set* whatever the shard count; their order is the same for a given
// shard count.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <variant>
#include <vector>

#include "btsensor/result.hpp"
#include "btsensor/shard.hpp"

namespace btsensor {

struct ReplayOptions {
  uint32_t shards = 1;
  uint32_t batch_packets = 65536;  // packets read before the shards run
  size_t arena_bytes = 64u << 20;  // packet bytes buffered per batch
  uint32_t burst = 64;             // packets per Shard::process call, as an RX burst
  // Called on the calling thread after each batch's events were delivered, while no shard
  // runs (the control plane may publish RCU state then without waiting). `now` is the
  // batch's last packet time.
  std::function<void(Timestamp now)> between_batches;
};

struct ReplayTotals {
  uint64_t packets = 0;
  uint64_t bytes = 0;
  uint32_t files = 0;
  std::vector<std::string> errors;  // damaged files (processed up to the damage)
  double seconds = 0;               // wall time of run()
};

// The shard-side sink: buffers a batch's events for the merge.
class BufferSink final : public EventSink {
 public:
  using Event = std::variant<FlowRecord, LabelEvent, AlertEvent>;
  void on_flow(const FlowRecord& r) override { events.emplace_back(r); }
  void on_label(const LabelEvent& e) override { events.emplace_back(e); }
  void on_alert(const AlertEvent& e) override { events.emplace_back(e); }
  void on_learned(const LearnedAddress& a) override { learned.push_back(a); }
  std::vector<Event> events;
  std::vector<LearnedAddress> learned;
};

class ReplayDriver {
 public:
  // `shared` (may be null: flow tracking only, no DPI) must outlive the driver.
  ReplayDriver(const EngineConfig& cfg, ReplayOptions opt, EventSink& out,
               const SharedTables* shared = nullptr);
  ~ReplayDriver();

  // Replays the files in order as one stream. Returns an error only when a file cannot be
  // opened at all (nothing after it is read); damage inside a file is reported in totals.
  Result<ReplayTotals> run(const std::vector<std::string>& files);

  uint32_t shard_count() const { return uint32_t(shards_.size()); }
  const Shard& shard(uint32_t i) const { return *shards_[i]; }

 private:
  void run_batch(Timestamp batch_end);
  void deliver();

  const EngineConfig& cfg_;
  ReplayOptions opt_;
  EventSink& out_;
  std::vector<std::unique_ptr<BufferSink>> sinks_;
  std::vector<std::unique_ptr<Shard>> shards_;
  std::vector<std::vector<RawPacket>> buckets_;
  std::vector<uint8_t> arena_;
  size_t arena_used_ = 0;
};

}  // namespace btsensor
