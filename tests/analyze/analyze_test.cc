#include "analyze/analyze.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <deque>

#include "support/rule_fixture.h"

namespace kdx::analyze {
namespace {

const char* kRules = R"y(id: volume.wrong-ownership
title: Volume owned by root
severity: critical
kind: root-cause
signals:
  - regex: 'data directory "(?P<datadir>[^"]+)" has wrong ownership'
explains: [container.crashloop]
fix: 'chown -R 999:999 {datadir}'
---
id: container.crashloop
title: Crash loop
severity: high
kind: symptom
signals:
  - regex: 'Back-off restarting failed container'
fix: 'kubectl logs --previous'
---
id: probe.readiness-http-error
title: Readiness probe fails
severity: high
kind: root-cause
signals:
  - regex: 'Readiness probe failed: HTTP probe failed with statuscode: (?P<code>\d+)'
condition: {min_count: 3, window: 10m}
---
id: docker.bridge-no-ipv4
title: docker0 has no IPv4
severity: high
kind: root-cause
signals: ['docker0.*no IPv4']
explains: [docker.dns-resolution-failure]
---
id: docker.dns-resolution-failure
title: DNS fails in containers
severity: medium
kind: symptom
signals: ['Temporary failure in name resolution']
)y";

struct Feed {
  std::string message;
  std::string ns, pod, container;
  const char* ts = nullptr;
  uint32_t repeat = 1;
  uint64_t line = 1;
  int file = 0;
  std::string node = {}, unit = {};
};

class AnalyzeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    rules_ = test::rules_from_yaml(kRules);
    auto m = match::Matcher::compile(rules_);
    ASSERT_TRUE(m) << m.error().message;
    matcher_ = std::make_unique<match::Matcher>(std::move(*m));
    for (const char* name : {"bundle.tar.gz:logs/postgres.log", "bundle.tar.gz:events/db.json"}) {
      FileInfo info;
      info.display = name;
      chunks_.emplace_back();
      chunks_.back().file = &files_.add(info);
    }
  }

  void feed(Collector& c, const std::vector<Feed>& feeds) {
    match::MatchScratch scratch;
    for (const auto& f : feeds) {
      formats::RecordBatch batch;
      batch.chunk = &chunks_[static_cast<size_t>(f.file)];
      formats::Record r = test::record(f.message, SourceKind::log, f.line);
      r.res.ns = f.ns;
      r.res.pod = f.pod;
      r.res.container = f.container;
      r.res.node = f.node;
      r.res.unit = f.unit;
      if (f.ts) r.ts = r.first_ts = *parse_rfc3339(f.ts);
      r.repeat = f.repeat;
      batch.records.push_back(r);
      matcher_->match(batch, scratch, c);
    }
  }

  Analysis run(const std::vector<Feed>& feeds) {
    Collector c;
    feed(c, feeds);
    return analyze(rules_, c, files_);
  }

  rules::RuleSet rules_;
  std::unique_ptr<match::Matcher> matcher_;
  FileTable files_;
  std::deque<formats::Chunk> chunks_;
};

std::vector<std::string> ids(const Analysis& a) {
  std::vector<std::string> out;
  for (const auto& f : a.findings) out.push_back(f.id);
  return out;
}

const char* kOwnership = R"(FATAL:  data directory "/var/lib/postgresql/data" has wrong ownership)";

