#include <gtest/gtest.h>

#include "btsensor/home_net.hpp"
#include "support/frames.hpp"

namespace btsensor::test {
namespace {

TEST(Cidr, ParseTable) {
  struct Row {
    const char* text;
    bool ok;
    const char* canonical;
  };
  const Row rows[] = {
      {"10.0.0.0/8", true, "10.0.0.0/8"},
      {"192.168.1.7", true, "192.168.1.7/32"},
      {"0.0.0.0/0", true, "0.0.0.0/0"},
      {"fd00::/8", true, "fd00::/8"},
      {"2001:db8::1", true, "2001:db8::1/128"},
      {"10.1.2.3/8", false, nullptr},  // host bits set
      {"10.0.0.0/33", false, nullptr},
      {"fd00::/129", false, nullptr},
      {"10.0.0.0/", false, nullptr},
      {"10.0.0.0/x", false, nullptr},
      {"10.0.0/8", false, nullptr},
      {"", false, nullptr},
      {"hello", false, nullptr},
  };
  for (const Row& r : rows) {
    SCOPED_TRACE(r.text);
    std::string err;
    auto c = Cidr::parse(r.text, &err);
    ASSERT_EQ(c.has_value(), r.ok) << err;
    if (c) {
      EXPECT_EQ(c->to_string(), r.canonical);
    } else {
      EXPECT_FALSE(err.empty());
    }
  }
}

TEST(Cidr, Contains) {
  auto v4 = *Cidr::parse("172.16.0.0/12");
  EXPECT_TRUE(v4.contains(ip("172.16.0.1")));
  EXPECT_TRUE(v4.contains(ip("172.31.255.255")));
  EXPECT_FALSE(v4.contains(ip("172.32.0.0")));
  EXPECT_FALSE(v4.contains(ip("fd00::1")));
  auto v6 = *Cidr::parse("fe80::/10");
  EXPECT_TRUE(v6.contains(ip("fe80::1")));
  EXPECT_TRUE(v6.contains(ip("febf::1")));
  EXPECT_FALSE(v6.contains(ip("fec0::1")));
  EXPECT_FALSE(v6.contains(ip("10.0.0.1")));
  auto all4 = *Cidr::parse("0.0.0.0/0");
  EXPECT_TRUE(all4.contains(ip("8.8.8.8")));
  EXPECT_FALSE(all4.contains(ip("2001:db8::1")));  // /0 of IPv4 is all of IPv4 only
}

TEST(HomeNet, Defaults) {
  HomeNet h = HomeNet::defaults();
  for (const char* in :
       {"10.1.1.1", "172.20.0.1", "192.168.1.128", "169.254.3.3", "fd12::1", "fe80::2"})
    EXPECT_TRUE(h.contains(ip(in))) << in;
  for (const char* out : {"8.8.8.8", "172.32.0.1", "2001:db8::1", "239.192.152.143", "ff02::1"})
    EXPECT_FALSE(h.contains(ip(out))) << out;
}

TEST(HostKey, Rules) {
  HomeNet h = HomeNet::defaults();
  struct Row {
    const char* src;
    uint16_t sport;
    const char* dst;
    uint16_t dport;
    const char* host;
    bool internal, host_is_src;
  };
  const Row rows[] = {
      {"10.0.0.5", 40000, "203.0.113.1", 443, "10.0.0.5", true, true},   // outbound
      {"203.0.113.1", 443, "10.0.0.5", 40000, "10.0.0.5", true, false},  // inbound
      {"10.0.0.9", 51000, "10.0.0.2", 53, "10.0.0.9", true, true},       // east-west: client side
      {"10.0.0.2", 53, "10.0.0.9", 51000, "10.0.0.9", true, false},
      {"10.0.0.9", 6881, "10.0.0.5", 6881, "10.0.0.5", true, false},  // same ports: lower address
      {"203.0.113.9", 443, "198.51.100.1", 40000, "198.51.100.1", false, false},  // transit
      {"192.168.1.3", 6771, "239.192.152.143", 6771, "192.168.1.3", true, true},  // LSD multicast
  };
  for (const Row& r : rows) {
    SCOPED_TRACE(std::string(r.src) + " -> " + r.dst);
    FiveTuple t{ip(r.src), ip(r.dst), r.sport, r.dport, kProtoUdp};
    HostKey k = host_key(h, t);
    EXPECT_EQ(k.host, ip(r.host));
    EXPECT_EQ(k.internal, r.internal);
    EXPECT_EQ(k.host_is_src, r.host_is_src);
    // Both directions of a flow must pick the same host (and so the same shard).
    FiveTuple rev{t.dst, t.src, t.dport, t.sport, t.proto};
    EXPECT_EQ(host_key(h, rev).host, k.host);
  }
}

TEST(ShardOf, StableInRangeAndSpread) {
  std::vector<int> counts(4, 0);
  for (uint32_t i = 0; i < 4096; ++i) {
    IpAddr a = IpAddr::v4(0x0a000000u + i);
    uint32_t s = shard_of(a, 4);
    ASSERT_LT(s, 4u);
    EXPECT_EQ(s, shard_of(a, 4));
    counts[s]++;
  }
  for (int c : counts) EXPECT_GT(c, 4096 / 4 * 8 / 10);  // within 20% of even
  EXPECT_EQ(shard_of(ip("10.0.0.1"), 1), 0u);
}

}  // namespace
}  // namespace btsensor::test
