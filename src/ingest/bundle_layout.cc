// Bundle layouts: what a file's path says about the resource it belongs to.
//
// Patterns are searched anywhere in the path (bundles put everything under a top folder such
// as `support-bundle-2026-06-04T10_00_00/`). "full" rules read the whole path (a directory
// argument's own path included, e.g. `/var/log/pods/...`) and are anchored on names no
// ordinary folder has; "member" rules have weak anchors and read only the path inside the
// input, so `~/work/logs.txt` never becomes pod "work".
//
// | path (* = any text)                                           | sets                | reads  |
// |---------------------------------------------------------------|---------------------|--------|
// | troubleshoot.sh support bundle                                |                     |        |
// | *cluster-resources/pods/logs/<ns>/<pod>/<container>.log       | ns pod container    | full   |
// | (<container>-previous.log: the previous run, same container)  |                     |        |
// | *cluster-resources/events/<ns>.json                           | ns, hint "events"   | full   |
// | *cluster-resources/pods/<ns>.json                             | ns, hint "pods"     | full   |
// | *host-collectors/{run-host,system,journald}/*                 | (the bundle's host) | full   |
// | *host-collectors/<node>/{run-host,system,journald}/*          | node (remote run)   | full   |
// | kubectl cluster-info dump --output-directory                  |                     |        |
// | *<ns>/events.json                                             | ns, hint "events"   | member |
// | *<ns>/pods.json                                               | ns, hint "pods"     | member |
// | *<ns>/<pod>/logs.txt                                          | ns pod              | member |
// | *nodes.json (troubleshoot's cluster-resources/nodes.json too) | hint "nodes"        | member |
// | must-gather                                                   |                     |        |
// | *namespaces/<ns>/pods/<pod>/<container>/<container>/logs/<f>  | ns pod container    | full   |
// | (<f>: current.log, previous.log, rotated/*)                   |                     |        |
// | *namespaces/<ns>/pods/<pod>/*                                 | ns pod              | full   |
// | *namespaces/<ns>/core/events.yaml                             | ns, hint "events"   | full   |
// | *namespaces/<ns>/*                                            | ns                  | full   |
// | *nodes/<node>/*                                               | node                | member |
// | sosreport                                                     |                     |        |
// | *sosreport-<host>[-<case id>][-YYYY-MM-DD][-<7 letters>]/*    | node                | full   |
// | *sos_commands/<plugin>/journalctl_*--unit_<unit>[_--*]        | unit, hint "syslog" | full   |
// | *sos_commands/<plugin>/journalctl_* (no single --unit)        | hint "syslog"       | full   |
// | node log trees                                                |                     |        |
// | *pods/<ns>_<pod>_<uid>/<container>/<n>.log[.<date>]           | ns pod container    | full   |
// | (/var/log/pods; <uid> a UUID or a 32-hex static-pod hash)     |                     |        |
// | *containers/<pod>_<ns>_<container>-<64 hex>.log               | ns pod container    | full   |
// | *var/log/messages*, *var/log/syslog*                          | hint "syslog"       | full   |
// | *var/log/journal/*                                            | hint "journal"      | full   |
//
// The first matching pod-level row wins; node, unit and hint rows then fill what is still
// empty. Anything else leaves the FileInfo as it is (each file on its own content).
#include <cctype>
#include <optional>
#include <vector>

#include "core/text.h"
#include "ingest/ingest.h"
#include "ingest/sources.h"

