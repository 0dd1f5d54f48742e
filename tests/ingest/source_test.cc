// Plain files, directories, stdin-like descriptors, unreadable paths, and the promise that
// ingest never writes anything to disk.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <thread>

#include "core/time.h"
#include "ingest/drain.h"
#include "ingest/ingest.h"
#include "ingest/sources.h"
#include "support/make_archive.h"
#include "support/temp_dir.h"

namespace kdx::ingest {
namespace {

using kdx::test::ArchiveEntry;
using kdx::test::ArchiveFormat;
using kdx::test::EntryType;
using kdx::test::TempDir;
using test::drain;
using test::open_and_drain;
using test::problem_texts;
using test::summary;
using Strings = std::vector<std::string>;

TEST(OpenInput, MissingPathIsAnErrorNamingIt) {
  FileTable files;
  Problems problems;
  auto source = open_input("/nonexistent/kdx/bundle.tar.gz", {}, files, problems);
  ASSERT_FALSE(source.has_value());
  EXPECT_EQ(source.error().where, "/nonexistent/kdx/bundle.tar.gz");
  EXPECT_EQ(source.error().message,
            "cannot read '/nonexistent/kdx/bundle.tar.gz': No such file or directory");
  EXPECT_EQ(files.size(), 0u);
}

TEST(OpenInput, PlainFileIsOneFileInMegabyteBlocks) {
  TempDir dir;
  std::string text = kdx::test::noise_text((2 << 20) + 12345, 9);
  std::string arg = dir.write("logs/pod.log", text);
  struct timespec times[2] = {{1780000000, 0}, {1780000000, 0}};
  ASSERT_EQ(utimensat(AT_FDCWD, arg.c_str(), times, 0), 0);
  auto out = open_and_drain(arg);
  EXPECT_EQ(problem_texts(out->problems), Strings{});
  ASSERT_EQ(out->read.size(), 1u);
  EXPECT_EQ(out->read[0].bytes, text);
  EXPECT_EQ(out->read[0].blocks, 3u);  // 1 MiB, 1 MiB, the rest (eof known from the size)
  const FileInfo& info = *out->read[0].info;
  EXPECT_EQ(info.input, arg);
  EXPECT_EQ(info.member, "pod.log");
  EXPECT_EQ(info.display, arg);
  EXPECT_EQ(info.mtime.unix_ns, 1780000000 * kNsPerSecond);
  EXPECT_EQ(info.year_hint, 2026);
}

TEST(OpenInput, EmptyPlainFileIsOneEmptyEofBlock) {
  TempDir dir;
  std::string arg = dir.write("empty.log", "");
  auto out = open_and_drain(arg);
  ASSERT_EQ(out->read.size(), 1u);
  EXPECT_EQ(out->read[0].blocks, 1u);
  EXPECT_EQ(out->read[0].bytes, "");
}

TEST(Directory, WalksInByteWiseOrderOfRelativePaths) {
  TempDir dir;
  dir.write("tree/b.log", "b\n");
  dir.write("tree/a/z.log", "az\n");
  dir.write("tree/a-b.log", "a-b\n");  // '-' (0x2d) sorts before '/' (0x2f)
  dir.write("tree/a/sub/x.log", "asx\n");
  dir.write("tree/A.log", "A\n");
  dir.write("tree/.hidden", "hidden\n");
  std::string root = dir.path("tree");
  auto out = open_and_drain(root + "/./");
  EXPECT_EQ(problem_texts(out->problems), Strings{});
  EXPECT_EQ(summary(out->read),
            Strings({root + "/.hidden|.hidden|hidden\n", root + "/A.log|A.log|A\n",
                     root + "/a-b.log|a-b.log|a-b\n", root + "/a/sub/x.log|a/sub/x.log|asx\n",
                     root + "/a/z.log|a/z.log|az\n", root + "/b.log|b.log|b\n"}));
}

TEST(Directory, FollowsFileLinksSkipsDirLinksAndSpecialFiles) {
  TempDir dir;
  dir.write("tree/real/app.log", "app\n");
  std::string root = dir.path("tree");
  ASSERT_EQ(symlink("real/app.log", dir.path("tree/link.log").c_str()), 0);
  ASSERT_EQ(symlink("..", dir.path("tree/real/loop").c_str()), 0);
  ASSERT_EQ(symlink("missing", dir.path("tree/dangling").c_str()), 0);
  ASSERT_EQ(mkfifo(dir.path("tree/fifo").c_str(), 0644), 0);
  auto out = open_and_drain(root);
  EXPECT_EQ(problem_texts(out->problems), Strings{});
  EXPECT_EQ(summary(out->read), Strings({root + "/link.log|link.log|app\n",
                                         root + "/real/app.log|real/app.log|app\n"}));
}

TEST(Directory, CompressedFilesInsideAreDecompressed) {
  TempDir dir;
  std::string root = dir.mkdir("mg");
  dir.write("mg/logs/current.log", "now\n");
  dir.write("mg/logs/rotated/1.log.20231102-061208.gz",
            kdx::test::gzip_bytes("then\n", "1.log.20231102-061208", 1698905528));
  kdx::test::write_archive(dir, "mg/extra.tar.zst", ArchiveFormat::tar_zst,
                           {{"inner/a.log", "inner a\n"}});
  auto out = open_and_drain(root);
  EXPECT_EQ(problem_texts(out->problems), Strings{});
  EXPECT_EQ(summary(out->read),
            Strings({root + "/extra.tar.zst:inner/a.log|extra/inner/a.log|inner a\n",
                     root + "/logs/current.log|logs/current.log|now\n",
                     root + "/logs/rotated/1.log.20231102-061208.gz|"
                            "logs/rotated/1.log.20231102-061208|then\n"}));
}

TEST(Directory, LayoutReadsTheDirectoryArgumentItself) {
  TempDir dir;
  std::string pods = dir.mkdir("node/var/log/pods");
  dir.write("node/var/log/pods/db_postgres-0_0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0/postgres/0.log",
            "2026-06-04T10:00:00.000000000Z stderr F FATAL: boom\n");
  auto out = open_and_drain(pods);
  ASSERT_EQ(out->read.size(), 1u);
  const ResourceKey& r = out->read[0].info->resource;
  EXPECT_EQ(r.ns, "db");
  EXPECT_EQ(r.pod, "postgres-0");
  EXPECT_EQ(r.container, "postgres");
}

TEST(Directory, EmptyDirectoryGivesNothing) {
  TempDir dir;
  auto out = open_and_drain(dir.mkdir("nothing"));
  EXPECT_EQ(out->error, "");
  EXPECT_TRUE(out->read.empty());
  EXPECT_EQ(problem_texts(out->problems), Strings{});
}

TEST(Directory, SizeLimitSpansAllFilesOfTheInput) {
  TempDir dir;
  std::string root = dir.mkdir("d");
  dir.write("d/1.log", std::string(600, 'x'));
  dir.write("d/2.log", std::string(600, 'y'));
  dir.write("d/3.log", "never\n");
  Limits limits;
  limits.max_total_bytes = 1000;
  auto out = open_and_drain(root, limits);
  EXPECT_EQ(summary(out->read), Strings({root + "/1.log|1.log|" + std::string(600, 'x'),
                                         root + "/2.log|2.log|" + std::string(400, 'y')}));
  EXPECT_EQ(problem_texts(out->problems),
            Strings({root + ": decompressed size exceeds the limit of 1000 bytes "
                            "(--max-bytes)"}));
}

// The unreadable cases: run as an unprivileged user (root reads everything), in a child
// process when the tests themselves run as root.
std::string unreadable_scenario(const std::string& root) {
  FileTable files;
  Problems problems;
  auto source = open_input(root, {}, files, problems);
  if (!source) return "open failed: " + source.error().message;
  std::string out;
  for (const auto& f : summary(drain(**source))) out += f + "\n";
  for (const auto& p : problem_texts(problems)) out += p + "\n";
  return out;
}

TEST(Directory, UnreadableFilesAndDirectoriesAreProblemsAndTheRestIsRead) {
  TempDir dir;
  std::string root = dir.mkdir("d");
  dir.write("d/a.log", "a");
  dir.write("d/locked.log", "secret");
  dir.write("d/sealed/inner.log", "inner");
  dir.write("d/z.log", "z");
  ASSERT_EQ(chmod(dir.path().c_str(), 0755), 0);  // mkdtemp made it 0700
  ASSERT_EQ(chmod(root.c_str(), 0755), 0);
  ASSERT_EQ(chmod(dir.path("d/locked.log").c_str(), 0), 0);
  ASSERT_EQ(chmod(dir.path("d/sealed").c_str(), 0), 0);
  std::string expected = root + "/a.log|a.log|a\n" + root + "/z.log|z.log|z\n" + root +
                         "/sealed: cannot read: Permission denied\n" + root +
                         "/locked.log: cannot read: Permission denied\n";
  if (geteuid() != 0) {
    EXPECT_EQ(unreadable_scenario(root), expected);
    return;
  }
  EXPECT_EXIT(
      {
        constexpr uid_t kNobody = 65534;
        if (setgid(kNobody) != 0 || setuid(kNobody) != 0) _exit(2);
        std::string got = unreadable_scenario(root);
        if (got != expected) {
          fprintf(stderr, "got:\n%s", got.c_str());
          _exit(1);
        }
        _exit(0);
      },
      ::testing::ExitedWithCode(0), "");
}

TEST(Stdin, PipeIsSniffedThenStreamedThroughTheCallbacks) {
  // Bigger than a pipe buffer: the writer blocks until the reader is well past the sniff.
  std::string log = kdx::test::noise_text(700000, 11);
  std::string tgz = kdx::test::make_archive(ArchiveFormat::tar_gz,
                                            {{"./ns/pod.log", log}, {"./ns/events.txt", "ev\n"}});
  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  std::thread writer([&] {
    size_t off = 0;
    while (off < tgz.size()) {
      ssize_t n = write(fds[1], tgz.data() + off, tgz.size() - off);
      if (n <= 0) break;
      off += static_cast<size_t>(n);
    }
    close(fds[1]);
  });
  FileTable files;
  Problems problems;
  auto source = open_fd(fds[0], true, "-", {}, files, problems);
  auto read = drain(*source);
  writer.join();
  EXPECT_EQ(problem_texts(problems), Strings{});
  EXPECT_EQ(summary(read),
            Strings({"-:ns/pod.log|ns/pod.log|" + log, "-:ns/events.txt|ns/events.txt|ev\n"}));
  ASSERT_EQ(read.size(), 2u);
  EXPECT_EQ(read[0].info->input, "-");
  EXPECT_EQ(read[0].info->year_hint, 2026);  // from the member's mtime
}

std::vector<test::DrainedFile> read_pipe(const std::string& bytes, FileTable& files,
                                         Problems& problems) {
  int fds[2];
  EXPECT_EQ(pipe(fds), 0);
  EXPECT_EQ(write(fds[1], bytes.data(), bytes.size()), static_cast<ssize_t>(bytes.size()));
  close(fds[1]);
  auto source = open_fd(fds[0], true, "-", {}, files, problems);
  return drain(*source);
}

TEST(Stdin, PlainTextIsOneFileWithoutYearOrMember) {
  FileTable files;
  Problems problems;
  auto read = read_pipe("LAST SEEN   TYPE      REASON\n", files, problems);
  EXPECT_EQ(summary(read), Strings({"-||LAST SEEN   TYPE      REASON\n"}));
  ASSERT_EQ(read.size(), 1u);
  EXPECT_EQ(read[0].info->year_hint, 0);
  EXPECT_FALSE(read[0].info->mtime.known());
  EXPECT_EQ(problem_texts(problems), Strings{});
}

TEST(Stdin, GzipOnStdinUsesTheNameInItsHeader) {
  FileTable files;
  Problems problems;
  auto read = read_pipe(kdx::test::gzip_bytes("hi\n", "kubelet.log", 1780000000), files, problems);
  EXPECT_EQ(summary(read), Strings({"-|kubelet.log|hi\n"}));
  ASSERT_EQ(read.size(), 1u);
  EXPECT_EQ(read[0].info->year_hint, 2026);
}

TEST(Stdin, EmptyPipeIsOneEmptyFile) {
  FileTable files;
  Problems problems;
  auto read = read_pipe("", files, problems);
  ASSERT_EQ(read.size(), 1u);
  EXPECT_EQ(read[0].blocks, 1u);
  EXPECT_EQ(read[0].bytes, "");
}

TEST(NoWrites, ReadingHostileArchivesCreatesNothingOnDisk) {
  TempDir sandbox;
  std::string work = sandbox.mkdir("work");
  std::string tmp = sandbox.mkdir("tmp");
  std::string abs_target = sandbox.path("abs-escape.log");
  std::string arg =
      kdx::test::write_archive(sandbox, "hostile.tar.gz", ArchiveFormat::tar_gz,
                               {{"../escape.log", "dotdot\n"},
                                {abs_target, "absolute\n"},
                                {"link", "/etc/passwd", EntryType::symlink},
                                {"dir/", "", EntryType::dir},
                                {"dir/nested.gz", kdx::test::gzip_bytes("nested\n", "nested")}});
  std::vector<std::string> before = sandbox.list();
  char old_cwd[4096];
  ASSERT_NE(getcwd(old_cwd, sizeof old_cwd), nullptr);
  const char* old_tmp = getenv("TMPDIR");
  std::string saved_tmp = old_tmp ? old_tmp : "";
  ASSERT_EQ(chdir(work.c_str()), 0);
  setenv("TMPDIR", tmp.c_str(), 1);
  auto out = open_and_drain(arg);
  ASSERT_EQ(chdir(old_cwd), 0);
  if (old_tmp)
    setenv("TMPDIR", saved_tmp.c_str(), 1);
  else
    unsetenv("TMPDIR");
  EXPECT_EQ(out->read.size(), 3u);
  EXPECT_EQ(sandbox.list(), before);
}

}  // namespace
}  // namespace kdx::ingest
