// Docker json-file logs: {"log":"msg\n","stream":"stderr","time":"<RFC3339Nano>"} per line.
// Docker splits lines longer than 16 KiB into several entries whose "log" does not end in
// "\n"; they are joined (per stream) up to the entry that does.
//
// A record's text is the JSON line as written (for a joined record: the lines from the first
// piece to the last); its message is the unescaped "log" without its trailing newline, a view
// into the input when "log" holds no other escape.
//
// Also home of the small JSON scanner and unescaper (line_util.h) that docker, journald JSON,
// parse_line_meta and detect share.
#include <cstring>

#include "formats/line_util.h"

namespace kdx::formats::detail {

using namespace lines;  // this file implements part of line_util.h
namespace {

bool hex4(std::string_view s, size_t pos, uint32_t* out) {
  if (pos + 4 > s.size()) return false;
  uint32_t v = 0;
  for (size_t i = pos; i < pos + 4; ++i) {
    const char c = s[i];
    v <<= 4;
    if (c >= '0' && c <= '9')
      v |= static_cast<uint32_t>(c - '0');
    else if (c >= 'a' && c <= 'f')
      v |= static_cast<uint32_t>(c - 'a' + 10);
    else if (c >= 'A' && c <= 'F')
      v |= static_cast<uint32_t>(c - 'A' + 10);
    else
      return false;
  }
  *out = v;
  return true;
}

void append_utf8(std::string& out, uint32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

// "\uD83D\uDE00" -> U+1F600; `i` is just past the first "\uXXXX".
uint32_t surrogate_pair(std::string_view raw, uint32_t hi, size_t* i) {
  uint32_t lo = 0;
  if (*i + 6 <= raw.size() && raw[*i] == '\\' && raw[*i + 1] == 'u' && hex4(raw, *i + 2, &lo) &&
      lo >= 0xDC00 && lo <= 0xDFFF) {
    *i += 6;
    return 0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00);
  }
  return 0xFFFD;
}

}  // namespace

// Messages are most of a JSON log's bytes: the closing quote is found with memchr, and a quote
// after an odd run of backslashes is escaped and skipped.
bool lines::JsonScanner::read_string(std::string_view* raw, bool* escaped) {
  // pos_ is on the opening quote.
  const size_t start = ++pos_;
  const char* base = s_.data();
  for (size_t from = start; from < s_.size();) {
    const auto* q = static_cast<const char*>(std::memchr(base + from, '"', s_.size() - from));
    if (!q) break;
    const auto at = static_cast<size_t>(q - base);
    size_t backslashes = 0;
    while (at - backslashes > start && base[at - backslashes - 1] == '\\') ++backslashes;
    if (backslashes % 2 == 0) {
      *raw = s_.substr(start, at - start);
      *escaped = std::memchr(base + start, '\\', at - start) != nullptr;
      pos_ = at + 1;
      return true;
    }
    from = at + 1;
  }
  pos_ = s_.size();
  return fail("unterminated string");
}

bool lines::JsonScanner::skip_container() {
  uint64_t kinds = 0;  // bit d set: the container at depth d is an array
  int depth = 0;
  const size_t start = pos_;
  while (pos_ < s_.size()) {
    const char c = s_[pos_];
    if (c == '"') {
      std::string_view raw;
      bool esc;
      if (!read_string(&raw, &esc)) return false;
      continue;
    }
    if (c == '{' || c == '[') {
      if (depth == kMaxDepth) return fail("nesting deeper than 64 levels");
      if (c == '[')
        kinds |= uint64_t{1} << depth;
      else
        kinds &= ~(uint64_t{1} << depth);
      ++depth;
    } else if (c == '}' || c == ']') {
      if (depth == 0 || ((kinds >> (depth - 1)) & 1) != (c == ']' ? 1u : 0u))
        return fail("mismatched bracket");
      if (--depth == 0) {
        ++pos_;
        return true;
      }
    }
    ++pos_;
  }
  pos_ = start;
  return fail("unexpected end of input");
}

bool lines::JsonScanner::read_value(JsonValue* v) {
  skip_ws();
  if (pos_ >= s_.size()) return fail("unexpected end of input");
  const size_t start = pos_;
  const char c = s_[pos_];
  if (c == '"') {
    v->kind = JsonValue::Kind::string;
    return read_string(&v->raw, &v->escaped);
  }
  v->escaped = false;
  if (c == '{' || c == '[') {
    v->kind = c == '{' ? JsonValue::Kind::object : JsonValue::Kind::array;
    if (!skip_container()) return false;
    v->raw = s_.substr(start, pos_ - start);
    return true;
  }
  if (c == '-' || (c >= '0' && c <= '9')) {
    v->kind = JsonValue::Kind::number;
    ++pos_;
    while (pos_ < s_.size() &&
           ((s_[pos_] >= '0' && s_[pos_] <= '9') || s_[pos_] == '.' || s_[pos_] == 'e' ||
            s_[pos_] == 'E' || s_[pos_] == '+' || s_[pos_] == '-'))
      ++pos_;
    v->raw = s_.substr(start, pos_ - start);
    if (v->raw == "-") return fail("bad number");
    return true;
  }
  for (std::string_view lit :
       {std::string_view("true"), std::string_view("false"), std::string_view("null")}) {
    if (s_.substr(pos_).starts_with(lit)) {
      v->kind = JsonValue::Kind::literal;
      v->raw = lit;
      pos_ += lit.size();
      return true;
    }
  }
  return fail("unexpected character");
}

bool lines::JsonScanner::at_end() {
  skip_ws();
  return pos_ >= s_.size() || fail("trailing characters after the object");
}

bool lines::json_unescape(std::string_view raw, std::string& out, std::string_view* why) {
  out.reserve(out.size() + raw.size());
  size_t i = 0;
  while (i < raw.size()) {
    const void* bs = std::memchr(raw.data() + i, '\\', raw.size() - i);
    const size_t stop =
        bs ? static_cast<size_t>(static_cast<const char*>(bs) - raw.data()) : raw.size();
    out.append(raw.substr(i, stop - i));
    i = stop;
    if (i >= raw.size()) break;
    if (i + 1 >= raw.size()) return fail_with(why, "bad escape");
    const char e = raw[i + 1];
    i += 2;
    switch (e) {
      case '"':
        out += '"';
        break;
      case '\\':
        out += '\\';
        break;
      case '/':
        out += '/';
        break;
      case 'b':
        out += '\b';
        break;
      case 'f':
        out += '\f';
        break;
      case 'n':
        out += '\n';
        break;
      case 'r':
        out += '\r';
        break;
      case 't':
        out += '\t';
        break;
      case 'u': {
        uint32_t cp = 0;
        if (!hex4(raw, i, &cp)) return fail_with(why, "bad \\u escape");
        i += 4;
        if (cp >= 0xD800 && cp <= 0xDBFF)
          cp = surrogate_pair(raw, cp, &i);
        else if (cp >= 0xDC00 && cp <= 0xDFFF)
          cp = 0xFFFD;
        append_utf8(out, cp);
        break;
      }
      default:
        return fail_with(why, "bad escape");
    }
  }
  return true;
}

bool lines::json_string_view(const JsonValue& v, Arena& arena, std::string* scratch,
                             std::string_view* out, std::string_view* why) {
  if (!v.escaped) {
    *out = v.raw;
    return true;
  }
  scratch->clear();
  if (!json_unescape(v.raw, *scratch, why)) return false;
  *out = arena.keep(std::string_view(*scratch));
  return true;
}

bool lines::raw_ends_with_newline(std::string_view raw) {
  if (raw.size() < 2 || raw.back() != 'n') return false;
  size_t slashes = 0;
  for (size_t i = raw.size() - 1; i > 0 && raw[i - 1] == '\\'; --i) ++slashes;
  return slashes % 2 == 1;  // "\\n" is a backslash and an 'n', not a newline
}

bool lines::parse_docker_line(std::string_view line, DockerLine* out, std::string_view* why) {
  *out = DockerLine{};
  bool log_is_string = true;
  JsonScanner scan(line);
  const bool ok = scan.for_each_member([&](std::string_view key, const JsonValue& v) {
    const bool str = v.kind == JsonValue::Kind::string;
    if (key == "log") {
      log_is_string = str;
      out->has_log = true;
      out->log = v.raw;
    } else if (key == "stream" && str) {
      out->stream = v.raw;
    } else if (key == "time" && str) {
      out->time = v.raw;
    }
    return log_is_string;
  });
  if (!ok) return fail_with(why, scan.error());
  if (!log_is_string) return fail_with(why, "\"log\" is not a string");
  if (!scan.at_end()) return fail_with(why, scan.error());
  if (!out->has_log) return fail_with(why, "no \"log\" field");
  return true;
}

namespace {

struct Pending {
  bool active = false;
  uint64_t line = 0;
  Timestamp ts;
  size_t begin = 0, end = 0;  // the raw lines the record spans
  std::string message;        // reused from run to run
};

std::string_view strip_newline(std::string_view s) {
  if (s.ends_with('\n')) s.remove_suffix(1);
  if (s.ends_with('\r')) s.remove_suffix(1);
  return s;
}

class DockerSplitter {
 public:
  DockerSplitter(const SplitInput& in, RecordBatch& batch, Problems& problems)
      : in_(in), batch_(batch), problems_(problems) {}

