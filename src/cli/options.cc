#include "cli/options.h"

#include <boost/program_options.hpp>

#include <sstream>

#include <fmt/format.h>

namespace kdx::cli {
namespace po = boost::program_options;
namespace {

constexpr const char* kMainHelp = R"(kdx — offline root-cause analysis for Kubernetes, k3s, docker and systemd support bundles

Usage:
  kdx analyze [options] INPUT...     ranked root causes, with evidence and fixes
  kdx patterns list|show ID|test [DIR]|lint|export --regex
  kdx explain ID                     what a rule means, what it looks for, the fix
  kdx --version | --help | help COMMAND

INPUT is a support bundle (.tar.gz .tgz .tar .tar.zst .zip), a compressed log (.gz .zst),
a directory (cluster-info dump, must-gather, /var/log/pods ...), a file, or - for stdin.

Examples:
  kdx analyze support-bundle.tar.gz
  kubectl get events -A | kdx analyze -
  kdx analyze --format json -o report.json dump/
  kdx analyze --fail-on high bundle.tar.gz || echo "something is broken"

Exit codes: 0 analysed; 1 a finding at or above --fail-on; 2 usage or pattern-database
error; 3 no input could be read at all.
)";

constexpr const char* kAnalyzeUsage = R"(Usage: kdx analyze [options] INPUT...

Reads every INPUT (archives are streamed, never extracted), detects each file's format by
content, matches every record against the pattern database, and prints the root causes first
with the symptoms they explain, their evidence (file:line) and the fix.

Examples:
  kdx analyze support-bundle.tar.gz
  kdx analyze -j 1 --format json -o report.json cluster-dump/
  journalctl -u k3s --no-pager | kdx analyze -
  kdx analyze --patterns ./my-rules --fail-on critical node.log

Options)";

constexpr const char* kPatternsUsage = R"(Usage: kdx patterns ACTION [options]

Actions:
  list              every rule: id, severity, kind, title (id first on each line)
  show ID           one rule in full: signals, condition, explains, fix, examples
  test [DIR]        run every rule's match/no_match examples (DIR: a rule directory to test
                    instead of the loaded database); exit 1 naming rule and line on failure
  lint              check rules for what a good rule has (examples, references, fix, ...)
  export --regex    every signal's RE2 regex, one per line, for other tools

Examples:
  kdx patterns list | grep etcd
  kdx patterns show volume.wrong-ownership
  kdx patterns test ./my-rules
  kdx patterns export --regex > regexes.txt

Options)";

void add_rule_options(po::options_description& d, RuleSources& r) {
  d.add_options()
      ("patterns", po::value(&r.patterns_dirs)->composing()->value_name("DIR"),
       "use the rules in DIR instead of the embedded database (repeatable)")
      ("extra-patterns", po::value(&r.extra_dirs)->composing()->value_name("DIR"),
       "add the rules in DIR to the database (repeatable)");
}

std::string describe(const char* usage, const po::options_description& d) {
  std::ostringstream ss;
  ss << usage << d;
  return ss.str();
}

Expected<Command> parse_analyze(const std::vector<std::string>& args) {
  Command cmd;
  cmd.kind = Command::Kind::analyze;
  AnalyzeArgs& a = cmd.analyze;
  std::string fail_on, color = "auto";
  po::options_description d(":", 100);
  d.add_options()
      ("help,h", "show this help")
      ("format,f", po::value(&a.format)->value_name("FMT"), "report format: text (default) or json")
      ("output,o", po::value(&a.output)->value_name("FILE"), "write the report to FILE")
      ("fail-on", po::value(&fail_on)->value_name("SEV"),
       "exit 1 if a finding is at or above SEV (critical, high, medium, low, info)")
      ("jobs,j", po::value(&a.jobs)->value_name("N"), "worker threads (default: one per core)")
      ("verbose,v", po::bool_switch(&a.verbose), "show every evidence line and reference")
      ("color", po::value(&color)->value_name("WHEN"), "auto (default: on a TTY without NO_COLOR), always, never")
      ("max-bytes", po::value(&a.max_bytes)->value_name("N"),
       "stop reading an input after N decompressed bytes (default 64 GiB)");
  add_rule_options(d, a.rules);
  po::options_description hidden;
  hidden.add_options()("input", po::value(&a.inputs)->composing());
  po::options_description all;
  all.add(d).add(hidden);
  po::positional_options_description pos;
  pos.add("input", -1);
  po::variables_map vm;
  po::store(po::command_line_parser(args).options(all).positional(pos).run(), vm);
  po::notify(vm);
  if (vm.count("help")) {
    cmd.kind = Command::Kind::help;
    cmd.help_text = describe(kAnalyzeUsage, d);
    return cmd;
  }
  if (a.inputs.empty())
    return Problem{"usage", "kdx analyze needs at least one INPUT (a bundle, directory, file or -)"};
  if (a.format != "text" && a.format != "json")
    return Problem{"usage", fmt::format("unknown --format '{}' (expected text or json)", a.format)};
  if (!fail_on.empty()) {
    a.fail_on = parse_severity(fail_on);
    if (!a.fail_on)
      return Problem{"usage", fmt::format("unknown --fail-on severity '{}' (expected critical, "
                                          "high, medium, low or info)", fail_on)};
  }
  if (color == "auto") a.color = ColorMode::automatic;
  else if (color == "always") a.color = ColorMode::always;
  else if (color == "never") a.color = ColorMode::never;
  else return Problem{"usage", fmt::format("unknown --color '{}' (expected auto, always or never)", color)};
  if (a.jobs < 0) return Problem{"usage", "--jobs must be 0 or more"};
  return cmd;
}

