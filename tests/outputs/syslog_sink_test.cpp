#include "outputs/syslog_sink.hpp"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <regex>
#include <thread>

#include "outputs/syslog_format.hpp"
#include "support/temp_dir.hpp"

namespace btsensor::test {
namespace {

using namespace std::chrono_literals;

TEST(SyslogFormat, Rfc5424Message) {
  std::string out;
  append_syslog_message(out, 21, 6, 1'700'000'000'123'456'789,
                        syslog_header_fields("sensor-1", "btsensor", 4242),
                        Record{R"({"event_type":"alert"})", "alert"});
  // PRI 21*8+6 = 174, VERSION 1, then TIMESTAMP HOSTNAME APP-NAME PROCID MSGID SD MSG.
  EXPECT_EQ(out, R"(<174>1 2023-11-14T22:13:20.123456Z sensor-1 btsensor 4242 alert - )"
                 R"({"event_type":"alert"})");
}

TEST(SyslogFormat, HeaderFieldsArePrintableAscii) {
  EXPECT_EQ(syslog_header_fields("my host", "", 1), "my_host - 1");
  EXPECT_EQ(syslog_header_fields(std::string(300, 'h'), std::string(60, 'a'), 7),
            std::string(255, 'h') + " " + std::string(48, 'a') + " 7");
}

TEST(SyslogFormat, Framing) {
  std::string out;
  append_syslog_frame(out, SyslogFraming::kOctetCounting, "<1>1 x");
  append_syslog_frame(out, SyslogFraming::kNewline, "<1>1 y");
  EXPECT_EQ(out, "6 <1>1 x<1>1 y\n");
}

// A loopback socket bound to port 0 (or a temp unix path) standing in for a receiver.
struct Listener {
  int fd = -1;
  uint16_t port = 0;
  ~Listener() {
    if (fd >= 0) ::close(fd);
  }
  void bind_inet(int type, uint16_t want = 0) {
    fd = ::socket(AF_INET, type | SOCK_CLOEXEC, 0);
    int one = 1;
    ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in sa{};
    sa.sin_family = AF_INET;
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    sa.sin_port = htons(want);
    ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&sa), sizeof sa), 0) << std::strerror(errno);
    socklen_t len = sizeof sa;
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&sa), &len);
    port = ntohs(sa.sin_port);
    if (type == SOCK_STREAM) ::listen(fd, 4);
  }
  void bind_unix(const std::string& path) {
    fd = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    sockaddr_un sa{};
    sa.sun_family = AF_UNIX;
    std::memcpy(sa.sun_path, path.data(), path.size());
    ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&sa), sizeof sa), 0);
  }
};

// Reads what is available within `wait` from a datagram or connected stream socket.
std::string receive(int fd, std::chrono::milliseconds wait, size_t want_bytes = 1) {
  std::string got;
  auto deadline = std::chrono::steady_clock::now() + wait;
  while (got.size() < want_bytes && std::chrono::steady_clock::now() < deadline) {
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, 50) != 1) continue;
    char buf[65536];
    ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n <= 0) break;
    got.append(buf, size_t(n));
  }
  return got;
}

int accept_within(int fd, std::chrono::milliseconds wait) {
  pollfd p{fd, POLLIN, 0};
  if (::poll(&p, 1, int(wait.count())) != 1) return -1;
  return ::accept4(fd, nullptr, nullptr, SOCK_CLOEXEC);
}

const std::regex kMessage(R"(<(\d+)>1 \S+Z host-a bts \d+ (flow|label|alert) - (\{.*\}))");

TEST(SyslogSink, UdpOneDatagramPerRecord) {
  Listener rx;
  rx.bind_inet(SOCK_DGRAM);
  SyslogOptions o;
  o.transport = SyslogTransport::kUdp;
  o.address = "127.0.0.1:" + std::to_string(rx.port);
  o.hostname = "host-a";
  o.app_name = "bts";
  o.facility = 16;  // local0
  o.severity = 4;   // warning
  auto s = SyslogSink::create(o);
  ASSERT_TRUE(s) << s.error();
  auto now = std::chrono::steady_clock::now();
  (*s)->write(Record{R"({"n":1})", "flow"}, now);
  (*s)->write(Record{R"({"n":2})", "alert"}, now);
  (*s)->flush(now);
  std::smatch m;
  std::string d1 = receive(rx.fd, 2s), d2 = receive(rx.fd, 2s);
  ASSERT_TRUE(std::regex_match(d1, m, kMessage)) << d1;
  EXPECT_EQ(m[1], "132");
  EXPECT_EQ(m[2], "flow");
  EXPECT_EQ(m[3], R"({"n":1})");
  ASSERT_TRUE(std::regex_match(d2, m, kMessage)) << d2;
  EXPECT_EQ(m[2], "alert");
  EXPECT_EQ((*s)->counters().written, 2u);
}

