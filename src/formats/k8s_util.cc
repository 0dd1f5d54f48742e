#include "formats/k8s_util.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <cstring>
#include <limits>

#include <fmt/format.h>

#include "core/text.h"

namespace kdx::formats::detail {
namespace {

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

std::string to_lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// kubectl prints involved objects as "<lower-case kind>/<name>"; these are the kinds events are
// commonly about, spelled the way the API (and so events JSON) spells them.
constexpr std::array<std::string_view, 30> kKinds = {
    "Pod",          "Node",         "PersistentVolumeClaim", "PersistentVolume",
    "Deployment",   "ReplicaSet",   "StatefulSet",           "DaemonSet",
    "Job",          "CronJob",      "Service",               "Endpoints",
    "EndpointSlice", "ConfigMap",   "Secret",                "Ingress",
    "Namespace",    "ServiceAccount", "HorizontalPodAutoscaler", "PodDisruptionBudget",
    "StorageClass", "VolumeAttachment", "CertificateSigningRequest", "Lease",
    "NetworkPolicy", "ReplicationController", "ResourceQuota", "LimitRange",
    "PriorityClass", "CustomResourceDefinition"};

// Reads "<digits>" at s[pos...] into *out; false when there are none.
bool read_number(std::string_view s, size_t* pos, int64_t* out) {
  size_t i = *pos;
  int64_t v = 0;
  while (i < s.size() && s[i] >= '0' && s[i] <= '9' && i - *pos < 18) v = v * 10 + (s[i++] - '0');
  if (i == *pos) return false;
  *pos = i;
  *out = v;
  return true;
}

// Tracks the top-level "kind" of an object while scan_json_value walks it.
struct KindTracker {
  enum class State : uint8_t { none, saw_key, want_value } state = State::none;
  std::string_view kind;
  bool found = false;

