// parse_line_meta: what one log line says about its own time and level. Runs on every record,
// so it only looks at the head of the line, uses no regex and never allocates.
#include <array>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif
#include <limits>

#include "formats/formats.h"
#include "formats/line_util.h"

namespace kdx::formats {
namespace {

namespace lines = detail::lines;

using lines::JsonScanner;
using lines::JsonValue;
using lines::parse_digits;
using lines::parse_fraction;

// How many tokens after a leading timestamp may hold the level ("UTC [1] user@db FATAL:").
constexpr int kLevelTokens = 5;
constexpr size_t kLevelWindow = 100;

struct LevelWord {
  std::string_view word;
  Level level;
};
constexpr std::array<LevelWord, 26> kLevelWords = {{
    {"fatal", Level::fatal},      {"panic", Level::fatal},        {"dpanic", Level::fatal},
    {"critical", Level::fatal},   {"crit", Level::fatal},         {"emerg", Level::fatal},
    {"emergency", Level::fatal},  {"alert", Level::fatal},        {"error", Level::error},
    {"err", Level::error},        {"eror", Level::error},         {"severe", Level::error},
    {"warn", Level::warning},     {"warning", Level::warning},    {"wrn", Level::warning},
    {"notice", Level::notice},    {"info", Level::info},          {"inf", Level::info},
    {"information", Level::info}, {"informational", Level::info}, {"debug", Level::debug},
    {"dbug", Level::debug},       {"dbg", Level::debug},          {"trace", Level::debug},
    {"trc", Level::debug},        {"verbose", Level::debug},
}};

// Up to eight bytes as one integer, lowered (ASCII letters only).
constexpr uint64_t pack_lower(std::string_view w) {
  uint64_t v = 0;
  for (size_t i = 0; i < w.size() && i < 8; ++i) {
    const char c = w[i];
    const auto b = static_cast<uint8_t>((c >= 'A' && c <= 'Z') ? c - 'A' + 'a' : c);
    v |= static_cast<uint64_t>(b) << (8 * i);
  }
  return v;
}

struct PackedLevelWord {
  uint64_t packed = 0;
  size_t size = 0;
  Level level = Level::unknown;
};
constexpr auto kPackedLevelWords = [] {
  std::array<PackedLevelWord, kLevelWords.size()> out{};
  for (size_t i = 0; i < kLevelWords.size(); ++i)
    out[i] = {pack_lower(kLevelWords[i].word), kLevelWords[i].word.size(), kLevelWords[i].level};
  return out;
}();

// A level name in any case ("ERROR", "error", "Warning"); unknown otherwise. Runs on several
// tokens of most lines: words of up to eight letters compare as one integer each.
Level level_word(std::string_view w) {
  if (w.size() < 3 || w.size() > 13) return Level::unknown;
  constexpr uint32_t kFirstLetters = [] {  // bit c - 'a' for each word's first letter
    uint32_t bits = 0;
    for (const auto& e : kLevelWords) bits |= 1u << (e.word[0] - 'a');
    return bits;
  }();
  const auto first = static_cast<unsigned>((w[0] | 0x20) - 'a');
  if (first >= 26 || !((kFirstLetters >> first) & 1)) return Level::unknown;
  if (w.size() <= 8) {
    const uint64_t v = pack_lower(w);
    for (const auto& e : kPackedLevelWords)
      if (e.packed == v && e.size == w.size()) return e.level;
    return Level::unknown;
  }
  char lower[13];
  for (size_t i = 0; i < w.size(); ++i) {
    const char c = w[i];
    lower[i] = (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
  }
  const std::string_view l(lower, w.size());
  for (const auto& e : kLevelWords)
    if (e.word == l) return e.level;
  return Level::unknown;
}

bool all_upper(std::string_view w) {
  for (char c : w)
    if (c < 'A' || c > 'Z') return false;
  return !w.empty();
}

// A token that names a level: "[ERROR]", "FATAL:", "<warn>", "ERROR"; lower or mixed case
// only when decorated or when `any_case` (the slot right after a timestamp).
Level level_token(std::string_view tok, bool any_case) {
  bool decorated = false;
  while (!tok.empty() && (tok.front() == '[' || tok.front() == '<' || tok.front() == '(')) {
    tok.remove_prefix(1);
    decorated = true;
  }
  while (!tok.empty() && (tok.back() == ']' || tok.back() == '>' || tok.back() == ')' ||
                          tok.back() == ':' || tok.back() == ',')) {
    tok.remove_suffix(1);
    decorated = true;
  }
  if (tok == "LOG") return decorated ? Level::info : Level::unknown;  // postgres "LOG:"
  const Level l = level_word(tok);
  if (l == Level::unknown) return l;
  return (decorated || any_case || all_upper(tok)) ? l : Level::unknown;
}

// Scans the first few tokens of `rest` for a level ("UTC [1] FATAL:", "- app - ERROR -").
Level level_after_timestamp(std::string_view rest) {
  rest = rest.substr(0, kLevelWindow);
  size_t i = 0;
  for (int tok = 0; tok < kLevelTokens; ++tok) {
    while (i < rest.size() && (rest[i] == ' ' || rest[i] == '\t')) ++i;
    const size_t start = i;
    while (i < rest.size() && rest[i] != ' ' && rest[i] != '\t') ++i;
    if (start == i) break;
    const std::string_view t = rest.substr(start, i - start);
    if (t == "-" || t == "|") {
      --tok;  // separators do not count
      continue;
    }
    const Level l = level_token(t, tok == 0);
    if (l != Level::unknown) return l;
  }
  return Level::unknown;
}

// klog: "E0604 10:00:00.123456    1 file.go:12] msg".
bool klog(std::string_view s, int year_hint, LineMeta* m) {
  int mo, d, h, mi, se;
  if (s.size() < 14 || !parse_digits(s, 1, 2, &mo) || !parse_digits(s, 3, 2, &d) || s[5] != ' ' ||
      !parse_digits(s, 6, 2, &h) || s[8] != ':' || !parse_digits(s, 9, 2, &mi) || s[11] != ':' ||
      !parse_digits(s, 12, 2, &se) || mo < 1 || mo > 12 || d < 1 || d > 31)
    return false;
  int64_t nanos = 0;
  const size_t end = 14 + parse_fraction(s, 14, &nanos);
  if (end < s.size() && s[end] != ' ') return false;
  switch (s[0]) {
    case 'I':
      m->level = Level::info;
      break;
    case 'W':
      m->level = Level::warning;
      break;
    case 'E':
      m->level = Level::error;
      break;
    default:
      m->level = Level::fatal;
      break;
  }
  if (year_hint > 0)
    if (auto ts = make_utc(year_hint, mo, d, h, mi, se, nanos)) m->ts = *ts;
  return true;
}

// Go's log package: "2026/06/04 10:00:00" with optional ".micro".
bool go_log_time(std::string_view s, Timestamp* ts, size_t* len) {
  int y, mo, d, h, mi, se;
  if (!parse_digits(s, 0, 4, &y) || s.size() < 19 || s[4] != '/' || !parse_digits(s, 5, 2, &mo) ||
      s[7] != '/' || !parse_digits(s, 8, 2, &d) || s[10] != ' ' || !parse_digits(s, 11, 2, &h) ||
      s[13] != ':' || !parse_digits(s, 14, 2, &mi) || s[16] != ':' || !parse_digits(s, 17, 2, &se))
    return false;
  int64_t nanos = 0;
  const size_t n = 19 + parse_fraction(s, 19, &nanos);
  auto t = make_utc(y, mo, d, h, mi, se, nanos);
  if (!t) return false;
  *ts = *t;
  *len = n;
  return true;
}

// A leading timestamp (RFC 3339, "2026-06-04 10:00:00,123", Go log, or either in brackets)
// and a level among the next tokens.
bool timestamp_led(std::string_view s, LineMeta* m) {
  size_t skip = 0;
  if (!s.empty() && s[0] == '[') skip = 1;
  const std::string_view t = s.substr(skip);
  size_t n = 0;
  Timestamp ts;
  if (auto r = parse_rfc3339(t, &n)) {
    ts = *r;
  } else if (!go_log_time(t, &ts, &n)) {
    return false;
  }
  size_t after = skip + n;
  if (skip == 1) {
    if (after >= s.size() || s[after] != ']') return false;
    ++after;
  }
  m->ts = ts;
  m->level = level_after_timestamp(s.substr(after));
  return true;
}

bool is_key_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '.' || c == '@' || c == '-';
}

bool is_time_key(std::string_view k) {
  return k == "time" || k == "ts" || k == "t" || k == "timestamp" || k == "@timestamp";
}

bool is_level_key(std::string_view k) {
  return k == "level" || k == "lvl" || k == "severity" || k == "loglevel" || k == "log.level";
}

// logfmt / logrus: `time="2026-06-04T10:00:00Z" level=error msg="..."`.
bool logfmt(std::string_view s, LineMeta* m) {
  size_t i = 0;
  bool any = false;
  for (int pair = 0; pair < 12 && i < s.size(); ++pair) {
    const size_t key_start = i;
    while (i < s.size() && is_key_char(s[i])) ++i;
    if (i == key_start || i >= s.size() || s[i] != '=') return any;
    const std::string_view key = s.substr(key_start, i - key_start);
    ++i;
    size_t v_start = i, v_end;
    if (i < s.size() && s[i] == '"') {
      v_start = ++i;
      while (i < s.size() && s[i] != '"') i += (s[i] == '\\') ? 2 : 1;
      v_end = i < s.size() ? i : s.size();
      ++i;
    } else {
      while (i < s.size() && s[i] != ' ') ++i;
      v_end = i;
    }
    const std::string_view value = s.substr(v_start, v_end - v_start);
    any = true;
    if (is_time_key(key) && !m->ts.known()) {
      if (auto t = parse_rfc3339(value)) m->ts = *t;
    } else if (is_level_key(key) && m->level == Level::unknown) {
      m->level = level_word(value);
    }
    if (m->ts.known() && m->level != Level::unknown) return true;
    while (i < s.size() && s[i] == ' ') ++i;
  }
  return any;
}

// Epoch seconds with a fraction (zap "ts":1717495200.123); larger integers are taken as
// milliseconds, microseconds or nanoseconds by magnitude.
Timestamp epoch_number(std::string_view raw) {
  int64_t whole = 0;
  size_t i = 0;
  for (; i < raw.size() && raw[i] >= '0' && raw[i] <= '9'; ++i) {
    if (whole > (std::numeric_limits<int64_t>::max() - 9) / 10) return {};
    whole = whole * 10 + (raw[i] - '0');
  }
  if (i == 0) return {};
  int64_t nanos = 0;
  parse_fraction(raw, i, &nanos);
  const int64_t scale = whole < 10'000'000'000           ? kNsPerSecond
                        : whole < 10'000'000'000'000     ? 1'000'000
                        : whole < 10'000'000'000'000'000 ? 1'000
                                                         : 1;
  if (scale != kNsPerSecond) nanos = 0;
  int64_t ns = 0;
  // Past 2262 the nanoseconds do not fit: not a time.
  if (__builtin_mul_overflow(whole, scale, &ns) || __builtin_add_overflow(ns, nanos, &ns))
    return {};
  return Timestamp{ns};
}

// pino/bunyan numeric levels.
Level numeric_level(std::string_view raw) {
  if (raw == "10" || raw == "20") return Level::debug;
  if (raw == "30") return Level::info;
  if (raw == "40") return Level::warning;
  if (raw == "50") return Level::error;
  if (raw == "60") return Level::fatal;
  return Level::unknown;
}

// JSON loggers: {"level":"error","ts":...,"msg":...}; only top-level members count.
void json_meta(std::string_view s, LineMeta* m) {
  JsonScanner scan(s);
  scan.for_each_member([&](std::string_view key, const JsonValue& v) {
    if (is_time_key(key) && !m->ts.known()) {
      if (v.kind == JsonValue::Kind::string) {
        if (auto t = parse_rfc3339(v.raw)) m->ts = *t;
      } else if (v.kind == JsonValue::Kind::number) {
        m->ts = epoch_number(v.raw);
      }
    } else if (is_level_key(key) && m->level == Level::unknown) {
      m->level = v.kind == JsonValue::Kind::number ? numeric_level(v.raw) : level_word(v.raw);
    }
    return !(m->ts.known() && m->level != Level::unknown);
  });
}

// A level word opening the line: "[ERROR] plugin/errors", "FATAL:  data directory",
// "panic: runtime error", "Error: unknown command", Python's "ERROR:root:msg", and Go's
// "fatal error: all goroutines are asleep".
Level leading_level(std::string_view s) {
  if (s.starts_with("fatal error:")) return Level::fatal;
  size_t end = 0;
  while (end < s.size() && end < 24 && s[end] != ' ' && s[end] != '\t' && s[end] != ':') ++end;
  if (end < s.size() && s[end] == ':') ++end;  // the colon marks it as a level word
  return level_token(s.substr(0, end), false);
}

}  // namespace

const std::string& warning_level_marker() {
  static const std::string marker = [] {
    // Every level word at warning or above, as a substring in any case (level_word), ...
    std::string rx = "(?i:";
    bool first = true;
    for (const auto& e : kLevelWords) {
      if (e.level < Level::warning) continue;
      (rx += first ? "" : "|") += e.word;
      first = false;
    }
    // ... and a klog W/E/F header (klog). Numeric JSON levels: meta_read_at_once().
    return rx + ")|^[WEF][0-9]{4}";
  }();
  return marker;
}

namespace {

// Whether a numeric level may start at line[i] ("40", "50" or "60" at i, i + 1): a colon and
// blanks before it, and no digit, point, sign or exponent after it.
bool numeric_level_at(std::string_view line, size_t i) {
  const size_t next = i + 2;
  if (next < line.size()) {
    const char c = line[next];
    if ((c >= '0' && c <= '9') || c == '.' || c == 'e' || c == 'E' || c == '+' || c == '-')
      return false;
  }
  while (i > 0) {
    const char c = line[--i];
    if (c == ':') return true;
    if (c != ' ' && c != '\t' && c != '\r' && c != '\n') return false;
  }
  return false;
}

bool level_digits_at(std::string_view line, size_t i) {
  return (line[i] == '4' || line[i] == '5' || line[i] == '6') && line[i + 1] == '0';
}

}  // namespace

bool meta_read_at_once(std::string_view line) {
  if (line.empty() || line[0] != '{') return false;  // parse_line_meta reads JSON only so
  // Any member's value will do (the key is not looked at): a colon, blanks, then exactly 40,
  // 50 or 60 (numeric_level). Looked for from the digits, sixteen places at a time: "40",
  // "50" and "60" are rarer in a JSON line than its colons, one per member.
  size_t i = 0;
#if defined(__SSE2__)
  const __m128i three = _mm_set1_epi8('3'), seven = _mm_set1_epi8('7'), zero = _mm_set1_epi8('0');
  for (; i + 17 <= line.size(); i += 16) {
    const __m128i here = _mm_loadu_si128(reinterpret_cast<const __m128i*>(line.data() + i));
    const __m128i next = _mm_loadu_si128(reinterpret_cast<const __m128i*>(line.data() + i + 1));
    const __m128i four_to_six =
        _mm_and_si128(_mm_cmpgt_epi8(here, three), _mm_cmplt_epi8(here, seven));
    auto mask = static_cast<unsigned>(
        _mm_movemask_epi8(_mm_and_si128(four_to_six, _mm_cmpeq_epi8(next, zero))));
    for (; mask; mask &= mask - 1)
      if (numeric_level_at(line, i + static_cast<size_t>(__builtin_ctz(mask)))) return true;
  }
#endif
  for (; i + 1 < line.size(); ++i)
    if (level_digits_at(line, i) && numeric_level_at(line, i)) return true;
  return false;
}

LineMeta parse_line_meta(std::string_view line, int year_hint) {
  LineMeta m;
  if (line.empty()) return m;
  const char c = line[0];
  if (c == '{') {
    json_meta(line, &m);
    return m;
  }
  if ((c == 'I' || c == 'W' || c == 'E' || c == 'F') && klog(line, year_hint, &m)) return m;
  if (((c >= '0' && c <= '9') || c == '[') && timestamp_led(line, &m)) return m;
  if (is_key_char(c) && logfmt(line, &m)) {
    if (m.ts.known() || m.level != Level::unknown) return m;
  }
  m.level = leading_level(line);
  return m;
}

}  // namespace kdx::formats
