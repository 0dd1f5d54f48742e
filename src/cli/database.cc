#include "cli/commands.h"

namespace kdx::cli {

void print_problem(std::FILE* err, const Problem& p) {
  size_t start = 0;
  const std::string& m = p.message;
  while (start <= m.size()) {
    size_t nl = m.find('\n', start);
    const std::string line = m.substr(start, nl == std::string::npos ? std::string::npos : nl - start);
    if (p.where.empty() || p.where == "usage") std::fprintf(err, "kdx: %s\n", line.c_str());
    else std::fprintf(err, "kdx: %s: %s\n", p.where.c_str(), line.c_str());
    if (nl == std::string::npos) break;
    start = nl + 1;
  }
}

Expected<rules::RuleSet> load_database(const RuleSources& sources) {
  std::vector<rules::RuleText> texts;
  if (sources.patterns_dirs.empty()) {
    texts = rules::embedded_rule_texts();
  }
  for (const auto* dirs : {&sources.patterns_dirs, &sources.extra_dirs}) {
    for (const auto& dir : *dirs) {
      auto more = rules::read_rule_dir(dir);
      if (!more) return more.error();
      texts.insert(texts.end(), more->begin(), more->end());
    }
  }
  return rules::load_rules(texts);
}

}  // namespace kdx::cli
