// The fast paths of the pipeline give the slow paths' bytes: chunk buffers handed over whole or
// copied (chunks smaller and larger than a read block, a document growing past many chunks),
// line numbers counted in the serial chunker, a Hyperscan database loaded from the cache
// instead of compiled, and the miner scanning only the records the matcher marked — the same
// JSON report at every chunk size, thread count, cache state and marking.
#include <gtest/gtest.h>

#include <fmt/format.h>

#include "cli/commands.h"
#include "pipeline/pipeline.h"
#include "report/report.h"
#include "support/rule_fixture.h"
#include "support/temp_dir.h"

namespace kdx::pipeline {
namespace {

constexpr int kTextLines = 40000;
constexpr int kEvents = 1500;

// Rule examples that read as one record of generic text (no continuation-looking start).
std::vector<std::string> failure_lines(const rules::RuleSet& rules) {
  std::vector<std::string> out;
  for (const auto& rule : rules.rules())
    for (const auto& ex : rule.examples) {
      const std::string& t = ex.text;
      if (!ex.should_match || t.empty() || t.find('\n') != std::string::npos ||
          std::isspace(static_cast<unsigned char>(t[0])) || t.starts_with("at ") ||
          t.starts_with("Caused") || t.starts_with("...") || t.starts_with("}") ||
          t.starts_with("{") || t.starts_with("["))
        continue;
      out.push_back(t);
    }
  return out;
}

class Throughput : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto rules = cli::load_database({});
    ASSERT_TRUE(rules) << rules.error().message;
    rules_ = new rules::RuleSet(std::move(*rules));
    dir_ = new test::TempDir();
    const std::vector<std::string> failures = failure_lines(*rules_);
    ASSERT_GT(failures.size(), 100u);
    std::string text;
    for (int i = 1; i <= kTextLines; ++i) {
      if (i % 97 == 0) text += failures[static_cast<size_t>(i / 97) % failures.size()];
      else if (i % 89 == 0)  // an error no rule knows: the miner's
        text += fmt::format("ledger sync {} failed: upstream closed stream s{}", i % 5, i);
      else if (i % 83 == 0)  // error words inside other words: marked, then not mined
        text += fmt::format("terrors of the deep, panicked sailors, errands {}", i);
      else if (i % 71 == 0)  // a warning by its klog level alone
        text += fmt::format("W0604 10:00:{:02}.000000       1 cache.go:{}] slow sync of shard {}",
                            i % 60, i % 90, i % 9);
      else if (i % 67 == 0)  // an error by a JSON logger's numeric level alone
        text += fmt::format(R"({{"level":50,"time":1780567200000,"msg":"shard {} lagging"}})",
                            i % 4);
      else if (i % 61 == 0)  // level words, but an info line: marked, then not mined
        text += fmt::format("INFO no warnings or alerts on shard {}", i % 3);
      else
        text += fmt::format("worker {} finished batch {} of queue q{} in {} ms", i % 7, i,
                            i % 13, i % 1000);
      text += '\n';
    }
    dir_->write("bundle/app/app.log", text);
    std::string events = R"({"apiVersion":"v1","kind":"List","items":[)";
    for (int i = 0; i < kEvents; ++i)
      events += fmt::format(
          R"({}{{"kind":"Event","type":"Warning","reason":"BackOff",)"
          R"("message":"Back-off restarting failed container app in pod web-{}",)"
          R"("involvedObject":{{"kind":"Pod","namespace":"shop","name":"web-{}"}},)"
          R"("lastTimestamp":"2026-06-04T10:{:02}:00Z","count":2}})",
          i ? "," : "", i % 40, i % 40, i % 60);
    events += "]}\n";
    dir_->write("bundle/events.json", events);
  }
  static void TearDownTestSuite() {
    delete dir_;
    delete rules_;
  }

