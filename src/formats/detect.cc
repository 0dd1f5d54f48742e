// detect: a file's format from its first bytes. Whole-document shapes (journald export,
// binary, cluster dump, Kubernetes JSON/YAML, the events table, describe) are recognised
// first; line formats win by majority over the first non-empty lines, so a few odd lines
// (a stack trace, a banner) do not change the verdict. The path only breaks ties.
#include <array>
#include <cctype>
#include <optional>

#include "core/text.h"
#include "formats/line_util.h"

namespace kdx::formats {
namespace {

namespace lines = detail::lines;

using lines::Line;
using lines::LineReader;

constexpr size_t kHeadLimit = 64 * 1024;
constexpr int kVoteLines = 20;
constexpr std::string_view kBom = "\xEF\xBB\xBF";

bool contains(std::string_view s, std::string_view what) {
  return s.find(what) != std::string_view::npos;
}

std::string_view trim_left(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  return s;
}

bool all_whitespace(std::string_view s) {
  for (char c : s)
    if (c != ' ' && c != '\t' && c != '\n' && c != '\r' && c != '\f' && c != '\v') return false;
  return true;
}

// `prefix` at the start of some line of `head`.
bool has_line_prefix(std::string_view head, std::string_view prefix) {
  for (size_t at = head.find(prefix); at != std::string_view::npos; at = head.find(prefix, at + 1))
    if (at == 0 || head[at - 1] == '\n') return true;
  return false;
}

// The first `n` non-blank lines.
template <class Fn>
void first_lines(std::string_view head, int n, Fn&& fn) {
  LineReader reader(head);
  Line l;
  while (n > 0 && reader.next(l)) {
    if (lines::is_blank(l.text)) continue;
    --n;
    if (!fn(l.text)) return;
  }
}

// ---- binary and journald export -----------------------------------------------------------

bool has_binary_magic(std::string_view h) {
  static constexpr std::array<std::string_view, 5> kMagic = {
      "\x7f"
      "ELF",
      "\x1f\x8b", "\x28\xb5\x2f\xfd", "\x89PNG", "PK\x03\x04"};
  for (std::string_view m : kMagic)
    if (h.starts_with(m)) return true;
  return false;
}

// Length of the valid UTF-8 sequence at h[i] (a sequence cut by the end of the head counts
// as valid), or 0.
size_t utf8_length(std::string_view h, size_t i) {
  const auto c = static_cast<unsigned char>(h[i]);
  const size_t n = (c >= 0xC2 && c <= 0xDF)   ? 2
                   : (c >= 0xE0 && c <= 0xEF) ? 3
                   : (c >= 0xF0 && c <= 0xF4) ? 4
                                              : 0;
  if (n == 0) return 0;
  for (size_t k = 1; k < n; ++k) {
    if (i + k >= h.size()) return h.size() - i;
    if ((static_cast<unsigned char>(h[i + k]) & 0xC0) != 0x80) return 0;
  }
  return n;
}

// NULs, control characters that text does not use, and invalid UTF-8 over 10% of the head.
// Terminal colour codes (ESC) and backspaces are text.
bool looks_binary(std::string_view h) {
  if (has_binary_magic(h)) return true;
  size_t bad = 0;
  for (size_t i = 0; i < h.size();) {
    const auto c = static_cast<unsigned char>(h[i]);
    if (c < 0x80) {
      if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f' && c != '\v' && c != 0x1b &&
           c != '\b') ||
          c == 0x7f)
        ++bad;
      ++i;
      continue;
    }
    const size_t n = utf8_length(h, i);
    if (n == 0) ++bad;
    i += n == 0 ? 1 : n;
  }
  return bad * 10 > h.size();
}

// "KEY=value" lines with __CURSOR= or __REALTIME_TIMESTAMP= among the first ones.
bool is_journald_export(std::string_view head) {
  bool first = true, found = false;
  first_lines(head, kVoteLines, [&](std::string_view line) {
    if (first) {
      first = false;
      const size_t eq = line.find('=');
      if (eq == std::string_view::npos || !lines::is_journal_field_name(line.substr(0, eq)))
        return false;
    }
    found = line.starts_with("__CURSOR=") || line.starts_with("__REALTIME_TIMESTAMP=");
    return !found;
  });
  return found;
}

