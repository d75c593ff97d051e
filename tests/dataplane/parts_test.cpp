// The dataplane's parts in one process with a small EAL (no hugepages, no devices): EAL
// argument building, the RCU reclaimer, the event ring sink's drop accounting and draining
// mode, the TSC clock.
#include <gtest/gtest.h>
#include <rte_eal.h>
#include <rte_launch.h>
#include <rte_lcore.h>
#include <rte_mempool.h>
#include <rte_ring.h>
#include <sched.h>
#include <time.h>

#include <atomic>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "dataplane/eal.hpp"
#include "dataplane/event_ring_sink.hpp"
#include "dataplane/rcu_reclaimer.hpp"
#include "dataplane/tsan.hpp"
#include "dataplane/tsc_clock.hpp"

namespace btsensor {
namespace {

std::string join(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& a : v) {
    if (!s.empty()) s += ' ';
    s += a;
  }
  return s;
}

TEST(EalArgs, LcoresFromRolesMainLcoreAndNoPci) {
  DataplaneOptions o;
  o.ports = {DpPort{"net_null0", "", 1, "p"}};
  o.rx_lcores = {1};
  o.worker_lcores = {2, 4};
  o.aggregator_lcore = 0;
  o.eal_args = {"--no-huge", "-m", "512"};
  // lcore 0 is taken by the aggregator: the main lcore is the lowest free id, 3.
  EXPECT_EQ(join(build_eal_args(o)),
            "btsensor -l 0,1,2,3,4 --main-lcore 3 --no-pci --no-huge -m 512");
}

TEST(EalArgs, UserLcoresAndBusAddressesWin) {
  DataplaneOptions o;
  o.ports = {DpPort{"0000:3b:00.0", "rxq_cqe_comp_en=0", 4, "p"}, DpPort{"net_null0", "", 1, "q"}};
  o.eal_args = {"--lcores", "0@0,1@1,2@1,3@0"};
  EXPECT_EQ(join(build_eal_args(o)),
            "btsensor -a 0000:3b:00.0,rxq_cqe_comp_en=0 --lcores 0@0,1@1,2@1,3@0");
  o.ports.pop_back();
  o.ports.pop_back();
  o.ports.push_back(DpPort{"net_null0", "", 1, "q"});
  o.eal_args = {"-l", "0-3", "--no-pci"};
  EXPECT_EQ(join(build_eal_args(o)), "btsensor -l 0-3 --no-pci");
  EXPECT_TRUE(is_bus_address("0000:3b:00.0"));
  EXPECT_FALSE(is_bus_address("net_pcap0"));
}

TEST(TscClock, FollowsRealtime) {
  TscClock c;
  c.calibrate();
  timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  Timestamp wall = Timestamp(ts.tv_sec) * kNsPerSec + ts.tv_nsec;
  Timestamp a = c.now();
  EXPECT_LT(std::llabs(a - wall), 50'000'000) << "TSC time more than 50 ms off CLOCK_REALTIME";
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  Timestamp b = c.now();
  EXPECT_GE(b - a, 90'000'000);
  EXPECT_LT(b - a, 400'000'000);  // generous: a loaded CI machine may deschedule us
  EXPECT_EQ(c.cycles(1'000'000'000), c.hz());
}

// A reader lcore that reports quiescence, except while `hold` is set.
struct Reader {
  QsbrReclaimer* rcu;
  std::atomic<bool> hold{false}, stop{false}, holding{false};
};

int reader_main(void* arg) {
  auto& r = *static_cast<Reader*>(arg);
  r.rcu->reader_start(0);
  while (!r.stop.load()) {
    if (r.hold.load()) {
      r.holding.store(true);
      while (r.hold.load()) rte_pause();  // inside a read-side section: no quiescent report
      r.holding.store(false);
    }
    r.rcu->quiescent(0);
    rte_pause();
  }
  r.rcu->reader_stop(0);
  return 0;
}

TEST(QsbrReclaimer, SynchronizeWaitsForTheReader) {
  unsigned lcore = rte_get_next_lcore(-1, 1, 0);
  ASSERT_LT(lcore, unsigned(RTE_MAX_LCORE)) << "needs a second lcore";
  auto rcu = QsbrReclaimer::create(1);
  ASSERT_TRUE(rcu);
  Reader r;
  r.rcu = rcu.get();
  r.hold = true;
  ASSERT_EQ(tsan::launch_lcore(reader_main, &r, lcore), 0);
  while (!r.holding.load()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  // The reader sits in a read-side section for 200 ms: synchronize must not return before.
  std::thread release([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    r.hold = false;
  });
  auto t0 = std::chrono::steady_clock::now();
  rcu->synchronize();
  auto waited = std::chrono::steady_clock::now() - t0;
  release.join();
  EXPECT_GE(waited, std::chrono::milliseconds(150));
  // A reader that keeps reporting lets synchronize return promptly.
  t0 = std::chrono::steady_clock::now();
  rcu->synchronize();
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(2));
  r.stop = true;
  tsan::wait_lcore(lcore);
  // Offline readers are not waited for.
  rcu->synchronize();
}

TEST(EventRingSink, FullRingIsACountedDrop) {
  rte_ring* ring = rte_ring_create("t_ev_full", 64, SOCKET_ID_ANY, RING_F_SP_ENQ | RING_F_SC_DEQ);
  rte_mempool* pool = create_event_pool("t_ev_pool1", 255, 0, SOCKET_ID_ANY);
  ASSERT_TRUE(ring && pool);
  EventPathStats st;
  EventRingSink sink(0, 1, ring, pool, st);
  FlowRecord r;
  for (int i = 0; i < 100; ++i) {
    r.flow_id = uint64_t(i);
    sink.on_flow(r);
  }
  sink.on_learned(LearnedAddress{});
  // A 64-slot rte_ring holds 63: the rest are counted, and their objects went back.
  EXPECT_EQ(st.produced.get(), 100u);
  EXPECT_EQ(st.learned.get(), 1u);
  EXPECT_EQ(st.ring.enqueued.get(), 63u);
  EXPECT_EQ(st.ring.dropped.get(), 38u);
  EXPECT_EQ(st.host_misrouted.get(), 0u);
  EXPECT_EQ(rte_mempool_avail_count(pool), 255u - 63u);
  // The events that made it are intact and in order.
  void* obj = nullptr;
  for (uint64_t i = 0; i < 63; ++i) {
    ASSERT_EQ(rte_ring_sc_dequeue(ring, &obj), 0);
    auto* e = static_cast<DpEvent*>(obj);
    ASSERT_TRUE(std::holds_alternative<FlowRecord>(e->ev));
    EXPECT_EQ(std::get<FlowRecord>(e->ev).flow_id, i);
    rte_mempool_put(pool, obj);
  }
  rte_ring_free(ring);
  rte_mempool_free(pool);
}

TEST(EventRingSink, DrainingWaitsInsteadOfDropping) {
  rte_ring* ring = rte_ring_create("t_ev_drain", 64, SOCKET_ID_ANY, RING_F_SP_ENQ | RING_F_SC_DEQ);
  rte_mempool* pool = create_event_pool("t_ev_pool2", 127, 0, SOCKET_ID_ANY);
  ASSERT_TRUE(ring && pool);
  EventPathStats st;
  EventRingSink sink(0, 1, ring, pool, st);
  sink.set_draining(true);
  constexpr uint64_t kEvents = 2000;  // > 15 × the ring: the producer must wait
  std::atomic<uint64_t> got{0};
  std::atomic<bool> in_order{true};
  std::thread consumer([&] {
    void* obj = nullptr;
    while (got.load() < kEvents) {
      if (rte_ring_sc_dequeue(ring, &obj) != 0) {
        std::this_thread::yield();
        continue;
      }
      auto* e = static_cast<DpEvent*>(obj);
      if (std::get<LabelEvent>(e->ev).ts != Timestamp(got.load())) in_order = false;
      rte_mempool_put(pool, obj);
      got.fetch_add(1);
    }
  });
  LabelEvent l;
  for (uint64_t i = 0; i < kEvents; ++i) {
    l.ts = Timestamp(i);
    sink.on_label(l);
  }
  consumer.join();
  EXPECT_EQ(st.ring.enqueued.get(), kEvents);
  EXPECT_EQ(st.ring.dropped.get(), 0u);
  EXPECT_TRUE(in_order.load());
  rte_ring_free(ring);
  rte_mempool_free(pool);
}

TEST(EventRingSink, CountsEventsOfHostsThatAreNotItsOwn) {
  rte_ring* ring = rte_ring_create("t_ev_route", 64, SOCKET_ID_ANY, RING_F_SP_ENQ | RING_F_SC_DEQ);
  rte_mempool* pool = create_event_pool("t_ev_pool3", 127, 0, SOCKET_ID_ANY);
  ASSERT_TRUE(ring && pool);
  EventPathStats st;
  EventRingSink sink(1, 4, ring, pool, st);  // worker 1 of 4
  unsigned mine = 0, others = 0;
  for (uint32_t i = 0; i < 40; ++i) {
    AlertEvent a;
    a.host = IpAddr::v4(0x0a000000u + i);
    (shard_of(a.host, 4) == 1 ? mine : others)++;
    sink.on_alert(a);
  }
  EXPECT_EQ(st.host_misrouted.get(), others);
  EXPECT_GT(mine, 0u);
  void* obj = nullptr;
  while (rte_ring_sc_dequeue(ring, &obj) == 0) rte_mempool_put(pool, obj);
  rte_ring_free(ring);
  rte_mempool_free(pool);
}

}  // namespace
}  // namespace btsensor

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  // Two lcores floating over the CPUs we may use: the main thread and one reader.
  cpu_set_t set;
  CPU_ZERO(&set);
  sched_getaffinity(0, sizeof(set), &set);
  std::string cpus;
  for (int c = 0; c < CPU_SETSIZE; ++c)
    if (CPU_ISSET(c, &set)) {
      if (!cpus.empty()) cpus += ',';
      cpus += std::to_string(c);
    }
  std::string lcores = std::string("(0-1)@(") + cpus + ")";
  std::vector<std::string> args = {
      "parts_test", "--no-huge",      "--no-shconf", "-m",   "128",
      "--no-pci",   "--no-telemetry", "--lcores",    lcores, "--log-level=lib.eal:warning"};
  std::vector<char*> eal_argv;
  for (auto& a : args) eal_argv.push_back(a.data());
  if (rte_eal_init(int(eal_argv.size()), eal_argv.data()) < 0) {
    std::fprintf(stderr, "EAL init failed\n");
    return 1;
  }
  int rc = RUN_ALL_TESTS();
  rte_eal_cleanup();
  return rc;
}
