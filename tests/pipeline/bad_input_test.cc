// Bad input end to end (DESIGN §6): every problem names the file and the place, the rest of
// the input is still analysed, nothing crashes.
#include <gtest/gtest.h>

#include "cli/commands.h"
#include "pipeline/pipeline.h"
#include "support/make_archive.h"
#include "support/temp_dir.h"

namespace kdx::pipeline {
namespace {

using test::ArchiveEntry;
using test::ArchiveFormat;

const char* kOwnership =
    "2025-11-20 09:22:21.647 UTC [1] FATAL:  data directory \"/var/lib/postgresql/data\" has "
    "wrong ownership\n";

class BadInput : public ::testing::Test {
 protected:
  void SetUp() override {
    auto rules = cli::load_database({});
    ASSERT_TRUE(rules) << rules.error().message;
    rules_ = std::make_unique<rules::RuleSet>(std::move(*rules));
    auto m = match::Matcher::compile(*rules_);
    ASSERT_TRUE(m);
    matcher_ = std::make_unique<match::Matcher>(std::move(*m));
  }
  analyze::Analysis run(const std::vector<std::string>& inputs) {
    RunOptions opts;
    opts.jobs = 2;
    return analyze_inputs(inputs, *matcher_, opts);
  }
  static bool has_finding(const analyze::Analysis& a, const std::string& id) {
    for (const auto& f : a.findings)
      if (f.id == id) return true;
    return false;
  }

  test::TempDir dir_;
  std::unique_ptr<rules::RuleSet> rules_;
  std::unique_ptr<match::Matcher> matcher_;
};

TEST_F(BadInput, TruncatedGzipKeepsWhatCameBeforeTheDamage) {
  std::string big = test::noise_text(300 << 10, 7);
  std::string tgz = test::make_archive(
      ArchiveFormat::tar_gz,
      {{"bundle/pods/logs/db/postgres-0/postgres.log", kOwnership}, {"bundle/big.log", big}});
  tgz.resize(tgz.size() * 2 / 3);
  const std::string path = dir_.write("cut.tar.gz", tgz);
  auto a = run({path});
  EXPECT_TRUE(has_finding(a, "volume.wrong-ownership"));
  ASSERT_EQ(a.problems.size(), 1u);
  EXPECT_EQ(a.problems[0].where, path);
  // The byte count depends on where the deflate blocks end; the words do not.
  const std::string& m = a.problems[0].message;
  EXPECT_EQ(m.rfind("truncated gzip input (after ", 0), 0u) << m;
  EXPECT_TRUE(m.ends_with(" bytes)")) << m;
}

TEST_F(BadInput, InvalidJsonBinaryJunkAndEmptyFilesAreReportedAndTheRestAnalysed) {
  dir_.write("b/events.json", "{\"kind\": \"EventList\", \"items\": [\n  {\"reason\": \n");
  dir_.write("b/junk.bin", std::string("\x7f" "ELF\x02\x01\x01\0\0\0\0\0\0\0\0\0", 16) + std::string(200, '\0'));
  dir_.write("b/empty.log", "");
  dir_.write("b/pods/logs/db/postgres-0/postgres.log", kOwnership);
  auto a = run({dir_.path("b")});
  EXPECT_TRUE(has_finding(a, "volume.wrong-ownership"));
  ASSERT_EQ(a.problems.size(), 2u);
  EXPECT_EQ(a.problems[0].where, dir_.path("b") + "/events.json:2");
  EXPECT_EQ(a.problems[0].message, "invalid JSON: JSON document ended early in the middle of an object or array.");
  EXPECT_EQ(a.problems[1].where, dir_.path("b") + "/junk.bin");
  EXPECT_EQ(a.problems[1].message, "binary content, skipped");
  EXPECT_EQ(a.stats.files, 4u);
}

TEST_F(BadInput, UnsafeAndSpecialArchiveMembersAreSkippedNothingWritten) {
  const std::string tar = test::write_archive(
      dir_, "evil.tar", ArchiveFormat::tar,
      {{"../../etc/evil.log", kOwnership},
       {"link", "/etc/passwd", test::EntryType::symlink},
       {"fifo", "", test::EntryType::fifo}});
  const auto before = dir_.list();
  auto a = run({tar});
  EXPECT_EQ(dir_.list(), before);
  EXPECT_TRUE(has_finding(a, "volume.wrong-ownership"));
  std::vector<std::string> messages;
  for (const auto& p : a.problems) messages.push_back(p.where + ": " + p.message);
  EXPECT_EQ(messages, (std::vector<std::string>{
                          tar + ":../../etc/evil.log: unsafe path normalised",
                          tar + ":fifo: skipped fifo entry",
                          tar + ":link: skipped symlink entry"}));
}

TEST_F(BadInput, OneUnreadableInputDoesNotStopTheOthers) {
  const std::string ok = dir_.write("ok.log", kOwnership);
  OpenSummary summary;
  RunOptions opts;
  auto a = analyze_inputs({dir_.path("missing.tgz"), ok}, *matcher_, opts, &summary);
  EXPECT_EQ(summary.opened, 1u);
  ASSERT_EQ(summary.unreadable.size(), 1u);
  EXPECT_EQ(summary.unreadable[0].message,
            "cannot read '" + dir_.path("missing.tgz") + "': No such file or directory");
  EXPECT_TRUE(has_finding(a, "volume.wrong-ownership"));
}

}  // namespace
}  // namespace kdx::pipeline
