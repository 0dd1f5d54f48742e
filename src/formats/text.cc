// Generic text: every non-empty line is a record, and stack-trace continuation lines (Java,
// Go, Python, Node) are joined into the record they continue. Also holds push_line_record, the one
// place that enforces kMaxRecordBytes for every line format.
// Pastes are text too: a table copied out of k9s keeps its frame ("│ row │"), which is cut
// off the message, and an events-table row that was not recognised as one still says how
// often it happened ("3m (x14 over 20m)").
#include <algorithm>
#include <cstring>

#include <fmt/format.h>

#include "formats/k8s_util.h"
#include "formats/line_util.h"

namespace kdx::formats::detail {

using namespace lines;  // this file implements part of line_util.h

void lines::push_line_record(const Record& r, const SplitInput& in, RecordBatch& batch,
                             Problems& problems) {
  // Copied once, into place: a record is 184 bytes and every line of a file makes one.
  Record& out = batch.records.emplace_back(r);
  out.first_ts = out.ts;
  if (out.text.size() > kMaxRecordBytes || out.message.size() > kMaxRecordBytes) {
    out.text = cut_utf8(out.text, kMaxRecordBytes);
    out.message = cut_utf8(out.message, kMaxRecordBytes);
    problems.push_back(
        {where(in, out.line), fmt::format("record longer than {} bytes, cut", kMaxRecordBytes)});
  }
}

namespace {

bool is_goroutine_header(std::string_view line) {
  return line.starts_with("goroutine ") && line.ends_with("]:");
}

// A box-drawing character (U+2500..U+257F: "│", "┃", "─", "┌" ...) is three bytes.
constexpr size_t kBoxCharBytes = 3;
bool box_char_at(std::string_view s, size_t i) {
  return i + kBoxCharBytes <= s.size() && s[i] == '\xE2' &&
         (s[i + 1] == '\x94' || s[i + 1] == '\x95');
}

std::string_view trim_blanks(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// The message inside a TUI frame: "│ postgres-0  0/1  CrashLoopBackOff │" -> the row.
std::string_view strip_frame(std::string_view s) {
  const std::string_view t = trim_blanks(s);
  const size_t last = t.size() < kBoxCharBytes ? 0 : t.size() - kBoxCharBytes;
  if (!box_char_at(t, 0) && !box_char_at(t, last)) return s;
  std::string_view inner = t;
  if (box_char_at(inner, 0)) inner.remove_prefix(kBoxCharBytes);
  if (inner.size() >= kBoxCharBytes && box_char_at(inner, inner.size() - kBoxCharBytes))
    inner.remove_suffix(kBoxCharBytes);
  return trim_blanks(inner);
}

}  // namespace

bool lines::TextJoiner::continues_by_shape(std::string_view line) {
  // One switch on the first byte: this runs on nearly every line of a text file.
  switch (line.front()) {
    case ' ':
      // BuildKit's progress lines (" => [2/6] RUN ...", " => => # output") are indented
      // records.
      return !line.starts_with(" => ");
    case '\t': return true;
    case 'a': return line.starts_with("at ");
    case 'C': return line.starts_with("Caused by:");
    case 'T': return opens_python(line);
    case '.': return line.starts_with("...");
    case '[': return line.starts_with("[signal ");
    default: return false;
  }
}

bool lines::TextJoiner::continues_goroutine(std::string_view line) {
  return line.back() == ')' || line.starts_with("created by ");
}

bool lines::TextJoiner::opens_python(std::string_view line) {
  return line.starts_with("Traceback");
}

bool lines::TextJoiner::continues(std::string_view line) {
  if (line.front() == ' ' && line.starts_with(" => ")) return false;
  if (continues_by_shape(line)) return true;
  if (mode_ == Mode::python) {
    // The first unindented line after the frames is the exception ("ValueError: bad"): it
    // belongs to the traceback and ends it.
    mode_ = Mode::plain;
    return true;
  }
  if (mode_ == Mode::go) return continues_goroutine(line);
  return false;
}

TextJoiner::Role lines::TextJoiner::feed(std::string_view line) {
  if (is_blank(line)) {
    open_ = false;  // a blank line ends a stack trace
    return Role::blank;
  }
  if (open_ && lines_ < kMaxJoinedLines && continues(line)) {
    ++lines_;
    if (opens_python(line)) mode_ = Mode::python;
    return Role::join;
  }
  open_ = true;
  lines_ = 1;
  const char c = line.front();
  mode_ = c == 'g' && is_goroutine_header(line) ? Mode::go
          : c == 'T' && opens_python(line)      ? Mode::python
                                                : Mode::plain;
  return Role::start;
}

void split_text(const SplitInput& in, RecordBatch& batch, Problems& problems) {
  const int year = year_hint(in);
  LineReader reader(in.bytes, bom_length(in));
  TextJoiner joiner;
  Line l;
  uint64_t line_no = in.first_line - 1;
  bool open = false;
  uint64_t rec_line = 0;
  size_t begin = 0, end = 0;
  std::string_view first;
  // With in.hot: whether the open record holds a hot offset, and the next offset to place.
  bool hot = false;
  size_t next_hot = 0;

  auto flush = [&] {
    if (!open) return;
    open = false;
    const std::string_view text = in.bytes.substr(begin, end - begin);
    const bool deferred = defers_meta(in, text, first);
    if (in.hot && !hot && deferred) {
      ++batch.left_out;  // no match in it, and nothing read at once: no one asks for it
      return;
    }
    Record r = make_record(in, SourceKind::text, rec_line);
    r.text = text;
    r.message = strip_frame(r.text);
    if (r.message.find("(x") != std::string_view::npos) r.repeat = repeat_from_age(r.message);
    if (deferred) {
      r.deferred = DeferredMeta::meta_of_first_line;  // `first` is r.text's first line
    } else {
      const LineMeta meta = parse_line_meta(first, year);
      r.ts = meta.ts;
      r.level = meta.level;
    }
    push_line_record(r, in, batch, problems);
  };

  while (reader.next(l)) {
    ++line_no;
    bool line_hot = false;  // a hot offset in this line or its newline
    if (in.hot) {
      const auto& offsets = *in.hot;
      for (; next_hot < offsets.size() && offsets[next_hot] < l.end; ++next_hot)
        line_hot |= offsets[next_hot] >= l.begin;
    }
    switch (joiner.feed(l.text)) {
      case TextJoiner::Role::blank:
        flush();
        break;
      case TextJoiner::Role::start:
        flush();
        open = true;
        hot = line_hot;
        rec_line = line_no;
        begin = l.begin;
        end = l.begin + l.text.size();
        first = l.text;
        break;
      case TextJoiner::Role::join:
        hot |= line_hot;
        end = l.begin + l.text.size();
        break;
    }
  }
  flush();
}

}  // namespace kdx::formats::detail

namespace kdx::formats {

std::string_view text_scannable(const Chunk& chunk, std::vector<uint32_t>& special) {
  if (chunk.format != FormatId::text) return {};
  std::string_view bytes = chunk.bytes;
  const size_t skip = chunk.first_line == 1 && bytes.starts_with("\xEF\xBB\xBF") ? 3 : 0;
  bytes.remove_prefix(skip);
  // Carriage returns by memchr; bytes past ASCII by an OR over each 4 KiB block, a loop the
  // compiler vectorises, and a block that has one is looked at byte by byte (most have none).
  const auto start = static_cast<std::ptrdiff_t>(special.size());
  const char* const end = bytes.data() + bytes.size();
  for (const char* p = bytes.data(); (p = static_cast<const char*>(std::memchr(p, '\r', end - p)));
       ++p)
    special.push_back(static_cast<uint32_t>(skip + (p - bytes.data())));
  const auto past_ascii = static_cast<std::ptrdiff_t>(special.size());
  constexpr size_t kBlock = 4096;
  for (size_t b = 0; b < bytes.size(); b += kBlock) {
    const size_t e = std::min(bytes.size(), b + kBlock);
    unsigned char high = 0;
    for (size_t i = b; i < e; ++i) high |= static_cast<unsigned char>(bytes[i]);
    if (high < 0x80) continue;
    for (size_t i = b; i < e; ++i)
      if (static_cast<unsigned char>(bytes[i]) >= 0x80)
        special.push_back(static_cast<uint32_t>(skip + i));
  }
  std::inplace_merge(special.begin() + start, special.begin() + past_ascii, special.end());
  return bytes;
}

}  // namespace kdx::formats
