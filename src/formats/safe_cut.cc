// safe_cut: where the serial chunker may cut a line format so that no record straddles two
// chunks. Each format asks the same question its splitter asks ("does a record start on this
// line?"), using the splitter's own line parsers, so that cutting never changes the records.
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

// Before the last complete line that starts a record (not a stack-trace continuation). The
// joiner's state depends on the lines before, so it runs forward from the buffer's start.
size_t cut_text(std::string_view buf) {
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

// After the last F line at which neither stream has a P run open.
size_t cut_cri(std::string_view buf) {
  bool pending[2] = {false, false};
  LineReader reader(buf);
  Line l;
  size_t best = 0;
  while (reader.next(l) && l.complete) {
    lines::CriLine c;
    if (!lines::parse_cri_line(l.text, &c)) continue;
    pending[c.stream == "stderr" ? 1 : 0] = c.partial;
    if (!c.partial && !pending[0] && !pending[1]) best = l.end;
  }
  return best;
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
