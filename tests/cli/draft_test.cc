// `kdx patterns draft`: from an unrecognised-error template of a report to a rule skeleton that
// loads, matches its own examples, passes lint once its near misses are written, and then
// recognises the records. Drafting finds the template by analysing the inputs again, so the
// ids must not depend on thread count or chunk size.
#include <gtest/gtest.h>

#include <fmt/format.h>

#include "pipeline/pipeline.h"
#include "report/report.h"
#include "support/rule_fixture.h"
#include "support/run_kdx.h"
#include "support/temp_dir.h"

namespace kdx::test {
namespace {

constexpr const char* kQuotaRule = R"(id: disk.quota
title: Disk quota exceeded
severity: high
kind: root-cause
signals:
  - regex: 'disk quota exceeded on (?P<path>\S+)'
)";

constexpr const char* kAppLog =
    "2026-06-04T10:00:00Z INFO starting backup worker\n"
    "2026-06-04T10:00:01Z ERROR backup to s3://bucket-a/db failed after 3 retries: AccessDenied\n"
    "2026-06-04T10:00:02Z ERROR backup to s3://bucket-b/db failed after 5 retries: AccessDenied\n"
    "2026-06-04T10:00:03Z ERROR disk quota exceeded on /data\n"
    "2026-06-04T10:00:04Z ERROR backup to s3://bucket-c/db failed after 3 retries: AccessDenied\n"
    "2026-06-04T10:00:05Z WARN config \"a\\b\" has 'quotes' and \x1b[31mcolour\x1b[0m (x|y)\n"
    "2026-06-04T10:00:06Z WARN config \"c\\d\" has 'quotes' and \x1b[31mcolour\x1b[0m (x|y)\n";

constexpr const char* kBackupDraft =
    R"(# Drafted by `kdx patterns draft u998ecc36` from 3 records that no rule recognised
# (first seen 2026-06-04T10:00:01Z, e.g. -:2):
#   ERROR backup to <url> failed after <num> retries: AccessDenied
# Save it alone in a directory (DIR/custom.yaml), change what the comments say, then run
#   kdx patterns test --patterns DIR && kdx patterns lint --patterns DIR
# and use it with `kdx analyze --extra-patterns DIR ...`.
id: custom.backup-to-failed-after-retries
# What fails, in a few words: the report's headline for this rule.
title: 'ERROR backup to <url> failed after <num> retries: AccessDenied'
# critical, high, medium, low or info: how bad it is when this shows up.
severity: medium
# root-cause, or symptom when another rule's cause explains it (list it in that cause's
# explains).
kind: root-cause
# The category it belongs to: also the first part of the id and the file's name.
category: custom
# What it means and why it happens, for `kdx explain`.
description: 'Records like "ERROR backup to <url> failed after <num> retries: AccessDenied", which no rule recognised.'
signals:
  # The template's fixed words; each variable part is a named capture that fix can use
  # as {name}. Narrow a capture, or make a word a literal, where the records allow.
  - regex: 'ERROR\s+backup\s+to\s+(?P<url1>[A-Za-z][A-Za-z0-9+.-]*://\S*)\s+failed\s+after\s+(?P<num1>[-+]?[0-9]+(?:\.[0-9]+)*%?)\s+retries:\s+AccessDenied'
# The operator's steps that fix the cause; {name} is filled from a capture.
fix: |
  Read the evidence lines of this rule (kdx analyze --verbose) and the log lines around
  them, and write the steps that fix the cause here.
# Pages that document this failure and its fix (URLs).
references:
  - https://kubernetes.io/docs/tasks/debug/
examples:
  # Lines the regex must match: the template's examples from the analysed input.
  match:
    - 'ERROR backup to s3://bucket-a/db failed after 3 retries: AccessDenied'
    - 'ERROR backup to s3://bucket-b/db failed after 5 retries: AccessDenied'
    - 'ERROR backup to s3://bucket-c/db failed after 3 retries: AccessDenied'
  # Near misses it must not match: lint wants at least two.
  no_match: []
)";

class Draft : public ::testing::Test {
 protected:
  void SetUp() override {
    rules_ = dir_.mkdir("rules");
    dir_.write("rules/quota.yaml", kQuotaRule);
  }
  // kdx with the test's one rule in place of the embedded database, the log on stdin ("-").
  KdxRun kdx(const std::string& args) {
    return run_kdx(fmt::format(fmt::runtime(args), fmt::arg("rules", rules_)), kAppLog);
  }
  TempDir dir_;
  std::string rules_;
};