TEST_F(AnalyzeTest, CauseAbsorbsTheSymptomItExplainsOnTheSamePod) {
  auto a = run({{kOwnership, "db", "postgres-0", "postgres", "2025-11-20T09:12:01Z", 1, 12, 0},
                {"Back-off restarting failed container postgres", "db", "postgres-0", "", "2025-11-20T09:13:00Z", 14, 40, 1},
                {"Back-off restarting failed container web", "web", "web-1", "", "2025-11-20T09:14:00Z", 2, 41, 1}});
  ASSERT_EQ(ids(a), (std::vector<std::string>{"volume.wrong-ownership", "container.crashloop"}));
  const Finding& f = a.findings[0];
  EXPECT_EQ(f.rank, 1);
  EXPECT_EQ(f.severity, Severity::critical);
  EXPECT_EQ(f.resources, std::vector<std::string>{"db/postgres-0"});
  ASSERT_EQ(f.explains.size(), 1u);
  EXPECT_EQ(f.explains[0].id, "container.crashloop");
  EXPECT_EQ(f.explains[0].count, 14u);
  EXPECT_EQ(f.explains[0].resources, std::vector<std::string>{"db/postgres-0"});
  ASSERT_EQ(f.evidence.size(), 1u);
  EXPECT_EQ(f.evidence[0].path, "bundle.tar.gz:logs/postgres.log");
  EXPECT_EQ(f.evidence[0].line, 12u);
  EXPECT_EQ(f.fix, "chown -R 999:999 /var/lib/postgresql/data");
  EXPECT_EQ(format_rfc3339(f.first_seen), "2025-11-20T09:12:01Z");
  // The crash loop of another pod is not explained: it still ranks on its own.
  EXPECT_EQ(a.findings[1].resources, std::vector<std::string>{"web/web-1"});
  EXPECT_EQ(a.findings[1].count, 2u);
}

TEST_F(AnalyzeTest, ConditionNotMetListsTheFindingAsTransientInfo) {
  const char* probe = "Readiness probe failed: HTTP probe failed with statuscode: 404";
  auto once = run({{probe, "app", "api-1", "", "2025-11-20T09:00:00Z"}});
  ASSERT_EQ(once.findings.size(), 1u);
  EXPECT_EQ(once.findings[0].severity, Severity::info);
  EXPECT_TRUE(once.findings[0].transient);

  // Three failures, but spread over more than the 10m window.
  auto spread = run({{probe, "app", "api-1", "", "2025-11-20T09:00:00Z"},
                     {probe, "app", "api-1", "", "2025-11-20T09:20:00Z"},
                     {probe, "app", "api-1", "", "2025-11-20T09:40:00Z"}});
  EXPECT_EQ(spread.findings[0].severity, Severity::info);

  // An event seen 14 times counts 14 times.
  auto repeated = run({{probe, "app", "api-1", "", "2025-11-20T09:00:00Z", 14}});
  EXPECT_EQ(repeated.findings[0].severity, Severity::high);
  EXPECT_FALSE(repeated.findings[0].transient);
  EXPECT_EQ(repeated.findings[0].captures, (Captures{{"code", "404"}}));
}

TEST_F(AnalyzeTest, WithoutResourcesCorrelationUsesTheTimeWindow) {
  auto near = run({{"docker0: bridge has no IPv4 address", "", "", "", "2025-06-04T10:00:00Z"},
                   {"Temporary failure in name resolution", "", "", "", "2025-06-04T10:05:00Z"}});
  ASSERT_EQ(ids(near), std::vector<std::string>{"docker.bridge-no-ipv4"});
  auto far = run({{"docker0: bridge has no IPv4 address", "", "", "", "2025-06-04T10:00:00Z"},
                  {"Temporary failure in name resolution", "", "", "", "2025-06-04T13:00:00Z"}});
  EXPECT_EQ(ids(far), (std::vector<std::string>{"docker.bridge-no-ipv4", "docker.dns-resolution-failure"}));
}

TEST_F(AnalyzeTest, HostCausesExplainSymptomsOfOtherUnitsOnTheSameNodeAndTime) {
  Feed cause{"docker0: bridge has no IPv4 address", "", "", "", "2025-06-04T16:03:00Z"};
  cause.node = "node1";
  cause.unit = "systemd-networkd";
  Feed symptom{"Temporary failure in name resolution", "", "", "", "2025-06-04T16:10:00Z"};
  symptom.node = "node1";
  symptom.unit = "docker";
  auto a = run({cause, symptom});
  ASSERT_EQ(ids(a), std::vector<std::string>{"docker.bridge-no-ipv4"});
  EXPECT_EQ(a.findings[0].explains[0].resources, std::vector<std::string>{"docker on node1"});
  symptom.node = "node2";  // another host: not explained
  EXPECT_EQ(ids(run({cause, symptom})),
            (std::vector<std::string>{"docker.bridge-no-ipv4", "docker.dns-resolution-failure"}));
}

