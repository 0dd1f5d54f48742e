// kdx batch: discover bundles, resume from --out, analyse in parallel, show progress on a TTY,
// stop cleanly on SIGINT/SIGTERM, write the fleet summaries, and map the outcome to exit codes.
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <sys/file.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstring>
#include <thread>

#include <fmt/format.h>

#include "cli/commands.h"
#include "pipeline/pipeline.h"

#ifndef KDX_VERSION
#define KDX_VERSION "dev"
#endif

namespace kdx::cli {
namespace {

using Clock = std::chrono::steady_clock;

// SIGINT and SIGTERM are blocked in every thread (workers inherit the mask) and taken by one
// watcher with sigtimedwait: no handler, no global flag. The first asks the run to stop starting
// bundles; a second one exits at once (lines are whole writes, so the file stays valid).
class SignalWatcher {
 public:
  explicit SignalWatcher(std::FILE* err) : err_(err) {
    sigemptyset(&set_);
    sigaddset(&set_, SIGINT);
    sigaddset(&set_, SIGTERM);
    sigaddset(&set_, kWake);
    pthread_sigmask(SIG_BLOCK, &set_, &old_);
    thread_ = std::thread([this] { loop(); });
  }
  ~SignalWatcher() {
    done_ = true;
    pthread_kill(thread_.native_handle(), kWake);  // no waiting for the tick at the end
    thread_.join();
    pthread_sigmask(SIG_SETMASK, &old_, nullptr);
  }
  SignalWatcher(const SignalWatcher&) = delete;
  SignalWatcher& operator=(const SignalWatcher&) = delete;

  const std::atomic<bool>& stop() const { return stop_; }
  int signal() const { return signal_; }

 private:
  void loop() {
    const timespec tick{0, 100'000'000};
    while (!done_) {
      const int s = sigtimedwait(&set_, nullptr, &tick);
      if (s <= 0 || s == kWake) continue;
      const char* name = s == SIGINT ? "SIGINT" : "SIGTERM";
      if (stop_) {
        fmt::print(err_, "\nkdx: {} again: stopping now; rerun the same command to resume\n", name);
        std::fflush(err_);
        _exit(128 + s);
      }
      signal_ = s;
      stop_ = true;
      fmt::print(err_, "\nkdx: {}: starting no more bundles, finishing those in flight (again to "
                       "stop at once)\n", name);
    }
  }

  static constexpr int kWake = SIGUSR2;  // sent by the destructor to end the wait
  std::FILE* err_;
  sigset_t set_{}, old_{};
  std::atomic<bool> stop_ = false, done_ = false;
  std::atomic<int> signal_ = 0;
  std::thread thread_;
};

std::string human_bytes(double b) {
  const char* units[] = {"B", "kB", "MB", "GB", "TB"};
  int u = 0;
  while (b >= 1000 && u < 4) {
    b /= 1000;
    ++u;
  }
  return u == 0 ? fmt::format("{:.0f} B", b) : fmt::format("{:.1f} {}", b, units[u]);
}

// "kdx batch: 12/180 bundles, 3.4 GB, 410 MB/s, ETA 0:42", redrawn in place (at most 10/s).
class TtyProgress final : public batch::ProgressSink {
 public:
  explicit TtyProgress(std::FILE* err) : err_(err), start_(Clock::now()) {}
  void on_progress(const batch::Progress& p) override {
    const auto now = Clock::now();
    if (shown_ && p.done < p.total && now - last_ < std::chrono::milliseconds(100)) return;
    last_ = now;
    shown_ = true;
    const double secs = std::chrono::duration<double>(now - start_).count();
    const double rate = secs > 0 ? static_cast<double>(p.bytes_done) / secs : 0;
    std::string eta = "-";
    if (rate > 0 && p.done > 0) {
      const auto left = static_cast<uint64_t>(static_cast<double>(p.bytes_total - p.bytes_done) / rate);
      eta = left >= 3600 ? fmt::format("{}:{:02}:{:02}", left / 3600, left / 60 % 60, left % 60)
                         : fmt::format("{}:{:02}", left / 60, left % 60);
    }
    fmt::print(err_, "\rkdx batch: {}/{} bundles, {}, {}/s, ETA {}\033[K", p.done, p.total,
               human_bytes(static_cast<double>(p.bytes_done)), human_bytes(rate), eta);
    std::fflush(err_);
  }
  void finish() {
    if (shown_) std::fputc('\n', err_);
  }

