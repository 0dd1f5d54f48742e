// The HTML report checked at the parse level: a small tokenizer reads the tags back, so the
// tests see the page's structure the way a browser would, not substrings of it.
#include <gtest/gtest.h>

#include <map>

#include "report/report.h"

namespace kdx::report {
namespace {

struct Tag {
  std::string name;
  bool closing = false;
  bool self_closing = false;
  std::map<std::string, std::string> attrs;  // raw (still escaped) values
  std::string text;  // for <script>, <style>, <title>, <option>, <pre>: the raw content
  bool has(const std::string& a) const { return attrs.count(a) > 0; }
  std::string get(const std::string& a) const {
    auto it = attrs.find(a);
    return it == attrs.end() ? "" : it->second;
  }
};

// Reads tags and their attributes (double-quoted or bare). The raw text up to the next tag is
// kept for the elements whose content the tests look at; <script> and <style> are raw text.
std::vector<Tag> tokenize(const std::string& html) {
  std::vector<Tag> tags;
  size_t i = 0;
  while ((i = html.find('<', i)) != std::string::npos) {
    Tag t;
    size_t j = i + 1;
    if (html.compare(j, 1, "!") == 0) {  // <!DOCTYPE html>
      i = html.find('>', j);
      continue;
    }
    if (html[j] == '/') {
      t.closing = true;
      ++j;
    }
    while (j < html.size() && (std::isalnum(static_cast<unsigned char>(html[j])) || html[j] == '-'))
      t.name += static_cast<char>(std::tolower(static_cast<unsigned char>(html[j++])));
    EXPECT_FALSE(t.name.empty()) << "a '<' that starts no tag at " << i << ": "
                                 << html.substr(i, 40);
    while (j < html.size() && html[j] != '>') {
      if (html[j] == ' ' || html[j] == '\n') {
        ++j;
        continue;
      }
      if (html[j] == '/') {
        t.self_closing = true;
        ++j;
        continue;
      }
      std::string name;
      while (j < html.size() && html[j] != '=' && html[j] != ' ' && html[j] != '>' &&
             html[j] != '/')
        name += html[j++];
      std::string value;
      if (html[j] == '=') {
        EXPECT_EQ(html[j + 1], '"') << "unquoted attribute " << name;
        const size_t end = html.find('"', j + 2);
        value = html.substr(j + 2, end - j - 2);
        j = end + 1;
      }
      EXPECT_EQ(t.attrs.count(name), 0u) << "duplicate attribute " << name << " on " << t.name;
      t.attrs[name] = value;
    }
    i = j + 1;
    if (!t.closing && (t.name == "script" || t.name == "style")) {
      const size_t end = html.find("</" + t.name + ">", i);
      t.text = html.substr(i, end - i);
      i = end;
    } else if (!t.closing) {
      t.text = html.substr(i, html.find('<', i) - i);
    }
    tags.push_back(std::move(t));
  }
  return tags;
}

// Every element opened is closed, in order (void and self-closed elements aside).
void expect_balanced(const std::vector<Tag>& tags) {
  std::vector<std::string> open;
  for (const auto& t : tags) {
    if (t.self_closing || t.name == "meta") continue;
    if (!t.closing) {
      open.push_back(t.name);
      continue;
    }
    ASSERT_FALSE(open.empty()) << "</" << t.name << "> closes nothing";
    ASSERT_EQ(open.back(), t.name) << "</" << t.name << "> closes <" << open.back() << ">";
    open.pop_back();
  }
  EXPECT_TRUE(open.empty()) << "unclosed <" << (open.empty() ? "" : open.back()) << ">";
}

std::vector<const Tag*> find_all(const std::vector<Tag>& tags, const std::string& name,
                                 const std::string& class_word = "") {
  std::vector<const Tag*> out;
  for (const auto& t : tags) {
    if (t.closing || t.name != name) continue;
    const std::string cls = " " + t.get("class") + " ";
    if (class_word.empty() || cls.find(" " + class_word + " ") != std::string::npos)
      out.push_back(&t);
  }
  return out;
}

const Tag* by_id(const std::vector<Tag>& tags, const std::string& id) {
  for (const auto& t : tags)
    if (!t.closing && t.get("id") == id) return &t;
  return nullptr;
}

Timestamp at(const char* s) { return *parse_rfc3339(s); }

analyze::Finding finding(std::string id, int rank, Severity sev, std::vector<std::string> res) {
  analyze::Finding f;
  f.id = std::move(id);
  f.title = "Title of " + f.id;
  f.rank = rank;
  f.severity = sev;
  f.resources = std::move(res);
  f.count = 1;
  return f;
}

// Three findings over one hour (09:00 .. 10:00), one without any time, and hostile text.
analyze::Analysis sample() {
  analyze::Analysis a;
  a.inputs = {"bundle.tar.gz"};
  a.stats.files = 3;
  a.stats.records = 40;
  a.stats.bytes = 5000;
  a.stats.by_format["cri"] = {2, 30, 4000};
  a.stats.by_format["journald-export"] = {1, 10, 1000};
  auto f1 =
      finding("volume.wrong-ownership", 1, Severity::critical, {"db/postgres-0", "web/api-1"});
  f1.first_seen = at("2025-11-20T09:00:00Z");
  f1.last_seen = at("2025-11-20T10:00:00Z");
  f1.evidence = {
      {"b.tgz:pods/pg.log", 5, at("2025-11-20T09:00:00Z"),
       "</pre><script>alert(1)</script><img src=x onerror=alert(2)>"},
      {"b.tgz:pods/api.log", 9, at("2025-11-20T10:00:00Z"), "chmod: Operation not permitted"},
      {"b.tgz:pods/pg.log", 7, {}, "no time on this line"}};
  f1.fix = "chown -R 999:999 /data";
  f1.references = {"https://kubernetes.io/docs/x", "javascript:alert(3)"};
  auto f2 = finding("etcd.tls-scheme-mismatch", 2, Severity::high, {"etcd on node1"});
  f2.title = "\"><svg onload=alert(4)> & more";
  f2.first_seen = f2.last_seen = at("2025-11-20T09:30:00Z");
  f2.evidence = {{"b.tgz:journal/node1", 100, at("2025-11-20T09:30:00Z"), "tls: first record"}};
  auto f3 = finding("network.connection-refused", 3, Severity::medium, {"we\"ird/pod-1"});
  f3.evidence = {{"paste.txt", 1, {}, "ECONNREFUSED"}};
  a.findings = {f1, f2, f3};
  a.problems.push_back({"b.tgz:bad.json:3", "invalid JSON <here>"});
  return a;
}

std::string html(const analyze::Analysis& a) {
  fmt::memory_buffer b;
  ReportCtx ctx;
  ctx.kdx_version = "0.1.0";
  render_html(a, ctx, b);
  return fmt::to_string(b);
}

TEST(RenderHtml, WellFormedWithOneArticlePerFindingInRankOrder) {
  const std::string page = html(sample());
  const auto tags = tokenize(page);
  expect_balanced(tags);
  ASSERT_NE(by_id(tags, "findings"), nullptr);
  EXPECT_EQ(by_id(tags, "findings")->name, "section");
  const auto articles = find_all(tags, "article", "finding");
  ASSERT_EQ(articles.size(), 3u);
  const char* ids[] = {"volume.wrong-ownership", "etcd.tls-scheme-mismatch",
                       "network.connection-refused"};
  const char* sevs[] = {"critical", "high", "medium"};
  const char* namespaces[] = {"db web", "", "we&quot;ird"};
  for (size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(articles[i]->get("data-id"), ids[i]);
    EXPECT_EQ(articles[i]->get("data-rank"), std::to_string(i + 1));
    EXPECT_EQ(articles[i]->get("data-severity"), sevs[i]);
    EXPECT_EQ(articles[i]->get("data-namespaces"), namespaces[i]);
    EXPECT_EQ(articles[i]->get("id"), "f-" + std::to_string(i + 1));
  }
  // Evidence and fix are collapsible; the top finding's are open.
  const auto details = find_all(tags, "details");
  ASSERT_EQ(details.size(), 4u);  // f1 evidence + fix, f2 evidence, f3 evidence
  EXPECT_TRUE(details[0]->has("open"));
  EXPECT_EQ(details[1]->get("class"), "fix");
  EXPECT_TRUE(details[1]->has("open"));
  EXPECT_FALSE(details[2]->has("open"));
  EXPECT_EQ(find_all(tags, "pre").size(), 6u);  // 5 evidence + 1 fix
}

TEST(RenderHtml, HostileTextIsEscapedEverywhere) {
  const std::string page = html(sample());
  const auto tags = tokenize(page);
  EXPECT_EQ(find_all(tags, "script").size(), 1u);  // only the page's own filter script
  EXPECT_TRUE(find_all(tags, "img").empty());
  for (const auto& t : tags)
    for (const auto& [name, value] : t.attrs)
      EXPECT_FALSE(name.starts_with("on")) << "<" << t.name << " " << name << "=" << value << ">";
  EXPECT_NE(page.find("<pre>&lt;/pre&gt;&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x "
                      "onerror=alert(2)&gt;</pre>"),
            std::string::npos);
  EXPECT_NE(page.find("<p class=\"title\">&quot;&gt;&lt;svg onload=alert(4)&gt; &amp; more</p>"),
            std::string::npos);
  EXPECT_NE(page.find("invalid JSON &lt;here&gt;"), std::string::npos);
  // Only http(s) references become links.
  EXPECT_NE(page.find("<a href=\"https://kubernetes.io/docs/x\" rel=\"noopener noreferrer\">"),
            std::string::npos);
  EXPECT_NE(page.find(", javascript:alert(3)</p>"), std::string::npos);
}

TEST(RenderHtml, LoadsNothing) {
  const std::string page = html(sample());
  const auto tags = tokenize(page);
  for (const char* banned : {"link", "img", "iframe", "object", "embed", "audio", "video", "source",
                             "image", "use", "base", "form"})
    EXPECT_TRUE(find_all(tags, banned).empty()) << banned;
  for (const auto& t : tags) {
    EXPECT_FALSE(t.has("src")) << t.name;
    EXPECT_FALSE(t.has("xlink:href")) << t.name;
    EXPECT_FALSE(t.has("srcset")) << t.name;
    if (!t.has("href")) continue;
    const std::string href = t.get("href");
    const bool internal = href.starts_with("#");
    const bool link = t.name == "a" && href.starts_with("https://");
    EXPECT_TRUE(internal || link) << "<" << t.name << " href=" << href << ">";
  }
  const auto style = find_all(tags, "style");
  ASSERT_EQ(style.size(), 1u);
  EXPECT_EQ(style[0]->text.find("url("), std::string::npos);
  EXPECT_EQ(style[0]->text.find("@import"), std::string::npos);
  EXPECT_EQ(style[0]->text.find("@font-face"), std::string::npos);
  bool csp = false;
  for (const auto* m : find_all(tags, "meta"))
    if (m->get("http-equiv") == "Content-Security-Policy")
      csp = m->get("content").starts_with("default-src 'none'; ");
  EXPECT_TRUE(csp);
  const auto script = find_all(tags, "script");
  ASSERT_EQ(script.size(), 1u);
  for (const char* api : {"fetch", "XMLHttpRequest", "import(", "WebSocket", "http"})
    EXPECT_EQ(script[0]->text.find(api), std::string::npos) << api;
}

TEST(RenderHtml, TimelineHasALanePerTimedFindingAndAMarkPerTimedEvidence) {
  const std::string page = html(sample());
  const auto tags = tokenize(page);
  const Tag* svg = by_id(tags, "timeline");
  ASSERT_NE(svg, nullptr);
  EXPECT_EQ(svg->name, "svg");
  EXPECT_EQ(svg->get("viewBox"), "0 0 1000 100");  // 30 axis + 2 lanes x 22 + 26
  const auto lanes = find_all(tags, "g", "lane");
  ASSERT_EQ(lanes.size(), 2u);
  EXPECT_EQ(lanes[0]->get("data-id"), "volume.wrong-ownership");
  EXPECT_EQ(lanes[1]->get("data-id"), "etcd.tls-scheme-mismatch");
  EXPECT_EQ(lanes[1]->get("data-severity"), "high");
  // 09:00 .. 10:00 padded by 2% each side onto x 250 .. 980.
  const auto marks = find_all(tags, "circle", "mark");
  ASSERT_EQ(marks.size(), 3u);
  EXPECT_EQ(marks[0]->get("cx"), "264.0");
  EXPECT_EQ(marks[1]->get("cx"), "966.0");
  EXPECT_EQ(marks[2]->get("cx"), "615.0");
  EXPECT_EQ(marks[0]->get("class"), "mark sev-critical");
  const auto spans = find_all(tags, "rect", "span");
  ASSERT_EQ(spans.size(), 2u);
  EXPECT_EQ(spans[0]->get("x"), "262.5");
  EXPECT_EQ(spans[0]->get("width"), "704.9");
  EXPECT_EQ(spans[1]->get("x"), "613.5");  // one instant: a 3-unit sliver
  EXPECT_EQ(spans[1]->get("width"), "3.0");
  // A tick every ten minutes, labelled HH:MM.
  std::vector<std::string> ticks;
  for (const auto* t : find_all(tags, "text", "tick")) ticks.push_back(t->text);
  EXPECT_EQ(ticks,
            (std::vector<std::string>{"09:00", "09:10", "09:20", "09:30", "09:40", "09:50", "10:00",
                                      "UTC, 2025-11-20T09:00:00Z .. 2025-11-20T10:00:00Z"}));
  // The finding with no time is listed apart, linking to its article.
  const Tag* untimed = by_id(tags, "untimed");
  ASSERT_NE(untimed, nullptr);
  EXPECT_NE(page.find("<p id=\"untimed\">Without a time: <a href=\"#f-3\">#3 "
                      "network.connection-refused</a></p>"),
            std::string::npos);
}

TEST(RenderHtml, ShortTimelineGetsAMinuteWithSecondTicks) {
  analyze::Analysis a;
  auto f = finding("x.y", 1, Severity::low, {});
  f.first_seen = f.last_seen = at("2025-11-20T23:59:50Z");
  f.evidence = {{"p", 1, f.first_seen, "e"}};
  a.findings = {f};
  const auto tags = tokenize(html(a));
  std::vector<std::string> ticks;
  for (const auto* t : find_all(tags, "text", "tick")) ticks.push_back(t->text);
  // 23:59:20 .. 00:00:20 crosses midnight: the labels carry the date.
  EXPECT_EQ(ticks, (std::vector<std::string>{"11-20 23:59:20", "11-20 23:59:30", "11-20 23:59:40",
                                             "11-20 23:59:50", "11-21 00:00:00", "11-21 00:00:10",
                                             "11-21 00:00:20",
                                             "UTC, 2025-11-20T23:59:50Z .. 2025-11-20T23:59:50Z"}));
  const auto marks = find_all(tags, "circle", "mark");
  ASSERT_EQ(marks.size(), 1u);
  EXPECT_EQ(marks[0]->get("cx"), "615.0");  // the middle of the plot
}

TEST(RenderHtml, TimelineOverAYearLabelsTicksWithTheYear) {
  analyze::Analysis a;
  auto f = finding("etcd.tls-scheme-mismatch", 1, Severity::high, {});
  f.first_seen = at("2025-06-04T12:38:15Z");
  f.last_seen = at("2026-06-04T12:55:53Z");
  a.findings = {f};
  const auto tags = tokenize(html(a));
  std::vector<std::string> ticks;
  for (const auto* t : find_all(tags, "text", "tick")) ticks.push_back(t->text);
  // Every 90 days (counted from the epoch, so the dates are not month starts).
  EXPECT_EQ(ticks, (std::vector<std::string>{"2025-06-11", "2025-09-09", "2025-12-08", "2026-03-08",
                                             "2026-06-06",
                                             "UTC, 2025-06-04T12:38:15Z .. 2026-06-04T12:55:53Z"}));
}

// Times at both ends of what a Timestamp holds: the padded axis stays inside an int64.
TEST(RenderHtml, TimelineAtTheEdgesOfTime) {
  analyze::Analysis a;
  auto f = finding("x.y", 1, Severity::high, {});
  f.first_seen = at("1970-01-01T00:00:05Z");
  f.last_seen = at("2261-12-31T23:59:59Z");
  f.evidence = {{"p", 1, f.first_seen, "a"}, {"p", 2, f.last_seen, "b"}};
  a.findings = {f};
  const auto tags = tokenize(html(a));
  std::vector<std::string> ticks;
  for (const auto* t : find_all(tags, "text", "tick")) ticks.push_back(t->text);
  EXPECT_EQ(ticks, (std::vector<std::string>{"1970-01-01", "2006-12-23", "2043-12-14", "2080-12-04",
                                             "2117-11-26", "2154-11-17", "2191-11-08", "2228-10-30",
                                             "UTC, 1970-01-01T00:00:05Z .. 2261-12-31T23:59:59Z"}));
  const auto marks = find_all(tags, "circle", "mark");
  ASSERT_EQ(marks.size(), 2u);
  EXPECT_EQ(marks[0]->get("cx"), "250.0");  // the padding before 1970 is cut
  EXPECT_EQ(marks[1]->get("cx"), "979.3");  // and the padding past 2262 almost all
}

TEST(RenderHtml, FiltersListNamespacesAndSeveritiesAndStartHidden) {
  const auto tags = tokenize(html(sample()));
  const Tag* box = by_id(tags, "filters");
  ASSERT_NE(box, nullptr);
  EXPECT_TRUE(box->has("hidden"));  // without the script every finding shows, with no dead controls
  std::vector<std::string> values;
  bool in_ns = false, in_sev = false;
  std::vector<std::string> sev_values;
  for (const auto& t : tags) {
    if (t.name == "select") {
      in_ns = !t.closing && t.get("id") == "filter-namespace";
      in_sev = !t.closing && t.get("id") == "filter-severity";
    }
    if (t.name == "option" && !t.closing && in_ns) values.push_back(t.get("value"));
    if (t.name == "option" && !t.closing && in_sev) sev_values.push_back(t.get("value"));
  }
  EXPECT_EQ(values, (std::vector<std::string>{"*", "db", "we&quot;ird", "web", "-"}));
  EXPECT_EQ(sev_values, (std::vector<std::string>{"info", "low", "medium", "high", "critical"}));
}

TEST(RenderHtml, FactsUnmatchedAndProblemsSections) {
  analyze::Analysis a = sample();
  analyze::UnmatchedTemplate u;
  u.id = "u1f2e";
  u.text = "sync <*> failed: <script>";
  u.count = 4;
  u.first_seen = at("2025-11-20T09:05:00Z");
  u.last_seen = at("2025-11-20T09:06:00Z");
  u.resources = {"db/postgres-0"};
  u.examples = {{"b.tgz:pods/pg.log", 77, "sync a failed: <script>"}};
  a.unmatched.push_back(u);
  const std::string page = html(a);
  const auto tags = tokenize(page);
  expect_balanced(tags);
  ASSERT_NE(by_id(tags, "facts"), nullptr);
  std::vector<std::string> rows;
  for (const auto* td : find_all(tags, "td")) rows.push_back(td->text);
  EXPECT_EQ(rows, (std::vector<std::string>{"cri", "2", "30", "4000", "journald-export", "1", "10",
                                            "1000"}));
  ASSERT_NE(by_id(tags, "unmatched"), nullptr);
  const auto templates = find_all(tags, "article", "template");
  ASSERT_EQ(templates.size(), 1u);
  EXPECT_EQ(templates[0]->get("data-template"), "u1f2e");
  EXPECT_NE(page.find("<pre>sync &lt;*&gt; failed: &lt;script&gt;</pre>"), std::string::npos);
  EXPECT_NE(page.find("<dt>where</dt><dd>db/postgres-0</dd>\n<dt>when</dt><dd><time datetime=\""
                      "2025-11-20T09:05:00Z\">2025-11-20T09:05:00Z</time> .. <time datetime=\""
                      "2025-11-20T09:06:00Z\">2025-11-20T09:06:00Z</time></dd>"),
            std::string::npos);
  EXPECT_NE(page.find("<li><div class=\"loc\"><code>b.tgz:pods/pg.log:77</code></div><pre>sync a "
                      "failed: &lt;script&gt;</pre></li>"),
            std::string::npos);
  ASSERT_NE(by_id(tags, "problems"), nullptr);
  EXPECT_NE(page.find("<li><code>b.tgz:bad.json</code> line 3: invalid JSON &lt;here&gt;</li>"),
            std::string::npos);
  EXPECT_EQ(find_all(tags, "script").size(), 1u);
}

TEST(RenderHtml, InvalidUtf8NeverMakesAnInvalidPage) {
  analyze::Analysis a;
  auto f = finding("x", 1, Severity::info, {"ns/p\xff"});
  f.title = "bad \xc3";
  f.evidence = {{"f\xfe.log", 1, {}, "\x1b[31m \xed\xa0\x80 \xe2\x82 ok \xc3\xa9"}};
  a.findings = {f};
  const std::string page = html(a);
  EXPECT_NE(page.find("<pre>\\x1b[31m \\xed\\xa0\\x80 \\xe2\\x82 ok \xc3\xa9</pre>"),
            std::string::npos);
  EXPECT_NE(page.find("data-namespaces=\"ns\""), std::string::npos);
  EXPECT_NE(page.find("<dd>ns/p\\xff</dd>"), std::string::npos);
  std::string copy = page;
  EXPECT_EQ(printable_utf8(copy), page);  // already valid, printable UTF-8
}

TEST(RenderHtml, SameAnalysisSameBytes) {
  const analyze::Analysis a = sample();
  const std::string first = html(a);
  EXPECT_EQ(first, html(a));
  analyze::Analysis empty;
  const std::string none = html(empty);
  EXPECT_NE(none.find("<p>No known failure found.</p>"), std::string::npos);
  EXPECT_NE(none.find("<p>No finding has a time.</p>"), std::string::npos);
  EXPECT_EQ(none.find("id=\"filters\""), std::string::npos);
  expect_balanced(tokenize(none));
}

}  // namespace
}  // namespace kdx::report
