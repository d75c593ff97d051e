// A counter written by exactly one thread and read by any (metrics scrape, final report).
//
// The writer does a relaxed load + relaxed store instead of fetch_add: with a single writer
// no update can be lost, and it compiles to a plain `add` without the `lock` prefix, which is
// what lets every packet touch counters. Readers see a value that may be a few increments
// stale, never torn (64-bit aligned atomics).
#pragma once

#include <atomic>
#include <cstdint>

namespace btsensor {

class Counter {
 public:
  void add(uint64_t n = 1) {
    v_.store(v_.load(std::memory_order_relaxed) + n, std::memory_order_relaxed);
  }
  void set(uint64_t n) { v_.store(n, std::memory_order_relaxed); }
  uint64_t get() const { return v_.load(std::memory_order_relaxed); }

 private:
  std::atomic<uint64_t> v_{0};
};

}  // namespace btsensor
