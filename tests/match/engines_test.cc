// Differential tests of the match engines: the RE2::Set and Hyperscan prefilters, each through
// the batch path (Matcher::match) and the per-record path (match_record), must give the same
// hits — on every rule example, on every corpus case cut into 4 KiB and 8 MiB chunks, and on
// the edge cases of scanning many messages at once (anchors, matches across messages, non-ASCII
// text, arena-built messages, slices).
#include <gtest/gtest.h>
#include <re2/re2.h>

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <fmt/format.h>

#include "formats/chunker.h"
#include "match/match.h"
#include "match/prefilter.h"
#include "support/paths.h"
#include "support/rule_fixture.h"
#include "support/temp_dir.h"

namespace kdx::match {
namespace {

namespace fs = std::filesystem;
using Lines = std::vector<std::string>;

// One line per hit: "<record tag> <rule> s<signal> m<mask> name=value ...".
struct DumpSink final : HitSink {
  const rules::RuleSet* rules = nullptr;
  Lines lines;
  void on_hit(const Hit& h) override {
    std::string line = fmt::format("{}:{} {} s{} m{:x}", h.record->res.container, h.record->line,
                                   (*rules)[h.rule].id, h.signal, h.signal_mask);
    for (const auto& c : h.captures()) line += fmt::format(" {}={}", c.name, c.value);
    lines.push_back(std::move(line));
  }
};

struct Engines {
  std::unique_ptr<Matcher> re2, hs;
};

Engines compile_both(const rules::RuleSet& rules) {
  Engines e;
  auto a = Matcher::compile(rules, Engine::re2_set);
  auto b = Matcher::compile(rules, Engine::hyperscan);
  EXPECT_TRUE(a) << a.error().message;
  EXPECT_TRUE(b) << b.error().message;
  if (a) e.re2 = std::make_unique<Matcher>(std::move(*a));
  if (b) e.hs = std::make_unique<Matcher>(std::move(*b));
  return e;
}

Lines batch_hits(const Matcher& m, const formats::RecordBatch& batch) {
  DumpSink sink;
  sink.rules = &m.rules();
  MatchScratch scratch;
  m.match(batch, scratch, sink);
  return sink.lines;
}

Lines record_hits(const Matcher& m, const formats::RecordBatch& batch) {
  DumpSink sink;
  sink.rules = &m.rules();
  MatchScratch scratch;
  for (const auto& r : batch.records) m.match_record(r, scratch, sink);
  return sink.lines;
}

// Every engine and path on `batch`; returns the reference (RE2::Set, per record).
Lines expect_all_agree(const Engines& e, const formats::RecordBatch& batch,
                       const std::string& what) {
  Lines ref = record_hits(*e.re2, batch);
  EXPECT_EQ(batch_hits(*e.re2, batch), ref) << what << ": re2-set batch";
  EXPECT_EQ(record_hits(*e.hs, batch), ref) << what << ": hyperscan per record";
  EXPECT_EQ(batch_hits(*e.hs, batch), ref) << what << ": hyperscan batch";
  return ref;
}

TEST(HyperscanSyntax, AnchorsOfTheWholeTextBecomeLineAnchors) {
  EXPECT_EQ(detail::to_hyperscan_syntax(R"(\Afoo\z)"), "^foo$");
  EXPECT_EQ(detail::to_hyperscan_syntax(R"([\A\z]x)"), R"([\A\z]x)");
  EXPECT_EQ(detail::to_hyperscan_syntax(R"([]\A]\z)"), R"([]\A]$)");
  EXPECT_EQ(detail::to_hyperscan_syntax(R"([^]z]\A)"), R"([^]z]^)");
  EXPECT_EQ(detail::to_hyperscan_syntax(R"(\Q\A\z\E\z)"), R"(\Q\A\z\E$)");
  EXPECT_EQ(detail::to_hyperscan_syntax(R"(a\\z(?P<n>\d+))"), R"(a\\z(?P<n>\d+))");
}

// Hyperscan's \s also takes \v (PCRE's), so its \S would miss a \v that RE2's \S takes: a
// message RE2 hits that the prefilter never offers. Both are written as RE2's classes.
TEST(HyperscanSyntax, SpaceClassesAreRe2s) {
  EXPECT_EQ(detail::to_hyperscan_syntax(R"(a\sb)"), R"(a[\t\n\f\r ]b)");
  EXPECT_EQ(detail::to_hyperscan_syntax(R"(a\S+b)"), R"(a[^\t\n\f\r ]+b)");
  EXPECT_EQ(detail::to_hyperscan_syntax(R"([a\s-])"), R"([a\t\n\f\r -])");
  EXPECT_EQ(detail::to_hyperscan_syntax(R"([^\s"\\]+)"), R"([^\t\n\f\r "\\]+)");
  EXPECT_EQ(detail::to_hyperscan_syntax(R"([\w.\S]?)"), R"((?:[\w.]|[^\t\n\f\r ])?)");
  EXPECT_EQ(detail::to_hyperscan_syntax(R"([\S])"), R"([^\t\n\f\r ])");
  EXPECT_EQ(detail::to_hyperscan_syntax(R"([^a\S])"), R"([^a\S])");  // wider: a prefilter may be
  EXPECT_EQ(detail::to_hyperscan_syntax(R"([[:alpha:]\s]\S)"),
            R"([[:alpha:]\t\n\f\r ][^\t\n\f\r ])");
  EXPECT_EQ(detail::to_hyperscan_syntax(R"([]\s]\Q\s\E\s)"), R"([]\t\n\f\r ]\Q\s\E[\t\n\f\r ])");
  EXPECT_EQ(detail::to_hyperscan_syntax(R"([\x{41}\s]\\s)"), R"([\x{41}\t\n\f\r ]\\s)");
  for (const char* re : {R"(a\sb)", R"(a\S+b)", R"([\w.\S]?c)", R"([^\s"\\]+)"}) {
    const RE2 mine(detail::to_hyperscan_syntax(re)), theirs(re);
    for (const char* text : {"a\vb", "a b", "a\nb", "\"x\"", "a.\vc"})
      EXPECT_EQ(RE2::PartialMatch(text, mine), RE2::PartialMatch(text, theirs)) << re;
  }
}

// Which regexes a Hyperscan match needs no RE2 confirmation for (HsState::exact).
TEST(HyperscanSyntax, SameInBothEnginesOnlyWhereNoMatchCanCrossAMessage) {
  for (const char* re : {
           R"(\d+/\d+ nodes are available)",
           R"(exceeded quota: (?P<quota>[\w.-]+), requested: (?P<requested>\S+?))",
           R"((?i)back-off (?:\S+ )?restarting failed container)",
           R"(dial tcp (?P<server>[^\s:]+:(?:6443|6444)): (?:refused|i/o timeout))",
           R"(error: (?P<e>[^"\\\n]+) at \S+ line \d{1,5})",
           R"(x(?i:y)[0-9a-fA-F]{12}\b.*?done|a\.b\(c\)\t\"'#<>=,;~)",
           R"(plain(group)(?P<n_1>z)*?)",
       })
    EXPECT_TRUE(detail::same_in_both_engines(re)) << re;
  for (const char* re : {
           R"(^panic: boom)",          // ^ and $ meet '\n' inside a message
           R"(fatal$)",
           R"(\Afatal)",
           R"(alpha\s+beta)",          // \s takes the '\n' between two messages
           R"(gamma[^x]delta)",        // so does a negated class without \n or \s
           R"(a\Wb)", R"(a\Db)", R"(a\nb)", R"(a\x41)", R"(a\pLb)", R"(\Bx)", R"(a[\s]b)",
           R"([^a\S]b)",               // kept as Hyperscan's, wider than RE2's
           R"(x(?s).y)", R"(x(?i)y)", R"((?U)x+)", R"((?=x)y)",
           R"([a-Z])", R"([!-~]x)", R"([a-\d])", R"([[:alpha:]]x)",  // ranges: letters, digits
           R"(a{,3})", R"(a{2)", R"(a**)", R"(*a)", R"(a)b)", R"((ab)", "caf\xc3\xa9", "a\x01b",
       })
    EXPECT_FALSE(detail::same_in_both_engines(re)) << re;
}

