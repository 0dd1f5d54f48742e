// Fuzz target for rules/ (and match/ behind it): the bytes as one rule file. load_rules must
// turn anything into a RuleSet or one Problem, never a crash or an exception; a RuleSet that
// loads must compile into a Matcher and run its own examples.
#include <string>
#include <vector>

#include "core/assert.h"
#include "fuzz/targets.h"
#include "match/match.h"
#include "rules/rules.h"

namespace kdx::fuzz {

void fuzz_rules(std::span<const uint8_t> data) {
  const std::string_view bytes(reinterpret_cast<const char*>(data.data()), data.size());
  // The same bytes as a (damaged) rule-set cache file: read whole or refused, never half.
  if (auto cached = rules::rule_set_from_bytes(bytes))
    KDX_ASSERT(rules::rule_set_bytes(*cached) == bytes);
  std::vector<rules::RuleText> texts{{"patterns/fuzz.yaml", std::string(bytes)}};
  auto set = rules::load_rules(texts);
  if (!set) {
    KDX_ASSERT(!set.error().message.empty());
    return;
  }
  for (const rules::Rule& r : set->rules()) {
    KDX_ASSERT(!r.id.empty());
    KDX_ASSERT(!r.signals.empty());
  }
  // What the cache stores comes back as the same bytes.
  const std::string stored = rules::rule_set_bytes(*set);
  auto back = rules::rule_set_from_bytes(stored);
  KDX_ASSERT(back.has_value() && rules::rule_set_bytes(*back) == stored);
  auto matcher = match::Matcher::compile(*set);
  if (!matcher) return;  // a set over RE2's memory budget is a Problem, not a crash
  (void)match::check_examples(*matcher);
}

}  // namespace kdx::fuzz
