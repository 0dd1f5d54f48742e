#include "cli/options.h"

#include <boost/program_options.hpp>

#include <algorithm>
#include <charconv>
#include <sstream>

#include <fmt/format.h>

#include "batch/batch.h"
#include "report/report.h"

namespace kdx::cli {
namespace po = boost::program_options;
namespace {

constexpr const char* kMainHelp = R"(kdx — offline root-cause analysis for Kubernetes, k3s, docker and systemd support bundles

Usage:
  kdx analyze [options] INPUT...     ranked root causes, with evidence and fixes
  kdx patterns list|show ID|test [DIR]|lint|export --regex|draft ID -- INPUT...
  kdx explain ID                     what a rule means, what it looks for, the fix
  kdx batch [options] PATH...        every bundle under PATH: one NDJSON line each, a fleet summary
  kdx merge [options] FILE...        join kdx batch outputs (shards) into one, with the summary
  kdx --version | --help | help COMMAND

INPUT is a support bundle (.tar.gz .tgz .tar .tar.zst .zip), a compressed log (.gz .zst),
a directory (cluster-info dump, must-gather, /var/log/pods ...), a file, or - for stdin.

Examples:
  kdx analyze support-bundle.tar.gz
  kubectl get events -A | kdx analyze -
  kdx analyze --format json -o report.json dump/
  kdx analyze --format md --redact bundle.tar.gz > ticket.md
  kdx analyze -n kube-system --since 2h --top 5 bundle.tar.gz
  kdx analyze --fail-on high bundle.tar.gz || echo "something is broken"
  kdx batch /archive/2026-11-21 --out results.ndjson --summary fleet.md

Exit codes: 0 analysed; 1 a finding at or above --fail-on; 2 usage or pattern-database
error; 3 no input could be read at all.

'kdx help analyze' lists every option; 'man kdx' has the whole manual.
)";

constexpr const char* kAnalyzeUsage = R"(Usage: kdx analyze [options] INPUT...

Reads every INPUT (archives are streamed, never extracted), detects each file's format by
content, matches every record against the pattern database, and prints the root causes first
with the symptoms they explain, their evidence (file:line) and the fix.

The text view shows the 10 highest-ranked findings and says how many more there are; --top N,
--top 0 (all) or --verbose show more. Filters keep the findings with a resource in a
--namespace, whose first..last seen overlaps --since..--until (findings without times are
always kept), at or above --min-severity; then --top keeps the first N. Ranks are re-numbered
after filtering, and --fail-on looks only at what the filters kept.

Examples:
  kdx analyze support-bundle.tar.gz
  kdx analyze -n db --since 2h --min-severity high support-bundle.tar.gz
  kdx analyze --format md --redact support-bundle.tar.gz > ticket.md
  kdx analyze -j 1 --format json -o report.json cluster-dump/
  journalctl -u k3s --no-pager | kdx analyze -
  kdx analyze --patterns ./my-rules --fail-on critical node.log

Options:
)";

constexpr const char* kPatternsUsage = R"(Usage: kdx patterns ACTION [options]

Actions:
  list              every rule: id, severity, kind, title (id first on each line)
  show ID           one rule in full: signals, condition, explains, fix, examples
  test [DIR]        run every rule's match/no_match examples (DIR: a rule directory to test
                    instead of the loaded database); exit 1 naming rule and line on failure
  lint              check rules for what a good rule has (examples, references, fix, ...)
  export --regex    every signal's RE2 regex, one per line, for other tools
  draft ID -- INPUT...
                    a YAML rule skeleton for the unrecognised-error template ID of a report:
                    INPUT... (the same inputs, and the same --patterns options, as the report's
                    'kdx analyze') are analysed again to find it; its regex matches the
                    template's example lines. Save it in DIR and check it with
                    'kdx patterns test --patterns DIR'

Examples:
  kdx patterns list | grep etcd
  kdx patterns show volume.wrong-ownership
  kdx patterns test ./my-rules
  kdx patterns export --regex > regexes.txt
  kdx patterns draft u1a2b3c4d -- support-bundle.tar.gz > my-rules/custom.yaml

