// `kubectl cluster-info dump` written to stdout: pretty-printed JSON lists (NodeList, EventList,
// ..., PodList per namespace) and container log blocks
//   ==== START logs for container <c> of pod <ns>/<pod> ====
//   ...
//   ==== END logs for container <c> of pod <ns>/<pod> ====
// JSON values are found by bracket matching; EventList/PodList/List (and lone Event/Pod) go to
// the events and pods splitters on their sub-range, other kinds are skipped. Log blocks go to
// split_text with the block's resource, and their records become kind log. Any other lines are
// split as text, so nothing pasted around the dump is lost.
#include <fmt/format.h>

#include "formats/k8s_util.h"

namespace kdx::formats::detail {
namespace {

constexpr std::string_view kStart = "==== START logs for container ";
constexpr std::string_view kEnd = "==== END logs for container ";
constexpr std::string_view kOfPod = " of pod ";
constexpr std::string_view kTail = " ====";

class ClusterDump {
 public:
  ClusterDump(const SplitInput& in, RecordBatch& batch, Problems& problems)
      : in_(in), batch_(batch), problems_(problems), lines_(in.bytes, in.first_line) {}

  void run() {
    const std::string_view text = in_.bytes;
    size_t pos = 0;             // always at a line start
    size_t stray = text.size();  // start of a run of other lines, if one is open
    while (pos < text.size()) {
      const size_t nl = text.find('\n', pos);
      const size_t next = nl == std::string_view::npos ? text.size() : nl + 1;
      std::string_view line = text.substr(pos, next - pos);
      while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.remove_suffix(1);
      const size_t first = pos + indent_of(line);
      const bool json = first < pos + line.size() && (text[first] == '{' || text[first] == '[');
      if (!json && !line.starts_with(kStart)) {
        if (stray == text.size()) stray = pos;
        pos = next;
        continue;
      }
      flush_stray(stray, pos);
      stray = text.size();
      pos = json ? json_value(first) : log_block(pos, line, next);
    }
    flush_stray(stray, text.size());
  }

 private:
  SplitInput sub(size_t begin, size_t end, const ResourceRef& res) {
    SplitInput s = in_;
    s.bytes = in_.bytes.substr(begin, end - begin);
    s.first_line = lines_.line_at(begin);
    s.res = res;
    // s.padded stays as it was: past the sub-range come the rest of the input, then its padding.
    return s;
  }

  void flush_stray(size_t begin, size_t end) {
    if (begin >= end) return;
    split_text(sub(begin, end, in_.res), batch_, problems_);
  }

  // Dispatches the JSON value at `begin`; returns the start of the line after it.
  size_t json_value(size_t begin) {
    const JsonScan scan = scan_json_value(in_.bytes, begin);
    const SplitInput s = sub(begin, scan.end, in_.res);
    const std::string_view kind = scan.kind;
    const bool events = kind == "EventList" || kind == "Event" || kind == "List";
    const bool pods = kind == "PodList" || kind == "Pod" || kind == "List";
    if (events) split_events_json(s, batch_, problems_);
    if (pods) split_pods_json(s, batch_, problems_);
    // A broken value of another kind is still reported; the events splitter finds no events
    // in it and says what is wrong.
    if (!events && !pods && (!scan.complete || scan.too_deep)) split_events_json(s, batch_, problems_);
    const size_t nl = in_.bytes.find('\n', scan.end);
    return nl == std::string_view::npos ? in_.bytes.size() : nl + 1;
  }

  // The log block whose START line is `line` at `pos`; returns the start of the line after it.
  size_t log_block(size_t pos, std::string_view line, size_t next) {
    const std::string_view what = line.substr(kStart.size());  // "<c> of pod <ns>/<pod> ===="
    const size_t of = what.find(kOfPod);
    const size_t slash = what.find('/', of == std::string_view::npos ? 0 : of);
    if (of == std::string_view::npos || slash == std::string_view::npos || !what.ends_with(kTail)) {
      flush_stray(pos, next);  // not a block header after all
      return next;
    }
    ResourceRef res;
    res.container = what.substr(0, of);
    res.ns = what.substr(of + kOfPod.size(), slash - of - kOfPod.size());
    res.pod = what.substr(slash + 1, what.size() - kTail.size() - slash - 1);
    const std::string end_line = fmt::format("{}{}", kEnd, what);
    size_t end = find_line(end_line, next);
    size_t after = in_.bytes.size();
    if (end == std::string_view::npos) {
      problems_.push_back({where(in_, lines_.line_at(pos)),
                           fmt::format("cluster dump: the logs of container {} of pod {}/{} have "
                                       "no END line",
                                       res.container, res.ns, res.pod)});
      end = in_.bytes.size();
    } else {
      const size_t nl = in_.bytes.find('\n', end);
      after = nl == std::string_view::npos ? in_.bytes.size() : nl + 1;
    }
    const size_t first_record = batch_.records.size();
    if (next < end) split_text(sub(next, end, res), batch_, problems_);
    for (size_t i = first_record; i < batch_.records.size(); ++i)
      batch_.records[i].kind = SourceKind::log;
    return after;
  }

  // The offset of the first line at or after `from` that is exactly `line`, or npos.
  size_t find_line(std::string_view line, size_t from) const {
    const std::string_view text = in_.bytes;
    for (size_t at = text.find(line, from); at != std::string_view::npos;
         at = text.find(line, at + 1)) {
      const size_t after = at + line.size();
      const bool starts = at == 0 || text[at - 1] == '\n';
      const bool ends = after == text.size() || text[after] == '\n' || text[after] == '\r';
      if (starts && ends) return at;
    }
    return std::string_view::npos;
  }

  const SplitInput& in_;
  RecordBatch& batch_;
  Problems& problems_;
  LineCounter lines_;
};

}  // namespace

void split_cluster_dump(const SplitInput& in, RecordBatch& batch, Problems& problems) {
  ClusterDump(in, batch, problems).run();
}

}  // namespace kdx::formats::detail
