// kdx — the command-line entry point: parse, dispatch, map failures to exit codes.
#include <malloc.h>

#include <cstdio>
#include <exception>

#include "cli/commands.h"
#include "cli/options.h"

#ifndef KDX_VERSION
#define KDX_VERSION "dev"
#endif

namespace {
constexpr int kExitInternal = 70;  // EX_SOFTWARE: a kdx bug
}

int main(int argc, char** argv) {
  using kdx::cli::Command;
  // Chunk buffers (2 MiB, hundreds per GiB) are filled by the reader thread and freed by the
  // workers. Past glibc's mmap threshold each would be a fresh mapping: a page fault for
  // every 4 KiB written on the serial thread and a TLB shootdown at every munmap (a third of
  // the reader's time on a 2-core VM). Kept in the heap they are reused; peak RSS stays
  // bounded by the chunks in flight. (One arena for all threads had fewer faults still, but a
  // Hyperscan compile on one worker then fought the other's RE2 matching for its lock: the
  // first run of ten times the rules took 17.6 s instead of 7.4.)
  mallopt(M_MMAP_THRESHOLD, 64 << 20);
  mallopt(M_TRIM_THRESHOLD, 256 << 20);
  try {
    auto cmd = kdx::cli::parse_command_line(argc, argv);
    if (!cmd) {
      kdx::cli::print_problem(stderr, cmd.error());
      return kdx::cli::kExitUsage;
    }
    switch (cmd->kind) {
      case Command::Kind::help:
        std::fputs(cmd->help_text.c_str(), stdout);
        return kdx::cli::kExitOk;
      case Command::Kind::version:
        std::printf("kdx %s\n", KDX_VERSION);
        return kdx::cli::kExitOk;
      case Command::Kind::analyze:
        return kdx::cli::run_analyze(cmd->analyze, stdout, stderr);
      case Command::Kind::batch:
        return kdx::cli::run_batch(cmd->batch, stdout, stderr);
      case Command::Kind::merge:
        return kdx::cli::run_merge(cmd->merge, stdout, stderr);
      case Command::Kind::patterns:
      case Command::Kind::explain:
        return kdx::cli::run_patterns(cmd->patterns, stdout, stderr);
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "kdx: internal error: %s\n", e.what());
  } catch (...) {
    std::fprintf(stderr, "kdx: internal error\n");
  }
  return kExitInternal;
}
