// `kubectl describe pod/node/pvc/deployment/...` output, one or several objects (each starts at a
// column-0 `Name:`). The object's kind is inferred from its top-level keys, and its resource
// (pod, node, or "<Kind>/<name>") is given to every record:
//   - each row of the `Events:` table -> an event record; lines indented to the Message column
//     continue the row before (long messages wrap there);
//   - each container's `State:` / `Last State:` that says something is wrong -> one pod_status
//     record shaped like pods JSON's (container_state_message), so one regex matches both;
//   - pod-level `Reason:` / `Message:` (Evicted) -> describe records carrying the reason;
//   - every other non-blank line -> a describe record (message = the trimmed line).
// kubectl prints a terminated container's multi-line Message unindented, always followed by
// `Exit Code:`; that is how its continuation lines are recognised.
#include <algorithm>
#include <array>
#include <cctype>
#include <cstdlib>

#include <fmt/format.h>

#include "core/text.h"
#include "formats/k8s_util.h"

namespace kdx::formats::detail {
namespace {

constexpr size_t kMaxMessageLines = 200;  // lookahead for a terminated state's message

// "Key:  value" -> {"Key", "value"}; false when the text is not a key line.
bool split_key(std::string_view text, std::string_view* key, std::string_view* value) {
  const size_t colon = text.find(':');
  if (colon == 0 || colon == std::string_view::npos) return false;
  if (colon + 1 < text.size() && text[colon + 1] != ' ' && text[colon + 1] != '\t') return false;
  for (char c : text.substr(0, colon))
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != ' ' && c != '-' && c != '_' &&
        c != '.' && c != '/')
      return false;
  *key = text.substr(0, colon);
  *value = trim(text.substr(colon + 1));
  return true;
}

// Which kind of object a set of top-level keys describes; "" when unknown.
std::string_view kind_from_keys(const std::vector<std::string_view>& keys) {
  auto has = [&](std::string_view k) { return std::find(keys.begin(), keys.end(), k) != keys.end(); };
  struct Rule {
    std::string_view key, kind;
  };
  static constexpr std::array<Rule, 22> kRules = {{
      {"Containers", "Pod"}, {"Init Containers", "Pod"}, {"Start Time", "Pod"}, {"Node", "Pod"},
      {"QoS Class", "Pod"}, {"Roles", "Node"}, {"Taints", "Node"}, {"System Info", "Node"},
      {"Reclaim Policy", "PersistentVolume"}, {"Used By", "PersistentVolumeClaim"},
      {"VolumeMode", "PersistentVolumeClaim"}, {"Access Modes", "PersistentVolumeClaim"},
      {"StrategyType", "Deployment"}, {"NewReplicaSet", "Deployment"},
      {"Desired Number of Nodes Scheduled", "DaemonSet"}, {"Volume Claims", "StatefulSet"},
      {"Update Strategy", "StatefulSet"}, {"Completions", "Job"}, {"Parallelism", "Job"},
      {"Concurrency Policy", "CronJob"}, {"Session Affinity", "Service"},
      {"Pods Status", "ReplicaSet"},
  }};
  for (const Rule& r : kRules)
    if (has(r.key)) return r.kind;
  return {};
}

struct StateBlock {
  size_t first = 0, last = 0;  // line indices [first, last]
  bool last_state = false;     // "Last State:" rather than "State:"
  std::string_view word, reason;
  std::string message;
  int64_t exit_code = 0;
  Timestamp started, finished;
};

class Describe {
 public:
  Describe(const SplitInput& in, RecordBatch& batch, Problems& problems)
      : in_(in), batch_(batch), problems_(problems), lines_(split_lines(in.bytes, in.first_line)) {}

  void run() {
    const size_t first_record = batch_.records.size();
    size_t begin = 0;
    for (size_t i = 1; i <= lines_.size(); ++i) {
      if (i < lines_.size() && !lines_[i].text.starts_with("Name:")) continue;
      object(begin, i);
      begin = i;
    }
    // Container states are emitted after their block is read; evidence reads in file order.
    std::stable_sort(batch_.records.begin() + static_cast<ptrdiff_t>(first_record),
                     batch_.records.end(),
                     [](const Record& a, const Record& b) { return a.line < b.line; });
  }

 private:
  void object(size_t begin, size_t end) {
    std::string_view pod_reason;
    const ResourceRef res = identify(begin, end, &pod_reason);
    for (size_t i = begin; i < end;) {
      const std::string_view text = lines_[i].text;
      std::string_view key, value;
      if (trim(text).empty()) {
        ++i;
        continue;
      }
      if (indent_of(text) > 0 || !split_key(text, &key, &value)) {
        line_record(i++, res);
      } else if (key == "Events") {
        if (!value.empty()) line_record(i, res);
        i = events(i + 1, end, res);
      } else if (key == "Containers" || key == "Init Containers" || key == "Ephemeral Containers") {
        line_record(i, res);
        i = containers(i + 1, end, res);
      } else {
        Record& r = line_record(i++, res);
        if (key == "Reason") r.reason = value;
        if (key == "Message") {  // the pod's status message (Evicted: "The node was low ...")
          r.message = value;
          r.reason = pod_reason;
        }
      }
    }
  }