  void line(const Line& l, uint64_t line_no) {
    DockerLine d;
    std::string_view why;
    if (!parse_docker_line(l.text, &d, &why)) return invalid(line_no, why);
    const bool complete = raw_ends_with_newline(d.log);
    Timestamp ts;
    if (auto t = parse_rfc3339(d.time)) ts = *t;
    Pending& p = pending_[d.stream == "stderr" ? 1 : 0];
    if (!p.active && complete) {
      std::string_view message;
      if (std::memchr(d.log.data(), '\\', d.log.size() - 2) == nullptr) {
        message = d.log.substr(0, d.log.size() - 2);  // only the final "\n" was escaped
      } else {
        scratch_.clear();
        if (!json_unescape(d.log, scratch_, &why)) return invalid(line_no, why);
        message = batch_.arena.keep(strip_newline(scratch_));
      }
      Record r = make_record(in_, SourceKind::log, line_no);
      r.text = l.text;
      r.message = message;
      r.ts = ts;
      set_level_of_message(r, in_);
      return push_line_record(r, in_, batch_, problems_);
    }
    scratch_.clear();
    if (!json_unescape(d.log, scratch_, &why)) return invalid(line_no, why);
    if (!p.active) {
      p.active = true;
      p.line = line_no;
      p.ts = ts;
      p.begin = l.begin;
      p.message.clear();
    }
    append_capped(p.message, scratch_);
    p.end = l.begin + l.text.size();
    if (complete) emit(p);
  }

