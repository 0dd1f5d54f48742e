// safe_cut: where the serial chunker may cut a line format so that no record straddles two
// chunks. Each format asks the same question its splitter asks ("does a record start on this
// line?"), using the splitter's own line parsers, so that cutting never changes the records.
// It runs on the serial thread for every chunk: text and CRI look back from the end of the
// buffer, a few lines as a rule, and text reads it from the start only when that finds nothing.
#include <string.h>  // memrchr

#include "formats/line_util.h"

namespace kdx::formats {
namespace {

namespace lines = detail::lines;

using lines::Line;
using lines::LineReader;

// Every line is a record: cut after the last newline.
size_t cut_any_line(std::string_view buf) {
  const size_t nl = buf.rfind('\n');
  return nl == std::string_view::npos ? 0 : nl + 1;
}

// The complete line that ends just before `end` (buf[end - 1] is its '\n'): its text without
// the '\n' and a trailing '\r' (as LineReader gives it), and where it begins.
struct BackLine {
  std::string_view text;
  size_t begin = 0;
};
BackLine line_before(std::string_view buf, size_t end) {
  const auto* nl =
      end >= 2 ? static_cast<const char*>(memrchr(buf.data(), '\n', end - 1)) : nullptr;
  BackLine l;
  l.begin = nl ? static_cast<size_t>(nl - buf.data()) + 1 : 0;
  l.text = buf.substr(l.begin, end - 1 - l.begin);
  if (l.text.ends_with('\r')) l.text.remove_suffix(1);
  return l;
}

// The end of the last complete line (0 when there is none).
size_t complete_end(std::string_view buf) {
  const auto* nl =
      buf.empty() ? nullptr : static_cast<const char*>(memrchr(buf.data(), '\n', buf.size()));
  return nl ? static_cast<size_t>(nl - buf.data()) + 1 : 0;
}

// Before the last complete line that starts a record whatever the lines before it were, found
// looking back; 0 when none is (then cut_text_forward decides). The joiner joins a line that
// is not blank, whose line before is not blank, when the line continues by its shape; when it
// closes a goroutine dump (in go mode); or when it ends a Python traceback (in python mode,
// only reached through a "Traceback" line and lines continuing by shape). So a line that does
// none of these starts a record unless the run of shape-continuations just before it holds a
// "Traceback" (the cap of kMaxJoinedLines only starts more records: never a wrong cut).
size_t cut_text_backward(std::string_view buf) {
  using lines::TextJoiner;
  for (size_t end = complete_end(buf); end > 0;) {
    const BackLine l = line_before(buf, end);
    if (l.begin == 0) return 0;
    if (lines::is_blank(l.text)) return l.begin;  // a blank line is never joined
    const BackLine prev = line_before(buf, l.begin);
    if (lines::is_blank(prev.text)) return l.begin;  // after a blank line a record starts
    end = l.begin;
    if (TextJoiner::continues_by_shape(l.text) || TextJoiner::continues_goroutine(l.text)) continue;
    bool python = false;
    for (BackLine r = prev;; r = line_before(buf, r.begin)) {
      if (lines::is_blank(r.text) || !TextJoiner::continues_by_shape(r.text)) break;
      if (TextJoiner::opens_python(r.text)) {
        python = true;
        break;
      }
      if (r.begin == 0) break;
    }
    if (!python) return l.begin;
  }
  return 0;
}

// Before the last complete line that starts a record (not a stack-trace continuation). The
// joiner's state depends on the lines before, so it runs forward from the buffer's start.
size_t cut_text_forward(std::string_view buf) {
  lines::TextJoiner joiner;
  LineReader reader(buf);
  Line l;
  size_t best = 0;
  while (reader.next(l)) {
    const auto role = joiner.feed(l.text);
    if (role != lines::TextJoiner::Role::join && l.complete && l.begin > 0) best = l.begin;
  }
  return best;
}

// Before the last complete line that carries a timestamp (unstamped lines are joined).
size_t cut_kubectl_ts(std::string_view buf) {
  size_t end = buf.rfind('\n');
  while (end != std::string_view::npos && end > 0) {
    const size_t prev = buf.rfind('\n', end - 1);
    const size_t begin = prev == std::string_view::npos ? 0 : prev + 1;
    std::string_view line = buf.substr(begin, end - begin);
    if (line.ends_with('\r')) line.remove_suffix(1);
    Timestamp ts;
    size_t n = 0;
    if (begin > 0 && lines::parse_line_timestamp(line, &ts, &n)) return begin;
    end = prev;
  }
  return 0;
}

size_t cut_text(std::string_view buf) {
  const size_t cut = cut_text_backward(buf);
  return cut ? cut : cut_text_forward(buf);
}

int cri_stream(const lines::CriLine& c) { return c.stream == "stderr" ? 1 : 0; }

// After the last F line at which neither stream has a P run open, looking back: an F line of
// one stream is that cut when the other stream's last line before it is not P. When it is, no
// line between the two qualifies (they are all of the first stream, with that P still open),
// so the search goes on before it: each line is read once. Lines that are not CRI change
// nothing, as in the splitter.
size_t cut_cri(std::string_view buf) {
  size_t end = complete_end(buf);
  while (end > 0) {
    const size_t l_end = end;
    const BackLine l = line_before(buf, end);
    end = l.begin;
    lines::CriLine c;
    if (!lines::parse_cri_line(l.text, &c) || c.partial) continue;
    const int other = 1 - cri_stream(c);
    bool open = false;
    while (end > 0) {
      const BackLine q = line_before(buf, end);
      lines::CriLine o;
      if (lines::parse_cri_line(q.text, &o) && cri_stream(o) == other) {
        open = o.partial;
        break;
      }
      end = q.begin;
    }
    if (!open) return l_end;
    end = line_before(buf, end).begin;  // past the P line itself
  }
  return 0;
}

// After the last line at which neither stream has a 16 KiB-split entry open.
size_t cut_docker(std::string_view buf) {
  bool pending[2] = {false, false};
  LineReader reader(buf);
  Line l;
  size_t best = 0;
  while (reader.next(l) && l.complete) {
    lines::DockerLine d;
    std::string_view why;
    if (!lines::is_blank(l.text) && lines::parse_docker_line(l.text, &d, &why))
      pending[d.stream == "stderr" ? 1 : 0] = !lines::raw_ends_with_newline(d.log);
    if (!pending[0] && !pending[1]) best = l.end;
  }
  return best;
}

}  // namespace

size_t safe_cut(FormatId f, std::string_view buf) {
  switch (f) {
    case FormatId::text:
      return cut_text(buf);
    case FormatId::kubectl_ts:
      return cut_kubectl_ts(buf);
    case FormatId::cri:
      return cut_cri(buf);
    case FormatId::docker_json:
      return cut_docker(buf);
    case FormatId::journald_json:
    case FormatId::syslog:
    case FormatId::events_table:
      return cut_any_line(buf);
    default:
      return 0;  // whole-file formats are never cut
  }
}

}  // namespace kdx::formats