std::vector<std::string> unmatched_ids(const std::string& json) {
  std::vector<std::string> out;
  const std::string key = "\"id\": \"u";
  for (size_t at = json.find(key, json.find("\"unmatched\"")); at != std::string::npos;
       at = json.find(key, at + 1))
    out.push_back(json.substr(at + 7, json.find('"', at + 7) - at - 7));
  return out;
}

TEST_F(Draft, ReportIdsLeadToARuleThatLoadsMatchesAndRecognisesTheRecords) {
  auto report = kdx("analyze --patterns {rules} --format json -");
  ASSERT_EQ(report.exit_code, 0) << report.err;
  ASSERT_EQ(unmatched_ids(report.out), (std::vector<std::string>{"u998ecc36", "ufc53fab0"}));
  auto text = kdx("analyze --patterns {rules} -");
  EXPECT_NE(text.out.find("\nUnrecognised errors (no rule matched): 2 templates\n"
                          "   3 x  ERROR backup to <url> failed after <num> retries: AccessDenied\n"
                          "        -:2  [u998ecc36]\n"),
            std::string::npos)
      << text.out;
  EXPECT_NE(text.out.find("   Draft a rule from one: kdx patterns draft u998ecc36 -- -\n"),
            std::string::npos);

  auto draft = kdx("patterns draft u998ecc36 --patterns {rules} -- -");
  ASSERT_EQ(draft.exit_code, 0) << draft.err;
  EXPECT_EQ(draft.out, kBackupDraft);
  EXPECT_EQ(draft.err, "");

  const std::string mine = dir_.mkdir("mine");
  dir_.write("mine/custom.yaml", draft.out);
  auto test = run_kdx("patterns test --patterns " + mine);
  EXPECT_EQ(test.exit_code, 0) << test.out << test.err;
  EXPECT_EQ(test.out, "1 rules, 3 examples: 3 passed, 0 failed\n");
  auto lint = run_kdx("patterns lint --patterns " + mine);
  EXPECT_EQ(lint.exit_code, 1);
  EXPECT_EQ(lint.out, mine +
                          "/custom.yaml:7 (custom.backup-to-failed-after-retries): 0 no_match "
                          "examples (want at least 2)\n1 rules: 1 issue\n");

  // The engineer writes the near misses: lint passes, and the draft recognises the records.
  std::string filled = draft.out;
  filled.replace(filled.find("  no_match: []\n"), 15,
                 "  no_match:\n    - 'backup to s3://bucket-a/db finished'\n"
                 "    - 'ERROR restore from s3://x failed after 3 retries: AccessDenied'\n");
  dir_.write("mine/custom.yaml", filled);
  EXPECT_EQ(run_kdx("patterns lint --patterns " + mine).out, "1 rules: 0 issues\n");
  EXPECT_EQ(run_kdx("patterns test --patterns " + mine).out,
            "1 rules, 5 examples: 5 passed, 0 failed\n");
  auto again = kdx("analyze --patterns {rules} --extra-patterns " + mine + " --format json -");
  EXPECT_EQ(unmatched_ids(again.out), std::vector<std::string>{"ufc53fab0"});
  EXPECT_NE(again.out.find("\"id\": \"custom.backup-to-failed-after-retries\""), std::string::npos);
}

TEST_F(Draft, QuotesBackslashesAndControlBytesSurviveTheYaml) {
  auto draft = kdx("patterns draft ufc53fab0 --patterns {rules} -- -");
  ASSERT_EQ(draft.exit_code, 0) << draft.err;
  EXPECT_NE(draft.out.find("\n  - regex: 'WARN\\s+config\\s+(?P<var1>\\S+)\\s+has\\s+''quotes''"
                           "\\s+and\\s+\\x1b\\[31mcolour\\x1b\\[0m\\s+\\(x\\|y\\)'\n"),
            std::string::npos)
      << draft.out;
  EXPECT_NE(draft.out.find("\n    - \"WARN config \\\"a\\\\b\\\" has 'quotes' and "
                           "\\x1b[31mcolour\\x1b[0m (x|y)\"\n"),
            std::string::npos)
      << draft.out;
  EXPECT_NE(draft.out.find("\ntitle: 'WARN config <*> has ''quotes'' and \\x1b[31mcolour"),
            std::string::npos);
  EXPECT_EQ(draft.out.find('\x1b'), std::string::npos);  // no raw control byte in the YAML
  const std::string mine = dir_.mkdir("mine");
  dir_.write("mine/custom.yaml", draft.out);
  auto test = run_kdx("patterns test --patterns " + mine);
  EXPECT_EQ(test.exit_code, 0) << test.out << test.err;
  EXPECT_EQ(test.out, "1 rules, 2 examples: 2 passed, 0 failed\n");
}