  static std::string json(const match::Matcher& m, int jobs, size_t chunk_bytes,
                          analyze::InputStats* stats = nullptr, bool sparse_text = true) {
    RunOptions opts;
    opts.jobs = jobs;
    opts.chunker.chunk_bytes = chunk_bytes;
    opts.sparse_text = sparse_text;
    analyze::Analysis a = analyze_inputs({dir_->path("bundle")}, m, opts);
    if (stats) *stats = a.stats;
    report::ReportCtx ctx;
    ctx.kdx_version = "test";
    fmt::memory_buffer b;
    report::render(a, ctx, report::ReportFormat::json, b);
    std::string out = fmt::to_string(b);
    // The temp dir's name is part of the inputs list; the rest must match byte for byte.
    for (size_t at; (at = out.find(dir_->path())) != std::string::npos;)
      out.replace(at, dir_->path().size(), "TMP");
    return out;
  }

  static rules::RuleSet* rules_;
  static test::TempDir* dir_;
};
rules::RuleSet* Throughput::rules_ = nullptr;
test::TempDir* Throughput::dir_ = nullptr;

TEST_F(Throughput, EveryChunkSizeAndThreadCountGivesTheSameReport) {
  auto m = match::Matcher::compile(*rules_, match::Engine::hyperscan);
  ASSERT_TRUE(m) << m.error().message;
  analyze::InputStats stats;
  const std::string ref = json(*m, 1, 8 << 20, &stats);
  EXPECT_EQ(stats.files, 2u);
  EXPECT_EQ(stats.by_format["text"].records, static_cast<uint64_t>(kTextLines));
  EXPECT_EQ(stats.by_format["events-json"].records, static_cast<uint64_t>(kEvents));
  EXPECT_NE(ref.find("\"line\": 97,"), std::string::npos) << "the first failure line's number";
  // 16 KiB and 200 KiB: many chunks out of one 1 MiB read block (copied), and chunks that
  // take the read buffer over whole; the 300 KiB events document outgrows both.
  for (size_t chunk : {size_t{16} << 10, size_t{200} << 10, size_t{8} << 20})
    for (int jobs : {1, 2}) EXPECT_EQ(json(*m, jobs, chunk), ref) << chunk << " bytes, -j" << jobs;
}

TEST_F(Throughput, ACachedHyperscanDatabaseGivesTheSameReport) {
  if (!match::hyperscan_available()) GTEST_SKIP() << "built without Hyperscan";
  test::TempDir cache;
  auto plain = match::Matcher::compile(*rules_, match::Engine::re2_set);
  ASSERT_TRUE(plain);
  const std::string ref = json(*plain, 2, 64 << 10);
  auto cold = match::Matcher::compile(*rules_, match::Engine::hyperscan, cache.path());
  ASSERT_TRUE(cold);
  EXPECT_FALSE(cold->hyperscan_from_cache());
  EXPECT_EQ(json(*cold, 2, 64 << 10), ref);
  auto warm = match::Matcher::compile(*rules_, match::Engine::automatic, cache.path());
  ASSERT_TRUE(warm);
  EXPECT_TRUE(warm->hyperscan_from_cache());
  EXPECT_EQ(json(*warm, 2, 64 << 10), ref);
  EXPECT_EQ(json(*warm, 1, 8 << 20), ref);
}

TEST_F(Throughput, MarkedRecordsGiveWhatReadingAndMiningEveryRecordGives) {
  // compile_matcher adds the error-word and warning-level markers: the miner then looks only
  // at marked records, and only they and the hits have their time and level read.
  auto plain = match::Matcher::compile(*rules_, match::Engine::re2_set);
  ASSERT_TRUE(plain);
  const std::string ref = json(*plain, 2, 64 << 10);
  EXPECT_NE(ref.find("ledger sync <num> failed: upstream closed stream <*>"), std::string::npos);
  EXPECT_EQ(ref.find("terrors of the deep"), std::string::npos);
  EXPECT_NE(ref.find("cache.go:<num>] slow sync of shard <num>"), std::string::npos);
  EXPECT_NE(ref.find("shard <num> lagging"), std::string::npos);
  EXPECT_EQ(ref.find("no warnings or alerts"), std::string::npos);
  for (auto engine : {match::Engine::re2_set, match::Engine::hyperscan}) {
    if (engine == match::Engine::hyperscan && !match::hyperscan_available()) continue;
    auto marked = compile_matcher(*rules_, engine);
    ASSERT_TRUE(marked) << marked.error().message;
    ASSERT_EQ(marked->markers().size(), 2u);
    EXPECT_EQ(json(*marked, 2, 64 << 10), ref) << match::engine_name(engine);
    EXPECT_EQ(json(*marked, 1, 8 << 20), ref) << match::engine_name(engine);
  }
}

