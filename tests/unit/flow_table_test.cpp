#include <gtest/gtest.h>

#include <random>
#include <unordered_map>

#include "btsensor/flow_table.hpp"
#include "support/frames.hpp"

namespace btsensor::test {
namespace {

FiveTuple tuple(uint32_t i) {
  return FiveTuple{IpAddr::v4(0x0a000000u + (i % 251)), IpAddr::v4(0xcb007100u + i / 251),
                   uint16_t(1024 + i % 5000), 6881, kProtoTcp};
}

TEST(FlowKey, BothDirectionsSameKey) {
  FiveTuple t{ip("10.0.0.1"), ip("203.0.113.5"), 40000, 6881, kProtoTcp};
  FiveTuple r{t.dst, t.src, t.dport, t.sport, t.proto};
  bool a1, a2;
  EXPECT_EQ(make_flow_key(t, a1), make_flow_key(r, a2));
  EXPECT_NE(a1, a2);
  // Same address pair, ports decide the order.
  FiveTuple same{ip("10.0.0.1"), ip("10.0.0.1"), 2, 1, kProtoUdp};
  bool a3;
  FlowKey k = make_flow_key(same, a3);
  EXPECT_FALSE(a3);
  EXPECT_EQ(k.port_a, 1);
}

TEST(FlowTable, InsertLookupBothDirectionsErase) {
  FlowTable t(64);
  FiveTuple f{ip("10.0.0.1"), ip("203.0.113.5"), 40000, 6881, kProtoTcp};
  bool a;
  FlowKey k = make_flow_key(f, a);
  uint64_t h = hash_flow_key(k);
  EXPECT_EQ(t.find(k, h), FlowTable::kNil);
  uint32_t id = t.insert(k, h);
  ASSERT_NE(id, FlowTable::kNil);
  FiveTuple rev{f.dst, f.src, f.dport, f.sport, f.proto};
  FlowKey rk = make_flow_key(rev, a);
  EXPECT_EQ(t.find(rk, hash_flow_key(rk)), id);
  EXPECT_EQ(t.size(), 1u);
  t.erase(id);
  EXPECT_EQ(t.find(k, h), FlowTable::kNil);
  EXPECT_EQ(t.size(), 0u);
}

TEST(FlowTable, FullTableRefusesInsert) {
  FlowTable t(16);
  for (uint32_t i = 0; i < 16; ++i) {
    bool a;
    FlowKey k = make_flow_key(tuple(i), a);
    ASSERT_NE(t.insert(k, hash_flow_key(k)), FlowTable::kNil);
  }
  bool a;
  FlowKey k = make_flow_key(tuple(99), a);
  EXPECT_EQ(t.insert(k, hash_flow_key(k)), FlowTable::kNil);
}

// Random inserts and erases against a reference map: backward-shift deletion must keep
// every remaining key reachable.
TEST(FlowTable, RandomChurnMatchesReference) {
  FlowTable t(1000);
  std::unordered_map<uint32_t, uint32_t> ref;  // tuple index → handle
  std::mt19937 rng(7);
  for (int step = 0; step < 200000; ++step) {
    uint32_t i = rng() % 3000;
    bool a;
    FlowKey k = make_flow_key(tuple(i), a);
    uint64_t h = hash_flow_key(k);
    uint32_t found = t.find(k, h);
    auto it = ref.find(i);
    ASSERT_EQ(found != FlowTable::kNil, it != ref.end()) << "step " << step;
    if (it != ref.end()) {
      ASSERT_EQ(found, it->second);
      t.erase(found);
      ref.erase(it);
    } else if (ref.size() < 1000) {
      uint32_t id = t.insert(k, h);
      ASSERT_NE(id, FlowTable::kNil);
      ref[i] = id;
    }
    ASSERT_EQ(t.size(), ref.size());
  }
}

}  // namespace
}  // namespace btsensor::test
