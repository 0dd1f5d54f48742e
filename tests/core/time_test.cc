#include "core/time.h"

#include <gtest/gtest.h>

#include <string>

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

// Every digit place of the date and time refuses the bytes around '0'..'9' and others, and
// every separator place refuses a digit: the word-wide digit test must not let one through.
TEST(Time, RefusesANonDigitAtEveryDigitPlace) {
  const std::string good = "2026-06-04T10:00:00Z";
  ASSERT_TRUE(parse_rfc3339(good));
  for (size_t i = 0; i < 19; ++i) {
    const bool separator = i == 4 || i == 7 || i == 10 || i == 13 || i == 16;
    for (char c : separator ? std::string("0") : std::string("/:a \xb0\x00", 6)) {
      std::string s = good;
      s[i] = c;
      EXPECT_FALSE(parse_rfc3339(s)) << "place " << i << " byte " << int(c);
    }
  }
}

// Fractions of every length, and the bytes around the digits ('/' and ':') at each of the
// first nine places: the eight-at-once path must read exactly what one at a time reads.
TEST(Time, ReadsFractionsOfEveryLengthAndStopsAtTheFirstNonDigit) {
  const int64_t base = parse_rfc3339("2026-06-04T10:00:00Z")->unix_ns;
  const std::string digits = "987654321987";
  for (size_t len = 1; len <= digits.size(); ++len) {
    const std::string frac = digits.substr(0, len);
    int64_t nanos = 0;
    for (size_t i = 0; i < 9; ++i) nanos = nanos * 10 + (i < len ? frac[i] - '0' : 0);
    for (const char* zone : {"Z", "+00:00", ""}) {
      const std::string s = "2026-06-04T10:00:00." + frac + zone;
      size_t n = 0;
      bool zoned = true;
      const auto ts = parse_rfc3339(s, &n, &zoned);
      ASSERT_TRUE(ts) << s;
      EXPECT_EQ(ts->unix_ns, base + nanos) << s;
      EXPECT_EQ(n, s.size()) << s;
      EXPECT_EQ(zoned, *zone != '\0') << s;
    }
    for (size_t at = 0; at < len && at < 9; ++at)
      for (char stop : {'/', ':', ' '}) {
        std::string s = "2026-06-04T10:00:00." + frac + "Z";
        s[20 + at] = stop;
        size_t n = 0;
        const auto ts = parse_rfc3339(s, &n);
        if (at == 0) {
          EXPECT_FALSE(ts) << s;  // a '.' needs a digit after it
          continue;
        }
        int64_t cut = 0;
        for (size_t i = 0; i < 9; ++i) cut = cut * 10 + (i < at ? frac[i] - '0' : 0);
        ASSERT_TRUE(ts) << s;
        EXPECT_EQ(ts->unix_ns, base + cut) << s;
        EXPECT_EQ(n, 20 + at) << s;
      }
  }
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
