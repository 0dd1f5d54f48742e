// tests/support/run_kdx.h — runs the built kdx binary as a user would, capturing both streams.
#pragma once

#include <string>

namespace kdx::test {

struct KdxRun {
  int exit_code = -1;
  std::string out, err;
};

// `args` is a shell-quoted argument string; `stdin_text` (if not empty) is piped to stdin.
// Runs in the repository root, with KDX_CACHE_DIR=`cache_dir`: "off" (no cache) unless a test
// is about the cache.
KdxRun run_kdx(const std::string& args, const std::string& stdin_text = "",
               const std::string& cache_dir = "off");

}  // namespace kdx::test
