// The control plane of a running sensor, in one process: hot reload (all or nothing, as
// strict as check-config, restart-only keys reported, feed files watched) and the control
// socket (every command, errors, permissions), with a shard answering through its
// mailbox on its own thread as a worker lcore does.
#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <atomic>
#include <fstream>
#include <thread>

#include "btsensor/shard.hpp"
#include "control/config.hpp"
#include "control/control_server.hpp"
#include "control/reloader.hpp"
#include "control/shared_state.hpp"
#include "support/collect_sink.hpp"
#include "support/frames.hpp"
#include "support/pipeline.hpp"
#include "support/temp_dir.hpp"

namespace btsensor::test {
namespace {

constexpr Timestamp S = kNsPerSec;
constexpr Timestamp T0 = 1'700'000'000 * S;

void write(const std::string& path, const std::string& text) {
  std::ofstream(path) << text;
}

std::string config_text(const std::string& home = "[10.0.0.0/8]", int watch_interval = 0) {
  std::string s = "home_net: " + home + "\npipeline: " + source_pipeline_dir() +
                  "\nreputation:\n  feeds:\n    - {name: t, path: feed.txt, format: ip_list}\n";
  if (watch_interval)
    s += "  watch: true\n  watch_interval: " + std::to_string(watch_interval) + "\n";
  return s;
}

struct ReloadFixture : ::testing::Test {
  TempDir dir;
  SharedTables shared;
  StoppedReaders none;
  ControlStats stats;
  SensorConfig cfg;
  void start(const std::string& text, const std::string& feed) {
    write(dir / "feed.txt", feed);
    write(dir / "sensor.yaml", text);
    Diagnostics diag;
    auto c = load_config(dir / "sensor.yaml", diag);
    ASSERT_TRUE(c) << diag.lines[0];
    cfg = *c;
    ASSERT_TRUE(load_shared_state(cfg, 2, false, diag, shared, none));
  }
  // Requests and polls until done, as the control loop does.
  ReloadResult reload(Reloader& r) {
    ReloadResult out;
    bool done = false;
    r.request(ReloadScope::kAll, "test", [&](const ReloadResult& x) {
      out = x;
      done = true;
    });
    for (int i = 0; i < 2000 && !done; ++i) {
      r.poll();
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    EXPECT_TRUE(done);
    return out;
  }
  bool listed(const char* a) {
    const RepEntry* e = shared.reputation.get()->lookup(ip(a));
    return e != nullptr;
  }
};

TEST_F(ReloadFixture, NewFeedIsPublishedAndCounted) {
  start(config_text(), "198.51.100.1\n");
  Reloader r(cfg, 2, shared, none, stats);
  ASSERT_EQ(stats.feeds().size(), 1u);
  double first_load = stats.feeds()[0].loaded_at;
  EXPECT_FALSE(listed("198.51.100.2"));
  write(dir / "feed.txt", "198.51.100.1\n198.51.100.2\n");
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  ReloadResult res = reload(r);
  EXPECT_TRUE(res.ok) << (res.errors.empty() ? "" : res.errors[0]);
  EXPECT_EQ(res.reloaded, (std::vector<std::string>{"pipeline", "feeds"}));
  EXPECT_TRUE(listed("198.51.100.2"));
  EXPECT_EQ(stats.reloads_ok.get(), 1u);
  EXPECT_EQ(stats.reloads_failed.get(), 0u);
  EXPECT_EQ(stats.feeds()[0].entries, 2u);
  EXPECT_GT(stats.feeds()[0].loaded_at, first_load);  // feed age restarts at a good load
}

// A feed line that does not parse fails the reload (as check-config would), and the
// running table stays, with its load time.
TEST_F(ReloadFixture, BadFeedKeepsTheRunningState) {
  start(config_text(), "198.51.100.1\n");
  Reloader r(cfg, 2, shared, none, stats);
  const ReputationTable* before = shared.reputation.get();
  double loaded_at = stats.feeds()[0].loaded_at;
  write(dir / "feed.txt", "198.51.100.1\n<html>404</html>\n");
  ReloadResult res = reload(r);
  EXPECT_FALSE(res.ok);
  ASSERT_FALSE(res.errors.empty());
  EXPECT_NE(res.errors[0].find("feed.txt:2:"), std::string::npos) << res.errors[0];
  EXPECT_EQ(shared.reputation.get(), before);
  EXPECT_TRUE(listed("198.51.100.1"));
  EXPECT_EQ(stats.reloads_failed.get(), 1u);
  EXPECT_EQ(stats.feeds()[0].loaded_at, loaded_at);
  // A missing feed file, a broken config: failed too.
  std::filesystem::remove(dir / "feed.txt");
  EXPECT_FALSE(reload(r).ok);
  write(dir / "feed.txt", "198.51.100.1\n");
  write(dir / "sensor.yaml", config_text() + "bogus_key: 1\n");
  res = reload(r);
  EXPECT_FALSE(res.ok);
  EXPECT_NE(res.errors[0].find("bogus_key"), std::string::npos);
  EXPECT_EQ(stats.reloads_failed.get(), 3u);
  EXPECT_EQ(shared.reputation.get(), before);
}

TEST_F(ReloadFixture, BadPipelineKeepsTheRunningSignatures) {
  start(config_text(), "198.51.100.1\n");
  Reloader r(cfg, 2, shared, none, stats);
  const SignatureSet* sigs = shared.signatures.get();
  std::string text = config_text();
  text.replace(text.find(source_pipeline_dir()), source_pipeline_dir().size(), "/nonexistent");
  write(dir / "sensor.yaml", text);
  ReloadResult res = reload(r);
  EXPECT_FALSE(res.ok);
  EXPECT_EQ(shared.signatures.get(), sigs);
}

// Keys that size tables or wire the dataplane: reported, the running value kept.
TEST_F(ReloadFixture, RestartOnlyKeysAreReported) {
  start(config_text(), "198.51.100.1\n");
  Reloader r(cfg, 2, shared, none, stats);
  write(dir / "sensor.yaml", config_text("[192.168.0.0/16]") + "hosts: {capacity: 4096}\n");
  ReloadResult res = reload(r);
  EXPECT_TRUE(res.ok);
  EXPECT_EQ(res.restart_needed, (std::vector<std::string>{"home_net", "hosts"}));
  EXPECT_EQ(r.running().engine.host_capacity, cfg.engine.host_capacity);
  auto lines = Reloader::describe(res);
  EXPECT_NE(lines[1].find("home_net: changed, but it is not reloadable"), std::string::npos);
}

// reputation.watch: a changed feed file is re-read once it has settled (two polls).
TEST_F(ReloadFixture, WatchedFeedIsReloadedWhenItChanges) {
  start(config_text("[10.0.0.0/8]", 1), "198.51.100.1\n");
  Reloader r(cfg, 2, shared, none, stats);
  // Written elsewhere, renamed into place: the watcher sees a new inode at once.
  write(dir / "feed.new", "198.51.100.1\n198.51.100.3\n");
  std::filesystem::rename(dir / "feed.new", dir / "feed.txt");
  for (int i = 0; i < 120 && stats.reloads_ok.get() == 0; ++i) {
    r.poll();
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  EXPECT_EQ(stats.reloads_ok.get(), 1u);
  EXPECT_TRUE(listed("198.51.100.3"));
  ASSERT_FALSE(r.history().empty());
  EXPECT_EQ(r.history().back().trigger, "feed change");
  EXPECT_EQ(r.history().back().reloaded, std::vector<std::string>{"feeds"});
}

// --- control socket ----------------------------------------------------------------

// One request line → one response line.
std::string ask(const std::string& sock, const std::string& line) {
  int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
  sockaddr_un a{};
  a.sun_family = AF_UNIX;
  std::snprintf(a.sun_path, sizeof a.sun_path, "%s", sock.c_str());
  if (::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
    ::close(fd);
    return "connect failed";
  }
  std::string req = line + "\n";
  (void)!::write(fd, req.data(), req.size());
  std::string in;
  char buf[4096];
  while (in.find('\n') == std::string::npos) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n <= 0) break;
    in.append(buf, size_t(n));
  }
  ::close(fd);
  return in.substr(0, in.find('\n'));
}

JsonValue ask_json(const std::string& sock, const std::string& line) {
  std::string r = ask(sock, line);
  auto v = parse_json(r);
  EXPECT_TRUE(v) << r;
  return v ? *v : JsonValue();
}

struct ControlFixture : ReloadFixture {
  EngineConfig ecfg;
  CollectSink sink;
  std::unique_ptr<Shard> shard;
  std::unique_ptr<Reloader> reloader;
  std::unique_ptr<ControlServer> server;
  std::atomic<bool> stop{false};
  std::thread control_thread, worker_thread;
  ShardMailbox box;