Expected<Command> parse_patterns(const std::vector<std::string>& args, bool explain) {
  Command cmd;
  cmd.kind = explain ? Command::Kind::explain : Command::Kind::patterns;
  PatternsArgs& p = cmd.patterns;
  std::vector<std::string> positional;
  po::options_description d(":", 100);
  d.add_options()("help,h", "show this help")
      ("regex", po::bool_switch(&p.regex), "with export: print every signal's regex");
  add_rule_options(d, p.rules);
  po::options_description hidden;
  hidden.add_options()("positional", po::value(&positional)->composing());
  po::options_description all;
  all.add(d).add(hidden);
  po::positional_options_description pos;
  pos.add("positional", -1);
  po::variables_map vm;
  po::store(po::command_line_parser(args).options(all).positional(pos).run(), vm);
  po::notify(vm);
  if (vm.count("help")) {
    cmd.kind = Command::Kind::help;
    cmd.help_text = explain ? "Usage: kdx explain ID\n\nPrints what rule ID means, the evidence it "
                              "looks for, what it explains, the fix and references.\n\nExample:\n"
                              "  kdx explain etcd.v2-api-on-v3\n"
                            : describe(kPatternsUsage, d);
    return cmd;
  }
  if (explain) {
    if (positional.size() != 1) return Problem{"usage", "kdx explain needs exactly one rule ID"};
    p.action = "explain";
    p.arg = positional[0];
    return cmd;
  }
  if (positional.empty())
    return Problem{"usage", "kdx patterns needs an action: list, show ID, test [DIR], lint, export --regex"};
  p.action = positional[0];
  const bool takes_arg = p.action == "show" || p.action == "test";
  if (p.action != "list" && p.action != "show" && p.action != "test" && p.action != "lint" &&
      p.action != "export")
    return Problem{"usage", fmt::format("unknown patterns action '{}' (expected list, show, test, "
                                        "lint or export)", p.action)};
  if (positional.size() > (takes_arg ? 2u : 1u))
    return Problem{"usage", fmt::format("too many arguments for 'kdx patterns {}'", p.action)};
  if (positional.size() == 2) p.arg = positional[1];
  if (p.action == "show" && p.arg.empty()) return Problem{"usage", "kdx patterns show needs a rule ID"};
  if (p.action == "export" && !p.regex)
    return Problem{"usage", "kdx patterns export needs --regex (the only export format)"};
  return cmd;
}

}  // namespace

Expected<Command> parse_command_line(int argc, const char* const* argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  Command cmd;
  if (args.empty() || args[0] == "--help" || args[0] == "-h") {
    cmd.kind = Command::Kind::help;
    cmd.help_text = kMainHelp;
    return cmd;
  }
  if (args[0] == "--version" || args[0] == "version") {
    cmd.kind = Command::Kind::version;
    return cmd;
  }
  if (args[0] == "help") {
    if (args.size() < 2) {
      cmd.kind = Command::Kind::help;
      cmd.help_text = kMainHelp;
      return cmd;
    }
    args = {args[1], "--help"};
  }
  const std::string sub = args[0];
  args.erase(args.begin());
  try {
    if (sub == "analyze") return parse_analyze(args);
    if (sub == "patterns") return parse_patterns(args, false);
    if (sub == "explain") return parse_patterns(args, true);
  } catch (const po::error& e) {
    return Problem{"usage", fmt::format("{} (see 'kdx {} --help')", e.what(), sub)};
  }
  return Problem{"usage", fmt::format("unknown command '{}' (see 'kdx --help')", sub)};
}

}  // namespace kdx::cli
