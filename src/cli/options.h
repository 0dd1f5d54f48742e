// cli/options.h — the command line, parsed (Boost.Program_options lives only in options.cc).
// parse_command_line never exits or prints: usage errors come back as a Problem whose message
// the caller prints before exiting 2; help text is returned for the caller to print.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "analyze/analyze.h"
#include "core/expected.h"
#include "core/severity.h"

namespace kdx::cli {

struct RuleSources {
  std::vector<std::string> patterns_dirs;  // --patterns: replace the embedded database
  std::vector<std::string> extra_dirs;     // --extra-patterns: add to it
};

enum class ColorMode { automatic, always, never };

struct AnalyzeArgs {
  std::vector<std::string> inputs;
  std::string format = "text";
  std::string output;  // -o FILE; empty = stdout
  std::optional<Severity> fail_on;
  int jobs = 0;
  bool verbose = false;
  ColorMode color = ColorMode::automatic;
  uint64_t max_bytes = 0;  // 0 = default limit
  bool stats = false;      // --stats: bytes, records and MB/s per stage on stderr
  bool no_cache = false;   // --no-cache: neither read nor write the compiled-database cache
  bool no_unmatched = false;  // --no-unmatched: skip the unrecognised-error miner (benchmarks)
  RuleSources rules;
  analyze::Filters filters;  // --namespace --since --until --min-severity --top
  bool top_set = false;      // --top given: the text view then shows every finding it kept
  bool redact = false;       // --redact: mask IPs, e-mails, tokens and passwords before rendering
};

struct PatternsArgs {
  std::string action;  // list, show, test, lint, export, draft
  std::string arg;     // rule id for show; directory for test; template id for draft
  bool regex = false;  // export --regex
  RuleSources rules;
  std::vector<std::string> inputs;  // draft: the inputs to analyse again
};

enum class ProgressMode { automatic, always, never };

// kdx batch PATH... and kdx merge FILE...: the fleet summary options are shared.
struct SummaryArgs {
  std::string summary;       // --summary FILE: Markdown
  std::string summary_json;  // --summary-json FILE
  std::string previous;      // --previous FILE: an earlier NDJSON or --summary-json
};

struct BatchArgs {
  std::vector<std::string> paths;
  std::string out;  // --out FILE (resumed when it exists); empty = stdout
  SummaryArgs summary;
  std::optional<Severity> fail_on;
  int jobs = 0;
  uint64_t shard_index = 0, shard_count = 1;  // --shard K/N
  ProgressMode progress = ProgressMode::automatic;
  uint64_t max_bytes = 0;  // 0 = default limit
  RuleSources rules;
  bool no_cache = false;  // --no-cache: neither read nor write the compiled-database cache
};

struct MergeArgs {
  std::vector<std::string> inputs;
  std::string out;  // --out FILE; empty = stdout
  SummaryArgs summary;
};

struct Command {
  enum class Kind { analyze, patterns, explain, batch, merge, help, version } kind = Kind::help;
  AnalyzeArgs analyze;
  PatternsArgs patterns;  // also carries `explain ID` (action "explain")
  BatchArgs batch;
  MergeArgs merge;
  std::string help_text;  // for Kind::help
};

Expected<Command> parse_command_line(int argc, const char* const* argv);

}  // namespace kdx::cli
