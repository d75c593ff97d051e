// Operating `btsensor run` on DPDK vdevs, end to end with the real binary:
//   * hot reload under traffic (net_pcap infinite_rx): no packet dropped across it, a feed
//     entry added by the reload labels a host, a bad feed is rejected and the old one keeps
//     detecting; the service manager hears READY / RELOADING / READY / STOPPING;
//   * `btsensor ctl` against the running sensor: every command and its errors;
//   * restart with state: a label restored on a later capture still expires 30 minutes
//     after its *original* last activity (packet time), or at once with its original
//     deadline when the TTL ran out while the sensor was down; a damaged state file is
//     reported and ignored.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sched.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <regex>
#include <sstream>
#include <thread>

#include "btsensor/home_net.hpp"
#include "control/json.hpp"
#include "support/frames.hpp"
#include "support/lcores.hpp"
#include "support/pcap_writer.hpp"
#include "support/temp_dir.hpp"

extern char** environ;

namespace btsensor::test {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

constexpr Timestamp S = kNsPerSec;
constexpr Timestamp T0 = 1'700'000'000 * S;  // 2023-11-14T22:13:20Z

bool wait_until(const std::function<bool()>& cond, std::chrono::milliseconds limit) {
  auto end = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < end) {
    if (cond()) return true;
    std::this_thread::sleep_for(50ms);
  }
  return cond();
}

// A child with stdout+stderr to a file and extra environment; killed if still running.
class Proc {
 public:
  Proc(const std::vector<std::string>& args, const std::string& log,
       const std::vector<std::string>& env = {}) {
    std::vector<char*> argv;
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    std::vector<std::string> envs;
    for (char** e = environ; *e; ++e) envs.push_back(*e);
    envs.insert(envs.end(), env.begin(), env.end());
    std::vector<char*> envp;
    for (auto& e : envs) envp.push_back(e.data());
    envp.push_back(nullptr);
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&fa, 1, log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_adddup2(&fa, 1, 2);
    if (posix_spawn(&pid_, argv[0], &fa, nullptr, argv.data(), envp.data()) != 0) pid_ = -1;
    posix_spawn_file_actions_destroy(&fa);
  }
  ~Proc() {
    if (pid_ > 0) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
  }
  pid_t pid() const { return pid_; }
  // Exit code (128 + signal when killed), -1 on timeout.
  int wait(std::chrono::seconds limit = 60s) {
    auto end = std::chrono::steady_clock::now() + limit;
    int st = 0;
    while (::waitpid(pid_, &st, WNOHANG) == 0) {
      if (std::chrono::steady_clock::now() > end) return -1;
      std::this_thread::sleep_for(20ms);
    }
    pid_ = -1;
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
  }

 private:
  pid_t pid_ = -1;
};

struct CmdResult {
  int code = -1;
  std::string out;
  JsonValue json;
};

CmdResult run_cmd(const std::vector<std::string>& args, const std::string& log) {
  CmdResult r;
  Proc p(args, log);
  r.code = p.wait(90s);
  r.out = read_file(log);
  std::string first = r.out.substr(0, r.out.find('\n'));
  if (auto v = parse_json(first)) r.json = *v;
  return r;
}

// TCP connection from `c` to `s`:`port` (SYN … FIN both ways): closed after one pass, so a
// looped capture makes a new flow (new first packet) every time round.
void tcp_conn(Capture& cap, Timestamp t, const char* c, uint16_t cport, const char* s,
              uint16_t port) {
  auto f = [&](bool up, uint8_t flags) {
    return up ? FrameSpec{ip(c), ip(s), cport, port, kProtoTcp, flags, {}, {}}
              : FrameSpec{ip(s), ip(c), port, cport, kProtoTcp, flags, {}, {}};
  };
  cap.add(t, ether_frame(f(true, 0x02)));
  cap.add(t + 1000, ether_frame(f(false, 0x12)));
  cap.add(t + 2000, ether_frame(f(true, 0x10)));
  cap.add(t + 3000, ether_frame(f(true, 0x11)));
  cap.add(t + 4000, ether_frame(f(false, 0x11)));
  cap.add(t + 5000, ether_frame(f(true, 0x10)));
}

