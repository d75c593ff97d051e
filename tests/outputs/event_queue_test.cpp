#include "outputs/event_queue.hpp"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

#include "outputs/async_writer.hpp"
#include "outputs/fake_sink.hpp"
#include "outputs/reopen_signal.hpp"
#include "support/sample_events.hpp"

namespace btsensor::test {
namespace {

using namespace std::chrono_literals;

TEST(BoundedQueue, FifoAndFull) {
  BoundedQueue<int> q(5);
  EXPECT_EQ(q.capacity(), 8u);  // rounded up to a power of two
  for (int i = 0; i < 8; ++i) EXPECT_TRUE(q.try_push(i));
  EXPECT_FALSE(q.try_push(99));  // full: the caller counts the drop
  int v;
  for (int i = 0; i < 8; ++i) {
    ASSERT_TRUE(q.try_pop(v));
    EXPECT_EQ(v, i);
  }
  EXPECT_FALSE(q.try_pop(v));
  // Wraps around: positions past the first lap reuse the slots.
  for (int lap = 0; lap < 3; ++lap) {
    for (int i = 0; i < 8; ++i) EXPECT_TRUE(q.try_push(lap * 8 + i));
    for (int i = 0; i < 8; ++i) {
      ASSERT_TRUE(q.try_pop(v));
      EXPECT_EQ(v, lap * 8 + i);
    }
  }
}

// Several producers, one consumer: every accepted value arrives exactly once, and
// accepted + refused == attempted.
TEST(BoundedQueue, ManyProducersNothingLostSilently) {
  BoundedQueue<uint32_t> q(64);
  constexpr int kProducers = 3, kPerProducer = 20000;
  std::atomic<int> refused{0};
  std::atomic<bool> done{false};
  std::vector<int> seen(kProducers * kPerProducer, 0);
  std::thread consumer([&] {
    uint32_t v;
    for (;;) {
      bool finished = done.load();
      bool any = false;
      while (q.try_pop(v)) {
        ++seen[v];
        any = true;
      }
      if (!any && finished) break;
    }
  });
  std::vector<std::thread> producers;
  for (int p = 0; p < kProducers; ++p)
    producers.emplace_back([&, p] {
      for (int i = 0; i < kPerProducer; ++i)
        if (!q.try_push(uint32_t(p * kPerProducer + i))) ++refused;
    });
  for (auto& t : producers) t.join();
  done.store(true);
  consumer.join();
  int accepted = 0;
  for (int c : seen) {
    EXPECT_LE(c, 1);
    accepted += c;
  }
  EXPECT_EQ(accepted + refused.load(), kProducers * kPerProducer);
}

// A stalled sink fills the queue; every event that does not fit is counted as dropped, and
// the rest is written once the sink recovers.
TEST(AsyncWriter, QueueFullIsCountedAsDropped) {
  FakeSinkState st;
  st.hold = true;
  WriterOptions wo;
  wo.queue = 16;
  wo.idle_sleep = 1ms;
  AsyncWriter w("eve", std::make_unique<FakeSink>(st), wo);
  w.on_flow(sample_flow());
  // Wait until the writer holds that first event inside the sink: the queue is now empty
  // and exactly 16 more fit.
  for (int i = 0; i < 5000 && !st.holding.load(); ++i) std::this_thread::sleep_for(1ms);
  ASSERT_TRUE(st.holding.load());
  for (int i = 0; i < 100; ++i) w.on_label(sample_label());
  st.hold = false;
  ASSERT_TRUE(w.drain(10s));
  EXPECT_EQ(w.stats().written.get(), 17u);
  EXPECT_EQ(w.stats().dropped.get(), 84u);
  EXPECT_EQ(w.stats().errors.get(), 0u);
  // The sensor keeps going: later events are written again.
  w.on_alert(sample_alert());
  ASSERT_TRUE(w.drain(10s));
  EXPECT_EQ(w.stats().written.get(), 18u);
  w.stop();
  std::lock_guard lock(st.mu);
  ASSERT_EQ(st.types.size(), 18u);
  EXPECT_EQ(st.types.front(), "flow");
  EXPECT_EQ(st.types[1], "label");
  EXPECT_EQ(st.types.back(), "alert");
}

// Replay's policy: wait for room instead of dropping.
TEST(AsyncWriter, WaitPolicyLosesNothing) {
  FakeSinkState st;
  WriterOptions wo;
  wo.queue = 16;
  wo.on_full = QueueFull::kWait;
  wo.idle_sleep = 1ms;
  AsyncWriter w("eve", std::make_unique<FakeSink>(st), wo);
  for (int i = 0; i < 2000; ++i) w.on_flow(sample_flow());
  w.stop();
  EXPECT_EQ(w.stats().written.get(), 2000u);
  EXPECT_EQ(w.stats().dropped.get(), 0u);
}

TEST(AsyncWriter, StopWritesEverythingQueued) {
  FakeSinkState st;
  WriterOptions wo;
  wo.queue = 4096;
  AsyncWriter w("eve", std::make_unique<FakeSink>(st), wo);
  for (int i = 0; i < 3000; ++i) w.on_flow(sample_flow());
  w.stop();
  EXPECT_EQ(w.stats().written.get(), 3000u);
  EXPECT_EQ(st.lines.size(), 3000u);
}

TEST(AsyncWriter, ReopenOnRequestAndOnSighupGeneration) {
  FakeSinkState st;
  WriterOptions wo;
  wo.idle_sleep = 1ms;
  AsyncWriter w("eve", std::make_unique<FakeSink>(st), wo);
  w.request_reopen();
  for (int i = 0; i < 5000 && st.reopens.load() < 1; ++i) std::this_thread::sleep_for(1ms);
  EXPECT_EQ(st.reopens.load(), 1);
  request_reopen_all();  // what the SIGHUP handler does
  for (int i = 0; i < 5000 && st.reopens.load() < 2; ++i) std::this_thread::sleep_for(1ms);
  EXPECT_EQ(st.reopens.load(), 2);
}

}  // namespace
}  // namespace btsensor::test