  ResourceRef identify(size_t begin, size_t end, std::string_view* pod_reason) {
    std::vector<std::string_view> keys;
    std::string_view name, ns;
    for (size_t i = begin; i < end; ++i) {
      std::string_view key, value;
      if (indent_of(lines_[i].text) > 0 || !split_key(lines_[i].text, &key, &value)) continue;
      keys.push_back(key);
      if (key == "Name" && name.empty()) name = value;
      if (key == "Namespace" && ns.empty()) ns = value;
      if (key == "Reason") *pod_reason = value;
    }
    ResourceRef res = in_.res;
    if (name.empty()) return res;
    if (ns.empty()) ns = in_.res.ns;
    const std::string_view kind = kind_from_keys(keys);
    if (kind.empty()) {  // an object we cannot place: its namespace is all we know
      res.ns = ns;
      return res;
    }
    return object_resource(kind, ns, name, {}, batch_.arena);
  }

  Record& line_record(size_t i, const ResourceRef& res) {
    Record r;
    r.kind = SourceKind::describe;
    r.text = r.message = trim(lines_[i].text);
    r.res = res;
    r.line = lines_[i].line;
    push_record(r, in_, batch_, problems_);
    return batch_.records.back();
  }

  // The Events: table starting at line i; returns the index after it.
  size_t events(size_t i, size_t end, const ResourceRef& res) {
    if (i >= end) return i;
    const std::vector<Cell> header = header_cells(lines_[i].text);
    std::array<size_t, 5> col{};  // Type Reason Age From Message
    constexpr std::array<std::string_view, 5> kNames = {"Type", "Reason", "Age", "From", "Message"};
    if (header.size() != kNames.size()) return i;
    for (size_t c = 0; c < kNames.size(); ++c) {
      if (header[c].text != kNames[c]) return i;
      col[c] = header[c].start;
    }
    ++i;
    if (i < end && trim(lines_[i].text).starts_with("----")) ++i;
    size_t open = SIZE_MAX;  // the record a wrapped line continues
    for (; i < end; ++i) {
      const std::string_view text = lines_[i].text;
      if (trim(text).empty()) break;
      const bool wrapped = open != SIZE_MAX && hard_wrapped(lines_[i - 1].text, text);
      if (indent_of(text) == 0 && !wrapped) break;
      if (open != SIZE_MAX && (indent_of(text) >= col[4] || wrapped)) {
        continue_event(batch_.records[open], trim(text));
      } else if (event_row(lines_[i], col, res)) {
        open = batch_.records.size() - 1;
      } else {
        line_record(i, res);
        open = SIZE_MAX;
      }
    }
    return i;
  }

  // A paste wrapped at a fixed width (a ticket, an e-mail, a terminal multiplexer) breaks a
  // long event row; the rest lands on the next line at any indent. It is prose (no table
  // cells, no describe key such as "Name:" at column 0, no shell prompt) after a line that
  // filled the width.
  static bool hard_wrapped(std::string_view before, std::string_view line) {
    constexpr size_t kMinWrappedWidth = 64;
    std::string_view key, value;
    const std::string_view t = trim(line);
    const bool describe_key = indent_of(line) == 0 && split_key(t, &key, &value) &&
                              std::isupper(static_cast<unsigned char>(t.front()));
    return before.size() >= kMinWrappedWidth && header_cells(line).size() <= 3 && !describe_key &&
           t.find("$ ") == std::string_view::npos && t.find("# ") == std::string_view::npos;
  }

  bool event_row(const TextLine& l, const std::array<size_t, 5>& col, const ResourceRef& res) {
    const std::string_view text = l.text;
    if (indent_of(text) != col[0] || text.size() <= col[4]) return false;
    for (size_t c = 1; c < col.size(); ++c)
      if (text[col[c] - 1] != ' ') return false;  // a cell overflowing: not a row
    Record r;
    r.type = cell_text(text, col[0], col[1]);
    r.reason = cell_text(text, col[1], col[2]);
    if (r.type.empty() || r.reason.empty() || r.type.find(' ') != std::string_view::npos ||
        r.reason.find(' ') != std::string_view::npos)
      return false;
    r.kind = SourceKind::event;
    r.level = level_of_event_type(r.type);
    r.repeat = repeat_from_age(cell_text(text, col[2], col[3]));
    r.message = cell_text(text, col[4], text.size());
    r.text = trim(text);
    r.res = res;
    r.line = l.line;
    push_record(r, in_, batch_, problems_);
    return true;
  }

