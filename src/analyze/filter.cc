// Filters over a finished Analysis: namespaces, a time range, a minimum severity, the top N.
// Everything here works on what the report prints (resource strings, first/last seen), so a
// filtered Analysis renders exactly like an unfiltered one.
#include <algorithm>

#include "analyze/analyze.h"

namespace kdx::analyze {
namespace {

constexpr int64_t kMaxBackNs = 100LL * 366 * 86400 * kNsPerSecond;  // 100 years

// "30m", "2h", "1d", "1h30m": like core's parse_duration, but bounded so that newest - back
// can never overflow whatever the user types.
std::optional<int64_t> parse_back(std::string_view s) {
  if (s.empty()) return std::nullopt;
  int64_t total = 0;
  for (size_t i = 0; i < s.size();) {
    int64_t n = 0;
    const size_t start = i;
    for (; i < s.size() && s[i] >= '0' && s[i] <= '9'; ++i) {
      n = n * 10 + (s[i] - '0');
      if (n > kMaxBackNs / kNsPerSecond) return std::nullopt;
    }
    if (i == start || i == s.size()) return std::nullopt;
    int64_t unit_s = 0;
    switch (s[i++]) {
      case 's': unit_s = 1; break;
      case 'm': unit_s = 60; break;
      case 'h': unit_s = 3600; break;
      case 'd': unit_s = 86400; break;
      default: return std::nullopt;
    }
    if (n > (kMaxBackNs - total) / (unit_s * kNsPerSecond)) return std::nullopt;
    total += n * unit_s * kNsPerSecond;
  }
  return total;
}

bool in_namespaces(const std::vector<std::string>& resources, const std::vector<std::string>& nss) {
  for (const auto& r : resources) {
    const std::string_view ns = resource_namespace(r);
    if (!ns.empty() && std::find(nss.begin(), nss.end(), ns) != nss.end()) return true;
  }
  return false;
}

// A cause is kept for the symptoms it explains there too: a node's disk pressure that evicted
// pods in NS is what someone looking at NS needs to see, and those symptoms are nowhere else.
bool finding_in_namespaces(const Finding& f, const std::vector<std::string>& nss) {
  if (in_namespaces(f.resources, nss)) return true;
  return std::any_of(f.explains.begin(), f.explains.end(),
                     [&](const Explained& e) { return in_namespaces(e.resources, nss); });
}

// A resolved [since, until] range; an unknown end is open.
struct Range {
  Timestamp since, until;
};

Timestamp resolve(const std::optional<TimeBound>& b, Timestamp newest) {
  if (!b) return {};
  if (b->at.known()) return b->at;
  if (!newest.known()) return {};  // nothing has a time: everything is kept anyway
  // Saturates instead of overflowing for times near the start of int64 nanoseconds (1677).
  const int64_t floor = Timestamp::kUnknown + 1;
  return Timestamp{newest.unix_ns < floor + b->back_ns ? floor : newest.unix_ns - b->back_ns};
}

// Whether [first, last] overlaps the range. Things without times are kept: a finding from a
// paste with no timestamps is still a finding.
bool overlaps(Timestamp first, Timestamp last, const Range& r) {
  if (!first.known() && !last.known()) return true;
  if (!first.known()) first = last;
  if (!last.known()) last = first;
  if (r.since.known() && last < r.since) return false;
  if (r.until.known() && first > r.until) return false;
  return true;
}

}  // namespace

std::optional<TimeBound> parse_time_bound(std::string_view s) {
  size_t used = 0;
  if (auto ts = parse_rfc3339(s, &used); ts && used == s.size()) return TimeBound{*ts, 0};
  if (auto back = parse_back(s)) return TimeBound{Timestamp{}, *back};
  return std::nullopt;
}

Timestamp newest_time(const Analysis& a) {
  Timestamp newest;
  for (const auto& f : a.findings)
    if (f.last_seen.known() && (!newest.known() || f.last_seen > newest)) newest = f.last_seen;
  for (const auto& t : a.unmatched)
    if (t.last_seen.known() && (!newest.known() || t.last_seen > newest)) newest = t.last_seen;
  return newest;
}

std::string_view resource_namespace(std::string_view resource) {
  const size_t slash = resource.find('/');
  if (slash == std::string_view::npos) return {};  // a unit, or a pod with no namespace
  const std::string_view head = resource.substr(0, slash);
  if (head == "node") return {};
  if (head == "namespace") return resource.substr(slash + 1);
  return head;
}

void apply_filters(Analysis& a, const Filters& f) {
  const Timestamp newest = newest_time(a);
  const Range range{resolve(f.since, newest), resolve(f.until, newest)};
  const auto& nss = f.namespaces;
  std::erase_if(a.findings, [&](const Finding& x) {
    if (!nss.empty() && !finding_in_namespaces(x, nss)) return true;
    if (f.min_severity && x.severity < *f.min_severity) return true;
    return !overlaps(x.first_seen, x.last_seen, range);
  });
  if (!nss.empty())
    for (auto& x : a.findings)
      std::erase_if(x.explains, [&](const Explained& e) { return !in_namespaces(e.resources, nss); });
  if (f.top && a.findings.size() > f.top) a.findings.resize(f.top);
  for (size_t i = 0; i < a.findings.size(); ++i) a.findings[i].rank = static_cast<int>(i) + 1;
  std::erase_if(a.unmatched, [&](const UnmatchedTemplate& t) {
    if (!nss.empty() && !in_namespaces(t.resources, nss)) return true;
    return !overlaps(t.first_seen, t.last_seen, range);
  });
}

}  // namespace kdx::analyze
