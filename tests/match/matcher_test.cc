#include "match/match.h"

#include <gtest/gtest.h>

#include "support/rule_fixture.h"

namespace kdx::match {
namespace {

using test::record;

struct Recorded {
  std::string rule;
  uint16_t signal;
  uint64_t mask;
  std::vector<std::pair<std::string, std::string>> captures;
};

struct RecordingSink final : HitSink {
  const rules::RuleSet* rules;
  std::vector<Recorded> hits;
  void on_hit(const Hit& h) override {
    Recorded r{(*rules)[h.rule].id, h.signal, h.signal_mask, {}};
    for (const auto& c : h.captures()) r.captures.emplace_back(c.name, c.value);
    hits.push_back(r);
  }
};

const char* kRules = R"y(id: volume.wrong-ownership
title: t
severity: critical
kind: root-cause
signals:
  - name: pg
    regex: 'data directory "(?P<datadir>[^"]+)" has wrong ownership'
  - name: any-ownership
    regex: 'wrong ownership'
---
id: container.crashloop
title: t
severity: high
kind: symptom
signals:
  - regex: 'Back-off restarting failed container (?P<container>\S+)'
    sources: [event]
    reason: BackOff
    type: Warning
---
id: misc.permission
title: t
severity: low
kind: symptom
signals:
  - regex: '(?i)permission denied'
    unless: 'favicon|sshd'
    container: 'app|web'
)y";

class MatcherTest : public ::testing::Test {
 protected:
  void SetUp() override {
    rules_ = test::rules_from_yaml(kRules);
    auto m = Matcher::compile(rules_);
    ASSERT_TRUE(m) << m.error().message;
    matcher_ = std::make_unique<Matcher>(std::move(*m));
    sink_.rules = &rules_;
  }
  void run(const formats::Record& r) { matcher_->match_record(r, scratch_, sink_); }

  rules::RuleSet rules_;
  std::unique_ptr<Matcher> matcher_;
  MatchScratch scratch_;
  RecordingSink sink_;
};

TEST_F(MatcherTest, OneHitPerRuleWithEverySignalInTheMask) {
  run(record(R"(FATAL:  data directory "/var/lib/postgresql/data" has wrong ownership)"));
  ASSERT_EQ(sink_.hits.size(), 1u);
  EXPECT_EQ(sink_.hits[0].rule, "volume.wrong-ownership");
  EXPECT_EQ(sink_.hits[0].signal, 0);
  EXPECT_EQ(sink_.hits[0].mask, 3u);
  ASSERT_EQ(sink_.hits[0].captures.size(), 1u);
  EXPECT_EQ(sink_.hits[0].captures[0].first, "datadir");
  EXPECT_EQ(sink_.hits[0].captures[0].second, "/var/lib/postgresql/data");
}

TEST_F(MatcherTest, CapturesOfAMessageAreTheHitsCaptures) {
  rules::RuleIx rule = 0;
  while (rule < rules_.size() && rules_[rule].id != "volume.wrong-ownership") ++rule;
  ASSERT_LT(rule, rules_.size());
  // Invalid UTF-8 before the path: matched in a copy, captures point into the message.
  const std::string message =
      "\xff FATAL:  data directory \"/var/lib/postgresql/data\" has wrong ownership";
  run(record(message));
  ASSERT_EQ(sink_.hits.size(), 1u);
  const auto captures = matcher_->captures_of(rule, 0, message);
  ASSERT_EQ(captures.size(), 1u);
  EXPECT_EQ(captures[0].name, "datadir");
  EXPECT_EQ(captures[0].value, "/var/lib/postgresql/data");
  EXPECT_EQ(sink_.hits[0].captures[0].second, captures[0].value);
  EXPECT_GE(captures[0].value.data(), message.data());
  EXPECT_LT(captures[0].value.data(), message.data() + message.size());
  EXPECT_TRUE(matcher_->captures_of(rule, 0, "all good").empty());
}

TEST_F(MatcherTest, SelectorsMustAllPass) {
  auto r = record("Back-off restarting failed container postgres in pod postgres-0_db(1)", SourceKind::event);
  r.reason = "BackOff";
  r.type = "Warning";
  run(r);
  ASSERT_EQ(sink_.hits.size(), 1u);
  EXPECT_EQ(sink_.hits[0].captures[0].second, "postgres");

  sink_.hits.clear();
  r.type = "Normal";
  run(r);
  r.type = "Warning";
  r.reason = "BackOffPullImage";  // reason is a full match
  run(r);
  r.reason = "BackOff";
  r.kind = SourceKind::log;
  run(r);
  EXPECT_TRUE(sink_.hits.empty());
}

TEST_F(MatcherTest, UnlessSuppressesNearMisses) {
  auto r = record("open /srv/favicon.ico: Permission denied");
  r.res.container = "web";
  run(r);
  EXPECT_TRUE(sink_.hits.empty());
  auto r2 = record("open /data/db: permission denied");
  r2.res.container = "web";
  run(r2);
  ASSERT_EQ(sink_.hits.size(), 1u);
  EXPECT_EQ(sink_.hits[0].rule, "misc.permission");
  sink_.hits.clear();
  r2.res.container = "postgres";  // container selector: full match only
  run(r2);
  EXPECT_TRUE(sink_.hits.empty());
}

TEST_F(MatcherTest, BatchHitsCarryTheChunk) {
  formats::Chunk chunk;
  formats::RecordBatch batch;
  batch.chunk = &chunk;
  batch.records.push_back(record("nothing here"));
  batch.records.push_back(record("wrong ownership"));
  struct ChunkSink final : HitSink {
    const formats::Chunk* seen = nullptr;
    int n = 0;
    void on_hit(const Hit& h) override { seen = h.chunk; ++n; }
  } sink;
  matcher_->match(batch, scratch_, sink);
  EXPECT_EQ(sink.n, 1);
  EXPECT_EQ(sink.seen, &chunk);
}

TEST_F(MatcherTest, ExamplesAreCheckedAgainstTheirOwnRule) {
  auto rs = test::rules_from_yaml(R"y(id: a.b
title: t
severity: low
kind: symptom
signals: ['disk full']
examples:
  match: ['the disk full again', 'disk is fine']
  no_match: ['disk full!']
)y");
  auto m = Matcher::compile(rs);
  ASSERT_TRUE(m);
  auto failures = check_examples(*m);
  ASSERT_EQ(failures.size(), 2u);
  EXPECT_EQ(failures[0].text, "disk is fine");
  EXPECT_TRUE(failures[0].should_match);
  EXPECT_EQ(failures[0].line, 7);
  EXPECT_EQ(failures[1].text, "disk full!");
  EXPECT_FALSE(failures[1].should_match);
  EXPECT_EQ(failures[1].line, 8);
}

}  // namespace
}  // namespace kdx::match
