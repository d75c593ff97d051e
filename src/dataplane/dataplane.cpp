#include "dataplane/dataplane.hpp"

#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_ethdev.h>
#include <rte_launch.h>
#include <rte_lcore.h>
#include <rte_mbuf.h>
#include <rte_mbuf_dyn.h>
#include <rte_mempool.h>
#include <rte_ring.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <thread>

#include "dataplane/aggregator.hpp"
#include "dataplane/eal.hpp"
#include "dataplane/event_ring_sink.hpp"
#include "dataplane/packet_time.hpp"
#include "dataplane/ports.hpp"
#include "dataplane/rcu_reclaimer.hpp"
#include "dataplane/rx_lcore.hpp"
#include "dataplane/tsan.hpp"
#include "dataplane/worker_lcore.hpp"

namespace btsensor {

struct Dataplane::Impl {
  // Declared first, destroyed last: everything below is DPDK memory or DPDK devices.
  std::unique_ptr<EalSession> eal;
  DataplaneOptions opt;
  EngineConfig engine;  // the shards keep a reference
  PortSet ports;
  const SharedTables* shared = nullptr;  // cp: publishes, dp: ro through the shards
  PacketTime time;
  rte_mempool* mbufs = nullptr;
  rte_mempool* events = nullptr;
  std::vector<rte_ring*> rings;  // every ring, for freeing
  rte_ring* out_queue = nullptr;
  std::unique_ptr<QsbrReclaimer> rcu;
  std::vector<std::unique_ptr<RxContext>> rx;
  std::vector<std::unique_ptr<WorkerContext>> workers;
  std::unique_ptr<AggregatorContext> agg;
  // cp: wo. stop_rx: the RX lcores leave their loop. stopping: the aggregator waits for
  // room in the output queue instead of dropping (the final flush must not lose events).
  std::atomic<bool> stop_rx{false};
  std::atomic<bool> stopping{false};
  // NUMA node for packet memory (pool, rings, events): the first port's, so that a NIC on
  // node 1 is served from node-1 memory even though the main lcore (which creates them)
  // may sit on node 0. SOCKET_ID_ANY for vdevs.
  int data_socket = SOCKET_ID_ANY;

  ~Impl() {
    // Lcores are stopped (run() waits for them) or never launched. Order: the shards (they
    // hold sinks pointing into rings), then ports (their queues hold mbufs), rings, pools.
    workers.clear();
    rx.clear();
    agg.reset();
    rcu.reset();
    ports.stop();
    for (rte_ring* r : rings) rte_ring_free(r);
    if (events) rte_mempool_free(events);
    if (mbufs) rte_mempool_free(mbufs);
  }