// ---- line shapes --------------------------------------------------------------------------

enum class Shape : uint8_t { other, cri, kubectl_ts, docker_json, journald_json, syslog };
constexpr size_t kShapeCount = 6;

Shape classify(std::string_view line) {
  if (lines::is_journal_marker(line)) return Shape::syslog;
  if (line.front() == '{') {
    if (contains(line, "\"__CURSOR\"") || contains(line, "\"__REALTIME_TIMESTAMP\"") ||
        contains(line, "\"MESSAGE\""))
      return Shape::journald_json;
    if (line.starts_with("{\"log\":") ||
        (contains(line, "\"log\":") && contains(line, "\"stream\":") &&
         contains(line, "\"time\":")))
      return Shape::docker_json;
    return Shape::other;
  }
  lines::CriLine cri;
  if (lines::parse_cri_line(line, &cri)) return Shape::cri;
  lines::SyslogLine sys;
  if (lines::parse_syslog_line(line, 0, &sys)) return Shape::syslog;
  Timestamp ts;
  size_t n = 0;
  if (lines::parse_line_timestamp(line, &ts, &n)) return Shape::kubectl_ts;
  return Shape::other;
}

// Where the path suggests a line format, for breaking an exact tie.
Shape path_hint(std::string_view path) {
  if (contains(path, "log/pods/") || contains(path, "log/containers/")) return Shape::cri;
  if (path.ends_with("-json.log")) return Shape::docker_json;
  if (path.ends_with("syslog") || path.ends_with("messages") || contains(path, "journal"))
    return Shape::syslog;
  return Shape::other;
}

struct Vote {
  Shape shape = Shape::other;
  int confidence = 0;
};

// The shape most of the first kVoteLines non-empty lines have (more than half of them).
Vote vote(std::string_view head, std::string_view path) {
  std::array<int, kShapeCount> count{};
  int total = 0;
  LineReader reader(head);
  Line l;
  while (total < kVoteLines && reader.next(l)) {
    if (!l.complete && total > 0) break;  // probably cut by the head limit
    if (lines::is_blank(l.text)) continue;
    ++count[static_cast<size_t>(classify(l.text))];
    ++total;
  }
  const Shape hint = path_hint(path);
  for (size_t s = 1; s < kShapeCount; ++s) {
    const bool wins = count[s] * 2 > total ||
                      (count[s] * 2 == total && count[s] > 0 && static_cast<Shape>(s) == hint);
    if (wins) return {static_cast<Shape>(s), 50 + 49 * count[s] / total};
  }
  return {};
}

// ---- Kubernetes documents -----------------------------------------------------------------

struct JsonKinds {
  std::string_view top_kind;   // "kind" of the first top-level object
  std::string_view item_kind;  // "kind" of the first object in one of its arrays ("items")
  int top_objects = 0;
  bool first_closed = false;
};

// Walks the (possibly cut) head, tracking nesting, and notes the "kind" members that say
// what the document is; involvedObject.kind and the like sit deeper and are ignored.
JsonKinds json_kinds(std::string_view h) {
  JsonKinds k;
  uint64_t arrays = 0;  // bit d: the container at depth d is an array
  int depth = 0;
  bool value_of_kind = false;
  auto is_ws = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; };
  for (size_t i = 0; i < h.size();) {
    const char c = h[i];
    if (c == '"') {
      size_t j = i + 1;
      while (j < h.size() && h[j] != '"') j += h[j] == '\\' ? 2 : 1;
      if (j >= h.size()) break;
      const std::string_view str = h.substr(i + 1, j - i - 1);
      i = j + 1;
      if (value_of_kind) {
        value_of_kind = false;
        if (depth == 1 && k.top_objects == 1 && k.top_kind.empty()) k.top_kind = str;
        if (depth == 3 && k.top_objects == 1 && ((arrays >> 2) & 1) && k.item_kind.empty())
          k.item_kind = str;
        continue;
      }
      size_t m = i;
      while (m < h.size() && is_ws(h[m])) ++m;
      if (m < h.size() && h[m] == ':' && depth > 0 && !((arrays >> depth) & 1)) {
        value_of_kind = str == "kind";
        i = m + 1;
      }
      continue;
    }
    if (is_ws(c)) {
      ++i;
      continue;
    }
    value_of_kind = false;
    if (c == '{' || c == '[') {
      if (depth == 0 && c == '{') ++k.top_objects;
      if (depth == 62) break;
      ++depth;
      arrays = c == '[' ? arrays | (uint64_t{1} << depth) : arrays & ~(uint64_t{1} << depth);
    } else if (c == '}' || c == ']') {
      if (depth == 0) break;
      if (--depth == 0 && k.top_objects == 1) k.first_closed = true;
    }
    ++i;
  }
  return k;
}

