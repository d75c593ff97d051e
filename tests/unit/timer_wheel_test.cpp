#include <gtest/gtest.h>

#include <map>
#include <random>

#include "btsensor/timer_wheel.hpp"

namespace btsensor {
namespace {

constexpr Timestamp S = kNsPerSec;
constexpr Timestamp kEpoch = 1'700'000'000 * S;

TEST(TimerWheel, FiresAtDeadlineNotBefore) {
  TimerWheel w(8, S);
  w.start(kEpoch);
  w.schedule(1, kEpoch + 30 * S);
  std::vector<uint32_t> fired;
  auto f = [&](uint32_t h) { fired.push_back(h); };
  EXPECT_EQ(w.advance(kEpoch + 29 * S, 100, f), 0u);
  EXPECT_EQ(w.advance(kEpoch + 30 * S - 1, 100, f), 0u);
  EXPECT_EQ(w.advance(kEpoch + 30 * S, 100, f), 1u);
  EXPECT_EQ(fired, std::vector<uint32_t>{1});
  EXPECT_FALSE(w.armed(1));
}

TEST(TimerWheel, LongDeadlinesCascadeExactly) {
  // 30 min label TTL, 10 min flow timeouts, a day, and beyond the wheel's 194-day range.
  TimerWheel w(8, S);
  w.start(kEpoch);
  const Timestamp deadlines[] = {1800 * S, 600 * S, 86400 * S, 64 * S, 4096 * S, 300ll * 86400 * S};
  for (uint32_t i = 0; i < 6; ++i) w.schedule(i, kEpoch + deadlines[i]);
  std::map<uint32_t, Timestamp> when;
  for (Timestamp t = kEpoch; t <= kEpoch + 301ll * 86400 * S; t += 7 * S)
    w.advance(t, 100, [&](uint32_t h) { when[h] = t; });
  ASSERT_EQ(when.size(), 6u);
  for (uint32_t i = 0; i < 6; ++i) {
    EXPECT_GE(when[i], kEpoch + deadlines[i]) << i;
    EXPECT_LT(when[i], kEpoch + deadlines[i] + 7 * S)
        << i;  // fired at the first advance ≥ deadline
  }
}

TEST(TimerWheel, BudgetBoundsWorkAndResumes) {
  TimerWheel w(1000, S);
  w.start(kEpoch);
  for (uint32_t i = 0; i < 1000; ++i) w.schedule(i, kEpoch + 10 * S);
  int n = 0;
  auto f = [&](uint32_t) { ++n; };
  EXPECT_EQ(w.advance(kEpoch + 10 * S, 300, f), 300u);
  EXPECT_EQ(w.advance(kEpoch + 10 * S, 300, f), 300u);
  EXPECT_EQ(w.advance(kEpoch + 11 * S, 1000, f), 400u);
  EXPECT_EQ(n, 1000);
  EXPECT_EQ(w.size(), 0u);
}

TEST(TimerWheel, RescheduleAndCancel) {
  TimerWheel w(4, S);
  w.start(kEpoch);
  w.schedule(0, kEpoch + 5 * S);
  w.schedule(0, kEpoch + 50 * S);  // re-arm later
  w.schedule(1, kEpoch + 5 * S);
  w.cancel(1);
  int n = 0;
  w.advance(kEpoch + 49 * S, 10, [&](uint32_t) { ++n; });
  EXPECT_EQ(n, 0);
  w.advance(kEpoch + 50 * S, 10, [&](uint32_t) { ++n; });
  EXPECT_EQ(n, 1);
}

TEST(TimerWheel, EarliestIsTheNextToFire) {
  TimerWheel w(4, S);
  w.start(kEpoch);
  EXPECT_EQ(w.earliest(), TimerWheel::kNil);
  w.schedule(0, kEpoch + 5000 * S);
  w.schedule(1, kEpoch + 20 * S);
  w.schedule(2, kEpoch + 300 * S);
  EXPECT_EQ(w.earliest(), 1u);
}

TEST(TimerWheel, RandomAgainstReference) {
  std::mt19937_64 rng(42);
  TimerWheel w(500, S);
  w.start(kEpoch);
  std::map<uint32_t, Timestamp> ref;
  Timestamp now = kEpoch;
  for (int step = 0; step < 20000; ++step) {
    uint32_t h = uint32_t(rng() % 500);
    Timestamp d = now + Timestamp(rng() % 5000) * S / 3;
    w.schedule(h, d);
    ref[h] = d;
    now += Timestamp(rng() % 4) * S;
    w.advance(now, 1u << 30, [&](uint32_t fired) {
      ASSERT_TRUE(ref.count(fired));
      ASSERT_LE(ref[fired], now);
      ref.erase(fired);
    });
    for (auto& [hh, dd] : ref) ASSERT_GT(dd, now) << "overdue handle " << hh;
  }
}

}  // namespace
}  // namespace btsensor
