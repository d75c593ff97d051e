#include "btsensor/timer_wheel.hpp"

namespace btsensor {

TimerWheel::TimerWheel(uint32_t capacity, Timestamp tick_ns)
    : tick_(tick_ns > 0 ? tick_ns : 1),
      next_(capacity, kNil),
      prev_(capacity, kNil),
      slot_(capacity, kUnarmed),
      deadline_(capacity, 0) {
  head_.fill(kNil);
}

void TimerWheel::link(uint32_t h, uint16_t slot) {
  slot_[h] = slot;
  prev_[h] = kNil;
  next_[h] = head_[slot];
  if (head_[slot] != kNil) prev_[head_[slot]] = h;
  head_[slot] = h;
  ++level_count_[slot / kSlots];
  ++armed_count_;
}

void TimerWheel::unlink(uint32_t h) {
  uint16_t slot = slot_[h];
  if (prev_[h] != kNil) {
    next_[prev_[h]] = next_[h];
  } else {
    head_[slot] = next_[h];
  }
  if (next_[h] != kNil) prev_[next_[h]] = prev_[h];
  slot_[h] = kUnarmed;
  --level_count_[slot / kSlots];
  --armed_count_;
}

void TimerWheel::place(uint32_t h) {
  uint64_t d = deadline_[h];
  if (d < now_tick_) d = now_tick_;  // already due: fire at the next drain of this tick
  uint64_t delta = d - now_tick_;
  // The furthest representable deadline; anything later is parked there and re-placed when
  // it surfaces (advance() checks the real deadline before firing).
  constexpr uint64_t kRange = uint64_t(1) << (kSlotBits * kLevels);
  if (delta >= kRange) {
    d = now_tick_ + kRange - 1;
    delta = kRange - 1;
  }
  int level = 0;
  while (level < kLevels - 1 && delta >= (uint64_t(1) << (kSlotBits * (level + 1)))) ++level;
  uint16_t slot = uint16_t(level * kSlots + ((d >> (kSlotBits * level)) & (kSlots - 1)));
  link(h, slot);
}

void TimerWheel::start(Timestamp now) {
  if (started_) return;
  started_ = true;
  now_tick_ = tick_of(now);
}

void TimerWheel::schedule(uint32_t h, Timestamp when) {
  if (slot_[h] != kUnarmed) unlink(h);
  // Round up so that a timer never fires before its deadline.
  uint64_t t = tick_of(when);
  if (when > 0 && Timestamp(t) * tick_ < when) ++t;
  deadline_[h] = t;
  place(h);
}

void TimerWheel::cancel(uint32_t h) {
  if (slot_[h] != kUnarmed) unlink(h);
}

void TimerWheel::cascade(int level) {
  uint16_t slot = uint16_t(level * kSlots + ((now_tick_ >> (kSlotBits * level)) & (kSlots - 1)));
  uint32_t h = head_[slot];
  while (h != kNil) {
    uint32_t nxt = next_[h];
    unlink(h);
    place(h);
    h = nxt;
  }
}

uint32_t TimerWheel::earliest() const {
  if (armed_count_ == 0) return kNil;
  for (int l = 0; l < kLevels; ++l) {
    if (level_count_[l] == 0) continue;
    uint64_t pos = now_tick_ >> (kSlotBits * l);
    for (uint32_t i = 0; i < kSlots; ++i) {
      uint16_t slot = uint16_t(l * kSlots + ((pos + i) & (kSlots - 1)));
      if (head_[slot] == kNil) continue;
      // A slot above level 0 spans many ticks and its list is unordered: look at a bounded
      // number of its entries (64) for the earliest deadline.
      uint32_t best = head_[slot];
      uint32_t h = next_[best];
      for (int n = 0; h != kNil && n < 64; ++n, h = next_[h])
        if (deadline_[h] < deadline_[best]) best = h;
      return best;
    }
  }
  return kNil;
}

}  // namespace btsensor