// A DNS query for example.com (header: id 0x1234, RD, one question; QTYPE A, QCLASS IN).
void dns_query(Capture& cap, Timestamp t, const char* host) {
  using namespace std::string_view_literals;
  constexpr auto q =
      "\x12\x34\x01\x00\x00\x01\x00\x00\x00\x00\x00\x00"
      "\x07"
      "example"
      "\x03"
      "com"
      "\x00\x00\x01\x00\x01"sv;
  cap.add(t,
          ether_frame(FrameSpec{ip(host), ip("192.0.2.53"), 50000, 53, kProtoUdp, 0, {}, text(q)}));
}

struct OpsTest : ::testing::Test {
  TempDir dir;
  std::string bin = BTSENSOR_BIN;
  std::string sock() { return dir / "ctl.sock"; }

  // Config for 1 RX lcore, `workers` workers and the aggregator on lcores 1…workers+2.
  std::string write_config(const std::string& name, const std::string& devargs, unsigned workers,
                           const std::string& extra) {
    std::string p = dir / name;
    std::ofstream o(p);
    o << "home_net: [10.0.0.0/8]\n"
      << "flows: {output: bittorrent}\n"
      << "outputs: {metrics: {enabled: false}}\n"
      << extra << "dataplane:\n"
      << "  ports: [{name: net_pcap0, devargs: \"" << devargs << "\"}]\n"
      << "  rx_lcores: [1]\n  worker_lcores: [";
    for (unsigned w = 0; w < workers; ++w) o << (w ? ", " : "") << 2 + w;
    o << "]\n  aggregator_lcore: " << 2 + workers << "\n"
      << "  mempool_mbufs: 32767\n  mbuf_cache: 64\n  rx_desc: 256\n  ring_size: 8192\n"
      << "  event_ring_size: 4096\n  output_queue: 16384\n  idle_sleep_us: 50\n"
      << "  exit_when_idle_ms: 400\n";
    return p;
  }
  std::vector<std::string> run_args(const std::string& cfg, const std::string& eve,
                                    unsigned workers) {
    return {bin,           "run",
            "-c",          cfg,
            "--eve",       eve,
            "--",          "--no-huge",
            "--no-shconf", "-m",
            "256",         "--no-telemetry",
            "--lcores",    lcores_arg(workers + 3)};
  }
  CmdResult ctl(const std::vector<std::string>& args) {
    std::vector<std::string> a = {bin, "ctl", "--socket", sock()};
    a.insert(a.end(), args.begin(), args.end());
    return run_cmd(a, dir / "ctl.out");
  }
};

// Datagrams the sensor sends to $NOTIFY_SOCKET (sd_notify), collected on a thread.
class NotifyListener {
 public:
  explicit NotifyListener(const std::string& path) : path_(path) {
    fd_ = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    sockaddr_un a{};
    a.sun_family = AF_UNIX;
    std::snprintf(a.sun_path, sizeof a.sun_path, "%s", path.c_str());
    ok_ = ::bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
    timeval tv{0, 100000};
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    thread_ = std::thread([this] {
      char buf[4096];
      while (!stop_) {
        ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
        if (n <= 0) continue;
        std::lock_guard<std::mutex> g(m_);
        std::istringstream in(std::string(buf, size_t(n)));
        for (std::string l; std::getline(in, l);)
          if (l.find('=') != std::string::npos && l.rfind("STATUS=", 0) != 0) msgs_.push_back(l);
      }
    });
  }
  ~NotifyListener() {
    stop_ = true;
    thread_.join();
    ::close(fd_);
  }
  bool ok() const { return ok_; }
  std::vector<std::string> messages() {
    std::lock_guard<std::mutex> g(m_);
    return msgs_;
  }

 private:
  std::string path_;
  int fd_ = -1;
  bool ok_ = false;
  std::atomic<bool> stop_{false};
  std::mutex m_;
  std::vector<std::string> msgs_;
  std::thread thread_;
};

