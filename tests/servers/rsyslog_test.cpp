// A real rsyslogd receives the syslog output over UDP, TCP (both framings) and a local
// datagram socket; every record must arrive intact (the exact EVE line, valid JSON) with the
// configured PRI and APP-NAME. Everything binds 127.0.0.1 or a temp directory.
#include <gtest/gtest.h>

#include <map>
#include <sstream>

#include "outputs/async_writer.hpp"
#include "outputs/eve_writer.hpp"
#include "outputs/syslog_sink.hpp"
#include "support/json.hpp"
#include "support/process.hpp"
#include "support/sample_events.hpp"
#include "support/temp_dir.hpp"

namespace btsensor::test {
namespace {

using namespace std::chrono_literals;

struct Received {
  std::string pri, app, msgid, input, msg;
};

// Output template: fields separated by '|'; the MSG last so it may contain anything.
std::vector<Received> parse_output(const std::string& text) {
  std::vector<Received> v;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    Received r;
    std::string* fields[] = {&r.pri, &r.app, &r.msgid, &r.input};
    size_t s = 0;
    bool ok = true;
    for (std::string* f : fields) {
      size_t bar = line.find('|', s);
      if (bar == std::string::npos) {
        ok = false;
        break;
      }
      *f = line.substr(s, bar - s);
      s = bar + 1;
    }
    if (!ok) continue;
    r.msg = line.substr(s);
    v.push_back(r);
  }
  return v;
}

std::unique_ptr<AsyncWriter> syslog_writer(const SyslogOptions& o) {
  auto sink = SyslogSink::create(o);
  EXPECT_TRUE(sink) << (sink ? "" : sink.error());
  if (!sink) return nullptr;
  WriterOptions wo;
  wo.idle_sleep = 1ms;
  return std::make_unique<AsyncWriter>("syslog", std::move(*sink), wo);
}

TEST(Rsyslog, ReceivesEveRecordsOverEveryTransport) {
  BTSENSOR_REQUIRE_PROGRAM(rsyslogd, "rsyslogd");
  TempDir dir;
  const uint16_t udp_port = free_loopback_port(SOCK_DGRAM);
  const uint16_t tcp_port = free_loopback_port(SOCK_STREAM);
  const std::string sock = dir / "log.sock", out = dir / "out.log";
  // useSpecialParser="off": parse the local socket with the regular parser chain, which
  // understands RFC 5424 (the special one expects the traditional syslog(3) format).
  write_file(dir / "rsyslog.conf", "global(workDirectory=\"" + dir.path().string() +
                                       "\" maxMessageSize=\"64k\")\n"
                                       "module(load=\"imudp\")\n"
                                       "module(load=\"imtcp\")\n"
                                       "module(load=\"imuxsock\" SysSock.Use=\"off\")\n"
                                       "input(type=\"imudp\" address=\"127.0.0.1\" port=\"" +
                                       std::to_string(udp_port) +
                                       "\")\n"
                                       "input(type=\"imtcp\" address=\"127.0.0.1\" port=\"" +
                                       std::to_string(tcp_port) +
                                       "\")\n"
                                       "input(type=\"imuxsock\" socket=\"" +
                                       sock +
                                       "\" useSpecialParser=\"off\" parseHostname=\"on\")\n"
                                       "template(name=\"t\" type=\"string\" "
                                       "string=\"%pri%|%app-name%|%msgid%|%inputname%|%msg%\\n\")\n"
                                       "*.* action(type=\"omfile\" file=\"" +
                                       out + "\" template=\"t\")\n");
  Child rsyslog({rsyslogd, "-n", "-f", dir / "rsyslog.conf", "-i", dir / "rsyslogd.pid"},
                dir / "rsyslogd.log");
  ASSERT_TRUE(rsyslog.started());
  ASSERT_TRUE(
      wait_for([&] { return tcp_port_open(tcp_port) && std::filesystem::exists(sock); }, 20s))
      << read_file(dir / "rsyslogd.log");

  struct Case {
    std::string name;  // also the app-name, to tell the transports apart
    SyslogTransport transport;
    SyslogFraming framing;
    std::string address;
    uint8_t facility, severity;
    std::string input;  // rsyslog's %inputname%
  };
  const Case cases[] = {
      {"bts-udp", SyslogTransport::kUdp, SyslogFraming::kOctetCounting,
       "127.0.0.1:" + std::to_string(udp_port), 21, 6, "imudp"},
      {"bts-tcp-octet", SyslogTransport::kTcp, SyslogFraming::kOctetCounting,
       "127.0.0.1:" + std::to_string(tcp_port), 16, 4, "imtcp"},
      {"bts-tcp-nl", SyslogTransport::kTcp, SyslogFraming::kNewline,
       "127.0.0.1:" + std::to_string(tcp_port), 3, 5, "imtcp"},
      {"bts-unix", SyslogTransport::kUnix, SyslogFraming::kOctetCounting, sock, 23, 2, "imuxsock"},
  };
  EveFormatter fmt;
  const std::map<std::string, std::string> expected = {
      {"flow", fmt.flow(sample_flow())},
      {"label", fmt.label(sample_label())},
      {"alert", fmt.alert(sample_alert())},
  };
  for (const Case& c : cases) {
    SyslogOptions o;
    o.enabled = true;
    o.transport = c.transport;
    o.framing = c.framing;
    o.address = c.address;
    o.facility = c.facility;
    o.severity = c.severity;
    o.app_name = c.name;
    o.hostname = "sensor-test";
    if (c.transport == SyslogTransport::kUdp) {
      // imudp may bind a moment after imtcp: send probes until one arrives.
      auto probe = syslog_writer(o);
      ASSERT_TRUE(probe);
      ASSERT_TRUE(wait_for(
          [&] {
            probe->on_flow(sample_flow());
            probe->drain(2s);
            for (const auto& r : parse_output(read_file(out)))
              if (r.app == c.name) return true;
            return false;
          },
          20s));
      probe->stop();
    }
    auto w = syslog_writer(o);
    ASSERT_TRUE(w);
    w->on_flow(sample_flow());
    w->on_label(sample_label());
    w->on_alert(sample_alert());
    w->stop();
    EXPECT_EQ(w->stats().written.get(), 3u) << c.name;
    EXPECT_EQ(w->stats().dropped.get(), 0u) << c.name;
  }

  // Every transport's three records arrive, intact and parseable, with PRI and APP-NAME.
  std::vector<Received> got;
  auto complete = [&] {
    got = parse_output(read_file(out));
    for (const Case& c : cases) {
      int n = 0;
      for (const auto& r : got) n += r.app == c.name && r.msgid != "flow";
      if (n < 2) return false;
    }
    return true;
  };
  ASSERT_TRUE(wait_for(complete, 20s)) << read_file(out) << read_file(dir / "rsyslogd.log");
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    std::map<std::string, int> seen;
    for (const auto& r : got) {
      if (r.app != c.name) continue;
      ++seen[r.msgid];
      EXPECT_EQ(r.pri, std::to_string(c.facility * 8 + c.severity));
      EXPECT_EQ(r.input, c.input);
      ASSERT_TRUE(expected.count(r.msgid)) << r.msgid;
      EXPECT_EQ(r.msg, expected.at(r.msgid));
      auto j = JsonParser::parse(r.msg);
      ASSERT_TRUE(j) << r.msg;
      EXPECT_EQ((*j)["event_type"].str(), r.msgid);
      EXPECT_EQ((*j)["host"].str(), "192.168.1.128");
    }
    EXPECT_GE(seen["flow"], 1);  // UDP also has the probes
    EXPECT_EQ(seen["label"], 1);
    EXPECT_EQ(seen["alert"], 1);
  }
  rsyslog.stop();
}

}  // namespace
}  // namespace btsensor::test
