// Archives and compressed files: every container kdx reads, member naming, nested members,
// skipped entries, unsafe paths, damage and the decompression limits.
#include <gtest/gtest.h>

#include "core/time.h"
#include "ingest/drain.h"
#include "ingest/ingest.h"
#include "support/make_archive.h"
#include "support/temp_dir.h"

namespace kdx::ingest {
namespace {

using kdx::test::ArchiveEntry;
using kdx::test::ArchiveFormat;
using kdx::test::EntryType;
using kdx::test::TempDir;
using test::open_and_drain;
using test::problem_texts;
using test::summary;
using Strings = std::vector<std::string>;

constexpr int64_t kMtime = 1780000000;  // 2026-05-28T20:26:40Z

std::vector<ArchiveEntry> small_bundle() {
  return {
      {"./bundle/", "", EntryType::dir},
      {"./bundle/cluster-resources/pods/logs/db/postgres-0/postgres.log",
       "2026-06-04 10:00:00 FATAL: data directory has wrong ownership\n"},
      {"./bundle/notes.txt", "second file\n", EntryType::file, kMtime + 60},
  };
}

struct FormatCase {
  ArchiveFormat format;
  const char* name;
};

class EveryArchiveFormat : public ::testing::TestWithParam<FormatCase> {};

TEST_P(EveryArchiveFormat, DeliversRegularMembersWithNamesTimesAndLayout) {
  TempDir dir;
  std::string arg =
      kdx::test::write_archive(dir, GetParam().name, GetParam().format, small_bundle());
  auto out = open_and_drain(arg);
  ASSERT_EQ(out->error, "");
  EXPECT_EQ(problem_texts(out->problems), Strings{});
  std::string log = "bundle/cluster-resources/pods/logs/db/postgres-0/postgres.log";
  EXPECT_EQ(summary(out->read),
            Strings({arg + ":" + log + "|" + log +
                         "|2026-06-04 10:00:00 FATAL: data directory has wrong ownership\n",
                     arg + ":bundle/notes.txt|bundle/notes.txt|second file\n"}));
  ASSERT_EQ(out->read.size(), 2u);
  const FileInfo& first = *out->read[0].info;
  EXPECT_EQ(first.input, arg);
  EXPECT_EQ(first.mtime.unix_ns, kMtime * kNsPerSecond);
  EXPECT_EQ(first.year_hint, 2026);
  EXPECT_EQ(first.resource.ns, "db");
  EXPECT_EQ(first.resource.pod, "postgres-0");
  EXPECT_EQ(first.resource.container, "postgres");
  EXPECT_EQ(out->read[1].info->mtime.unix_ns, (kMtime + 60) * kNsPerSecond);
  EXPECT_EQ(out->files.size(), 2u);
}

INSTANTIATE_TEST_SUITE_P(Formats, EveryArchiveFormat,
                         ::testing::Values(FormatCase{ArchiveFormat::tar, "b.tar"},
                                           FormatCase{ArchiveFormat::tar_gz, "b.tar.gz"},
                                           FormatCase{ArchiveFormat::tar_zst, "b.tar.zst"},
                                           FormatCase{ArchiveFormat::tar_xz, "b.tar.xz"},
                                           FormatCase{ArchiveFormat::zip, "b.zip"}),
                         [](const auto& info) {
                           std::string name = info.param.name;
                           for (char& c : name)
                             if (c == '.') c = '_';
                           return name;
                         });

TEST(SingleCompressedFile, GzipTakesItsOriginalNameAndMtimeFromTheHeader) {
  TempDir dir;
  std::string arg = kdx::test::write_archive(dir, "upload.gz", ArchiveFormat::gz,
                                             {{"kubelet.log", "I0604 kubelet started\n"}});
  auto out = open_and_drain(arg);
  EXPECT_EQ(problem_texts(out->problems), Strings{});
  EXPECT_EQ(summary(out->read), Strings({arg + "|kubelet.log|I0604 kubelet started\n"}));
  ASSERT_EQ(out->read.size(), 1u);
  EXPECT_EQ(out->read[0].info->mtime.unix_ns, kMtime * kNsPerSecond);
  EXPECT_EQ(out->read[0].info->year_hint, 2026);
}

TEST(SingleCompressedFile, NamelessGzipAndZstdDropTheSuffixOfTheInputName) {
  TempDir dir;
  std::string gz = dir.write("app.log.gz", kdx::test::gzip_bytes("from gzip\n"));
  std::string zst = dir.write("app.log.zst", kdx::test::zstd_bytes("from zstd\n"));
  auto a = open_and_drain(gz);
  auto b = open_and_drain(zst);
  EXPECT_EQ(summary(a->read), Strings({gz + "|app.log|from gzip\n"}));
  EXPECT_EQ(summary(b->read), Strings({zst + "|app.log|from zstd\n"}));
  EXPECT_EQ(problem_texts(a->problems), Strings{});
  EXPECT_EQ(problem_texts(b->problems), Strings{});
}

TEST(SingleCompressedFile, LayoutReadsTheDirectoryOfTheArgument) {
  TempDir dir;
  std::string arg = dir.write(
      "var/log/pods/kube-system_coredns-5d78c9869d-x7k2p_8c0e1a52-3f4b-4d5c-9e6f-0a1b2c3d4e5f/"
      "coredns/0.log.20260604-101500.gz",
      kdx::test::gzip_bytes("[ERROR] plugin/errors: 2 example.org. A: i/o timeout\n"));
  auto out = open_and_drain(arg);
  ASSERT_EQ(out->read.size(), 1u);
  const FileInfo& info = *out->read[0].info;
  EXPECT_EQ(info.member, "0.log.20260604-101500");
  EXPECT_EQ(info.display, arg);
  EXPECT_EQ(info.resource.ns, "kube-system");
  EXPECT_EQ(info.resource.pod, "coredns-5d78c9869d-x7k2p");
  EXPECT_EQ(info.resource.container, "coredns");
}

TEST(SingleCompressedFile, EmptyGzipIsOneEmptyFile) {
  TempDir dir;
  std::string arg = dir.write("empty.log.gz", kdx::test::gzip_bytes(""));
  auto out = open_and_drain(arg);
  EXPECT_EQ(problem_texts(out->problems), Strings{});
  ASSERT_EQ(out->read.size(), 1u);
  EXPECT_EQ(out->read[0].info->member, "empty.log");
  EXPECT_EQ(out->read[0].blocks, 1u);
  EXPECT_EQ(out->read[0].bytes, "");
}

TEST(NestedMembers, RotatedGzipLogInsideATarIsDecompressed) {
  TempDir dir;
  std::string rotated =
      "2023-11-02T06:12:07.604163885+00:00 stderr F I1102 06:12:07.604158 rotated line\n";
  std::string prefix =
      "mg/namespaces/test-namespace/pods/test-pod/test-container/test-container/logs/";
  std::string arg = kdx::test::write_archive(
      dir, "mg.tar", ArchiveFormat::tar,
      {{prefix + "current.log", "current line\n"},
       {prefix + "rotated/1.log.20231102-061208.gz",
        kdx::test::gzip_bytes(rotated, "1.log.20231102-061208", kMtime - 3600)}});
  auto out = open_and_drain(arg);
  EXPECT_EQ(problem_texts(out->problems), Strings{});
  EXPECT_EQ(summary(out->read),
            Strings({arg + ":" + prefix + "current.log|" + prefix + "current.log|current line\n",
                     arg + ":" + prefix + "rotated/1.log.20231102-061208|" + prefix +
                         "rotated/1.log.20231102-061208|" + rotated}));
  ASSERT_EQ(out->read.size(), 2u);
  const FileInfo& info = *out->read[1].info;
  // The gzip header's MTIME (the log's own last write) wins over the tar member's.
  EXPECT_EQ(info.mtime.unix_ns, (kMtime - 3600) * kNsPerSecond);
  EXPECT_EQ(info.resource.ns, "test-namespace");
  EXPECT_EQ(info.resource.pod, "test-pod");
  EXPECT_EQ(info.resource.container, "test-container");
}

TEST(NestedMembers, SosreportTarXzInsideABundleKeepsItsPathsAndNode) {
  TempDir dir;
  std::string sos = kdx::test::make_archive(
      ArchiveFormat::tar_xz,
      {{"sosreport-worker-1-2026-06-04-abcdefg/var/log/messages",
        "Jun  4 10:00:00 worker-1 kernel: Out of memory: Killed process 4242 (java)\n"},
       {"sosreport-worker-1-2026-06-04-abcdefg/sos_commands/logs/"
        "journalctl_--no-pager_--unit_k3s",
        "Jun  4 10:00:01 worker-1 k3s[812]: level=info msg=\"Starting k3s\"\n"}});
  std::string arg = kdx::test::write_archive(
      dir, "bundle.tar.gz", ArchiveFormat::tar_gz,
      {{"bundle/hosts/sosreport-worker-1-2026-06-04-abcdefg.tar.xz", sos}});
  auto out = open_and_drain(arg);
  EXPECT_EQ(problem_texts(out->problems), Strings{});
  ASSERT_EQ(out->read.size(), 2u);
  std::string base =
      "bundle/hosts/sosreport-worker-1-2026-06-04-abcdefg/"
      "sosreport-worker-1-2026-06-04-abcdefg/";
  EXPECT_EQ(out->read[0].info->member, base + "var/log/messages");
  EXPECT_EQ(out->read[0].info->display, arg + ":" + base + "var/log/messages");
  EXPECT_EQ(out->read[0].info->resource.node, "worker-1");
  EXPECT_EQ(out->read[0].info->format_hint, "syslog");
  EXPECT_EQ(out->read[1].info->resource.unit, "k3s");
  EXPECT_EQ(out->read[1].bytes,
            "Jun  4 10:00:01 worker-1 k3s[812]: level=info msg=\"Starting k3s\"\n");
}

TEST(NestedMembers, CorruptNestedGzipIsReportedAndTheOuterArchiveGoesOn) {
  TempDir dir;
  // Damage past the first 64 KiB of output: libarchive's gzip filter hands out whole 64 KiB
  // blocks, so a block cut short by the damage is lost with it.
  std::string text = kdx::test::noise_text(400000, 7);
  std::string gz = kdx::test::gzip_bytes(text);
  gz.resize(gz.size() / 2);
  std::string arg =
      kdx::test::write_archive(dir, "b.tar", ArchiveFormat::tar,
                               {{"logs/broken.log.gz", gz}, {"logs/fine.log", "still read\n"}});
  auto out = open_and_drain(arg);
  ASSERT_EQ(out->read.size(), 2u);
  EXPECT_EQ(out->read[0].info->member, "logs/broken.log");
  EXPECT_GE(out->read[0].bytes.size(), 65536u);
  EXPECT_EQ(out->read[0].bytes, text.substr(0, out->read[0].bytes.size()));
  EXPECT_EQ(summary(out->read)[1], arg + ":logs/fine.log|logs/fine.log|still read\n");
  EXPECT_EQ(problem_texts(out->problems),
            Strings({arg + ":logs/broken.log.gz: truncated gzip input (after " +
                     std::to_string(out->read[0].bytes.size()) + " bytes)"}));
}

TEST(Entries, LinksDevicesAndFifosAreSkippedWithAProblem) {
  TempDir dir;
  std::string arg = kdx::test::write_archive(dir, "b.tar.gz", ArchiveFormat::tar_gz,
                                             {{"b/app.log", "app\n"},
                                              {"b/link.log", "app.log", EntryType::symlink},
                                              {"b/hard.log", "b/app.log", EntryType::hardlink},
                                              {"b/pipe", "", EntryType::fifo},
                                              {"b/null", "", EntryType::char_device},
                                              {"b/after.log", "after\n"}});
  auto out = open_and_drain(arg);
  EXPECT_EQ(summary(out->read), Strings({arg + ":b/app.log|b/app.log|app\n",
                                         arg + ":b/after.log|b/after.log|after\n"}));
  EXPECT_EQ(
      problem_texts(out->problems),
      Strings({arg + ":b/link.log: skipped symlink entry",
               arg + ":b/hard.log: skipped hardlink entry", arg + ":b/pipe: skipped fifo entry",
               arg + ":b/null: skipped character device entry"}));
}

TEST(Entries, AbsoluteAndDotDotPathsAreNormalisedAndReported) {
  TempDir dir;
  std::string arg = kdx::test::write_archive(dir, "evil.tar", ArchiveFormat::tar,
                                             {{"../../etc/cron.d/evil", "one\n"},
                                              {"/var/log/abs.log", "two\n"},
                                              {"logs/../../x.log", "three\n"},
                                              {"./fine/./y.log", "four\n"}});
  auto out = open_and_drain(arg);
  EXPECT_EQ(summary(out->read), Strings({arg + ":etc/cron.d/evil|etc/cron.d/evil|one\n",
                                         arg + ":var/log/abs.log|var/log/abs.log|two\n",
                                         arg + ":logs/x.log|logs/x.log|three\n",
                                         arg + ":fine/y.log|fine/y.log|four\n"}));
  EXPECT_EQ(problem_texts(out->problems),
            Strings({arg + ":../../etc/cron.d/evil: unsafe path normalised",
                     arg + ":/var/log/abs.log: unsafe path normalised",
                     arg + ":logs/../../x.log: unsafe path normalised"}));
}

TEST(Entries, ZeroByteMemberIsOneEmptyEofBlock) {
  TempDir dir;
  std::string arg = kdx::test::write_archive(dir, "b.tar.zst", ArchiveFormat::tar_zst,
                                             {{"empty.log", ""}, {"after.log", "x\n"}});
  auto out = open_and_drain(arg);
  ASSERT_EQ(out->read.size(), 2u);
  EXPECT_EQ(out->read[0].info->member, "empty.log");
  EXPECT_EQ(out->read[0].blocks, 1u);
  EXPECT_EQ(out->read[0].bytes, "");
  EXPECT_EQ(out->read[1].bytes, "x\n");
  EXPECT_EQ(problem_texts(out->problems), Strings{});
}

TEST(Damage, TruncatedTarGzKeepsEverythingBeforeTheDamage) {
  TempDir dir;
  std::string a = kdx::test::noise_text(300000, 1);
  std::string b = kdx::test::noise_text(300000, 2);
  std::string bytes = kdx::test::make_archive(
      ArchiveFormat::tar_gz, {{"a.log", a}, {"b.log", b}, {"c.log", "never seen\n"}});
  // Noise barely compresses, so 70% of the stream ends well inside b.log.
  std::string arg = dir.write("cut.tar.gz", bytes.substr(0, bytes.size() * 7 / 10));
  auto out = open_and_drain(arg);
  ASSERT_EQ(out->read.size(), 2u);
  EXPECT_EQ(out->read[0].bytes, a);
  const std::string& partial = out->read[1].bytes;
  EXPECT_GT(partial.size(), 0u);
  EXPECT_LT(partial.size(), b.size());
  EXPECT_EQ(partial, b.substr(0, partial.size()));
  EXPECT_EQ(problem_texts(out->problems),
            Strings({arg + ": truncated gzip input (after " +
                     std::to_string(a.size() + partial.size()) + " bytes)"}));
}

TEST(Damage, TruncatedSingleZstdKeepsItsStart) {
  TempDir dir;
  std::string text = kdx::test::noise_text(400000, 3);
  std::string zst = kdx::test::zstd_bytes(text);
  std::string arg = dir.write("big.log.zst", zst.substr(0, zst.size() / 2));
  auto out = open_and_drain(arg);
  ASSERT_EQ(out->read.size(), 1u);
  const std::string& got = out->read[0].bytes;
  EXPECT_GT(got.size(), 0u);
  EXPECT_EQ(got, text.substr(0, got.size()));
  EXPECT_EQ(problem_texts(out->problems), Strings({arg + ": Truncated zstd input (after " +
                                                   std::to_string(got.size()) + " bytes)"}));
}

TEST(Damage, CorruptTarHeaderStopsAfterTheMembersBeforeIt) {
  TempDir dir;
  std::string tar = kdx::test::make_archive(
      ArchiveFormat::tar, {{"a.log", "first\n"}, {"b.log", "second\n"}, {"c.log", "third\n"}});
  size_t header = tar.find("b.log");
  ASSERT_NE(header, std::string::npos);
  tar[header + 148] = 'X';  // the header checksum no longer adds up
  std::string arg = dir.write("bad.tar", tar);
  auto out = open_and_drain(arg);
  EXPECT_EQ(summary(out->read), Strings({arg + ":a.log|a.log|first\n"}));
  EXPECT_EQ(problem_texts(out->problems), Strings({arg + ": Damaged tar archive (after 6 bytes)"}));
}

TEST(Limits, SizeLimitCutsTheInputAndSaysSo) {
  TempDir dir;
  std::string arg = kdx::test::write_archive(dir, "b.tar.gz", ArchiveFormat::tar_gz,
                                             {{"1.log", std::string(1000, 'a')},
                                              {"2.log", std::string(1000, 'b')},
                                              {"3.log", std::string(1000, 'c')},
                                              {"4.log", "never\n"}});
  Limits limits;
  limits.max_total_bytes = 2500;
  auto out = open_and_drain(arg, limits);
  EXPECT_EQ(summary(out->read), Strings({arg + ":1.log|1.log|" + std::string(1000, 'a'),
                                         arg + ":2.log|2.log|" + std::string(1000, 'b'),
                                         arg + ":3.log|3.log|" + std::string(500, 'c')}));
  EXPECT_EQ(problem_texts(out->problems),
            Strings({arg + ": decompressed size exceeds the limit of 2500 bytes "
                           "(--max-bytes)"}));
}

TEST(Limits, RatioLimitStopsADecompressionBomb) {
  TempDir dir;
  std::string arg = dir.write("bomb.log.gz", kdx::test::gzip_bytes(std::string(8 << 20, 'z')));
  Limits limits;
  limits.max_ratio = 50;
  auto out = open_and_drain(arg, limits);
  ASSERT_EQ(out->read.size(), 1u);
  // Blocks go out until 1 MiB (the grace) is reached; the block crossing it is refused.
  EXPECT_LT(out->read[0].bytes.size(), limits.ratio_grace_bytes);
  EXPECT_GT(out->read[0].bytes.size(), 0u);
  EXPECT_EQ(problem_texts(out->problems),
            Strings({arg + ": compression ratio exceeds 50:1 (possible decompression "
                           "bomb)"}));
}

TEST(Limits, RatioIsNotJudgedWithinTheGrace) {
  TempDir dir;
  std::string arg = dir.write("ok.log.gz", kdx::test::gzip_bytes(std::string(3 << 20, 'z')));
  Limits limits;
  limits.max_ratio = 50;
  limits.ratio_grace_bytes = 4 << 20;
  auto out = open_and_drain(arg, limits);
  ASSERT_EQ(out->read.size(), 1u);
  EXPECT_EQ(out->read[0].bytes.size(), 3u << 20);
  EXPECT_EQ(problem_texts(out->problems), Strings{});
}

}  // namespace
}  // namespace kdx::ingest
