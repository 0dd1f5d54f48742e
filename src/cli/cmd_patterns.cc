// kdx patterns list|show|test|lint|export|draft, and kdx explain.
#include <set>

#include <fmt/format.h>

#include "analyze/unmatched.h"
#include "analyze/analyze.h"
#include "cli/commands.h"
#include "core/text.h"
#include "match/match.h"
#include "pipeline/pipeline.h"

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

// "10m", "1h30m", "45s": how rule authors write windows.
std::string duration_text(int64_t ns) {
  int64_t secs = ns / kNsPerSecond;
  std::string out;
  for (auto [unit, name] : {std::pair<int64_t, const char*>{86400, "d"}, {3600, "h"}, {60, "m"}, {1, "s"}})
    if (secs >= unit) {
      out += fmt::format("{}{}", secs / unit, name);
      secs %= unit;
    }
  return out.empty() ? "0s" : out;
}

std::string condition_text(const rules::Condition& c) {
  std::string out = fmt::format("at least {} occurrence{}", c.min_count, c.min_count == 1 ? "" : "s");
  if (c.window_ns) out += " within " + duration_text(c.window_ns);
  if (c.all_signals) out += ", every signal";
  return out;
}

std::string list_text(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : ", ") + s;
  return out;
}

// Words re-flowed into lines of at most `width` columns, each prefixed by `indent`.
std::string wrap_words(std::string_view text, size_t width, std::string_view indent) {
  std::string out, line;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find_first_of(" \n", start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view word = text.substr(start, end - start);
    start = end + 1;
    if (word.empty()) continue;
    if (!line.empty() && indent.size() + line.size() + 1 + word.size() > width) {
      out += std::string(indent) + line + "\n";
      line.clear();
    }
    line += (line.empty() ? "" : " ") + std::string(word);
  }
  if (!line.empty()) out += std::string(indent) + line + "\n";
  return out;
}

std::string explains_text(const rules::Rule& r, const rules::RuleSet& rules) {
  std::string out;
  for (const auto& id : r.explains) {
    auto ix = rules.find(id);
    out += fmt::format("  {}{}\n", id, ix ? " — " + rules[*ix].title : "");
  }
  return out;
}

// `kdx patterns show`: the rule as its author sees it, regexes and all.
std::string show_rule(const rules::Rule& r, const rules::RuleSet& rules) {
  std::string out = fmt::format("{}  [{} {}]  {}\n", r.id, to_string(r.severity), to_string(r.kind), r.title);
  out += fmt::format("  defined at {}:{}\n", r.file, r.line);
  if (!r.category.empty()) out += fmt::format("  category: {}\n", r.category);
  if (!r.description.empty()) out += "\n" + wrap_words(r.description, 100, "");
  out += "\nSignals (RE2, matched against each record's message):\n";
  for (const auto& s : r.signals) out += fmt::format("  {}: {}{}\n", s.name, s.regex, selectors_text(s));
  out += fmt::format("Reported when: {} on one resource\n", condition_text(r.condition));
  if (!r.explains.empty()) out += "Explains:\n" + explains_text(r, rules);
  if (!r.fix.empty()) out += fmt::format("\nFix:\n{}\n", trim(r.fix));
  if (!r.references.empty()) {
    out += "\nReferences:\n";
    for (const auto& ref : r.references) out += "  " + ref + "\n";
  }
  if (!r.examples.empty()) {
    out += "\nExamples:\n";
    for (const auto& e : r.examples) out += fmt::format("  {} {}\n", e.should_match ? "match:   " : "no_match:", e.text);
  }
  return out;
}

