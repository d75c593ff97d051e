// deploy/: the Prometheus config and alert rules pass promtool (syntax and rule unit tests),
// and every metric the rules and the Grafana dashboard use is in the sensor's catalogue —
// produced today, or listed there as planned (and reported here as such).
#include <gtest/gtest.h>

#include <algorithm>
#include <regex>
#include <set>

#include "outputs/metrics_catalogue.hpp"
#include "support/json.hpp"
#include "support/process.hpp"
#include "support/temp_dir.hpp"

namespace btsensor::test {
namespace {

using namespace std::chrono_literals;

const std::string kDeploy = std::string(BTSENSOR_SOURCE_DIR) + "/deploy";

// Runs a command to completion (bounded); returns its exit code, or -1.
int run(const std::vector<std::string>& argv, const std::string& log) {
  Child c(argv, log);
  if (!c.started()) return -1;
  if (!wait_for([&] { return !c.running(); }, 60s)) return -1;
  return c.status() && WIFEXITED(*c.status()) ? WEXITSTATUS(*c.status()) : -1;
}

std::set<std::string> metric_names_in(const std::string& text) {
  std::set<std::string> names;
  static const std::regex re("btsensor_[a-z0-9_]+");
  for (auto it = std::sregex_iterator(text.begin(), text.end(), re); it != std::sregex_iterator();
       ++it)
    names.insert(it->str());
  return names;
}

// Checks names against the catalogue; returns the planned ones used.
std::set<std::string> check_catalogued(const std::set<std::string>& names, const char* where) {
  std::set<std::string> planned;
  for (const auto& n : names) {
    const FamilySpec* f = find_family(n);
    EXPECT_TRUE(f) << where << " uses " << n << ", which is not in the metric catalogue "
                   << "(src/outputs/metrics_catalogue.cpp)";
    if (f && f->status == FamilyStatus::kPlanned) planned.insert(n);
  }
  return planned;
}

TEST(Deploy, PromtoolAcceptsConfigAndRules) {
  BTSENSOR_REQUIRE_PROGRAM(promtool, "promtool");
  TempDir dir;
  EXPECT_EQ(run({promtool, "check", "rules", kDeploy + "/prometheus/btsensor.rules.yml"},
                dir / "rules.log"),
            0)
      << read_file(dir / "rules.log");
  EXPECT_EQ(run({promtool, "check", "config", kDeploy + "/prometheus/prometheus.yml"},
                dir / "config.log"),
            0)
      << read_file(dir / "config.log");
  // The alerts fire on the series they are meant for, and only on those.
  EXPECT_EQ(run({promtool, "test", "rules", kDeploy + "/prometheus/btsensor.rules.test.yml"},
                dir / "test.log"),
            0)
      << read_file(dir / "test.log");
}

TEST(Deploy, AlertRulesUseCataloguedMetrics) {
  std::string rules = read_file(kDeploy + "/prometheus/btsensor.rules.yml");
  ASSERT_FALSE(rules.empty());
  auto names = metric_names_in(rules);
  for (const char* must : {"btsensor_port_rx_missed_packets_total", "btsensor_port_rx_nombuf_total",
                           "btsensor_ring_dropped_packets_total", "btsensor_port_rx_packets_total",
                           "btsensor_output_records_dropped_total", "btsensor_feed_age_seconds"})
    EXPECT_TRUE(names.count(must)) << "rules no longer use " << must;
  auto planned = check_catalogued(names, "btsensor.rules.yml");
  // Honest about what a scrape returns today: every metric the rules use is produced.
  EXPECT_EQ(planned, std::set<std::string>{});
}

void collect_queries(const Json& j, std::string& out) {
  if (j.is_object()) {
    for (const auto& [k, v] : j.object()) {
      if ((k == "expr" || k == "query" || k == "definition") && v.is_string()) {
        out += v.str();
        out += '\n';
      }
      collect_queries(v, out);
    }
  } else if (j.is_array()) {
    for (const auto& v : j.array()) collect_queries(v, out);
  }
}

TEST(Deploy, GrafanaDashboardUsesCataloguedMetrics) {
  auto dash = JsonParser::parse(read_file(kDeploy + "/grafana/btsensor.json"));
  ASSERT_TRUE(dash) << "deploy/grafana/btsensor.json is not valid JSON";
  std::set<std::string> rows;
  for (const Json& p : (*dash)["panels"].array()) {
    if (p["type"].is_string() && p["type"].str() == "row") rows.insert(p["title"].str());
  }
  for (const char* section :
       {"Traffic", "Drops and errors", "DPI", "Labels", "Alerts", "Feeds and reloads"})
    EXPECT_TRUE(rows.count(section)) << "dashboard lacks the " << section << " row";
  std::string queries;
  collect_queries(*dash, queries);
  auto names = metric_names_in(queries);
  EXPECT_GT(names.size(), 20u);
  auto planned = check_catalogued(names, "btsensor.json");
  std::string list;
  for (const auto& n : planned) list += " " + n;
  // Panels for planned metrics stay empty until their work lands; say which.
  std::printf("dashboard: %zu metrics, planned (not produced yet):%s\n", names.size(),
              list.c_str());
  // Every produced family has a home on the dashboard.
  for (const FamilySpec& f : metric_catalogue()) {
    if (f.status == FamilyStatus::kProduced && f.name != "btsensor_start_time_seconds") {
      EXPECT_TRUE(names.count(std::string(f.name))) << f.name << " is not on the dashboard";
    }
  }
}

// `btsensor metrics-catalogue` prints the same table, one family per line.
TEST(Deploy, MetricsCatalogueCommand) {
  const char* bin = std::getenv("BTSENSOR_BIN");
  ASSERT_TRUE(bin) << "BTSENSOR_BIN not set (meson sets it)";
  TempDir dir;
  ASSERT_EQ(run({bin, "metrics-catalogue"}, dir / "out.txt"), 0);
  std::string out = read_file(dir / "out.txt");
  EXPECT_EQ(size_t(std::count(out.begin(), out.end(), '\n')), metric_catalogue().size());
  EXPECT_NE(out.find("btsensor_decode_errors_total counter reason produced\n"), std::string::npos)
      << out;
  EXPECT_NE(out.find("btsensor_reloads_total counter result produced\n"), std::string::npos) << out;
}

}  // namespace
}  // namespace btsensor::test
