#include "dataplane/tsan.hpp"

#include <rte_lcore.h>

namespace btsensor::tsan {

#ifdef BTSENSOR_TSAN
namespace {

struct Launch {
  lcore_function_t* fn;
  void* arg;
};
Launch g_launch[RTE_MAX_LCORE];
char g_sync[RTE_MAX_LCORE];  // one sync address per lcore

int trampoline(void* p) {
  auto* l = static_cast<Launch*>(p);
  unsigned lcore = unsigned(l - g_launch);
  __tsan_acquire(&g_sync[lcore]);  // everything the launcher did before launching
  int rc = l->fn(l->arg);
  __tsan_release(&g_sync[lcore]);  // everything this lcore did, for the waiter
  return rc;
}

}  // namespace

int launch_lcore(lcore_function_t* fn, void* arg, unsigned lcore) {
  g_launch[lcore] = Launch{fn, arg};
  __tsan_release(&g_sync[lcore]);
  return rte_eal_remote_launch(trampoline, &g_launch[lcore], lcore);
}

int wait_lcore(unsigned lcore) {
  int rc = rte_eal_wait_lcore(lcore);
  __tsan_acquire(&g_sync[lcore]);
  return rc;
}

void wait_all_lcores() {
  rte_eal_mp_wait_lcore();
  for (char& s : g_sync) __tsan_acquire(&s);
}
#else
int launch_lcore(lcore_function_t* fn, void* arg, unsigned lcore) {
  return rte_eal_remote_launch(fn, arg, lcore);
}
int wait_lcore(unsigned lcore) {
  return rte_eal_wait_lcore(lcore);
}
void wait_all_lcores() {
  rte_eal_mp_wait_lcore();
}
#endif

}  // namespace btsensor::tsan
