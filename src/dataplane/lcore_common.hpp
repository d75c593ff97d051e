// Small pieces every lcore loop shares: the done flag, idle back-off, cycle accounting.
#pragma once

#include <rte_cycles.h>
#include <rte_pause.h>

#include <atomic>
#include <cstdint>

#include "btsensor/sensor_stats.hpp"

namespace btsensor {

// Set once by the lcore as its last action; read by the next stage of the shutdown. Release
// on store / acquire on load: whoever sees `true` also sees everything the lcore wrote
// before (its last enqueues, its final counters).
struct alignas(64) DoneFlag {
  std::atomic<bool> v{false};
  void set() { v.store(true, std::memory_order_release); }
  bool get() const { return v.load(std::memory_order_acquire); }
};

// After 256 consecutive empty polls, nap `sleep_us` (0 = never: pure busy polling). A nap
// is a syscall, which is fine here: there is no packet to delay.
class IdleBackoff {
 public:
  explicit IdleBackoff(uint32_t sleep_us) : sleep_us_(sleep_us) {}
  void busy() { empty_ = 0; }
  void idle() {
    if (sleep_us_ != 0 && ++empty_ >= 256) {
      rte_delay_us_sleep(sleep_us_);
    } else {
      rte_pause();
    }
  }

 private:
  uint32_t sleep_us_;
  uint32_t empty_ = 0;
};

// Busy/total cycles of one loop into LcoreStats: one rdtsc per iteration.
class CycleMeter {
 public:
  explicit CycleMeter(LcoreStats& s) : s_(s), last_(rte_rdtsc()) {}
  void lap(bool busy) {
    uint64_t now = rte_rdtsc();
    uint64_t d = now - last_;
    last_ = now;
    s_.total_cycles.add(d);
    if (busy) s_.busy_cycles.add(d);
  }

 private:
  LcoreStats& s_;
  uint64_t last_;
};

}  // namespace btsensor