// A message past ASCII is scanned one byte (0xFF) per character: `.`, negated classes and
// counted repeats see as many characters as RE2 does.
TEST(HyperscanSyntax, FoldingKeepsOneByteForEachCharacter) {
  std::string out;
  EXPECT_EQ(detail::fold_to_bytes("plain", out), "plain");
  EXPECT_EQ(detail::fold_to_bytes("caf\xc3\xa9 \xe2\x82\xac" "1 \xf0\x9f\x98\x80!", out),
            "caf\xff \xff" "1 \xff!");
  EXPECT_EQ(detail::fold_to_bytes("bad \x1a byte", out), "bad \x1a byte");  // matchable()'s SUB
  for (const char* re : {
           R"re(image "(?P<img>[^"]{2,4})" failed)re",
           R"(code .{3} end)", R"(user\W+root)", R"(\bword\b \S+ \D)", R"([^\t-~]x)",
           R"(\(?i)", R"((?P<id>x))", R"((?s:.)(?m)^a)",
       })
    EXPECT_TRUE(detail::finds_folded(re)) << re;
  for (const char* re : {
           R"((?i)permission denied)", R"(x(?i:y))", R"((?-i)x)", R"((?mi)x)",  // RE2 folds k, s
           "directory [\xe2\x80\x98']", R"(a\pLb)", R"(a\PLb)", R"(a\Cb)", R"(a\x{e9})",
           R"(a\xe9)", R"(a\351)",
       })
    EXPECT_FALSE(detail::finds_folded(re)) << re;
}

// Hyperscan takes every embedded regex as written: none runs through the RE2::Set, none only
// as an approximation (and a syntax rewrite that broke one would show here first).
TEST(HyperscanSyntax, EveryEmbeddedRegexCompilesExactly) {
  if (!hyperscan_available()) GTEST_SKIP() << "built without Hyperscan";
  auto rules = rules::load_rules(rules::embedded_rule_texts());
  ASSERT_TRUE(rules) << rules.error().message;
  std::vector<std::string> regexes;
  size_t same = 0;
  for (const auto& rule : rules->rules())
    for (const auto& signal : rule.signals) {
      regexes.push_back(signal.regex);
      same += detail::same_in_both_engines(signal.regex);
    }
  std::vector<uint32_t> rejected;
  auto prefilter = detail::HyperscanPrefilter::build(regexes, &rejected);
  ASSERT_TRUE(prefilter);
  EXPECT_EQ(rejected, std::vector<uint32_t>{});
  EXPECT_EQ(prefilter->approximate(), std::vector<uint32_t>{});
  EXPECT_GT(same, regexes.size() * 6 / 10);  // most hits need no RE2 to confirm them (179)
}

TEST(HyperscanSyntax, AsciiCheck) {
  EXPECT_TRUE(detail::is_ascii("plain text\n\t\x7f"));
  EXPECT_FALSE(detail::is_ascii("mkdir: cannot create directory \xe2\x80\x98/data\xe2\x80\x99"));
  EXPECT_TRUE(detail::is_ascii(""));
}

TEST(Engines, TheEngineInUseIsReported) {
  auto rules = test::rules_from_yaml("id: a.b\ntitle: t\nseverity: low\nkind: symptom\n"
                                     "signals: ['disk full']\n");
  auto a = Matcher::compile(rules, Engine::re2_set);
  ASSERT_TRUE(a);
  EXPECT_EQ(a->engine(), Engine::re2_set);
  auto b = Matcher::compile(rules, Engine::automatic);
  ASSERT_TRUE(b);
  EXPECT_EQ(b->engine(), hyperscan_available() ? Engine::hyperscan : Engine::re2_set);
  EXPECT_EQ(engine_name(Engine::re2_set), "re2-set");
  EXPECT_EQ(engine_name(Engine::hyperscan), "hyperscan");
}

TEST(Engines, EveryRuleExampleGivesTheSameHits) {
  if (!hyperscan_available()) GTEST_SKIP() << "built without Hyperscan";
  auto texts = rules::embedded_rule_texts();
  auto rules = rules::load_rules(texts);
  ASSERT_TRUE(rules) << rules.error().message;
  Engines e = compile_both(*rules);
  ASSERT_TRUE(e.re2 && e.hs);
  EXPECT_EQ(e.hs->engine(), Engine::hyperscan);
  formats::RecordBatch batch;
  std::vector<std::string> owners;  // which rule each example belongs to, by record line
  for (const auto& rule : rules->rules())
    for (const auto& ex : rule.examples) {
      batch.records.push_back(test::record(ex.text, SourceKind::log, batch.records.size() + 1));
      owners.push_back(ex.should_match ? rule.id : "");
    }
  Lines ref = expect_all_agree(e, batch, "examples");
  // A match example of a rule whose signals select nothing hits its own rule.
  for (size_t i = 0; i < owners.size(); ++i) {
    auto ix = owners[i].empty() ? std::nullopt : rules->find(owners[i]);
    if (!ix) continue;
    const auto& sigs = (*rules)[*ix].signals;
    const bool plain = std::all_of(sigs.begin(), sigs.end(), [](const rules::Signal& s) {
      return s.select.sources.empty() && s.select.reason.empty() && s.select.type.empty() &&
             s.select.container.empty() && s.select.unit.empty();
    });
    if (!plain) continue;
    const std::string prefix = fmt::format(":{} {} ", i + 1, owners[i]);
    EXPECT_TRUE(std::any_of(ref.begin(), ref.end(),
                            [&](const std::string& l) { return l.starts_with(prefix); }))
        << owners[i] << ": " << batch.records[i].message;
  }
  EXPECT_GT(ref.size(), 150u);
}

// Splits every file of a corpus case into chunks of `chunk_bytes` and matches each batch.
Lines corpus_hits(const Engines& e, const fs::path& dir, size_t chunk_bytes) {
  std::vector<fs::path> files;
  for (const auto& entry : fs::recursive_directory_iterator(dir))
    if (entry.is_regular_file()) files.push_back(entry.path());
  std::sort(files.begin(), files.end());
  FileTable table;
  Problems problems;
  formats::ChunkerOptions opts;
  opts.chunk_bytes = chunk_bytes;
  formats::Chunker chunker(opts, problems);
  Lines all;
  formats::RecordBatch batch;
  for (const auto& path : files) {
    FileInfo info;
    info.member = fs::relative(path, dir).string();
    info.display = info.member;
    const FileInfo* fi = &table.add(info);
    std::string bytes = test::read_file(path.string());
    chunker.feed(fi, bytes, true, [&](std::unique_ptr<formats::Chunk> chunk) {
      batch.clear();
      formats::split(*chunk, batch, problems);
      for (auto& r : batch.records) r.res.container = fi->member;  // names the file in dumps
      Lines got = expect_all_agree(e, batch, fi->member);
      all.insert(all.end(), got.begin(), got.end());
      batch.clear();
    });
  }
  return all;
}

TEST(Engines, EveryCorpusCaseGivesTheSameHitsInSmallAndLargeChunks) {
  if (!hyperscan_available()) GTEST_SKIP() << "built without Hyperscan";
  auto texts = rules::embedded_rule_texts();
  auto rules = rules::load_rules(texts);
  ASSERT_TRUE(rules) << rules.error().message;
  Engines e = compile_both(*rules);
  ASSERT_TRUE(e.re2 && e.hs);
  size_t cases = 0;
  for (const auto& entry : fs::directory_iterator(test::corpus(""))) {
    if (!entry.is_directory()) continue;
    ++cases;
    Lines large = corpus_hits(e, entry.path(), 8 << 20);
    Lines small = corpus_hits(e, entry.path(), 4 << 10);
    std::sort(large.begin(), large.end());
    std::sort(small.begin(), small.end());
    EXPECT_EQ(small, large) << entry.path();
    EXPECT_FALSE(large.empty()) << entry.path();
  }
  EXPECT_GE(cases, 4u);
}

const char* kEdgeRules = R"y(id: edge.anchored
title: t
severity: low
kind: symptom
signals:
  - regex: '^panic: (?P<what>\w+)$'
  - regex: '\Afatal\z'
---
id: edge.across
title: t
severity: low
kind: symptom
signals:
  - regex: 'alpha\s+beta'
  - regex: 'gamma[^x]delta'
---
id: edge.fold
title: t
severity: low
kind: symptom
signals:
  - regex: '(?i)permission denied'
  - regex: 'directory [‘'']/(?P<dir>[^’'']+)[’'']'
---
id: edge.empty
title: t
severity: low
kind: symptom
signals:
  - regex: 'x*'
    unless: 'quiet'
---
id: edge.word
title: t
severity: low
kind: symptom
signals:
  - regex: '\bOOMKilled\b'
---
id: edge.vt
title: t
severity: low
kind: symptom
signals:
  - regex: 'server (?P<name>\S+) refused'
---
id: edge.utf8
title: t
severity: low
kind: symptom
signals:
  - regex: 'image "(?P<img>[^"]{2,4})" failed'
  - regex: 'code .{3} end'
  - regex: 'user\W+root'
)y";

