// What the fuzz targets found, as readable tests beside the raw inputs in
// tests/fuzz/regressions/ (replayed by the fuzz-regressions suite).
#include <gtest/gtest.h>

#include "control/exclusions_loader.hpp"

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

}  // namespace
}  // namespace btsensor::test