TEST_F(AnalyzeTest, CapturesReadWhenShownEqualCapturesReadAtEveryHit) {
  const std::string long_path = "/var/lib/" + std::string(kDeferredCaptureBytes, 'p');
  const std::string long_ownership =
      R"(FATAL:  data directory ")" + long_path + R"(" has wrong ownership)";
  const std::vector<Feed> feeds = {
      {kOwnership, "db", "postgres-0", "postgres", "2025-11-20T09:12:01Z", 1, 12, 0},
      {"Readiness probe failed: HTTP probe failed with statuscode: 503", "app", "api-1", "",
       "2025-11-20T09:00:00Z", 14, 3, 0},
      {"Readiness probe failed: HTTP probe failed with statuscode: 404", "app", "api-1", "",
       "2025-11-20T09:01:00Z", 14, 4, 0},
      {long_ownership, "db", "postgres-1", "postgres", "2025-11-20T09:11:00Z", 1, 7, 0}};
  const Analysis at_hit = run(feeds);
  Collector deferred(CaptureMode::when_shown);
  feed(deferred, feeds);
  size_t kept_messages = 0;
  for (const auto& [key, group] : deferred.groups())
    for (const auto& e : group.evidence) {
      kept_messages += !e.message.empty();
      EXPECT_EQ(e.captures.empty(), !e.message.empty());  // the long message: read at once
    }
  EXPECT_EQ(kept_messages, 3u);
  const CaptureFn read = [this](rules::RuleIx rule, uint16_t signal, std::string_view message) {
    Captures out;
    for (const auto& c : matcher_->captures_of(rule, signal, message))
      out.emplace_back(c.name, c.value);
    return out;
  };
  const Analysis shown = analyze(rules_, deferred, files_, {}, read);
  ASSERT_EQ(shown.findings.size(), at_hit.findings.size());
  for (size_t i = 0; i < shown.findings.size(); ++i) {
    EXPECT_EQ(shown.findings[i].captures, at_hit.findings[i].captures) << i;
    EXPECT_EQ(shown.findings[i].fix, at_hit.findings[i].fix) << i;
  }
  ASSERT_GE(at_hit.findings.size(), 2u);
  EXPECT_EQ(at_hit.findings[0].captures, (Captures{{"datadir", long_path}}));  // earliest first
  bool probe = false;
  for (const auto& f : at_hit.findings)
    if (!f.captures.empty() && f.captures[0].first == "code") {
      probe = true;
      EXPECT_EQ(f.captures, (Captures{{"code", "503"}}));  // the first evidence's
    }
  EXPECT_TRUE(probe);
}

TEST_F(AnalyzeTest, MergeOrderDoesNotChangeTheResult) {
  std::vector<Feed> a_feeds, b_feeds;
  for (int i = 0; i < 12; ++i) {
    Feed f{kOwnership, "db", "postgres-" + std::to_string(i % 3), "", "2025-11-20T09:12:01Z", 1,
           static_cast<uint64_t>(100 - i), i % 2};
    (i % 2 ? a_feeds : b_feeds).push_back(f);
  }
  Collector x1, x2, y1, y2;
  feed(x1, a_feeds);
  feed(x2, b_feeds);
  feed(y1, b_feeds);
  feed(y2, a_feeds);
  x1.merge(std::move(x2));
  y1.merge(std::move(y2));
  auto ax = analyze(rules_, x1, files_);
  auto ay = analyze(rules_, y1, files_);
  ASSERT_EQ(ax.findings.size(), 1u);
  ASSERT_EQ(ay.findings.size(), 1u);
  ASSERT_EQ(ax.findings[0].evidence.size(), ay.findings[0].evidence.size());
  for (size_t i = 0; i < ax.findings[0].evidence.size(); ++i) {
    EXPECT_EQ(ax.findings[0].evidence[i].path, ay.findings[0].evidence[i].path);
    EXPECT_EQ(ax.findings[0].evidence[i].line, ay.findings[0].evidence[i].line);
  }
  EXPECT_EQ(ax.findings[0].count, 12u);
  EXPECT_EQ(ax.findings[0].resources,
            (std::vector<std::string>{"db/postgres-0", "db/postgres-1", "db/postgres-2"}));
  // The first evidence is the smallest (file, line) among equal times.
  EXPECT_EQ(ax.findings[0].evidence[0].path, "bundle.tar.gz:logs/postgres.log");
  EXPECT_EQ(ax.findings[0].evidence[0].line, 90u);
}