// The edge cases' messages, one record each, lines 1..25.
formats::RecordBatch edge_batch() {
  formats::RecordBatch batch;
  static const std::vector<std::string> texts = {  // records borrow from them
      "panic: boom",                 // anchored both ends
      "x panic: boom",               // not at the start
      "fatal",                       // \A...\z
      "fatal\nnext line",            // \z is the end of the message, not of a line
      "alpha",                       // with the next message would make "alpha\nbeta"
      "beta",
      "gamma",
      "delta",
      "PERMISSION DENIED on /data",  // ASCII case folding
      "perm\xc5\xbfion denied",      // non-ASCII (U+017F): the RE2::Set decides, not Hyperscan
      "mkdir: cannot create directory \xe2\x80\x98/var/lib/data\xe2\x80\x99: Permission denied",
      "mkdir: cannot create directory '/srv/www': Permission denied",
      "pod OOMKilled",
      "\xff\xfe binary OOMKilled junk",  // invalid UTF-8 around a word
      "quiet please",
      "",
      "server a\vb refused",     // RE2's \S takes \v: Hyperscan's must too
      "first line\npanic: boom",  // ^ and $ of a message, not of its lines
      "gamma\ndelta",             // [^x] takes a message's own '\n'
      // Past ASCII: Hyperscan scans one byte per character, RE2 checks the other regexes.
      "image \"\xc3\xa9\xe2\x82\xacx\" failed",  // 3 characters, 6 bytes: {2,4} of [^"]
      "code \xc3\xa4\xc3\xb6\xc3\xbc end",      // .{3}
      "user\xc2\xa0root",                     // \W takes a no-break space
      "permi\xc5\xbf\xc5\xbfion denied",        // (?i) s takes the long s (U+017F)
      "\xe2\x84\xaa: PERMISSION DENIED",       // a Kelvin sign before an ASCII match
      "code \xc3\xa4\xc3\xb6\xc3\xbc\xc3\xa4 end",  // 4 characters: not .{3}
  };
  for (size_t i = 0; i < texts.size(); ++i)
    batch.records.push_back(test::record(texts[i], SourceKind::log, i + 1));
  return batch;
}

