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
#include "control/exclusion_control.hpp"
#include "control/exclusions_loader.hpp"
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

// The exclusions file reloads with the rest; a bad one fails the whole reload.
TEST_F(ReloadFixture, ExclusionsReloadAllOrNothing) {
  auto xfile = [&](const std::string& host) {
    write(dir / "x.yaml",
          "exclusions:\n  - {id: lab, reason: r, owner: o, hosts: [" + host + "]}\n");
  };
  xfile("10.0.0.1");
  start(config_text() + "exclusions: x.yaml\n", "198.51.100.1\n");
  auto ids = ExclusionIds::make();
  ExclusionControl x(shared.exclusions, none, ids, "");
  {
    Diagnostics d;
    auto base = load_configured_exclusions(cfg, d, nullptr);
    ASSERT_TRUE(base);
    ASSERT_TRUE(x.set_base(std::move(*base), nullptr));
  }
  Reloader r(cfg, 2, shared, none, stats);
  r.set_exclusions(&x);
  LabelEvent e;
  e.ts = T0;
  e.host = ip("10.0.0.2");
  EXPECT_EQ(shared.exclusions.get()->match(e), 0);
  xfile("10.0.0.2");
  ReloadResult res = reload(r);
  ASSERT_TRUE(res.ok) << (res.errors.empty() ? "" : res.errors[0]);
  EXPECT_EQ(res.reloaded, (std::vector<std::string>{"exclusions", "pipeline", "feeds"}));
  EXPECT_EQ(shared.exclusions.get()->match(e), 1);
  const ExclusionSet* before = shared.exclusions.get();
  const ReputationTable* rep = shared.reputation.get();
  write(dir / "x.yaml", "exclusions:\n  - {id: lab, reason: r, hosts: [10.0.0.3]}\n");
  res = reload(r);
  EXPECT_FALSE(res.ok);
  ASSERT_FALSE(res.errors.empty());
  EXPECT_NE(res.errors[0].find("x.yaml:2:"), std::string::npos) << res.errors[0];
  EXPECT_EQ(shared.exclusions.get(), before);
  EXPECT_EQ(shared.reputation.get(), rep);
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

// --- exclusions changed at run time ---------------------------------------------------

LabelEvent label_of(const char* host) {
  LabelEvent e;
  e.ts = T0;
  e.host = ip(host);
  e.label = uint8_t(LabelId::kBittorrentUser);
  return e;
}

// The id an event is attributed to, through the published set and the id table.
std::string covered_by(const Published<ExclusionSet>& p, const ExclusionIds& ids, const char* h) {
  uint16_t m = p.get()->match(label_of(h));
  return m ? *ids.at(m - 1) : std::string("-");
}

JsonValue entry(const std::string& json) {
  auto v = parse_json(json);
  EXPECT_TRUE(v) << json;
  return *v;
}

struct ExclusionFixture : ::testing::Test {
  TempDir dir;
  Published<ExclusionSet> published;
  StoppedReaders none;
  std::shared_ptr<ExclusionIds> ids = ExclusionIds::make();
  std::unique_ptr<ExclusionControl> x;
  void SetUp() override {
    x = std::make_unique<ExclusionControl>(published, none, ids, dir / "runtime.json");
    ASSERT_TRUE(x->set_base(file_set("a:10.0.0.1", "b:10.0.0.2"), nullptr));
  }
  // "id:host" entries as an exclusions file would give them.
  template <class... E>
  std::unique_ptr<ExclusionSet> file_set(E... e) {
    std::string text = "exclusions:\n";
    for (std::string one : {std::string(e)...}) {
      auto colon = one.find(':');
      text += "  - {id: " + one.substr(0, colon) + ", reason: r, owner: o, hosts: [" +
              one.substr(colon + 1) + "]}\n";
    }
    Diagnostics diag;
    auto set = parse_exclusions(text, "x.yaml", diag);
    EXPECT_TRUE(set) << (diag.lines.empty() ? "" : diag.lines[0]);
    return std::move(*set);
  }
};

TEST_F(ExclusionFixture, AddRemoveAndIdsKeepTheirIndex) {
  EXPECT_EQ(covered_by(published, *ids, "10.0.0.1"), "a");
  JsonWriter out;
  ASSERT_TRUE(
      x->add(entry(R"({"id":"c","reason":"lab","owner":"soc","hosts":["10.0.0.3"]})"), false, out));
  EXPECT_EQ(covered_by(published, *ids, "10.0.0.3"), "c");
  // Errors: duplicate id, invalid entry (the loader's message), unknown id on remove.
  auto dup =
      x->add(entry(R"({"id":"a","reason":"r","owner":"o","hosts":["10.0.0.9"]})"), false, out);
  ASSERT_FALSE(dup);
  EXPECT_NE(dup.error().find("'a' exists"), std::string::npos) << dup.error();
  auto bad = x->add(entry(R"({"id":"d","reason":"r","hosts":["10.0.0.4"]})"), false, out);
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().find("owner"), std::string::npos) << bad.error();
  EXPECT_FALSE(x->remove("nope", false, out));
  // Removing a file entry: refused with persist, fine without.
  EXPECT_FALSE(x->remove("a", true, out));
  ASSERT_TRUE(x->remove("a", false, out));
  EXPECT_EQ(covered_by(published, *ids, "10.0.0.1"), "-");
  EXPECT_EQ(covered_by(published, *ids, "10.0.0.3"), "c");
  EXPECT_EQ(*ids->at(0), "a");  // index 0 keeps naming "a" (events in flight, counters)
  EXPECT_EQ(ids->size(), 3u);
  JsonWriter l;
  x->list(l);
  EXPECT_EQ(
      l.str(),
      R"("exclusions":[{"id":"b","source":"file"},{"id":"c","source":"runtime"}],"removed":["a"])");
}

