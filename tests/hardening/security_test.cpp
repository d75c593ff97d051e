// Security defaults and config bounds: the metrics listener and the syslog target are local
// unless configured otherwise; every numeric key rejects negative, overflowing, fractional and
// out-of-range values with a line naming the key; a replay writes only the configured EVE
// file (nothing in the working directory or $TMPDIR).
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>

#include "control/config.hpp"
#include "control/memory_budget.hpp"
#include "support/process.hpp"
#include "support/temp_dir.hpp"

namespace btsensor::test {
namespace {

namespace fs = std::filesystem;

TEST(Security, MetricsAndSyslogDefaultToLoopback) {
  Diagnostics d;
  auto c = parse_config("", "empty.yaml", d);
  ASSERT_TRUE(c);
  EXPECT_EQ(c->outputs.metrics.listen, "127.0.0.1:9100");
  EXPECT_EQ(default_syslog_address(SyslogTransport::kUdp), "127.0.0.1:514");
  // The shipped configs keep it that way.
  for (const char* rel : {"deploy/btsensor.example.yaml", "deploy/demo.yaml"}) {
    Diagnostics dd;
    auto e = load_config(std::string(BTSENSOR_SOURCE_DIR) + "/" + rel, dd);
    ASSERT_TRUE(e) << rel << ": " << (dd.lines.empty() ? "" : dd.lines[0]);
    EXPECT_EQ(e->outputs.metrics.listen.rfind("127.0.0.1:", 0), 0u) << rel;
  }
}

struct Bound {
  const char* yaml;  // with %s where the value goes
  const char* key;   // as named in the error
  uint64_t lo, hi;
};

std::string fill(const char* tmpl, const std::string& v) {
  std::string s = tmpl;
  return s.replace(s.find("%s"), 2, v);
}

// Every size, count and duration of the config, with its documented range.
const Bound kBounds[] = {
    {"flows: {capacity: %s}", "flows.capacity", 16, 1u << 30},
    {"flows: {expiry_budget: %s}", "flows.expiry_budget", 1, 1u << 20},
    {"flows: {timeouts: {udp: %s}}", "flows.timeouts.udp", 1, 86400},
    {"flows: {timeouts: {tcp_closed: %s}}", "flows.timeouts.tcp_closed", 0, 86400},
    {"hosts: {capacity: %s}", "hosts.capacity", 8, 1u << 26},
    {"dpi: {max_packets: %s}", "dpi.max_packets", 1, 255},
    {"dpi: {max_bytes: %s}", "dpi.max_bytes", 16, 65535},
    {"dpi: {learned_capacity: %s}", "dpi.learned_capacity", 4, 1u << 26},
    {"dpi: {detail_capacity: %s}", "dpi.detail_capacity", 1, 1u << 24},
    {"dpi: {learned_ttl: %s}", "dpi.learned_ttl", 1, 7 * 86400},
    {"reputation: {max_entries: %s}", "reputation.max_entries", 1, 200'000'000},
    {"outputs: {eve: {queue: %s}}", "outputs.eve.queue", 16, 1u << 20},
    {"outputs: {eve: {fsync_interval: %s}}", "outputs.eve.fsync_interval", 1, 3600},
    {"outputs: {syslog: {queue: %s}}", "outputs.syslog.queue", 16, 1u << 20},
    {"outputs: {syslog: {send_timeout: %s}}", "outputs.syslog.send_timeout", 1, 60},
    {"outputs: {community_id_seed: %s}", "outputs.community_id_seed", 0, 65535},
    {"dataplane: {ring_size: %s}", "dataplane.ring_size", 64, 1u << 24},
    {"dataplane: {mempool_mbufs: %s}", "dataplane.mempool_mbufs", 1024, 1u << 26},
    {"dataplane: {rx_desc: %s}", "dataplane.rx_desc", 32, 32768},
    {"dataplane: {burst: %s}", "dataplane.burst", 1, 512},
};

TEST(Security, EveryNumericKeyIsRangeChecked) {
  for (const Bound& b : kBounds) {
    std::vector<std::string> bad = {"-1",  "-0", "18446744073709551616", "1.5", "1e3", "ten",
                                    "[1]", "''"};
    if (b.lo > 0) bad.push_back(std::to_string(b.lo - 1));
    if (b.hi > 0) bad.push_back(std::to_string(b.hi + 1));
    for (const auto& v : bad) {
      Diagnostics d;
      auto c = parse_config(fill(b.yaml, v), "bounds.yaml", d);
      EXPECT_FALSE(c) << b.key << " accepted " << v;
      bool named = false;
      for (const auto& l : d.lines) named |= l.find(b.key) != std::string::npos;
      EXPECT_TRUE(named) << b.key << " = " << v << ": " << (d.lines.empty() ? "" : d.lines[0]);
    }
    if (std::string(b.key).rfind("dataplane.", 0) == 0) continue;  // needs ports etc.
    Diagnostics d;
    auto ok = parse_config(fill(b.yaml, std::to_string(b.lo == 0 ? 1 : b.lo)), "ok.yaml", d);
    EXPECT_TRUE(ok) << b.key << ": " << (d.lines.empty() ? "" : d.lines[0]);
  }
}

// Each key within its bounds, together more than the machine: refused with the keys named
// (it used to pass check-config, then `replay` died with "internal error: std::bad_alloc").
TEST(Security, TablesLargerThanTheMachineAreRefused) {
  Diagnostics d;
  auto c =
      parse_config("flows: {capacity: 1073741824}\nhosts: {capacity: 67108864}\n", "big.yaml", d);
  EngineConfig e;
  e.flow_capacity = 1u << 30;
  e.host_capacity = 1u << 26;
  if (physical_memory_bytes() >= shard_table_bytes(e)) GTEST_SKIP() << "a machine that large";
  ASSERT_FALSE(c);
  ASSERT_EQ(d.lines.size(), 1u);
  EXPECT_EQ(d.lines[0].rfind("big.yaml:1:8: flows.capacity: the engine tables need ~", 0), 0u)
      << d.lines[0];
  EXPECT_NE(d.lines[0].find("more than this machine's"), std::string::npos) << d.lines[0];
  // The defaults and the shipped examples fit easily.
  EXPECT_LT(shard_table_bytes(EngineConfig{}), uint64_t(256) << 20);
}

std::vector<std::string> listing(const fs::path& dir) {
  std::vector<std::string> v;
  for (const auto& e : fs::recursive_directory_iterator(dir))
    v.push_back(fs::relative(e.path(), dir).string());
  std::sort(v.begin(), v.end());
  return v;
}

TEST(Security, ReplayWritesOnlyTheConfiguredEveFile) {
  TempDir dir;
  fs::create_directories(dir / "cwd");
  fs::create_directories(dir / "tmp");
  fs::create_directories(dir / "out");
  fs::create_directories(dir / "home");
  // A capture of one empty record is enough: this is about side effects.
  std::string pcap = dir / "in.pcap";
  {
    // pcap header + one zero-length Ethernet record.
    const unsigned char hdr[] = {0xd4, 0xc3, 0xb2, 0xa1, 2, 0, 4, 0, 0, 0, 0, 0, 0, 0,
                                 0,    0,    0xff, 0xff, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0,
                                 0,    0,    0,    0,    0, 0, 0, 0, 0, 0, 0, 0};
    write_file(pcap, std::string(reinterpret_cast<const char*>(hdr), sizeof(hdr)));
  }
  std::string cmd = "cd " + (dir / "cwd") + " && HOME=" + (dir / "home") +
                    " TMPDIR=" + (dir / "tmp") + " exec " + BTSENSOR_BIN + " replay --eve " +
                    (dir / "out") + "/eve.json " + pcap;
  Child c({"/bin/sh", "-c", cmd}, dir / "log");
  ASSERT_TRUE(wait_for([&] { return !c.running(); }, std::chrono::seconds(60)));
  ASSERT_TRUE(c.status());
  EXPECT_EQ(WEXITSTATUS(*c.status()), 0) << read_file(dir / "log");
  EXPECT_TRUE(listing(dir / "cwd").empty());
  EXPECT_TRUE(listing(dir / "tmp").empty());
  EXPECT_TRUE(listing(dir / "home").empty());
  EXPECT_EQ(listing(dir / "out"), std::vector<std::string>{"eve.json"});
}

}  // namespace
}  // namespace btsensor::test