TEST(SyslogSink, UnixDatagram) {
  TempDir dir;
  std::string path = dir / "log";
  Listener rx;
  rx.bind_unix(path);
  SyslogOptions o;
  o.transport = SyslogTransport::kUnix;
  o.address = path;
  o.hostname = "host-a";
  o.app_name = "bts";
  auto s = SyslogSink::create(o);
  ASSERT_TRUE(s) << s.error();
  (*s)->write(Record{R"({"u":1})", "label"}, std::chrono::steady_clock::now());
  std::smatch m;
  std::string d = receive(rx.fd, 2s);
  ASSERT_TRUE(std::regex_match(d, m, kMessage)) << d;
  EXPECT_EQ(m[1], "174");  // defaults: local5.info
  EXPECT_EQ(m[3], R"({"u":1})");
}

TEST(SyslogSink, TcpOctetCountingAndNewlineFraming) {
  for (auto framing : {SyslogFraming::kOctetCounting, SyslogFraming::kNewline}) {
    Listener rx;
    rx.bind_inet(SOCK_STREAM);
    SyslogOptions o;
    o.transport = SyslogTransport::kTcp;
    o.framing = framing;
    o.address = "127.0.0.1:" + std::to_string(rx.port);
    o.hostname = "host-a";
    o.app_name = "bts";
    auto s = SyslogSink::create(o);
    ASSERT_TRUE(s) << s.error();
    int conn = accept_within(rx.fd, 2s);
    ASSERT_GE(conn, 0);
    auto now = std::chrono::steady_clock::now();
    (*s)->write(Record{R"({"a":1})", "flow"}, now);
    (*s)->write(Record{R"({"b":2})", "label"}, now);
    (*s)->flush(now);
    std::string m1 = "<174>1 ", got = receive(conn, 2s, 2 * 40);
    ::close(conn);
    if (framing == SyslogFraming::kNewline) {
      std::regex two(R"((<174>1 [^\n]* flow - \{"a":1\})\n(<174>1 [^\n]* label - \{"b":2\})\n)");
      EXPECT_TRUE(std::regex_match(got, two)) << got;
    } else {
      // "LEN SP MSG" twice, LEN counting the message's bytes exactly.
      size_t sp = got.find(' ');
      size_t len = std::stoul(got.substr(0, sp));
      std::string first = got.substr(sp + 1, len);
      EXPECT_TRUE(std::regex_match(first, std::regex(R"(<174>1 .* flow - \{"a":1\})"))) << got;
      std::string rest = got.substr(sp + 1 + len);
      sp = rest.find(' ');
      ASSERT_NE(sp, std::string::npos) << got;
      EXPECT_EQ(rest.size(), sp + 1 + std::stoul(rest.substr(0, sp))) << got;
    }
    EXPECT_EQ((*s)->counters().written, 2u);
  }
}

// The receiver goes away: records are counted as dropped with errors, the sensor keeps
// running, and the sink reconnects when a receiver listens on the address again.
TEST(SyslogSink, TcpReconnectsWithBackoff) {
  auto rx = std::make_unique<Listener>();
  rx->bind_inet(SOCK_STREAM);
  const uint16_t port = rx->port;
  SyslogOptions o;
  o.transport = SyslogTransport::kTcp;
  o.address = "127.0.0.1:" + std::to_string(port);
  o.reconnect_max_ms = 400;
  auto s = SyslogSink::create(o);
  ASSERT_TRUE(s) << s.error();
  int conn = accept_within(rx->fd, 2s);
  ASSERT_GE(conn, 0);
  ::close(conn);
  rx.reset();  // receiver down: connection closed, nothing listening
  auto t = std::chrono::steady_clock::now();
  (*s)->tick(t);  // notices the closed stream, retries at once, fails: backoff
  EXPECT_FALSE((*s)->connected());
  for (int i = 0; i < 3; ++i) (*s)->write(Record{"{}", "flow"}, t);
  (*s)->flush(t);
  EXPECT_EQ((*s)->counters().dropped, 3u);
  EXPECT_GE((*s)->counters().errors, 1u);
  // Receiver back on the same port.
  rx = std::make_unique<Listener>();
  rx->bind_inet(SOCK_STREAM, port);
  for (int i = 0; i < 50 && !(*s)->connected(); ++i) {
    t += 100ms;  // simulated time: backoff is at most 400 ms here
    (*s)->tick(t);
  }
  ASSERT_TRUE((*s)->connected());
  conn = accept_within(rx->fd, 2s);
  ASSERT_GE(conn, 0);
  (*s)->write(Record{R"({"back":1})", "flow"}, t);
  (*s)->flush(t);
  std::string got = receive(conn, 2s, 20);
  ::close(conn);
  EXPECT_NE(got.find(R"(flow - {"back":1})"), std::string::npos) << got;
  EXPECT_EQ((*s)->counters().written, 1u);
}

TEST(SyslogSink, BadAddressIsRejected) {
  SyslogOptions o;
  o.transport = SyslogTransport::kUdp;
  o.address = "localhost";
  EXPECT_FALSE(SyslogSink::create(o));
  o.address = "::1:514";  // IPv6 must be bracketed
  EXPECT_FALSE(SyslogSink::create(o));
}

}  // namespace
}  // namespace btsensor::test
