// cli/commands.h — the subcommands. Each returns the process exit code and writes only to the
// streams it is given (stdout/stderr in main, pipes in tests).
#pragma once

#include <cstdio>

#include "cli/options.h"
#include "core/expected.h"
#include "rules/rules.h"

namespace kdx::cli {

inline constexpr int kExitOk = 0;
inline constexpr int kExitFindings = 1;
inline constexpr int kExitUsage = 2;  // usage or pattern-database error
inline constexpr int kExitNoInput = 3;

// The embedded database, or --patterns dirs instead, plus --extra-patterns dirs.
Expected<rules::RuleSet> load_database(const RuleSources& sources);

int run_analyze(const AnalyzeArgs& args, std::FILE* out, std::FILE* err);
int run_patterns(const PatternsArgs& args, std::FILE* out, std::FILE* err);

// Prints a Problem as "kdx: <where>: <message>" (one line per message line).
void print_problem(std::FILE* err, const Problem& p);

}  // namespace kdx::cli
