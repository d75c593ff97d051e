// Wall-clock time from the TSC: one rdtsc and one multiply, no syscall, usable on lcores.
//
// calibrate() runs once on the control thread before the lcores start: it pairs a TSC
// reading with CLOCK_REALTIME (the tightest of a few samples) and takes the TSC rate that
// the EAL measured. now() is then base_ns + (tsc - base_tsc) * ns_per_cycle in 32.32 fixed
// point. Drift against NTP is not corrected: over a day at 50 ppm that is ~4 s, far below
// the flow timeouts this time drives. The TSC must be invariant (constant_tsc, nonstop_tsc),
// which every x86 server CPU of the last decade is.
#pragma once

#include <rte_cycles.h>

#include <cstdint>

#include "btsensor/types.hpp"

namespace btsensor {

class TscClock {
 public:
  // Control thread, after rte_eal_init (needs rte_get_tsc_hz). Not thread-safe; call before
  // any reader starts (readers then only read the constants: no synchronisation needed
  // beyond the thread launch itself, which is a full barrier).
  void calibrate();

  Timestamp now() const { return at(rte_rdtsc()); }
  Timestamp at(uint64_t tsc) const {
    // Unsigned difference: correct across wrap; the 128-bit product cannot overflow for any
    // difference below 2^64 cycles (> 100 years at 5 GHz).
    uint64_t d = tsc - base_tsc_;
    return base_ns_ + Timestamp((static_cast<unsigned __int128>(d) * ns_per_cycle_q32_) >> 32);
  }
  uint64_t hz() const { return hz_; }
  // Cycles in `ns` nanoseconds (test knob, busy-time accounting).
  uint64_t cycles(uint64_t ns) const {
    return uint64_t((static_cast<unsigned __int128>(ns) * hz_) / 1'000'000'000u);
  }

 private:
  uint64_t base_tsc_ = 0;
  Timestamp base_ns_ = 0;
  uint64_t ns_per_cycle_q32_ = 0;  // (1e9 << 32) / hz: ~2^32 for GHz clocks, fits 64 bits
  uint64_t hz_ = 1;
};

}  // namespace btsensor
