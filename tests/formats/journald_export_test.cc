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
  file.display = "node1/journal.export";
  return test::split_as(FormatId::journald_export, bytes, std::move(file));
}

// A binary field: "KEY\n" + little-endian 64-bit length + data + "\n".
std::string binary_field(std::string_view key, std::string_view data, uint64_t length) {
  std::string out(key);
  out += '\n';
  for (int i = 0; i < 8; ++i) out += static_cast<char>((length >> (8 * i)) & 0xFF);
  out += data;
  out += '\n';
  return out;
}
std::string binary_field(std::string_view key, std::string_view data) {
  return binary_field(key, data, data.size());
}

// "line|time|level|node|unit|text"
std::vector<std::string> dump(const RecordBatch& b) {
  std::vector<std::string> out;
  for (const Record& r : b.records)
    out.push_back(fmt::format("{}|{}|{}|{}|{}|{}", r.line, format_rfc3339(r.ts), to_string(r.level),
                              r.res.node, r.res.unit, r.text));
  return out;
}

const std::string kFirst =
    "__CURSOR=s=739ad463348b4ceca5a9e69c95a3c93f;i=4ece7;b=6c7c6013a8cb4f25\n"
    "__REALTIME_TIMESTAMP=1780567200000000\n"
    "__MONOTONIC_TIMESTAMP=2675\n"
    "PRIORITY=6\n"
    "_HOSTNAME=worker-1\n"
    "_SYSTEMD_UNIT=kubelet.service\n"
    "SYSLOG_IDENTIFIER=kubelet\n"
    "_PID=1234\n"
    "MESSAGE=I0604 10:00:00.000000    1234 server.go:1] Started kubelet\n"
    "\n";

TEST(JournaldExport, TextAndBinaryFields) {
  const std::string second =
      "__CURSOR=s=2\n"
      "__REALTIME_TIMESTAMP=1780567201500000\n"
      "PRIORITY=3\n"
      "_HOSTNAME=worker-1\n"
      "_SYSTEMD_UNIT=kubelet.service\n" +
      binary_field("MESSAGE", "line one\nline two") +
      "SYSLOG_IDENTIFIER=kubelet\n"
      "\n";
  auto s = run(kFirst + second);
  EXPECT_TRUE(s->problems.empty());
  EXPECT_EQ(dump(s->batch),
            (std::vector<std::string>{
                "1|2026-06-04T10:00:00Z|info|worker-1|kubelet|2026-06-04T10:00:00Z worker-1 "
                "kubelet[1234]: I0604 10:00:00.000000    1234 server.go:1] Started kubelet",
                "11|2026-06-04T10:00:01.5Z|error|worker-1|kubelet|2026-06-04T10:00:01.5Z "
                "worker-1 kubelet: line one\nline two"}));
  EXPECT_EQ(s->batch.records[1].message, "line one\nline two");
  EXPECT_EQ(s->batch.records[1].kind, SourceKind::journal);
}

TEST(JournaldExport, EntryWithoutMessageIsSkippedAndLastEntryNeedsNoBlankLine) {
  auto s =
      run("__CURSOR=s=1\n__REALTIME_TIMESTAMP=1780567200000000\n_HOSTNAME=n\n\n"
          "__CURSOR=s=2\n__REALTIME_TIMESTAMP=1780567200000000\nSYSLOG_IDENTIFIER=sshd\n"
          "MESSAGE=Accepted publickey");
  EXPECT_TRUE(s->problems.empty());
  EXPECT_EQ(dump(s->batch),
            (std::vector<std::string>{
                "5|2026-06-04T10:00:00Z|unknown||sshd|2026-06-04T10:00:00Z sshd: Accepted "
                "publickey"}));
}

TEST(JournaldExport, BogusLengthDropsItsEntryAndResumesAtTheNext) {
  const std::string bad = "__CURSOR=s=2\n" + binary_field("MESSAGE", "short", 1000000000) +
                          "\n__CURSOR=s=3\nMESSAGE=never read\n";
  auto s = run(kFirst + bad);
  ASSERT_EQ(s->batch.records.size(), 2u);
  EXPECT_EQ(s->batch.records[0].message,
            "I0604 10:00:00.000000    1234 server.go:1] Started kubelet");
  EXPECT_EQ(s->batch.records[1].message, "never read");
  EXPECT_EQ(s->batch.records[1].line, 15u);
  const size_t remaining = bad.size() - (std::string("__CURSOR=s=2\nMESSAGE\n").size() + 8);
  EXPECT_EQ(s->problems,
            (Problems{{"node1/journal.export:12",
                       fmt::format("journald export: field MESSAGE length 1000000000 exceeds the "
                                   "remaining {} bytes; entry dropped, resumed at line 15",
                                   remaining)}}));
}

// Resuming looks for a blank line followed by a real field: blank lines inside the corrupt
// field's data do not count, and every corrupt entry costs only itself.
TEST(JournaldExport, ResumesOnlyAtARealFieldAndAfterEachCorruptEntry) {
  const std::string bad = "__CURSOR=s=2\n" + binary_field("MESSAGE", "a\n\nnot a field", 1u << 30) +
                          "\n__CURSOR=s=3\n" + binary_field("MESSAGE", "b", 1u << 31) +
                          "\n__CURSOR=s=4\nMESSAGE=kept\n";
  auto s = run(kFirst + bad);
  ASSERT_EQ(s->batch.records.size(), 2u);
  EXPECT_EQ(s->batch.records[1].message, "kept");
  ASSERT_EQ(s->problems.size(), 2u);
  EXPECT_EQ(s->problems[0].where, "node1/journal.export:12");
  EXPECT_TRUE(s->problems[0].message.ends_with("; entry dropped, resumed at line 17"))
      << s->problems[0].message;
  EXPECT_EQ(s->problems[1].where, "node1/journal.export:18");
  EXPECT_TRUE(s->problems[1].message.ends_with("; entry dropped, resumed at line 21"))
      << s->problems[1].message;
}

TEST(JournaldExport, CutLengthAndMalformedNames) {
  auto cut = run(std::string_view("__CURSOR=s=1\nMESSAGE\n\x05\x00\x00", 24));
  EXPECT_TRUE(cut->batch.records.empty());
  EXPECT_EQ(cut->problems, (Problems{{"node1/journal.export:2",
                                      "journald export: field MESSAGE is cut before its length"}}));
  auto junk = run(kFirst + "this is not a field\nMESSAGE=x\n");
  EXPECT_EQ(junk->batch.records.size(), 1u);
  EXPECT_EQ(junk->problems, (Problems{{"node1/journal.export:11",
                                       "journald export: malformed field name; the rest of the file "
                                       "is skipped"}}));
}

}  // namespace
}  // namespace kdx::formats