namespace kdx::ingest {
namespace {

using Segments = std::vector<std::string_view>;

Segments segments_of(std::string_view path) {
  Segments out;
  for (std::string_view part : split(path, '/'))
    if (!part.empty() && part != ".") out.push_back(part);
  return out;
}

bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

enum class Chars { digits, lower, hex, hex_or_dash };

// Non-empty and made only of that class of ASCII characters.
bool all_of(std::string_view s, Chars kind) {
  for (char ch : s) {
    auto c = static_cast<unsigned char>(ch);
    bool ok = kind == Chars::digits  ? std::isdigit(c) != 0
              : kind == Chars::lower ? std::islower(c) != 0
              : kind == Chars::hex   ? std::isxdigit(c) != 0
                                     : (std::isxdigit(c) != 0 || c == '-');
    if (!ok) return false;
  }
  return !s.empty();
}

// Index of the first place at or after `from` where `pattern` occurs as whole segments.
std::optional<size_t> find(const Segments& s, std::initializer_list<std::string_view> pattern,
                           size_t from = 0) {
  for (size_t i = from; i + pattern.size() <= s.size(); ++i) {
    size_t k = 0;
    for (std::string_view want : pattern) {
      if (s[i + k] != want) break;
      ++k;
    }
    if (k == pattern.size()) return i;
  }
  return std::nullopt;
}

void set_pod(FileInfo& info, std::string_view ns, std::string_view pod,
             std::string_view container) {
  info.resource.ns = std::string(ns);
  info.resource.pod = std::string(pod);
  info.resource.container = std::string(container);
}

void set_hint(FileInfo& info, std::string_view hint) {
  if (info.format_hint.empty()) info.format_hint = std::string(hint);
}

bool troubleshoot(const Segments& s, FileInfo& info) {
  if (auto i = find(s, {"cluster-resources", "pods", "logs"}); i && s.size() == *i + 6) {
    std::string_view file = s[*i + 5];
    if (!ends_with(file, ".log")) return false;
    std::string_view container = file.substr(0, file.size() - 4);
    if (ends_with(container, "-previous")) container.remove_suffix(9);
    set_pod(info, s[*i + 3], s[*i + 4], container);
    return true;
  }
  for (std::string_view kind : {"events", "pods"}) {
    auto i = find(s, {"cluster-resources", kind});
    if (!i || s.size() != *i + 3 || !ends_with(s[*i + 2], ".json")) continue;
    std::string_view file = s[*i + 2];
    info.resource.ns = std::string(file.substr(0, file.size() - 5));
    set_hint(info, kind);
    return true;
  }
  return false;
}

bool must_gather(const Segments& s, FileInfo& info) {
  auto i = find(s, {"namespaces"});
  if (!i || s.size() < *i + 3) return false;  // namespaces/<ns>/<something>
  size_t n = *i;
  std::string_view ns = s[n + 1];
  if (s.size() >= n + 8 && s[n + 2] == "pods" && s[n + 6] == "logs") {
    set_pod(info, ns, s[n + 3], s[n + 4]);
    return true;
  }
  if (s.size() >= n + 5 && s[n + 2] == "pods") {
    set_pod(info, ns, s[n + 3], "");
    return true;
  }
  info.resource.ns = std::string(ns);
  if (s.size() == n + 4 && s[n + 2] == "core" && s[n + 3] == "events.yaml")
    set_hint(info, "events");
  return true;
}

// /var/log/pods/<ns>_<pod>_<uid>/<container>/<n>.log
bool var_log_pods(const Segments& s, FileInfo& info) {
  for (auto i = find(s, {"pods"}); i; i = find(s, {"pods"}, *i + 1)) {
    if (s.size() != *i + 4) continue;
    std::vector<std::string_view> parts = split(s[*i + 1], '_');
    if (parts.size() != 3 || parts[0].empty() || parts[1].empty()) continue;
    if (parts[2].size() < 32 || !all_of(parts[2], Chars::hex_or_dash)) continue;
    set_pod(info, parts[0], parts[1], s[*i + 2]);
    return true;
  }
  return false;
}

// /var/log/containers/<pod>_<ns>_<container>-<64 hex>.log
bool var_log_containers(const Segments& s, FileInfo& info) {
  constexpr size_t kIdLength = 64;
  auto i = find(s, {"containers"});
  if (!i || s.size() != *i + 2 || !ends_with(s[*i + 1], ".log")) return false;
  std::string_view stem = s[*i + 1].substr(0, s[*i + 1].size() - 4);
  if (stem.size() < kIdLength + 2 || stem[stem.size() - kIdLength - 1] != '-') return false;
  if (!all_of(stem.substr(stem.size() - kIdLength), Chars::hex)) return false;
  std::vector<std::string_view> parts = split(stem.substr(0, stem.size() - kIdLength - 1), '_');
  if (parts.size() != 3 || parts[0].empty() || parts[1].empty() || parts[2].empty()) return false;
  set_pod(info, parts[1], parts[0], parts[2]);
  return true;
}

bool cluster_info_dump(const Segments& s, FileInfo& info) {
  if (s.empty()) return false;
  std::string_view file = s.back();
  if (file == "nodes.json") {
    set_hint(info, "nodes");
    return true;
  }
  if (file == "events.json" || file == "pods.json") {
    if (s.size() >= 2) info.resource.ns = std::string(s[s.size() - 2]);
    set_hint(info, file == "events.json" ? "events" : "pods");
    return true;
  }
  if (file == "logs.txt" && s.size() >= 3) {
    set_pod(info, s[s.size() - 3], s[s.size() - 2], "");
    return true;
  }
  return false;
}

// "worker-1-01234567-2026-06-04-abcdefg" -> "worker-1" (sos: host, case id, date, random).
std::string sos_host(std::string_view name) {
  std::vector<std::string_view> t = split(name, '-');
  auto digits_at = [&](size_t from_end, size_t len) {
    std::string_view part = t[t.size() - from_end];
    return part.size() == len && all_of(part, Chars::digits);
  };
  if (t.size() > 1 && t.back().size() == 7 && all_of(t.back(), Chars::lower)) t.pop_back();
  if (t.size() > 3 && digits_at(1, 2) && digits_at(2, 2) && digits_at(3, 4)) t.resize(t.size() - 3);
  if (t.size() > 1 && t.back().size() >= 5 && all_of(t.back(), Chars::digits)) t.pop_back();
  std::string host;
  for (std::string_view part : t) {
    if (!host.empty()) host += '-';
    host += part;
  }
  return host;
}

void node_rows(const Segments& full, const Segments& member, FileInfo& info) {
  if (!info.resource.node.empty()) return;
  for (std::string_view seg : full) {
    if (seg.size() > 10 && seg.substr(0, 10) == "sosreport-") {
      info.resource.node = sos_host(seg.substr(10));
      return;
    }
  }
  if (auto i = find(full, {"host-collectors"}); i && full.size() >= *i + 4) {
    std::string_view kind = full[*i + 2];
    if (kind == "run-host" || kind == "system" || kind == "journald") {
      info.resource.node = std::string(full[*i + 1]);
      return;
    }
  }
  if (auto i = find(member, {"nodes"}); i && member.size() >= *i + 3)
    info.resource.node = std::string(member[*i + 1]);
}

void unit_and_hint_rows(const Segments& s, FileInfo& info) {
  if (auto i = find(s, {"sos_commands"}); i && s.size() == *i + 3) {
    std::string_view file = s[*i + 2];
    if (file.substr(0, 11) != "journalctl_") return;
    set_hint(info, "syslog");
    size_t at = file.find("--unit_");
    if (at == std::string_view::npos || file.find("--unit_", at + 1) != std::string_view::npos)
      return;  // no unit, or several: the file is not one unit's
    std::string_view unit = file.substr(at + 7);
    unit = unit.substr(0, unit.find("_--"));
    if (info.resource.unit.empty() && !unit.empty()) info.resource.unit = std::string(unit);
    return;
  }
  auto i = find(s, {"var", "log"});
  if (!i || s.size() < *i + 3) return;
  std::string_view next = s[*i + 2];
  if (next == "journal") set_hint(info, "journal");
  if (s.size() == *i + 3 && (next.substr(0, 8) == "messages" || next.substr(0, 6) == "syslog"))
    set_hint(info, "syslog");
}

}  // namespace

void apply_layout_path(FileInfo& info, std::string_view path) {
  Segments full = segments_of(path);
  Segments member = segments_of(info.member);
  bool pod_row = troubleshoot(full, info) || must_gather(full, info) || var_log_pods(full, info) ||
                 var_log_containers(full, info);
  if (!pod_row) cluster_info_dump(member, info);
  node_rows(full, member, info);
  unit_and_hint_rows(full, info);
}

void apply_layout(FileInfo& info) { apply_layout_path(info, info.member); }

}  // namespace kdx::ingest
