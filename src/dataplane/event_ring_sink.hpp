// The workers' way out: each event is copied into an object from a shared rte_mempool and its
// pointer is enqueued on the worker's own single-producer/single-consumer ring to the
// aggregator. Per event (not per packet), so the EventSink virtual call is fine here; the
// copy is bounded (sizeof(DpEvent), under 1 KiB) and nothing allocates.
//
// Full ring or empty pool: the event is dropped and counted (RingStats.dropped), the worker
// never stalls. At shutdown the worker switches the sink to `draining`, where it waits for
// room instead, so that flushing thousands of flows loses nothing (the aggregator and the
// writer are still running and freeing room).
#pragma once

#include <rte_mempool.h>
#include <rte_ring.h>

#include <type_traits>
#include <variant>

#include "btsensor/counter.hpp"
#include "btsensor/events.hpp"
#include "btsensor/home_net.hpp"
#include "btsensor/sensor_stats.hpp"

namespace btsensor {

// One event in flight from a worker to the writer.
struct DpEvent {
  uint16_t worker = 0;
  std::variant<FlowRecord, LabelEvent, AlertEvent, LearnedAddress> ev;
};
// Objects live in an rte_mempool and are never destroyed, only overwritten.
static_assert(std::is_trivially_destructible_v<DpEvent>);

// Creates the event pool; every object is a constructed DpEvent. Returns nullptr on failure
// (rte_errno set).
rte_mempool* create_event_pool(const char* name, unsigned n, unsigned cache, int socket);

// Counters of one worker's event path, written by that worker only.
struct alignas(64) EventPathStats {
  Counter produced;  // flow, label and alert events the shard emitted
  Counter learned;   // learned addresses (control-plane feedback, not output)
  RingStats ring;    // enqueued to the aggregator / dropped (ring full or pool empty)
  // Events whose host does not hash to this worker: an RX lcore sent a host's packet to the
  // wrong worker. Always 0 unless routing is broken (checked by the dataplane tests).
  Counter host_misrouted;
};

class EventRingSink final : public EventSink {
 public:
  EventRingSink(uint16_t worker, uint32_t nworkers, rte_ring* ring, rte_mempool* pool,
                EventPathStats& stats)
      : worker_(worker), nworkers_(nworkers), ring_(ring), pool_(pool), stats_(stats) {}

  void on_flow(const FlowRecord& r) override { emit(r, &r.host); }
  void on_label(const LabelEvent& e) override { emit(e, &e.host); }
  void on_alert(const AlertEvent& e) override { emit(e, &e.host); }
  void on_learned(const LearnedAddress& a) override { emit(a, nullptr); }

  // Shutdown: wait for room rather than drop. Only the owning worker calls this.
  void set_draining(bool on) { draining_ = on; }

 private:
  template <class T>
  void emit(const T& e, const IpAddr* host);

  const uint16_t worker_;
  const uint32_t nworkers_;
  rte_ring* const ring_;
  rte_mempool* const pool_;
  EventPathStats& stats_;
  bool draining_ = false;
};

}  // namespace btsensor
