// analyze/analyze.h — from hits to ranked findings.
// Takes: Hits (through a per-thread Collector), the RuleSet, and the FileTable. Gives: an
// Analysis that owns everything a report needs. Collectors are per thread and merged with
// merge(), which is order-independent, so the result is the same at any thread count.
// analyze() runs once, on one thread: conditions, correlation, ranking.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "core/file_table.h"
#include "core/problem.h"
#include "match/match.h"
#include "rules/rules.h"

namespace kdx::analyze {

inline constexpr size_t kEvidencePerGroup = 5;     // evidence kept per (rule, resource)
inline constexpr size_t kEvidenceLineBytes = 512;  // evidence text is cut to this
inline constexpr size_t kTimesPerGroup = 4096;     // hit times kept for window conditions
inline constexpr size_t kDeferredCaptureBytes = 2048;  // longer messages: captures read at once

using Captures = std::vector<std::pair<std::string, std::string>>;

struct Evidence {
  FileId file = 0;
  uint64_t line = 0;
  Timestamp ts;
  uint16_t signal = 0;
  SourceKind kind = SourceKind::text;
  std::string text;
  Captures captures;
  // With CaptureMode::when_shown: the hit record's message, for analyze() to read the
  // captures from if this evidence is the one a finding shows (then `captures` stays empty).
  std::string message;
};

// Evidence is ordered by time (known times first), then file, line and signal: a total order
// that does not depend on the order hits arrive in.
bool evidence_before(const Evidence& a, const Evidence& b);

// What one rule saw on one resource.
struct Group {
  uint64_t count = 0;
  Timestamp first, last;
  uint64_t signal_mask = 0;  // bit per signal index (first 64)
  uint32_t kind_mask = 0;    // bit per SourceKind
  std::vector<Evidence> evidence;      // the kEvidencePerGroup first by evidence_before
  std::vector<int64_t> times;          // the kTimesPerGroup smallest known hit times
  std::vector<std::string> containers; // sorted, unique
};

struct GroupKey {
  rules::RuleIx rule = 0;
  ResourceKey resource;  // pod-level: container is kept in Group::containers
  friend auto operator<=>(const GroupKey&, const GroupKey&) = default;
};

// When the named captures of a kept hit are read. Reading them runs RE2's submatch engine,
// the dearest part of matching; a finding shows the captures of one evidence line only.
enum class CaptureMode : uint8_t {
  at_hit,      // every kept evidence gets its captures as the hit arrives
  when_shown,  // evidence keeps the message (up to kDeferredCaptureBytes) instead, and
               // analyze() asks a CaptureFn for the captures of the evidence it shows
};

// Per-thread hit collector; a match::HitSink.
class Collector final : public match::HitSink {
 public:
  explicit Collector(CaptureMode mode = CaptureMode::at_hit) : mode_(mode) {}
  // Movable (map nodes, which recent_ points into, move along), not copyable.
  Collector(Collector&&) = default;
  Collector& operator=(Collector&&) = default;
  Collector(const Collector&) = delete;
  Collector& operator=(const Collector&) = delete;

  void on_hit(const match::Hit& hit) override;
  void merge(Collector&& other);  // order-independent
  const std::map<GroupKey, Group>& groups() const { return groups_; }

 private:
  // The group of each rule's last hit (by rule index; null before one): a rule's hits come
  // mostly from one resource at a time (a batch is one file), and building a key of five
  // strings to look it up in the map was most of on_hit.
  struct Recent {
    const GroupKey* key = nullptr;
    Group* group = nullptr;
  };
  Group& group_of(rules::RuleIx rule, const ResourceRef& resource);

