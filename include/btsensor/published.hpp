// Read-mostly state shared by every shard (reputation tables, compiled signatures, learned
// tracker addresses), published by the control plane with RCU:
//   build new → swap pointer → wait until every reader has passed a quiescent point → free old.
//
// Readers (shards) take no lock and never block: get() is one acquire load. A shard must not
// keep the pointer across a quiescent point (on the dataplane: one loop iteration; in replay:
// one batch). The waiting is the Reclaimer's job: the dataplane implements it with DPDK's
// rte_rcu_qsbr, replay by publishing only between batches, when no shard is running.
#pragma once

#include <atomic>
#include <memory>

namespace btsensor {

class Reclaimer {
 public:
  virtual ~Reclaimer() = default;
  // Returns once every reader has reported a quiescent state after the call began.
  virtual void synchronize() = 0;
};

// For drivers whose readers are all stopped whenever the control plane publishes (replay
// between batches, tests): nothing to wait for.
class StoppedReaders final : public Reclaimer {
 public:
  void synchronize() override {}
};

template <class T>
class Published {
 public:
  Published() = default;
  explicit Published(std::unique_ptr<const T> initial) : p_(initial.release()) {}
  ~Published() { delete p_.load(std::memory_order_relaxed); }
  Published(const Published&) = delete;
  Published& operator=(const Published&) = delete;

  // dp: ro. Acquire pairs with the release in publish(): a reader that sees the new pointer
  // sees the fully built object behind it.
  const T* get() const { return p_.load(std::memory_order_acquire); }

  // cp: wo. Control plane only (one publisher at a time); blocks in r.synchronize().
  void publish(std::unique_ptr<const T> next, Reclaimer& r) {
    const T* old = p_.exchange(next.release(), std::memory_order_acq_rel);
    r.synchronize();
    delete old;
  }

 private:
  std::atomic<const T*> p_{nullptr};
};

}  // namespace btsensor
