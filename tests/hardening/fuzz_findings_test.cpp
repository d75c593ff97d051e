// What the fuzz targets found, as readable tests beside the raw inputs in
// tests/fuzz/regressions/ (replayed by the fuzz-regressions suite).
#include <gtest/gtest.h>

#include "control/exclusions_loader.hpp"
#include "control/models_loader.hpp"
#include "support/temp_dir.hpp"

namespace btsensor::test {
namespace {

// fuzz_exclusions: an `expires` year past 2262 overflowed int64 nanoseconds (UBSan: signed
// overflow in parse_rfc3339). Such a date is now rejected like any malformed one.
TEST(FuzzFindings, Rfc3339OutsideTheTimestampRangeIsRejected) {
  Timestamp t = 0;
  EXPECT_FALSE(parse_rfc3339("4054-01-01T00:00:00Z", t));
  EXPECT_FALSE(parse_rfc3339("9999-12-31", t));
  EXPECT_TRUE(parse_rfc3339("2262-04-10T00:00:00Z", t));
  EXPECT_GT(t, 0);
  EXPECT_TRUE(parse_rfc3339("2026-12-31T23:59:59.5+01:00", t));
  EXPECT_EQ(t, (Timestamp(1798761599) - 3600) * kNsPerSec + 500'000'000);  // 22:59:59.5Z
}

// fuzz_pipeline: a models.yaml section that is a scalar or a list ("labels: yes") made
// yaml-cpp throw from operator[]: check-config ended in "internal error", exit 3. Now one line
// per section at fault.
TEST(FuzzFindings, ModelsSectionsThatAreNotMappingsAreReported) {
  TempDir dir;
  write_file(dir / "models.yaml", "labels: yes\nmodels: [1]\n");
  Diagnostics d;
  auto m = load_models(dir / "models.yaml", d);
  EXPECT_FALSE(m);
  ASSERT_EQ(d.lines.size(), 2u);
  EXPECT_NE(d.lines[0].find(":1:9: labels: expected a mapping"), std::string::npos) << d.lines[0];
  EXPECT_NE(d.lines[1].find(":2:9: models: expected a mapping"), std::string::npos) << d.lines[1];
  write_file(dir / "models.yaml", "labels:\nmodels:\n  bittorrent: 3\n");
  Diagnostics d2;
  EXPECT_FALSE(load_models(dir / "models.yaml", d2));
  ASSERT_EQ(d2.lines.size(), 1u);
  EXPECT_NE(d2.lines[0].find("models.bittorrent: expected a mapping"), std::string::npos);
}

}  // namespace
}  // namespace btsensor::test