  void on_string(std::string_view body, bool escaped) {
    if (state == State::want_value) {
      if (!found && !escaped) kind = body;
      found = true;
      state = State::none;
    } else {
      state = (!found && body == "kind") ? State::saw_key : State::none;
    }
  }
  void on_char(char c) {
    state = (c == ':' && state == State::saw_key) ? State::want_value : State::none;
  }
};

}  // namespace

uint64_t LineCounter::line_at(size_t offset) {
  offset = std::min(offset, text_.size());
  if (offset < pos_) {
    pos_ = 0;
    line_ = first_line_;
  }
  line_ += static_cast<uint64_t>(std::count(text_.begin() + static_cast<ptrdiff_t>(pos_),
                                            text_.begin() + static_cast<ptrdiff_t>(offset), '\n'));
  pos_ = offset;
  return line_;
}

std::vector<TextLine> split_lines(std::string_view bytes, uint64_t first_line) {
  std::vector<TextLine> lines;
  size_t pos = 0;
  uint64_t line = first_line;
  while (pos < bytes.size()) {
    const void* nl = std::memchr(bytes.data() + pos, '\n', bytes.size() - pos);
    const size_t end = nl ? static_cast<size_t>(static_cast<const char*>(nl) - bytes.data())
                          : bytes.size();
    std::string_view text = bytes.substr(pos, end - pos);
    if (!text.empty() && text.back() == '\r') text.remove_suffix(1);
    lines.push_back({text, pos, line++});
    pos = end + 1;
  }
  return lines;
}

size_t indent_of(std::string_view line) {
  size_t i = 0;
  while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
  return i;
}

std::vector<Cell> header_cells(std::string_view line) {
  std::vector<Cell> cells;
  size_t i = 0;
  while (true) {
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
    if (i >= line.size()) return cells;
    const size_t start = i;
    // A cell ends at a tab, two blanks, or the end of the line.
    while (i < line.size() && line[i] != '\t' &&
           !(line[i] == ' ' && (i + 1 >= line.size() || line[i + 1] == ' ' || line[i + 1] == '\t')))
      ++i;
    cells.push_back({line.substr(start, i - start), start});
  }
}

std::string_view cell_text(std::string_view line, size_t start, size_t end) {
  if (start >= line.size()) return {};
  return trim(line.substr(start, std::min(end, line.size()) - start));
}

JsonScan scan_json_value(std::string_view text, size_t begin) {
  JsonScan s;
  s.begin = begin;
  s.error_at = begin;
  std::string open;  // open brackets, at most kMaxJsonDepth of them
  size_t depth = 0;
  KindTracker kind;
  for (size_t i = begin; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '"') {
      const size_t start = i++;
      bool escaped = false;
      while (i < text.size() && text[i] != '"') {
        if (text[i] == '\\') {
          escaped = true;
          ++i;  // the escaped byte cannot end the string
        }
        ++i;
      }
      if (i >= text.size()) {  // an unterminated string swallows the rest
        s.end = text.size();
        s.error_at = start;
        s.open_string = true;
        return s;
      }
      if (depth == 1 && open[0] == '{') {
        kind.on_string(text.substr(start + 1, i - start - 1), escaped);
        s.kind = kind.kind;
      }
      s.error_at = i;
    } else if (c == '{' || c == '[') {
      if (depth == 1 && open[0] == '{') kind.on_char(c);
      if (++depth <= kMaxJsonDepth) {
        open.push_back(c);
      } else if (!s.too_deep) {
        s.too_deep = true;
        s.too_deep_at = i;
      }
      s.error_at = i;
    } else if (c == '}' || c == ']') {
      s.error_at = i;
      if (depth <= kMaxJsonDepth) {
        const char o = open.back();
        open.pop_back();
        if ((o == '{') != (c == '}')) {  // mismatched bracket: the value ends here, broken
          s.end = i + 1;
          s.mismatch = true;
          return s;
        }
      }
      if (--depth == 0) {
        s.end = i + 1;
        s.complete = true;
        s.error_at = begin;
        return s;
      }
    } else if (!is_space(c)) {
      if (depth == 1 && open[0] == '{') kind.on_char(c);
      if (c == ',') s.last_comma = i;
      s.error_at = i;
    }
  }
  s.end = text.size();
  return s;
}

std::vector<size_t> open_brackets(std::string_view text, size_t begin, size_t end) {
  std::vector<size_t> open;
  for (size_t i = begin; i < end; ++i) {
    const char c = text[i];
    if (c == '"') {
      for (++i; i < end && text[i] != '"'; ++i)
        if (text[i] == '\\') ++i;
    } else if (c == '{' || c == '[') {
      open.push_back(i);
    } else if ((c == '}' || c == ']') && !open.empty()) {
      open.pop_back();
    }
  }
  return open;
}

std::string canonical_kind(std::string_view lower_kind) {
  for (std::string_view k : kKinds)
    if (starts_with_icase(k, lower_kind) && k.size() == lower_kind.size()) return std::string(k);
  std::string out(lower_kind);
  if (!out.empty()) out[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(out[0])));
  return out;
}

std::string_view container_from_field_path(std::string_view field_path) {
  // spec.containers{c}, spec.initContainers{c}, spec.ephemeralContainers{c}
  const size_t open = field_path.find("ontainers{");
  if (!field_path.starts_with("spec.") || open == std::string_view::npos) return {};
  const size_t start = open + std::strlen("ontainers{");
  const size_t close = field_path.find('}', start);
  if (close == std::string_view::npos) return {};
  return field_path.substr(start, close - start);
}

ResourceRef object_resource(std::string_view kind, std::string_view ns, std::string_view name,
                            std::string_view field_path, Arena& arena) {
  ResourceRef r;
  if (kind == "Node") {
    r.node = name;
    return r;
  }
  r.ns = ns;
  if (name.empty()) return r;
  if (kind == "Pod" || kind.empty()) {
    r.pod = name;
    r.container = container_from_field_path(field_path);
  } else {
    r.pod = arena.keep(fmt::format("{}/{}", kind, name));
  }
  return r;
}

