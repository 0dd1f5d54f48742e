// kdx patterns list|show|test|lint|export, and kdx explain.
#include <set>

#include <fmt/format.h>

#include "cli/commands.h"
#include "match/match.h"

namespace kdx::cli {
namespace {

void print(std::FILE* f, const std::string& s) { std::fwrite(s.data(), 1, s.size(), f); }

std::string selectors_text(const rules::Signal& s) {
  std::string out;
  if (!s.select.sources.empty()) {
    out += " sources=";
    for (size_t i = 0; i < s.select.sources.size(); ++i)
      out += fmt::format("{}{}", i ? "," : "", to_string(s.select.sources[i]));
  }
  if (!s.select.reason.empty()) out += " reason=" + s.select.reason;
  if (!s.select.type.empty()) out += " type=" + s.select.type;
  if (!s.select.container.empty()) out += " container=" + s.select.container;
  if (!s.select.unit.empty()) out += " unit=" + s.select.unit;
  if (!s.unless.empty()) out += " unless=" + s.unless;
  return out;
}

std::string condition_text(const rules::Condition& c) {
  std::string out = fmt::format("at least {} occurrence{}", c.min_count, c.min_count == 1 ? "" : "s");
  if (c.window_ns) out += fmt::format(" within {}s", c.window_ns / kNsPerSecond);
  if (c.all_signals) out += ", every signal";
  return out;
}

std::string list_text(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : ", ") + s;
  return out;
}

std::string show_rule(const rules::Rule& r, bool explain) {
  std::string out = fmt::format("{}  [{} {}]  {}\n", r.id, to_string(r.severity), to_string(r.kind), r.title);
  out += fmt::format("  defined at {}:{}\n", r.file, r.line);
  if (!r.category.empty()) out += fmt::format("  category: {}\n", r.category);
  if (!r.description.empty()) out += fmt::format("\n{}\n", r.description);
  out += "\nEvidence it looks for (RE2, matched against each record's message):\n";
  for (const auto& s : r.signals) out += fmt::format("  {}: {}{}\n", s.name, s.regex, selectors_text(s));
  out += fmt::format("Reported when: {} on one resource\n", condition_text(r.condition));
  if (!r.explains.empty()) out += fmt::format("Explains: {}\n", list_text(r.explains));
  if (!r.fix.empty()) out += fmt::format("\nFix:\n{}\n", r.fix);
  if (!r.references.empty()) {
    out += "\nReferences:\n";
    for (const auto& ref : r.references) out += "  " + ref + "\n";
  }
  if (!explain && !r.examples.empty()) {
    out += "\nExamples:\n";
    for (const auto& e : r.examples) out += fmt::format("  {} {}\n", e.should_match ? "match:   " : "no_match:", e.text);
  }
  return out;
}

// What a good rule has (the catalog's bar); every gap is one line.
std::vector<std::string> lint_rule(const rules::Rule& r) {
  std::vector<std::string> out;
  const std::string at = fmt::format("{}:{} ({})", r.file, r.line, r.id);
  size_t pos = 0, neg = 0;
  for (const auto& e : r.examples) (e.should_match ? pos : neg)++;
  if (pos < 3) out.push_back(fmt::format("{}: {} match example{} (want at least 3)", at, pos, pos == 1 ? "" : "s"));
  if (neg < 2) out.push_back(fmt::format("{}: {} no_match example{} (want at least 2)", at, neg, neg == 1 ? "" : "s"));
  if (r.description.empty()) out.push_back(at + ": no description");
  if (r.category.empty()) out.push_back(at + ": no category");
  if (r.fix.empty()) out.push_back(at + ": no fix");
  if (r.references.empty()) out.push_back(at + ": no references");
  for (const auto& ref : r.references)
    if (!ref.starts_with("https://") && !ref.starts_with("http://"))
      out.push_back(fmt::format("{}: reference '{}' is not a URL", at, ref));
  const auto dot = r.id.find('.');
  if (dot == std::string::npos || dot == 0 || dot + 1 == r.id.size())
    out.push_back(at + ": id should be <category>.<name>");
  return out;
}

int run_test(const match::Matcher& matcher, std::FILE* out) {
  auto failures = match::check_examples(matcher);
  size_t examples = 0;
  for (const auto& r : matcher.rules().rules()) examples += r.examples.size();
  for (const auto& f : failures)
    print(out, fmt::format("FAIL {}:{} ({}): {} example {}: {}\n", f.file, f.line, f.rule_id,
                           f.should_match ? "match" : "no_match",
                           f.should_match ? "does not match any signal" : "matches a signal",
                           f.text));
  print(out, fmt::format("{} rules, {} examples: {} passed, {} failed\n", matcher.rules().size(),
                         examples, examples - failures.size(), failures.size()));
  return failures.empty() ? kExitOk : kExitFindings;
}

}  // namespace

int run_patterns(const PatternsArgs& args, std::FILE* out, std::FILE* err) {
  RuleSources sources = args.rules;
  if (args.action == "test" && !args.arg.empty()) sources = {{args.arg}, {}};
  auto rules = load_database(sources);
  if (!rules) {
    print_problem(err, rules.error());
    return kExitUsage;
  }
  if (args.action == "list") {
    for (const auto& r : rules->rules())
      print(out, fmt::format("{:<40} {:<8} {:<10} {}\n", r.id, to_string(r.severity), to_string(r.kind), r.title));
    return kExitOk;
  }
  if (args.action == "show" || args.action == "explain") {
    auto ix = rules->find(args.arg);
    if (!ix) {
      print(err, fmt::format("kdx: no rule with id '{}' (see 'kdx patterns list')\n", args.arg));
      return kExitUsage;
    }
    print(out, show_rule((*rules)[*ix], args.action == "explain"));
    return kExitOk;
  }
  if (args.action == "export") {
    for (const auto& r : rules->rules())
      for (const auto& s : r.signals) print(out, s.regex + "\n");
    return kExitOk;
  }
  if (args.action == "lint") {
    size_t n = 0;
    for (const auto& r : rules->rules())
      for (const auto& line : lint_rule(r)) {
        print(out, line + "\n");
        ++n;
      }
    print(out, fmt::format("{} rules: {} issue{}\n", rules->size(), n, n == 1 ? "" : "s"));
    return n ? kExitFindings : kExitOk;
  }
  auto matcher = match::Matcher::compile(*rules);
  if (!matcher) {
    print_problem(err, matcher.error());
    return kExitUsage;
  }
  return run_test(*matcher, out);
}

}  // namespace kdx::cli
