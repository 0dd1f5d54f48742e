// tests/support/run_kdx.h — runs the built kdx binary as a user would, capturing both streams.
#pragma once

#include <string>

namespace kdx::test {

struct KdxRun {
  int exit_code = -1;
  std::string out, err;
};

// `args` is a shell-quoted argument string; `stdin_text` (if not empty) is piped to stdin.
// Runs in the repository root.
KdxRun run_kdx(const std::string& args, const std::string& stdin_text = "");

}  // namespace kdx::test
