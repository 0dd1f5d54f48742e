#include <fmt/format.h>
#include <gtest/gtest.h>

#include "core/time.h"
#include "rules/rules.h"

namespace kdx::rules {
namespace {

Expected<RuleSet> load(const std::string& text, const std::string& name = "patterns/t.yaml") {
  std::vector<RuleText> texts{{name, text}};
  return load_rules(texts);
}

const char* kGood = R"y(id: volume.wrong-ownership
title: Volume owned by root
severity: critical
kind: root-cause
category: storage
signals:
  - name: pg
    regex: 'data directory "(?P<datadir>[^"]+)" has wrong ownership'
    sources: [log]
condition:
  min_count: 2
  window: 10m
explains: [container.crashloop]
fix: chown 999 {datadir}
references: [https://example.org/a]
examples:
  match: ['FATAL:  data directory "/d" has wrong ownership']
  no_match: ['all good']
---
id: container.crashloop
title: Crash loop
severity: high
kind: symptom
signals: ['Back-off restarting failed container']
)y";

TEST(LoadRules, ParsesEveryField) {
  auto rs = load(kGood);
  ASSERT_TRUE(rs) << rs.error().message;
  ASSERT_EQ(rs->size(), 2u);
  auto ix = rs->find("volume.wrong-ownership");
  ASSERT_TRUE(ix);
  const Rule& r = (*rs)[*ix];
  EXPECT_EQ(r.severity, Severity::critical);
  EXPECT_EQ(r.kind, RuleKind::root_cause);
  EXPECT_EQ(r.line, 1);
  ASSERT_EQ(r.signals.size(), 1u);
  EXPECT_EQ(r.signals[0].name, "pg");
  EXPECT_EQ(r.signals[0].line, 7);
  ASSERT_EQ(r.signals[0].select.sources.size(), 1u);
  EXPECT_EQ(r.signals[0].select.sources[0], SourceKind::log);
  EXPECT_EQ(r.condition.min_count, 2u);
  EXPECT_EQ(r.condition.window_ns, 600 * kNsPerSecond);
  EXPECT_EQ(r.explains, std::vector<std::string>{"container.crashloop"});
  ASSERT_EQ(r.examples.size(), 2u);
  EXPECT_TRUE(r.examples[0].should_match);
  EXPECT_FALSE(r.examples[1].should_match);
  // Sorted by id; the bare-string signal gets a default name.
  EXPECT_EQ(rs->rules()[0].id, "container.crashloop");
  EXPECT_EQ(rs->rules()[0].signals[0].name, "s1");
  EXPECT_EQ(rs->rules()[0].line, 20);
}

TEST(LoadRules, UnknownFieldNamesFileLineAndRule) {
  auto rs = load("id: a.b\ntitle: t\nsevrity: high\nkind: symptom\nsignals: [x]\n");
  ASSERT_FALSE(rs);
  EXPECT_EQ(rs.error().message,
            "patterns/t.yaml:3 (a.b): unknown field 'sevrity'\n"
            "patterns/t.yaml:1 (a.b): rule has no 'severity'");
}

TEST(LoadRules, LookBehindIsRejectedWithRe2sReason) {
  auto rs = load("id: a.b\ntitle: t\nseverity: high\nkind: symptom\nsignals:\n  - regex: '(?<=x)y'\n");
  ASSERT_FALSE(rs);
  EXPECT_EQ(rs.error().message,
            "patterns/t.yaml:6 (a.b): regex does not compile with RE2: invalid perl operator: (?< "
            "(RE2 has no look-around or back-references)");
}

TEST(LoadRules, DuplicateIdAndUnknownExplains) {
  auto rs = load(
      "id: a.b\ntitle: t\nseverity: high\nkind: root-cause\nsignals: [x]\nexplains: [no.such]\n"
      "---\nid: a.b\ntitle: t\nseverity: high\nkind: symptom\nsignals: [y]\n");
  ASSERT_FALSE(rs);
  EXPECT_EQ(rs.error().message,
            "patterns/t.yaml:8 (a.b): duplicate id (first defined at patterns/t.yaml:1)\n"
            "patterns/t.yaml:1 (a.b): explains unknown id 'no.such'");
}

TEST(LoadRules, FixPlaceholderMustBeACapture) {
  auto rs = load("id: a.b\ntitle: t\nseverity: high\nkind: root-cause\nsignals: ['(?P<x>\\d+)']\n"
                 "fix: 'chown {uid} {x}'\n");
  ASSERT_FALSE(rs);
  EXPECT_EQ(rs.error().message,
            "patterns/t.yaml:1 (a.b): fix uses '{uid}' but no signal has a named capture 'uid'");
}

TEST(LoadRules, InvalidYamlNamesTheLine) {
  auto rs = load("id: a.b\ntitle: [unclosed\n");
  ASSERT_FALSE(rs);
  EXPECT_NE(rs.error().message.find("patterns/t.yaml:"), std::string::npos);
  EXPECT_NE(rs.error().message.find("invalid YAML"), std::string::npos);
}

TEST(LoadRules, BadEnumsAndConditions) {
  auto rs = load("id: a.b\ntitle: t\nseverity: urgent\nkind: cause\nsignals:\n  - regex: x\n"
                 "    sources: [logs]\ncondition: {min_count: 0, window: soon}\n");
  ASSERT_FALSE(rs);
  EXPECT_EQ(rs.error().message,
            "patterns/t.yaml:3 (a.b): severity must be one of critical, high, medium, low, info\n"
            "patterns/t.yaml:4 (a.b): kind must be root-cause or symptom\n"
            "patterns/t.yaml:7 (a.b): unknown source 'logs' (expected log, event, pod_status, "
            "describe, journal or text)\n"
            "patterns/t.yaml:8 (a.b): condition 'min_count' must be a whole number >= 1\n"
            "patterns/t.yaml:8 (a.b): condition 'window' must be a duration like 10m or 1h, not 'soon'");
}

TEST(LoadRules, NothingIsHalfLoaded) {
  std::vector<RuleText> texts{{"patterns/a.yaml", kGood},
                              {"patterns/b.yaml", "id: x.y\ntitle: t\nseverity: high\n"}};
  auto rs = load_rules(texts);
  ASSERT_FALSE(rs);
  EXPECT_EQ(rs.error().message,
            "patterns/b.yaml:1 (x.y): rule has no 'kind'\n"
            "patterns/b.yaml:1 (x.y): rule has no 'signals'");
}

// Files are read in parallel and joined in their order: rules and errors come out as if read
// one after another, whichever file finished first (a duplicate id names the earlier file).
TEST(LoadRules, ManyFilesGiveRulesAndErrorsInFileOrder) {
  std::vector<std::string> names, bodies;
  for (int i = 0; i < 40; ++i) {
    names.push_back(fmt::format("patterns/f{:02}.yaml", i));
    // Every seventh file lacks its signals; the last one reuses the first one's id.
    const std::string id = i == 39 ? "r.f00" : fmt::format("r.f{:02}", i);
    std::string body = fmt::format("id: {}\ntitle: t\nseverity: high\nkind: symptom\n", id);
    if (i % 7 != 3) body += "signals:\n  - regex: 'boom \\d+'\n";
    bodies.push_back(std::move(body));
  }
  std::vector<RuleText> texts;
  for (int i = 0; i < 40; ++i) texts.push_back({names[i], bodies[i]});
  auto rs = load_rules(texts);
  ASSERT_FALSE(rs);
  std::string expected;
  for (int i = 3; i < 40; i += 7)
    expected += fmt::format("patterns/f{:02}.yaml:1 (r.f{:02}): rule has no 'signals'\n", i, i);
  expected += "patterns/f39.yaml:1 (r.f00): duplicate id (first defined at patterns/f00.yaml:1)";
  EXPECT_EQ(rs.error().message, expected);
  for (int i = 3; i < 40; i += 7) bodies[i] += "signals:\n  - regex: 'boom'\n";
  texts.clear();
  for (int i = 0; i < 39; ++i) texts.push_back({names[i], bodies[i]});
  rs = load_rules(texts);
  ASSERT_TRUE(rs) << rs.error().message;
  ASSERT_EQ(rs->size(), 39u);
  for (size_t i = 0; i < rs->size(); ++i) EXPECT_EQ((*rs)[i].id, fmt::format("r.f{:02}", i));
}

// Every field of a rule, one line each: what the start-up cache must give back.
std::string dump(const RuleSet& rs) {
  std::string out;
  for (const Rule& r : rs.rules()) {
    out += fmt::format("{}|{}|{}|{}|{}|{}|{}:{}|{}:{}|{}|{}\n", r.id, r.title, r.description,
                       r.category, to_string(r.severity), to_string(r.kind), r.file, r.line,
                       r.condition.min_count, r.condition.window_ns, r.condition.all_signals,
                       r.fix);
    for (const auto& s : r.signals) {
      out += fmt::format("  s {}|{}|{}|{}|{}|{}|{}|{}|", s.name, s.regex, s.unless, s.line,
                         s.select.reason, s.select.type, s.select.container, s.select.unit);
      for (auto k : s.select.sources) out += fmt::format("{},", to_string(k));
      out += '\n';
    }
    for (const auto& e : r.explains) out += "  explains " + e + "\n";
    for (const auto& ref : r.references) out += "  ref " + ref + "\n";
    for (const auto& e : r.examples)
      out += fmt::format("  ex {}|{}|{}\n", e.text, e.should_match, e.line);
  }
  return out;
}

// The embedded database as bytes and back: every field the same. Every shorter prefix of the
// bytes, and bytes of another format, read as nothing rather than as a part.
TEST(RuleBytes, GiveBackEveryFieldAndRefuseAnythingElse) {
  auto rs = load_rules(embedded_rule_texts());
  ASSERT_TRUE(rs) << rs.error().message;
  const std::string bytes = rule_set_bytes(*rs);
  auto back = rule_set_from_bytes(bytes);
  ASSERT_TRUE(back);
  EXPECT_EQ(dump(*back), dump(*rs));
  EXPECT_EQ(rule_set_bytes(*back), bytes);
  EXPECT_NE(dump(*rs).find("  ex "), std::string::npos);  // the dump does see the fields
  EXPECT_NE(dump(*rs).find("  explains "), std::string::npos);
  for (size_t n = 0; n < bytes.size(); n += 1 + n / 50)
    EXPECT_FALSE(rule_set_from_bytes(std::string_view(bytes).substr(0, n))) << n;
  std::string other = bytes;
  other[0] = static_cast<char>(kRuleBytesFormat + 1);
  EXPECT_FALSE(rule_set_from_bytes(other));
  EXPECT_FALSE(rule_set_from_bytes(bytes + "x"));
}

TEST(LoadRules, EmbeddedDatabaseLoads) {
  auto texts = embedded_rule_texts();
  ASSERT_FALSE(texts.empty());
  auto rs = load_rules(texts);
  ASSERT_TRUE(rs) << rs.error().message;
  EXPECT_GT(rs->size(), 10u);
}

}  // namespace
}  // namespace kdx::rules