Options:
)";

constexpr const char* kBatchUsage = R"(Usage: kdx batch [options] PATH...

Finds the bundles under each PATH, analyses up to --jobs of them at a time with the same
engine as 'kdx analyze', and writes one NDJSON line per bundle, in path order:
  {"kdx_batch":1,"path":...,"cluster":...,"size":N,"mtime":...,"fingerprint":...,"report":{...}}
where "report" is the 'kdx analyze --format json' report (schema 1) on one line.

Which bundles: a PATH that is a file is one bundle (any input kdx analyze reads). A directory
is walked in sorted order, without following symlinks and skipping names that start with '.':
a file that is an archive or compressed (by its first bytes: tar, gzip, zstd, xz, bzip2, zip)
is a bundle; a directory with a bundle layout at its top (cluster-resources/, namespaces/,
sos_commands/, nodes.json or <ns>/events.json, var/log/) is a bundle; a directory with files
of its own and no archive or layout below it is one bundle of plain logs; other directories are
walked. "cluster" is the first directory below PATH the bundle is in, or, for a bundle right
under PATH, its name without archive extensions and a trailing date/time
(prod-eu1-2026-11-21.tar.gz -> prod-eu1).

Resume: when --out FILE exists it is read first; a bundle with a line there (same path, size
and mtime; or, renamed, the same content fingerprint as a line whose path is gone) is skipped,
so rerunning an interrupted command finishes the job and never duplicates a line. A torn last
line (kill -9) is cut off. The file ends sorted by path, as one uninterrupted run writes it.
SIGINT/SIGTERM start no more bundles, write the lines in flight and exit 130/143.

Exit codes: 0 every bundle analysed cleanly; 1 a finding at or above --fail-on; 2 usage or
pattern-database error (or the output cannot be written); 3 no bundle found, or none could be
read; 4 some bundles had problems (each still has its line). Several: 2, 3, 4, 1, 0 first.

