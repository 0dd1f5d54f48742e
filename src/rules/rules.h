// rules/rules.h — the pattern database: YAML rule documents in, an immutable RuleSet out.
// load_rules is all-or-nothing and, like a compiler, collects every problem before failing.
// A RuleSet is immutable after loading, movable, not copyable, and safe to share across threads.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/expected.h"
#include "core/severity.h"

namespace kdx::rules {

using RuleIx = uint32_t;  // dense index into RuleSet::rules(), sorted by id

enum class RuleKind : uint8_t { root_cause, symptom };
std::string_view to_string(RuleKind k);

// Where a signal may match. Empty lists/strings mean "any".
struct Selectors {
  std::vector<SourceKind> sources;  // record kinds (log, event, pod_status, ...)
  std::string reason;               // RE2, full match against Record::reason
  std::string type;                 // "Warning" / "Normal", exact
  std::string container;            // RE2, full match against the record's container
  std::string unit;                 // RE2, full match against the record's systemd unit
};

struct Signal {
  std::string name;    // unique within the rule; defaults to "s<N>"
  std::string regex;   // RE2 with named captures, matched against Record::message
  std::string unless;  // RE2: a record that also matches this is not a hit (near misses)
  Selectors select;
  int line = 0;        // line in the rule file
};

// When the hits of a rule on one resource make a finding.
struct Condition {
  uint32_t min_count = 1;   // at least this many occurrences (event counts included)
  int64_t window_ns = 0;    // ... within this window (0: anywhere in the input)
  bool all_signals = false;  // every signal must have hit
};

struct Example {
  std::string text;
  bool should_match = true;
  int line = 0;
};

struct Rule {
  std::string id, title, description, category;
  Severity severity = Severity::medium;
  RuleKind kind = RuleKind::root_cause;
  std::vector<Signal> signals;
  Condition condition;
  std::vector<std::string> explains;  // symptom ids
  std::string fix;                    // with {capture} placeholders
  std::vector<std::string> references;
  std::vector<Example> examples;
  std::string file;  // "patterns/storage.yaml"
  int line = 0;      // line of the rule's document start
};

// One YAML file's name (as reported in problems) and text.
struct RuleText {
  std::string name;
  std::string text;
};

class RuleSet {
 public:
  RuleSet() = default;
  explicit RuleSet(std::vector<Rule> rules);  // sorts by id
  RuleSet(RuleSet&&) = default;
  RuleSet& operator=(RuleSet&&) = default;
  RuleSet(const RuleSet&) = delete;
  RuleSet& operator=(const RuleSet&) = delete;

  const std::vector<Rule>& rules() const { return rules_; }
  const Rule& operator[](RuleIx ix) const { return rules_[ix]; }
  size_t size() const { return rules_.size(); }
  std::optional<RuleIx> find(std::string_view id) const;

 private:
  std::vector<Rule> rules_;
};

// Parses and validates rule files. Problems name "file:line (rule id)" and say what is wrong:
// unknown field, missing field, bad severity/kind, a regex RE2 rejects, duplicate id, an
// unknown id in explains, a {placeholder} in fix that no signal captures.
// On any problem nothing is returned: the whole error list comes back as one Problem whose
// message holds one line per problem.
Expected<RuleSet> load_rules(std::span<const RuleText> texts);

// A loaded RuleSet as bytes, and back (the start-up cache: cli/database.cc). Bytes that are
// damaged, truncated or of another kRuleBytesFormat give nullopt. The cache's key holds kdx's
// version and the rule texts, not the loader: bump kRuleBytesFormat when the bytes change or
// when load_rules makes something else of the same text (a default, a normalisation).
inline constexpr uint64_t kRuleBytesFormat = 1;
std::string rule_set_bytes(const RuleSet& rules);
std::optional<RuleSet> rule_set_from_bytes(std::string_view bytes);

// The rule files compiled into the binary from patterns/ (generated at build time).
std::vector<RuleText> embedded_rule_texts();

// Reads every *.yaml file of a directory, sorted by name.
Expected<std::vector<RuleText>> read_rule_dir(const std::string& dir);

}  // namespace kdx::rules
