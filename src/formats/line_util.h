// formats/line_util.h — internal helpers shared by detect(), safe_cut() and the line-format
// splitters: a line reader, the text stack-trace joiner, record limits, a small allocation-free
// JSON scanner and unescaper, and the per-format line parsers (each defined in its format's
// .cc file) that detection and chunk cutting reuse so that all three agree on a line's shape.
// Pure functions and small value types; each object is used by one thread.
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "formats/splitters.h"

// Everything here sits in detail::lines so that it can never collide with the helpers of
// the Kubernetes document splitters, which share the detail namespace.
namespace kdx::formats::detail::lines {

// A joined stack trace (text) stops growing after this many lines; the next line starts anew.
inline constexpr size_t kMaxJoinedLines = 200;

// ---- Lines -------------------------------------------------------------------------------

struct Line {
  std::string_view text;  // without its '\n' and a trailing '\r'
  size_t begin = 0;       // offset of the line in the buffer
  size_t end = 0;         // offset just past its '\n' (the buffer size for a last, open line)
  bool complete = false;  // ended by '\n'
};

// Walks a buffer line by line with memchr; never allocates.
class LineReader {
 public:
  explicit LineReader(std::string_view buf, size_t start = 0) : buf_(buf), pos_(start) {}

  bool next(Line& out) {
    if (pos_ >= buf_.size()) return false;
    const char* base = buf_.data();
    const void* nl = std::memchr(base + pos_, '\n', buf_.size() - pos_);
    const size_t stop = nl ? static_cast<size_t>(static_cast<const char*>(nl) - base) : buf_.size();
    size_t len = stop - pos_;
    if (len > 0 && base[stop - 1] == '\r') --len;
    out.text = std::string_view(base + pos_, len);
    out.begin = pos_;
    out.complete = nl != nullptr;
    out.end = nl ? stop + 1 : stop;
    pos_ = out.end;
    return true;
  }

 private:
  std::string_view buf_;
  size_t pos_;
};

// Length of a UTF-8 byte-order mark at the very start of a file (0 elsewhere).
inline size_t bom_length(const SplitInput& in) {
  return in.first_line == 1 && in.bytes.starts_with("\xEF\xBB\xBF") ? 3 : 0;
}

inline bool is_blank(std::string_view s) {
  for (char c : s)
    if (c != ' ' && c != '\t' && c != '\r' && c != '\f' && c != '\v') return false;
  return true;
}

// `n` decimal digits at s[pos] into *out.
inline bool parse_digits(std::string_view s, size_t pos, size_t n, int* out) {
  if (pos + n > s.size()) return false;
  int v = 0;
  for (size_t i = pos; i < pos + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    v = v * 10 + (s[i] - '0');
  }
  *out = v;
  return true;
}

// A ".123456" (or ",123") fraction of a second at s[pos]: its nanoseconds, and the number of
// bytes read (0 when there is none).
inline size_t parse_fraction(std::string_view s, size_t pos, int64_t* nanos) {
  *nanos = 0;
  if (pos >= s.size() || (s[pos] != '.' && s[pos] != ',')) return 0;
  size_t i = pos + 1;
  int n = 0;
  for (; i < s.size() && s[i] >= '0' && s[i] <= '9'; ++i) {
    if (n < 9) {
      *nanos = *nanos * 10 + (s[i] - '0');
      ++n;
    }
  }
  if (n == 0) return 0;
  for (; n < 9; ++n) *nanos *= 10;
  return i - pos;
}

// ---- Records -----------------------------------------------------------------------------

inline int year_hint(const SplitInput& in) { return in.file ? in.file->year_hint : 0; }

inline Record make_record(const SplitInput& in, SourceKind kind, uint64_t line) {
  Record r;
  r.kind = kind;
  r.res = in.res;
  r.line = line;
  return r;
}

// The longest prefix of `s` of at most `max` bytes that does not end inside a UTF-8 sequence.
inline std::string_view cut_utf8(std::string_view s, size_t max) {
  if (s.size() <= max) return s;
  size_t cut = max;
  for (int back = 0; back < 3 && cut > 0; ++back) {
    if ((static_cast<unsigned char>(s[cut]) & 0xC0) != 0x80) break;
    --cut;
  }
  return s.substr(0, cut);
}

// Appends to a message being joined from pieces, keeping a little more than the record limit
// so that push_line_record still sees, cuts and reports an oversized record.
inline void append_capped(std::string& dst, std::string_view s) {
  const size_t limit = kMaxRecordBytes + 4;
  const size_t room = dst.size() < limit ? limit - dst.size() : 0;
  dst.append(s.substr(0, room < s.size() ? room : s.size()));
}

// Whether a record leaves reading `line` (parse_line_meta) to complete_meta(): only with
// in.defer_meta, and not when push_line_record will cut `record` (it is read now, while
// whole) or the line may state a numeric JSON level (meta_read_at_once).
inline bool defers_meta(const SplitInput& in, std::string_view record, std::string_view line) {
  return in.defer_meta && record.size() <= kMaxRecordBytes && !meta_read_at_once(line);
}

// A line-format record's level, from its message: now, or by complete_meta()
// (DeferredMeta::level_of_message) when defers_meta().
inline void set_level_of_message(Record& r, const SplitInput& in) {
  if (defers_meta(in, r.message, r.message)) {
    r.deferred = DeferredMeta::level_of_message;
    r.level = Level::unknown;
  } else {
    r.deferred = DeferredMeta::none;
    r.level = parse_line_meta(r.message, year_hint(in)).level;
  }
}

// Appends a finished record: sets first_ts, cuts text and message at kMaxRecordBytes and
// reports the cut (text.cc).
void push_line_record(const Record& r, const SplitInput& in, RecordBatch& batch,
                      Problems& problems);

// ---- Text stack-trace joining (text.cc) --------------------------------------------------

// Decides line by line whether a text line starts a record or continues the one before (an
// indented stack frame, "Caused by:", a Python traceback body, a Go goroutine dump). split_text
// and safe_cut both use it, so a chunk is cut exactly where splitting would start a record.
class TextJoiner {
 public:
  enum class Role : uint8_t { blank, start, join };
  Role feed(std::string_view line);

