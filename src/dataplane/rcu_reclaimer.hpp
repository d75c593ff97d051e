// btsensor::Reclaimer over DPDK's quiescent-state-based RCU (rte_rcu_qsbr).
//
// Readers are the worker lcores, registered by worker index. A worker is online while it
// runs its loop and reports a quiescent state once per iteration (between bursts it holds no
// pointer obtained from a Published<T>); it goes offline before it exits, so that a
// synchronize() during shutdown does not wait for a thread that will never report again.
// synchronize() is for the control thread only: a reader calling it would wait for itself.
#pragma once

#include <rte_rcu_qsbr.h>

#include <cstdint>
#include <memory>

#include "btsensor/published.hpp"

namespace btsensor {

class QsbrReclaimer final : public Reclaimer {
 public:
  // nullptr when the memory cannot be had (rte_errno set).
  static std::unique_ptr<QsbrReclaimer> create(uint32_t max_readers);
  ~QsbrReclaimer() override;
  QsbrReclaimer(const QsbrReclaimer&) = delete;
  QsbrReclaimer& operator=(const QsbrReclaimer&) = delete;

  // Control plane: returns once every online reader has reported a quiescent state that
  // began after this call. Blocks (spins with rte_pause) — never call it on an lcore.
  void synchronize() override;

  // Reader side, called by the reader thread itself.
  void reader_start(uint32_t id) {
    rte_rcu_qsbr_thread_register(v_, id);
    rte_rcu_qsbr_thread_online(v_, id);
  }
  void quiescent(uint32_t id) { rte_rcu_qsbr_quiescent(v_, id); }
  void reader_stop(uint32_t id) {
    rte_rcu_qsbr_thread_offline(v_, id);
    rte_rcu_qsbr_thread_unregister(v_, id);
  }

 private:
  explicit QsbrReclaimer(rte_rcu_qsbr* v) : v_(v) {}
  rte_rcu_qsbr* v_;
};

}  // namespace btsensor
