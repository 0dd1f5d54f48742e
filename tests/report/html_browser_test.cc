// The HTML report in a real browser: headless Chromium loads the page from a file, takes a
// screenshot and dumps the DOM after the page's script ran. Registered on its own as the
// ctest test report_html_browser (tests/CMakeLists.txt); DISABLED_ here so the report unit
// tests never need a browser. Without chromium it skips, except in CI (CI=true), where
// .ci/run installs it and a missing browser is a failure.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdlib>
#include <regex>

#include "report/report.h"
#include "support/temp_dir.h"

namespace kdx::report {
namespace {

// The browser: $KDX_CHROMIUM, else the first of the usual names on PATH.
std::string find_chromium() {
  if (const char* env = std::getenv("KDX_CHROMIUM"); env && *env) return env;
  for (const char* name : {"chromium", "chromium-browser", "google-chrome"}) {
    const std::string probe = std::string("command -v ") + name + " >/dev/null 2>&1";
    if (std::system(probe.c_str()) == 0) return name;
  }
  return "";
}

analyze::Analysis sample() {
  analyze::Analysis a;
  a.inputs = {"bundle.tar.gz"};
  a.stats.files = 2;
  a.stats.records = 20;
  a.stats.by_format["cri"] = {2, 20, 2000};
  auto add = [&](std::string id, Severity sev, std::string res, const char* t0, const char* t1) {
    analyze::Finding f;
    f.id = std::move(id);
    f.title = "Title of " + f.id;
    f.rank = static_cast<int>(a.findings.size()) + 1;
    f.severity = sev;
    f.resources = {std::move(res)};
    f.count = 2;
    f.first_seen = *parse_rfc3339(t0);
    f.last_seen = *parse_rfc3339(t1);
    f.evidence = {{"b.tgz:pods/a.log", 3, f.first_seen, "first"},
                  {"b.tgz:pods/a.log", 9, f.last_seen, "last"}};
    f.fix = "do this";
    a.findings.push_back(std::move(f));
  };
  add("volume.wrong-ownership", Severity::critical, "db/postgres-0", "2025-11-20T09:00:00Z",
      "2025-11-20T09:40:00Z");
  add("etcd.unhealthy", Severity::high, "etcd on node1", "2025-11-20T09:10:00Z",
      "2025-11-20T09:20:00Z");
  add("network.connection-refused", Severity::medium, "web/api-1", "2025-11-20T09:30:00Z",
      "2025-11-20T10:00:00Z");
  // Hostile log text: if any of it ran, the body would carry a data-pwned attribute.
  a.findings[0].evidence[0].text =
      "<script>document.body.setAttribute('data-pwned','script')</script>"
      "<img src=x onerror=\"document.body.setAttribute('data-pwned','img')\">";
  a.findings[1].title = "\"><svg onload=\"document.body.setAttribute('data-pwned','svg')\">";
  return a;
}

struct Page {
  int exit_code = -1;
  std::string dom, screenshot;
};

// Loads report.html (with `fragment`) in headless Chromium: the DOM after scripts and a PNG.
Page open_in_chromium(const std::string& chromium, const test::TempDir& dir,
                      const std::string& fragment) {
  const std::string profile =
      dir.mkdir(fmt::format("profile-{}", std::hash<std::string>{}(fragment)));
  const std::string cmd =
      "timeout 120 " + chromium +
      " --headless --no-sandbox --disable-gpu --disable-background-networking"
      " --disable-component-update --disable-sync --no-first-run --window-size=1280,1600"
      " --user-data-dir='" +
      profile + "' --screenshot='" + dir.path("shot.png") + "' --dump-dom 'file://" +
      dir.path("report.html") + fragment + "' > '" + dir.path("dom.html") + "' 2> '" +
      dir.path("chromium.log") + "'";
  Page p;
  const int rc = std::system(cmd.c_str());
  p.exit_code = WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
  p.dom = test::read_file(dir.path("dom.html"));
  p.screenshot = test::read_file(dir.path("shot.png"));
  return p;
}

size_t count(const std::string& s, const std::string& what) {
  size_t n = 0;
  for (size_t i = s.find(what); i != std::string::npos; i = s.find(what, i + 1)) ++n;
  return n;
}

class HtmlBrowser : public ::testing::Test {
 protected:
  void SetUp() override {
    chromium_ = find_chromium();
    const char* ci = std::getenv("CI");
    if (chromium_.empty() && ci && std::string(ci) == "true")
      FAIL() << "CI=true but chromium is not installed: .ci/run must install it (apt-get install "
                "chromium)";
    if (chromium_.empty())
      GTEST_SKIP()
          << "chromium is not installed (apt-get install chromium): the browser test of the "
             "HTML report is skipped";
    fmt::memory_buffer b;
    ReportCtx ctx;
    ctx.kdx_version = "test";
    render_html(sample(), ctx, b);
    dir_.write("report.html", fmt::to_string(b));
  }