  // A last piece without a newline is what an application that exits mid-line leaves: kept
  // as a record, not a problem.
  void finish() {
    Pending* open[2] = {&pending_[0], &pending_[1]};
    if (open[1]->active && (!open[0]->active || open[1]->line < open[0]->line))
      std::swap(open[0], open[1]);
    for (Pending* p : open)
      if (p->active) emit(*p);
  }

 private:
  void invalid(uint64_t line_no, std::string_view why) {
    problems_.push_back(
        {where(in_, line_no), "invalid docker json-file line: " + std::string(why)});
  }

  void emit(Pending& p) {
    Record r = make_record(in_, SourceKind::log, p.line);
    r.text = in_.bytes.substr(p.begin, p.end - p.begin);
    r.message = batch_.arena.keep(strip_newline(p.message));
    r.ts = p.ts;
    set_level_of_message(r, in_);
    p.active = false;
    push_line_record(r, in_, batch_, problems_);
  }

  const SplitInput& in_;
  RecordBatch& batch_;
  Problems& problems_;
  Pending pending_[2];  // stdout, stderr
  std::string scratch_;
};

}  // namespace

void split_docker_json(const SplitInput& in, RecordBatch& batch, Problems& problems) {
  DockerSplitter splitter(in, batch, problems);
  LineReader reader(in.bytes, bom_length(in));
  Line l;
  uint64_t line_no = in.first_line - 1;
  while (reader.next(l)) {
    ++line_no;
    if (!is_blank(l.text)) splitter.line(l, line_no);
  }
  splitter.finish();
}

}  // namespace kdx::formats::detail