const Lines kEdgeHits = {
    ":1 edge.anchored s0 m1 what=boom", ":1 edge.empty s0 m1",
    ":2 edge.empty s0 m1",              ":3 edge.anchored s1 m2",
    ":3 edge.empty s0 m1",              ":4 edge.empty s0 m1",
    ":5 edge.empty s0 m1",              ":6 edge.empty s0 m1",
    ":7 edge.empty s0 m1",              ":8 edge.empty s0 m1",
    ":9 edge.empty s0 m1",              ":9 edge.fold s0 m1",
    ":10 edge.empty s0 m1",             ":11 edge.empty s0 m1",
    ":11 edge.fold s0 m3",              ":12 edge.empty s0 m1",
    ":12 edge.fold s0 m3",              ":13 edge.empty s0 m1",
    ":13 edge.word s0 m1",              ":14 edge.empty s0 m1",
    ":14 edge.word s0 m1",              ":17 edge.empty s0 m1",
    ":17 edge.vt s0 m1 name=a\vb",      ":18 edge.empty s0 m1",
    ":19 edge.across s1 m2",            ":19 edge.empty s0 m1",
    ":20 edge.empty s0 m1",             ":20 edge.utf8 s0 m1 img=\xc3\xa9\xe2\x82\xacx",
    ":21 edge.empty s0 m1",             ":21 edge.utf8 s1 m2",
    ":22 edge.empty s0 m1",             ":22 edge.utf8 s2 m4",
    ":23 edge.empty s0 m1",             ":23 edge.fold s0 m1",
    ":24 edge.empty s0 m1",             ":24 edge.fold s0 m1",
    ":25 edge.empty s0 m1",
};

