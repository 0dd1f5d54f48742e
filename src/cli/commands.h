// cli/commands.h — the subcommands. Each returns the process exit code and writes only to the
// streams it is given (stdout/stderr in main, pipes in tests).
#pragma once

#include <cstdio>

#include "batch/batch.h"
#include "cli/options.h"
#include "core/expected.h"
#include "rules/rules.h"

namespace kdx::cli {

inline constexpr int kExitOk = 0;
inline constexpr int kExitFindings = 1;
inline constexpr int kExitUsage = 2;  // usage or pattern-database error
inline constexpr int kExitNoInput = 3;
inline constexpr int kExitSomeProblems = 4;  // kdx batch/merge: some bundles or lines had problems

// The embedded database, or --patterns dirs instead, plus --extra-patterns dirs.
// The rule set of `sources`; with a `cache_dir` (match::hyperscan_cache_dir()), kept there and
// read back while the rule files stay the same.
Expected<rules::RuleSet> load_database(const RuleSources& sources,
                                       const std::string& cache_dir = {});
// Where compiled databases and loaded rule sets are cached: match::hyperscan_cache_dir() of
// the environment, or none with --no-cache.
std::string cache_dir_from_environment(bool no_cache);

int run_analyze(const AnalyzeArgs& args, std::FILE* out, std::FILE* err);
int run_patterns(const PatternsArgs& args, std::FILE* out, std::FILE* err);
// kdx batch writes its lines to `out` when no --out is given; kdx merge likewise.
int run_batch(const BatchArgs& args, std::FILE* out, std::FILE* err);
int run_merge(const MergeArgs& args, std::FILE* out, std::FILE* err);

// The --summary and --summary-json of `bundles` (one per path), NEW marked against --previous
// or the existing --summary-json; false (after saying why on `err`) when a file fails.
bool write_summaries(const SummaryArgs& args, const std::vector<const batch::BundleDigest*>& bundles,
                     std::FILE* err);

// Prints a Problem as "kdx: <where>: <message>" (one line per message line).
void print_problem(std::FILE* err, const Problem& p);

}  // namespace kdx::cli
