// Generic text: every non-empty line is a record, and stack-trace continuation lines (Java,
// Go, Python, Node) are joined into the record they continue. Also holds push_line_record, the one
// place that enforces kMaxRecordBytes for every line format.
#include <fmt/format.h>

#include "formats/line_util.h"

namespace kdx::formats::detail {

using namespace lines;  // this file implements part of line_util.h

void lines::push_line_record(Record r, const SplitInput& in, RecordBatch& batch,
                             Problems& problems) {
  r.first_ts = r.ts;
  if (r.text.size() > kMaxRecordBytes || r.message.size() > kMaxRecordBytes) {
    r.text = cut_utf8(r.text, kMaxRecordBytes);
    r.message = cut_utf8(r.message, kMaxRecordBytes);
    problems.push_back(
        {where(in, r.line), fmt::format("record longer than {} bytes, cut", kMaxRecordBytes)});
  }
  batch.records.push_back(r);
}

namespace {

bool is_goroutine_header(std::string_view line) {
  return line.starts_with("goroutine ") && line.ends_with("]:");
}

}  // namespace

bool lines::TextJoiner::continues(std::string_view line) {
  const char c = line.front();
  if (c == ' ' || c == '\t') return true;
  if (line.starts_with("at ") || line.starts_with("Caused by:") || line.starts_with("Traceback") ||
      line.starts_with("...") || line.starts_with("[signal "))
    return true;
  if (mode_ == Mode::python) {
    // The first unindented line after the frames is the exception ("ValueError: bad"): it
    // belongs to the traceback and ends it.
    mode_ = Mode::plain;
    return true;
  }
  if (mode_ == Mode::go) return line.back() == ')' || line.starts_with("created by ");
  return false;
}

TextJoiner::Role lines::TextJoiner::feed(std::string_view line) {
  if (is_blank(line)) {
    open_ = false;  // a blank line ends a stack trace
    return Role::blank;
  }
  if (open_ && lines_ < kMaxJoinedLines && continues(line)) {
    ++lines_;
    if (line.starts_with("Traceback")) mode_ = Mode::python;
    return Role::join;
  }
  open_ = true;
  lines_ = 1;
  mode_ = is_goroutine_header(line)       ? Mode::go
          : line.starts_with("Traceback") ? Mode::python
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

  auto flush = [&] {
    if (!open) return;
    open = false;
    Record r = make_record(in, SourceKind::text, rec_line);
    r.text = r.message = in.bytes.substr(begin, end - begin);
    const LineMeta meta = parse_line_meta(first, year);
    r.ts = meta.ts;
    r.level = meta.level;
    push_line_record(r, in, batch, problems);
  };

  while (reader.next(l)) {
    ++line_no;
    switch (joiner.feed(l.text)) {
      case TextJoiner::Role::blank:
        flush();
        break;
      case TextJoiner::Role::start:
        flush();
        open = true;
        rec_line = line_no;
        begin = l.begin;
        end = l.begin + l.text.size();
        first = l.text;
        break;
      case TextJoiner::Role::join:
        end = l.begin + l.text.size();
        break;
    }
  }
  flush();
}

}  // namespace kdx::formats::detail
