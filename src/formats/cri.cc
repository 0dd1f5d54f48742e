// CRI (containerd, CRI-O) container logs: "<RFC3339Nano> stdout|stderr P|F <message>".
// A line longer than the runtime's buffer is written as P (partial) lines ended by an F line
// of the same stream; stdout and stderr runs may interleave, so each stream is joined apart.
//
// A joined record's text is synthesised in the arena as "<first stamp> <stream> F <joined
// message>" (tag P when the run never completed), i.e. the line the container printed.
#include "formats/line_util.h"

namespace kdx::formats::detail {

using namespace lines;  // this file implements part of line_util.h

bool lines::parse_cri_line(std::string_view line, CriLine* out) {
  Timestamp ts;
  size_t n = 0;
  if (!parse_line_timestamp(line, &ts, &n) || n >= line.size()) return false;
  std::string_view rest = line.substr(n + 1);
  if (!rest.starts_with("stdout ") && !rest.starts_with("stderr ")) return false;
  out->stream = rest.substr(0, 6);
  rest.remove_prefix(7);
  // The tag is a ':'-separated flag list; its first flag says partial (P) or full (F).
  const size_t sp = rest.find(' ');
  const std::string_view tag = rest.substr(0, sp);
  if (tag.empty() || (tag[0] != 'P' && tag[0] != 'F') || (tag.size() > 1 && tag[1] != ':'))
    return false;
  out->ts = ts;
  out->stamp = line.substr(0, n);
  out->partial = tag[0] == 'P';
  out->message = sp == std::string_view::npos ? std::string_view() : rest.substr(sp + 1);
  return true;
}

namespace {

struct Partial {
  bool active = false;
  uint64_t line = 0;
  Timestamp ts;
  std::string_view stamp, stream;
  std::string message;  // reused from run to run
};

class CriSplitter {
 public:
  CriSplitter(const SplitInput& in, RecordBatch& batch, Problems& problems)
      : in_(in), batch_(batch), problems_(problems) {}

  void line(std::string_view text, uint64_t line_no) {
    CriLine c;
    if (!parse_cri_line(text, &c)) {
      // Not CRI-shaped (a stray line in the file): kept on its own.
      Record r = make_record(in_, SourceKind::log, line_no);
      r.text = r.message = text;
      set_level_of_message(r, in_);
      push_line_record(r, in_, batch_, problems_);
      return;
    }
    Partial& p = pending_[c.stream == "stderr" ? 1 : 0];
    if (!p.active && !c.partial) {
      if (is_blank(c.message)) return;  // an empty line the container printed
      Record r = make_record(in_, SourceKind::log, line_no);
      r.text = text;
      r.message = c.message;
      r.ts = c.ts;
      set_level_of_message(r, in_);
      push_line_record(r, in_, batch_, problems_);
      return;
    }
    if (!p.active) {
      p.active = true;
      p.line = line_no;
      p.ts = c.ts;
      p.stamp = c.stamp;
      p.stream = c.stream;
      p.message.clear();
    }
    append_capped(p.message, c.message);
    if (!c.partial) emit(p, true);
  }

  // End of input: runs still open are kept, and reported.
  void finish() {
    Partial* open[2] = {&pending_[0], &pending_[1]};
    if (open[1]->active && (!open[0]->active || open[1]->line < open[0]->line))
      std::swap(open[0], open[1]);
    for (Partial* p : open) {
      if (!p->active) continue;
      const uint64_t line = p->line;
      emit(*p, false);
      problems_.push_back(
          {where(in_, line), "CRI partial line never completed (no F line before end of input)"});
    }
  }

 private:
  void emit(Partial& p, bool complete) {
    std::string text;
    text.reserve(p.stamp.size() + p.stream.size() + 3 + p.message.size());
    text.append(p.stamp).append(" ").append(p.stream).append(complete ? " F " : " P ");
    const size_t at = text.size();
    text.append(p.message);
    const std::string_view kept = batch_.arena.keep(std::move(text));
    Record r = make_record(in_, SourceKind::log, p.line);
    r.text = kept;
    r.message = kept.substr(at);
    r.ts = p.ts;
    set_level_of_message(r, in_);
    p.active = false;
    push_line_record(r, in_, batch_, problems_);
  }

  const SplitInput& in_;
  RecordBatch& batch_;
  Problems& problems_;
  Partial pending_[2];  // stdout, stderr
};

}  // namespace

void split_cri(const SplitInput& in, RecordBatch& batch, Problems& problems) {
  CriSplitter splitter(in, batch, problems);
  LineReader reader(in.bytes, bom_length(in));
  Line l;
  uint64_t line_no = in.first_line - 1;
  while (reader.next(l)) {
    ++line_no;
    if (!is_blank(l.text)) splitter.line(l.text, line_no);
  }
  splitter.finish();
}

}  // namespace kdx::formats::detail
