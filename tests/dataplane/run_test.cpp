// `btsensor run` end to end on DPDK vdevs (no NIC, no hugepages): the same flow records as
// `btsensor replay` on the same capture, hosts never split across workers, ring-full drops
// counted, SIGTERM loses no event, exclusions apply at the outbound gate as in replay, bad
// ports and configs fail cleanly with exit 1.
//
// Each test starts the real binary (BTSENSOR_BIN) as a child process with
//   --no-huge --no-shconf -m 256 --no-telemetry --lcores (0-N)@(CPUS)
// so it runs on any machine, alongside other test suites.
#include <gtest/gtest.h>
#include <pcap/pcap.h>
#include <sched.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <map>
#include <regex>
#include <sstream>
#include <thread>

#include "btsensor/home_net.hpp"
#include "support/corpus.hpp"
#include "support/lcores.hpp"
#include "support/temp_dir.hpp"

namespace btsensor::test {
namespace {

namespace fs = std::filesystem;

fs::path scratch_dir() {
  static fs::path dir = [] {
    fs::path d =
        fs::temp_directory_path() / (std::string("btsensor-dp-test-") + std::to_string(getpid()));
    fs::create_directories(d);
    return d;
  }();
  return dir;
}

// Leaves the scratch files of a failed run for inspection, removes them otherwise.
class ScratchCleanup : public ::testing::Environment {
 public:
  void TearDown() override {
    if (::testing::UnitTest::GetInstance()->Passed()) {
      std::error_code ec;
      fs::remove_all(scratch_dir(), ec);
    } else {
      std::printf("dataplane test files kept in %s\n", scratch_dir().c_str());
    }
  }
};
// Test binaries may register from a static (the product code never does: DESIGN.md).
[[maybe_unused]] auto* const kCleanup = ::testing::AddGlobalTestEnvironment(new ScratchCleanup);

struct Child {
  pid_t pid = -1;
  fs::path out, err;
};

// Starts `args` with stdout/stderr to files.
Child spawn(const std::vector<std::string>& args, const std::string& tag) {
  Child c;
  c.out = scratch_dir() / (tag + ".stdout");
  c.err = scratch_dir() / (tag + ".stderr");
  c.pid = fork();
  if (c.pid == 0) {
    FILE* o = std::freopen(c.out.c_str(), "w", stdout);
    FILE* e = std::freopen(c.err.c_str(), "w", stderr);
    if (!o || !e) _exit(120);
    std::vector<char*> argv;
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    execv(argv[0], argv.data());
    _exit(121);
  }
  return c;
}

// Exit code, or 128 + signal; -1 on timeout (the child is killed).
int wait_child(const Child& c, std::chrono::seconds limit = std::chrono::seconds(60)) {
  auto deadline = std::chrono::steady_clock::now() + limit;
  int status = 0;
  while (waitpid(c.pid, &status, WNOHANG) == 0) {
    if (std::chrono::steady_clock::now() > deadline) {
      kill(c.pid, SIGKILL);
      waitpid(c.pid, &status, 0);
      return -1;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

struct RunResult {
  int code = 0;
  std::string err;
  std::vector<std::string> events;
  std::map<std::string, std::string> totals;  // from the "run: totals k=v …" line
  uint64_t total(const std::string& k) const {
    auto it = totals.find(k);
    return it == totals.end() ? ~0ull : std::stoull(it->second);
  }
};

std::map<std::string, std::string> parse_totals(const std::string& err) {
  std::map<std::string, std::string> m;
  std::istringstream in(err);
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("run: totals ", 0) != 0) continue;
    std::istringstream words(line.substr(12));
    for (std::string w; words >> w;)
      if (auto eq = w.find('='); eq != std::string::npos) m[w.substr(0, eq)] = w.substr(eq + 1);
  }
  return m;
}

struct DpConfig {
  std::string devargs;
  unsigned workers = 1;
  // Holds a whole test capture: net_pcap reads a file as fast as the CPU allows, so only a
  // ring as large as the capture guarantees that a slow (time-shared) worker drops nothing.
  uint32_t ring_size = 8192;
  uint32_t delay_ns = 0;
  std::string extra = {};  // more top-level YAML (exclusions, outputs)
};

// Writes a config for 1 RX lcore, N workers and the aggregator on lcores 1…N+2.
fs::path write_config(const DpConfig& d, const std::string& tag) {
  fs::path p = scratch_dir() / (tag + ".yaml");
  std::ofstream o(p);
  o << "dataplane:\n"
    << "  ports:\n"
    << "    - name: net_pcap0\n"
    << "      devargs: \"" << d.devargs << "\"\n"
    << "  rx_lcores: [1]\n"
    << "  worker_lcores: [";
  for (unsigned w = 0; w < d.workers; ++w) o << (w ? ", " : "") << 2 + w;
  o << "]\n"
    << "  aggregator_lcore: " << 2 + d.workers << "\n"
    << "  mempool_mbufs: 32767\n"
    << "  mbuf_cache: 64\n"
    << "  rx_desc: 256\n"
    << "  ring_size: " << d.ring_size << "\n"
    << "  event_ring_size: 1024\n"
    << "  output_queue: 4096\n"
    << "  idle_sleep_us: 50\n"
    << "  exit_when_idle_ms: 400\n"
    << "  test_worker_delay_ns: " << d.delay_ns << "\n"
    << d.extra;
  // Metrics on a free port: tests run beside other sensors (and CI beside other suites).
  if (d.extra.find("outputs:") == std::string::npos)
    o << "outputs: {metrics: {listen: \"127.0.0.1:0\"}}\n";
  return p;
}

std::vector<std::string> run_args(const fs::path& config, const fs::path& eve, unsigned nlcores) {
  return {BTSENSOR_BIN,  "run",
          "-c",          config.string(),
          "--eve",       eve.string(),
          "--",          "--no-huge",
          "--no-shconf", "-m",
          "256",         "--no-telemetry",
          "--lcores",    lcores_arg(nlcores)};
}

RunResult run_sensor(const DpConfig& d, const std::string& tag) {
  fs::path cfg = write_config(d, tag);
  fs::path eve = scratch_dir() / (tag + ".json");
  fs::remove(eve);
  Child c = spawn(run_args(cfg, eve, d.workers + 3), tag);
  RunResult r;
  r.code = wait_child(c);
  r.err = read_file(c.err);
  r.events = read_lines(eve);
  r.totals = parse_totals(r.err);
  return r;
}

std::vector<std::string> run_replay(const fs::path& capture, const std::string& tag,
                                    const fs::path& config = {}) {
  fs::path eve = scratch_dir() / (tag + ".replay.json");
  fs::remove(eve);
  std::vector<std::string> args = {BTSENSOR_BIN, "replay", "-q", "--eve", eve.string()};
  if (!config.empty()) args.insert(args.end(), {"-c", config.string()});
  args.push_back(capture.string());
  Child c = spawn(args, tag + ".replay");
  EXPECT_EQ(wait_child(c), 0) << read_file(c.err);
  return read_lines(eve);
}

std::vector<std::string> sorted(std::vector<std::string> v) {
  std::sort(v.begin(), v.end());
  return v;
}

// net_pcap reads captures with microsecond timestamps (see src/dataplane/packet_time.hpp).
// For a nanosecond capture, the same capture at microsecond precision is what both drivers
// can agree on: written here with libpcap.
fs::path to_microseconds(const fs::path& in) {
  fs::path out = scratch_dir() / (in.stem().string() + ".us.pcap");
  char err[PCAP_ERRBUF_SIZE];
  pcap_t* p = pcap_open_offline_with_tstamp_precision(in.c_str(), PCAP_TSTAMP_PRECISION_MICRO, err);
  if (!p) {
    ADD_FAILURE() << in << ": " << err;
    return out;
  }
  pcap_t* dead =
      pcap_open_dead_with_tstamp_precision(pcap_datalink(p), 262144, PCAP_TSTAMP_PRECISION_MICRO);
  pcap_dumper_t* d = pcap_dump_open(dead, out.c_str());
  EXPECT_NE(d, nullptr) << pcap_geterr(dead);
  pcap_pkthdr* h;
  const u_char* data;
  while (d && pcap_next_ex(p, &h, &data) == 1) pcap_dump(reinterpret_cast<u_char*>(d), h, data);
  if (d) pcap_dump_close(d);
  pcap_close(dead);
  pcap_close(p);
  return out;
}

std::string describe(const RunResult& r) {
  std::string s = "exit ";
  s += std::to_string(r.code);
  return s + ", stderr:\n" + r.err;
}

// Every line is one JSON object with an event_type (YAML is a superset of JSON).
void expect_valid_eve(const std::vector<std::string>& lines) {
  size_t bad = 0;
  for (const auto& l : lines) {
    bool ok = !l.empty() && l.front() == '{' && l.back() == '}';
    if (ok) {
      try {
        YAML::Node n = YAML::Load(l);
        ok = n.IsMap() && n["event_type"] && n["timestamp"];
      } catch (const YAML::Exception&) {
        ok = false;
      }
    }
    if (!ok && bad++ < 3) ADD_FAILURE() << "not a complete EVE JSON line: " << l;
  }
  EXPECT_EQ(bad, 0u);
}

// produced = written + dropped + suppressed, and written = the lines in the file.
void expect_events_add_up(const RunResult& r) {
  EXPECT_EQ(r.total("events_produced"),
            r.total("events_written") + r.total("events_dropped") + r.total("events_suppressed"))
      << describe(r);
  EXPECT_EQ(r.total("events_written"), r.events.size()) << describe(r);
}

struct SmokeCase {
  const char* capture;
  unsigned workers;
  bool microseconds;  // convert to a microsecond pcap first
};

class DataplaneSmoke : public ::testing::TestWithParam<SmokeCase> {};

// The same flow records (as EVE lines) as `btsensor replay` on the same capture.
TEST_P(DataplaneSmoke, FlowRecordsEqualReplay) {
  BTSENSOR_REQUIRE_CORPUS();
  const SmokeCase& sc = GetParam();
  fs::path capture = corpus_dir() / sc.capture;
  if (sc.microseconds) capture = to_microseconds(capture);
  std::string tag = capture.stem().string() + "-w" + std::to_string(sc.workers);
  auto replay = sorted(run_replay(capture, tag));
  ASSERT_FALSE(replay.empty());
  RunResult r = run_sensor({"rx_pcap=" + capture.string(), sc.workers}, tag);
  ASSERT_EQ(r.code, 0) << describe(r);
  EXPECT_EQ(r.totals["time_source"], "packet");
  EXPECT_EQ(r.total("ring_dropped"), 0u) << describe(r);
  EXPECT_EQ(r.total("events_dropped"), 0u) << describe(r);
  EXPECT_EQ(r.total("host_misrouted"), 0u) << describe(r);
  EXPECT_EQ(r.total("rx_packets"), r.total("worker_packets"));
  expect_events_add_up(r);
  auto run = sorted(r.events);
  EXPECT_EQ(run.size(), replay.size());
  size_t shown = 0;
  for (size_t i = 0; i < std::min(run.size(), replay.size()) && shown < 3; ++i)
    if (run[i] != replay[i]) {
      ++shown;
      ADD_FAILURE() << "first differences (sorted):\n run:    " << run[i]
                    << "\n replay: " << replay[i];
    }
  EXPECT_TRUE(run == replay);
  std::printf("%s, %u worker(s): %zu records equal to replay\n", sc.capture, sc.workers,
              run.size());
}

INSTANTIATE_TEST_SUITE_P(
    Corpus, DataplaneSmoke,
    ::testing::Values(SmokeCase{"ndpi/bittorrent.pcap", 1, false},
                      SmokeCase{"ndpi/bittorrent.pcap", 2, false},
                      SmokeCase{"ndpi-pr2260/bittorrent_transmission_A.pcapng", 1, true},
                      SmokeCase{"ndpi-pr2260/bittorrent_transmission_A.pcapng", 2, true},
                      SmokeCase{"ndpi-neg/1kxun.pcap", 2, false}),
    [](const auto& info) {
      std::string n = fs::path(info.param.capture).stem().string() + "_" +
                      std::to_string(info.param.workers) + "w";
      std::replace_if(
          n.begin(), n.end(), [](char c) { return !std::isalnum(c); }, '_');
      return n;
    });

// On the original nanosecond pcapng, net_pcap's microsecond timestamps change flow_id (it
// hashes the first packet's time in ns); every other field must still agree.
TEST(Dataplane, NanosecondCaptureAgreesExceptFlowId) {
  BTSENSOR_REQUIRE_CORPUS();
  fs::path capture = corpus_dir() / "ndpi-pr2260/bittorrent_transmission_A.pcapng";
  auto mask = [](std::vector<std::string> v) {
    static const std::regex id("\"flow_id\":[0-9]+");
    for (auto& l : v) l = std::regex_replace(l, id, "\"flow_id\":X");
    return sorted(v);
  };
  auto replay = mask(run_replay(capture, "ns"));
  RunResult r = run_sensor({"rx_pcap=" + capture.string(), 1}, "ns");
  ASSERT_EQ(r.code, 0) << describe(r);
  EXPECT_EQ(mask(r.events), replay);
}

// Exclusions apply at the aggregator's outbound gate exactly as in replay: the Transmission
// capture's host 192.168.1.128 has its bittorrent_user label and its alert excluded.
// Written marked with write_suppressed (the same records as replay), else counted and left
// out, and the summary still adds up.
TEST(Dataplane, ExclusionsAtTheOutboundGate) {
  BTSENSOR_REQUIRE_CORPUS();
  fs::path capture = to_microseconds(corpus_dir() / "ndpi-pr2260/bittorrent_transmission_A.pcapng");
  fs::path excl = scratch_dir() / "exclusions.yaml";
  std::ofstream(excl) << "exclusions:\n"
                      << "  - id: lab-seedbox\n"
                      << "    reason: test\n"
                      << "    owner: test\n"
                      << "    hosts: [192.168.1.128]\n"
                      << "    match: {label: bittorrent_user, model: bittorrent}\n";
  auto marked = [](const std::vector<std::string>& lines) {
    size_t n = 0;
    for (const auto& l : lines)
      n += l.find(R"(,"suppressed":{"exclusion":"lab-seedbox"}})") != std::string::npos;
    return n;
  };
  DpConfig shown{"rx_pcap=" + capture.string(), 1};
  shown.extra = "exclusions: " + excl.string() +
                "\noutputs: {write_suppressed: true, metrics: {listen: \"127.0.0.1:0\"}}\n";
  RunResult r = run_sensor(shown, "excl-shown");
  ASSERT_EQ(r.code, 0) << describe(r);
  expect_events_add_up(r);
  EXPECT_EQ(marked(r.events), 2u) << describe(r);
  EXPECT_EQ(r.total("events_suppressed"), 0u);  // written, marked
  EXPECT_NE(r.err.find("run: 2 events suppressed by 1 exclusion(s) (0 not written): "
                       "lab-seedbox=2\n"),
            std::string::npos)
      << describe(r);
  EXPECT_EQ(sorted(r.events),
            sorted(run_replay(capture, "excl-shown", scratch_dir() / "excl-shown.yaml")));

  DpConfig hidden = shown;
  hidden.extra = "exclusions: " + excl.string() + "\n";
  RunResult h = run_sensor(hidden, "excl-hidden");
  ASSERT_EQ(h.code, 0) << describe(h);
  expect_events_add_up(h);
  EXPECT_EQ(marked(h.events), 0u);
  EXPECT_EQ(h.total("events_suppressed"), 2u) << describe(h);
  EXPECT_EQ(h.events.size() + 2, r.events.size());
  EXPECT_NE(h.err.find("run: 2 events suppressed by 1 exclusion(s) (2 not written): "
                       "lab-seedbox=2\n"),
            std::string::npos)
      << describe(h);
}

// Every flow record lands on the worker that shard_of(host) names: the per-worker flow
// counts the shards report equal the counts computed from the records' hosts, both workers
// get work, and no event reached a worker that does not own its host.
TEST(Dataplane, HostsNeverSplitAcrossWorkers) {
  BTSENSOR_REQUIRE_CORPUS();
  fs::path capture = corpus_dir() / "ndpi-neg/1kxun.pcap";
  RunResult r = run_sensor({"rx_pcap=" + capture.string(), 2}, "split");
  ASSERT_EQ(r.code, 0) << describe(r);
  EXPECT_EQ(r.total("host_misrouted"), 0u);
  std::vector<uint64_t> expected(2, 0);
  HomeNet home = HomeNet::defaults();
  for (const auto& line : r.events) {
    YAML::Node n = YAML::Load(line);
    if (n["event_type"].as<std::string>() != "flow") continue;
    auto src = IpAddr::parse(n["src_ip"].as<std::string>());
    auto dst = IpAddr::parse(n["dest_ip"].as<std::string>());
    ASSERT_TRUE(src && dst) << line;
    // ICMP-like records carry type/code as ports, as the engine keys them.
    FiveTuple t{*src, *dst, n["src_port"].as<uint16_t>(), n["dest_port"].as<uint16_t>(), 0};
    ++expected[shard_of(host_key(home, t).host, 2)];
  }
  std::string each = std::to_string(expected[0]) + "," + std::to_string(expected[1]);
  EXPECT_EQ(r.totals["worker_flows_each"], each) << describe(r);
  EXPECT_GT(expected[0], 0u);
  EXPECT_GT(expected[1], 0u);
}

// Throttled workers and tiny rings: the RX lcore drops, counts by worker, and the run still
// ends cleanly with every received packet either processed or counted as dropped.
TEST(Dataplane, RingFullDropsAreCounted) {
  BTSENSOR_REQUIRE_CORPUS();
  fs::path capture = corpus_dir() / "ndpi-pr2260/bittorrent_transmission_A.pcapng";
  RunResult r = run_sensor({"rx_pcap=" + capture.string(), 2, 64, 20000}, "ringfull");
  ASSERT_EQ(r.code, 0) << describe(r);
  EXPECT_GT(r.total("ring_dropped"), 0u) << describe(r);
  EXPECT_EQ(r.total("rx_packets"), 3656u) << describe(r);
  EXPECT_EQ(r.total("rx_packets"), r.total("worker_packets") + r.total("ring_dropped"))
      << describe(r);
  EXPECT_NE(r.err.find("packets dropped (ring full)"), std::string::npos);
  expect_valid_eve(r.events);
  expect_events_add_up(r);
}

// SIGTERM in the middle of an endless capture (infinite_rx): exit 0, every line a complete
// JSON object, produced = written + dropped, and the shutdown flush wrote its flows.
TEST(Dataplane, SigtermLosesNoEvent) {
  BTSENSOR_REQUIRE_CORPUS();
  fs::path capture = corpus_dir() / "ndpi/bittorrent.pcap";
  DpConfig d{"rx_pcap=" + capture.string() + ",infinite_rx=1", 2};
  fs::path cfg = write_config(d, "sigterm");
  // infinite_rx never goes idle; --exit-on-idle 0 also overrides the config's idle exit.
  fs::path eve = scratch_dir() / "sigterm.json";
  fs::remove(eve);
  auto args = run_args(cfg, eve, d.workers + 3);
  args.insert(args.begin() + 2, {"--exit-on-idle", "0"});
  Child c = spawn(args, "sigterm");
  // Wait until the ports are up, let traffic flow, then stop it.
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (read_file(c.err).find("port 0 net_pcap0") == std::string::npos &&
         std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  kill(c.pid, SIGTERM);
  RunResult r;
  r.code = wait_child(c);
  r.err = read_file(c.err);
  r.events = read_lines(eve);
  r.totals = parse_totals(r.err);
  ASSERT_EQ(r.code, 0) << describe(r);
  EXPECT_EQ(r.totals["stop"], "signal");
  EXPECT_EQ(r.totals["time_source"], "tsc");  // infinite_rx packets carry no timestamp
  EXPECT_GT(r.total("rx_packets"), 299u);     // looped at least once
  EXPECT_GT(r.total("events_produced"), 0u);
  expect_valid_eve(r.events);
  expect_events_add_up(r);
  size_t shutdown = 0;
  for (const auto& l : r.events) shutdown += l.find("\"reason\":\"shutdown\"") != std::string::npos;
  EXPECT_GT(shutdown, 0u) << "the final flush wrote no flow";
}

// A port whose capture file is missing: one clear line naming the port, exit 1, no crash.
TEST(Dataplane, MissingCaptureNamesThePort) {
  RunResult r = run_sensor({"rx_pcap=/nonexistent/capture.pcap", 1}, "badport");
  EXPECT_EQ(r.code, 1) << describe(r);
  EXPECT_NE(r.err.find("dataplane.ports[0] (net_pcap0): rx_pcap=/nonexistent/capture.pcap"),
            std::string::npos)
      << describe(r);
}

// A driver that refuses its arguments (the PMD fails to probe): named, exit 1.
TEST(Dataplane, FailingDriverNamesThePort) {
  fs::path cfg = scratch_dir() / "baddrv.yaml";
  std::ofstream(cfg) << "dataplane:\n  ports: [{name: net_null0, devargs: \"size=notanumber,"
                        "bogus=1\"}]\n  rx_lcores: [1]\n  worker_lcores: [2]\n"
                        "  aggregator_lcore: 3\n  mempool_mbufs: 16383\n  rx_desc: 256\n"
                        "  ring_size: 1024\n";
  Child c = spawn(run_args(cfg, scratch_dir() / "baddrv.json", 4), "baddrv");
  int code = wait_child(c);
  std::string err = read_file(c.err);
  EXPECT_EQ(code, 1) << err;
  EXPECT_NE(err.find("dataplane.ports[0] (net_null0): cannot attach"), std::string::npos) << err;
}

// Config mistakes: file:line:col: key: message, exit 1, before any DPDK work.
TEST(Dataplane, BadConfigIsReportedWithPosition) {
  fs::path cfg = scratch_dir() / "badcfg.yaml";
  std::ofstream(cfg) << "dataplane:\n  ports: [{name: net_null0}]\n  ring_size: 1000\n"
                        "  worker_lcores: [2, 2]\n  time_source: sometimes\n";
  Child c = spawn(run_args(cfg, scratch_dir() / "badcfg.json", 4), "badcfg");
  int code = wait_child(c);
  std::string err = read_file(c.err);
  EXPECT_EQ(code, 1) << err;
  EXPECT_NE(err.find("badcfg.yaml:3:14: dataplane.ring_size: value 1000 must be a power of two"),
            std::string::npos)
      << err;
  EXPECT_NE(err.find("dataplane.worker_lcores: lcore 2 is already the worker lcore"),
            std::string::npos)
      << err;
  EXPECT_NE(err.find("badcfg.yaml:5:16: dataplane.time_source: expected auto, packet or tsc"),
            std::string::npos)
      << err;
}

// An lcore the EAL was not given: named by key, exit 1.
TEST(Dataplane, LcoreNotEnabledIsNamed) {
  fs::path cfg = scratch_dir() / "badlcore.yaml";
  std::ofstream(cfg) << "dataplane:\n  ports: [{name: net_null0}]\n  rx_lcores: [1]\n"
                        "  worker_lcores: [2, 7]\n  aggregator_lcore: 3\n  mempool_mbufs: 16383\n"
                        "  rx_desc: 256\n  ring_size: 1024\n";
  Child c = spawn(run_args(cfg, scratch_dir() / "badlcore.json", 4), "badlcore");
  int code = wait_child(c);
  std::string err = read_file(c.err);
  EXPECT_EQ(code, 1) << err;
  EXPECT_NE(err.find("dataplane.worker_lcores: lcore 7 is not enabled by the EAL"),
            std::string::npos)
      << err;
}

// Resident memory of a process in bytes (VmRSS), 0 when it is gone.
uint64_t rss_of(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  for (std::string line; std::getline(in, line);)
    if (line.rfind("VmRSS:", 0) == 0) return std::stoull(line.substr(6)) * 1024;
  return 0;
}

// Overload for 20 s: an endless capture (infinite_rx), two throttled workers behind tiny
// rings, so the RX lcore drops most packets while flows and labels keep coming and going.
// Every table is preallocated, so after a warm-up (mbufs and tables touched) the resident
// memory must stay flat: sampled every second, growth below 16 MiB.
TEST(Dataplane, MemoryFlatUnderSustainedOverload) {
  BTSENSOR_REQUIRE_CORPUS();
  fs::path capture = corpus_dir() / "ndpi/bittorrent.pcap";
  DpConfig d{"rx_pcap=" + capture.string() + ",infinite_rx=1", 2, 64, 5000};
  fs::path cfg = write_config(d, "soak");
  fs::path eve = scratch_dir() / "soak.json";
  fs::remove(eve);
  auto args = run_args(cfg, eve, d.workers + 3);
  args.insert(args.begin() + 2, {"--exit-on-idle", "0"});
  // Under ASan (CI), freed blocks sit in a quarantine of up to 256 MiB by design, which would
  // read as growth: keep it small for this child so RSS measures the program.
  std::string asan = std::getenv("ASAN_OPTIONS") ? std::getenv("ASAN_OPTIONS") : "";
  setenv("ASAN_OPTIONS", (asan + (asan.empty() ? "" : ":") + "quarantine_size_mb=8").c_str(), 1);
  Child c = spawn(args, "soak");
  setenv("ASAN_OPTIONS", asan.c_str(), 1);
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (read_file(c.err).find("port 0 net_pcap0") == std::string::npos &&
         std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  std::this_thread::sleep_for(std::chrono::seconds(5));  // warm-up
  uint64_t base = rss_of(c.pid), peak = base;
  std::string samples;
  for (int s = 0; s < 20; ++s) {
    std::this_thread::sleep_for(std::chrono::seconds(1));
    uint64_t now = rss_of(c.pid);
    peak = std::max(peak, now);
    samples += " " + std::to_string(now >> 20);
  }
  kill(c.pid, SIGTERM);
  RunResult r;
  r.code = wait_child(c);
  r.err = read_file(c.err);
  r.events = read_lines(eve);
  r.totals = parse_totals(r.err);
  std::printf("soak: rss MiB after warm-up %llu, then%s; rx %llu, ring drops %llu\n",
              (unsigned long long)(base >> 20), samples.c_str(),
              (unsigned long long)r.total("rx_packets"),
              (unsigned long long)r.total("ring_dropped"));
  ASSERT_EQ(r.code, 0) << describe(r);
  ASSERT_GT(base, 0u);
  EXPECT_GT(r.total("ring_dropped"), 0u) << describe(r);
  EXPECT_LT(peak - base, uint64_t(16) << 20) << "rss MiB:" << samples;
  expect_events_add_up(r);
}

}  // namespace
}  // namespace btsensor::test