Level level_of_event_type(std::string_view type) {
  if (type == "Warning") return Level::warning;
  if (type == "Normal") return Level::info;
  return Level::unknown;
}

uint32_t repeat_from_age(std::string_view age) {
  const size_t x = age.find("(x");
  if (x == std::string_view::npos) return 1;
  size_t pos = x + 2;
  int64_t n = 0;
  if (!read_number(age, &pos, &n) || age.substr(pos).rfind(" over ", 0) != 0) return 1;
  return clamp_repeat(n);
}

uint32_t clamp_repeat(int64_t n) {
  if (n < 1) return 1;
  return static_cast<uint32_t>(std::min<int64_t>(n, std::numeric_limits<uint32_t>::max()));
}

std::string one_line(std::string_view s) {
  std::string out(s);
  std::replace_if(out.begin(), out.end(), [](char c) { return c == '\n' || c == '\r'; }, ' ');
  return out;
}

std::optional<Timestamp> parse_rfc1123z(std::string_view s) {
  s = trim(s);
  if (const size_t comma = s.find(", "); comma != std::string_view::npos && comma <= 9)
    s.remove_prefix(comma + 2);  // weekday
  size_t pos = 0;
  int64_t day = 0, year = 0, h = 0, mi = 0, se = 0, zone = 0;
  if (!read_number(s, &pos, &day) || pos + 5 > s.size() || s[pos] != ' ') return std::nullopt;
  const int month = month_from_abbrev(s.substr(pos + 1, 3));
  pos += 4;
  if (month == 0 || s.substr(pos, 1) != " ") return std::nullopt;
  ++pos;
  if (!read_number(s, &pos, &year) || s.substr(pos, 1) != " ") return std::nullopt;
  ++pos;
  if (!read_number(s, &pos, &h) || s.substr(pos, 1) != ":") return std::nullopt;
  ++pos;
  if (!read_number(s, &pos, &mi) || s.substr(pos, 1) != ":") return std::nullopt;
  ++pos;
  if (!read_number(s, &pos, &se)) return std::nullopt;
  auto ts = make_utc(static_cast<int>(year), month, static_cast<int>(day), static_cast<int>(h),
                     static_cast<int>(mi), static_cast<int>(se));
  if (!ts) return std::nullopt;
  std::string_view z = trim(s.substr(pos));
  if (z.size() == 5 && (z[0] == '+' || z[0] == '-')) {
    size_t zp = 1;
    if (!read_number(z, &zp, &zone) || zp != 5) return std::nullopt;
    const int64_t offset_s = (zone / 100) * 3600 + (zone % 100) * 60;
    ts->unix_ns -= (z[0] == '-' ? -offset_s : offset_s) * kNsPerSecond;
  } else if (!z.empty() && z != "UTC" && z != "GMT" && z != "Z") {
    return std::nullopt;
  }
  return ts;
}

