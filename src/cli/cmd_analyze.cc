#include <sys/ioctl.h>
#include <unistd.h>

#include <cstdlib>

#include "cli/commands.h"
#include "pipeline/pipeline.h"
#include "report/report.h"

#ifndef KDX_VERSION
#define KDX_VERSION "dev"
#endif

namespace kdx::cli {
namespace {

bool use_color(const AnalyzeArgs& args, std::FILE* out) {
  if (args.color == ColorMode::always) return true;
  if (args.color == ColorMode::never || !args.output.empty()) return false;
  const char* no_color = std::getenv("NO_COLOR");
  if (no_color && *no_color) return false;
  return isatty(fileno(out));
}

size_t terminal_width(std::FILE* out) {
  winsize ws{};
  if (isatty(fileno(out)) && ioctl(fileno(out), TIOCGWINSZ, &ws) == 0 && ws.ws_col >= 40)
    return ws.ws_col;
  if (const char* cols = std::getenv("COLUMNS")) {
    const long n = std::strtol(cols, nullptr, 10);
    if (n >= 40 && n <= 1000) return static_cast<size_t>(n);
  }
  return 100;
}

bool write_all(std::FILE* f, const fmt::memory_buffer& buf) {
  return std::fwrite(buf.data(), 1, buf.size(), f) == buf.size() && std::fflush(f) == 0;
}

}  // namespace

int run_analyze(const AnalyzeArgs& args, std::FILE* out, std::FILE* err) {
  auto rules = load_database(args.rules);
  if (!rules) {
    print_problem(err, rules.error());
    return kExitUsage;
  }
  auto matcher = match::Matcher::compile(*rules);
  if (!matcher) {
    print_problem(err, matcher.error());
    return kExitUsage;
  }
  pipeline::RunOptions opts;
  opts.jobs = args.jobs;
  if (args.max_bytes) opts.limits.max_total_bytes = args.max_bytes;
  pipeline::OpenSummary opened;
  analyze::Analysis analysis = pipeline::analyze_inputs(args.inputs, *matcher, opts, &opened);
  // An input that cannot be opened is always said on stderr; its message names the path.
  for (const auto& p : opened.unreadable) std::fprintf(err, "kdx: %s\n", p.message.c_str());
  if (opened.opened == 0) {
    std::fprintf(err, "kdx: no input could be read\n");
    return kExitNoInput;
  }

  report::ReportCtx ctx;
  ctx.kdx_version = KDX_VERSION;
  ctx.verbose = args.verbose;
  ctx.color = use_color(args, out);
  ctx.width = args.output.empty() ? terminal_width(out) : 100;
  fmt::memory_buffer buf;
  report::render(analysis, ctx, *report::parse_format(args.format), buf);

  if (args.output.empty()) {
    if (!write_all(out, buf)) return kExitUsage;
  } else {
    std::FILE* f = std::fopen(args.output.c_str(), "wb");
    if (!f || !write_all(f, buf) || std::fclose(f) != 0) {
      std::fprintf(err, "kdx: cannot write '%s'\n", args.output.c_str());
      return kExitUsage;
    }
  }
  // Problems also go to stderr for non-text formats, where the report may be redirected.
  if (args.format != "text")
    for (size_t i = opened.unreadable.size(); i < analysis.problems.size(); ++i)
      print_problem(err, analysis.problems[i]);
  if (args.fail_on)
    for (const auto& f : analysis.findings)
      if (f.severity >= *args.fail_on) return kExitFindings;
  return kExitOk;
}

}  // namespace kdx::cli