TEST(Engines, EdgeCasesOfScanningManyMessagesAtOnce) {
  if (!hyperscan_available()) GTEST_SKIP() << "built without Hyperscan";
  auto rules = test::rules_from_yaml(kEdgeRules);
  Engines e = compile_both(rules);
  ASSERT_TRUE(e.re2 && e.hs);
  const formats::RecordBatch batch = edge_batch();
  EXPECT_EQ(expect_all_agree(e, batch, "edges"), kEdgeHits);
}

// Without a leftover signal (edge.empty is one: it matches the empty string, which Hyperscan
// does not take), the batch path joins messages unchecked and checks each slice as a whole:
// a slice holding non-ASCII messages must still send exactly those to the RE2::Set.
TEST(Engines, EdgeCasesWithoutLeftoverSignals) {
  if (!hyperscan_available()) GTEST_SKIP() << "built without Hyperscan";
  std::string yaml = kEdgeRules;
  const size_t from = yaml.find("id: edge.empty"), to = yaml.find("id: edge.word");
  ASSERT_NE(from, std::string::npos);
  yaml.erase(from, to - from);
  auto rules = test::rules_from_yaml(yaml);
  Engines e = compile_both(rules);
  ASSERT_TRUE(e.re2 && e.hs);
  Lines expected;
  for (const auto& l : kEdgeHits)
    if (l.find(" edge.empty ") == std::string::npos) expected.push_back(l);
  const formats::RecordBatch batch = edge_batch();
  EXPECT_EQ(expect_all_agree(e, batch, "edges without leftovers"), expected);
}

