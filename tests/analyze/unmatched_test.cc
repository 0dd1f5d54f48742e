// Unrecognised errors: which records are candidates, how lines are masked, how the miner
// bounds itself and groups keys into templates, and that the result does not depend on how
// records were spread over threads or in what order they came.
#include "analyze/unmatched.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>

#include <fmt/format.h>
#include <re2/re2.h>

#include "match/match.h"
#include "support/rule_fixture.h"

namespace kdx::analyze {
namespace {

struct Line {
  std::string message;
  Level level = Level::error;
  const char* ts = nullptr;
  std::string pod = {};
  uint64_t line = 1;
  FileId file = 0;
  SourceKind kind = SourceKind::log;
  std::string type = {};
  uint32_t repeat = 1;
};

formats::Record to_record(const Line& l) {
  formats::Record r = test::record(l.message, l.kind, l.line);
  r.level = l.level;
  if (l.ts) r.ts = r.first_ts = *parse_rfc3339(l.ts);
  if (!l.pod.empty()) {
    r.res.ns = "shop";
    r.res.pod = l.pod;
  }
  r.type = l.type;
  r.repeat = l.repeat;
  return r;
}

void feed(UnmatchedMiner& m, const std::vector<Line>& lines) {
  for (const auto& l : lines) m.add(to_record(l), l.file);
}

FileTable two_files() {
  FileTable files;
  for (const char* name : {"bundle.tgz:logs/api.log", "bundle.tgz:events.json"}) {
    FileInfo info;
    info.display = name;
    files.add(info);
  }
  return files;
}

TEST(UnmatchedCandidates, ErrorWordsAreWholeWordsInAnyCase) {
  EXPECT_TRUE(has_error_word("Failed to open file"));
  EXPECT_TRUE(has_error_word("dial tcp: connection REFUSED"));
  EXPECT_TRUE(has_error_word("err=\"eof\""));
  EXPECT_TRUE(has_error_word("ERR_CONNECTION_TIMEOUT"));
  EXPECT_TRUE(has_error_word("java.lang.NullPointerException: x"));
  EXPECT_TRUE(has_error_word("ValueError: bad literal"));
  EXPECT_FALSE(has_error_word("completed with 0 errors"));
  EXPECT_FALSE(has_error_word("terror and panicked failures"));
  EXPECT_FALSE(has_error_word("Errorless"));
  EXPECT_FALSE(has_error_word("everything is fine"));
}

TEST(UnmatchedCandidates, TheErrorWordMarkerMatchesEveryTextWithAnErrorWord) {
  const RE2 marker(error_word_marker());
  ASSERT_TRUE(marker.ok()) << marker.error();
  for (const char* text :
       {"Failed to open file", "dial tcp: connection REFUSED", "err=\"eof\"",
        "ERR_CONNECTION_TIMEOUT", "java.lang.NullPointerException: x", "ValueError: bad literal",
        "FATAL", "kernel Panic", "permission denied", "Failure", "TimeOut"}) {
    EXPECT_TRUE(has_error_word(text)) << text;
    EXPECT_TRUE(RE2::PartialMatch(text, marker)) << text;
  }
  EXPECT_FALSE(RE2::PartialMatch("everything is fine", marker));
  // Unmarked (the marker did not fire): the word scan is skipped.
  formats::Record r = test::record("request failed", SourceKind::log);
  EXPECT_TRUE(is_unmatched_candidate(r, true));
  EXPECT_FALSE(is_unmatched_candidate(r, false));
  r.level = Level::error;
  EXPECT_TRUE(is_unmatched_candidate(r, false));  // the level decides without the words
}

TEST(UnmatchedCandidates, ByLevelEventTypeOrWording) {
  auto rec = [](std::string_view msg, Level level, SourceKind kind, std::string_view type = "") {
    formats::Record r = test::record(msg, kind);
    r.level = level;
    r.type = type;
    return r;
  };
  EXPECT_TRUE(is_unmatched_candidate(rec("all good", Level::warning, SourceKind::log)));
  EXPECT_TRUE(is_unmatched_candidate(rec("all good", Level::error, SourceKind::journal)));
  EXPECT_TRUE(is_unmatched_candidate(rec("all good", Level::fatal, SourceKind::text)));
  EXPECT_FALSE(is_unmatched_candidate(rec("request failed", Level::info, SourceKind::log)));
  EXPECT_FALSE(is_unmatched_candidate(rec("Error", Level::debug, SourceKind::log)));
  EXPECT_TRUE(
      is_unmatched_candidate(rec("Back-off", Level::unknown, SourceKind::event, "Warning")));
  EXPECT_FALSE(is_unmatched_candidate(rec("failed", Level::unknown, SourceKind::event, "Normal")));
  EXPECT_TRUE(is_unmatched_candidate(rec("request failed", Level::unknown, SourceKind::log)));
  EXPECT_TRUE(is_unmatched_candidate(rec("panic: oops", Level::unknown, SourceKind::text)));
  EXPECT_TRUE(
      is_unmatched_candidate(rec("Failed to start x", Level::unknown, SourceKind::journal)));
  EXPECT_FALSE(is_unmatched_candidate(rec("Error", Level::unknown, SourceKind::pod_status)));
  // Only the first line counts: a stack trace's "at ...Exception" lines below an info line do not.
  EXPECT_FALSE(
      is_unmatched_candidate(rec("retrying\n  at FooException", Level::unknown, SourceKind::log)));
}

TEST(UnmatchedMask, MinedLineIsTheFirstLineWithoutTheKlogHeader) {
  EXPECT_EQ(mined_line("E0604 10:00:00.123456    1 reflector.go:138] failed to list *v1.Pod"),
            "reflector.go:138] failed to list *v1.Pod");
  EXPECT_EQ(mined_line("  panic: boom \n\tgoroutine 1 [running]:"), "panic: boom");
  EXPECT_EQ(mined_line("Example 1234 is not klog"), "Example 1234 is not klog");
  const std::string long_line = std::string(600, 'x');
  EXPECT_EQ(mined_line(long_line).size(), kUnmatchedLineBytes);
  const std::string accents = std::string(511, 'a') + "\xC3\xA9tat";  // é straddles byte 512
  EXPECT_EQ(mined_line(accents), std::string(511, 'a'));
}

TEST(UnmatchedMask, VariablesBecomeTypedPlaceholders) {
  EXPECT_EQ(mask_line("failed to pull image \"nginx:1.25.3\": rpc error: code = NotFound"),
            "failed to pull image \"nginx:<num>\": rpc error: code = NotFound");
  EXPECT_EQ(mask_line("dial tcp 10.43.0.1:443: connect: connection refused"),
            "dial tcp <ip>: connect: connection refused");
  EXPECT_EQ(
      mask_line("pod=\"web-5d9b8c7f6-hk7jd\"   uid=0f8fad5b-d9cb-469f-a165-70867728950e took 1.5s"),
      "pod=\"<pod>\" uid=<uuid> took <duration>");
  EXPECT_EQ(mask_line("open /var/lib/kubelet/pods/abc/volumes: permission denied"),
            "open <path>: permission denied");
  EXPECT_EQ(mask_line("container 3f9a2c1be4d5 exited with code 137 at 2026-06-04T10:00:00.123Z"),
            "container <hex> exited with code <num> at <time>");
  EXPECT_EQ(mask_line("GET https://10.0.0.1:6443/api/v1/pods?limit=500 failed: 0x1f"),
            "GET <url> failed: <hex>");
  EXPECT_EQ(mask_line("[fd00::1]:2379 unreachable since 10:00:01,5"),
            "[<ip> unreachable since <time>");
  EXPECT_EQ(mask_line("took 250ms, retrying in 1m30s (attempt 3/5)"),
            "took <duration>, retrying in <duration> (attempt <num>/<num>)");
  EXPECT_EQ(mask_line("time=\"2026-06-04T10:00:00Z\" level=error msg=\"sync failed\""),
            "time=\"<time>\" level=error msg=\"sync failed\"");
  EXPECT_EQ(mask_line("{\"level\":\"error\",\"ts\":1717495200.123,\"msg\":\"dial failed\"}"),
            "{\"level\":\"error\",\"ts\":<num>,\"msg\":\"dial failed\"}");
  EXPECT_EQ(mask_line("kube-system/coredns-7c65d6cfc9 kube-proxy-x2bzl postgres-0 kube-system"),
            "kube-system/<pod> <pod> postgres-<num> kube-system");
  EXPECT_EQ(mask_line("reflector.go:138] failed to list *v1.Pod: Unauthorized"),
            "reflector.go:<num>] failed to list *v1.Pod: Unauthorized");
  EXPECT_EQ(mask_line("lease worker_12 of db-1:5432 lost; --kube-api-qps"),
            "lease worker_<num> of db-<num>:<num> lost; --kube-api-qps");
}

TEST(UnmatchedMine, GroupsSimilarLinesIntoTemplatesWithCountsAndExamples) {
  FileTable files = two_files();
  UnmatchedMiner m;
  feed(m, {
              {"Failed to connect to backend db-1 after 3 attempts", Level::error,
               "2026-06-04T10:00:05Z", "api-1", 7},
              {"Failed to connect to backend db-2 after 5 attempts", Level::error,
               "2026-06-04T10:00:09Z", "api-2", 3},
              {"Failed to connect to backend cache-7 after 3 attempts", Level::error,
               "2026-06-04T10:01:00Z", "api-1", 2},
              {"unable to mount volume data: permission denied", Level::warning,
               "2026-06-04T09:00:00Z", "db-0", 11},
              {"unable to mount volume data: permission denied", Level::warning,
               "2026-06-04T09:30:00Z", "db-0", 12},
              {"Readiness probe failed: connection reset", Level::unknown, "2026-06-04T10:02:00Z",
               "api-1", 4, 1, SourceKind::event, "Warning", 6},
              {"request served in 12ms", Level::info, "2026-06-04T10:00:00Z", "api-1", 1},
              {"all good", Level::unknown, "2026-06-04T10:00:00Z", "api-1", 9},
          });
  auto t = mine_templates(m, files, *parse_rfc3339("2026-06-04T10:00:00Z"));
  ASSERT_EQ(t.size(), 3u);
  EXPECT_EQ(t[0].text, "Failed to connect to backend <*> after <num> attempts");
  EXPECT_EQ(t[0].count, 3u);
  EXPECT_EQ(t[0].resources, (std::vector<std::string>{"shop/api-1", "shop/api-2"}));
  EXPECT_EQ(format_rfc3339(t[0].first_seen), "2026-06-04T10:00:05Z");
  EXPECT_EQ(format_rfc3339(t[0].last_seen), "2026-06-04T10:01:00Z");
  ASSERT_EQ(t[0].examples.size(), 3u);  // by (file, line), not by arrival
  EXPECT_EQ(t[0].examples[0].line, 2u);
  EXPECT_EQ(t[0].examples[0].text, "Failed to connect to backend cache-7 after 3 attempts");
  EXPECT_EQ(t[0].examples[1].line, 3u);
  EXPECT_EQ(t[0].examples[2].line, 7u);
  EXPECT_EQ(t[0].examples[2].path, "bundle.tgz:logs/api.log");
  // 100·log2(4) + 100·log2(3) + 50·2 + 300/(1 + 5/300) = 753.58
  EXPECT_EQ(t[0].score, 754);

  EXPECT_EQ(t[1].text, "Readiness probe failed: connection reset");
  EXPECT_EQ(t[1].count, 6u);  // the event's count
  EXPECT_EQ(t[1].examples[0].path, "bundle.tgz:events.json");
  EXPECT_EQ(t[1].score, 645);  // 100·log2(7) + 100 + 50 + 300/(1 + 120/300) = 645.02

  EXPECT_EQ(t[2].text, "unable to mount volume data: permission denied");
  EXPECT_EQ(t[2].count, 2u);
  EXPECT_EQ(t[2].score, 458);  // 100·log2(3) + 100 + 50 + 300/(1 + 1) = 458.50
  for (const auto& x : t) EXPECT_EQ(x.id.size(), 9u) << x.id;
  EXPECT_EQ(t[0].id[0], 'u');
  EXPECT_NE(t[0].id, t[1].id);
}

TEST(UnmatchedMine, WithoutFindingsTheEarliestTemplateMarksTheStart) {
  FileTable files = two_files();
  UnmatchedMiner m;
  feed(m, {{"disk full on /dev/sda1", Level::error, "2026-06-04T08:00:00Z"},
           {"request timeout talking to payments", Level::error, "2026-06-04T12:00:00Z"}});
  auto t = mine_templates(m, files, Timestamp{});
  ASSERT_EQ(t.size(), 2u);
  EXPECT_EQ(t[0].text, "disk full on <path>");
  EXPECT_EQ(t[0].score, 500);  // 100·log2(2) + 0 resources + 50·2 + 300 (it is the start)
  EXPECT_EQ(t[1].score, 206);  // 100 + 0 + 100 + 300/(1 + 4·3600/300) = 206.12
  EXPECT_EQ(trouble_start({}), Timestamp{});
  Finding late, early;
  early.first_seen = *parse_rfc3339("2026-06-04T07:00:00Z");
  EXPECT_EQ(trouble_start({late, early}), early.first_seen);
  late.first_seen = *parse_rfc3339("2026-06-04T09:00:00Z");
  EXPECT_EQ(trouble_start({late, early}), late.first_seen);  // the top finding's, when known
}

TEST(UnmatchedMine, TemplateIdsDependOnlyOnTheTemplateText) {
  FileTable files = two_files();
  UnmatchedMiner a, b;
  feed(a, {{"backup failed: bucket gone", Level::error, "2026-06-04T10:00:00Z"}});
  feed(b, {{"backup failed: bucket gone", Level::warning, nullptr, "x", 99, 1},
           {"other failure entirely here", Level::error}});
  const auto ta = mine_templates(a, files, Timestamp{});
  const auto tb = mine_templates(b, files, Timestamp{});
  auto id_of = [](const auto& ts, std::string_view text) {
    for (const auto& t : ts)
      if (t.text == text) return t.id;
    return std::string();
  };
  EXPECT_EQ(id_of(ta, "backup failed: bucket gone"), id_of(tb, "backup failed: bucket gone"));
  EXPECT_FALSE(id_of(ta, "backup failed: bucket gone").empty());
}

std::vector<Line> many_lines(size_t n) {
  std::vector<Line> out;
  for (size_t i = 0; i < n; ++i) {
    Line l;
    // 8 shapes of line, each in 3 zones: 24 keys, which Drain makes 8 templates.
    static const char* kWords[] = {"alpha", "bravo",   "charlie", "delta",
                                   "echo",  "foxtrot", "golf",    "hotel"};
    l.message = fmt::format("{} failed for item {} in zone z{}", kWords[i % 8], i, i % 3);
    l.level = i % 7 == 0 ? Level::warning : Level::error;
    l.line = i + 1;
    l.file = static_cast<FileId>(i % 2);
    l.pod = fmt::format("api-{}", i % 11);
    out.push_back(l);
  }
  return out;
}

std::string dump(const std::vector<UnmatchedTemplate>& ts) {
  std::string out;
  for (const auto& t : ts) {
    out += fmt::format("{} {} n={} s={} r={}", t.id, t.text, t.count, t.score, t.resources.size());
    for (const auto& e : t.examples) out += fmt::format(" {}:{}", e.path, e.line);
    out += "\n";
  }
  return out;
}

TEST(UnmatchedMine, SameTemplatesHoweverRecordsAreSpreadAndMerged) {
  FileTable files = two_files();
  const auto lines = many_lines(400);
  UnmatchedMiner one;
  feed(one, lines);
  const std::string expected = dump(mine_templates(one, files, Timestamp{}));
  ASSERT_NE(expected.find(" alpha failed for item <num> in zone <*> n=50 "), std::string::npos)
      << expected;
  std::mt19937 rng(7);
  for (int round = 0; round < 5; ++round) {
    auto shuffled = lines;
    std::shuffle(shuffled.begin(), shuffled.end(), rng);
    std::vector<UnmatchedMiner> parts(3);
    for (size_t i = 0; i < shuffled.size(); ++i)
      parts[(i * 7 + round) % 3].add(to_record(shuffled[i]), shuffled[i].file);
    UnmatchedMiner merged;
    for (size_t i = 0; i < parts.size(); ++i) merged.merge(std::move(parts[(i + round) % 3]));
    EXPECT_EQ(dump(mine_templates(merged, files, Timestamp{})), expected) << "round " << round;
  }
}

TEST(UnmatchedMine, KeyCapSamplesByHashWhateverTheOrder) {
  FileTable files = two_files();
  std::vector<Line> lines;
  for (int i = 0; i < 300; ++i)  // 300 distinct keys: "word<i>" is not masked
    lines.push_back({fmt::format("fault{} failed", i), Level::error, nullptr, "",
                     static_cast<uint64_t>(i + 1)});
  UnmatchedMiner one(64);
  feed(one, lines);
  // 300 keys do not fit in 64, nor do the ~75 with two leading zero bits: three it is.
  EXPECT_EQ(one.sample_bits(), 3);
  EXPECT_EQ(one.keys(), 35u);
  std::vector<std::string> kept;
  for (const auto& [k, s] : one.stats()) kept.push_back(k);
  std::sort(kept.begin(), kept.end());

  std::mt19937 rng(11);
  for (int round = 0; round < 4; ++round) {
    auto shuffled = lines;
    std::shuffle(shuffled.begin(), shuffled.end(), rng);
    UnmatchedMiner a(64), b(64);
    for (size_t i = 0; i < shuffled.size(); ++i)
      (i % (round + 2) == 0 ? a : b).add(to_record(shuffled[i]), 0);
    b.merge(std::move(a));
    std::vector<std::string> got;
    for (const auto& [k, s] : b.stats()) got.push_back(k);
    std::sort(got.begin(), got.end());
    EXPECT_EQ(got, kept) << "round " << round;
    EXPECT_EQ(b.sample_bits(), one.sample_bits());
  }
}

// The regex of a template matches every line it was mined from: checked with the Matcher, as
// `kdx patterns test` checks a drafted rule's examples.
TEST(UnmatchedRegex, TemplateRegexMatchesTheLinesItCameFrom) {
  EXPECT_EQ(template_regex("dial tcp <ip>: connect (x) <*>"),
            "dial\\s+tcp\\s+(?P<ip1>[0-9A-Fa-f:.\\]/]+):\\s+connect\\s+\\(x\\)\\s+(?P<var1>\\S+)");
  const std::vector<std::string> lines = {
      "failed to pull image \"nginx:1.25.3\": rpc error: code = NotFound",
      "dial tcp 10.43.0.1:443: connect: connection refused",
      "pod=\"web-5d9b8c7f6-hk7jd\"\tuid=0f8fad5b-d9cb-469f-a165-70867728950e took 1.5s",
      "open /var/lib/kubelet/pods/abc/volumes: permission denied",
      "container 3f9a2c1be4d5 exited with code -137 at 2026-06-04T10:00:00.123+02:00",
      "GET https://10.0.0.1:6443/api/v1/pods?limit=500 failed: 0x1f (x^2|y$)",
      "[fd00::1]:2379 unreachable since 10:00:01,5 after 250\xC2\xB5s",
      "{\"level\":\"error\",\"ts\":1717495200.123,\"msg\":\"dial failed\"} 99.5%",
      "kube-system/coredns-7c65d6cfc9 kube-proxy-x2bzl *v1.Pod{} [a-b] \\d+ \x1b[31mred\x1b[0m",
  };
  std::string yaml = "id: t.regex\ntitle: t\nseverity: low\nkind: symptom\nsignals:\n";
  for (const auto& l : lines) {
    std::string re = template_regex(mask_line(l));
    std::string quoted;
    for (char c : re) quoted += c == '\'' ? std::string("''") : std::string(1, c);
    yaml += "  - regex: '" + quoted + "'\n";
  }
  rules::RuleSet rules = test::rules_from_yaml(yaml);
  ASSERT_EQ(rules.size(), 1u);
  auto matcher = match::Matcher::compile(rules);
  ASSERT_TRUE(matcher) << matcher.error().message;
  for (size_t i = 0; i < lines.size(); ++i) {
    EXPECT_TRUE(matcher->signal_matches_text(0, i, lines[i])) << lines[i] << "\n"
                                                              << rules[0].signals[i].regex;
    EXPECT_FALSE(matcher->signal_matches_text(0, i, "an unrelated line")) << lines[i];
  }
}

}  // namespace
}  // namespace kdx::analyze
