#include "core/time.h"

#include <array>
#include <bit>
#include <cctype>
#include <cstring>

namespace kdx {
namespace {

bool digits(std::string_view s, size_t pos, size_t n, int* out) {
  if (pos + n > s.size()) return false;
  int v = 0;
  for (size_t i = pos; i < pos + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    v = v * 10 + (s[i] - '0');
  }
  *out = v;
  return true;
}

// c's digit value, or a value above 9 when c is no digit.
inline unsigned digit(char c) { return static_cast<unsigned>(static_cast<unsigned char>(c)) - '0'; }

static_assert(std::endian::native == std::endian::little, "p[0] is the lowest byte of a word");

// Bit 7 of each byte of the result is set exactly where that byte of `word` is no ASCII digit
// (x = byte ^ '0' is 0..9 only for digits; no sum carries across bytes).
inline uint64_t non_digit_bytes(uint64_t word) {
  const uint64_t x = word ^ 0x3030303030303030ull;
  return (((x & 0x7F7F7F7F7F7F7F7Full) + 0x7676767676767676ull) | x) & 0x8080808080808080ull;
}

// Whether p[0..8) are all digits; if so, *value is their number. SWAR: eight bytes at once,
// the digits' test and the base-10 conversion each in a few word operations.
inline bool eight_digits(const char* p, int64_t* value) {
  uint64_t v;
  std::memcpy(&v, p, 8);
  if (non_digit_bytes(v)) return false;
  v -= 0x3030303030303030ull;  // little-endian: the first digit is the lowest byte
  v = (v * 10) + (v >> 8);     // pairs: byte 2k holds d[2k] * 10 + d[2k+1]
  // Bytes 0, 2, 4, 6 are pairs p0..p3: (p0 + p2 << 32) * (100 + 10^6 << 32) and
  // (p1 + p3 << 32) * (1 + 10^4 << 32) sum to p0 * 10^6 + p1 * 10^4 + p2 * 100 + p3 in the
  // high word (the low words stay below 2^32, the overflow past 64 bits is not needed).
  v = (((v & 0x000000FF000000FFull) * (100 + (1000000ull << 32))) +
       (((v >> 16) & 0x000000FF000000FFull) * (1 + (10000ull << 32)))) >> 32;
  *value = static_cast<int64_t>(v);
  return true;
}

// make_utc without the optional: nanoseconds since 1970, or Timestamp::kUnknown when a field
// is out of range. Years are 1970..2261 here, so days_from_civil's arithmetic is unsigned.
inline int64_t utc_ns(int year, int month, int day, int hour, int minute, int second,
                      int64_t nanos) {
  // Nanoseconds since 1970 in an int64 end on 2262-04-11: later years cannot be represented.
  if (year < 1970 || year > 2261 || month < 1 || month > 12 || day < 1 || day > 31 || hour < 0 ||
      hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 60 || nanos < 0 ||
      nanos >= kNsPerSecond)
    return Timestamp::kUnknown;
  const unsigned m = static_cast<unsigned>(month);
  const unsigned y = static_cast<unsigned>(year) - (m <= 2);
  const unsigned era = y / 400, yoe = y - era * 400;
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + static_cast<unsigned>(day) - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  const int64_t days = static_cast<int64_t>(era) * 146097 + doe - 719468;
  const int64_t secs = days * 86400 + hour * 3600 + minute * 60 + second;
  return secs * kNsPerSecond + nanos;
}

constexpr int64_t kMaxDurationSeconds = 100ll * 366 * 86400;
constexpr int64_t kMaxDurationNs = kMaxDurationSeconds * kNsPerSecond;

constexpr std::array<std::string_view, 12> kMonths = {"jan", "feb", "mar", "apr", "may", "jun",
                                                      "jul", "aug", "sep", "oct", "nov", "dec"};

}  // namespace

// Howard Hinnant's days_from_civil.
int64_t days_from_civil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

int year_of(Timestamp ts) {
  int64_t z = ts.unix_ns / kNsPerSecond;
  if (ts.unix_ns < 0 && ts.unix_ns % kNsPerSecond != 0) --z;
  z = (z >= 0 ? z : z - 86399) / 86400 + 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t y = static_cast<int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  return static_cast<int>(y + (m <= 2));
}

std::optional<Timestamp> make_utc(int year, int month, int day, int hour, int minute, int second,
                                  int64_t nanos) {
  const int64_t ns = utc_ns(year, month, day, hour, minute, second, nanos);
  if (ns == Timestamp::kUnknown) return std::nullopt;
  return Timestamp{ns};
}

// Runs on most records of most formats: fixed positions read directly, the digits a word at
// a time.
std::optional<Timestamp> parse_rfc3339(std::string_view s, size_t* consumed, bool* zoned) {
  if (s.size() < 19) return std::nullopt;
  const char* p = s.data();
  // "YYYY-MM-" and "HH:MM:SS" are two words (bytes 0..7 and 11..18): their twelve digits are
  // tested at once; the day's two digits and the separators one by one.
  uint64_t date, time;
  std::memcpy(&date, p, 8);
  std::memcpy(&time, p + 11, 8);
  constexpr uint64_t kDateDigits = 0x0080800080808080ull;  // bytes 0-3, 5, 6
  constexpr uint64_t kTimeDigits = 0x8080008080008080ull;  // bytes 0, 1, 3, 4, 6, 7
  if ((non_digit_bytes(date) & kDateDigits) | (non_digit_bytes(time) & kTimeDigits) ||
      digit(p[8]) > 9 || digit(p[9]) > 9 || p[4] != '-' || p[7] != '-' ||
      (p[10] != 'T' && p[10] != ' ' && p[10] != 't') || p[13] != ':' || p[16] != ':')
    return std::nullopt;
  auto two = [p](size_t i) { return static_cast<int>(digit(p[i]) * 10 + digit(p[i + 1])); };
  const int y = two(0) * 100 + two(2);
  const int mo = two(5), day = two(8), h = two(11), mi = two(14), se = two(17);
  size_t pos = 19;
  int64_t nanos = 0;
  if (pos < s.size() && (s[pos] == '.' || s[pos] == ',')) {
    ++pos;
    int n = 0;
    // CRI and kubectl print nine digits on every line: eight at once when they are there.
    if (pos + 8 <= s.size() && eight_digits(s.data() + pos, &nanos)) {
      pos += 8;
      n = 8;
    }
    while (pos < s.size() && digit(s[pos]) <= 9) {
      if (n < 9) {
        nanos = nanos * 10 + digit(s[pos]);
        ++n;
      }
      ++pos;
    }
    if (n == 0) return std::nullopt;
    for (; n < 9; ++n) nanos *= 10;
  }
  int64_t offset_s = 0;
  bool zone = false;
  if (pos < s.size() && (s[pos] == 'Z' || s[pos] == 'z')) {
    ++pos;
    zone = true;
  } else if (pos < s.size() && (s[pos] == '+' || s[pos] == '-')) {
    const int sign = s[pos] == '-' ? -1 : 1;
    int oh, om;
    if (!digits(s, pos + 1, 2, &oh)) return std::nullopt;
    size_t q = pos + 3;
    if (q < s.size() && s[q] == ':') ++q;
    if (!digits(s, q, 2, &om)) return std::nullopt;
    offset_s = sign * (oh * 3600 + om * 60);
    pos = q + 2;
    zone = true;
  }
  const int64_t ns = utc_ns(y, mo, day, h, mi, se, nanos);
  if (ns == Timestamp::kUnknown) return std::nullopt;
  if (consumed) *consumed = pos;
  if (zoned) *zoned = zone;
  return Timestamp{ns - offset_s * kNsPerSecond};
}

int month_from_abbrev(std::string_view s) {
  if (s.size() < 3) return 0;
  char lower[3];
  for (int i = 0; i < 3; ++i) lower[i] = static_cast<char>(std::tolower(static_cast<unsigned char>(s[i])));
  for (size_t i = 0; i < kMonths.size(); ++i)
    if (std::string_view(lower, 3) == kMonths[i]) return static_cast<int>(i) + 1;
  return 0;
}

size_t format_rfc3339(Timestamp ts, char* out) {
  if (!ts.known()) return 0;
  int64_t secs = ts.unix_ns / kNsPerSecond;
  int64_t nanos = ts.unix_ns % kNsPerSecond;
  if (nanos < 0) { nanos += kNsPerSecond; --secs; }
  int64_t days = secs >= 0 ? secs / 86400 : (secs - 86399) / 86400;
  int64_t rem = secs - days * 86400;
  // civil_from_days
  int64_t z = days + 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  int64_t y = static_cast<int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  y += (m <= 2);
  // Nanoseconds since 1970 in an int64 reach only the years 1677..2262: four digits always.
  // Every journald record's text starts with one: written digit by digit, not through fmt.
  auto put = [out](size_t at, int64_t v, size_t width) {
    for (size_t i = width; i-- > 0; v /= 10) out[at + i] = static_cast<char>('0' + v % 10);
  };
  put(0, y, 4);
  out[4] = '-';
  put(5, m, 2);
  out[7] = '-';
  put(8, d, 2);
  out[10] = 'T';
  put(11, rem / 3600, 2);
  out[13] = ':';
  put(14, (rem / 60) % 60, 2);
  out[16] = ':';
  put(17, rem % 60, 2);
  size_t n = 19;
  if (nanos != 0) {  // the fraction without trailing zeros
    out[n] = '.';
    put(n + 1, nanos, 9);
    n += 10;
    while (out[n - 1] == '0') --n;
  }
  out[n++] = 'Z';
  return n;
}

std::string format_rfc3339(Timestamp ts) {
  char buf[kRfc3339MaxBytes];
  return std::string(buf, format_rfc3339(ts, buf));
}

std::optional<int64_t> parse_duration(std::string_view s) {
  if (s.empty()) return std::nullopt;
  int64_t total = 0;
  size_t i = 0;
  while (i < s.size()) {
    int64_t n = 0;
    size_t start = i;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') {
      n = n * 10 + (s[i] - '0');
      if (n > 1'000'000'000) return std::nullopt;
      ++i;
    }
    if (i == start || i >= s.size()) return std::nullopt;
    int64_t unit;
    switch (s[i]) {
      case 's': unit = 1; break;
      case 'm': unit = 60; break;
      case 'h': unit = 3600; break;
      case 'd': unit = 86400; break;
      default: return std::nullopt;
    }
    ++i;
    // At most ~100 years in all, so that the nanoseconds stay far inside an int64.
    if (n * unit > kMaxDurationSeconds || total + n * unit * kNsPerSecond > kMaxDurationNs)
      return std::nullopt;
    total += n * unit * kNsPerSecond;
  }
  return total;
}

}  // namespace kdx