// Matcher::scan_text, for the sparse text split: the ASCII edge messages written one per line
// (as a text file holds them) and scanned whole. Every message the batch path hits or marks
// must hold an end offset (in its bytes or its newline). With a leftover signal it declines.
TEST(Engines, ScanningTextWholeFindsEveryMessageTheBatchPathFinds) {
  if (!hyperscan_available()) GTEST_SKIP() << "built without Hyperscan";
  std::string yaml = kEdgeRules;
  yaml.erase(yaml.find("id: edge.empty"), yaml.find("id: edge.word") - yaml.find("id: edge.empty"));
  auto rules = test::rules_from_yaml(yaml);
  const std::vector<std::string> markers = {"(?i:timeout|refused|boom)", R"(^[WEF]\d{4})"};
  auto m = Matcher::compile(rules, Engine::hyperscan, {}, markers);
  ASSERT_TRUE(m) << m.error().message;
  const formats::RecordBatch edges = edge_batch();
  formats::RecordBatch batch;
  std::string text;
  std::vector<std::pair<size_t, size_t>> spans;  // each message's bytes and its newline
  for (const auto& r : edges.records) {
    if (!detail::is_ascii(r.message) || r.message.empty()) continue;
    spans.emplace_back(text.size(), text.size() + r.message.size() + 1);
    text.append(r.message);
    text += '\n';
  }
  for (const char* extra : {"E0604 refused", "x W0604 not a header", "read timeout after 3s"}) {
    spans.emplace_back(text.size(), text.size() + std::strlen(extra) + 1);
    (text += extra) += '\n';
  }
  for (size_t i = 0; i < spans.size(); ++i) {
    const auto [b, e] = spans[i];
    batch.records.push_back(
        test::record(std::string_view(text).substr(b, e - 1 - b), SourceKind::log, i + 1));
  }
  DumpSink sink;
  sink.rules = &rules;
  std::vector<uint8_t> marked;
  MatchScratch scratch;
  m->match(batch, scratch, sink, &marked);
  std::vector<uint32_t> ends;
  ASSERT_TRUE(m->scan_text(text, scratch, ends));
  ASSERT_TRUE(std::is_sorted(ends.begin(), ends.end()));
  ASSERT_EQ(std::adjacent_find(ends.begin(), ends.end()), ends.end());
  int found = 0;
  for (size_t i = 0; i < spans.size(); ++i) {
    const bool hit = std::any_of(sink.lines.begin(), sink.lines.end(), [&](const std::string& l) {
      return l.starts_with(fmt::format(":{} ", batch.records[i].line));
    });
    if (!hit && !marked[i]) continue;
    ++found;
    const auto h = std::lower_bound(ends.begin(), ends.end(), spans[i].first);
    EXPECT_TRUE(h != ends.end() && *h < spans[i].second) << batch.records[i].message;
  }
  EXPECT_GE(found, 8);
  auto leftover = Matcher::compile(test::rules_from_yaml(kEdgeRules), Engine::hyperscan);
  ASSERT_TRUE(leftover);
  EXPECT_FALSE(leftover->scan_text(text, scratch, ends));  // edge.empty: the RE2::Set's
  auto plain = Matcher::compile(rules, Engine::re2_set);
  ASSERT_TRUE(plain);
  EXPECT_FALSE(plain->scan_text(text, scratch, ends));
}

