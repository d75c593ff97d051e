// ThreadSanitizer annotations for the hand-offs DPDK makes inside its own (uninstrumented)
// shared libraries, so that a TSan build (tests/tsan.sh) checks our lcore code instead of
// reporting DPDK's synchronisation as races. In every other build they compile to nothing.
//
//  * rte_eal_remote_launch / rte_eal_wait_lcore hand work to an lcore and back through
//    librte_eal: launch_lcore() and wait_all_lcores() add the matching release/acquire.
//  * mbufs and event objects are recycled through mempools whose backend (librte_mempool_ring)
//    is not instrumented: pool_release() before a put/free, pool_acquire() after a get/RX
//    burst, on the pool's address, model the backend ring's own release/acquire.
//  * rte_ring itself is inline header code; src/dataplane/meson.build compiles it as DPDK's
//    C11 variant under TSan (see there), which TSan understands without annotations.
#pragma once

#include <rte_launch.h>

namespace btsensor::tsan {

#if defined(__SANITIZE_THREAD__)
#define BTSENSOR_TSAN 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define BTSENSOR_TSAN 1
#endif
#endif

#ifdef BTSENSOR_TSAN
extern "C" void __tsan_acquire(void* addr);
extern "C" void __tsan_release(void* addr);
inline void pool_acquire(const void* pool) {
  __tsan_acquire(const_cast<void*>(pool));
}
inline void pool_release(const void* pool) {
  __tsan_release(const_cast<void*>(pool));
}
constexpr bool kEnabled = true;
#else
inline void pool_acquire(const void*) {}
inline void pool_release(const void*) {}
constexpr bool kEnabled = false;
#endif

// rte_eal_remote_launch(fn, arg, lcore) with the edges above. Same return value.
int launch_lcore(lcore_function_t* fn, void* arg, unsigned lcore);
// rte_eal_mp_wait_lcore() / rte_eal_wait_lcore(lcore), then acquire what the lcores did.
void wait_all_lcores();
int wait_lcore(unsigned lcore);

}  // namespace btsensor::tsan
