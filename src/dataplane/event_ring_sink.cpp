#include "dataplane/event_ring_sink.hpp"
#include "dataplane/tsan.hpp"

#include <rte_pause.h>

#include <new>

namespace btsensor {
namespace {

void construct_event(rte_mempool*, void*, void* obj, unsigned) {
  new (obj) DpEvent();
}

}  // namespace

rte_mempool* create_event_pool(const char* name, unsigned n, unsigned cache, int socket) {
  // Multi-producer/multi-consumer (flags 0): every worker takes objects, the writer returns
  // them; the per-lcore cache keeps most gets and puts off the shared ring. The writer runs
  // on the main lcore, which has a cache too.
  return rte_mempool_create(name, n, sizeof(DpEvent), cache, 0, nullptr, nullptr, construct_event,
                            nullptr, socket, 0);
}

template <class T>
void EventRingSink::emit(const T& e, const IpAddr* host) {
  if constexpr (std::is_same_v<T, LearnedAddress>) {
    stats_.learned.add();
  } else {
    stats_.produced.add();
  }
  if (host && shard_of(*host, nworkers_) != worker_) stats_.host_misrouted.add();
  void* obj = nullptr;
  while (rte_mempool_get(pool_, &obj) != 0) {
    if (!draining_) {
      stats_.ring.dropped.add();
      return;
    }
    rte_pause();
  }
  tsan::pool_acquire(pool_);
  auto* ev = static_cast<DpEvent*>(obj);
  ev->worker = worker_;
  ev->ev = e;
  // Single producer (this worker) / single consumer (the aggregator). rte_ring's enqueue
  // publishes the slot with a release store of the producer tail and the dequeue reads it
  // with acquire, so the aggregator sees the event's bytes written above.
  while (rte_ring_sp_enqueue(ring_, obj) != 0) {
    if (!draining_) {
      tsan::pool_release(pool_);
      rte_mempool_put(pool_, obj);
      stats_.ring.dropped.add();
      return;
    }
    rte_pause();
  }
  stats_.ring.enqueued.add();
}

template void EventRingSink::emit(const FlowRecord&, const IpAddr*);
template void EventRingSink::emit(const LabelEvent&, const IpAddr*);
template void EventRingSink::emit(const AlertEvent&, const IpAddr*);
template void EventRingSink::emit(const LearnedAddress&, const IpAddr*);

}  // namespace btsensor
