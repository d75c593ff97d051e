// The config's `dataplane:` section: values, defaults, and every mistake with its position.
#include <gtest/gtest.h>

#include "control/config.hpp"

namespace btsensor {
namespace {

TEST(DataplaneConfig, AbsentMeansNotPresent) {
  Diagnostics d;
  auto c = parse_config("home_net: [10.0.0.0/8]\n", "c.yaml", d);
  ASSERT_TRUE(c);
  EXPECT_FALSE(c->dataplane.present);
}

TEST(DataplaneConfig, FullSection) {
  Diagnostics d;
  auto c = parse_config(R"(
dataplane:
  ports:
    - {name: net_pcap0, devargs: "rx_pcap=a.pcap,rx_pcap=b.pcap", rx_queues: 2}
    - name: "0000:3b:00.0"
  rx_lcores: [1, 2]
  worker_lcores: [3, 4, 5]
  aggregator_lcore: 6
  mempool_mbufs: 131071
  mbuf_cache: 512
  ring_size: 8192
  event_ring_size: 2048
  output_queue: 65536
  burst: 64
  rx_desc: 2048
  time_source: tsc
  exit_when_idle_ms: 250
  idle_sleep_us: 10
  stats_interval_ms: 500
  test_worker_delay_ns: 1000
)",
                        "c.yaml", d);
  ASSERT_TRUE(c) << (d.lines.empty() ? "" : d.lines[0]);
  const DataplaneConfig& p = c->dataplane;
  EXPECT_TRUE(p.present);
  ASSERT_EQ(p.ports.size(), 2u);
  EXPECT_EQ(p.ports[0].name, "net_pcap0");
  EXPECT_EQ(p.ports[0].devargs, "rx_pcap=a.pcap,rx_pcap=b.pcap");
  EXPECT_EQ(p.ports[0].rx_queues, 2);
  EXPECT_EQ(p.ports[1].name, "0000:3b:00.0");
  EXPECT_EQ(p.ports[1].rx_queues, 1);
  EXPECT_EQ(p.rx_lcores, (std::vector<unsigned>{1, 2}));
  EXPECT_EQ(p.worker_lcores, (std::vector<unsigned>{3, 4, 5}));
  EXPECT_EQ(p.aggregator_lcore, 6u);
  EXPECT_EQ(p.mempool_mbufs, 131071u);
  EXPECT_EQ(p.mbuf_cache, 512u);
  EXPECT_EQ(p.ring_size, 8192u);
  EXPECT_EQ(p.event_ring_size, 2048u);
  EXPECT_EQ(p.output_queue, 65536u);
  EXPECT_EQ(p.burst, 64);
  EXPECT_EQ(p.rx_desc, 2048);
  EXPECT_EQ(p.time_source, TimeSource::kTsc);
  EXPECT_EQ(p.exit_when_idle_ms, 250u);
  EXPECT_EQ(p.idle_sleep_us, 10u);
  EXPECT_EQ(p.stats_interval_ms, 500u);
  EXPECT_EQ(p.test_worker_delay_ns, 1000u);
}

TEST(DataplaneConfig, MinimalSectionKeepsDefaults) {
  Diagnostics d;
  auto c = parse_config("dataplane:\n  ports: [{name: net_null0}]\n", "c.yaml", d);
  ASSERT_TRUE(c) << (d.lines.empty() ? "" : d.lines[0]);
  EXPECT_EQ(c->dataplane.ring_size, DataplaneConfig{}.ring_size);
  EXPECT_EQ(c->dataplane.time_source, TimeSource::kAuto);
  EXPECT_EQ(c->dataplane.worker_lcores, DataplaneConfig{}.worker_lcores);
}

TEST(DataplaneConfig, MistakesAreReportedWithPositions) {
  struct Row {
    const char* text;
    const char* expect;  // substring of the single diagnostic
  };
  const Row rows[] = {
      {"dataplane: 5\n", "c.yaml:1:12: dataplane: expected a mapping"},
      {"dataplane:\n  rx_lcores: [1]\n", "c.yaml:2:3: dataplane.ports: missing"},
      {"dataplane:\n  ports: []\n", "c.yaml:2:10: dataplane.ports: expected a non-empty list"},
      {"dataplane:\n  ports: [{devargs: x}]\n", "dataplane.ports[0].name: expected a device name"},
      {"dataplane:\n  ports: [{name: \"a,b\"}]\n", "must not contain commas"},
      {"dataplane:\n  ports: [{name: a}, {name: a}]\n", "port 'a' is listed twice"},
      {"dataplane:\n  ports: [{name: a, rx_queues: 0}]\n",
       "dataplane.ports[0].rx_queues: value 0 out of range"},
      {"dataplane:\n  ports: [{name: a, speed: 10}]\n", "dataplane.ports[0].speed: unknown key"},
      {"dataplane:\n  ports: [{name: a}]\n  ringsize: 64\n",
       "c.yaml:3:3: dataplane.ringsize: unknown key"},
      {"dataplane:\n  ports: [{name: a}]\n  ring_size: 100\n",
       "c.yaml:3:14: dataplane.ring_size: value 100 must be a power of two"},
      {"dataplane:\n  ports: [{name: a}]\n  event_ring_size: 32\n",
       "dataplane.event_ring_size: value 32 out of range"},
      {"dataplane:\n  ports: [{name: a}]\n  burst: 0\n", "dataplane.burst: value 0 out of range"},
      {"dataplane:\n  ports: [{name: a}]\n  mbuf_cache: 513\n",
       "dataplane.mbuf_cache: value 513 out of range"},
      {"dataplane:\n  ports: [{name: a}]\n  burst: 1024\n",
       "dataplane.burst: value 1024 out of range"},
      {"dataplane:\n  ports: [{name: a}]\n  rx_lcores: []\n",
       "dataplane.rx_lcores: expected a non-empty list"},
      {"dataplane:\n  ports: [{name: a}]\n  worker_lcores: [-1]\n",
       "dataplane.worker_lcores: expected a whole number"},
      {"dataplane:\n  ports: [{name: a}]\n  aggregator_lcore: 1\n",
       "dataplane.aggregator_lcore: lcore 1 is already the rx lcore"},
      {"dataplane:\n  ports: [{name: a}]\n  time_source: ptp\n",
       "c.yaml:3:16: dataplane.time_source: expected auto, packet or tsc, got 'ptp'"},
  };
  for (const Row& r : rows) {
    SCOPED_TRACE(r.text);
    Diagnostics d;
    auto c = parse_config(r.text, "c.yaml", d);
    EXPECT_FALSE(c);
    ASSERT_EQ(d.lines.size(), 1u) << d.lines[0];
    EXPECT_NE(d.lines[0].find(r.expect), std::string::npos) << d.lines[0];
  }
}

}  // namespace
}  // namespace btsensor
