// analyze::apply_filters over a small hand-made Analysis: namespaces, time ranges (absolute and
// relative to the newest time), minimum severity, top N, and the re-numbered ranks.
#include <gtest/gtest.h>

#include "analyze/analyze.h"

namespace kdx::analyze {
namespace {

Timestamp at(const char* rfc3339) { return *parse_rfc3339(rfc3339); }

Finding finding(std::string id, Severity sev, std::vector<std::string> resources,
                const char* first = nullptr, const char* last = nullptr) {
  Finding f;
  f.id = std::move(id);
  f.severity = sev;
  f.resources = std::move(resources);
  if (first) f.first_seen = at(first);
  if (last) f.last_seen = at(last);
  return f;
}

// Five findings in rank order, over four hours of one morning; one has no times at all.
Analysis sample() {
  Analysis a;
  a.findings.push_back(finding("storage.no-default-storageclass", Severity::critical,
                               {"db/PersistentVolumeClaim/data-0", "db/postgres-0"},
                               "2026-06-04T08:00:00Z", "2026-06-04T08:30:00Z"));
  a.findings.back().explains = {{"scheduling.unschedulable", 9, {"db/postgres-0"}},
                                {"volume.mount-failed", 2, {"web/nginx-1"}}};
  a.findings.push_back(finding("host.disk-pressure", Severity::high, {"node/worker-1"},
                               "2026-06-04T09:00:00Z", "2026-06-04T11:00:00Z"));
  a.findings.back().explains = {{"pod.evicted", 3, {"web/api-2"}}};
  a.findings.push_back(finding("k3s.etcd-slow", Severity::high, {"k3s on node1"},
                               "2026-06-04T10:30:00Z", "2026-06-04T12:00:00Z"));
  a.findings.push_back(finding("probe.readiness-http-error", Severity::medium,
                               {"kube-system/coredns-1", "web/nginx-1"}, "2026-06-04T11:45:00Z",
                               "2026-06-04T11:50:00Z"));
  a.findings.push_back(finding("docker.socket-permission-denied", Severity::low, {}));
  for (size_t i = 0; i < a.findings.size(); ++i) a.findings[i].rank = static_cast<int>(i) + 1;
  UnmatchedTemplate t;
  t.id = "u1";
  t.resources = {"web/nginx-1"};
  t.first_seen = at("2026-06-04T07:00:00Z");
  t.last_seen = at("2026-06-04T07:10:00Z");
  a.unmatched.push_back(t);
  return a;
}

std::string ids(const Analysis& a) {
  std::string out;
  for (const auto& f : a.findings) out += std::to_string(f.rank) + ":" + f.id + " ";
  return out;
}

TEST(ParseTimeBound, AbsoluteAndRelativeForms) {
  EXPECT_EQ(parse_time_bound("2026-06-04T10:00:00Z"), (TimeBound{at("2026-06-04T10:00:00Z"), 0}));
  EXPECT_EQ(parse_time_bound("2026-06-04T12:00:00+02:00"),
            (TimeBound{at("2026-06-04T10:00:00Z"), 0}));
  EXPECT_EQ(parse_time_bound("30m"), (TimeBound{Timestamp{}, 30 * 60 * kNsPerSecond}));
  EXPECT_EQ(parse_time_bound("2h"), (TimeBound{Timestamp{}, 2 * 3600 * kNsPerSecond}));
  EXPECT_EQ(parse_time_bound("1d"), (TimeBound{Timestamp{}, 86400 * kNsPerSecond}));
  EXPECT_EQ(parse_time_bound("1h30m"), (TimeBound{Timestamp{}, 5400 * kNsPerSecond}));
  EXPECT_EQ(parse_time_bound("36500d"), (TimeBound{Timestamp{}, 36500LL * 86400 * kNsPerSecond}));
  for (const char* bad : {"", "2", "h", "2x", "-2h", "2h ", "yesterday", "2026-06-04T10:00:00Zjunk",
                          "2026-13-04T10:00:00Z", "40000d", "99999999999999999999s"})
    EXPECT_FALSE(parse_time_bound(bad)) << bad;
}

TEST(ResourceNamespace, ReadsThePrintedResource) {
  EXPECT_EQ(resource_namespace("db/postgres-0"), "db");
  EXPECT_EQ(resource_namespace("db/PersistentVolumeClaim/data-0"), "db");
  EXPECT_EQ(resource_namespace("namespace/db"), "db");
  EXPECT_EQ(resource_namespace("node/worker-1"), "");
  EXPECT_EQ(resource_namespace("k3s on node1"), "");
  EXPECT_EQ(resource_namespace("postgres-0"), "");
}

TEST(NewestTime, LatestLastSeenOfFindingsAndTemplates) {
  Analysis a = sample();
  EXPECT_EQ(newest_time(a), at("2026-06-04T12:00:00Z"));
  a.unmatched[0].last_seen = at("2026-06-04T13:00:00Z");
  EXPECT_EQ(newest_time(a), at("2026-06-04T13:00:00Z"));
  EXPECT_FALSE(newest_time(Analysis{}).known());
}

// sample() filtered by `f`.
Analysis filtered(const Filters& f) {
  Analysis a = sample();
  apply_filters(a, f);
  return a;
}

std::optional<TimeBound> abs(const char* rfc3339) { return TimeBound{at(rfc3339), 0}; }

TEST(ApplyFilters, NoFiltersKeepsEverything) {
  Analysis a = filtered({});
  EXPECT_EQ(ids(a), "1:storage.no-default-storageclass 2:host.disk-pressure 3:k3s.etcd-slow "
                    "4:probe.readiness-http-error 5:docker.socket-permission-denied ");
  EXPECT_EQ(a.unmatched.size(), 1u);
}

// A finding stays when it, or a symptom it explains, has a resource in a namespace: the node's
// disk pressure that evicted web's pods is the answer for someone looking at web.
TEST(ApplyFilters, NamespaceKeepsFindingsAndExplainsWithAResourceInIt) {
  Filters f;
  f.namespaces = {"db"};
  Analysis a = filtered(f);
  EXPECT_EQ(ids(a), "1:storage.no-default-storageclass ");
  ASSERT_EQ(a.findings[0].explains.size(), 1u);
  EXPECT_EQ(a.findings[0].explains[0].id, "scheduling.unschedulable");
  EXPECT_TRUE(a.unmatched.empty());

  f.namespaces = {"web", "kube-system"};
  Analysis b = filtered(f);
  EXPECT_EQ(ids(b), "1:storage.no-default-storageclass 2:host.disk-pressure "
                    "3:probe.readiness-http-error ");
  ASSERT_EQ(b.findings[0].explains.size(), 1u);
  EXPECT_EQ(b.findings[0].explains[0].id, "volume.mount-failed");
  EXPECT_EQ(b.findings[1].explains.size(), 1u);
  EXPECT_EQ(b.findings[2].resources,
            (std::vector<std::string>{"kube-system/coredns-1", "web/nginx-1"}));
  EXPECT_EQ(b.unmatched.size(), 1u);

  f.namespaces = {"nowhere"};
  EXPECT_EQ(ids(filtered(f)), "");
}

TEST(ApplyFilters, AbsoluteRangeKeepsOverlapsAndTimelessFindings) {
  Filters f;
  f.since = abs("2026-06-04T10:00:00Z");
  f.until = abs("2026-06-04T11:00:00Z");
  Analysis a = filtered(f);
  EXPECT_EQ(ids(a), "1:host.disk-pressure 2:k3s.etcd-slow 3:docker.socket-permission-denied ");
  EXPECT_TRUE(a.unmatched.empty());

  Filters g;  // the ends are inclusive
  g.until = abs("2026-06-04T08:00:00Z");
  Analysis b = filtered(g);
  EXPECT_EQ(ids(b), "1:storage.no-default-storageclass 2:docker.socket-permission-denied ");
  EXPECT_EQ(b.unmatched.size(), 1u);
}

TEST(ApplyFilters, RelativeBoundsCountBackFromTheNewestTime) {
  Filters f;  // newest 12:00: --since 1h means 11:00
  f.since = parse_time_bound("1h");
  EXPECT_EQ(ids(filtered(f)), "1:host.disk-pressure 2:k3s.etcd-slow 3:probe.readiness-http-error "
                              "4:docker.socket-permission-denied ");

  f.since = parse_time_bound("4h");  // --since 4h --until 3h30m: 08:00 .. 08:30
  f.until = parse_time_bound("3h30m");
  EXPECT_EQ(ids(filtered(f)), "1:storage.no-default-storageclass 2:docker.socket-permission-denied ");

  Filters g;  // the newest time is taken before anything is dropped
  g.namespaces = {"db"};
  g.since = parse_time_bound("1h");
  EXPECT_EQ(ids(filtered(g)), "");
}

TEST(ApplyFilters, RelativeBoundsWithoutAnyTimeKeepEverything) {
  Analysis a;
  a.findings.push_back(finding("a.one", Severity::high, {}));
  a.findings.push_back(finding("b.two", Severity::low, {}));
  Filters f;
  f.since = parse_time_bound("30m");
  apply_filters(a, f);
  EXPECT_EQ(ids(a), "1:a.one 2:b.two ");
}

TEST(ApplyFilters, MinSeverityThenTopThenRanks) {
  Filters f;
  f.min_severity = Severity::high;
  Analysis a = filtered(f);
  EXPECT_EQ(ids(a), "1:storage.no-default-storageclass 2:host.disk-pressure 3:k3s.etcd-slow ");
  EXPECT_EQ(a.unmatched.size(), 1u);  // templates have no severity

  Filters g;
  g.top = 2;
  EXPECT_EQ(ids(filtered(g)), "1:storage.no-default-storageclass 2:host.disk-pressure ");
  g.top = 99;
  EXPECT_EQ(filtered(g).findings.size(), 5u);

  Filters h;  // --top counts what the other filters kept
  h.namespaces = {"web"};
  h.min_severity = Severity::medium;
  h.top = 1;
  EXPECT_EQ(ids(filtered(h)), "1:storage.no-default-storageclass ");

  Filters k;
  k.since = parse_time_bound("1h");
  k.min_severity = Severity::medium;
  EXPECT_EQ(ids(filtered(k)), "1:host.disk-pressure 2:k3s.etcd-slow 3:probe.readiness-http-error ");
}

}  // namespace
}  // namespace kdx::analyze
