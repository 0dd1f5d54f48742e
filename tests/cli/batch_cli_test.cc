// kdx batch and kdx merge as users run them: bad bundles, exit codes, resume after a torn line,
// kill -9 and SIGTERM mid-run, -j1 vs -j2, progress on a pty, sharded-then-merged == unsharded.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>
#include <utime.h>

#include <chrono>
#include <filesystem>
#include <thread>

#include <fmt/format.h>

#include "batch/batch.h"
#include "support/make_archive.h"
#include "support/paths.h"
#include "support/run_kdx.h"
#include "support/temp_dir.h"

namespace kdx::test {
namespace {
namespace fs = std::filesystem;

std::string q(const std::string& s) { return "'" + s + "'"; }

size_t lines_in(const std::string& text) { return std::count(text.begin(), text.end(), '\n'); }

// cluster-a and cluster-b: gzip'd pastes; cluster-c: a gzip cut in half (a bad bundle).
void small_fleet(const TempDir& t) {
  t.write("fleet/cluster-a/2026-11-21.log.gz",
          gzip_bytes(read_file(corpus("pastes/events-table.txt"))));
  t.write("fleet/cluster-b/2026-11-21.log.gz",
          gzip_bytes(read_file(corpus("pastes/describe-postgres.txt"))));
  const std::string gz = gzip_bytes(noise_text(200000, 7));
  t.write("fleet/cluster-c/2026-11-21.log.gz", gz.substr(0, gz.size() / 2));
}

// `n` bundle directories that take a while each (the kill tests need a run to interrupt).
void slow_fleet(const TempDir& t, int n) {
  const std::string pasted = read_file(corpus("pastes/journalctl-k3s.txt"));
  const std::string noise = noise_text(6 << 20, 11);
  for (int i = 0; i < n; ++i) {
    t.write(fmt::format("slow/c{:02}/journal.txt", i), pasted);
    t.write(fmt::format("slow/c{:02}/noise.log", i), noise);
  }
}

pid_t spawn_kdx(const std::vector<std::string>& args, const std::string& err_path) {
  const std::string kdx = binary_dir() + "/src/kdx";
  const pid_t pid = fork();
  if (pid == 0) {
    const int err = ::open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    const int null = ::open("/dev/null", O_RDWR);
    dup2(null, 0);
    dup2(null, 1);
    dup2(err, 2);
    std::vector<char*> argv{const_cast<char*>("kdx")};
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    execv(kdx.c_str(), argv.data());
    _exit(127);
  }
  return pid;
}

// Waits until `path` holds at least one whole line (or 20 s pass).
bool wait_for_line(const std::string& path) {
  for (int i = 0; i < 20000; ++i) {
    std::error_code ec;
    if (fs::exists(path, ec) && read_file(path).find('\n') != std::string::npos) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return false;
}

TEST(Batch, BadBundleGetsItsLineAndExitFour) {
  TempDir t;
  small_fleet(t);
  auto r = run_kdx("batch -j2 " + q(t.path("fleet")) + " --out " + q(t.path("o.ndjson")));
  EXPECT_EQ(r.exit_code, 4) << r.err;
  EXPECT_EQ(r.err, "");
  auto f = batch::read_ndjson(t.path("o.ndjson"));
  ASSERT_TRUE(f.has_value());
  ASSERT_EQ(f->lines.size(), 3u);
  const auto& bad = f->lines[2].digest;
  EXPECT_EQ(bad.path, t.path("fleet/cluster-c/2026-11-21.log.gz"));
  EXPECT_EQ(bad.cluster, "cluster-c");
  EXPECT_EQ(bad.problems, 1u);
  EXPECT_EQ(bad.first_problem.rfind(t.path("fleet/cluster-c/2026-11-21.log.gz") +
                                        ": truncated gzip input (after ", 0),
            0u)
      << bad.first_problem;
  EXPECT_EQ(f->lines[0].digest.problems, 0u);
  EXPECT_EQ(f->lines[0].digest.cluster, "cluster-a");
  EXPECT_FALSE(f->lines[0].digest.findings.empty());
  // --fail-on does not hide problems (4 before 1); without the bad bundle it is 1.
  fs::remove(t.path("fleet/cluster-c/2026-11-21.log.gz"));
  r = run_kdx("batch --fail-on info " + q(t.path("fleet")));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(lines_in(r.out), 2u);
}

TEST(Batch, HelpTeaches) {
  auto h = run_kdx("batch --help");
  EXPECT_EQ(h.exit_code, 0);
  EXPECT_EQ(h.out.rfind("Usage: kdx batch [options] PATH...\n", 0), 0u);
  EXPECT_NE(h.out.find("Exit codes: 0 every bundle analysed cleanly; 1 a finding at or above "
                       "--fail-on; 2 usage or\npattern-database error"), std::string::npos);
  EXPECT_NE(h.out.find("  kdx batch /archive --shard 0/3 --out shard-0.ndjson"), std::string::npos);
  EXPECT_NE(h.out.find("--summary-json FILE"), std::string::npos);
  EXPECT_EQ(run_kdx("help merge").out, run_kdx("merge --help").out);
  EXPECT_NE(run_kdx("--help").out.find("  kdx batch [options] PATH...  "), std::string::npos);
  auto m = run_kdx("merge");
  EXPECT_EQ(m.exit_code, 2);
  EXPECT_EQ(m.err, "kdx: kdx merge needs at least one FILE (the NDJSON of kdx batch)\n");
}

TEST(Batch, NothingFoundExitsThreeNamingThePath) {
  TempDir t;
  t.mkdir("empty");
  auto r = run_kdx("batch " + q(t.path("empty")) + " " + q(t.path("nope")));
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_EQ(r.err, fmt::format("kdx: {}: no such file or directory\nkdx: no bundle found under "
                               "{}, {}\n", t.path("nope"), t.path("empty"), t.path("nope")));
  r = run_kdx("batch --shard 3/3 x");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err, "kdx: invalid --shard '3/3' (expected K/N with 0 <= K < N, like 0/3)\n");
}

TEST(Batch, SameBytesAtAnyJobCountAndOnStdout) {
  TempDir t;
  small_fleet(t);
  t.write("fleet/dir-bundle/kubelet.log", read_file(corpus("pastes/journalctl-k3s.txt")));
  auto j1 = run_kdx("batch -j1 " + q(t.path("fleet")) + " --out " + q(t.path("j1.ndjson")));
  auto j2 = run_kdx("batch -j2 " + q(t.path("fleet")) + " --out " + q(t.path("j2.ndjson")));
  auto out = run_kdx("batch -j3 " + q(t.path("fleet")));
  EXPECT_EQ(j1.exit_code, 4);
  EXPECT_EQ(j2.exit_code, 4);
  const std::string a = read_file(t.path("j1.ndjson"));
  EXPECT_EQ(lines_in(a), 4u);
  EXPECT_EQ(a, read_file(t.path("j2.ndjson")));
  EXPECT_EQ(a, out.out);
}

// kdx batch keeps its loaded rule set (and, past 32 MiB of messages, its compiled Hyperscan
// database) in the cache kdx analyze uses: a second run and kdx analyze read it back, with the
// same lines; --no-cache neither reads nor writes it.
TEST(Batch, SharesTheCacheOfKdxAnalyze) {
  TempDir t, cache, unused;
  small_fleet(t);
  const std::string fleet = q(t.path("fleet"));
  auto cold = run_kdx("batch " + fleet, "", cache.path());
  EXPECT_EQ(cold.exit_code, 4) << cold.err;
  const auto files = cache.list();
  ASSERT_EQ(files.size(), 1u);
  EXPECT_TRUE(files[0].starts_with("rules-") && files[0].ends_with(".db")) << files[0];
  auto warm = run_kdx("batch " + fleet, "", cache.path());
  EXPECT_EQ(warm.exit_code, 4);
  EXPECT_EQ(warm.out, cold.out);
  EXPECT_EQ(lines_in(warm.out), 3u);
  auto analyze = run_kdx("analyze " + q(t.path("fleet/cluster-a/2026-11-21.log.gz")), "",
                         cache.path());
  EXPECT_EQ(analyze.exit_code, 0) << analyze.err;
  EXPECT_EQ(cache.list(), files);  // the same rule set, the same file
  auto off = run_kdx("batch --no-cache " + fleet, "", unused.path());
  EXPECT_EQ(off.out, cold.out);
  EXPECT_TRUE(unused.list().empty());
}

TEST(Batch, ResumeAfterTornLineSkipsDoneBundlesByKeyAndFingerprint) {
  TempDir t;
  small_fleet(t);
  const std::string fleet = q(t.path("fleet"));
  auto full = run_kdx("batch " + fleet + " --out " + q(t.path("full.ndjson")));
  const std::string whole = read_file(t.path("full.ndjson"));
  ASSERT_EQ(lines_in(whole), 3u);
  // Interrupted mid-line: the first line and half of the second.
  const size_t first = whole.find('\n') + 1;
  t.write("part.ndjson", whole.substr(0, first + 100));
  auto r = run_kdx("batch " + fleet + " --out " + q(t.path("part.ndjson")));
  EXPECT_EQ(r.exit_code, 4);
  EXPECT_EQ(r.err, fmt::format("kdx: {}: torn last line (an interrupted run) truncated at byte "
                               "{}; its bundle is analysed again\n", t.path("part.ndjson"), first));
  EXPECT_EQ(read_file(t.path("part.ndjson")), whole);

  // Same path, size and mtime: skipped, even though the bytes changed (the line keeps the old
  // fingerprint: the bundle was not read again).
  const std::string a = t.path("fleet/cluster-a/2026-11-21.log.gz");
  std::string bytes = read_file(a);
  bytes[bytes.size() - 9] ^= 1;
  const auto mtime = fs::last_write_time(a);
  t.write("fleet/cluster-a/2026-11-21.log.gz", bytes);
  fs::last_write_time(a, mtime);
  r = run_kdx("batch " + fleet + " --out " + q(t.path("full.ndjson")));
  EXPECT_EQ(r.exit_code, 4);
  EXPECT_EQ(read_file(t.path("full.ndjson")), whole);

  // Renamed: the same content under a new path is skipped by its fingerprint.
  t.write("fleet/cluster-a/2026-11-21.log.gz", read_file(a));  // a new mtime: analysed again
  fs::rename(t.path("fleet/cluster-b/2026-11-21.log.gz"), t.path("fleet/cluster-b/renamed.log.gz"));
  r = run_kdx("batch " + fleet + " --out " + q(t.path("part.ndjson")));
  EXPECT_EQ(r.exit_code, 4);
  const std::string after = read_file(t.path("part.ndjson"));
  EXPECT_EQ(lines_in(after), 4u);  // cluster-a changed mtime: its new line; cluster-b: none
  EXPECT_EQ(after.find("renamed.log.gz"), std::string::npos);
}

// Runs `kdx batch -j1` over 20 slow bundles into `out` and sends `signal` once the first line
// is there; returns the wait status (or -1 when no line ever came).
int batch_interrupted_by(TempDir& t, const std::string& out, int signal) {
  slow_fleet(t, 20);
  const pid_t pid = spawn_kdx({"batch", "-j1", t.path("slow"), "--out", out}, t.path("err"));
  const bool started = wait_for_line(out);
  kill(pid, started ? signal : SIGKILL);
  int status = 0;
  waitpid(pid, &status, 0);
  return started ? status : -1;
}

TEST(Batch, KillNineMidRunThenRerunEqualsUninterrupted) {
  TempDir t;
  const std::string out = t.path("killed.ndjson");
  const int status = batch_interrupted_by(t, out, SIGKILL);
  ASSERT_NE(status, -1);
  ASSERT_TRUE(WIFSIGNALED(status));
  EXPECT_LT(lines_in(read_file(out)), 20u);  // it was stopped before the end
  auto resumed = run_kdx("batch -j1 " + q(t.path("slow")) + " --out " + q(out));
  EXPECT_EQ(resumed.exit_code, 0) << resumed.err;
  auto whole = run_kdx("batch -j2 " + q(t.path("slow")) + " --out " + q(t.path("whole.ndjson")));
  EXPECT_EQ(whole.exit_code, 0);
  EXPECT_EQ(lines_in(read_file(out)), 20u);
  EXPECT_EQ(read_file(out), read_file(t.path("whole.ndjson")));
}

TEST(Batch, SigtermExits143WithAValidPrefix) {
  TempDir t;
  const std::string out = t.path("term.ndjson");
  const int status = batch_interrupted_by(t, out, SIGTERM);
  ASSERT_NE(status, -1);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 143);
  auto f = batch::read_ndjson(out);
  ASSERT_TRUE(f.has_value());
  EXPECT_FALSE(f->torn);
  EXPECT_TRUE(f->bad.empty());
  EXPECT_GE(f->lines.size(), 1u);
  EXPECT_LT(f->lines.size(), 20u);
  const std::string err = read_file(t.path("err"));
  EXPECT_NE(err.find("kdx: SIGTERM: starting no more bundles, finishing those in flight"),
            std::string::npos) << err;
  EXPECT_NE(err.find(fmt::format("kdx: stopped by SIGTERM after {} of 20 bundles; rerun the same "
                                 "command to resume\n", f->lines.size())),
            std::string::npos) << err;
}

TEST(Batch, ProgressOnAPtyNotOnAPipe) {
  TempDir t;
  small_fleet(t);
  const std::string cmd = fmt::format("{}/src/kdx batch {} --out {}", binary_dir(),
                                      q(t.path("fleet")), q(t.path("p.ndjson")));
  const std::string pty = t.path("pty.txt");
  ASSERT_EQ(std::system(("script -qec \"" + cmd + "\" /dev/null > " + q(pty) + " 2>&1").c_str()) >= 0,
            true);
  const std::string shown = read_file(pty);
  EXPECT_NE(shown.find("\rkdx batch: 0/3 bundles, 0 B, 0 B/s, ETA -"), std::string::npos) << shown;
  EXPECT_NE(shown.find("\rkdx batch: 3/3 bundles, "), std::string::npos) << shown;
  auto piped = run_kdx("batch " + q(t.path("fleet")));
  EXPECT_EQ(piped.err, "");
  auto forced = run_kdx("batch --progress " + q(t.path("fleet")));
  EXPECT_NE(forced.err.find("\rkdx batch: 3/3 bundles, "), std::string::npos);
}

TEST(Merge, ShardedThenMergedEqualsUnsharded) {
  TempDir t;
  small_fleet(t);
  for (int i = 0; i < 6; ++i)
    t.write(fmt::format("fleet/more-{}/x.log.gz", i),
            gzip_bytes(read_file(corpus(i % 2 ? "pastes/patroni-log.txt" : "pastes/docker-build.txt"))));
  const std::string fleet = q(t.path("fleet"));
  auto all = run_kdx("batch " + fleet + " --out " + q(t.path("all.ndjson")) + " --summary " +
                     q(t.path("all.md")) + " --summary-json " + q(t.path("all.json")));
  EXPECT_EQ(all.exit_code, 4);
  std::string shards;
  size_t lines = 0;
  for (int k = 0; k < 3; ++k) {
    const std::string s = t.path(fmt::format("shard-{}.ndjson", k));
    auto r = run_kdx(fmt::format("batch --shard {}/3 {} --out {}", k, fleet, q(s)));
    EXPECT_TRUE(r.exit_code == 0 || r.exit_code == 4) << r.err;
    lines += lines_in(read_file(s));
    shards += " " + q(s);
  }
  EXPECT_EQ(lines, 9u);  // each bundle in exactly one shard
  auto m = run_kdx("merge" + shards + " --out " + q(t.path("m.ndjson")) + " --summary " +
                   q(t.path("m.md")) + " --summary-json " + q(t.path("m.json")));
  EXPECT_EQ(m.exit_code, 0) << m.err;
  EXPECT_EQ(read_file(t.path("m.ndjson")), read_file(t.path("all.ndjson")));
  EXPECT_EQ(read_file(t.path("m.md")), read_file(t.path("all.md")));
  EXPECT_EQ(read_file(t.path("m.json")), read_file(t.path("all.json")));
  // Merging the same shard twice drops the exact duplicates.
  auto twice = run_kdx("merge" + shards + shards);
  EXPECT_EQ(twice.out, read_file(t.path("all.ndjson")));
}

TEST(Merge, BadLineIsSkippedNamedAndExitsFour) {
  TempDir t;
  small_fleet(t);
  auto r = run_kdx("batch " + q(t.path("fleet")) + " --out " + q(t.path("a.ndjson")));
  const std::string good = read_file(t.path("a.ndjson"));
  t.write("b.ndjson", good.substr(0, good.find('\n') + 1) + "{\"kdx_batch\":1}\n" +
                          good.substr(good.find('\n') + 1));
  r = run_kdx("merge " + q(t.path("b.ndjson")));
  EXPECT_EQ(r.exit_code, 4);
  EXPECT_EQ(r.err, fmt::format("kdx: {}:2: a kdx batch line needs path, cluster, size and "
                               "fingerprint\n", t.path("b.ndjson")));
  EXPECT_EQ(r.out, good);
}

TEST(Batch, SummaryMarksNewAgainstThePreviousRun) {
  TempDir t;
  t.write("fleet/a/x.log.gz", gzip_bytes(read_file(corpus("pastes/events-table.txt"))));
  const std::string fleet = q(t.path("fleet")), js = q(t.path("fleet.json"));
  auto r = run_kdx("batch " + fleet + " --summary-json " + js + " --summary " + q(t.path("1.md")));
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(read_file(t.path("1.md")).find("No previous run to compare with"), std::string::npos);
  t.write("fleet/b/y.log.gz", gzip_bytes(read_file(corpus("pastes/docker-build.txt"))));
  // The existing --summary-json is the previous run.
  r = run_kdx("batch " + fleet + " --summary-json " + js + " --summary " + q(t.path("2.md")));
  const std::string md = read_file(t.path("2.md"));
  EXPECT_NE(md.find("| **NEW** | `docker.socket-permission-denied` |"), std::string::npos) << md;
  EXPECT_NE(md.find("|  | `storage.no-default-storageclass` |"), std::string::npos) << md;
  EXPECT_NE(read_file(t.path("fleet.json")).find("\"previous\": true"), std::string::npos);
}

}  // namespace
}  // namespace kdx::test
