// kdx merge: shards' NDJSON joined into one; and the fleet summaries both batch and merge write.
#include <unistd.h>

#include <filesystem>

#include <fmt/format.h>

#include "cli/commands.h"

namespace kdx::cli {

bool write_summaries(const SummaryArgs& args, const std::vector<const batch::BundleDigest*>& bundles,
                     std::FILE* err) {
  if (args.summary.empty() && args.summary_json.empty()) return true;
  batch::Previous previous;
  std::error_code ec;
  // No --previous: the summary JSON about to be replaced is the previous run's.
  const bool implicit = args.previous.empty() && !args.summary_json.empty() &&
                        std::filesystem::exists(args.summary_json, ec);
  if (!args.previous.empty() || implicit) {
    auto p = batch::read_previous(implicit ? args.summary_json : args.previous);
    if (!p && !implicit) {
      print_problem(err, p.error());
      return false;
    }
    if (!p) fmt::print(err, "kdx: {}: {}; nothing is marked new\n", p.error().where, p.error().message);
    else previous = std::move(*p);
  }
  for (const auto& [path, md] : {std::pair{args.summary, true}, {args.summary_json, false}}) {
    if (path.empty()) continue;
    fmt::memory_buffer buf;
    if (md) batch::render_summary_md(bundles, previous, buf);
    else batch::render_summary_json(bundles, previous, buf);
    auto ok = batch::write_atomic(path, std::string_view(buf.data(), buf.size()));
    if (!ok) {
      print_problem(err, ok.error());
      return false;
    }
  }
  return true;
}

int run_merge(const MergeArgs& args, std::FILE* out, std::FILE* err) {
  std::fflush(out);
  batch::MergeResult r = batch::merge_files(args.inputs, args.out, fileno(out));
  for (const auto& p : r.bad) print_problem(err, p);
  for (const auto& p : r.notes) print_problem(err, p);
  for (const auto& p : r.errors) print_problem(err, p);
  if (!r.errors.empty()) return kExitUsage;
  if (r.files_read == 0) {
    fmt::print(err, "kdx: no input could be read\n");
    return kExitNoInput;
  }
  std::vector<const batch::BundleDigest*> kept;
  for (const auto& d : r.kept) kept.push_back(&d);
  if (!write_summaries(args.summary, kept, err)) return kExitUsage;
  return r.bad.empty() ? kExitOk : kExitSomeProblems;
}

}  // namespace kdx::cli
