#include <gtest/gtest.h>

#include "control/config.hpp"

namespace btsensor {
namespace {

TEST(Config, EmptyMeansDefaults) {
  Diagnostics d;
  auto c = parse_config("", "empty.yaml", d);
  ASSERT_TRUE(c) << (d.lines.empty() ? "" : d.lines[0]);
  EXPECT_EQ(c->engine.flow_capacity, EngineConfig{}.flow_capacity);
  EXPECT_EQ(c->outputs.eve.path, "-");
}

TEST(Config, FullExample) {
  Diagnostics d;
  auto c = parse_config(R"(
home_net: [10.0.0.0/8, "fd00::/8"]
flows:
  capacity: 1000
  output: bittorrent
  timeouts: {tcp_new: 30, tcp_established: 300, tcp_closed: 0, udp: 60, other: 60}
hosts: {capacity: 4096, label_capacity: 300}
outputs:
  eve: {path: /tmp/eve.json}
  community_id_seed: 7
)",
                        "c.yaml", d);
  ASSERT_TRUE(c) << (d.lines.empty() ? "" : d.lines[0]);
  EXPECT_EQ(c->engine.home_net.nets().size(), 2u);
  EXPECT_EQ(c->engine.flow_capacity, 1000u);
  EXPECT_EQ(c->engine.flow_output, FlowOutput::kBittorrent);
  EXPECT_EQ(c->engine.timeouts.udp, 60 * kNsPerSec);
  EXPECT_EQ(c->engine.timeouts.tcp_closed, 0);
  EXPECT_EQ(c->outputs.eve.path, "/tmp/eve.json");
  EXPECT_EQ(c->outputs.community_id_seed, 7);
  EXPECT_EQ(c->engine.host_capacity, 4096u);
  EXPECT_EQ(c->engine.effective_label_capacity(), 300u);
}

// Label pool size: capacity / 16, at least 1024, never more than the host table.
TEST(Config, LabelCapacityDefaults) {
  EngineConfig e;
  e.host_capacity = 1u << 20;
  EXPECT_EQ(e.effective_label_capacity(), 65536u);
  e.host_capacity = 4096;
  EXPECT_EQ(e.effective_label_capacity(), 1024u);
  e.host_capacity = 100;
  EXPECT_EQ(e.effective_label_capacity(), 100u);
  e.label_capacity = 5000;
  EXPECT_EQ(e.effective_label_capacity(), 100u);
  e.host_capacity = 65536;
  EXPECT_EQ(e.effective_label_capacity(), 5000u);
}

// Every kind of mistake is reported with file:line:col and the key at fault.
TEST(Config, MistakesAreReportedWithPositions) {
  struct Row {
    const char* text;
    const char* expect;  // substring of the single diagnostic
  };
  const Row rows[] = {
      {"home_net: [10.1.2.3/8]\n", "c.yaml:1:12: home_net: host bits set"},
      {"home_net: [banana]\n", "c.yaml:1:12: home_net: not an IP address"},
      {"home_net: []\n", "c.yaml:1:11: home_net: expected a non-empty list"},
      {"homenet: [10.0.0.0/8]\n", "c.yaml:1:1: homenet: unknown key"},
      {"flows:\n  capacity: -5\n", "c.yaml:2:13: flows.capacity: expected a whole number"},
      {"flows:\n  capacity: 99999999999\n",
       "c.yaml:2:13: flows.capacity: value 99999999999 out of range"},
      {"flows:\n  output: some\n", "c.yaml:2:11: flows.output: expected all, bittorrent or none"},
      {"hosts:\n  label_capacity: -1\n",
       "c.yaml:2:19: hosts.label_capacity: expected a whole number"},
      {"hosts:\n  labels: 5\n", "c.yaml:2:3: hosts.labels: unknown key"},
      {"flows:\n  timeouts: {udp: 0}\n", "flows.timeouts.udp: value 0 out of range"},
      {"flows:\n  timeouts: {tcp: 5}\n", "flows.timeouts.tcp: unknown key"},
      {"outputs:\n  community_id_seed: 70000\n",
       "outputs.community_id_seed: value 70000 out of range"},
      {"home_net: [10.0.0.0/8\n", "c.yaml:2:1: YAML syntax error"},
      {"- a\n- b\n", "c.yaml:1:1: (top level): expected a mapping"},
  };
  for (const Row& r : rows) {
    SCOPED_TRACE(r.text);
    Diagnostics d;
    auto c = parse_config(r.text, "c.yaml", d);
    EXPECT_FALSE(c);
    ASSERT_EQ(d.lines.size(), 1u);
    EXPECT_NE(d.lines[0].find(r.expect), std::string::npos) << d.lines[0];
  }
}

TEST(Config, AllProblemsAtOnce) {
  Diagnostics d;
  auto c = parse_config("home_net: [x]\nflows: {capacity: 1}\nbogus: 1\n", "c.yaml", d);
  EXPECT_FALSE(c);
  EXPECT_EQ(d.lines.size(), 3u);
}

TEST(Config, MissingFile) {
  Diagnostics d;
  auto c = load_config("/nonexistent/btsensor.yaml", d);
  EXPECT_FALSE(c);
  ASSERT_EQ(d.lines.size(), 1u);
  EXPECT_NE(d.lines[0].find("/nonexistent/btsensor.yaml: cannot open"), std::string::npos);
}

TEST(Config, HomeNetList) {
  auto h = parse_home_net_list("10.0.0.0/8,fd00::/8");
  ASSERT_TRUE(h);
  EXPECT_EQ(h->nets().size(), 2u);
  EXPECT_FALSE(parse_home_net_list("10.0.0.0/8,"));
  EXPECT_FALSE(parse_home_net_list("nope"));
}

}  // namespace
}  // namespace btsensor