  CaptureMode mode_;
  std::map<GroupKey, Group> groups_;
  std::vector<Recent> recent_;
};

// Counts per record format, for the report's stats.
struct FormatStats {
  uint64_t files = 0;
  uint64_t records = 0;
  uint64_t bytes = 0;
};
struct InputStats {
  std::map<std::string, FormatStats> by_format;  // keyed by format name
  uint64_t files = 0, records = 0, bytes = 0;
};

struct EvidenceOut {
  std::string path;  // FileInfo::display
  uint64_t line = 0;
  Timestamp ts;
  std::string text;
};

struct Explained {
  std::string id;
  uint64_t count = 0;
  std::vector<std::string> resources;
};

struct Finding {
  std::string id, title, category;
  Severity severity = Severity::info;
  rules::RuleKind kind = rules::RuleKind::root_cause;
  bool transient = false;  // the rule's condition was not met: listed at info
  int rank = 0;
  int score = 0;
  int confidence = 0;
  std::vector<std::string> resources;
  Timestamp first_seen, last_seen;
  uint64_t count = 0;
  std::vector<EvidenceOut> evidence;
  Captures captures;
  std::vector<Explained> explains;
  std::string fix;
  std::vector<std::string> references;
};

// Error- and warning-level records that matched no rule, mined into templates ("unrecognised
// errors"): what the report shows when a bundle's real cause is not in the database yet.
struct UnmatchedExample {
  std::string path;  // FileInfo::display
  uint64_t line = 0;
  std::string text;
};

struct UnmatchedTemplate {
  std::string id;        // stable within a report: derived from the template text
  std::string text;      // tokens with variables masked as <*> or typed placeholders
  uint64_t count = 0;
  Timestamp first_seen, last_seen;
  std::vector<std::string> resources;
  std::vector<UnmatchedExample> examples;
  double score = 0;      // how much it matters; templates are in descending score order
};

struct Analysis {
  std::vector<std::string> inputs;
  InputStats stats;
  std::vector<Finding> findings;  // in rank order
  std::vector<UnmatchedTemplate> unmatched;
  Problems problems;
};

struct AnalyzeOptions {
  int64_t correlation_window_ns = 30 * 60 * kNsPerSecond;  // cause/symptom with no resource
};

// The named captures of signal `signal` of rule `rule` in `message` (the Matcher's
// captures_of), for evidence collected with CaptureMode::when_shown.
using CaptureFn =
    std::function<Captures(rules::RuleIx rule, uint16_t signal, std::string_view message)>;

// `captures` must be given when the collector ran with CaptureMode::when_shown.
Analysis analyze(const rules::RuleSet& rules, const Collector& collector, const FileTable& files,
                 const AnalyzeOptions& options = {}, const CaptureFn& captures = {});

// Fills {name} placeholders from captures; unknown names become <name>.
std::string fill_placeholders(const std::string& text, const Captures& captures);

// ---- Filters (filter.cc): what `kdx analyze --namespace/--since/--until/--min-severity/--top`
// keeps. Pure functions over an Analysis; thread-compatible.

// A --since/--until bound: an absolute time, or a duration counted back from newest_time().
struct TimeBound {
  Timestamp at;         // absolute, when known
  int64_t back_ns = 0;  // otherwise: newest_time(analysis) - back_ns
  friend bool operator==(const TimeBound&, const TimeBound&) = default;
};

// "2026-06-04T10:00:00Z" (RFC 3339, any fraction and offset) or a duration: "30m", "2h", "1d",
// "1h30m" (units s, m, h, d). nullopt for anything else or a duration over 100 years.
std::optional<TimeBound> parse_time_bound(std::string_view s);

struct Filters {
  std::vector<std::string> namespaces;    // keep what has a resource in one; empty: no filter
  std::optional<TimeBound> since, until;  // keep what overlaps [since, until]; timeless kept
  std::optional<Severity> min_severity;   // findings at or above it (templates have none)
  size_t top = 0;                         // the first N findings by rank; 0: all
};

// The newest time an Analysis knows: the latest last_seen of its findings and unmatched
// templates (the records themselves are gone by now). Unknown when nothing has a time.
Timestamp newest_time(const Analysis& a);

// The namespace in a resource as Finding/Explained/UnmatchedTemplate print it: "db" for
// "db/postgres-0" and "namespace/db"; "" for "node/x", units ("k3s on node1") and pods without
// one. A namespace literally named "node" or "namespace" is read as those prefixes.
std::string_view resource_namespace(std::string_view resource);

// Keeps the findings and unmatched templates that pass every filter and re-numbers the ranks
// 1..N. With namespaces, a finding is kept when it or a symptom it explains has a resource in
// one (a node-level cause of a namespace's symptoms stays), and its explains list keeps only the
// entries with a resource in one. Relative bounds are resolved against newest_time(a) before
// anything is dropped. --min-severity and --top apply to findings only.
void apply_filters(Analysis& a, const Filters& f);

}  // namespace kdx::analyze
