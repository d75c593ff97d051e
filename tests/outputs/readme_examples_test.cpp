// README.md's "Events (EVE JSON)" section shows one record of each type; they must be what
// the formatter really writes for the sample events (support/sample_events.hpp), so the
// documentation cannot drift from the code.
#include <gtest/gtest.h>

#include <sstream>

#include "outputs/eve_writer.hpp"
#include "support/json.hpp"
#include "support/sample_events.hpp"
#include "support/temp_dir.hpp"

namespace btsensor::test {
namespace {

std::vector<std::string> readme_event_lines() {
  std::string text = read_file(std::string(BTSENSOR_SOURCE_DIR) + "/README.md");
  size_t start = text.find("\n## Events (EVE JSON)\n");
  if (start == std::string::npos) return {};
  size_t end = text.find("\n## ", start + 1);
  std::istringstream in(text.substr(start, end == std::string::npos ? end : end - start));
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);)
    if (line.rfind("{\"timestamp\":", 0) == 0) lines.push_back(line);
  return lines;
}

TEST(Readme, EventExamplesAreWhatTheFormatterWrites) {
  EveFormatter fmt;
  const std::string expected[] = {fmt.flow(sample_flow()), fmt.label(sample_label()),
                                  fmt.alert(sample_alert())};
  auto lines = readme_event_lines();
  ASSERT_EQ(lines.size(), 3u) << "README.md: expected a flow, a label and an alert example";
  for (size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(lines[i], expected[i]) << "README example " << i << " should read:\n" << expected[i];
    EXPECT_TRUE(JsonParser::parse(lines[i]));
  }
}

// The outside contract (DESIGN.md) field by field, on the same records.
TEST(Readme, RecordsCarryTheContractFields) {
  EveFormatter fmt;
  auto flow = *JsonParser::parse(fmt.flow(sample_flow()));
  for (const char* k : {"timestamp", "event_type", "src_ip", "src_port", "dest_ip", "dest_port",
                        "proto", "flow_id", "community_id", "app_proto", "flow", "bittorrent"})
    EXPECT_TRUE(flow.has(k)) << "flow." << k;
  EXPECT_EQ(flow["app_proto"].str(), "bittorrent");
  for (const char* k : {"evidence", "confidence", "client", "peer_id", "info_hash", "tracker"})
    EXPECT_TRUE(flow["bittorrent"].has(k)) << "flow.bittorrent." << k;

  auto label = *JsonParser::parse(fmt.label(sample_label()));
  EXPECT_EQ(label["event_type"].str(), "label");
  EXPECT_EQ(label["host"].str(), "192.168.1.128");
  for (const char* k : {"name", "action", "reason", "expires"})
    EXPECT_TRUE(label["label"].has(k)) << "label.label." << k;

  auto alert = *JsonParser::parse(fmt.alert(sample_alert()));
  EXPECT_EQ(alert["event_type"].str(), "alert");
  EXPECT_TRUE(alert.has("host"));
  for (const char* k : {"signature", "signature_id", "category", "severity", "model"})
    EXPECT_TRUE(alert["alert"].has(k)) << "alert.alert." << k;
  const Json& flows = alert["evidence"]["flows"];
  ASSERT_TRUE(flows.is_array());
  ASSERT_EQ(flows.array().size(), 2u);
  EXPECT_TRUE(flows.array()[0].has("flow_id"));
  EXPECT_TRUE(flows.array()[0].has("community_id"));
  EXPECT_TRUE(alert["evidence"]["labels"].is_array());
}

}  // namespace
}  // namespace btsensor::test