 private:
  std::FILE* err_;
  Clock::time_point start_, last_;
  bool shown_ = false;
};

// The bundles of this shard, after saying which PATHs do not exist.
std::optional<std::vector<batch::Bundle>> find_bundles(const BatchArgs& args, std::FILE* err) {
  batch::Discovery found = batch::discover(args.paths);
  for (const auto& p : found.missing) print_problem(err, p);
  if (found.bundles.empty()) {
    fmt::print(err, "kdx: no bundle found under {}\n", fmt::join(args.paths, ", "));
    return std::nullopt;
  }
  std::vector<batch::Bundle> out;
  const batch::Shard shard{args.shard_index, args.shard_count};
  for (auto& b : found.bundles)
    if (batch::in_shard(b, shard)) out.push_back(std::move(b));
  return out;
}

// --out: locked against a second writer, resumed, opened for appending. -1 after printing why.
int open_output(const std::string& path, batch::Resume& resume, std::FILE* err) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd < 0) {
    fmt::print(err, "kdx: {}: cannot open for writing: {}\n", path, std::strerror(errno));
    return -1;
  }
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    fmt::print(err, "kdx: {}: another kdx batch is writing it\n", path);
    ::close(fd);
    return -1;
  }
  auto r = batch::open_resume(path);
  if (!r) {
    print_problem(err, r.error());
    ::close(fd);
    return -1;
  }
  resume = std::move(*r);
  for (const auto& n : resume.notes) print_problem(err, n);
  return fd;
}

// Exit codes, judged on every line of the output (resumed ones too): 3, 4, 1, 0 first.
int outcome(const std::vector<const batch::BundleDigest*>& lines, const BatchArgs& args) {
  size_t unreadable = 0, with_problems = 0;
  bool failing = false;
  for (const auto* d : lines) {
    unreadable += d->unreadable;
    with_problems += d->problems > 0;
    for (const auto& f : d->findings) failing = failing || (args.fail_on && f.severity >= *args.fail_on);
  }
  if (!lines.empty() && unreadable == lines.size()) return kExitNoInput;
  if (with_problems) return kExitSomeProblems;
  return failing ? kExitFindings : kExitOk;
}

bool show_progress(const BatchArgs& args, std::FILE* err) {
  if (args.progress != ProgressMode::automatic) return args.progress == ProgressMode::always;
  return isatty(fileno(err));
}

}  // namespace

int run_batch(const BatchArgs& args, std::FILE* out, std::FILE* err) {
  SignalWatcher signals(err);  // first: every thread started later inherits the blocked mask
  // The same cache as kdx analyze: shards on machines sharing a volume compile the rules once.
  const std::string cache_dir = cache_dir_from_environment(args.no_cache);
  auto rules = load_database(args.rules, cache_dir);
  if (!rules) {
    print_problem(err, rules.error());
    return kExitUsage;
  }
  // Once: every bundle shares it.
  auto matcher = pipeline::compile_matcher(*rules, match::Engine::automatic, cache_dir);
  if (!matcher) {
    print_problem(err, matcher.error());
    return kExitUsage;
  }
  auto bundles = find_bundles(args, err);
  if (!bundles) return kExitNoInput;
  batch::Resume resume;
  std::fflush(out);
  const int fd = args.out.empty() ? fileno(out) : open_output(args.out, resume, err);
  if (fd < 0) return kExitUsage;

  batch::BatchOptions opts;
  opts.jobs = args.jobs;
  opts.kdx_version = KDX_VERSION;
  opts.max_bytes = args.max_bytes;
  opts.stop = &signals.stop();
  TtyProgress progress(err);
  if (show_progress(args, err)) {
    opts.progress = &progress;
    uint64_t total = 0;
    for (const auto& b : *bundles) total += b.size;
    progress.on_progress({0, bundles->size(), 0, total});
  }
  batch::BatchResult r = batch::run_batch(*bundles, resume, *matcher, opts, fd, args.out);
  progress.finish();
  if (!args.out.empty()) ::close(fd);  // also releases the lock
  for (const auto& p : r.problems) print_problem(err, p);
  if (!r.problems.empty()) return kExitUsage;
  if (r.stopped) {
    const int s = signals.signal();
    fmt::print(err, "kdx: stopped by {} after {} of {} bundles; rerun the same command to resume\n",
               s == SIGINT ? "SIGINT" : "SIGTERM", r.analysed + r.skipped, bundles->size());
    return 128 + s;
  }
  if (!args.out.empty())
    if (auto sorted = batch::sort_file(args.out); !sorted) print_problem(err, sorted.error());
  std::vector<const batch::BundleDigest*> all;
  for (const auto& d : resume.done) all.push_back(&d);
  for (const auto& d : r.written) all.push_back(&d);
  Problems notes;
  std::vector<const batch::BundleDigest*> lines;
  for (size_t i : batch::dedup_lines(all, &notes)) lines.push_back(all[i]);
  if (!write_summaries(args.summary, lines, err)) return kExitUsage;
  return outcome(lines, args);
}

}  // namespace kdx::cli
