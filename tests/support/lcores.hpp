// The EAL --lcores argument for tests that start `btsensor run`: lcores 0..N-1 may each float
// over every CPU this test process may use, so the same command works on 1, 2 or 64 CPUs and
// beside other test suites.
#pragma once

#include <sched.h>

#include <string>

namespace btsensor::test {

// "(0-N)@(c1,c2,…)"
inline std::string lcores_arg(unsigned nlcores) {
  cpu_set_t set;
  CPU_ZERO(&set);
  sched_getaffinity(0, sizeof(set), &set);
  std::string cpus;
  for (int c = 0; c < CPU_SETSIZE; ++c)
    if (CPU_ISSET(c, &set)) cpus += (cpus.empty() ? "" : ",") + std::to_string(c);
  return "(0-" + std::to_string(nlcores - 1) + ")@(" + cpus + ")";
}

}  // namespace btsensor::test