  std::string chromium_;
  test::TempDir dir_;
};

TEST_F(HtmlBrowser, DISABLED_ShowsTheTopFindingAndTheTimelineAndRunsNoInjectedCode) {
  const Page p = open_in_chromium(chromium_, dir_, "");
  ASSERT_EQ(p.exit_code, 0) << test::read_file(dir_.path("chromium.log"));
  // A PNG of the window: signature, then the IHDR width and height (1280 x 1600).
  ASSERT_GT(p.screenshot.size(), 10000u);
  EXPECT_EQ(p.screenshot.substr(0, 8), "\x89PNG\r\n\x1a\n");
  EXPECT_EQ(p.screenshot.substr(16, 8), std::string("\0\0\x05\x00\0\0\x06\x40", 8));
  // The top finding is the first article, and the timeline has its lanes and marks.
  const std::regex first_article(
      R"re(<article class="finding sev-(\w+)" id="f-1" data-id="([^"]+)")re");
  std::smatch m;
  ASSERT_TRUE(std::regex_search(p.dom, m, first_article)) << p.dom.substr(0, 2000);
  EXPECT_EQ(m[1], "critical");
  EXPECT_EQ(m[2], "volume.wrong-ownership");
  EXPECT_LT(p.dom.find("data-id=\"volume.wrong-ownership\" data-rank=\"1\""),
            p.dom.find("data-id=\"etcd.unhealthy\" data-rank=\"2\""));
  ASSERT_NE(p.dom.find("<svg id=\"timeline\""), std::string::npos);
  EXPECT_EQ(count(p.dom, "<g class=\"lane\""), 3u);
  EXPECT_EQ(count(p.dom, "<circle class=\"mark "), 6u);
  // The script ran: the filters are shown and count every finding.
  EXPECT_NE(p.dom.find("<div id=\"filters\">"), std::string::npos);
  EXPECT_NE(p.dom.find("<span id=\"filter-count\">showing 3 of 3 findings</span>"),
            std::string::npos);
  // The hostile text stayed text.
  EXPECT_EQ(p.dom.find("data-pwned=\""), std::string::npos);
  EXPECT_EQ(count(p.dom, "<script>"), 1u);
  EXPECT_EQ(p.dom.find("<img"), std::string::npos);
  EXPECT_NE(
      p.dom.find("&lt;script&gt;document.body.setAttribute('data-pwned','script')&lt;/script&gt;"),
      std::string::npos);
}

TEST_F(HtmlBrowser, DISABLED_FiltersHideFindingsAndTheirLanes) {
  const Page p = open_in_chromium(chromium_, dir_, "#filter?severity=high");
  ASSERT_EQ(p.exit_code, 0) << test::read_file(dir_.path("chromium.log"));
  EXPECT_NE(p.dom.find("<span id=\"filter-count\">showing 2 of 3 findings</span>"),
            std::string::npos);
  EXPECT_NE(p.dom.find("<article class=\"finding sev-medium off\" id=\"f-3\""), std::string::npos);
  EXPECT_NE(p.dom.find("<article class=\"finding sev-high\" id=\"f-2\""), std::string::npos);
  EXPECT_EQ(count(p.dom, "<g class=\"lane off\""), 1u);

  const Page q = open_in_chromium(chromium_, dir_, "#filter?namespace=db");
  ASSERT_EQ(q.exit_code, 0) << test::read_file(dir_.path("chromium.log"));
  EXPECT_NE(q.dom.find("<span id=\"filter-count\">showing 1 of 3 findings</span>"),
            std::string::npos);
  EXPECT_NE(q.dom.find("<article class=\"finding sev-critical\" id=\"f-1\""), std::string::npos);
  EXPECT_EQ(count(q.dom, "<g class=\"lane off\""), 2u);
}

}  // namespace
}  // namespace kdx::report
