// kdx analyze: run the pipeline over the inputs, filter, redact, render, and map the outcome
// to an exit code. The only place that looks at the terminal (width, colour).
#include <sys/ioctl.h>
#include <tbb/task_arena.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>

#include <fmt/format.h>

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

// The width text wraps to: $COLUMNS when set (the user's word, as in coreutils), else the
// terminal's, else 100 (a pipe or a file). Narrow values are raised to 40, where the labelled
// columns of the text view still leave room for words.
size_t terminal_width(std::FILE* out) {
  constexpr size_t kMin = 40, kMax = 1000, kDefault = 100;
  if (const char* cols = std::getenv("COLUMNS"); cols && *cols) {
    char* end = nullptr;
    const long n = std::strtol(cols, &end, 10);
    if (*end == '\0' && n > 0) return std::clamp(static_cast<size_t>(n), kMin, kMax);
  }
  winsize ws{};
  if (isatty(fileno(out)) && ioctl(fileno(out), TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
    return std::clamp(static_cast<size_t>(ws.ws_col), kMin, kMax);
  return kDefault;
}

// The text view fits the top of a report on a screen: the first kTextFindings findings unless
// the user asked for a number (--top) or for everything (--verbose).
size_t text_view_limit(const AnalyzeArgs& args) {
  constexpr size_t kTextFindings = 10;
  return args.top_set || args.verbose ? 0 : kTextFindings;
}

// --stats: where the time went, one line per stage. Seconds are summed over the threads that
// ran a stage, so MB/s is per thread; the last line is the whole run's.
void print_stats(std::FILE* err, const pipeline::PipelineStats& st, const match::Matcher& m,
                 double compile_seconds) {
  fmt::print(err, "kdx: stats: {} threads, {} matcher\n", st.threads,
             match::engine_name(m.engine()));
  fmt::print(err, "  {:<8} {:>14} {:>12} {:>9} {:>9}\n", "stage", "bytes", "records", "seconds",
             "MB/s");
  auto line = [&](const char* name, const pipeline::StageStat& s, const char* unit) {
    const double mbs = s.seconds > 0 ? static_cast<double>(s.bytes) / 1e6 / s.seconds : 0;
    fmt::print(err, "  {:<8} {:>14} {:>12} {:>9.3f} {:>9.1f}  ({})\n", name, s.bytes, s.records,
               s.seconds, mbs, unit);
  };
  fmt::print(err, "  {:<8} {:>14} {:>12} {:>9.3f} {:>9}  (rules compiled)\n", "rules", "-",
             m.rules().size(), compile_seconds, "-");
  line("read", st.read, "decompressed bytes; files");
  line("chunk", st.chunk, "chunks");
  line("split", st.split, "records");
  line("match", st.match, "message bytes; records built");
  line("analyze", st.analyze, "hits");
  const double total = st.wall_seconds + compile_seconds;
  fmt::print(err, "  {:<8} {:>14} {:>12} {:>9.3f} {:>9.1f}  (wall clock)\n", "total",
             st.read.bytes, st.split.records, total,
             total > 0 ? static_cast<double>(st.read.bytes) / 1e6 / total : 0);
}

bool write_all(std::FILE* f, const fmt::memory_buffer& buf) {
  return std::fwrite(buf.data(), 1, buf.size(), f) == buf.size() && std::fflush(f) == 0;
}

}  // namespace

int run_analyze(const AnalyzeArgs& args, std::FILE* out, std::FILE* err) {
  // Loading the rules and compiling the matcher run in parallel too: on -j threads.
  tbb::task_arena arena(args.jobs > 0 ? args.jobs : tbb::task_arena::automatic);
  const std::string cache_dir = cache_dir_from_environment(args.no_cache);
  auto rules = arena.execute([&] { return load_database(args.rules, cache_dir); });
  if (!rules) {
    print_problem(err, rules.error());
    return kExitUsage;
  }
  const auto compile_start = std::chrono::steady_clock::now();
  auto matcher = arena.execute(
      [&] { return pipeline::compile_matcher(*rules, match::Engine::automatic, cache_dir); });
  if (!matcher) {
    print_problem(err, matcher.error());
    return kExitUsage;
  }
  const std::chrono::duration<double> compile_time =
      std::chrono::steady_clock::now() - compile_start;
  pipeline::RunOptions opts;
  opts.jobs = args.jobs;
  if (args.max_bytes) opts.limits.max_total_bytes = args.max_bytes;
  opts.unmatched = !args.no_unmatched;
  pipeline::PipelineStats stats;
  if (args.stats) opts.stats = &stats;
  pipeline::OpenSummary opened;
  analyze::Analysis analysis = pipeline::analyze_inputs(args.inputs, *matcher, opts, &opened);
  if (args.stats) print_stats(err, stats, *matcher, compile_time.count());
  // An input that cannot be opened is always said on stderr; its message names the path.
  for (const auto& p : opened.unreadable) std::fprintf(err, "kdx: %s\n", p.message.c_str());
  if (opened.opened == 0) {
    std::fprintf(err, "kdx: no input could be read\n");
    return kExitNoInput;
  }

  analyze::apply_filters(analysis, args.filters);
  if (args.redact) report::redact(analysis);  // after filtering: masks are numbered as printed

  const report::ReportFormat format = *report::parse_format(args.format);
  report::ReportCtx ctx;
  ctx.kdx_version = KDX_VERSION;
  ctx.verbose = args.verbose;
  ctx.color = use_color(args, out);
  ctx.width = args.output.empty() ? terminal_width(out) : 100;
  ctx.max_findings = format == report::ReportFormat::text ? text_view_limit(args) : 0;
  fmt::memory_buffer buf;
  report::render(analysis, ctx, format, buf);

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
  if (format != report::ReportFormat::text)
    for (size_t i = opened.unreadable.size(); i < analysis.problems.size(); ++i)
      print_problem(err, analysis.problems[i]);
  if (args.fail_on)
    for (const auto& f : analysis.findings)
      if (f.severity >= *args.fail_on) return kExitFindings;
  return kExitOk;
}

}  // namespace kdx::cli
