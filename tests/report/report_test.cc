#include "report/report.h"

#include <gtest/gtest.h>

#include "report/json_writer.h"

namespace kdx::report {
namespace {

std::string json_string(std::string_view s) {
  fmt::memory_buffer b;
  append_json_string(b, s);
  return fmt::to_string(b);
}

TEST(JsonString, EscapesControlsAndKeepsInvalidUtf8AsLatin1) {
  EXPECT_EQ(json_string("a\"b\\c\n\t\x01"), R"("a\"b\\c\n\t\u0001")");
  EXPECT_EQ(json_string("caf\xc3\xa9"), "\"caf\xc3\xa9\"");
  EXPECT_EQ(json_string("bad \xff\xfe end"), R"("bad \u00ff\u00fe end")");
  EXPECT_EQ(json_string("cut \xe2\x82"), R"("cut \u00e2\u0082")");
  EXPECT_EQ(json_string("surrogate \xed\xa0\x80"), R"("surrogate \u00ed\u00a0\u0080")");
  EXPECT_EQ(json_string("\x1b[31m"), R"("\u001b[31m")");
}

TEST(SplitWhere, SeparatesTheLineFromThePath) {
  EXPECT_EQ(split_where("b.tar.gz:pods/db.log:1042"),
            (std::pair<std::string, std::string>{"b.tar.gz:pods/db.log", "line 1042"}));
  EXPECT_EQ(split_where("b.tar.gz"), (std::pair<std::string, std::string>{"b.tar.gz", ""}));
  EXPECT_EQ(split_where("b.tar.gz:x.log"), (std::pair<std::string, std::string>{"b.tar.gz:x.log", ""}));
}

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
  f.kind = rules::RuleKind::root_cause;
  f.rank = 1;
  f.score = 4750;
  f.resources = {"db/postgres-0"};
  f.first_seen = *parse_rfc3339("2025-11-20T09:12:01Z");
  f.last_seen = *parse_rfc3339("2025-11-20T09:20:00Z");
  f.count = 3;
  f.evidence = {{"bundle.tar.gz:pods/postgres.log", 12, f.first_seen, "FATAL:  wrong ownership"}};
  f.captures = {{"datadir", "/data"}};
  f.explains = {{"container.crashloop", 14, {"db/postgres-0"}}};
  f.fix = "chown -R 999:999 /data";
  f.references = {"https://example.org/x"};
  a.findings.push_back(f);
  a.problems.push_back({"bundle.tar.gz:events/db.json:7", "invalid JSON: TAPE_ERROR"});
  return a;
}

TEST(RenderJson, SchemaOneFieldsInOrder) {
  fmt::memory_buffer b;
  ReportCtx ctx;
  ctx.kdx_version = "0.1.0";
  render_json(sample(), ctx, b);
  EXPECT_EQ(fmt::to_string(b), R"({
  "schema": 1,
  "kdx_version": "0.1.0",
  "inputs": [
    "bundle.tar.gz"
  ],
  "stats": {
    "files": 2,
    "records": 30,
    "bytes": 4096,
    "formats": {
      "cri": {
        "files": 1,
        "records": 20,
        "bytes": 3000
      },
      "events-json": {
        "files": 1,
        "records": 10,
        "bytes": 1096
      }
    }
  },
  "findings": [
    {
      "id": "volume.wrong-ownership",
      "rank": 1,
      "score": 4750,
      "severity": "critical",
      "kind": "root-cause",
      "title": "Volume owned by root",
      "transient": false,
      "resources": [
        "db/postgres-0"
      ],
      "first_seen": "2025-11-20T09:12:01Z",
      "last_seen": "2025-11-20T09:20:00Z",
      "count": 3,
      "evidence": [
        {
          "path": "bundle.tar.gz:pods/postgres.log",
          "line": 12,
          "time": "2025-11-20T09:12:01Z",
          "text": "FATAL:  wrong ownership"
        }
      ],
      "captures": {
        "datadir": "/data"
      },
      "explains": [
        {
          "id": "container.crashloop",
          "count": 14,
          "resources": [
            "db/postgres-0"
          ]
        }
      ],
      "fix": "chown -R 999:999 /data",
      "references": [
        "https://example.org/x"
      ]
    }
  ],
  "unmatched": [],
  "problems": [
    {
      "path": "bundle.tar.gz:events/db.json",
      "where": "line 7",
      "message": "invalid JSON: TAPE_ERROR"
    }
  ]
}
)");
}

TEST(RenderText, FindingWithEvidenceExplainsAndFix) {
  fmt::memory_buffer b;
  ReportCtx ctx;
  ctx.kdx_version = "0.1.0";
  ctx.width = 80;
  render_text(sample(), ctx, b);
  EXPECT_EQ(fmt::to_string(b), R"(kdx 0.1.0 analysed 2 files, 30 records (cri 1, events-json 1)
1 finding: 1 critical

#1 CRITICAL volume.wrong-ownership  (root-cause)
   Volume owned by root
   where:    db/postgres-0
   when:     2025-11-20T09:12:01Z .. 2025-11-20T09:20:00Z  (3 times)
   evidence: bundle.tar.gz:pods/postgres.log:12
               FATAL:  wrong ownership
   explains: 14 x container.crashloop on db/postgres-0
   fix:      chown -R 999:999 /data
   see:      https://example.org/x

1 problem while reading:
  bundle.tar.gz:events/db.json:7: invalid JSON: TAPE_ERROR
)");
}

TEST(RenderText, ColourOnlyWhenAskedAndControlBytesNeverReachTheTerminal) {
  auto a = sample();
  a.findings[0].evidence[0].text = "evil \x1b]0;title\x07 line";
  fmt::memory_buffer plain, coloured;
  ReportCtx ctx;
  render_text(a, ctx, plain);
  EXPECT_EQ(fmt::to_string(plain).find('\x1b'), std::string::npos);
  EXPECT_NE(fmt::to_string(plain).find("evil \\x1b]0;title\\x07 line"), std::string::npos);
  ctx.color = true;
  render_text(a, ctx, coloured);
  EXPECT_NE(fmt::to_string(coloured).find("\x1b[1;31mCRITICAL"), std::string::npos);
}

TEST(RenderText, WrapsLongLinesAtTheWidth) {
  auto a = sample();
  a.findings[0].fix = std::string(30, 'a') + " " + std::string(30, 'b') + " " + std::string(30, 'c');
  fmt::memory_buffer b;
  ReportCtx ctx;
  ctx.width = 60;
  render_text(a, ctx, b);
  const std::string out = fmt::to_string(b);
  EXPECT_NE(out.find("   fix:      " + std::string(30, 'a') + "\n             " + std::string(30, 'b')),
            std::string::npos);
}

}  // namespace
}  // namespace kdx::report

namespace kdx::report {
namespace {

TEST(RenderText, FixSnippetsKeepTheirIndentation) {
  auto a = sample();
  a.findings[0].fix = "Patch the pod:\n  securityContext:\n    fsGroup: 999";
  fmt::memory_buffer b;
  ReportCtx ctx;
  render_text(a, ctx, b);
  EXPECT_NE(fmt::to_string(b).find("   fix:      Patch the pod:\n"
                                    "               securityContext:\n"
                                    "                 fsGroup: 999\n"),
            std::string::npos)
      << fmt::to_string(b);
}

}  // namespace
}  // namespace kdx::report
