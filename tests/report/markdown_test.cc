#include <gtest/gtest.h>

#include "report/report.h"

namespace kdx::report {
namespace {

std::string md(const analyze::Analysis& a) {
  fmt::memory_buffer b;
  ReportCtx ctx;
  ctx.kdx_version = "0.1.0";
  render_markdown(a, ctx, b);
  return fmt::to_string(b);
}

Timestamp at(const char* s) { return *parse_rfc3339(s); }

analyze::Analysis sample() {
  analyze::Analysis a;
  a.inputs = {"bundle.tar.gz"};
  a.stats.files = 2;
  a.stats.records = 30;
  a.stats.bytes = 4096;
  a.stats.by_format["cri"] = {1, 20, 3000};
  a.stats.by_format["events-json"] = {1, 10, 1096};
  analyze::Finding f;
  f.id = "volume.wrong-ownership";
  f.title = "Volume owned by root";
  f.severity = Severity::critical;
  f.rank = 1;
  f.resources = {"db/postgres-0"};
  f.first_seen = at("2025-11-20T09:12:01Z");
  f.last_seen = at("2025-11-20T09:20:00Z");
  f.count = 3;
  f.evidence = {{"bundle.tar.gz:pods/postgres.log", 12, f.first_seen, "FATAL:  wrong ownership"}};
  f.captures = {{"datadir", "/data"}};
  f.explains = {{"container.crashloop", 14, {"db/postgres-0"}}};
  f.fix = "chown -R 999:999 /data\n  (then restart the pod)\n";
  f.references = {"https://example.org/x"};
  a.findings.push_back(f);
  analyze::Finding g;
  g.id = "network.connection-refused";
  g.title = "A client cannot reach a dependency";
  g.severity = Severity::medium;
  g.kind = rules::RuleKind::symptom;
  g.transient = true;
  g.rank = 2;
  g.count = 1;
  g.evidence = {{"paste.txt", 3, {}, "connect ECONNREFUSED"}};
  a.findings.push_back(g);
  a.problems.push_back({"bundle.tar.gz:events/db.json:7", "invalid JSON: TAPE_ERROR"});
  return a;
}

TEST(RenderMarkdown, SummaryTableThenEachFindingThenProblems) {
  EXPECT_EQ(md(sample()), R"(# kdx report

kdx 0.1.0 analysed 2 files, 30 records (cri 1, events-json 1): 2 findings (1 critical, 1 medium), 1 problem while reading.

Input: `bundle.tar.gz`

| # | severity | id | where | count | first seen |
|--:|---|---|---|--:|---|
| 1 | critical | `volume.wrong-ownership` | db/postgres-0 | 3 | 2025-11-20T09:12:01Z |
| 2 | medium (transient) | `network.connection-refused` | - | 1 | - |

## 1. `volume.wrong-ownership` (critical)

**Volume owned by root**

- kind: root-cause
- where: db/postgres-0
- when: 2025-11-20T09:12:01Z .. 2025-11-20T09:20:00Z (3 times)

**Evidence**

`bundle.tar.gz:pods/postgres.log:12` at 2025-11-20T09:12:01Z

```text
FATAL:  wrong ownership
```

**Captured**

- datadir: `/data`

**Explains**

- 14 x `container.crashloop` on db/postgres-0

**Fix**

```text
chown -R 999:999 /data
  (then restart the pod)
```

**References**

- <https://example.org/x>

## 2. `network.connection-refused` (medium)

**A client cannot reach a dependency**

- kind: symptom, transient
- when: 1 time

**Evidence**

`paste.txt:3`

```text
connect ECONNREFUSED
```

## Problems while reading

- `bundle.tar.gz:events/db.json` line 7: invalid JSON: TAPE_ERROR
)");
}

TEST(RenderMarkdown, NoFindings) {
  analyze::Analysis a;
  a.inputs = {"-"};
  a.stats.files = 1;
  a.stats.records = 1;
  a.stats.by_format["text"] = {1, 1, 10};
  EXPECT_EQ(md(a), R"(# kdx report

kdx 0.1.0 analysed 1 file, 1 record (text 1): no known failure found.

Input: `-`
)");
}

TEST(RenderMarkdown, UnrecognisedErrorsWithTemplateCountTimesResourcesAndExamples) {
  analyze::Analysis a;
  analyze::UnmatchedTemplate u;
  u.id = "u7f3a";
  u.text = "failed to sync <*> from <ip>: i/o timeout";
  u.count = 12;
  u.first_seen = at("2025-11-20T09:00:00Z");
  u.last_seen = at("2025-11-20T09:30:00Z");
  u.resources = {"db/postgres-0", "db/pgbouncer-6c9f7d4b8-hx2lm", "k3s on node1", "web/api-1"};
  u.examples = {{"b.tgz:pods/pg.log", 40, "failed to sync pg from 10.0.0.1: i/o timeout"},
                {"b.tgz:pods/pg.log", 41, "failed to sync wal from 10.0.0.2: i/o timeout"}};
  a.unmatched.push_back(u);
  analyze::UnmatchedTemplate v;
  v.id = "u0001";
  v.text = "panic: <*>";
  v.count = 1;
  a.unmatched.push_back(v);
  EXPECT_EQ(md(a), R"(# kdx report

kdx 0.1.0 analysed 0 files, 0 records: no known failure found, 2 unrecognised errors.

## Unrecognised errors

Error and warning records that no rule knows, grouped into templates (the parts that vary are masked).

| template | count | first seen | last seen | where |
|---|--:|---|---|---|
| `failed to sync <*> from <ip>: i/o timeout` | 12 | 2025-11-20T09:00:00Z | 2025-11-20T09:30:00Z | db/postgres-0, db/pgbouncer-6c9f7d4b8-hx2lm, k3s on node1 (+1 more) |
| `panic: <*>` | 1 | - | - | - |

### `u7f3a` (12 times)

```text
failed to sync <*> from <ip>: i/o timeout
```

- where: db/postgres-0, db/pgbouncer-6c9f7d4b8-hx2lm, k3s on node1, web/api-1
- when: 2025-11-20T09:00:00Z .. 2025-11-20T09:30:00Z

`b.tgz:pods/pg.log:40`

```text
failed to sync pg from 10.0.0.1: i/o timeout
```

`b.tgz:pods/pg.log:41`

```text
failed to sync wal from 10.0.0.2: i/o timeout
```

### `u0001` (1 time)

```text
panic: <*>
```
)");
}

// What Markdown would mangle: pipes in table cells, backticks in code spans and fences,
// emphasis and HTML in prose.
TEST(RenderMarkdown, EscapesWhatMarkdownWouldMangle) {
  analyze::Analysis a;
  analyze::Finding f;
  f.id = "x.pipe|id";
  f.title = "Uses *stars*, _under_ TAPE_ERROR, <b>tags</b> & [links](x) &amp;";
  f.rank = 1;
  f.count = 1;
  f.resources = {"ns/a|b", "C:\\dir \\*x\\"};
  f.evidence = {{"logs/we`ird.log", 9, {}, "before\n```\ninside ```` four\n```\nafter"},
                {"`edge`", 1, {}, "plain"}};
  f.fix = "run `kubectl get pods`";
  a.findings.push_back(f);
  const std::string out = md(a);
  EXPECT_NE(out.find("| 1 | info | `x.pipe\\|id` | ns/a\\|b, C:\\dir \\\\\\*x\\\\ | 1 | - |\n"),
            std::string::npos)
      << out;
  EXPECT_NE(out.find("## 1. `x.pipe\\|id` (info)\n\n**Uses \\*stars\\*, \\_under\\_ TAPE_ERROR, "
                     "\\<b\\>tags\\</b\\> & \\[links\\](x) \\&amp;**\n"),
            std::string::npos)
      << out;
  // A backslash is escaped only where Markdown would take it as an escape or a line break.
  EXPECT_NE(out.find("- where: ns/a\\|b, C:\\dir \\\\\\*x\\\\\n"), std::string::npos) << out;
  // A backtick in the path: the span is fenced by two.
  EXPECT_NE(out.find("``logs/we`ird.log:9``\n"), std::string::npos) << out;
  // A span that starts with a backtick is padded.
  EXPECT_NE(out.find("`` `edge`:1 ``\n"), std::string::npos) << out;
  // Evidence holding a run of four backticks gets a fence of five.
  EXPECT_NE(out.find("`````text\nbefore\n```\ninside ```` four\n```\nafter\n`````\n"),
            std::string::npos)
      << out;
  EXPECT_NE(out.find("```text\nrun `kubectl get pods`\n```\n"), std::string::npos) << out;
}

TEST(RenderMarkdown, InvalidUtf8AndControlBytesBecomeVisibleEscapes) {
  analyze::Analysis a;
  analyze::Finding f;
  f.id = "x";
  f.title = "t\x1b[31mred";
  f.rank = 1;
  f.evidence = {
      {"bin\xff.log", 1, {}, "caf\xc3\xa9 \xff\xfe \x1b[2J\ttab\r\n\xc2\x9b cut \xe2\x82"}};
  a.findings.push_back(f);
  a.problems.push_back({"b.tgz:x\xc0.log", "binary \x01 junk"});
  const std::string out = md(a);
  EXPECT_NE(out.find("**t\\x1b\\[31mred**"), std::string::npos) << out;
  EXPECT_NE(out.find("`bin\\xff.log:1`"), std::string::npos) << out;
  EXPECT_NE(
      out.find("```text\ncaf\xc3\xa9 \\xff\\xfe \\x1b[2J\ttab\\x0d\n\\u009b cut \\xe2\\x82\n```"),
      std::string::npos)
      << out;
  EXPECT_NE(out.find("- `b.tgz:x\\xc0.log`: binary \\x01 junk\n"), std::string::npos) << out;
  for (unsigned char c : out) EXPECT_TRUE(c >= 0x20 || c == '\n' || c == '\t') << int(c);
}

TEST(RenderMarkdown, ReferencesThatAreNotWebLinksStayText) {
  analyze::Analysis a;
  analyze::Finding f;
  f.id = "x";
  f.rank = 1;
  f.references = {"https://kubernetes.io/docs/a#b", "javascript:alert(1)", "man 5 <crontab>"};
  a.findings.push_back(f);
  const std::string out = md(a);
  EXPECT_NE(out.find("**References**\n\n- <https://kubernetes.io/docs/a#b>\n- javascript:alert(1)\n"
                     "- man 5 \\<crontab\\>\n"),
            std::string::npos)
      << out;
}

TEST(ParseFormat, AcceptsEveryFormatName) {
  EXPECT_EQ(parse_format("text"), ReportFormat::text);
  EXPECT_EQ(parse_format("json"), ReportFormat::json);
  EXPECT_EQ(parse_format("md"), ReportFormat::md);
  EXPECT_EQ(parse_format("markdown"), ReportFormat::md);
  EXPECT_EQ(parse_format("html"), ReportFormat::html);
  EXPECT_EQ(parse_format("HTML"), std::nullopt);
  EXPECT_EQ(parse_format("pdf"), std::nullopt);
}

TEST(Render, DispatchesToTheMarkdownAndHtmlRenderers) {
  const analyze::Analysis a = sample();
  ReportCtx ctx;
  ctx.kdx_version = "0.1.0";
  fmt::memory_buffer via, direct;
  render(a, ctx, ReportFormat::md, via);
  render_markdown(a, ctx, direct);
  EXPECT_EQ(fmt::to_string(via), fmt::to_string(direct));
  via.clear();
  direct.clear();
  render(a, ctx, ReportFormat::html, via);
  render_html(a, ctx, direct);
  EXPECT_EQ(fmt::to_string(via), fmt::to_string(direct));
  EXPECT_TRUE(fmt::to_string(via).starts_with("<!DOCTYPE html>\n"));
}

TEST(PrintableUtf8, KeepsValidTextTabAndNewlineEscapesTheRest) {
  EXPECT_EQ(printable_utf8("caf\xc3\xa9 \xe2\x9c\x93 \xf0\x9f\x98\x80\t\n"),
            "caf\xc3\xa9 \xe2\x9c\x93 \xf0\x9f\x98\x80\t\n");
  EXPECT_EQ(printable_utf8("\x1b[31m\x7f\r\x00z"), "\\x1b[31m\\x7f\\x0d");
  EXPECT_EQ(printable_utf8(std::string_view("a\0b", 3)), "a\\x00b");
  EXPECT_EQ(printable_utf8("bad \xff \xc3"), "bad \\xff \\xc3");
  EXPECT_EQ(printable_utf8("overlong \xc0\xaf surrogate \xed\xa0\x80"),
            "overlong \\xc0\\xaf surrogate \\xed\\xa0\\x80");
  EXPECT_EQ(printable_utf8("csi \xc2\x9b"), "csi \\u009b");
}

}  // namespace
}  // namespace kdx::report
