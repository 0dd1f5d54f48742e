// core/time.h — UTC timestamps with an "unknown" state, and the parsing helpers every format
// shares (RFC 3339 with any fraction and offset, civil dates, month names).
// Pure functions; thread-safe.
#pragma once

#include <compare>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>

namespace kdx {

struct Timestamp {
  static constexpr int64_t kUnknown = std::numeric_limits<int64_t>::min();
  int64_t unix_ns = kUnknown;  // nanoseconds since 1970-01-01T00:00:00Z

  bool known() const { return unix_ns != kUnknown; }
  friend auto operator<=>(const Timestamp&, const Timestamp&) = default;
};

inline constexpr int64_t kNsPerSecond = 1'000'000'000;

// Days since 1970-01-01 for a proleptic Gregorian date (month 1-12).
int64_t days_from_civil(int64_t year, unsigned month, unsigned day);
// The UTC year of a known timestamp.
int year_of(Timestamp ts);

// Builds a timestamp from UTC fields; nullopt when a field is out of range.
std::optional<Timestamp> make_utc(int year, int month, int day, int hour, int minute, int second,
                                  int64_t nanos = 0);

// "2026-06-04T10:00:00Z", "2026-06-04T10:00:00.123456789Z", "2026-06-04 10:00:00+02:00",
// "2026-06-04T10:00:00.123-0700". On success `consumed` (if given) is the length parsed and
// `zoned` (if given) whether a zone (Z or an offset) was part of it.
std::optional<Timestamp> parse_rfc3339(std::string_view s, size_t* consumed = nullptr,
                                       bool* zoned = nullptr);

// "Jan".."Dec" (English, case-insensitive, 3 letters) -> 1..12, else 0.
int month_from_abbrev(std::string_view s);

// "2026-06-04T10:00:00Z", with ".123456789" only when the sub-second part is non-zero.
std::string format_rfc3339(Timestamp ts);
// The same into `out` (room for kRfc3339MaxBytes), without allocating; returns its length.
inline constexpr size_t kRfc3339MaxBytes = 30;  // "YYYY-MM-DDTHH:MM:SS.nnnnnnnnnZ"
size_t format_rfc3339(Timestamp ts, char* out);

// Parses a duration like "90s", "10m", "2h", "1d", "1h30m" into nanoseconds.
std::optional<int64_t> parse_duration(std::string_view s);

}  // namespace kdx
