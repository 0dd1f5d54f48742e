// The text view as a terminal shows it: the top 10 findings and a closing "… N more" line,
// colour only on a TTY (a pty from script(1)) and never with NO_COLOR, lines wrapped to the
// terminal's width or $COLUMNS; and the other formats and --redact wired to the report stage.
#include <gtest/gtest.h>

#include <cstdio>
#include <sstream>

#include "support/paths.h"
#include "support/run_kdx.h"
#include "support/temp_dir.h"

namespace kdx::test {
namespace {

// A rule directory with `n` high root causes demo.rule-01.., and an input that hits each once.
struct Demo {
  TempDir dir;
  std::string args;  // "--patterns DIR INPUT"
  explicit Demo(int n) {
    std::string rules, input;
    for (int i = 1; i <= n; ++i) {
      const std::string id = (i < 10 ? "0" : "") + std::to_string(i);
      rules += "---\nid: demo.rule-" + id + "\ntitle: Demo rule " + id +
               ", a title long enough to wrap when the terminal is narrow\nseverity: high\n"
               "kind: root-cause\nsignals:\n  - regex: 'demo-marker-" + id + "'\n";
      input += "demo-marker-" + id + " from 10.1.2.3\n";
    }
    dir.write("rules/demo.yaml", rules);
    args = "--patterns " + dir.path("rules") + " " + dir.write("app.log", input);
  }
};

// Runs a shell command in the repository root without COLUMNS or NO_COLOR from the caller;
// returns its standard output with a pty's "\r\n" turned back into "\n".
std::string sh(const std::string& cmd) {
  const std::string full = "cd '" + source_dir() + "' && env -u COLUMNS -u NO_COLOR sh -c '" +
                           cmd + "' </dev/null 2>&1";
  std::string out;
  if (FILE* p = popen(full.c_str(), "r")) {
    char buf[4096];
    for (size_t n; (n = fread(buf, 1, sizeof buf, p)) > 0;) out.append(buf, n);
    pclose(p);
  }
  std::string clean;
  for (size_t i = 0; i < out.size(); ++i)
    if (!(out[i] == '\r' && i + 1 < out.size() && out[i + 1] == '\n')) clean += out[i];
  return clean;
}

std::string kdx() { return binary_dir() + "/src/kdx"; }

// `command` run by script(1) on a pty of `cols` columns: the program sees a terminal.
std::string on_tty(const std::string& command, int cols = 80) {
  return sh("script -qec \"stty cols " + std::to_string(cols) + "; " + command + "\" /dev/null");
}

size_t count(const std::string& s, const std::string& what) {
  size_t n = 0;
  for (size_t at = s.find(what); at != std::string::npos; at = s.find(what, at + 1)) ++n;
  return n;
}

TEST(TerminalView, ShowsTheTopTenThenSaysHowManyMore) {
  Demo demo(12);
  auto r = run_kdx("analyze " + demo.args);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("\n12 findings: 12 high\n"), std::string::npos) << r.out;
  EXPECT_EQ(count(r.out, "\n#"), 10u) << r.out;
  EXPECT_NE(r.out.find("\n#10 HIGH demo.rule-10  (root-cause)\n"), std::string::npos);
  EXPECT_EQ(r.out.find("demo.rule-11"), std::string::npos);
  const std::string tail = "               demo-marker-10 from 10.1.2.3\n\n"
                           "… 2 more findings (use --top 0 or --verbose to see all)\n";
  EXPECT_TRUE(r.out.ends_with(tail)) << r.out;