// Application logs that print one JSON object per line are not Kubernetes documents.
bool json_lines(std::string_view head) {
  int one_line_objects = 0;
  first_lines(head, 2, [&](std::string_view line) {
    const std::string_view t = kdx::trim(line);
    if (t.starts_with('{') && t.ends_with('}')) ++one_line_objects;
    return true;
  });
  return one_line_objects == 2;
}

std::optional<Detection> json_document(std::string_view path, std::string_view head) {
  const JsonKinds k = json_kinds(head);
  const std::string_view kind = k.top_kind;
  if (kind == "EventList" || kind == "Event")
    return Detection{FormatId::events_json, 90, "JSON with kind EventList/Event"};
  if (kind == "PodList" || kind == "Pod")
    return Detection{FormatId::pods_json, 90, "JSON with kind PodList/Pod"};
  if (kind == "NodeList") {
    if (k.top_objects > 1)
      return Detection{FormatId::cluster_dump, 80, "concatenated JSON lists after a NodeList"};
    if (!k.first_closed && !path.ends_with(".json"))
      return Detection{FormatId::cluster_dump, 55, "a NodeList longer than the head, not .json"};
    return std::nullopt;
  }
  if (kind.empty() || kind == "List") {
    if (k.item_kind == "Event")
      return Detection{FormatId::events_json, 85, "JSON List whose items are Events"};
    if (k.item_kind == "Pod")
      return Detection{FormatId::pods_json, 85, "JSON List whose items are Pods"};
  }
  return std::nullopt;
}

std::string_view yaml_scalar(std::string_view v) {
  v = kdx::trim(v);
  if (v.size() >= 2 && (v.front() == '"' || v.front() == '\'') && v.back() == v.front())
    v = v.substr(1, v.size() - 2);
  return v;
}

bool yaml_key_line(std::string_view line) {
  size_t i = 0;
  while (i < line.size() && (std::isalnum(static_cast<unsigned char>(line[i])) || line[i] == '_' ||
                             line[i] == '-' || line[i] == '.'))
    ++i;
  return i > 0 && i < line.size() && line[i] == ':' && (i + 1 == line.size() || line[i + 1] == ' ');
}

// `kubectl get events -o yaml`: "kind: EventList"/"kind: Event" at the top level, or a
// "kind: List" whose first item is an Event (kubectl sorts keys, so "kind: List" comes last).
bool yaml_events(std::string_view head) {
  bool yaml = false;
  first_lines(head, 1, [&](std::string_view line) {
    yaml = line == "---" || yaml_key_line(line);
    return false;
  });
  if (!yaml) return false;
  bool in_items = false;
  size_t item_indent = std::string_view::npos;
  LineReader reader(head);
  Line l;
  while (reader.next(l)) {
    const std::string_view line = l.text;
    if (line.starts_with("kind:")) {
      const std::string_view v = yaml_scalar(line.substr(5));
      if (v == "EventList" || v == "Event") return true;
    }
    if (line.empty() || line.front() == '#') continue;
    if (line.front() != ' ' && line.front() != '-') in_items = line.starts_with("items:");
    if (!in_items) continue;
    const std::string_view body = trim_left(line);
    const size_t indent = line.size() - body.size();
    if (item_indent == std::string_view::npos && body.starts_with("- ")) {
      item_indent = indent + 2;
      const std::string_view first = body.substr(2);
      if (first.starts_with("kind:")) return yaml_scalar(first.substr(5)) == "Event";
    } else if (indent == item_indent && body.starts_with("kind:")) {
      return yaml_scalar(body.substr(5)) == "Event";
    }
  }
  return false;
}