TEST_F(Throughput, TheSparseTextSplitGivesTheFullSplitsReportAndCounts) {
  // With Hyperscan and the markers, a text chunk is scanned whole and only the records a match
  // ends in are built (RunOptions::sparse_text): 2% of these lines. Report and record counts
  // must be what building every record gives.
  if (!match::hyperscan_available()) GTEST_SKIP() << "built without Hyperscan";
  auto marked = compile_matcher(*rules_, match::Engine::hyperscan);
  ASSERT_TRUE(marked) << marked.error().message;
  analyze::InputStats full_stats, sparse_stats;
  const std::string full = json(*marked, 1, 64 << 10, &full_stats, false);
  EXPECT_EQ(json(*marked, 1, 64 << 10, &sparse_stats, true), full);
  EXPECT_EQ(sparse_stats.by_format["text"].records, static_cast<uint64_t>(kTextLines));
  EXPECT_EQ(full_stats.by_format["text"].records, static_cast<uint64_t>(kTextLines));
  EXPECT_EQ(json(*marked, 2, 16 << 10), full);
  EXPECT_EQ(json(*marked, 2, 8 << 20), full);
  EXPECT_NE(full.find("ledger sync <num> failed: upstream closed stream <*>"), std::string::npos);
  // And it did go sparse: most text records were found but never built.
  PipelineStats ps;
  RunOptions opts;
  opts.jobs = 1;
  opts.chunker.chunk_bytes = 64 << 10;
  opts.stats = &ps;
  analyze_inputs({dir_->path("bundle")}, *marked, opts);
  EXPECT_EQ(ps.split.records, static_cast<uint64_t>(kTextLines + kEvents));
  EXPECT_LT(ps.match.records, static_cast<uint64_t>(kTextLines / 5 + kEvents));
}

// A message is not its line where a carriage return ends the line or a byte is past ASCII
// (Hyperscan would read such bytes otherwise than RE2): the sparse split must keep those
// records whatever the whole-chunk scan says. Here the scan finds neither hit (and no marker
// word makes them hot).
TEST(SparseText, KeepsTheRecordsWithACarriageReturnOrABytePastAscii) {
  if (!match::hyperscan_available()) GTEST_SKIP() << "built without Hyperscan";
  const rules::RuleSet rules = test::rules_from_yaml(R"y(id: t.tail
title: t
severity: high
kind: symptom
signals:
  - regex: 'disk (?P<disk>\w+) full$'
---
id: t.quote
title: t
severity: high
kind: symptom
signals:
  - regex: 'directory [‘'']/(?P<dir>[^’'']+)[’'']: off limits'
---
id: t.trace
title: t
severity: high
kind: symptom
signals:
  - regex: 'ledger [^#]+at Ledger\.flush'
)y");
  auto m = compile_matcher(rules, match::Engine::hyperscan);
  ASSERT_TRUE(m) << m.error().message;
  test::TempDir dir;
  std::string text;
  for (int i = 0; i < 3000; ++i) {
    text += fmt::format("worker {} ok\n", i);
    if (i == 1000) text += "disk sda full\r\n";
    if (i == 2000) text += "mkdir: directory \xe2\x80\x98/data\xe2\x80\x99: off limits\n";
    if (i == 2500) text += "ledger write stalled\n\tat Ledger.flush(Ledger.java:12)\n";  // one record
  }
  dir.write("app.log", text);
  auto ids = [&](bool sparse) {
    RunOptions opts;
    opts.jobs = 1;
    opts.sparse_text = sparse;
    std::vector<std::string> out;
    for (const auto& f : analyze_inputs({dir.path("app.log")}, *m, opts).findings)
      out.push_back(fmt::format("{} {}", f.id, f.count));
    return out;
  };
  const std::vector<std::string> expected = {"t.quote 1", "t.tail 1", "t.trace 1"};
  EXPECT_EQ(ids(false), expected);
  EXPECT_EQ(ids(true), expected);
}

}  // namespace
}  // namespace kdx::pipeline
