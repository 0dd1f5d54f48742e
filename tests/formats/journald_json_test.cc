#include <fmt/format.h>
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "formats/formats.h"
#include "support/split_fixture.h"

namespace kdx::formats {
namespace {

using test::Split;

std::unique_ptr<Split> run(std::string_view bytes) {
  FileInfo file;
  file.display = "sos_commands/logs/journalctl.json";
  file.resource.node = "from-layout";
  return test::split_as(FormatId::journald_json, bytes, std::move(file));
}

// "line|time|level|node|unit|message"
std::vector<std::string> dump(const RecordBatch& b) {
  std::vector<std::string> out;
  for (const Record& r : b.records)
    out.push_back(fmt::format("{}|{}|{}|{}|{}|{}", r.line, format_rfc3339(r.ts), to_string(r.level),
                              r.res.node, r.res.unit, r.message));
  return out;
}

TEST(JournaldJson, FieldsBecomeTimeLevelAndResource) {
  auto s =
      run(R"({"__CURSOR":"s=1;i=1","__REALTIME_TIMESTAMP":"1780567200123456",)"
          R"("__MONOTONIC_TIMESTAMP":"5","_BOOT_ID":"b","PRIORITY":"3","_HOSTNAME":"worker-1",)"
          R"("_SYSTEMD_UNIT":"k3s.service","SYSLOG_IDENTIFIER":"k3s","_PID":"812",)"
          R"("MESSAGE":"failed to start etcd"})"
          "\n");
  EXPECT_TRUE(s->problems.empty());
  ASSERT_EQ(s->batch.records.size(), 1u);
  const Record& r = s->batch.records[0];
  EXPECT_EQ(dump(s->batch),
            (std::vector<std::string>{"1|2026-06-04T10:00:00.123456Z|error|worker-1|k3s|failed to "
                                      "start etcd"}));
  EXPECT_EQ(r.text, "2026-06-04T10:00:00.123456Z worker-1 k3s[812]: failed to start etcd");
  EXPECT_EQ(r.kind, SourceKind::journal);
}

TEST(JournaldJson, SystemdMessagesBelongToTheUnitTheySpeakAbout) {
  auto s = run(
      R"({"__REALTIME_TIMESTAMP":"1780567200123456","PRIORITY":"3","_HOSTNAME":"node1",)"
      R"("_SYSTEMD_UNIT":"init.scope","SYSLOG_IDENTIFIER":"systemd","UNIT":"k3s.service",)"
      R"("MESSAGE":"Failed to start k3s.service - Lightweight Kubernetes."})"
      "\n"
      R"({"__REALTIME_TIMESTAMP":"1780567201123456","PRIORITY":"4","_HOSTNAME":"node1",)"
      R"("_SYSTEMD_UNIT":"init.scope","SYSLOG_IDENTIFIER":"systemd",)"
      R"("MESSAGE":"k3s.service: Start request repeated too quickly."})"
      "\n");
  ASSERT_EQ(s->batch.records.size(), 2u);
  EXPECT_EQ(s->batch.records[0].res.unit, "k3s");
  EXPECT_EQ(s->batch.records[1].res.unit, "k3s");
}

TEST(JournaldJson, MessageLevelWinsOverStdoutPriority) {
  auto s = run(R"({"__REALTIME_TIMESTAMP":"1780567200000000","PRIORITY":"6",)"
               R"("_SYSTEMD_UNIT":"kubelet.service",)"
               R"("MESSAGE":"E0604 10:00:00.000000    1234 kubelet.go:1] \"Error syncing pod\""})"
               "\n"
               R"({"__REALTIME_TIMESTAMP":"1780567201000000","PRIORITY":"4",)"
               R"("SYSLOG_IDENTIFIER":"kernel","MESSAGE":"eth0: link down"})"
               "\n");
  EXPECT_EQ(dump(s->batch),
            (std::vector<std::string>{
                "1|2026-06-04T10:00:00Z|error|from-layout|kubelet|E0604 10:00:00.000000    1234 "
                "kubelet.go:1] \"Error syncing pod\"",
                "2|2026-06-04T10:00:01Z|warning|from-layout|kernel|eth0: link down"}));
  EXPECT_EQ(s->batch.records[1].text, "2026-06-04T10:00:01Z kernel: eth0: link down");
}

TEST(JournaldJson, MessageAsByteArrayKeepsNonUtf8Bytes) {
  auto s = run(R"({"__REALTIME_TIMESTAMP":"1780567200000000","_COMM":"app",)"
               R"("MESSAGE":[98,97,100,32,255,254,10,110,108]})"
               "\n");
  ASSERT_EQ(s->batch.records.size(), 1u);
  EXPECT_EQ(s->batch.records[0].message, std::string_view("bad \xFF\xFE\nnl"));
  EXPECT_EQ(s->batch.records[0].text,
            std::string_view("2026-06-04T10:00:00Z app: bad \xFF\xFE\nnl"));
  EXPECT_EQ(s->batch.records[0].res.unit, "");
}

TEST(JournaldJson, NullMessageSkipsTheEntryAndEscapesAreDecoded) {
  auto s = run(R"({"__REALTIME_TIMESTAMP":"1780567200000000","MESSAGE":null})"
               "\n"
               R"({"__REALTIME_TIMESTAMP":"1780567200000001","MESSAGE":"two\nlines caf\u00e9"})"
               "\n");
  EXPECT_TRUE(s->problems.empty());
  EXPECT_EQ(dump(s->batch), (std::vector<std::string>{
                                "2|2026-06-04T10:00:00.000001Z|unknown|from-layout||two\nlines "
                                "caf\xC3\xA9"}));
}

TEST(JournaldJson, InvalidLinesAreReportedAndSkipped) {
  auto s = run(R"({"MESSAGE":"a" "PRIORITY":"3"})"
               "\n"
               R"({"MESSAGE":[1,300]})"
               "\n"
               R"({"MESSAGE":{"x":1}})"
               "\n"
               R"({"__REALTIME_TIMESTAMP":"1780567200000000","MESSAGE":"kept"})"
               "\n");
  EXPECT_EQ(dump(s->batch),
            (std::vector<std::string>{"4|2026-06-04T10:00:00Z|unknown|from-layout||kept"}));
  EXPECT_EQ(s->problems,
            (Problems{{"sos_commands/logs/journalctl.json:1",
                       "invalid journald JSON line: expected ',' or '}'"},
                      {"sos_commands/logs/journalctl.json:2",
                       "invalid journald JSON line: MESSAGE array holds a value that is not a "
                       "byte"},
                      {"sos_commands/logs/journalctl.json:3",
                       "invalid journald JSON line: MESSAGE is neither a string nor a byte "
                       "array"}}));
}

TEST(JournaldJsonSafeCut, AnyLineBoundary) {
  const std::string_view two = "{\"MESSAGE\":\"a\"}\n{\"MESSAGE\":\"b\"}\n";
  EXPECT_EQ(safe_cut(FormatId::journald_json, two), two.size());
  EXPECT_EQ(safe_cut(FormatId::journald_json, two.substr(0, 20)), 16u);
}

}  // namespace
}  // namespace kdx::formats