  Result<bool> setup();
  Result<bool> check_lcores();
  rte_ring* ring(const std::string& name, uint32_t size) {
    // Single producer, single consumer: each ring joins exactly two lcores.
    rte_ring* r = rte_ring_create(name.c_str(), size, data_socket, RING_F_SP_ENQ | RING_F_SC_DEQ);
    if (r) rings.push_back(r);
    return r;
  }
};

namespace {

std::string lcore_list_text() {
  std::string s;
  unsigned id;
  RTE_LCORE_FOREACH(id) {
    if (!s.empty()) s += ',';
    s += std::to_string(id);
  }
  return s;
}

std::string rte_err() {
  return rte_strerror(rte_errno);
}

}  // namespace

Result<bool> Dataplane::Impl::check_lcores() {
  const unsigned main = rte_get_main_lcore();
  auto check = [&](unsigned id, const char* key) -> Result<bool> {
    if (id >= RTE_MAX_LCORE || !rte_lcore_is_enabled(id))
      return Error{std::string("dataplane.") + key + ": lcore " + std::to_string(id) +
                   " is not enabled by the EAL (enabled: " + lcore_list_text() +
                   "; map lcores to CPUs with -- --lcores, e.g. --lcores 0@0,1@1,2@1,3@0)"};
    if (id == main)
      return Error{std::string("dataplane.") + key + ": lcore " + std::to_string(id) +
                   " is the EAL main lcore, which runs the control thread (choose another, "
                   "or --main-lcore)"};
    return true;
  };
  for (unsigned id : opt.rx_lcores)
    if (auto r = check(id, "rx_lcores"); !r) return r;
  for (unsigned id : opt.worker_lcores)
    if (auto r = check(id, "worker_lcores"); !r) return r;
  return check(opt.aggregator_lcore, "aggregator_lcore");
}

Result<bool> Dataplane::Impl::setup() {
  if (auto r = check_lcores(); !r) return r;
  const uint32_t nrx = uint32_t(opt.rx_lcores.size());
  const uint32_t nw = uint32_t(opt.worker_lcores.size());
  if (opt.burst == 0 || opt.burst > kMaxBurst)
    return Error{"dataplane.burst: must be in [1, " + std::to_string(kMaxBurst) + "]"};

  // The RX timestamp dynfield: registered here so its offset is known whatever the PMDs do
  // (net_pcap registers the same one; registration is idempotent).
  if (rte_mbuf_dyn_rx_timestamp_register(&time.ts_offset, &time.ts_flag) != 0)
    return Error{"cannot register the mbuf RX timestamp field: " + rte_err()};

  if (auto r = ports.attach(opt.ports); !r) return r;
  if (!ports.ports().empty()) data_socket = rte_eth_dev_socket_id(ports.ports().front().port_id);
  if (data_socket < 0) data_socket = SOCKET_ID_ANY;

  // Time source. auto = packet time when every port replays a capture file (what replay
  // does with the same file), TSC otherwise.
  bool all_files = true;
  for (const auto& p : ports.ports()) all_files = all_files && p.replays_file;
  time.packet_mode = opt.time_source == DpTimeSource::kPacket ||
                     (opt.time_source == DpTimeSource::kAuto && all_files);

  // Every mbuf that can be parked somewhere at once: RX descriptors, packet ring slots, the
  // per-lcore caches (a cache may hold up to 1.5 × its size before flushing), and one burst
  // in flight per RX lcore and per worker.
  uint64_t descs = ports.rx_descriptors(opt.rx_desc);
  uint64_t ring_slots = uint64_t(nrx) * nw * opt.ring_size;
  uint64_t caches = uint64_t(nrx + nw + 1) * opt.mbuf_cache * 3 / 2;
  uint64_t in_flight = uint64_t(nrx + nw) * opt.burst;
  uint64_t need = descs + ring_slots + caches + in_flight;
  if (opt.mempool_mbufs < need)
    return Error{"dataplane.mempool_mbufs: " + std::to_string(opt.mempool_mbufs) +
                 " is too small: RX descriptors " + std::to_string(descs) + " + packet rings " +
                 std::to_string(nrx) + "x" + std::to_string(nw) + "x" +
                 std::to_string(opt.ring_size) + " + lcore caches " + std::to_string(caches) +
                 " + bursts " + std::to_string(in_flight) + " need at least " +
                 std::to_string(need)};
  mbufs = rte_pktmbuf_pool_create("bts_mbufs", opt.mempool_mbufs, opt.mbuf_cache, 0,
                                  RTE_MBUF_DEFAULT_BUF_SIZE, data_socket);
  if (!mbufs)
    return Error{"dataplane.mempool_mbufs: cannot create a pool of " +
                 std::to_string(opt.mempool_mbufs) + " mbufs: " + rte_err() +
                 " (give the EAL more memory: -m MB, or hugepages)"};

  if (auto r = ports.start(mbufs, opt.rx_desc, time.packet_mode); !r) return r;
  for (const auto& p : ports.ports()) {
    // net_pcap stamps in microseconds (see packet_time.hpp); NIC stamps are taken as ns.
    uint32_t scale = p.replays_file ? 1000 : p.hw_timestamp ? 1 : 0;
    if (p.port_id < time.scale.size()) time.scale[p.port_id] = scale;
  }
  time.clock.calibrate();

  // Events: every slot of every event ring and of the output queue, the lcore caches, and
  // one in the hands of each worker and of the writer.
  constexpr unsigned kEventCache = 32;
  const uint64_t nevents = uint64_t(nw) * opt.event_ring_size + opt.output_queue +
                           uint64_t(nw + 2) * kEventCache * 3 / 2 + nw + 2;
  events = create_event_pool("bts_events", unsigned(nevents), kEventCache, data_socket);
  if (!events)
    return Error{"cannot create the event pool (" + std::to_string(nevents) + " x " +
                 std::to_string(sizeof(DpEvent)) + " bytes): " + rte_err() +
                 " (lower dataplane.event_ring_size/output_queue or give the EAL more memory)"};
  out_queue = ring("bts_out", opt.output_queue);
  if (!out_queue) return Error{"dataplane.output_queue: cannot create the queue: " + rte_err()};

  rcu = QsbrReclaimer::create(nw + 1);  // readers: the workers, then the aggregator
  if (!rcu) return Error{"cannot create the RCU state: " + rte_err()};

  // RX lcores and the queues they poll: round-robin over every (port, queue).
  for (uint32_t i = 0; i < nrx; ++i) {
    auto c = std::make_unique<RxContext>();
    c->lcore = opt.rx_lcores[i];
    c->index = i;
    c->home = &engine.home_net;
    c->nworkers = nw;
    c->burst = opt.burst;
    c->idle_sleep_us = opt.idle_sleep_us;
    c->test_gap_us = opt.test_rx_gap_us;
    c->time = &time;
    c->stop = &stop_rx;
    c->lcore_stats.role = "rx";
    c->lcore_stats.lcore_id = c->lcore;
    for (uint32_t w = 0; w < nw; ++w) {
      rte_ring* r = ring(std::string("bts_pkt_r") + std::to_string(i) + "w" + std::to_string(w),
                         opt.ring_size);
      if (!r) return Error{"dataplane.ring_size: cannot create a packet ring: " + rte_err()};
      c->rings.push_back(r);
      c->ring_stats.push_back(std::make_unique<RingStats>());
      c->buckets.emplace_back(opt.burst);
    }
    rx.push_back(std::move(c));
  }
  size_t k = 0;
  for (auto& p : ports.ports())
    for (uint16_t q = 0; q < p.cfg.rx_queues; ++q, ++k)
      rx[k % nrx]->queues.push_back(RxQueueRef{p.port_id, q, p.stats->queues[q].get()});
  if (k < nrx)
    return Error{"dataplane.rx_lcores: " + std::to_string(nrx) + " RX lcores but only " +
                 std::to_string(k) + " RX queue(s) in all: lcore " +
                 std::to_string(opt.rx_lcores[k]) + " would have nothing to poll"};

  for (uint32_t w = 0; w < nw; ++w) {
    auto c = std::make_unique<WorkerContext>();
    c->lcore = opt.worker_lcores[w];
    c->index = uint16_t(w);
    for (auto& r : rx) {
      c->rings.push_back(r->rings[w]);
      c->rx.push_back(r.get());
    }
    rte_ring* ev = ring(std::string("bts_ev_w") + std::to_string(w), opt.event_ring_size);
    if (!ev) return Error{"dataplane.event_ring_size: cannot create an event ring: " + rte_err()};
    c->event_ring = ev;
    c->sink = std::make_unique<EventRingSink>(uint16_t(w), nw, ev, events, c->events);
    c->shard = std::make_unique<Shard>(engine, *c->sink, shared, w);
    c->rcu = rcu.get();
    c->time = &time;
    c->burst = opt.burst;
    c->idle_sleep_us = opt.idle_sleep_us;
    c->test_delay_cycles = time.clock.cycles(opt.test_worker_delay_ns);
    c->lcore_stats.role = "worker";
    c->lcore_stats.lcore_id = c->lcore;
    workers.push_back(std::move(c));
  }

  agg = std::make_unique<AggregatorContext>();
  agg->lcore = opt.aggregator_lcore;
  for (auto& w : workers) {
    agg->workers.push_back(w.get());
    agg->event_rings.push_back(w->event_ring);
  }
  agg->out = out_queue;
  agg->pool = events;
  agg->stopping = &stopping;
  agg->shared = shared;
  agg->rcu = rcu.get();
  agg->rcu_id = nw;
  agg->lcore_stats.role = "aggregator";
  agg->lcore_stats.lcore_id = agg->lcore;
  return true;
}

Dataplane::Dataplane(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Dataplane::~Dataplane() = default;

Result<std::unique_ptr<Dataplane>> Dataplane::create(const DataplaneOptions& opt,
                                                     const EngineConfig& engine,
                                                     const SharedTables* shared) {
  if (opt.ports.empty()) return Error{"dataplane.ports: no port configured"};
  if (opt.rx_lcores.empty() || opt.worker_lcores.empty())
    return Error{"dataplane: needs at least one RX lcore and one worker lcore"};
  if (auto r = precheck_ports(opt.ports); !r) return Error{r.error()};
  auto impl = std::make_unique<Impl>();
  impl->opt = opt;
  impl->engine = engine;
  impl->shared = shared;
  auto eal = EalSession::init(build_eal_args(opt));
  if (!eal) return Error{eal.error()};
  impl->eal = std::move(*eal);
  if (auto r = impl->setup(); !r) return Error{r.error()};
  return std::unique_ptr<Dataplane>(new Dataplane(std::move(impl)));
}

Reclaimer& Dataplane::reclaimer() {
  return *impl_->rcu;
}

Dataplane::StatsView Dataplane::stats_view() const {
  StatsView v;
  for (auto& w : impl_->workers) v.shards.push_back(w->shard.get());
  for (auto& p : impl_->ports.ports()) v.ports.push_back(p.stats.get());
  for (auto& r : impl_->rx)
    for (auto& rs : r->ring_stats) v.rings.push_back(rs.get());
  for (auto& r : impl_->rx) v.lcores.push_back(&r->lcore_stats);
  for (auto& w : impl_->workers) v.lcores.push_back(&w->lcore_stats);
  v.lcores.push_back(&impl_->agg->lcore_stats);
  v.exclusions = &impl_->agg->gate.filter.stats();
  return v;
}

std::vector<Shard*> Dataplane::shards() {
  std::vector<Shard*> v;
  for (auto& w : impl_->workers) v.push_back(w->shard.get());
  return v;
}

std::vector<ShardMailbox*> Dataplane::mailboxes() {
  std::vector<ShardMailbox*> v;
  for (auto& w : impl_->workers) v.push_back(&w->mailbox);
  return v;
}

DataplaneTotals Dataplane::run(EventSink& out, OutputStats& out_stats,
                               const std::atomic<bool>& stop, ControlLoop* control) {
  using Clock = std::chrono::steady_clock;
  Impl& m = *impl_;
  DataplaneTotals t;
  t.time_source = m.time.packet_mode ? "packet" : "tsc";
  m.agg->output = &out_stats;

  // Consumers first, so that nothing is produced for an lcore that is not yet running.
  // Launching cannot fail here: setup() checked that every role lcore is an enabled worker
  // lcore of the EAL, used once, and nothing else has launched on them.
  const auto t0 = Clock::now();
  auto launch = [](lcore_function_t* fn, void* arg, unsigned lcore) {
    if (tsan::launch_lcore(fn, arg, lcore) != 0) {
      std::fprintf(stderr, "btsensor run: internal error: cannot launch lcore %u\n", lcore);
      std::abort();
    }
  };
  launch(aggregator_lcore_main, m.agg.get(), m.agg->lcore);
  for (auto& w : m.workers) launch(worker_lcore_main, w.get(), w->lcore);
  for (auto& r : m.rx) launch(rx_lcore_main, r.get(), r->lcore);

  auto rx_total = [&] {
    uint64_t n = 0;
    for (auto& r : m.rx)
      for (auto& q : r->queues) n += q.stats->packets.get();
    return n;
  };
  const auto idle_limit = std::chrono::milliseconds(m.opt.exit_when_idle_ms);
  const auto stats_period = std::chrono::milliseconds(m.opt.stats_interval_ms);
  auto last_stats = t0, last_progress = t0, first_rx = t0, last_rx = t0;
  uint64_t seen = 0;
  bool stopping = false;
  // "Running" once every role lcore has entered its function (the service manager's READY).
  std::vector<unsigned> roles;
  for (auto& r : m.rx) roles.push_back(r->lcore);
  for (auto& w : m.workers) roles.push_back(w->lcore);
  roles.push_back(m.agg->lcore);
  bool announced = control == nullptr;
  while (true) {
    const unsigned n = drain_output(m.out_queue, m.events, out, out_stats, 8192);
    const auto now = Clock::now();
    if (!announced) {
      bool all = true;
      for (unsigned id : roles) all = all && rte_eal_get_lcore_state(id) != WAIT;
      if (all) {
        announced = true;
        control->running();
      }
    }
    if (control && !stopping) control->tick();
    if (now - last_stats >= stats_period) {
      m.ports.poll_stats();
      last_stats = now;
    }
    if (uint64_t total = rx_total(); total != seen) {
      if (seen == 0) first_rx = now;
      seen = total;
      last_rx = last_progress = now;
    }
    if (!stopping) {
      if (stop.load(std::memory_order_relaxed)) {
        t.stop_reason = "signal";
      } else if (m.opt.exit_when_idle_ms && now - last_progress >= idle_limit) {
        t.stop_reason = "idle";
      }
      if (!t.stop_reason.empty()) {
        stopping = true;
        if (control) control->stopping();
        m.stopping.store(true, std::memory_order_relaxed);
        m.stop_rx.store(true, std::memory_order_relaxed);
      }
    } else if (m.agg->done.get()) {
      // Acquire: the aggregator's last enqueues are visible; empty the queue and finish.
      while (drain_output(m.out_queue, m.events, out, out_stats, 8192) != 0) {
      }
      break;
    }
    if (n == 0) std::this_thread::sleep_for(std::chrono::microseconds(500));
  }
  tsan::wait_all_lcores();
  t.seconds = std::chrono::duration<double>(Clock::now() - t0).count();
  t.active_seconds = std::chrono::duration<double>(last_rx - first_rx).count();
  m.ports.poll_stats();

  for (const auto& p : m.ports.ports()) {
    t.ports.push_back(p.stats.get());
    for (const auto& q : p.stats->queues) {
      t.rx_packets += q->packets.get();
      t.rx_bytes += q->bytes.get();
    }
  }
  for (auto& r : m.rx) t.lcores.push_back(&r->lcore_stats);
  for (uint32_t w = 0; w < m.workers.size(); ++w) {
    const WorkerContext& c = *m.workers[w];
    WorkerTotals wt;
    wt.lcore = c.lcore;
    wt.packets = c.stats.packets.get();
    for (auto& r : m.rx) {
      wt.ring_dropped += r->ring_stats[w]->dropped.get();
      t.ring_enqueued += r->ring_stats[w]->enqueued.get();
    }
    wt.multi_seg = c.stats.multi_seg.get();
    wt.ts_fallback = c.stats.ts_fallback.get();
    wt.events = c.events.produced.get();
    wt.events_dropped = c.events.ring.dropped.get();
    wt.host_misrouted = c.events.host_misrouted.get();
    wt.flows = c.shard->stats().flows_created.get();
    uint64_t total = c.lcore_stats.total_cycles.get();
    wt.busy = total ? double(c.lcore_stats.busy_cycles.get()) / double(total) : 0;
    t.worker_packets += wt.packets;
    t.ring_dropped += wt.ring_dropped;
    t.multi_seg += wt.multi_seg;
    t.ts_fallback += wt.ts_fallback;
    t.host_misrouted += wt.host_misrouted;
    t.events_produced += wt.events;
    t.events_dropped_worker += wt.events_dropped;
    t.learned += c.events.learned.get();
    t.lcores.push_back(&c.lcore_stats);
    t.workers.push_back(wt);
  }
  t.lcores.push_back(&m.agg->lcore_stats);
  t.events_suppressed = m.agg->gate.suppressed.get();
  t.events_dropped_output = out_stats.dropped.get();
  t.events_handed = out_stats.written.get();
  return t;
}

}  // namespace btsensor