// A reload brings a new file: run-time changes stay, a run-time id the file now defines
// gives way, and indexes never move.
TEST_F(ExclusionFixture, RuntimeChangesSurviveAReload) {
  JsonWriter out;
  ASSERT_TRUE(
      x->add(entry(R"({"id":"c","reason":"r","owner":"o","hosts":["10.0.0.3"]})"), false, out));
  ASSERT_TRUE(
      x->add(entry(R"({"id":"e","reason":"r","owner":"o","hosts":["10.0.0.5"]})"), false, out));
  ASSERT_TRUE(x->remove("b", false, out));
  std::vector<std::string> notes;
  ASSERT_TRUE(x->set_base(file_set("e:10.0.0.50", "b:10.0.0.2", "f:10.0.0.6"), &notes));
  ASSERT_EQ(notes.size(), 1u);
  EXPECT_NE(notes[0].find("'e'"), std::string::npos);
  EXPECT_EQ(covered_by(published, *ids, "10.0.0.1"), "-");  // "a" left the file
  EXPECT_EQ(covered_by(published, *ids, "10.0.0.2"), "-");  // "b" removed at run time
  EXPECT_EQ(covered_by(published, *ids, "10.0.0.3"), "c");
  EXPECT_EQ(covered_by(published, *ids, "10.0.0.5"), "-");  // the file's "e" applies
  EXPECT_EQ(covered_by(published, *ids, "10.0.0.50"), "e");
  EXPECT_EQ(covered_by(published, *ids, "10.0.0.6"), "f");
  EXPECT_EQ(*ids->at(0), "a");
  EXPECT_EQ(*ids->at(4), "f");
}

TEST_F(ExclusionFixture, PersistedAdditionsComeBackAtStart) {
  JsonWriter out;
  ASSERT_TRUE(
      x->add(entry(R"({"id":"p","reason":"r","owner":"o","hosts":["10.0.0.7"]})"), true, out));
  ASSERT_TRUE(
      x->add(entry(R"({"id":"t","reason":"r","owner":"o","hosts":["10.0.0.8"]})"), false, out));
  EXPECT_EQ(out.str().find("\"persisted\":true") != std::string::npos, true);
  // A new sensor: the persisted one is back, the run-time-only one is not.
  Published<ExclusionSet> p2;
  auto ids2 = ExclusionIds::make();
  ExclusionControl again(p2, none, ids2, dir / "runtime.json");
  Diagnostics diag;
  again.load_persisted(diag);
  EXPECT_TRUE(diag.empty()) << diag.lines[0];
  ASSERT_TRUE(again.set_base(file_set("a:10.0.0.1"), nullptr));
  EXPECT_EQ(covered_by(p2, *ids2, "10.0.0.7"), "p");
  EXPECT_EQ(covered_by(p2, *ids2, "10.0.0.8"), "-");
  // Removing the persisted entry rewrites the file.
  JsonWriter o2;
  ASSERT_TRUE(again.remove("p", false, o2));
  Published<ExclusionSet> p3;
  auto ids3 = ExclusionIds::make();
  ExclusionControl third(p3, none, ids3, dir / "runtime.json");
  third.load_persisted(diag);
  ASSERT_TRUE(third.set_base(file_set("a:10.0.0.1"), nullptr));
  EXPECT_EQ(covered_by(p3, *ids3, "10.0.0.7"), "-");
  // Without a runtime file configured, persist is refused.
  ExclusionControl nofile(p3, none, ids3, "");
  JsonWriter o3;
  auto r = nofile.add(entry(R"({"id":"q","reason":"r","owner":"o"})"), true, o3);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().find("control.runtime_exclusions"), std::string::npos);
}

// The control socket command, through the handler the wiring registers.
TEST_F(ExclusionFixture, HandlerActions) {
  ControlHandler h = x->handler();
  JsonWriter out;
  EXPECT_TRUE(h(entry(R"({"cmd":"exclusion","action":"list"})"), out));
  auto r = h(entry(R"({"cmd":"exclusion","action":"add"})"), out);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().find("\"exclusion\" must be an object"), std::string::npos);
  r = h(entry(R"({"cmd":"exclusion","action":"fly"})"), out);
  ASSERT_FALSE(r);
  r = h(entry(R"({"cmd":"exclusion","action":"remove","id":"a","persist":"yes"})"), out);
  ASSERT_FALSE(r);
  EXPECT_TRUE(h(entry(R"({"cmd":"exclusion","action":"remove","id":"a"})"), out));
}

}  // namespace
}  // namespace btsensor::test