  void SetUp() override {
    start(config_text(), "198.51.100.10\n");
    ecfg.flow_capacity = 1024;
    ecfg.host_capacity = 1024;
    shard = std::make_unique<Shard>(ecfg, sink, &shared, 0);
    send(T0, FrameSpec{ip("10.0.0.5"), ip("198.51.100.10"), 40000, 6969, kProtoTcp, 0x02, {}, {}});
    reloader = std::make_unique<Reloader>(cfg, 1, shared, none, stats);
    ControlContext ctx;
    ctx.version = "9.9.9";
    ctx.stats = [](JsonWriter& w) { w.field("packets", 1); };
    ctx.reloader = reloader.get();
    ctx.mailboxes = {&box};
    ctx.extra.push_back({"echo", [](const JsonValue& req, JsonWriter& w) -> Result<bool> {
                           if (!req["say"].is_string()) return Error{"echo: say what?"};
                           w.field("said", req["say"].as_string());
                           return true;
                         }});
    auto s = ControlServer::open(dir / "run/ctl.sock", std::move(ctx));
    ASSERT_TRUE(s) << s.error();
    server = std::move(*s);
    // The shard's own thread serves queries between "bursts"; the control thread polls.
    worker_thread = std::thread([this] {
      while (!stop.load()) {
        box.serve(*shard);
        std::this_thread::sleep_for(std::chrono::microseconds(200));
      }
    });
    control_thread = std::thread([this] {
      while (!stop.load()) {
        reloader->poll();
        server->poll();
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
      }
    });
  }
  void TearDown() override {
    stop = true;
    if (worker_thread.joinable()) worker_thread.join();
    if (control_thread.joinable()) control_thread.join();
    server.reset();
  }
  void send(Timestamp ts, FrameSpec f) {
    Bytes fr = ether_frame(f);
    RawPacket p{fr.data(), uint32_t(fr.size()), uint32_t(fr.size()), ts, LinkType::kEthernet};
    shard->process({&p, 1});
  }
  std::string sock() { return dir / "run/ctl.sock"; }
};

TEST_F(ControlFixture, SocketIsOwnerOnly) {
  struct stat st {};
  ASSERT_EQ(::stat(sock().c_str(), &st), 0);
  EXPECT_TRUE(S_ISSOCK(st.st_mode));
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  ASSERT_EQ(::stat((dir / "run").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0700u);  // created by the server
  // A second server on the same path: refused while the first one answers.
  auto again = ControlServer::open(sock(), ControlContext{});
  ASSERT_FALSE(again);
  EXPECT_NE(again.error().find("in use"), std::string::npos);
}

TEST_F(ControlFixture, EveryCommandAndItsErrors) {
  JsonValue v = ask_json(sock(), R"({"cmd":"version","id":7})");
  EXPECT_TRUE(v["ok"].as_bool());
  EXPECT_EQ(v["version"].as_string(), "9.9.9");
  EXPECT_EQ(v["id"].as_int(), 7);

  v = ask_json(sock(), R"({"cmd":"stats"})");
  EXPECT_EQ(v["stats"]["packets"].as_int(), 1);

  v = ask_json(sock(), R"({"cmd":"labels"})");
  ASSERT_TRUE(v["ok"].as_bool());
  ASSERT_EQ(v["labels"].as_array().size(), 1u);
  const JsonValue& l = v["labels"].as_array()[0];
  EXPECT_EQ(l["host"].as_string(), "10.0.0.5");
  EXPECT_EQ(l["label"].as_string(), "bittorrent_user");
  EXPECT_EQ(l["set_at"].as_string(), "2023-11-14T22:13:20.000000Z");
  EXPECT_EQ(l["expires"].as_string(), "2023-11-14T22:43:20.000000Z");
  EXPECT_EQ(l["reason"].as_array()[0].as_string(), "tracker_reputation");
  EXPECT_EQ(l["flow"]["dest_port"].as_int(), 6969);
  v = ask_json(sock(), R"({"cmd":"labels","label":"torrent_site"})");
  EXPECT_EQ(v["labels"].as_array().size(), 0u);
  v = ask_json(sock(), R"({"cmd":"labels","label":"nope"})");
  EXPECT_FALSE(v["ok"].as_bool());

  v = ask_json(sock(), R"({"cmd":"host","ip":"10.0.0.5"})");
  ASSERT_TRUE(v["ok"].as_bool()) << ask(sock(), R"({"cmd":"host","ip":"10.0.0.5"})");
  EXPECT_TRUE(v["host"]["known"].as_bool());
  EXPECT_EQ(v["host"]["labels"].as_array().size(), 1u);
  EXPECT_EQ(v["host"]["learned_peers"].as_int(), 0);
  EXPECT_FALSE(v["host"]["alert"]["fired"].as_bool());
  v = ask_json(sock(), R"({"cmd":"host","ip":"10.0.0.77"})");
  EXPECT_TRUE(v["ok"].as_bool());
  EXPECT_FALSE(v["host"]["known"].as_bool());

  // Errors: bad IP, missing IP, unknown command, no cmd, not JSON, not an object.
  v = ask_json(sock(), R"({"cmd":"host","ip":"10.0.0.999"})");
  EXPECT_FALSE(v["ok"].as_bool());
  EXPECT_EQ(v["error"].as_string(), "host: \"ip\" '10.0.0.999' is not an IPv4/IPv6 address");
  v = ask_json(sock(), R"({"cmd":"host"})");
  EXPECT_FALSE(v["ok"].as_bool());
  v = ask_json(sock(), R"({"cmd":"frobnicate"})");
  EXPECT_FALSE(v["ok"].as_bool());
  EXPECT_EQ(v["error"].as_string(),
            "unknown command 'frobnicate' (known: version, stats, reload, labels, host, echo)");
  v = ask_json(sock(), R"({"id":"x"})");
  EXPECT_FALSE(v["ok"].as_bool());
  EXPECT_EQ(v["id"].as_string(), "x");
  v = ask_json(sock(), "this is not json");
  EXPECT_FALSE(v["ok"].as_bool());
  EXPECT_NE(v["error"].as_string().find("not valid JSON"), std::string::npos);
  v = ask_json(sock(), "[1,2]");
  EXPECT_FALSE(v["ok"].as_bool());

  // A handler the wiring added.
  v = ask_json(sock(), R"({"cmd":"echo","say":"hi"})");
  EXPECT_EQ(v["said"].as_string(), "hi");
  v = ask_json(sock(), R"({"cmd":"echo"})");
  EXPECT_EQ(v["error"].as_string(), "echo: say what?");
}

TEST_F(ControlFixture, ReloadAnswersWithTheResult) {
  JsonValue v = ask_json(sock(), R"({"cmd":"reload"})");
  EXPECT_TRUE(v["ok"].as_bool());
  EXPECT_EQ(v["reload"]["reloaded"].as_array().size(), 2u);
  write(dir / "feed.txt", "not an address\n");
  v = ask_json(sock(), R"({"cmd":"reload"})");
  EXPECT_FALSE(v["ok"].as_bool());
  EXPECT_NE(v["error"].as_string().find("feed.txt:1:"), std::string::npos);
  EXPECT_EQ(stats.reloads_ok.get(), 1u);
  EXPECT_EQ(stats.reloads_failed.get(), 1u);
}

// Several requests on one connection are answered in order.
TEST_F(ControlFixture, PipelinedRequestsInOrder) {
  int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
  sockaddr_un a{};
  a.sun_family = AF_UNIX;
  std::snprintf(a.sun_path, sizeof a.sun_path, "%s", sock().c_str());
  ASSERT_EQ(::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
  std::string reqs =
      "{\"cmd\":\"labels\",\"id\":1}\n{\"cmd\":\"version\",\"id\":2}\n{\"cmd\":\"host\","
      "\"ip\":\"10.0.0.5\",\"id\":3}\n";
  ASSERT_EQ(::write(fd, reqs.data(), reqs.size()), ssize_t(reqs.size()));
  ::shutdown(fd, SHUT_WR);
  std::string in;
  char buf[4096];
  for (ssize_t n; (n = ::read(fd, buf, sizeof buf)) > 0;) in.append(buf, size_t(n));
  ::close(fd);
  std::vector<int64_t> ids;
  for (size_t at = 0, nl; (nl = in.find('\n', at)) != std::string::npos; at = nl + 1) {
    auto v = parse_json(in.substr(at, nl - at));
    ASSERT_TRUE(v);
    ids.push_back((*v)["id"].as_int());
  }
  EXPECT_EQ(ids, (std::vector<int64_t>{1, 2, 3}));
}

}  // namespace
}  // namespace btsensor::test
