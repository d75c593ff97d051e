#include "dataplane/tsc_clock.hpp"

#include <time.h>

namespace btsensor {

void TscClock::calibrate() {
  hz_ = rte_get_tsc_hz();
  if (hz_ == 0) hz_ = 1;  // never in practice; keeps now() defined
  ns_per_cycle_q32_ = uint64_t((static_cast<unsigned __int128>(1'000'000'000u) << 32) / hz_);
  // Bracket clock_gettime between two TSC reads; the narrowest bracket of a few tries has
  // the least scheduling noise. Its midpoint is the TSC value matching the wall time.
  uint64_t best_window = UINT64_MAX;
  for (int i = 0; i < 8; ++i) {
    timespec ts;
    uint64_t t0 = rte_rdtsc_precise();
    clock_gettime(CLOCK_REALTIME, &ts);
    uint64_t t1 = rte_rdtsc_precise();
    if (t1 - t0 < best_window) {
      best_window = t1 - t0;
      base_tsc_ = t0 + (t1 - t0) / 2;
      base_ns_ = Timestamp(ts.tv_sec) * kNsPerSec + ts.tv_nsec;
    }
  }
}

}  // namespace btsensor
