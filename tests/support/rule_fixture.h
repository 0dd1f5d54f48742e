// tests/support/rule_fixture.h — small rule sets and hand-made records for stage tests.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "formats/formats.h"
#include "rules/rules.h"

namespace kdx::test {

inline rules::RuleSet rules_from_yaml(const std::string& yaml) {
  std::vector<rules::RuleText> texts{{"patterns/test.yaml", yaml}};
  auto rs = rules::load_rules(texts);
  if (!rs) {
    ADD_FAILURE() << rs.error().message;
    return rules::RuleSet();
  }
  return std::move(*rs);
}

inline formats::Record record(std::string_view message, SourceKind kind = SourceKind::log,
                              uint64_t line = 1) {
  formats::Record r;
  r.text = message;
  r.message = message;
  r.kind = kind;
  r.line = line;
  return r;
}

}  // namespace kdx::test
