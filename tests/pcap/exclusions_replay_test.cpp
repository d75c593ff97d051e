// End to end: `btsensor replay -c CONFIG` on corpus captures with an exclusions file. The
// suppressed label/alert/flow are counted per exclusion in the summary, left out of the EVE
// output by default, and written marked with outputs.write_suppressed.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <sstream>

#include "support/corpus.hpp"
#include "support/json.hpp"
#include "support/temp_dir.hpp"

namespace btsensor::test {
namespace {

struct Replay {
  int rc = -1;
  std::vector<Json> events;
  std::string log;
};

Replay replay(const TempDir& dir, const std::string& capture, bool write_suppressed) {
  const char* bin = std::getenv("BTSENSOR_BIN");
  EXPECT_TRUE(bin) << "BTSENSOR_BIN not set (meson sets it)";
  Replay r;
  if (!bin) return r;
  write_file(dir / "btsensor.yaml",
             std::string("exclusions: exclusions.yaml\n") + "flows: {output: bittorrent}\n" +
                 "outputs: {write_suppressed: " + (write_suppressed ? "true" : "false") + "}\n");
  std::string cmd = std::string("'") + bin + "' replay -c '" + (dir / "btsensor.yaml") +
                    "' --eve '" + (dir / "eve.json") + "' '" + (corpus_dir() / capture).string() +
                    "' 2>'" + (dir / "log.txt") + "'";
  std::filesystem::remove(dir / "eve.json");  // the EVE output appends
  int st = std::system(cmd.c_str());
  r.rc = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
  r.log = read_file(dir / "log.txt");
  std::istringstream in(read_file(dir / "eve.json"));
  for (std::string line; std::getline(in, line);) {
    auto j = JsonParser::parse(line);
    EXPECT_TRUE(j) << line;
    if (j) r.events.push_back(*j);
  }
  return r;
}

size_t count(const Replay& r, const std::string& type, bool suppressed) {
  size_t n = 0;
  for (const Json& e : r.events)
    if (e["event_type"].str() == type && e.has("suppressed") == suppressed) ++n;
  return n;
}

// bt-http.pcapng: 192.168.1.128 announces to tracker.trackerfix.com (label bittorrent_user
// with label.remote = that name, and the announce flow with bittorrent.tracker). An exclusion
// by domain suppresses both; one for another domain suppresses nothing.
TEST(ExclusionsReplay, DomainSuppressesLabelAndTrackerFlow) {
  BTSENSOR_REQUIRE_CORPUS();
  TempDir dir;
  write_file(dir / "exclusions.yaml", R"(exclusions:
  - id: other-tracker
    reason: never matches
    owner: test
    domains: [opentrackr.org]
  - id: trackerfix
    reason: test
    owner: test
    hosts: [192.168.1.0/24]
    domains: [trackerfix.com]
)");
  Replay hidden = replay(dir, "ndpi/bt-http.pcapng", false);
  ASSERT_EQ(hidden.rc, 0) << hidden.log;
  EXPECT_EQ(count(hidden, "label", false), 0u) << hidden.log;
  EXPECT_EQ(count(hidden, "flow", false), 0u);
  EXPECT_NE(hidden.log.find("replay: 2 events suppressed by 2 exclusion(s) (2 not written): "
                            "trackerfix=2\n"),
            std::string::npos)
      << hidden.log;

  Replay shown = replay(dir, "ndpi/bt-http.pcapng", true);
  ASSERT_EQ(shown.rc, 0) << shown.log;
  ASSERT_EQ(count(shown, "label", true), 1u) << shown.log;
  EXPECT_EQ(count(shown, "flow", true), 1u);
  EXPECT_EQ(count(shown, "label", false) + count(shown, "flow", false), 0u);
  for (const Json& e : shown.events) EXPECT_EQ(e["suppressed"]["exclusion"].str(), "trackerfix");
  for (const Json& e : shown.events) {
    if (e["event_type"].str() == "label") {
      EXPECT_EQ(e["label"]["remote"].str(), "tracker.trackerfix.com");
    }
  }
  EXPECT_NE(shown.log.find("replay: 2 events suppressed by 2 exclusion(s) (0 not written): "
                           "trackerfix=2\n"),
            std::string::npos)
      << shown.log;
}

// The Transmission capture: 192.168.1.128 gets bittorrent_user (UDP tracker) and the
// bittorrent alert. An exclusion of that host's label and alert suppresses exactly those
// two; its BitTorrent flow records still come out.
TEST(ExclusionsReplay, HostLabelAndAlertSuppressed) {
  BTSENSOR_REQUIRE_CORPUS();
  TempDir dir;
  write_file(dir / "exclusions.yaml", R"(exclusions:
  - id: lab-seedbox
    reason: test
    owner: test
    hosts: [192.168.1.128]
    match: {label: bittorrent_user, model: bittorrent}
    window: {days: [sat], hours: "12:00-13:00", tz: Europe/Paris}  # 2021-09-18 10:34Z
)");
  Replay base = replay(dir, "ndpi-pr2260/bittorrent_transmission_A.pcapng", true);
  ASSERT_EQ(base.rc, 0) << base.log;
  EXPECT_EQ(count(base, "label", true), 1u) << base.log;
  EXPECT_EQ(count(base, "alert", true), 1u);
  EXPECT_EQ(count(base, "label", false) + count(base, "alert", false), 0u);
  const size_t flows = count(base, "flow", false);
  EXPECT_GT(flows, 400u);
  EXPECT_EQ(count(base, "flow", true), 0u);
  EXPECT_NE(base.log.find("(0 not written): lab-seedbox=2\n"), std::string::npos) << base.log;

  Replay hidden = replay(dir, "ndpi-pr2260/bittorrent_transmission_A.pcapng", false);
  ASSERT_EQ(hidden.rc, 0) << hidden.log;
  EXPECT_EQ(count(hidden, "label", false) + count(hidden, "alert", false), 0u);
  EXPECT_EQ(count(hidden, "flow", false), flows);
  EXPECT_NE(hidden.log.find("replay: 2 events suppressed by 1 exclusion(s) (2 not written): "
                            "lab-seedbox=2\n"),
            std::string::npos)
      << hidden.log;
  EXPECT_NE(hidden.log.find(std::to_string(flows) + " events written"), std::string::npos)
      << hidden.log;

  // Outside the window (an hour earlier in Paris): nothing suppressed.
  write_file(dir / "exclusions.yaml", R"(exclusions:
  - id: lab-seedbox
    reason: test
    owner: test
    hosts: [192.168.1.128]
    match: {label: bittorrent_user, model: bittorrent}
    window: {days: [sat], hours: "11:00-12:00", tz: Europe/Paris}
)");
  Replay outside = replay(dir, "ndpi-pr2260/bittorrent_transmission_A.pcapng", false);
  ASSERT_EQ(outside.rc, 0) << outside.log;
  EXPECT_EQ(count(outside, "label", false), 1u);
  EXPECT_EQ(count(outside, "alert", false), 1u);
  EXPECT_NE(outside.log.find("replay: 0 events suppressed by 1 exclusion(s) (0 not written)\n"),
            std::string::npos)
      << outside.log;
}

}  // namespace
}  // namespace btsensor::test
