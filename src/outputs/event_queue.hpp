// A bounded multi-producer / single-consumer queue of fixed-size values, preallocated.
//
// Between the event producers (aggregator lcore, replay driver) and an output's writer
// thread. try_push never blocks, allocates or makes a syscall, so an lcore can call it; when
// the queue is full it returns false and the caller counts the drop.
//
// Algorithm: Dmitry Vyukov's bounded MPMC queue (per-slot sequence numbers), used with one
// consumer so the consumer side needs no CAS. Slot i is free for the producer that claimed
// position p when seq == p, and holds a value for the consumer at position p when seq == p + 1.
#pragma once

#include <atomic>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <memory>

namespace btsensor {

template <class T>
class BoundedQueue {
 public:
  // Capacity is rounded up to a power of two (index = position & mask).
  explicit BoundedQueue(size_t capacity)
      : cap_(std::bit_ceil(capacity < 2 ? size_t(2) : capacity)),
        mask_(cap_ - 1),
        slots_(std::make_unique<Slot[]>(cap_)) {
    for (size_t i = 0; i < cap_; ++i) slots_[i].seq.store(i, std::memory_order_relaxed);
  }
  BoundedQueue(const BoundedQueue&) = delete;
  BoundedQueue& operator=(const BoundedQueue&) = delete;

  // Any thread. False when full (nothing is written).
  bool try_push(const T& v) {
    size_t pos = head_.load(std::memory_order_relaxed);
    Slot* s;
    for (;;) {
      s = &slots_[pos & mask_];
      // acquire: pairs with the consumer's release store that freed the slot, so our write
      // of `value` cannot overlap its read of the previous value.
      size_t seq = s->seq.load(std::memory_order_acquire);
      auto dif = intptr_t(seq) - intptr_t(pos);
      if (dif == 0) {
        // Claim the position; relaxed is enough: the slot's seq publishes the value.
        if (head_.compare_exchange_weak(pos, pos + 1, std::memory_order_relaxed)) break;
      } else if (dif < 0) {
        return false;  // the slot still holds a value a lap behind: full
      } else {
        pos = head_.load(std::memory_order_relaxed);  // another producer took it
      }
    }
    s->value = v;
    s->seq.store(pos + 1, std::memory_order_release);  // publish to the consumer
    return true;
  }

  // The consumer thread only. False when empty (or the next producer is mid-write).
  bool try_pop(T& out) {
    Slot& s = slots_[tail_ & mask_];
    if (s.seq.load(std::memory_order_acquire) != tail_ + 1) return false;
    out = s.value;
    // Hand the slot to the producer one lap ahead.
    s.seq.store(tail_ + cap_, std::memory_order_release);
    ++tail_;
    return true;
  }

  size_t capacity() const { return cap_; }

 private:
  struct alignas(64) Slot {
    std::atomic<size_t> seq{0};
    T value{};
  };
  const size_t cap_, mask_;
  std::unique_ptr<Slot[]> slots_;
  alignas(64) std::atomic<size_t> head_{0};  // next position to claim (producers)
  alignas(64) size_t tail_ = 0;              // next position to read (consumer only)
};

}  // namespace btsensor
