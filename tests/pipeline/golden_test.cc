// Golden end-to-end tests: each corpus case analysed in-process and rendered as JSON and text,
// compared with tests/golden/<case>.{json,txt}. KDX_UPDATE_GOLDEN=1 rewrites the files (review
// the diff). The same case must also give byte-identical output at 1 and 2 threads and with
// 4 KiB chunks, and its top findings must be the ones corpus/README.md promises.
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "cli/commands.h"
#include "pipeline/pipeline.h"
#include "report/report.h"
#include "support/paths.h"
#include "support/temp_dir.h"

namespace kdx::pipeline {
namespace {

struct Case {
  std::string name;                    // golden file stem
  std::vector<std::string> inputs;     // relative to the repository root
  std::vector<std::string> top_ids;    // the first findings, in rank order
};

void PrintTo(const Case& c, std::ostream* os) { *os << c.name; }

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

class Golden : public ::testing::TestWithParam<Case> {
 protected:
  // The corpus is read from a copy whose files all carry one fixed modification time: year-less
  // timestamps (syslog, klog) take their year from it, so the reports do not depend on when
  // the repository was checked out.
  static void copy_corpus() {
    namespace fs = std::filesystem;
    corpus_copy_ = new test::TempDir();
    const fs::path dst = fs::path(corpus_copy_->path()) / "corpus";
    fs::copy(fs::path(test::source_dir()) / "corpus", dst, fs::copy_options::recursive);
    const auto fixed = fs::file_time_type::clock::from_sys(
        std::chrono::sys_seconds{std::chrono::sys_days{std::chrono::year{2025} / 12 / 1}});
    for (const auto& e : fs::recursive_directory_iterator(dst))
      if (e.is_regular_file()) fs::last_write_time(e.path(), fixed);
  }

  static void TearDownTestSuite() {
    EXPECT_EQ(chdir(test::source_dir().c_str()), 0);
    delete corpus_copy_;
    corpus_copy_ = nullptr;
  }

  static void SetUpTestSuite() {
    copy_corpus();
    auto rules = cli::load_database({});
    ASSERT_TRUE(rules) << rules.error().message;
    rules_ = new rules::RuleSet(std::move(*rules));
    auto m = compile_matcher(*rules_);  // as kdx analyze: with the miner's markers
    ASSERT_TRUE(m) << m.error().message;
    matcher_ = new match::Matcher(std::move(*m));
    auto plain = match::Matcher::compile(*rules_);  // every record read whole and mined
    ASSERT_TRUE(plain) << plain.error().message;
    plain_ = new match::Matcher(std::move(*plain));
    if (match::hyperscan_available()) {  // Hyperscan from the first chunk: the sparse split
      auto hs = compile_matcher(*rules_, match::Engine::hyperscan);
      ASSERT_TRUE(hs) << hs.error().message;
      hyperscan_ = new match::Matcher(std::move(*hs));
    }
  }

  // Inputs named "build:<path>" live in the build tree; run from there so the reported paths
  // are the same in every build directory.
  static std::vector<std::string> enter(const std::vector<std::string>& inputs) {
    std::vector<std::string> out;
    bool in_build = false;
    for (const auto& i : inputs) {
      in_build |= i.starts_with("build:");
      out.push_back(i.starts_with("build:") ? i.substr(6) : i);
    }
    EXPECT_EQ(chdir((in_build ? test::binary_dir() : corpus_copy_->path()).c_str()), 0);
    return out;
  }

  analyze::Analysis analysis(const std::vector<std::string>& inputs, int jobs,
                             size_t chunk_bytes = 8 << 20, const match::Matcher* m = nullptr,
                             bool sparse_text = true) {
    RunOptions opts;
    opts.jobs = jobs;
    opts.chunker.chunk_bytes = chunk_bytes;
    opts.sparse_text = sparse_text;
    return analyze_inputs(enter(inputs), m ? *m : *matcher_, opts);
  }