TEST_F(Draft, UsageAndLookupErrors) {
  const std::string usage =
      "kdx: kdx patterns draft needs a template ID and the INPUT... it came "
      "from: kdx patterns draft ID -- INPUT...\n";
  auto r = kdx("patterns draft");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err, usage);
  r = kdx("patterns draft u998ecc36");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err, usage);
  r = kdx("patterns draft u00000000 --patterns {rules} -- -");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err,
            "kdx: no unrecognised-error template 'u00000000' in these inputs (the ids are "
            "in the report of 'kdx analyze' on the same inputs and patterns)\n");
  r = kdx("patterns draft u998ecc36 --patterns {rules} -- no/such.log");
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_EQ(r.err,
            "kdx: cannot read 'no/such.log': No such file or directory\n"
            "kdx: no input could be read\n");
  auto help = run_kdx("patterns --help");
  EXPECT_NE(help.out.find("  draft ID -- INPUT...\n"), std::string::npos) << help.out;
}

// Many files of mixed lines, cut into 4 KiB chunks or not, on 1 or 2 threads: the same
// templates, ids, counts and examples, byte for byte.
TEST(DraftIds, SameUnmatchedJsonAtAnyThreadCountAndChunkSize) {
  TempDir dir;
  for (int f = 0; f < 3; ++f) {
    std::string log;
    for (int i = 0; i < 1500; ++i) {
      const int s = 10 * 60 + i;
      const std::string ts =
          fmt::format("2026-06-04T{:02}:{:02}:{:02}Z", s / 3600 + 9, s / 60 % 60, s % 60);
      switch ((i * 7 + f) % 6) {
        case 0:
          log += fmt::format(
              "{} ERROR request {} to 10.0.{}.{}:8080 failed: connection reset by peer\n", ts, i,
              i % 250, f);
          break;
        case 1:
          log += fmt::format("{} WARN slow query took {}ms on table t{}\n", ts, i, i % 5);
          break;
        case 2:
          log += fmt::format("{} INFO served {} requests\n", ts, i);
          break;
        case 3:
          log += fmt::format("{} panic: runtime error: index out of range [{}] with length {}\n",
                             ts, i, i % 9);
          break;
        case 4:
          log += fmt::format("{} disk quota exceeded on /data/{}\n", ts, i % 3);
          break;
        default:
          log += fmt::format("{} worker-{} lost lease {} after {}s: timeout\n", ts, f, i, i % 30);
          break;
      }
    }
    dir.write(fmt::format("pods/shop_api-{}_uid/api/0.log", f), log);
  }
  rules::RuleSet rules = rules_from_yaml(kQuotaRule);
  auto matcher = match::Matcher::compile(rules);
  ASSERT_TRUE(matcher) << matcher.error().message;
  auto json = [&](int jobs, size_t chunk, const match::Matcher* m = nullptr) {
    pipeline::RunOptions opts;
    opts.jobs = jobs;
    opts.chunker.chunk_bytes = chunk;
    auto a = pipeline::analyze_inputs({dir.path()}, m ? *m : *matcher, opts);
    report::ReportCtx ctx;
    ctx.kdx_version = "test";
    fmt::memory_buffer b;
    report::render_json(a, ctx, b);
    return fmt::to_string(b);
  };
  const std::string one = json(1, 8 << 20);
  ASSERT_EQ(unmatched_ids(one).size(), 4u) << one;
  EXPECT_NE(
      one.find("\"template\": \"ERROR request <num> to <ip> failed: connection reset by peer\",\n"
               "      \"count\": 750,"),
      std::string::npos)
      << one;
  EXPECT_EQ(one, json(2, 8 << 20));
  EXPECT_EQ(one, json(2, 4096));
  EXPECT_EQ(one, json(1, 4096));
  // The records a rule hit are told apart the same way whichever engine found the hits.
  if (match::hyperscan_available()) {
    auto hs = match::Matcher::compile(rules, match::Engine::hyperscan);
    ASSERT_TRUE(hs) << hs.error().message;
    EXPECT_EQ(one, json(2, 4096, &*hs));
  }
}

}  // namespace
}  // namespace kdx::test