bool has_label(const CmdResult& labels, const char* host) {
  if (!labels.json["labels"].is_array()) return false;
  for (const JsonValue& l : labels.json["labels"].as_array())
    if (l["host"].as_string() == host) return true;
  return false;
}

int64_t stat_of(const CmdResult& stats, const char* group, const char* key) {
  const JsonValue& v = stats.json["stats"][group][key];
  return v.is_int() ? v.as_int() : -1;
}

// Records (EVE lines) from line `from` on: flows of `host` with tracker_reputation.
size_t reputation_flows(const std::vector<std::string>& eve, size_t from, const char* host) {
  size_t n = 0;
  std::string h = std::string("\"src_ip\":\"") + host + "\"";
  for (size_t i = from; i < eve.size(); ++i)
    n += eve[i].find("\"event_type\":\"flow\"") != std::string::npos &&
         eve[i].find(h) != std::string::npos &&
         eve[i].find("tracker_reputation") != std::string::npos;
  return n;
}

TEST_F(OpsTest, ReloadUnderTrafficAndControlCommands) {
  // 10.1.0.1 talks to 198.51.100.20 (in the first feed), 10.1.0.2 to 198.51.100.30 (only
  // in the reloaded feed); both on tracker port 6969, no payload: only reputation tells.
  Capture cap;
  tcp_conn(cap, T0, "10.1.0.1", 40001, "198.51.100.20", 6969);
  tcp_conn(cap, T0 + S, "10.1.0.2", 40002, "198.51.100.30", 6969);
  dns_query(cap, T0 + 2 * S, "10.1.0.3");
  write_pcap(dir / "loop.pcap", cap);
  std::ofstream(dir / "feed.txt") << "198.51.100.20\n";
  // The RX lcore naps 2 ms after each burst: a few thousand packets a second, far below
  // what one worker takes even on a shared CPU, so any ring drop would be the reload's.
  std::string cfg =
      write_config("reload.yaml", "rx_pcap=" + (dir / "loop.pcap") + ",infinite_rx=1", 2,
                   "reputation:\n  feeds: [{name: t, path: feed.txt, format: ip_list}]\n"
                   "control: {socket: " +
                       sock() + "}\n");
  {
    std::ofstream o(cfg, std::ios::app);
    o << "  test_rx_gap_us: 2000\n";
  }
  std::string eve = dir / "reload.json";
  NotifyListener notify(dir / "notify.sock");
  ASSERT_TRUE(notify.ok());
  auto args = run_args(cfg, eve, 2);
  args.insert(args.begin() + 2, {"--exit-on-idle", "0"});
  Proc sensor(args, dir / "reload.log", {"NOTIFY_SOCKET=" + (dir / "notify.sock")});

  // Up: the socket answers and the first feed's host is labelled.
  ASSERT_TRUE(wait_until([&] { return has_label(ctl({"labels"}), "10.1.0.1"); }, 30s))
      << read_file(dir / "reload.log") << ctl({"labels"}).out;
  EXPECT_FALSE(has_label(ctl({"labels"}), "10.1.0.2"));
  ASSERT_TRUE(wait_until(
      [&] {
        auto m = notify.messages();
        return std::find(m.begin(), m.end(), "READY=1") != m.end();
      },
      10s));

  // --- every control command, and its errors -------------------------------------------
  CmdResult v = ctl({"version"});
  EXPECT_EQ(v.code, 0);
  EXPECT_TRUE(v.json["ok"].as_bool()) << v.out;
  CmdResult st = ctl({"stats"});
  EXPECT_EQ(st.code, 0) << st.out;
  EXPECT_GT(st.json["stats"]["packets"].as_int(), 0);
  EXPECT_EQ(st.json["stats"]["labels_active"]["bittorrent_user"].as_int(), 1);
  EXPECT_EQ(st.json["stats"]["reloads"]["ok"].as_int(), 0);
  CmdResult h = ctl({"host", "10.1.0.1"});
  EXPECT_EQ(h.code, 0) << h.out;
  EXPECT_TRUE(h.json["host"]["known"].as_bool());
  EXPECT_EQ(h.json["host"]["labels"].as_array()[0]["label"].as_string(), "bittorrent_user");
  EXPECT_EQ(h.json["host"]["shard"].as_int(), int64_t(shard_of(ip("10.1.0.1"), 2)));
  CmdResult bad = ctl({"host", "10.1.0.300"});
  EXPECT_EQ(bad.code, 1);
  EXPECT_NE(bad.out.find("is not an IPv4/IPv6 address"), std::string::npos) << bad.out;
  CmdResult unknown = ctl({"json", "{\"cmd\":\"dance\"}"});
  EXPECT_EQ(unknown.code, 1);
  EXPECT_NE(unknown.out.find("unknown command 'dance'"), std::string::npos) << unknown.out;
  CmdResult usage = ctl({"host"});
  EXPECT_EQ(usage.code, 2);
  CmdResult nosock =
      run_cmd({bin, "ctl", "--socket", dir / "nothing.sock", "version"}, dir / "nosock.out");
  EXPECT_EQ(nosock.code, 1);
  EXPECT_NE(nosock.out.find("cannot connect"), std::string::npos);

  // --- reload under traffic: the new feed labels 10.1.0.2, nothing is dropped ----------
  CmdResult before = ctl({"stats"});
  const int64_t ring_before = stat_of(before, "drops", "ring_full");
  const int64_t missed_before = stat_of(before, "drops", "port_missed");
  const int64_t nombuf_before = stat_of(before, "drops", "port_nombuf");
  ASSERT_GE(ring_before, 0) << before.out;
  std::ofstream(dir / "feed.new") << "198.51.100.20\n198.51.100.30\n";
  fs::rename(dir / "feed.new", dir / "feed.txt");
  ::kill(sensor.pid(), SIGHUP);
  ASSERT_TRUE(wait_until(
      [&] {
        return ctl({"stats"}).json["stats"]["reloads"]["ok"].is_int() &&
               ctl({"stats"}).json["stats"]["reloads"]["ok"].as_int() == 1;
      },
      20s))
      << read_file(dir / "reload.log");
  EXPECT_TRUE(wait_until([&] { return has_label(ctl({"labels"}), "10.1.0.2"); }, 10s))
      << ctl({"labels"}).out;
  std::this_thread::sleep_for(500ms);  // traffic after the reload
  CmdResult after = ctl({"stats"});
  EXPECT_EQ(stat_of(after, "drops", "ring_full"), ring_before) << after.out;
  EXPECT_EQ(stat_of(after, "drops", "port_missed"), missed_before);
  EXPECT_EQ(stat_of(after, "drops", "port_nombuf"), nombuf_before);
  EXPECT_GT(after.json["stats"]["packets"].as_int(), before.json["stats"]["packets"].as_int());

  // --- a bad feed is rejected, the running one keeps detecting --------------------------
  std::ofstream(dir / "feed.txt") << "198.51.100.20\n<html>not a feed</html>\n";
  CmdResult rl = ctl({"reload"});
  EXPECT_EQ(rl.code, 1) << rl.out;
  EXPECT_FALSE(rl.json["ok"].as_bool());
  EXPECT_NE(rl.out.find("feed.txt:2:"), std::string::npos) << rl.out;
  CmdResult failed = ctl({"stats"});
  EXPECT_EQ(failed.json["stats"]["reloads"]["failed"].as_int(), 1) << failed.out;
  EXPECT_EQ(failed.json["stats"]["reloads"]["ok"].as_int(), 1);
  const size_t mark = read_lines(eve).size();
  // Flows that start after the failed reload still carry reputation evidence for both
  // addresses of the running (second) feed.
  EXPECT_TRUE(wait_until(
      [&] {
        auto e = read_lines(eve);
        return reputation_flows(e, mark, "10.1.0.1") > 0 &&
               reputation_flows(e, mark, "10.1.0.2") > 0;
      },
      20s))
      << "no flow with reputation evidence after the failed reload";
  EXPECT_EQ(stat_of(ctl({"stats"}), "drops", "ring_full"), ring_before);

  // --- exclusions changed at run time: 10.1.0.1 suppressed, then reported again -------
  const std::string lab =
      R"({"id":"lab-host","reason":"test lab","owner":"soc@example.com","hosts":["10.1.0.1"]})";
  CmdResult add = ctl({"exclusion", "add", lab});
  EXPECT_EQ(add.code, 0) << add.out;
  CmdResult dup = ctl({"exclusion", "add", lab});
  EXPECT_EQ(dup.code, 1);
  EXPECT_NE(dup.out.find("'lab-host' exists"), std::string::npos) << dup.out;
  CmdResult invalid = ctl({"exclusion", "add", R"({"id":"x","reason":"r","hosts":["10.1.0.9"]})"});
  EXPECT_EQ(invalid.code, 1);
  EXPECT_NE(invalid.out.find("owner"), std::string::npos) << invalid.out;
  CmdResult persist =
      ctl({"exclusion", "add", R"({"id":"y","reason":"r","owner":"o","hosts":["10.1.0.9"]})",
           "--persist"});
  EXPECT_EQ(persist.code, 1);
  EXPECT_NE(persist.out.find("control.runtime_exclusions"), std::string::npos) << persist.out;
  CmdResult list = ctl({"exclusion", "list"});
  EXPECT_NE(list.out.find("{\"id\":\"lab-host\",\"source\":\"runtime\"}"), std::string::npos)
      << list.out;
  std::this_thread::sleep_for(300ms);  // records already on their way out
  size_t mark2 = read_lines(eve).size();
  std::this_thread::sleep_for(1500ms);
  auto e2 = read_lines(eve);
  EXPECT_EQ(reputation_flows(e2, mark2, "10.1.0.1"), 0u) << "suppressed host still reported";
  EXPECT_GT(reputation_flows(e2, mark2, "10.1.0.2"), 0u);
  CmdResult rm = ctl({"exclusion", "remove", "lab-host"});
  EXPECT_EQ(rm.code, 0) << rm.out;
  CmdResult rm2 = ctl({"exclusion", "remove", "lab-host"});
  EXPECT_EQ(rm2.code, 1);
  EXPECT_NE(rm2.out.find("no exclusion 'lab-host'"), std::string::npos) << rm2.out;
  const size_t mark3 = read_lines(eve).size();
  EXPECT_TRUE(
      wait_until([&] { return reputation_flows(read_lines(eve), mark3, "10.1.0.1") > 0; }, 10s));

  ::kill(sensor.pid(), SIGTERM);
  EXPECT_EQ(sensor.wait(), 0) << read_file(dir / "reload.log");
  std::string log = read_file(dir / "reload.log");
  EXPECT_NE(log.find("suppressed by 1 exclusion(s)"), std::string::npos) << log;
  EXPECT_NE(log.find("reload (signal): ok"), std::string::npos) << log;
  EXPECT_NE(log.find("reload (control): failed, the running state is kept"), std::string::npos);
  // The service manager heard: READY once every lcore ran, RELOADING … READY around each
  // reload, STOPPING at the end.
  auto m = notify.messages();
  std::string seq;
  for (const auto& x : m) seq += x + " ";
  EXPECT_EQ(seq, "READY=1 RELOADING=1 READY=1 RELOADING=1 READY=1 STOPPING=1 ");
}

