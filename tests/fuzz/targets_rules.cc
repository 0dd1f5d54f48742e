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
  std::vector<rules::RuleText> texts{
      {"patterns/fuzz.yaml", std::string(reinterpret_cast<const char*>(data.data()), data.size())}};
  auto set = rules::load_rules(texts);
  if (!set) {
    KDX_ASSERT(!set.error().message.empty());
    return;
  }
  for (const rules::Rule& r : set->rules()) {
    KDX_ASSERT(!r.id.empty());
    KDX_ASSERT(!r.signals.empty());
  }
  auto matcher = match::Matcher::compile(*set);
  if (!matcher) return;  // a set over RE2's memory budget is a Problem, not a crash
  (void)match::check_examples(*matcher);
}

}  // namespace kdx::fuzz
