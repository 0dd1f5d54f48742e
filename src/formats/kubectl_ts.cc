// `kubectl logs --timestamps`: "<RFC3339Nano> <message>". Lines without a timestamp (a paste
// that mixes in stack frames, or lines wrapped by a terminal) join the record before them.
#include <algorithm>

#include "formats/line_util.h"

namespace kdx::formats::detail {

using namespace lines;  // this file implements part of line_util.h

bool lines::parse_line_timestamp(std::string_view line, Timestamp* ts, size_t* len) {
  if (line.size() < 20 || line[10] != 'T' || line[4] != '-') return false;
  size_t n = 0;
  bool zone = false;
  auto t = parse_rfc3339(line, &n, &zone);
  if (!t) return false;
  // kubectl and CRI always print a zone; a zone-less stamp is some application's own.
  if (!zone || (n < line.size() && line[n] != ' ')) return false;
  *ts = *t;
  *len = n;
  return true;
}

void split_kubectl_ts(const SplitInput& in, RecordBatch& batch, Problems& problems) {
  LineReader reader(in.bytes, bom_length(in));
  Line l;
  uint64_t line_no = in.first_line - 1;
  bool open = false;
  Record cur;
  size_t begin = 0, msg_begin = 0, end = 0;

  auto flush = [&] {
    if (!open) return;
    open = false;
    std::string_view message =
        end > msg_begin ? in.bytes.substr(msg_begin, end - msg_begin) : std::string_view();
    while (!message.empty() && (message.front() == '\n' || message.front() == '\r'))
      message.remove_prefix(1);     // an empty stamped line continued by unstamped ones
    if (is_blank(message)) return;  // kubectl stamps empty lines too
    cur.text = in.bytes.substr(begin, end - begin);
    cur.message = message;
    set_level_of_message(cur, in);
    push_line_record(cur, in, batch, problems);
  };

  while (reader.next(l)) {
    ++line_no;
    Timestamp ts;
    size_t n = 0;
    if (parse_line_timestamp(l.text, &ts, &n)) {
      flush();
      open = true;
      cur = make_record(in, SourceKind::log, line_no);
      cur.ts = ts;
      begin = l.begin;
      msg_begin = l.begin + std::min(n + 1, l.text.size());
      end = l.begin + l.text.size();
    } else if (open) {
      if (!is_blank(l.text)) end = l.begin + l.text.size();
    } else if (!is_blank(l.text)) {
      // No record to continue (the first line of a chunk): the line stands alone.
      open = true;
      cur = make_record(in, SourceKind::log, line_no);
      begin = msg_begin = l.begin;
      end = l.begin + l.text.size();
    }
  }
  flush();
}

}  // namespace kdx::formats::detail