  // What feed() decides by, for safe_cut's backward search (non-blank lines): a line this
  // shape continues the open record whatever came before (indented, "at ", "Caused by:",
  // "Traceback", "...", "[signal "); one ending with ')' or "created by " continues a
  // goroutine dump; "Traceback" makes the next unindented line part of the record.
  static bool continues_by_shape(std::string_view line);
  static bool continues_goroutine(std::string_view line);
  static bool opens_python(std::string_view line);

 private:
  enum class Mode : uint8_t { plain, python, go };
  bool continues(std::string_view line);

  bool open_ = false;
  Mode mode_ = Mode::plain;
  size_t lines_ = 0;
};

// ---- Line prefixes and per-format line parsers -------------------------------------------

// "<RFC 3339 with 'T' and a zone>" then a space or the end of the line (kubectl --timestamps,
// CRI). `len` is the timestamp's length (kubectl_ts.cc).
bool parse_line_timestamp(std::string_view line, Timestamp* ts, size_t* len);

// CRI: "<ts> stdout|stderr P|F <message>" (cri.cc).
struct CriLine {
  Timestamp ts;
  std::string_view stamp;   // the timestamp as printed
  std::string_view stream;  // "stdout" or "stderr"
  bool partial = false;     // tag P: the line continues in the next line of this stream
  std::string_view message;
};
bool parse_cri_line(std::string_view line, CriLine* out);

// Syslog and journalctl text (syslog.cc). Year-less stamps use year_hint; with year_hint 0
// they parse but ts stays unknown.
struct SyslogLine {
  Timestamp ts;
  std::string_view host, ident, pid, message;
  int pri = -1;                // RFC 5424 / 3164 <PRI>, else -1
  bool year_inferred = false;  // the stamp had no year of its own
};
bool parse_syslog_line(std::string_view line, int year_hint, SyslogLine* out);
// journalctl's "-- Logs begin at ...", "-- Journal begins at ...", "-- Boot <id> --",
// "-- No entries --": not records.
bool is_journal_marker(std::string_view line);

// Docker json-file (docker_json.cc). Strings are raw JSON (escapes untouched).
struct DockerLine {
  std::string_view log, stream, time;
  bool has_log = false;
};
bool parse_docker_line(std::string_view line, DockerLine* out, std::string_view* why);
// Whether a raw JSON string ends with the escape "\n" (a complete docker log line).
bool raw_ends_with_newline(std::string_view raw);

// ---- journald (journald_export.cc) --------------------------------------------------------

// systemd (PID 1) speaks about other units: "k3s.service: Main process exited, ...". Such a
// line belongs to that unit, so a cause found on the unit explains it. Returns the unit
// without ".service" (or with its other suffix: .socket, .mount, .timer), else empty.
std::string_view unit_named_by_systemd(std::string_view ident, std::string_view message);

struct JournalEntry {
  std::string_view message, realtime, priority, hostname, systemd_unit, identifier, pid, comm;
  std::string_view about_unit;  // UNIT=: the unit systemd (PID 1) speaks about
  bool has_message = false;
};
// A journal field name: upper-case letters, digits and "_", at most 64 bytes.
bool is_journal_field_name(std::string_view key);
// The fields kdx reads from a journal entry (the others are skipped unread), and storing one.
bool is_journal_field(std::string_view key);
void set_journal_field(JournalEntry& e, std::string_view key, std::string_view value);
// Appends the record for one journal entry; journald JSON and export share it. The text is
// synthesised (see journald_export.cc) because neither format has a printable line.
void add_journal_record(const JournalEntry& e, uint64_t line, const SplitInput& in,
                        RecordBatch& batch, Problems& problems);
Level level_from_priority(std::string_view priority);

// Sets `*why` (a static text) and returns false: the error path of the line parsers.
inline bool fail_with(std::string_view* why, std::string_view text) {
  *why = text;
  return false;
}

// ---- JSON (docker_json.cc) ------------------------------------------------------------------

struct JsonValue {
  enum class Kind : uint8_t { string, number, literal, object, array };
  Kind kind = Kind::literal;
  std::string_view raw;  // a string's content between the quotes; else the value's text
  bool escaped = false;  // a string holding at least one backslash
};

// A forward-only scanner over one JSON text that never allocates. Members of the object it
// is positioned on are handed out raw; nested objects and arrays are skipped (balanced, at
// most kMaxDepth deep). error() is a static text saying what was wrong.
class JsonScanner {
 public:
  static constexpr int kMaxDepth = 64;
  explicit JsonScanner(std::string_view s) : s_(s) {}

