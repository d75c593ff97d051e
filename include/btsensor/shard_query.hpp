// Questions the control plane asks a running shard (`btsensor ctl labels`, `host IP`),
// answered on the shard's own thread, race-free, in bounded steps.
//
// Why a mailbox and not a snapshot: a shard's host table is written on every packet by its
// worker lcore and nothing else may touch it. Copying it under RCU would cost the worker a
// copy per change; instead the control thread posts a query into the worker's mailbox (one
// slot, single producer / single consumer) and the worker, once per loop iteration, does a
// bounded step of it (a few thousand table slots: tens of microseconds) until it is done.
// The result buffers are preallocated by the control thread before posting, so the worker
// never allocates. The worker pays one acquire load per loop when no query is posted.
//
// Engine-only: no I/O, no clock. The dataplane calls serve(); the control plane posts.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <vector>

#include "btsensor/events.hpp"
#include "btsensor/host_table.hpp"
#include "btsensor/model_ids.hpp"
#include "btsensor/types.hpp"

namespace btsensor {

class Shard;

class ShardQuery {
 public:
  virtual ~ShardQuery() = default;
  // Does a bounded amount of work on the shard's thread; true when the answer is complete.
  virtual bool step(const Shard& s) = 0;
};

// One query at a time between the control thread and one shard's thread.
//   control: post() → (poll ready()) → read the query's results → take()
//   shard:   serve() once per loop iteration
// The query object belongs to the control side and must outlive the mailbox's use of it
// (a posted query is only given back by take() after ready()).
class ShardMailbox {
 public:
  // Control thread. False when a query is still in flight.
  bool post(ShardQuery* q) {
    if (state_.load(std::memory_order_acquire) != kIdle) return false;
    q_ = q;
    // Release: the shard sees the query's parameters (and q_) written before.
    state_.store(kPosted, std::memory_order_release);
    return true;
  }
  // Acquire: pairs with serve()'s release; the results are visible once this is true.
  bool ready() const { return state_.load(std::memory_order_acquire) == kDone; }
  bool idle() const { return state_.load(std::memory_order_acquire) == kIdle; }
  void take() {
    q_ = nullptr;
    state_.store(kIdle, std::memory_order_release);
  }

  // Shard thread, between bursts (it holds no RCU pointer of its own then).
  void serve(const Shard& s) {
    if (state_.load(std::memory_order_acquire) != kPosted) return;
    // Release: the results written by step() are visible to whoever sees kDone.
    if (q_->step(s)) state_.store(kDone, std::memory_order_release);
  }

 private:
  enum : uint8_t { kIdle, kPosted, kDone };
  alignas(64) std::atomic<uint8_t> state_{kIdle};
  ShardQuery* q_ = nullptr;  // cp: wo before posting; shard: ro while posted
};

// One active label of one host.
struct LabelInfo {
  IpAddr host;
  LabelId label = LabelId::kBittorrentUser;
  Timestamp set_at = 0, last_activity = 0, expires = 0;
  uint32_t reason = 0;
  FlowRef flow;
};

// Every active label of a shard, at most `capacity` (then truncated()).
class LabelsQuery final : public ShardQuery {
 public:
  explicit LabelsQuery(size_t capacity, uint32_t slots_per_step = 4096);
  void reset();  // control thread, before posting
  bool step(const Shard& s) override;
  const std::vector<LabelInfo>& results() const { return results_; }
  bool truncated() const { return truncated_; }

 private:
  size_t capacity_;
  uint32_t slots_per_step_;
  uint32_t cursor_ = 0;
  bool truncated_ = false;
  std::vector<LabelInfo> results_;  // reserved at construction: step() never allocates
};

// What a shard knows about one host: the host entry, when each label lapses, and how many
// learned peers it has.
class HostQuery final : public ShardQuery {
 public:
  explicit HostQuery(uint32_t slots_per_step = 8192) : slots_per_step_(slots_per_step) {}
  void reset(const IpAddr& host);  // control thread, before posting
  bool step(const Shard& s) override;

  bool found() const { return found_; }
  const HostSnapshot& host() const { return host_; }
  Timestamp expires(LabelId l) const { return expires_[size_t(l)]; }
  uint32_t learned_peers() const { return peers_; }
  Timestamp shard_now() const { return now_; }

 private:
  IpAddr addr_;
  uint32_t slots_per_step_;
  bool started_ = false, found_ = false;
  uint32_t cursor_ = 0, peers_ = 0;
  Timestamp now_ = 0;
  HostSnapshot host_;  // preallocated: a copy, not an allocation, on the shard's thread
  std::array<Timestamp, kLabelCount> expires_{};
};

}  // namespace btsensor
