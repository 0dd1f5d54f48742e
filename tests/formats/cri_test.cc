#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "formats/formats.h"
#include "support/split_fixture.h"

namespace kdx::formats {
namespace {

using test::Split;

std::unique_ptr<Split> run(std::string_view bytes, uint64_t first_line = 1) {
  FileInfo file;
  file.display = "var/log/pods/db_postgres-0_1234/postgres/0.log";
  file.resource.ns = "db";
  file.resource.pod = "postgres-0";
  file.resource.container = "postgres";
  return test::split_as(FormatId::cri, bytes, std::move(file), first_line);
}

// "line|time|level|text"
std::vector<std::string> dump(const RecordBatch& b) {
  std::vector<std::string> out;
  for (const Record& r : b.records)
    out.push_back(
        fmt::format("{}|{}|{}|{}", r.line, format_rfc3339(r.ts), to_string(r.level), r.text));
  return out;
}

constexpr std::string_view kLog =
    "2026-06-04T10:00:00.000000001Z stdout F plain line\n"
    "2026-06-04T10:00:01.000000000Z stderr P 2026-06-04 10:00:01.000 UTC [1] FATAL:  data "
    "directory \n"
    "2026-06-04T10:00:01.100000000Z stdout F interleaved\n"
    "2026-06-04T10:00:01.200000000Z stderr P \"/var/lib/postgresql/data\" \n"
    "2026-06-04T10:00:01.300000000Z stderr F has wrong ownership\n"
    "2026-06-04T10:00:02.000000000Z stdout F \n"
    "2026-06-04T12:00:03.000000000+02:00 stderr F cri-o writes offsets\n";

TEST(Cri, PartialLinesJoinPerStream) {
  auto s = run(kLog);
  EXPECT_TRUE(s->problems.empty());
  EXPECT_EQ(dump(s->batch),
            (std::vector<std::string>{
                "1|2026-06-04T10:00:00.000000001Z|unknown|2026-06-04T10:00:00.000000001Z stdout "
                "F plain line",
                "3|2026-06-04T10:00:01.1Z|unknown|2026-06-04T10:00:01.100000000Z stdout F "
                "interleaved",
                "2|2026-06-04T10:00:01Z|fatal|2026-06-04T10:00:01.000000000Z stderr F 2026-06-04 "
                "10:00:01.000 UTC [1] FATAL:  data directory \"/var/lib/postgresql/data\" has "
                "wrong ownership",
                "7|2026-06-04T10:00:03Z|unknown|2026-06-04T12:00:03.000000000+02:00 stderr F "
                "cri-o writes offsets"}));
  const Record& joined = s->batch.records[2];
  EXPECT_EQ(joined.message,
            "2026-06-04 10:00:01.000 UTC [1] FATAL:  data directory "
            "\"/var/lib/postgresql/data\" has wrong ownership");
  EXPECT_EQ(joined.kind, SourceKind::log);
  EXPECT_EQ(joined.res.pod, "postgres-0");
  EXPECT_EQ(joined.res.container, "postgres");
  // A single F line is a view into the chunk; its message follows the tag.
  EXPECT_EQ(s->batch.records[0].message, "plain line");
  EXPECT_EQ(s->batch.records[0].text.data(), s->chunk.bytes.data());
}

TEST(Cri, NeverEndingPartialRunIsKeptAndReported) {
  auto s =
      run("2026-06-04T10:00:00Z stdout F before\n"
          "2026-06-04T10:00:01Z stdout P never \n"
          "2026-06-04T10:00:02Z stdout P ending\n",
          10);
  EXPECT_EQ(dump(s->batch),
            (std::vector<std::string>{
                "10|2026-06-04T10:00:00Z|unknown|2026-06-04T10:00:00Z stdout F before",
                "11|2026-06-04T10:00:01Z|unknown|2026-06-04T10:00:01Z stdout P never ending"}));
  EXPECT_EQ(s->problems,
            (Problems{{"var/log/pods/db_postgres-0_1234/postgres/0.log:11",
                       "CRI partial line never completed (no F line before end of input)"}}));
}

TEST(Cri, StrayLinesAreKeptOnTheirOwn) {
  auto s = run("not a cri line\n2026-06-04T10:00:00Z stdout F ok\n");
  EXPECT_EQ(dump(s->batch),
            (std::vector<std::string>{"1||unknown|not a cri line",
                                      "2|2026-06-04T10:00:00Z|unknown|2026-06-04T10:00:00Z "
                                      "stdout F ok"}));
}

TEST(Cri, OverlongJoinedLineIsCut) {
  std::string bytes;
  const std::string piece(16 * 1024, 'y');
  for (int i = 0; i < 70; ++i) bytes += "2026-06-04T10:00:00Z stdout P " + piece + "\n";
  bytes += "2026-06-04T10:00:00Z stdout F end\n";
  auto s = run(bytes);
  ASSERT_EQ(s->batch.records.size(), 1u);
  EXPECT_EQ(s->batch.records[0].message.size(), kMaxRecordBytes);
  EXPECT_EQ(s->batch.records[0].text.size(), kMaxRecordBytes);
  EXPECT_EQ(s->problems, (Problems{{"var/log/pods/db_postgres-0_1234/postgres/0.log:1",
                                    "record longer than 1048576 bytes, cut"}}));
}

TEST(CriSafeCut, OnlyAfterAnFLineWithNoOpenRun) {
  // After line 3 the stderr run (line 2) is still open; after line 5 nothing is.
  EXPECT_EQ(safe_cut(FormatId::cri, kLog.substr(0, kLog.find("2026-06-04T10:00:02"))),
            kLog.find("2026-06-04T10:00:02"));
  const std::string_view open_run =
      "2026-06-04T10:00:00Z stdout F a\n2026-06-04T10:00:01Z stdout P b\n";
  EXPECT_EQ(safe_cut(FormatId::cri, open_run), open_run.find("2026-06-04T10:00:01Z"));
  const std::string_view interleaved =
      "2026-06-04T10:00:00Z stderr P a\n2026-06-04T10:00:01Z stdout F b\n";
  EXPECT_EQ(safe_cut(FormatId::cri, interleaved), 0u);
}

TEST(CriSafeCut, ChunkedSplitMatchesWholeSplit) {
  std::string bytes;
  for (int i = 0; i < 30; ++i) bytes += std::string(kLog);
  const auto whole = dump(run(bytes)->batch);
  std::vector<std::string> chunked;
  uint64_t line = 1;
  std::string_view rest = bytes;
  while (!rest.empty()) {
    size_t cut = 0;
    for (size_t w = 150; cut == 0; w *= 2)
      cut = w >= rest.size() ? rest.size() : safe_cut(FormatId::cri, rest.substr(0, w));
    const std::string_view piece = rest.substr(0, cut);
    for (auto& d : dump(run(piece, line)->batch)) chunked.push_back(d);
    line += static_cast<uint64_t>(std::count(piece.begin(), piece.end(), '\n'));
    rest.remove_prefix(cut);
  }
  EXPECT_EQ(chunked, whole);
}

// The cut after the last F line at which neither stream has a P run open, by reading every
// line from the start: what safe_cut (which looks back from the end) must give.
size_t forward_cut(std::string_view buf) {
  bool pending[2] = {false, false};
  size_t best = 0;
  for (size_t begin = 0; begin < buf.size();) {
    const size_t nl = buf.find('\n', begin);
    if (nl == std::string_view::npos) break;
    std::string_view line = buf.substr(begin, nl - begin);
    if (line.ends_with('\r')) line.remove_suffix(1);
    begin = nl + 1;
    const auto parts = line.substr(0, line.find(' ', line.find(' ') + 1) + 2);
    if (parts.size() < 4 || !line.starts_with("2026")) continue;  // stray line: no state change
    const bool err = parts.find(" stderr ") != std::string_view::npos;
    const bool partial = parts.ends_with(" P");
    pending[err ? 1 : 0] = partial;
    if (!partial && !pending[0] && !pending[1]) best = begin;
  }
  return best;
}

TEST(CriSafeCut, LookingBackGivesTheCutOfReadingEveryLine) {
  const std::vector<std::string> shapes = {
      "2026-06-04T10:00:00Z stdout F a", "2026-06-04T10:00:00Z stdout P b",
      "2026-06-04T10:00:00Z stderr F c", "2026-06-04T10:00:00Z stderr P d",
      "2026-06-04T10:00:00Z stderr F e\r", "stray text between",
  };
  std::mt19937 rng(11);
  for (int round = 0; round < 2000; ++round) {
    std::string bytes;
    const int n = 1 + static_cast<int>(rng() % 30);
    for (int i = 0; i < n; ++i) (bytes += shapes[rng() % shapes.size()]) += '\n';
    if (rng() % 3 == 0) bytes += "2026-06-04T10:00:00Z stdout F no newline yet";
    ASSERT_EQ(safe_cut(FormatId::cri, bytes), forward_cut(bytes)) << bytes;
  }
}

}  // namespace
}  // namespace kdx::formats