// Restart with state, in packet time: run on one capture, stop, run on a later capture.
TEST_F(OpsTest, LabelsSurviveARestartAndExpireOnTime) {
  // The second connection's last packet (its closing ACK, 5 µs in) is the label's last
  // activity: the expiry is due 30 min after it, 2023-11-14T22:44:20.000005Z.
  const Timestamp last_activity = T0 + 60 * S;
  const std::string due = "\"timestamp\":\"2023-11-14T22:44:20.000005Z\"";
  std::ofstream(dir / "feed.txt") << "198.51.100.20\n";
  const std::string extra =
      "reputation:\n  feeds: [{name: t, path: feed.txt, format: ip_list}]\n"
      "state: {file: " +
      (dir / "state.json") + "}\n";
  // Run 1 (1 worker): 10.2.0.1 talks to the tracker at T0 and T0+60 s.
  Capture a;
  tcp_conn(a, T0, "10.2.0.1", 40001, "198.51.100.20", 6969);
  tcp_conn(a, last_activity, "10.2.0.1", 40002, "198.51.100.20", 6969);
  write_pcap(dir / "a.pcap", a);
  std::string c1 = write_config("r1.yaml", "rx_pcap=" + (dir / "a.pcap"), 1, extra);
  {
    Proc p(run_args(c1, dir / "r1.json", 1), dir / "r1.log");
    ASSERT_EQ(p.wait(), 0) << read_file(dir / "r1.log");
  }
  std::string log1 = read_file(dir / "r1.log");
  EXPECT_NE(log1.find("state: saved 1 label(s) on 1 host(s)"), std::string::npos) << log1;
  size_t sets = 0;
  for (const auto& l : read_lines(dir / "r1.json"))
    sets += l.find("\"action\":\"set\"") != std::string::npos;
  EXPECT_EQ(sets, 1u);
  fs::copy_file(dir / "state.json", dir / "state.saved");

  // Run 2 (2 workers, a later capture): another host's DNS queries every minute from
  // T0+10 min to T0+45 min. The label expires at T0+60 s+30 min, not 30 min after the
  // restart, and is not set again.
  Capture b;
  for (int m = 10; m <= 45; ++m) dns_query(b, T0 + m * 60 * S, "10.2.0.50");
  write_pcap(dir / "b.pcap", b);
  std::string c2 = write_config("r2.yaml", "rx_pcap=" + (dir / "b.pcap"), 2, extra);
  {
    Proc p(run_args(c2, dir / "r2.json", 2), dir / "r2.log");
    ASSERT_EQ(p.wait(), 0) << read_file(dir / "r2.log");
  }
  std::string log2 = read_file(dir / "r2.log");
  EXPECT_NE(log2.find("state: restored 1 label(s) on 1 host(s)"), std::string::npos) << log2;
  std::vector<std::string> expires;
  for (const auto& l : read_lines(dir / "r2.json")) {
    EXPECT_EQ(l.find("\"action\":\"set\""), std::string::npos) << l;
    if (l.find("\"action\":\"expire\"") != std::string::npos) expires.push_back(l);
  }
  ASSERT_EQ(expires.size(), 1u) << read_file(dir / "r2.json");
  EXPECT_NE(expires[0].find(due), std::string::npos) << expires[0];
  EXPECT_NE(expires[0].find("\"host\":\"10.2.0.1\""), std::string::npos);
  EXPECT_NE(log2.find("state: saved 0 label(s)"), std::string::npos) << log2;

  // Run 3: down for 3 hours. The lapsed label is expired at once, stamped with its
  // original deadline.
  fs::copy_file(dir / "state.saved", dir / "state.json", fs::copy_options::overwrite_existing);
  Capture c;
  dns_query(c, T0 + 3 * 3600 * S, "10.2.0.50");
  dns_query(c, T0 + 3 * 3600 * S + S, "10.2.0.50");
  write_pcap(dir / "c.pcap", c);
  std::string c3 = write_config("r3.yaml", "rx_pcap=" + (dir / "c.pcap"), 1, extra);
  {
    Proc p(run_args(c3, dir / "r3.json", 1), dir / "r3.log");
    ASSERT_EQ(p.wait(), 0) << read_file(dir / "r3.log");
  }
  std::string eve3 = read_file(dir / "r3.json");
  EXPECT_NE(eve3.find(due), std::string::npos) << eve3;
  EXPECT_NE(eve3.find("\"action\":\"expire\""), std::string::npos);

  // Run 4: a damaged state file is reported and ignored; the sensor runs.
  std::ofstream(dir / "state.json") << "{\"format\":\"btsensor-state\",\"vers";
  {
    Proc p(run_args(c3, dir / "r4.json", 1), dir / "r4.log");
    ASSERT_EQ(p.wait(), 0) << read_file(dir / "r4.log");
  }
  EXPECT_NE(read_file(dir / "r4.log").find("truncated or damaged"), std::string::npos)
      << read_file(dir / "r4.log");
}

}  // namespace
}  // namespace btsensor::test
