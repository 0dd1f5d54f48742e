// The parallel driver: up to `jobs` bundles in flight, each analysed by the same engine as
// kdx analyze, lines appended in bundle order (oneTBB's serial_in_order stage is the reorder
// buffer), each line one write(2).
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <memory>
#include <set>
#include <thread>
#include <tuple>

#include <oneapi/tbb/parallel_pipeline.h>
#include <oneapi/tbb/task_arena.h>

#include "batch/batch.h"
#include "pipeline/pipeline.h"

namespace kdx::batch {
namespace {

using Clock = std::chrono::steady_clock;

// Lines reach the page cache at once (a kill -9 loses nothing written); fdatasync bounds what
// a machine crash can lose to about this long, without one disk flush per small bundle.
constexpr auto kSyncEvery = std::chrono::seconds(1);

struct Item {
  size_t index = 0;
  bool skipped = false;
  std::string line;
  std::optional<BundleDigest> digest;
};

// What an earlier output already holds: resume skips a bundle found in it.
struct Done {
  std::set<std::tuple<std::string, uint64_t, int64_t>> keys;  // path, size, mtime
  std::set<std::string> fingerprints;

  // A fingerprint counts only where its path is gone (the bundle was renamed or moved): two
  // copies of one bundle at two paths get a line each, resumed or not, sharded or not.
  explicit Done(const Resume& r) {
    for (const BundleDigest& d : r.done) {
      keys.emplace(d.path, d.size, d.mtime.unix_ns);
      struct stat st {};
      if (!d.fingerprint.empty() && ::lstat(d.path.c_str(), &st) != 0)
        fingerprints.insert(d.fingerprint);
    }
  }
};

bool write_line(int fd, std::string_view line) {
  while (!line.empty()) {  // one write(2) for a line unless the kernel takes less
    const ssize_t n = ::write(fd, line.data(), line.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    line.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

// Analyses one bundle (or finds it done already) into its line.
void process(const Bundle& b, const Done& done, const match::Matcher& matcher,
             const BatchOptions& options, int inner_jobs, Item& item) {
  if (done.keys.count({b.path, b.size, b.mtime.unix_ns})) {
    item.skipped = true;
    return;
  }
  auto fp = fingerprint(b);
  if (fp && done.fingerprints.count(*fp)) {
    item.skipped = true;
    return;
  }
  pipeline::RunOptions run;
  run.jobs = inner_jobs;
  if (options.max_bytes) run.limits.max_total_bytes = options.max_bytes;
  analyze::Analysis a = pipeline::analyze_inputs({b.path}, matcher, run);
  item.line = make_line(b, fp ? *fp : "", a, options.kdx_version);
  auto d = parse_line(std::string_view(item.line).substr(0, item.line.size() - 1));
  KDX_ASSERT(d.has_value());  // make_line writes what parse_line reads
  item.digest = std::move(*d);
}

// The last, serial stage: lines in bundle order, one write(2) each; progress; fdatasync.
struct Writer {
  const std::vector<Bundle>& bundles;
  const BatchOptions& options;
  int fd;
  const std::string& path;
  BatchResult& result;
  std::atomic<bool>& failed;
  Progress progress;
  Clock::time_point last_sync = Clock::now();

  void operator()(std::unique_ptr<Item> item) {
    progress.done++;
    progress.bytes_done += bundles[item->index].size;
    if (item->skipped) {
      ++result.skipped;
    } else if (!failed) {
      if (!write_line(fd, item->line)) {
        failed = true;
        result.problems.push_back({path.empty() ? "-" : path, "cannot write a line to the output"});
      } else {
        ++result.analysed;
        result.written.push_back(std::move(*item->digest));
      }
    }
    if (!path.empty() && Clock::now() - last_sync >= kSyncEvery) {
      ::fdatasync(fd);
      last_sync = Clock::now();
    }
    if (options.progress) options.progress->on_progress(progress);
  }
};

}  // namespace

BatchResult run_batch(const std::vector<Bundle>& bundles, const Resume& resume,
                      const match::Matcher& matcher, const BatchOptions& options, int out_fd,
                      const std::string& out_path) {
  BatchResult result;
  const Done done(resume);
  const int jobs = options.jobs > 0 ? options.jobs
                                    : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  // Fewer bundles than jobs: the spare threads work inside each bundle.
  const int in_flight = static_cast<int>(std::min<size_t>(jobs, std::max<size_t>(bundles.size(), 1)));
  const int inner_jobs = std::max(1, jobs / in_flight);
  std::atomic<bool> write_failed = false;
  Writer writer{bundles, options, out_fd, out_path, result, write_failed, {}};
  writer.progress.total = bundles.size();
  for (const Bundle& b : bundles) writer.progress.bytes_total += b.size;
  size_t next = 0;
  tbb::task_arena arena(jobs);
  arena.execute([&] {
    // At most in_flight bundles between the first stage and the last: memory stays bounded.
    tbb::parallel_pipeline(
        static_cast<size_t>(in_flight),
        tbb::make_filter<void, Item*>(
            tbb::filter_mode::serial_in_order,
            [&](tbb::flow_control& fc) -> Item* {
              const bool stop = options.stop && options.stop->load();
              if (next == bundles.size() || stop || write_failed) {
                result.stopped = next < bundles.size();
                fc.stop();
                return nullptr;
              }
              auto item = std::make_unique<Item>();
              item->index = next++;
              return item.release();
            }) &
            tbb::make_filter<Item*, Item*>(
                tbb::filter_mode::parallel,
                [&](Item* item) {
                  process(bundles[item->index], done, matcher, options, inner_jobs, *item);
                  return item;
                }) &
            tbb::make_filter<Item*, void>(tbb::filter_mode::serial_in_order, [&](Item* raw) {
              writer(std::unique_ptr<Item>(raw));  // in bundle order: the reorder buffer
            }));
  });
  if (!out_path.empty()) ::fdatasync(out_fd);
  return result;
}

}  // namespace kdx::batch