  // fn(key_raw, const JsonValue&) -> bool (false stops early, which is not an error).
  template <class Fn>
  bool for_each_member(Fn&& fn);
  // fn(const JsonValue&) -> bool, over the array the scanner is positioned on.
  template <class Fn>
  bool for_each_element(Fn&& fn);
  // True when only whitespace is left; else sets error().
  bool at_end();
  std::string_view error() const { return error_; }

 private:
  void skip_ws() {
    while (pos_ < s_.size() &&
           (s_[pos_] == ' ' || s_[pos_] == '\t' || s_[pos_] == '\n' || s_[pos_] == '\r'))
      ++pos_;
  }
  bool fail(std::string_view why) {
    if (error_.empty()) error_ = why;
    return false;
  }
  bool read_string(std::string_view* raw, bool* escaped);
  bool read_value(JsonValue* v);
  bool skip_container();

  std::string_view s_;
  size_t pos_ = 0;
  std::string_view error_;
};

template <class Fn>
bool JsonScanner::for_each_member(Fn&& fn) {
  skip_ws();
  if (pos_ >= s_.size() || s_[pos_] != '{') return fail("not a JSON object");
  ++pos_;
  skip_ws();
  if (pos_ < s_.size() && s_[pos_] == '}') {
    ++pos_;
    return true;
  }
  for (;;) {
    skip_ws();
    if (pos_ >= s_.size()) return fail("unexpected end of input");
    if (s_[pos_] != '"') return fail("expected a member name");
    std::string_view key;
    bool key_escaped;
    if (!read_string(&key, &key_escaped)) return false;
    skip_ws();
    if (pos_ >= s_.size() || s_[pos_] != ':') return fail("expected ':' after a member name");
    ++pos_;
    JsonValue v;
    if (!read_value(&v)) return false;
    if (!fn(key, static_cast<const JsonValue&>(v))) return true;
    skip_ws();
    if (pos_ < s_.size() && s_[pos_] == ',') {
      ++pos_;
      continue;
    }
    if (pos_ < s_.size() && s_[pos_] == '}') {
      ++pos_;
      return true;
    }
    return fail(pos_ >= s_.size() ? "unexpected end of input" : "expected ',' or '}'");
  }
}

template <class Fn>
bool JsonScanner::for_each_element(Fn&& fn) {
  skip_ws();
  if (pos_ >= s_.size() || s_[pos_] != '[') return fail("not a JSON array");
  ++pos_;
  skip_ws();
  if (pos_ < s_.size() && s_[pos_] == ']') {
    ++pos_;
    return true;
  }
  for (;;) {
    JsonValue v;
    if (!read_value(&v)) return false;
    if (!fn(static_cast<const JsonValue&>(v))) return true;
    skip_ws();
    if (pos_ < s_.size() && s_[pos_] == ',') {
      ++pos_;
      continue;
    }
    if (pos_ < s_.size() && s_[pos_] == ']') {
      ++pos_;
      return true;
    }
    return fail(pos_ >= s_.size() ? "unexpected end of input" : "expected ',' or ']'");
  }
}

// Appends the unescaped form of a raw JSON string (\n \t \" \\ \/ \b \f \r \uXXXX, surrogate
// pairs to UTF-8; a lone surrogate becomes U+FFFD, as Go's encoder writes it). Returns false
// and sets `why` on a malformed escape (docker_json.cc).
bool json_unescape(std::string_view raw, std::string& out, std::string_view* why);

// A JSON string member as a view: into the input when it has no escapes, else unescaped into
// the arena. False (with `why`) on a malformed escape.
bool json_string_view(const JsonValue& v, Arena& arena, std::string* scratch, std::string_view* out,
                      std::string_view* why);

}  // namespace kdx::formats::detail::lines
