// The kdx binary as users run it: exit codes, exact error texts, help that teaches.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <cstdlib>
#include <string>

#include "support/run_kdx.h"

namespace kdx::test {
namespace {

TEST(Cli, VersionAndHelp) {
  auto v = run_kdx("--version");
  EXPECT_EQ(v.exit_code, 0);
  EXPECT_EQ(v.out.rfind("kdx ", 0), 0u);
  auto h = run_kdx("--help");
  EXPECT_EQ(h.exit_code, 0);
  EXPECT_NE(h.out.find("kdx analyze [options] INPUT..."), std::string::npos);
  auto ah = run_kdx("analyze --help");
  EXPECT_EQ(ah.exit_code, 0);
  EXPECT_NE(ah.out.find("--fail-on"), std::string::npos);
  EXPECT_NE(ah.out.find("Examples:"), std::string::npos);
  EXPECT_EQ(run_kdx("help patterns").out, run_kdx("patterns --help").out);
}

TEST(Cli, UsageErrorsExitTwo) {
  auto r = run_kdx("analyze");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err, "kdx: kdx analyze needs at least one INPUT (a bundle, directory, file or -)\n");
  r = run_kdx("analyze --format xml x");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err, "kdx: unknown --format 'xml' (expected text, json, md or html)\n");
  r = run_kdx("frobnicate");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err, "kdx: unknown command 'frobnicate' (see 'kdx --help')\n");
  r = run_kdx("analyze --bogus x");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err, "kdx: unrecognised option '--bogus' (see 'kdx analyze --help')\n");
}

TEST(Cli, MissingInputExitsThreeNamingThePath) {
  auto r = run_kdx("analyze no/such/bundle.tar.gz");
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_EQ(r.err,
            "kdx: cannot read 'no/such/bundle.tar.gz': No such file or directory\n"
            "kdx: no input could be read\n");
}

TEST(Cli, StdinPasteAndFailOn) {
  const std::string paste =
      "Got permission denied while trying to connect to the Docker daemon socket at "
      "unix:///var/run/docker.sock: Get \"http://%2Fvar%2Frun%2Fdocker.sock/v1.24/containers/json\": "
      "dial unix /var/run/docker.sock: connect: permission denied\n";
  auto r = run_kdx("analyze -", paste);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("docker.socket-permission-denied"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("-:1"), std::string::npos) << r.out;
  auto f = run_kdx("analyze --fail-on high -", paste);
  EXPECT_EQ(f.exit_code, 1);
  auto quiet = run_kdx("analyze --fail-on high -", "all is well\n");
  EXPECT_EQ(quiet.exit_code, 0);
  EXPECT_NE(quiet.out.find("No known failure found."), std::string::npos);
}

TEST(Cli, BrokenPatternDirectoryExitsTwoNamingFileLineAndRule) {
  char dir_template[] = "/tmp/kdx-pat-XXXXXX";
  const std::string dir = mkdtemp(dir_template);
  {
    FILE* f = std::fopen((dir + "/bad.yaml").c_str(), "w");
    std::fputs("id: bad.rule\ntitle: t\nseverity: high\nkind: symptom\nsignals:\n  - regex: '(?<=a)b'\n", f);
    std::fclose(f);
  }
  auto r = run_kdx("analyze --patterns " + dir + " -", "x\n");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err, "kdx: " + dir + "/bad.yaml:6 (bad.rule): regex does not compile with RE2: invalid "
                   "perl operator: (?< (RE2 has no look-around or back-references)\n");
  auto t = run_kdx("patterns test " + dir);
  EXPECT_EQ(t.exit_code, 2);
  std::system(("rm -rf '" + dir + "'").c_str());
}

TEST(Cli, PatternsCommands) {
  auto list = run_kdx("patterns list");
  EXPECT_EQ(list.exit_code, 0);
  EXPECT_EQ(list.out.find("apiserver.") == std::string::npos, false);
  for (const char* id : {"volume.wrong-ownership", "etcd.v2-api-on-v3", "container.crashloop"})
    EXPECT_NE(list.out.find(std::string("\n") + id + " "), std::string::npos) << id;
  auto show = run_kdx("patterns show etcd.v2-api-on-v3");
  EXPECT_EQ(show.exit_code, 0);
  EXPECT_EQ(show.out.rfind("etcd.v2-api-on-v3  [critical root-cause]", 0), 0u) << show.out;
  auto missing = run_kdx("patterns show no.such-rule");
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_EQ(missing.err, "kdx: no rule with id 'no.such-rule' (see 'kdx patterns list')\n");
  auto test = run_kdx("patterns test");
  EXPECT_EQ(test.exit_code, 0) << test.out;
  EXPECT_NE(test.out.find(" 0 failed\n"), std::string::npos);
  auto lint = run_kdx("patterns lint");
  EXPECT_EQ(lint.exit_code, 0) << lint.out;
  auto exp = run_kdx("patterns export --regex");
  EXPECT_EQ(exp.exit_code, 0);
  EXPECT_NE(exp.out.find("wrong ownership"), std::string::npos);
  auto explain = run_kdx("explain volume.wrong-ownership");
  EXPECT_EQ(explain.exit_code, 0);
  EXPECT_NE(explain.out.find("Explains (folded under it on the same resource):\n  container.crashloop — "), std::string::npos);
  EXPECT_NE(explain.out.find("Looks like:\n"), std::string::npos);
  EXPECT_EQ(explain.out.find("(?P<"), std::string::npos);  // no raw regex in explain
  EXPECT_NE(explain.out.find("\nFix (<name> is filled from the evidence in a report):\n"), std::string::npos);
}

// kdx patterns reads the rule set back from the cache kdx analyze fills: every command prints
// the same with a warm cache as without one.
TEST(Cli, PatternsCommandsGiveTheSameWithTheCache) {
  char dir_template[] = "/tmp/kdx-cache-XXXXXX";
  const std::string cache = mkdtemp(dir_template);
  for (const char* args : {"patterns list", "patterns show etcd.v2-api-on-v3", "patterns lint",
                           "patterns export --regex", "patterns test", "explain container.crashloop",
                           "patterns test corpus/no-such-dir"}) {
    const KdxRun off = run_kdx(args);
    const KdxRun cold = run_kdx(args, "", cache);
    const KdxRun warm = run_kdx(args, "", cache);
    for (const KdxRun* r : {&cold, &warm}) {
      EXPECT_EQ(r->exit_code, off.exit_code) << args;
      EXPECT_EQ(r->out, off.out) << args;
      EXPECT_EQ(r->err, off.err) << args;
    }
  }
  const int files = std::system(("test -n \"$(ls '" + cache + "'/rules-*.db)\"").c_str());
  EXPECT_EQ(files, 0) << "no rule set in " << cache;
  std::system(("rm -rf '" + cache + "'").c_str());
}

}  // namespace
}  // namespace kdx::test
