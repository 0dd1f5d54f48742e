#include "core/time.h"

#include <gtest/gtest.h>

namespace kdx {
namespace {

TEST(Time, ParsesRfc3339WithNanosAndZulu) {
  auto ts = parse_rfc3339("2026-06-04T10:00:00.123456789Z");
  ASSERT_TRUE(ts);
  EXPECT_EQ(format_rfc3339(*ts), "2026-06-04T10:00:00.123456789Z");
}

TEST(Time, FormatsEveryFieldAndTrimsOnlyTheFraction) {
  EXPECT_EQ(format_rfc3339(Timestamp{0}), "1970-01-01T00:00:00Z");
  EXPECT_EQ(format_rfc3339(Timestamp{1}), "1970-01-01T00:00:00.000000001Z");
  EXPECT_EQ(format_rfc3339(Timestamp{1'000'000'000 + 100'000'000}), "1970-01-01T00:00:01.1Z");
  EXPECT_EQ(format_rfc3339(*parse_rfc3339("2024-02-29T23:59:59.010Z")), "2024-02-29T23:59:59.01Z");
  EXPECT_EQ(format_rfc3339(*parse_rfc3339("2261-12-31T23:59:59Z")), "2261-12-31T23:59:59Z");
  EXPECT_EQ(format_rfc3339(Timestamp{-1}), "1969-12-31T23:59:59.999999999Z");
  EXPECT_EQ(format_rfc3339(Timestamp{}), "");
}

TEST(Time, AppliesOffsetsToUtc) {
  auto ts = parse_rfc3339("2026-06-04 12:30:00+02:00");
  ASSERT_TRUE(ts);
  EXPECT_EQ(format_rfc3339(*ts), "2026-06-04T10:30:00Z");
  auto ts2 = parse_rfc3339("2026-06-04T03:00:00.5-0700");
  ASSERT_TRUE(ts2);
  EXPECT_EQ(format_rfc3339(*ts2), "2026-06-04T10:00:00.5Z");
}

TEST(Time, ReportsConsumedLength) {
  size_t n = 0;
  ASSERT_TRUE(parse_rfc3339("2026-06-04T10:00:00Z stderr F hi", &n));
  EXPECT_EQ(n, 20u);
}

TEST(Time, RejectsMalformed) {
  EXPECT_FALSE(parse_rfc3339("2026-13-04T10:00:00Z"));
  EXPECT_FALSE(parse_rfc3339("2026-06-04T10:00"));
  EXPECT_FALSE(parse_rfc3339("not a time at all, no"));
  EXPECT_FALSE(parse_rfc3339("2026-06-04T10:00:00.Z"));
}

TEST(Time, YearOfAndMonths) {
  EXPECT_EQ(year_of(*parse_rfc3339("2025-12-31T23:59:59Z")), 2025);
  EXPECT_EQ(year_of(*parse_rfc3339("2024-02-29T00:00:00Z")), 2024);
  EXPECT_EQ(month_from_abbrev("Jun"), 6);
  EXPECT_EQ(month_from_abbrev("dec"), 12);
  EXPECT_EQ(month_from_abbrev("Foo"), 0);
}

TEST(Time, Durations) {
  EXPECT_EQ(parse_duration("90s"), 90 * kNsPerSecond);
  EXPECT_EQ(parse_duration("1h30m"), 5400 * kNsPerSecond);
  EXPECT_EQ(parse_duration("2d"), 2 * 86400 * kNsPerSecond);
  EXPECT_FALSE(parse_duration("10"));
  EXPECT_FALSE(parse_duration("10x"));
  EXPECT_FALSE(parse_duration(""));
}

}  // namespace
}  // namespace kdx
