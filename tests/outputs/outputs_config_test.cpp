#include <gtest/gtest.h>

#include "control/config.hpp"

namespace btsensor {
namespace {

TEST(OutputsConfig, Defaults) {
  Diagnostics d;
  auto c = parse_config("", "c.yaml", d);
  ASSERT_TRUE(c);
  EXPECT_TRUE(c->outputs.eve.enabled);
  EXPECT_EQ(c->outputs.eve.path, "-");
  EXPECT_EQ(c->outputs.eve.fsync, FsyncPolicy::kInterval);
  EXPECT_FALSE(c->outputs.syslog.enabled);
  EXPECT_EQ(c->outputs.metrics.listen, "127.0.0.1:9100");
}

TEST(OutputsConfig, FullExample) {
  Diagnostics d;
  auto c = parse_config(R"(
outputs:
  community_id_seed: 3
  eve:
    enabled: true
    path: /var/log/btsensor/eve.json
    fsync: always
    fsync_interval: 5
    queue: 1024
  syslog:
    enabled: yes
    transport: tcp
    address: "[::1]:6514"
    framing: newline
    facility: local3
    severity: notice
    app_name: bts
    hostname: sensor-7
    queue: 2048
    reconnect_max: 10
    send_timeout: 2
  metrics:
    listen: "0.0.0.0:9200"
)",
                        "c.yaml", d);
  ASSERT_TRUE(c) << (d.lines.empty() ? "" : d.lines[0]);
  const OutputsConfig& o = c->outputs;
  EXPECT_EQ(o.community_id_seed, 3);
  EXPECT_EQ(o.eve.path, "/var/log/btsensor/eve.json");
  EXPECT_EQ(o.eve.fsync, FsyncPolicy::kAlways);
  EXPECT_EQ(o.eve.fsync_interval_ms, 5000u);
  EXPECT_EQ(o.eve.queue, 1024u);
  EXPECT_TRUE(o.syslog.enabled);
  EXPECT_EQ(o.syslog.transport, SyslogTransport::kTcp);
  EXPECT_EQ(o.syslog.address, "[::1]:6514");
  EXPECT_EQ(o.syslog.framing, SyslogFraming::kNewline);
  EXPECT_EQ(o.syslog.facility, 19);
  EXPECT_EQ(o.syslog.severity, 5);
  EXPECT_EQ(o.syslog.app_name, "bts");
  EXPECT_EQ(o.syslog.hostname, "sensor-7");
  EXPECT_EQ(o.syslog.reconnect_max_ms, 10000u);
  EXPECT_EQ(o.syslog.send_timeout_ms, 2000u);
  EXPECT_EQ(o.metrics.listen, "0.0.0.0:9200");
}

TEST(OutputsConfig, MistakesAreReportedWithPositions) {
  struct Row {
    const char* text;
    const char* expect;
  };
  const Row rows[] = {
      {"outputs:\n  eve:\n    fsync: sometimes\n",
       "c.yaml:3:12: outputs.eve.fsync: expected one of never, interval, always, got 'sometimes'"},
      {"outputs:\n  eve:\n    fsync_interval: 0\n",
       "c.yaml:3:21: outputs.eve.fsync_interval: value 0 out of range [1, 3600]"},
      {"outputs:\n  eve:\n    queue: 99999999\n", "outputs.eve.queue: value 99999999 out of range"},
      {"outputs:\n  eve:\n    path: \"\"\n", "c.yaml:3:11: outputs.eve.path: expected a non-empty"},
      {"outputs:\n  eve:\n    enabled: maybe\n",
       "outputs.eve.enabled: expected true or false, got 'maybe'"},
      {"outputs:\n  eve: {pth: x}\n", "c.yaml:2:9: outputs.eve.pth: unknown key"},
      {"outputs:\n  syslog:\n    transport: sctp\n",
       "outputs.syslog.transport: expected one of udp, tcp, unix"},
      {"outputs:\n  syslog:\n    address: 10.0.0.1\n",
       "c.yaml:3:14: outputs.syslog.address: expected host:port"},
      {"outputs:\n  syslog:\n    transport: unix\n    address: dev/log\n",
       "outputs.syslog.address: expected an absolute socket path"},
      {"outputs:\n  syslog:\n    facility: local9\n",
       "outputs.syslog.facility: expected one of kern, user"},
      {"outputs:\n  syslog:\n    severity: loud\n",
       "outputs.syslog.severity: expected one of emerg, alert"},
      {"outputs:\n  syslog:\n    app_name: my app\n",
       "outputs.syslog.app_name: expected 1 to 48 printable ASCII"},
      {"outputs:\n  syslog:\n    framing: crlf\n",
       "outputs.syslog.framing: expected one of octet-counting, newline"},
      {"outputs:\n  metrics:\n    listen: 9100\n",
       "c.yaml:3:13: outputs.metrics.listen: expected host:port"},
      {"outputs: [1]\n", "c.yaml:1:10: outputs: expected a mapping"},
      {"output:\n  eve: x\n", "output: replaced by outputs:"},
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

}  // namespace
}  // namespace btsensor
