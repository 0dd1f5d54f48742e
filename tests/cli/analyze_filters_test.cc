// kdx analyze's filters as users type them: exact usage errors (exit 2) for bad values, and the
// findings that --namespace, --since/--until, --min-severity, --top and --fail-on leave.
#include <gtest/gtest.h>

#include <sstream>

#include "support/run_kdx.h"
#include "support/temp_dir.h"

namespace kdx::test {
namespace {

// The "#N SEVERITY id" heading of every finding in a text report, one per line.
std::string headings(const std::string& report) {
  std::istringstream in(report);
  std::string line, out;
  while (std::getline(in, line))
    if (line.starts_with("#")) out += line.substr(0, line.find("  (")) + "\n";
  return out;
}

TEST(AnalyzeFilters, BadValuesExitTwoNamingTheOptionAndTheForms) {
  const std::string time_forms =
      "(expected an RFC 3339 time like 2026-06-04T10:00:00Z, or a duration back from the newest "
      "time seen like 30m, 2h or 1d)\n";
  const std::pair<const char*, std::string> cases[] = {
      {"--top x", "kdx: invalid --top 'x' (expected a number of findings, 0 for all)\n"},
      {"--top -1", "kdx: invalid --top '-1' (expected a number of findings, 0 for all)\n"},
      {"--top 3x", "kdx: invalid --top '3x' (expected a number of findings, 0 for all)\n"},
      {"--since yesterday", "kdx: invalid --since 'yesterday' " + time_forms},
      {"--since 2h30", "kdx: invalid --since '2h30' " + time_forms},
      {"--until 2026-13-01T00:00:00Z", "kdx: invalid --until '2026-13-01T00:00:00Z' " + time_forms},
      {"-n Kube_System",
       "kdx: invalid --namespace 'Kube_System' (expected a namespace name like kube-system; "
       "repeat --namespace for several)\n"},
      {"--namespace db,web",
       "kdx: invalid --namespace 'db,web' (expected a namespace name like kube-system; repeat "
       "--namespace for several)\n"},
      {"--min-severity severe",
       "kdx: unknown --min-severity 'severe' (expected critical, high, medium, low or info)\n"},
      {"--format xml", "kdx: unknown --format 'xml' (expected text, json, md or html)\n"},
      {"--since 2026-06-05T00:00:00Z --until 2026-06-04T00:00:00Z",
       "kdx: --since '2026-06-05T00:00:00Z' is after --until '2026-06-04T00:00:00Z' (nothing can "
       "match)\n"},
      {"--since 30m --until 2h", "kdx: --since '30m' is after --until '2h' (nothing can match)\n"},
      {"--top", "kdx: the required argument for option '--top' is missing (see 'kdx analyze "
                "--help')\n"},
  };
  for (const auto& [args, message] : cases) {
    auto r = run_kdx(std::string("analyze corpus/pastes ") + args);
    EXPECT_EQ(r.exit_code, 2) << args;
    EXPECT_EQ(r.err, message) << args;
    EXPECT_EQ(r.out, "") << args;
  }
}

TEST(AnalyzeFilters, HelpTeachesTheFiltersAndSaysTimelessFindingsStay) {
  auto r = run_kdx("analyze --help");
  EXPECT_EQ(r.exit_code, 0);
  for (const char* text :
       {"-n [ --namespace ] NS", "--since TIME", "--until TIME", "--min-severity SEV", "--top N",
        "--redact", "findings without times are", "kdx analyze -n db --since 2h --min-severity high",
        "text (default, the terminal view)", "md (Markdown, for a ticket)", "html (one"})
    EXPECT_NE(r.out.find(text), std::string::npos) << text << "\n" << r.out;
}

TEST(AnalyzeFilters, NamespaceKeepsFindingsWithAResourceThere) {
  auto all = run_kdx("analyze corpus/gardenos-cluster-dump");
  EXPECT_EQ(headings(all.out),
            "#1 CRITICAL storage.no-default-storageclass\n#2 CRITICAL etcd.v2-api-on-v3\n"
            "#3 CRITICAL volume.wrong-ownership\n#4 HIGH scheduling.untolerated-taint\n"
            "#5 HIGH postgres.pg-hba-reject\n");
  auto one = run_kdx("analyze -n supabase corpus/gardenos-cluster-dump");
  EXPECT_EQ(one.exit_code, 0);
  EXPECT_EQ(headings(one.out), "#1 HIGH postgres.pg-hba-reject\n");
  EXPECT_NE(one.out.find("\n1 finding: 1 high\n"), std::string::npos) << one.out;
  auto two = run_kdx("analyze -n supabase --namespace monitoring corpus/gardenos-cluster-dump "
                     "corpus/k3d-dev-migration");
  EXPECT_EQ(headings(two.out),
            "#1 HIGH postgres.pg-hba-reject\n#2 MEDIUM monitoring.scrape-target-down\n#3 INFO "
            "probe.failing\n");
  auto none = run_kdx("analyze -n nowhere corpus/gardenos-cluster-dump");
  EXPECT_EQ(none.exit_code, 0);
  EXPECT_NE(none.out.find("\nNo known failure found.\n"), std::string::npos) << none.out;
}

TEST(AnalyzeFilters, AbsoluteRangeKeepsOverlapsAndFindingsWithoutTimes) {
  auto r = run_kdx("analyze --since 2025-06-04T14:01:00Z --until 2025-06-04T16:05:00+02:00 "
                   "corpus/gardenos-cluster-dump");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(headings(r.out), "#1 CRITICAL etcd.v2-api-on-v3\n#2 CRITICAL volume.wrong-ownership\n"
                             "#3 HIGH postgres.pg-hba-reject\n");
}

TEST(AnalyzeFilters, RelativeRangeCountsBackFromTheNewestTime) {
  TempDir dir;
  std::string rules;
  for (const char* n : {"01", "02", "03"})
    rules += std::string("---\nid: demo.rule-") + n + "\ntitle: Demo rule " + n +
             "\nseverity: high\nkind: root-cause\nsignals:\n  - regex: 'demo-marker-" + n + "'\n";
  dir.write("rules/demo.yaml", rules);
  const std::string log = dir.write("app.log",
                                    "2026-06-04T08:00:00Z demo-marker-01\n"
                                    "2026-06-04T10:00:00Z demo-marker-02\n"
                                    "2026-06-04T11:30:00Z demo-marker-03\n");
  const std::string base = "analyze --patterns " + dir.path("rules") + " " + log;
  EXPECT_EQ(headings(run_kdx(base).out),
            "#1 HIGH demo.rule-01\n#2 HIGH demo.rule-02\n#3 HIGH demo.rule-03\n");
  EXPECT_EQ(headings(run_kdx(base + " --since 1h").out), "#1 HIGH demo.rule-03\n");
  EXPECT_EQ(headings(run_kdx(base + " --since 2h --until 1h").out), "#1 HIGH demo.rule-02\n");
  EXPECT_EQ(headings(run_kdx(base + " --until 3h30m").out), "#1 HIGH demo.rule-01\n");
  EXPECT_EQ(headings(run_kdx(base + " --since 1d").out),
            "#1 HIGH demo.rule-01\n#2 HIGH demo.rule-02\n#3 HIGH demo.rule-03\n");
}

TEST(AnalyzeFilters, MinSeverityTopAndFailOnSeeWhatTheFiltersKept) {
  auto r = run_kdx("analyze --min-severity critical --top 2 corpus/gardenos-cluster-dump");
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(headings(r.out),
            "#1 CRITICAL storage.no-default-storageclass\n#2 CRITICAL etcd.v2-api-on-v3\n");
  EXPECT_NE(r.out.find("\n2 findings: 2 critical\n"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("more finding"), std::string::npos) << r.out;
  auto high = run_kdx("analyze --min-severity high corpus/k3d-dev-migration");
  EXPECT_EQ(headings(high.out), "#1 CRITICAL volume.wrong-ownership\n"
                                "#2 CRITICAL security.runasnonroot-root-image\n"
                                "#3 HIGH probe.readiness-http-error\n");
  EXPECT_EQ(run_kdx("analyze --fail-on high corpus/k3d-dev-migration").exit_code, 1);
  EXPECT_EQ(run_kdx("analyze --fail-on high -n monitoring corpus/k3d-dev-migration").exit_code, 0);
  auto json = run_kdx("analyze --format json --top 1 corpus/k3d-dev-migration");
  EXPECT_NE(json.out.find("\"id\": \"volume.wrong-ownership\""), std::string::npos);
  EXPECT_EQ(json.out.find("\"rank\": 2"), std::string::npos) << json.out;
}

}  // namespace
}  // namespace kdx::test