// The collector remembers each rule's last group: hits of two rules on alternating resources
// (pods, a unit, a bare node) land in the groups a fresh lookup gives, in one collector, after a
// merge, and in the collector a merge emptied.
TEST_F(AnalyzeTest, CollectorGroupsHitsByRuleAndResourceInAnyOrder) {
  auto make = [](int from, int to) {
    std::vector<Feed> feeds;
    for (int i = from; i < to; ++i) {
      Feed f{i % 3 ? "Back-off restarting failed container" : "Temporary failure in name resolution",
             "db", i % 4 < 2 ? "postgres-0" : "postgres-1", i % 2 ? "pg" : "init",
             "2025-11-20T09:12:01Z", 1, static_cast<uint64_t>(i + 1), 0};
      if (i % 5 == 0) {
        f.ns = f.pod = f.container = "";
        f.node = "node-1";
        f.unit = i % 10 ? "k3s" : "";
      }
      feeds.push_back(f);
    }
    return feeds;
  };
  // What a lookup of every hit gives: per rule and resource, how many.
  auto expected = [&](const std::vector<Feed>& feeds) {
    std::map<std::string, int> count;
    for (const auto& f : feeds) {
      const std::string rule = f.message[0] == 'B' ? "container.crashloop" : "docker.dns-resolution-failure";
      const std::string res = !f.pod.empty()  ? f.ns + "/" + f.pod
                              : !f.unit.empty() ? "unit " + f.unit + " on " + f.node
                                                : "node " + f.node;
      ++count[rule + " " + res];
    }
    std::vector<std::string> out;
    for (const auto& [k, n] : count) out.push_back(fmt::format("{} x{}", k, n));
    return out;
  };
  auto dump = [&](const Collector& c) {
    std::vector<std::string> out;
    for (const auto& [key, g] : c.groups()) {
      const auto& r = key.resource;
      const std::string res = !r.pod.empty()  ? r.ns + "/" + r.pod
                              : !r.unit.empty() ? "unit " + r.unit + " on " + r.node
                                                : "node " + r.node;
      out.push_back(fmt::format("{} {} x{}", rules_[key.rule].id, res, g.count));
    }
    std::sort(out.begin(), out.end());
    return out;
  };
  const auto first = make(0, 40), second = make(40, 80), later = make(80, 100);
  std::vector<Feed> all = first;
  all.insert(all.end(), second.begin(), second.end());
  Collector one;
  feed(one, all);
  EXPECT_EQ(dump(one), expected(all));
  EXPECT_EQ(dump(one).size(), 8u);  // two rules on two pods, a unit and a bare node
  Collector a, b;
  feed(a, first);
  feed(b, second);
  a.merge(std::move(b));
  EXPECT_EQ(dump(a), expected(all));
  all.insert(all.end(), later.begin(), later.end());
  feed(a, later);
  EXPECT_EQ(dump(a), expected(all));
  feed(b, later);  // emptied by the merge: its remembered groups went with it
  EXPECT_EQ(dump(b), expected(later));
}

TEST(FillPlaceholders, UnknownNamesStayVisible) {
  EXPECT_EQ(fill_placeholders("chown {uid} {dir}; echo {not a name}", {{"dir", "/data"}}),
            "chown <uid> /data; echo {not a name}");
}

}  // namespace
}  // namespace kdx::analyze