  for (const char* all : {"--top 0", "--verbose", "--top 12", "--top 40"}) {
    auto a = run_kdx(std::string("analyze ") + all + " " + demo.args);
    EXPECT_EQ(count(a.out, "\n#"), 12u) << all;
    EXPECT_EQ(a.out.find("more finding"), std::string::npos) << all;
  }
  auto top11 = run_kdx("analyze --top 11 " + demo.args);
  EXPECT_NE(top11.out.find("\n11 findings: 11 high\n"), std::string::npos) << top11.out;
  EXPECT_EQ(top11.out.find("more finding"), std::string::npos);
  auto json = run_kdx("analyze --format json " + demo.args);  // only the text view stops at 10
  EXPECT_EQ(count(json.out, "\"id\": \"demo.rule-"), 12u);
}

TEST(TerminalView, OneMoreFindingIsSingular) {
  Demo demo(11);
  auto r = run_kdx("analyze " + demo.args);
  EXPECT_TRUE(r.out.ends_with("\n… 1 more finding (use --top 0 or --verbose to see all)\n"))
      << r.out;
  Demo ten(10);
  EXPECT_EQ(run_kdx("analyze " + ten.args).out.find("more finding"), std::string::npos);
}

TEST(TerminalView, ColourOnlyOnATerminalAndNeverWithNoColor) {
  Demo demo(1);
  const std::string run = kdx() + " analyze " + demo.args;
  const std::string heading = "\x1b[1m#1 \x1b[31mHIGH\x1b[0m \x1b[1mdemo.rule-01\x1b[0m  (root-cause)\n";
  EXPECT_NE(on_tty(run).find(heading), std::string::npos) << on_tty(run);
  EXPECT_NE(on_tty("NO_COLOR= " + run).find(heading), std::string::npos);  // empty: not set
  const std::string plain = "\n#1 HIGH demo.rule-01  (root-cause)\n";
  for (const std::string& cmd : {"NO_COLOR=1 " + run, run + " --color=never", run + " -o /dev/stdout"}) {
    const std::string out = on_tty(cmd);
    EXPECT_EQ(out.find('\x1b'), std::string::npos) << cmd << "\n" << out;
    EXPECT_NE(out.find(plain), std::string::npos) << cmd << "\n" << out;
  }
  EXPECT_EQ(sh(run).find('\x1b'), std::string::npos);  // a pipe
  EXPECT_NE(sh(run + " --color always").find(heading), std::string::npos);
  EXPECT_NE(sh("NO_COLOR=1 " + run + " --color=always").find(heading), std::string::npos);
}

TEST(TerminalView, WrapsToTheTerminalWidthOrColumns) {
  Demo demo(1);
  const std::string run = kdx() + " analyze " + demo.args;
  const std::string wide = "   Demo rule 01, a title long enough to wrap when the terminal is narrow\n";
  const std::string at50 = "   Demo rule 01, a title long enough to wrap when\n"
                           "   the terminal is narrow\n";
  const std::string at40 = "   Demo rule 01, a title long enough to\n"
                           "   wrap when the terminal is narrow\n";
  EXPECT_NE(sh(run).find(wide), std::string::npos) << sh(run);  // a pipe: 100 columns
  EXPECT_NE(on_tty(run, 50).find(at50), std::string::npos) << on_tty(run, 50);
  EXPECT_NE(on_tty("COLUMNS=40 " + run, 50).find(at40), std::string::npos);  // COLUMNS wins
  EXPECT_NE(sh("COLUMNS=50 " + run).find(at50), std::string::npos);
  EXPECT_NE(sh("COLUMNS=12 " + run).find(at40), std::string::npos);  // raised to 40
  EXPECT_NE(on_tty(run, 20).find(at40), std::string::npos);
  EXPECT_NE(sh("COLUMNS=50 " + run + " -o /dev/stdout").find(wide), std::string::npos);  // a file
}

TEST(TerminalView, FormatsAndRedactReachTheReport) {
  Demo demo(1);
  auto md = run_kdx("analyze --format md " + demo.args);
  EXPECT_EQ(md.exit_code, 0) << md.err;
  EXPECT_TRUE(md.out.starts_with("# kdx report\n")) << md.out;
  EXPECT_NE(md.out.find("demo-marker-01 from 10.1.2.3\n"), std::string::npos);
  auto redacted = run_kdx("analyze --format md --redact " + demo.args);
  EXPECT_NE(redacted.out.find("demo-marker-01 from <ip-1>\n"), std::string::npos) << redacted.out;
  EXPECT_EQ(redacted.out.find("10.1.2.3"), std::string::npos);
  auto text = run_kdx("analyze --redact " + demo.args);
  EXPECT_NE(text.out.find("\n               demo-marker-01 from <ip-1>\n"), std::string::npos)
      << text.out;
  auto html = run_kdx("analyze --format html --redact " + demo.args);
  EXPECT_EQ(html.exit_code, 0);
  EXPECT_NE(html.out.find("<html"), std::string::npos);
  EXPECT_NE(html.out.find("demo.rule-01"), std::string::npos);
  EXPECT_EQ(html.out.find("10.1.2.3"), std::string::npos);
}

}  // namespace
}  // namespace kdx::test