  std::string render(const std::vector<std::string>& inputs, report::ReportFormat f, int jobs,
                     size_t chunk_bytes = 8 << 20, const match::Matcher* m = nullptr,
                     bool sparse_text = true) {
    auto a = analysis(inputs, jobs, chunk_bytes, m, sparse_text);
    report::ReportCtx ctx;
    ctx.kdx_version = "test";
    ctx.width = 100;
    fmt::memory_buffer b;
    report::render(a, ctx, f, b);
    return fmt::to_string(b);
  }

  static rules::RuleSet* rules_;
  static test::TempDir* corpus_copy_;
  static match::Matcher* matcher_;
  static match::Matcher* plain_;
  static match::Matcher* hyperscan_;
};
rules::RuleSet* Golden::rules_ = nullptr;
test::TempDir* Golden::corpus_copy_ = nullptr;
match::Matcher* Golden::matcher_ = nullptr;
match::Matcher* Golden::plain_ = nullptr;
match::Matcher* Golden::hyperscan_ = nullptr;

void check_golden(const std::string& path, const std::string& actual) {
  if (std::getenv("KDX_UPDATE_GOLDEN")) {
    std::ofstream(path, std::ios::binary) << actual;
    return;
  }
  const std::string expected = read_file(path);
  ASSERT_FALSE(expected.empty()) << path << " is missing: run with KDX_UPDATE_GOLDEN=1";
  EXPECT_EQ(actual, expected) << "differs from " << path;
}

TEST_P(Golden, MatchesGoldenJsonAndText) {
  const Case& c = GetParam();
  const std::string json = render(c.inputs, report::ReportFormat::json, 2);
  check_golden(test::source_dir() + "/tests/golden/" + c.name + ".json", json);
  check_golden(test::source_dir() + "/tests/golden/" + c.name + ".txt",
               render(c.inputs, report::ReportFormat::text, 2));
  check_golden(test::source_dir() + "/tests/golden/" + c.name + ".md",
               render(c.inputs, report::ReportFormat::md, 2));
}

TEST_P(Golden, RanksThePromisedCausesFirst) {
  const Case& c = GetParam();
  auto a = analysis(c.inputs, 2);
  ASSERT_GE(a.findings.size(), c.top_ids.size());
  for (size_t i = 0; i < c.top_ids.size(); ++i)
    EXPECT_EQ(a.findings[i].id, c.top_ids[i]) << "rank " << i + 1;
}

TEST_P(Golden, SameBytesAtAnyThreadCountChunkSizeAndMarking) {
  const Case& c = GetParam();
  const std::string one = render(c.inputs, report::ReportFormat::json, 1);
  EXPECT_EQ(one, render(c.inputs, report::ReportFormat::json, 2));
  EXPECT_EQ(one, render(c.inputs, report::ReportFormat::json, 2, 4096));
  // Without the markers every record is read whole and goes to the miner: the same report.
  EXPECT_EQ(one, render(c.inputs, report::ReportFormat::json, 2, 8 << 20, plain_));
  // Hyperscan from the first chunk builds only the text records a whole-chunk scan finds a
  // match in (RunOptions::sparse_text); every other way of reading gives the same bytes.
  if (!hyperscan_) return;
  EXPECT_EQ(one, render(c.inputs, report::ReportFormat::json, 2, 8 << 20, hyperscan_));
  EXPECT_EQ(one, render(c.inputs, report::ReportFormat::json, 1, 4096, hyperscan_));
  EXPECT_EQ(one, render(c.inputs, report::ReportFormat::json, 1, 8 << 20, hyperscan_, false));
}

std::string case_name(const ::testing::TestParamInfo<Case>& info) {
  std::string n = info.param.name;
  for (char& ch : n)
    if (!std::isalnum(static_cast<unsigned char>(ch))) ch = '_';
  return n;
}

#include "pipeline/golden_cases.inc"

INSTANTIATE_TEST_SUITE_P(Corpus, Golden, ::testing::ValuesIn(kCases), case_name);

}  // namespace
}  // namespace kdx::pipeline
