// Hierarchical timer wheel over integer handles (flow or host slots of one shard).
//
// Four levels of 64 slots: level 0 holds deadlines in the next 64 ticks, level 1 the next
// 64^2, and so on (64^4 ticks ≈ 194 days at 1 s resolution); a later deadline is parked at the
// far end and re-inserted when it surfaces. Every operation is O(1) except advance(), whose
// work is bounded by its budget plus the number of non-empty slots it cascades.
//
// Callers use *lazy re-arm*: they arm a handle once for "last activity + timeout" and, when it
// fires, compare the real last activity with now and re-arm if the entity was active in the
// meantime. That keeps per-packet cost at zero wheel operations.
//
// Memory: 18 bytes per handle (next, prev, slot, deadline), preallocated. Not thread-safe:
// one wheel per shard, used only by the shard's thread.
#pragma once

#include <array>
#include <cstdint>
#include <vector>

#include "btsensor/types.hpp"

namespace btsensor {

class TimerWheel {
 public:
  static constexpr uint32_t kNil = 0xffffffffu;
  static constexpr int kLevels = 4;
  static constexpr int kSlotBits = 6;
  static constexpr uint32_t kSlots = 1u << kSlotBits;  // 64 slots a level

  // capacity: number of handles [0, capacity); tick: resolution in ns (> 0).
  TimerWheel(uint32_t capacity, Timestamp tick_ns);

  // Sets the wheel's notion of "now" the first time; later calls do nothing.
  void start(Timestamp now);
  // Arms (or re-arms) `h` to fire at the first advance() whose `now` ≥ `when`.
  // Pre: start() or advance() has been called (the wheel measures deadlines from its now).
  void schedule(uint32_t h, Timestamp when);
  void cancel(uint32_t h);
  bool armed(uint32_t h) const { return slot_[h] != kUnarmed; }
  uint32_t size() const { return armed_count_; }
  // The armed deadline of `h`, rounded up to the tick. Pre: armed(h).
  Timestamp deadline(uint32_t h) const { return Timestamp(deadline_[h]) * tick_; }

  // Fires up to `budget` due handles, in deadline-tick order, calling fn(handle) for each
  // (the handle is disarmed before the call, so fn may re-arm it). Returns the number fired.
  // Work left over because of the budget is resumed by the next call.
  template <class Fn>
  uint32_t advance(Timestamp now, uint32_t budget, Fn&& fn);

  // The armed handle with (approximately) the earliest deadline: the first non-empty slot
  // from the current position, lowest level first. Used to pick an eviction victim when a
  // table is full. kNil when nothing is armed.
  uint32_t earliest() const;

 private:
  static constexpr uint16_t kUnarmed = 0xffff;
  uint64_t tick_of(Timestamp t) const { return t <= 0 ? 0 : uint64_t(t / tick_); }
  void link(uint32_t h, uint16_t slot);
  void unlink(uint32_t h);
  void place(uint32_t h);  // inserts h by deadline_[h] relative to now_tick_
  void cascade(int level);

  Timestamp tick_;
  bool started_ = false;
  uint64_t now_tick_ = 0;  // every deadline tick < now_tick_ has been fired
  uint32_t armed_count_ = 0;
  std::array<uint32_t, kLevels> level_count_{};
  std::array<uint32_t, kLevels * kSlots> head_;
  std::vector<uint32_t> next_, prev_;
  std::vector<uint16_t> slot_;      // level * 64 + slot, or kUnarmed
  std::vector<uint64_t> deadline_;  // deadline in ticks
};

template <class Fn>
uint32_t TimerWheel::advance(Timestamp now, uint32_t budget, Fn&& fn) {
  uint64_t target = tick_of(now);
  start(now);
  if (target < now_tick_) return 0;  // time went backwards (reordered capture): nothing due
  uint32_t fired = 0;
  while (true) {
    // Drain the current level-0 slot: everything in it is due at now_tick_ ≤ target.
    uint16_t s = uint16_t(now_tick_ & (kSlots - 1));
    while (head_[s] != kNil) {
      if (fired == budget) return fired;
      uint32_t h = head_[s];
      unlink(h);
      if (deadline_[h] > now_tick_) {
        place(h);  // parked beyond the wheel's range: not due yet
        continue;
      }
      ++fired;
      fn(h);
    }
    if (now_tick_ >= target) return fired;
    // Step. When level 0 is empty nothing can become due before the next level-1 boundary
    // (a level-l entry's deadline is never before the boundary that cascades it), so jump
    // straight to the next boundary of the lowest non-empty level, capped at target.
    uint64_t step = 1;
    for (int l = 0; l < kLevels && level_count_[l] == 0; ++l) step <<= kSlotBits;
    uint64_t next = step == 1 ? now_tick_ + 1 : (now_tick_ | (step - 1)) + 1;
    if (armed_count_ == 0 || next > target) next = next > target ? target : next;
    if (armed_count_ == 0) {
      now_tick_ = target;
      return fired;
    }
    now_tick_ = next;
    // Cascade every level whose boundary we just reached, highest first, so that entries
    // flow down through the levels in one step.
    for (int l = kLevels - 1; l >= 1; --l) {
      uint64_t mask = (uint64_t(1) << (kSlotBits * l)) - 1;
      if ((now_tick_ & mask) == 0) cascade(l);
    }
  }
}

}  // namespace btsensor