void push_event(const EventFields& ev, const SplitInput& in, RecordBatch& batch,
                Problems& problems) {
  Record r;
  r.kind = SourceKind::event;
  r.line = ev.line;
  r.reason = ev.reason;
  r.type = ev.type;
  r.message = ev.message;
  r.level = level_of_event_type(ev.type);
  r.repeat = clamp_repeat(ev.count > 0 ? ev.count : ev.series_count);
  for (Timestamp t : {ev.last, ev.series_last, ev.event_time, ev.created}) {
    if (t.known()) {
      r.ts = t;
      break;
    }
  }
  // A series starts at eventTime (its first sighting); otherwise only firstTimestamp says more.
  r.first_ts = ev.first.known()                              ? ev.first
               : (ev.has_series && ev.event_time.known()) ? ev.event_time
                                                          : r.ts;
  r.res = ev.obj_name.empty()
              ? in.res
              : object_resource(ev.obj_kind, ev.obj_ns.empty() ? ev.meta_ns : ev.obj_ns,
                                ev.obj_name, ev.field_path, batch.arena);
  const std::string when = format_rfc3339(r.ts);
  std::string head;
  for (std::string_view part : {std::string_view(when), ev.type, ev.reason}) {
    if (!part.empty()) fmt::format_to(std::back_inserter(head), "{}{}", head.empty() ? "" : " ", part);
  }
  if (!ev.obj_name.empty()) {
    fmt::format_to(std::back_inserter(head), "{}{}{}{}", head.empty() ? "" : " ",
                   to_lower(ev.obj_kind), ev.obj_kind.empty() ? "" : "/", ev.obj_name);
  }
  if (r.repeat > 1) fmt::format_to(std::back_inserter(head), " (x{})", r.repeat);
  r.text = batch.arena.keep(head.empty() ? one_line(ev.message)
                                         : fmt::format("{}: {}", head, one_line(ev.message)));
  push_record(r, in, batch, problems);
}

bool state_is_interesting(const ContainerState& s) {
  switch (s.kind) {
    case StateKind::waiting: return !s.reason.empty();
    case StateKind::terminated: return s.exit_code != 0 || (!s.reason.empty() && s.reason != "Completed");
    case StateKind::last_terminated: return true;
  }
  return false;
}

std::string container_state_message(const ContainerState& s) {
  std::string out = fmt::format("container \"{}\" ", s.container);
  if (s.kind == StateKind::waiting) {
    fmt::format_to(std::back_inserter(out), "waiting: {}", s.reason);
  } else {
    out += s.kind == StateKind::terminated ? "terminated: " : "last terminated: ";
    // A reason is always set by the kubelet; without one the exit code is all there is.
    if (s.reason.empty()) {
      fmt::format_to(std::back_inserter(out), "exit code {}", s.exit_code);
    } else {
      fmt::format_to(std::back_inserter(out), "{} (exit code {})", s.reason, s.exit_code);
    }
  }
  std::string_view message = trim(s.message);
  if (!message.empty()) fmt::format_to(std::back_inserter(out), ": {}", one_line(message));
  if (s.restarts > 0) fmt::format_to(std::back_inserter(out), " (restarts {})", s.restarts);
  return out;
}

std::string pod_condition_message(std::string_view type, std::string_view reason,
                                  std::string_view message) {
  std::string out = fmt::format("pod condition {}", type);
  if (!reason.empty()) fmt::format_to(std::back_inserter(out), ": {}", reason);
  fmt::format_to(std::back_inserter(out), ": {}", one_line(trim(message)));
  return out;
}

std::string pod_reason_message(std::string_view reason, std::string_view message) {
  std::string out = "pod";
  if (!reason.empty()) fmt::format_to(std::back_inserter(out), " {}", reason);
  message = trim(message);
  if (!message.empty()) fmt::format_to(std::back_inserter(out), ": {}", one_line(message));
  return out;
}

void push_record(Record r, const SplitInput& in, RecordBatch& batch, Problems& problems) {
  if (r.text.size() > kMaxRecordBytes || r.message.size() > kMaxRecordBytes) {
    problems.push_back({where(in, r.line),
                        fmt::format("record longer than {} bytes, cut", kMaxRecordBytes)});
    // Room for the ellipsis truncate_utf8 appends, so the cut record stays within the limit.
    constexpr size_t kKeep = kMaxRecordBytes - 3;
    if (r.text.size() > kMaxRecordBytes) r.text = batch.arena.keep(truncate_utf8(r.text, kKeep));
    if (r.message.size() > kMaxRecordBytes)
      r.message = batch.arena.keep(truncate_utf8(r.message, kKeep));
  }
  batch.records.push_back(r);
}

}  // namespace kdx::formats::detail