// `kdx explain`: what a support engineer reads before answering a ticket — the lines the
// rule recognises rather than its regexes, and the fix with its blanks named.
std::string explain_rule(const rules::Rule& r, const rules::RuleSet& rules) {
  std::string out = fmt::format("{} — {}\n", r.id, r.title);
  out += fmt::format("{} {}{}\n", to_string(r.severity), to_string(r.kind),
                     r.category.empty() ? "" : ", category " + r.category);
  if (!r.description.empty()) out += "\n" + wrap_words(r.description, 100, "");
  out += "\nLooks like:\n";
  for (const auto& e : r.examples)
    if (e.should_match) out += "  " + e.text + "\n";
  bool any_negative = false;
  for (const auto& e : r.examples)
    if (!e.should_match) {
      if (!any_negative) out += "Not to be confused with:\n";
      any_negative = true;
      out += "  " + e.text + "\n";
    }
  out += fmt::format("\nReported when: {} on one resource", condition_text(r.condition));
  out += r.condition.min_count > 1 ? "; fewer are listed as transient (info).\n" : ".\n";
  if (!r.explains.empty()) out += "\nExplains (folded under it on the same resource):\n" + explains_text(r, rules);
  if (!r.fix.empty()) out += "\nFix (<name> is filled from the evidence in a report):\n" +
                             std::string(trim(analyze::fill_placeholders(r.fix, {}))) + "\n";
  if (!r.references.empty()) {
    out += "\nReferences:\n";
    for (const auto& ref : r.references) out += "  " + ref + "\n";
  }
  out += fmt::format("\nDefined at {}:{} (kdx patterns show {} for its regexes)\n", r.file, r.line, r.id);
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

// Text for a YAML comment or title: control bytes, and every byte of text that is not valid
// UTF-8, become "\xNN".
std::string safe_text(std::string_view s) {
  const bool utf8 = analyze::valid_utf8(s);
  std::string out;
  for (unsigned char c : s) {
    if (c < 0x20 || c == 0x7F || (c >= 0x80 && !utf8)) out += fmt::format("\\x{:02x}", c);
    else out += static_cast<char>(c);
  }
  return out;
}

// A YAML scalar: single-quoted, or double-quoted with escapes when it holds control bytes.
std::string yaml_quote(std::string_view s) {
  const bool plain = std::none_of(s.begin(), s.end(), [](char c) {
    return (static_cast<unsigned char>(c) < 0x20 && c != '\t') || c == 0x7F;
  });
  std::string out = plain ? "'" : "\"";
  for (unsigned char c : s) {
    if (plain) out += c == '\'' ? std::string("''") : std::string(1, static_cast<char>(c));
    else if (c == '\\' || c == '"') out += fmt::format("\\{}", static_cast<char>(c));
    else if (c < 0x20 || c == 0x7F) out += fmt::format("\\x{:02x}", c);
    else out += static_cast<char>(c);
  }
  return out + (plain ? "'" : "\"");
}

// "custom.could-not-rename-data-directory": the first few words of the template that are
// neither variables nor log levels.
std::string draft_id(const analyze::UnmatchedTemplate& t) {
  constexpr std::string_view kLevels[] = {"error", "err", "warning", "warn", "fatal",
                                          "info",  "debug", "critical", "panic"};
  std::string slug;
  int words = 0;
  for (std::string_view tok : split(t.text, ' ')) {
    if (tok.find('<') != std::string_view::npos) continue;  // a placeholder
    if (const size_t eq = tok.rfind('='); eq != std::string_view::npos) tok.remove_prefix(eq + 1);
    auto alpha = [](char c) { return std::isalpha(static_cast<unsigned char>(c)) != 0; };
    while (!tok.empty() && !alpha(tok.front())) tok.remove_prefix(1);
    while (!tok.empty() && !alpha(tok.back())) tok.remove_suffix(1);
    const bool word = !tok.empty() && std::all_of(tok.begin(), tok.end(), [](char c) {
      return std::isalpha(static_cast<unsigned char>(c)) || c == '-' || c == '_';
    });
    if (!word || words == 5 || slug.size() + tok.size() > 40) continue;
    std::string w;
    for (char c : tok)
      w += c == '_' ? '-' : static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (std::find(std::begin(kLevels), std::end(kLevels), w) != std::end(kLevels)) continue;
    slug += w + '-';
    ++words;
  }
  if (slug.empty()) return "custom.unrecognised-" + t.id;
  slug.pop_back();
  return "custom." + slug;
}

// A rule skeleton for one template: what `kdx patterns draft` prints.
std::string draft_rule(const analyze::UnmatchedTemplate& t) {
  const std::string text = safe_text(t.text);
  std::string out = fmt::format(
      "# Drafted by `kdx patterns draft {}` from {} record{} that no rule recognised", t.id,
      t.count, t.count == 1 ? "" : "s");
  std::vector<std::string> where;
  if (t.first_seen.known()) where.push_back("first seen " + format_rfc3339(t.first_seen));
  if (!t.examples.empty())
    where.push_back(fmt::format("e.g. {}:{}", safe_text(t.examples[0].path), t.examples[0].line));
  if (!where.empty()) out += fmt::format("\n# ({})", list_text(where));
  out += fmt::format(":\n#   {}\n", text);
  out += "# Save it alone in a directory (DIR/custom.yaml), change what the comments say, "
         "then run\n"
         "#   kdx patterns test --patterns DIR && kdx patterns lint --patterns DIR\n"
         "# and use it with `kdx analyze --extra-patterns DIR ...`.\n";
  out += fmt::format("id: {}\n", draft_id(t));
  out += "# What fails, in a few words: the report's headline for this rule.\n";
  out += fmt::format("title: {}\n", yaml_quote(truncate_utf8(text, 100)));
  out += "# critical, high, medium, low or info: how bad it is when this shows up.\n"
         "severity: medium\n"
         "# root-cause, or symptom when another rule's cause explains it (list it in that cause's\n"
         "# explains).\n"
         "kind: root-cause\n"
         "# The category it belongs to: also the first part of the id and the file's name.\n"
         "category: custom\n"
         "# What it means and why it happens, for `kdx explain`.\n";
  const std::string description =
      fmt::format("Records like \"{}\", which no rule recognised.", text);
  out += fmt::format("description: {}\n", yaml_quote(description));
  out += "signals:\n"
         "  # The template's fixed words; each variable part is a named capture that fix can use\n"
         "  # as {name}. Narrow a capture, or make a word a literal, where the records allow.\n";
  out += fmt::format("  - regex: {}\n", yaml_quote(analyze::template_regex(t.text)));
  out += "# The operator's steps that fix the cause; {name} is filled from a capture.\n"
         "fix: |\n"
         "  Read the evidence lines of this rule (kdx analyze --verbose) and the log lines around\n"
         "  them, and write the steps that fix the cause here.\n"
         "# Pages that document this failure and its fix (URLs).\n"
         "references:\n"
         "  - https://kubernetes.io/docs/tasks/debug/\n"
         "examples:\n"
         "  # Lines the regex must match: the template's examples from the analysed input.\n"
         "  match:\n";
  size_t shown = 0;
  for (const auto& e : t.examples)
    if (analyze::valid_utf8(e.text)) {
      out += fmt::format("    - {}\n", yaml_quote(e.text));
      ++shown;
    }
  if (shown == 0) out += "    []\n";
  out += "  # Near misses it must not match: lint wants at least two.\n"
         "  no_match: []\n";
  return out;
}

int run_draft(const PatternsArgs& args, const match::Matcher& matcher, std::FILE* out,
              std::FILE* err) {
  pipeline::OpenSummary opened;
  const analyze::Analysis a = pipeline::analyze_inputs(args.inputs, matcher, {}, &opened);
  for (const auto& p : opened.unreadable) print(err, fmt::format("kdx: {}\n", p.message));
  if (opened.opened == 0) {
    print(err, "kdx: no input could be read\n");
    return kExitNoInput;
  }
  for (const auto& t : a.unmatched)
    if (t.id == args.arg) {
      print(out, draft_rule(t));
      return kExitOk;
    }
  print(err, fmt::format("kdx: no unrecognised-error template '{}' in these inputs (the ids are in "
                         "the report of 'kdx analyze' on the same inputs and patterns)\n",
                         args.arg));
  return kExitUsage;
}

}  // namespace

int run_patterns(const PatternsArgs& args, std::FILE* out, std::FILE* err) {
  RuleSources sources = args.rules;
  if (args.action == "test" && !args.arg.empty()) sources = {{args.arg}, {}};
  // The cache kdx analyze uses: a set loaded from it is the one the YAML gives (only a set
  // without problems is stored), so list, show, lint and test print the same either way.
  const std::string cache_dir = cache_dir_from_environment(false);
  auto rules = load_database(sources, cache_dir);
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
    const rules::Rule& rule = (*rules)[*ix];
    print(out, args.action == "explain" ? explain_rule(rule, *rules) : show_rule(rule, *rules));
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
  auto matcher = pipeline::compile_matcher(*rules, match::Engine::automatic, cache_dir);
  if (!matcher) {
    print_problem(err, matcher.error());
    return kExitUsage;
  }
  if (args.action == "draft") return run_draft(args, *matcher, out, err);
  return run_test(*matcher, out);
}

}  // namespace kdx::cli