Examples:
  kdx batch /archive/2026-11-21 --out results.ndjson --summary fleet.md
  kdx batch -j 4 /archive/*/2026-11-21 --out r.ndjson --summary-json fleet.json
  kdx batch /archive --shard 0/3 --out shard-0.ndjson      # one machine of three
  kdx batch cluster-a.tgz cluster-b.tgz | jq -r '.path + " " + (.report.findings[0].id // "-")'

Options:
)";

constexpr const char* kMergeUsage = R"(Usage: kdx merge [options] FILE...

Joins 'kdx batch' outputs (the shards of --shard K/N) into one: every line is checked (a bad
one is skipped with "kdx: FILE:LINE: ..." and exit 4), the same bundle twice is kept once, two
different bundles with the same path keep the one modified later, and the lines are sorted by
path, so sharded-then-merged output equals one unsharded run byte for byte.

Examples:
  kdx merge shard-*.ndjson --out all.ndjson --summary fleet.md --summary-json fleet.json
  kdx merge all.ndjson --summary fleet.md --previous ../2026-11-20/fleet.json

Options:
)";

void add_summary_options(po::options_description& d, SummaryArgs& s) {
  d.add_options()
      ("summary", po::value(&s.summary)->value_name("FILE"),
       "write the fleet summary in Markdown to FILE: root causes (bundles, clusters, namespaces, "
       "first and last seen), unrecognised errors, bundles with problems")
      ("summary-json", po::value(&s.summary_json)->value_name("FILE"),
       "write the fleet summary as JSON to FILE (an existing FILE is the previous run unless "
       "--previous is given)")
      ("previous", po::value(&s.previous)->value_name("FILE"),
       "mark what is NEW against an earlier run: its NDJSON output or its --summary-json");
}

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

// What the filter options say, as typed; checked by parse_filters.
struct FilterText {
  std::vector<std::string> namespaces;
  std::string since, until, min_severity, top;
};

// A Kubernetes namespace name (an RFC 1123 label): what `kubectl create namespace` accepts.
bool is_namespace_name(std::string_view s) {
  if (s.empty() || s.size() > 63 || s.front() == '-' || s.back() == '-') return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
  });
}

std::optional<Problem> parse_time_option(const char* name, const std::string& text,
                                         std::optional<analyze::TimeBound>& out) {
  out = analyze::parse_time_bound(text);
  if (out) return std::nullopt;
  return Problem{"usage", fmt::format("invalid --{} '{}' (expected an RFC 3339 time like "
                                      "2026-06-04T10:00:00Z, or a duration back from the newest "
                                      "time seen like 30m, 2h or 1d)", name, text)};
}

std::optional<Problem> parse_filters(const FilterText& t, const po::variables_map& vm,
                                     AnalyzeArgs& a) {
  analyze::Filters& f = a.filters;
  for (const auto& ns : t.namespaces) {
    if (!is_namespace_name(ns))
      return Problem{"usage", fmt::format("invalid --namespace '{}' (expected a namespace name like "
                                          "kube-system; repeat --namespace for several)", ns)};
    if (std::find(f.namespaces.begin(), f.namespaces.end(), ns) == f.namespaces.end())
      f.namespaces.push_back(ns);
  }
  if (vm.count("since"))
    if (auto p = parse_time_option("since", t.since, f.since)) return p;
  if (vm.count("until"))
    if (auto p = parse_time_option("until", t.until, f.until)) return p;
  // Both absolute or both relative: an empty range is a typo, say so now.
  if (f.since && f.until && f.since->at.known() == f.until->at.known() &&
      (f.since->at.known() ? f.since->at > f.until->at : f.since->back_ns < f.until->back_ns))
    return Problem{"usage", fmt::format("--since '{}' is after --until '{}' (nothing can match)",
                                        t.since, t.until)};
  if (vm.count("min-severity")) {
    f.min_severity = parse_severity(t.min_severity);
    if (!f.min_severity)
      return Problem{"usage", fmt::format("unknown --min-severity '{}' (expected critical, high, "
                                          "medium, low or info)", t.min_severity)};
  }
  if (vm.count("top")) {
    const char* end = t.top.data() + t.top.size();
    auto [ptr, ec] = std::from_chars(t.top.data(), end, f.top);
    if (t.top.empty() || ec != std::errc() || ptr != end)
      return Problem{"usage", fmt::format("invalid --top '{}' (expected a number of findings, "
                                          "0 for all)", t.top)};
    a.top_set = true;
  }
  return std::nullopt;
}

void add_analyze_options(po::options_description& d, AnalyzeArgs& a, FilterText& t,
                         std::string& fail_on, std::string& color) {
  d.add_options()
      ("help,h", "show this help")
      ("format,f", po::value(&a.format)->value_name("FMT"),
       "report format: text (default, the terminal view), json (schema 1, for tools), md "
       "(Markdown, for a ticket) or html (one self-contained page)")
      ("output,o", po::value(&a.output)->value_name("FILE"), "write the report to FILE")
      ("redact", po::bool_switch(&a.redact),
       "mask IP and e-mail addresses, tokens, passwords and keys in the report (the same value "
       "gets the same mask)")
      ("namespace,n", po::value(&t.namespaces)->composing()->value_name("NS"),
       "keep findings with a resource in namespace NS (repeatable)")
      ("since", po::value(&t.since)->value_name("TIME"),
       "keep findings last seen at or after TIME: RFC 3339 (2026-06-04T10:00:00Z) or a duration "
       "back from the newest time in the report (30m, 2h, 1d, 1h30m); findings without times "
       "are kept")
      ("until", po::value(&t.until)->value_name("TIME"),
       "keep findings first seen at or before TIME (same forms as --since)")
      ("min-severity", po::value(&t.min_severity)->value_name("SEV"),
       "keep findings at or above SEV (critical, high, medium, low, info)")
      ("top", po::value(&t.top)->value_name("N"),
       "keep the N highest-ranked findings; 0 = all (text shows 10 unless --top or --verbose)")
      ("fail-on", po::value(&fail_on)->value_name("SEV"),
       "exit 1 if a finding (after filters) is at or above SEV (critical, high, medium, low, "
       "info)")
      ("jobs,j", po::value(&a.jobs)->value_name("N"), "worker threads (default: one per core)")
      ("verbose,v", po::bool_switch(&a.verbose),
       "show every finding, evidence line and reference")
      ("color", po::value(&color)->value_name("WHEN"),
       "auto (default: on a TTY without NO_COLOR), always, never")
      ("max-bytes", po::value(&a.max_bytes)->value_name("N"),
       "stop reading an input after N decompressed bytes (default 64 GiB)")
      ("stats", po::bool_switch(&a.stats), "print bytes, records and MB/s per stage on stderr");
  add_rule_options(d, a.rules);
}

Expected<Command> parse_analyze(const std::vector<std::string>& args) {
  Command cmd;
  cmd.kind = Command::Kind::analyze;
  AnalyzeArgs& a = cmd.analyze;
  FilterText filters;
  std::string fail_on, color = "auto";
  po::options_description d(100);
  add_analyze_options(d, a, filters, fail_on, color);
  po::options_description hidden;
  hidden.add_options()("input", po::value(&a.inputs)->composing());
  // Hidden, for benchmarks and tests: --no-cache (as KDX_CACHE_DIR=off) skips the compiled
  // Hyperscan database cache; --no-unmatched skips the unrecognised-error miner.
  hidden.add_options()("no-cache", po::bool_switch(&a.no_cache))(
      "no-unmatched", po::bool_switch(&a.no_unmatched));
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
  if (!report::parse_format(a.format))
    return Problem{"usage", fmt::format("unknown --format '{}' (expected text, json, md or html)",
                                        a.format)};
  if (auto p = parse_filters(filters, vm, a)) return *p;
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
  po::options_description d(100);
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
    return Problem{"usage", "kdx patterns needs an action: list, show ID, test [DIR], lint, "
                            "export --regex, draft ID -- INPUT..."};
  p.action = positional[0];
  if (p.action == "draft") {  // draft ID -- INPUT...: the inputs are analysed again
    if (positional.size() < 3)
      return Problem{"usage", "kdx patterns draft needs a template ID and the INPUT... it came "
                              "from: kdx patterns draft ID -- INPUT..."};
    p.arg = positional[1];
    p.inputs.assign(positional.begin() + 2, positional.end());
    return cmd;
  }
  const bool takes_arg = p.action == "show" || p.action == "test";
  if (p.action != "list" && p.action != "show" && p.action != "test" && p.action != "lint" &&
      p.action != "export")
    return Problem{"usage", fmt::format("unknown patterns action '{}' (expected list, show, test, "
                                        "lint, export or draft)", p.action)};
  if (positional.size() > (takes_arg ? 2u : 1u))
    return Problem{"usage", fmt::format("too many arguments for 'kdx patterns {}'", p.action)};
  if (positional.size() == 2) p.arg = positional[1];
  if (p.action == "show" && p.arg.empty()) return Problem{"usage", "kdx patterns show needs a rule ID"};
  if (p.action == "export" && !p.regex)
    return Problem{"usage", "kdx patterns export needs --regex (the only export format)"};
  return cmd;
}

// Positional arguments and options, parsed; true when --help was asked for.
bool parse_args(const std::vector<std::string>& args, const po::options_description& d,
                const char* positional, po::variables_map& vm) {
  po::options_description all;
  all.add(d);
  po::positional_options_description pos;
  pos.add(positional, -1);
  po::store(po::command_line_parser(args).options(all).positional(pos).run(), vm);
  po::notify(vm);
  return vm.count("help") > 0;
}

Expected<Command> parse_batch(const std::vector<std::string>& args) {
  Command cmd;
  cmd.kind = Command::Kind::batch;
  BatchArgs& b = cmd.batch;
  std::string shard, fail_on, progress;
  bool force_progress = false, no_progress = false;
  po::options_description d(100);
  d.add_options()("help,h", "show this help")
      ("out,o", po::value(&b.out)->value_name("FILE"),
       "append the lines to FILE, resuming from what it holds (default: stdout, no resume)")
      ("jobs,j", po::value(&b.jobs)->value_name("N"),
       "bundles analysed at a time (default: one per core)")
      ("shard", po::value(&shard)->value_name("K/N"),
       "only the bundles whose path (relative to PATH) hashes to K modulo N: machine K of N")
      ("fail-on", po::value(&fail_on)->value_name("SEV"),
       "exit 1 if a bundle has a finding at or above SEV (critical, high, medium, low, info)")
      ("progress", po::bool_switch(&force_progress), "show progress on stderr even without a TTY")
      ("no-progress", po::bool_switch(&no_progress), "never show progress")
      ("max-bytes", po::value(&b.max_bytes)->value_name("N"),
       "stop reading a bundle after N decompressed bytes (default 64 GiB)");
  add_summary_options(d, b.summary);
  add_rule_options(d, b.rules);
  po::options_description full;
  full.add(d).add_options()("path", po::value(&b.paths)->composing())(
      "no-cache", po::bool_switch(&b.no_cache));  // hidden, as for kdx analyze
  po::variables_map vm;
  if (parse_args(args, full, "path", vm)) {
    cmd.kind = Command::Kind::help;
    cmd.help_text = describe(kBatchUsage, d);
    return cmd;
  }
  if (b.paths.empty())
    return Problem{"usage", "kdx batch needs at least one PATH (a directory of bundles, or a bundle)"};
  if (vm.count("shard")) {
    const auto s = batch::parse_shard(shard);
    if (!s)
      return Problem{"usage", fmt::format("invalid --shard '{}' (expected K/N with 0 <= K < N, "
                                          "like 0/3)", shard)};
    b.shard_index = s->index;
    b.shard_count = s->count;
  }
  if (!fail_on.empty() && !(b.fail_on = parse_severity(fail_on)))
    return Problem{"usage", fmt::format("unknown --fail-on severity '{}' (expected critical, "
                                        "high, medium, low or info)", fail_on)};
  if (force_progress && no_progress)
    return Problem{"usage", "--progress and --no-progress contradict each other"};
  b.progress = force_progress ? ProgressMode::always
               : no_progress  ? ProgressMode::never
                              : ProgressMode::automatic;
  if (b.jobs < 0) return Problem{"usage", "--jobs must be 0 or more"};
  return cmd;
}

Expected<Command> parse_merge(const std::vector<std::string>& args) {
  Command cmd;
  cmd.kind = Command::Kind::merge;
  MergeArgs& m = cmd.merge;
  po::options_description d(100);
  d.add_options()("help,h", "show this help")
      ("out,o", po::value(&m.out)->value_name("FILE"),
       "write the merged lines to FILE (atomically: a temp file, then rename); default stdout");
  add_summary_options(d, m.summary);
  po::options_description full;
  full.add(d).add_options()("input", po::value(&m.inputs)->composing());
  po::variables_map vm;
  if (parse_args(args, full, "input", vm)) {
    cmd.kind = Command::Kind::help;
    cmd.help_text = describe(kMergeUsage, d);
    return cmd;
  }
  if (m.inputs.empty())
    return Problem{"usage", "kdx merge needs at least one FILE (the NDJSON of kdx batch)"};
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
    if (sub == "batch") return parse_batch(args);
    if (sub == "merge") return parse_merge(args);
  } catch (const po::error& e) {
    return Problem{"usage", fmt::format("{} (see 'kdx {} --help')", e.what(), sub)};
  }
  return Problem{"usage", fmt::format("unknown command '{}' (see 'kdx --help')", sub)};
}

}  // namespace kdx::cli