// "LAST SEEN   TYPE   REASON   OBJECT   MESSAGE" (with NAMESPACE first for -A, more columns
// for -o wide, and the pre-1.14 "LAST SEEN  FIRST SEEN  COUNT  NAME  KIND ..." order).
bool events_table(std::string_view head) {
  bool found = false;
  first_lines(head, 3, [&](std::string_view line) {
    const std::string_view t = trim_left(line);
    found = (t.starts_with("LAST SEEN") || t.starts_with("NAMESPACE")) &&
            contains(t, "LAST SEEN") && contains(t, " REASON") && contains(t, " MESSAGE");
    return !found;
  });
  return found;
}

// `kubectl describe`: "Name:" near the top, then metadata and a section that describe prints.
bool describe(std::string_view head) {
  bool name = false;
  first_lines(head, 3, [&](std::string_view line) {
    name = line.starts_with("Name:") && (line.size() == 5 || line[5] == ' ' || line[5] == '\t');
    return !name;
  });
  if (!name) return false;
  bool meta = false, section = false;
  LineReader reader(head);
  Line l;
  while (reader.next(l) && !(meta && section)) {
    const std::string_view s = l.text;
    meta =
        meta || s.starts_with("Namespace:") || s.starts_with("Roles:") || s.starts_with("Labels:");
    section = section || s.starts_with("Events:") || s.starts_with("Containers:") ||
              s.starts_with("Conditions:") || s.starts_with("Init Containers:");
  }
  return meta && section;
}

char first_non_space(std::string_view s) {
  for (char c : s)
    if (c != ' ' && c != '\t' && c != '\n' && c != '\r') return c;
  return '\0';
}

}  // namespace

Detection detect(std::string_view path, std::string_view head) {
  head = head.substr(0, kHeadLimit);
  if (head.starts_with(kBom)) head.remove_prefix(kBom.size());
  // A log that starts with a run of NULs is usually text after a hole: copytruncate rotated it
  // while the writer, not in append mode, kept its offset. The text after the hole decides.
  if (const size_t text = head.find_first_not_of('\0'); text > 0 && text != head.npos) {
    const Detection d = detect(path, head.substr(text));
    if (d.format != FormatId::binary) return d;
  }
  if (all_whitespace(head)) return {FormatId::text, 10, "empty"};
  if (is_journald_export(head))
    return {FormatId::journald_export, 95, "KEY=value fields with __CURSOR/__REALTIME_TIMESTAMP"};
  if (looks_binary(head)) return {FormatId::binary, 90, "NUL bytes or mostly non-text"};
  if (has_line_prefix(head, "==== START logs for container "))
    return {FormatId::cluster_dump, 95, "\"==== START logs for container\" blocks"};

  const Vote v = vote(head, path);
  if (v.shape == Shape::docker_json)
    return {FormatId::docker_json, v.confidence, "lines of {\"log\",\"stream\",\"time\"}"};
  if (v.shape == Shape::journald_json)
    return {FormatId::journald_json, v.confidence, "lines of journal JSON (__CURSOR, MESSAGE)"};

  if (first_non_space(head) == '{' && !json_lines(head))
    if (auto d = json_document(path, head)) return *d;
  if (yaml_events(head)) return {FormatId::events_yaml, 90, "YAML with kind Event/EventList"};
  if (events_table(head))
    return {FormatId::events_table, 90, "LAST SEEN/TYPE/REASON/MESSAGE table header"};
  if (describe(head))
    return {FormatId::describe, 85, "kubectl describe fields (Name:, Events:/Conditions:)"};

  switch (v.shape) {
    case Shape::cri:
      return {FormatId::cri, v.confidence, "lines of <RFC3339> stdout|stderr P|F"};
    case Shape::kubectl_ts:
      return {FormatId::kubectl_ts, v.confidence, "lines led by an RFC3339 timestamp"};
    case Shape::syslog:
      return {FormatId::syslog, v.confidence, "syslog/journalctl lines (time host ident:)"};
    default:
      return {FormatId::text, 10, "no known shape"};
  }
}

}  // namespace kdx::formats