TEST(Engines, ArenaMessagesAndSlicesBiggerThanOneScan) {
  if (!hyperscan_available()) GTEST_SKIP() << "built without Hyperscan";
  auto rules = test::rules_from_yaml(kEdgeRules);
  Engines e = compile_both(rules);
  ASSERT_TRUE(e.re2 && e.hs);
  formats::RecordBatch batch;
  // 3000 messages of ~300 bytes (several Hyperscan slices), every 7th a hit, some built in the
  // arena (as JSON unescaping does), and one message far larger than a slice.
  std::string big(600 << 10, 'z');
  big += " pod OOMKilled";
  std::vector<std::string> owned;
  owned.reserve(3001);
  for (int i = 0; i < 3000; ++i) {
    std::string text = fmt::format("{:0>280} {}", i, i % 7 == 0 ? "PERMISSION denied" : "ok");
    owned.push_back(std::move(text));
  }
  owned.push_back(big);
  for (size_t i = 0; i < owned.size(); ++i) {
    std::string_view msg = owned[i];
    if (i % 5 == 0) msg = batch.arena.keep(msg);
    batch.records.push_back(test::record(msg, SourceKind::log, i + 1));
  }
  Lines ref = expect_all_agree(e, batch, "slices");
  const auto fold = std::count_if(ref.begin(), ref.end(), [](const std::string& l) {
    return l.find(" edge.fold ") != std::string::npos;
  });
  EXPECT_EQ(fold, 429);  // ceil(3000 / 7)
  EXPECT_EQ(ref.back(), ":3001 edge.word s0 m1");
}

TEST(Engines, MarkersMarkTheRecordsTheyMatchAndNeverHit) {
  auto rules = test::rules_from_yaml(kEdgeRules);
  const std::vector<std::string> markers = {"(?i:timeout|refused)", R"(\bquux\b)"};
  formats::RecordBatch batch;
  const std::vector<std::string> texts = {
      "read TIMEOUT after 3s",         // marker 0, any case
      "quiet please",                  // nothing
      "pod OOMKilled, refused",        // a rule's hit and marker 0
      "quux",                          // marker 1
      "quuxes",                        // marker 1 needs a word boundary
      "r\xc3\xa9ponse refused",        // non-ASCII: the RE2::Set marks it
      "",
  };
  for (size_t i = 0; i < texts.size(); ++i)
    batch.records.push_back(test::record(texts[i], SourceKind::log, i + 1));
  const std::vector<uint8_t> expected = {1, 0, 1, 1, 0, 1, 0};
  Lines without;
  {
    auto plain = Matcher::compile(rules, Engine::re2_set);
    ASSERT_TRUE(plain);
    without = batch_hits(*plain, batch);
  }
  for (auto engine : {Engine::re2_set, Engine::hyperscan}) {
    if (engine == Engine::hyperscan && !hyperscan_available()) continue;
    auto m = Matcher::compile(rules, engine, {}, markers);
    ASSERT_TRUE(m) << m.error().message;
    EXPECT_EQ(m->markers(), markers);
    DumpSink sink;
    sink.rules = &rules;
    MatchScratch scratch;
    std::vector<uint8_t> marked(3, 7);  // resized and overwritten
    m->match(batch, scratch, sink, &marked);
    EXPECT_EQ(marked, expected) << engine_name(engine);
    EXPECT_EQ(sink.lines, without) << engine_name(engine) << ": markers change no hit";
  }
  auto bad = Matcher::compile(rules, Engine::re2_set, {}, {"(unclosed"});
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().where, "marker regex");
}

}  // namespace
}  // namespace kdx::match