  void continue_event(Record& r, std::string_view more) {
    r.message = batch_.arena.keep(fmt::format("{} {}", r.message, more));
    r.text = batch_.arena.keep(fmt::format("{} {}", r.text, more));
  }

  // The Containers: section starting at line i; returns the index after it.
  size_t containers(size_t i, size_t end, const ResourceRef& res) {
    if (i >= end || indent_of(lines_[i].text) == 0) return i;
    const size_t base = indent_of(lines_[i].text);
    while (i < end) {
      const std::string_view text = lines_[i].text;
      std::string_view key, value;
      if (trim(text).empty() || indent_of(text) == 0) break;
      if (indent_of(text) == base && split_key(trim(text), &key, &value) && value.empty()) {
        i = container(i, end, key, res);
      } else {
        line_record(i++, res);
      }
    }
    return i;
  }

  // One container block ("  postgres:" and the lines indented below it).
  size_t container(size_t i, size_t end, std::string_view name, const ResourceRef& pod) {
    const size_t base = indent_of(lines_[i].text);
    ResourceRef res = pod;
    res.container = name;
    line_record(i++, res);
    std::vector<StateBlock> states;
    int64_t restarts = 0;
    for (; i < end; ++i) {
      const std::string_view text = lines_[i].text;
      std::string_view key, value;
      if (trim(text).empty() || indent_of(text) <= base) break;
      if (!split_key(trim(text), &key, &value)) {
        line_record(i, res);
      } else if (key == "State" || key == "Last State") {
        StateBlock& s = states.emplace_back();
        s.last_state = key == "Last State";
        s.word = value;
        i = state_block(i, end, s);
      } else {
        if (key == "Restart Count") restarts = std::atoll(std::string(value).c_str());
        line_record(i, res);
      }
    }
    // Restart Count comes after the states, and every state record carries it.
    for (const StateBlock& s : states) emit_state(s, name, restarts, res);
    return i;
  }

  // Reads a State:/Last State: block at line i; returns the index of its last line.
  size_t state_block(size_t i, size_t end, StateBlock& s) {
    const size_t indent = indent_of(lines_[i].text);
    s.first = s.last = i;
    for (size_t j = i + 1; j < end; ++j) {
      const std::string_view text = lines_[j].text;
      std::string_view key, value;
      if (trim(text).empty() || indent_of(text) <= indent) break;
      s.last = j;
      if (!split_key(trim(text), &key, &value)) continue;
      if (key == "Reason") s.reason = value;
      if (key == "Exit Code") s.exit_code = std::atoll(std::string(value).c_str());
      if (key == "Started") s.started = parse_rfc1123z(value).value_or(Timestamp{});
      if (key == "Finished") s.finished = parse_rfc1123z(value).value_or(Timestamp{});
      if (key == "Message") {
        s.message = std::string(value);
        j = s.last = message_lines(j, end, indent_of(text), s.message);
      }
    }
    return s.last;
  }

  // Lines after a `Message:` line up to the `Exit Code:` kubectl always prints next belong to
  // the message. Returns the index of the message's last line.
  size_t message_lines(size_t i, size_t end, size_t indent, std::string& message) {
    const size_t stop = std::min(end, i + 1 + kMaxMessageLines);
    for (size_t j = i + 1; j < stop; ++j) {
      const std::string_view text = lines_[j].text;
      if (indent_of(text) == indent && trim(text).starts_with("Exit Code:")) {
        for (size_t k = i + 1; k < j; ++k) {
          message += '\n';
          message.append(lines_[k].text);
        }
        return j - 1;
      }
    }
    return i;
  }

  void emit_state(const StateBlock& s, std::string_view name, int64_t restarts,
                  const ResourceRef& res) {
    ContainerState state{StateKind::waiting, name, s.reason, s.message, s.exit_code, restarts};
    if (s.word == "Terminated") {
      state.kind = s.last_state ? StateKind::last_terminated : StateKind::terminated;
    } else if (s.word != "Waiting" || s.last_state) {
      state.reason = {};  // Running (or a shape kubectl never prints): nothing to report
    }
    if (!state_is_interesting(state)) {
      for (size_t i = s.first; i <= s.last; ++i)
        if (!trim(lines_[i].text).empty()) line_record(i, res);
      return;
    }
    Record r;
    r.kind = SourceKind::pod_status;
    r.reason = s.reason;
    r.message = r.text = batch_.arena.keep(container_state_message(state));
    r.ts = s.finished.known() ? s.finished : s.started;
    r.first_ts = r.ts;
    r.res = res;
    r.line = lines_[s.first].line;
    push_record(r, in_, batch_, problems_);
  }

  const SplitInput& in_;
  RecordBatch& batch_;
  Problems& problems_;
  std::vector<TextLine> lines_;
};

}  // namespace

void split_describe(const SplitInput& in, RecordBatch& batch, Problems& problems) {
  Describe(in, batch, problems).run();
}

}  // namespace kdx::formats::detail
