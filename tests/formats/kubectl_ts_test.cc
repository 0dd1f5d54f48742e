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

std::unique_ptr<Split> run(std::string_view bytes, uint64_t first_line = 1) {
  FileInfo file;
  file.display = "ns/web-0/app.log";
  file.resource.ns = "shop";
  file.resource.pod = "web-0";
  file.resource.container = "app";
  return test::split_as(FormatId::kubectl_ts, bytes, std::move(file), first_line);
}

// "line|time|level|message"
std::vector<std::string> dump(const RecordBatch& b) {
  std::vector<std::string> out;
  for (const Record& r : b.records)
    out.push_back(
        fmt::format("{}|{}|{}|{}", r.line, format_rfc3339(r.ts), to_string(r.level), r.message));
  return out;
}

constexpr std::string_view kLog =
    "2026-06-04T10:00:00.123456789Z I0604 10:00:00.123456       1 main.go:12] starting\n"
    "2026-06-04T10:00:01.000000000Z E0604 10:00:01.000000       1 main.go:40] \"failed to "
    "sync\" err=\"connection refused\"\n"
    "2026-06-04T10:00:02.5Z panic: boom\n"
    "goroutine 1 [running]:\n"
    "main.main()\n"
    "2026-06-04T10:00:03Z \n"
    "2026-06-04T10:00:04+02:00 done\n";

TEST(KubectlTs, TimestampMessageLevelAndJoinedContinuations) {
  auto s = run(kLog);
  EXPECT_TRUE(s->problems.empty());
  EXPECT_EQ(dump(s->batch),
            (std::vector<std::string>{
                "1|2026-06-04T10:00:00.123456789Z|info|I0604 10:00:00.123456       1 "
                "main.go:12] starting",
                "2|2026-06-04T10:00:01Z|error|E0604 10:00:01.000000       1 main.go:40] "
                "\"failed to sync\" err=\"connection refused\"",
                "3|2026-06-04T10:00:02.5Z|fatal|panic: boom\ngoroutine 1 [running]:\nmain.main()",
                "7|2026-06-04T08:00:04Z|unknown|done"}));
  const Record& joined = s->batch.records[2];
  EXPECT_EQ(joined.text, "2026-06-04T10:00:02.5Z panic: boom\ngoroutine 1 [running]:\nmain.main()");
  EXPECT_EQ(joined.kind, SourceKind::log);
  EXPECT_EQ(joined.res.ns, "shop");
  EXPECT_EQ(joined.res.pod, "web-0");
  EXPECT_EQ(joined.res.container, "app");
  EXPECT_EQ(joined.first_ts, joined.ts);
}

TEST(KubectlTs, LeadingUnstampedLineStandsAlone) {
  auto s = run("\tat Foo.bar(Foo.java:1)\n2026-06-04T10:00:00Z WARN retry\n", 500);
  EXPECT_EQ(dump(s->batch),
            (std::vector<std::string>{"500||unknown|\tat Foo.bar(Foo.java:1)",
                                      "501|2026-06-04T10:00:00Z|warning|WARN retry"}));
}

TEST(KubectlTs, ZonelessStampIsNotAKubectlStamp) {
  auto s = run("2026-06-04T10:00:00Z first\n2026-06-04T10:00:01.5 app's own stamp\n");
  ASSERT_EQ(s->batch.records.size(), 1u);
  EXPECT_EQ(s->batch.records[0].message, "first\n2026-06-04T10:00:01.5 app's own stamp");
}

TEST(KubectlTsSafeCut, CutsBeforeTheLastStampedLine) {
  EXPECT_EQ(safe_cut(FormatId::kubectl_ts, kLog), kLog.find("2026-06-04T10:00:04"));
  const std::string_view trailing = "2026-06-04T10:00:00Z a\n2026-06-04T10:00:01Z b\n  at x\n";
  EXPECT_EQ(safe_cut(FormatId::kubectl_ts, trailing), trailing.find("2026-06-04T10:00:01Z"));
  EXPECT_EQ(safe_cut(FormatId::kubectl_ts, "2026-06-04T10:00:00Z only\n"), 0u);
  EXPECT_EQ(safe_cut(FormatId::kubectl_ts, "2026-06-04T10:00:00Z a\n2026-06-04T10:0"), 0u);
}

TEST(KubectlTsSafeCut, ChunkedSplitMatchesWholeSplit) {
  std::string bytes;
  for (int i = 0; i < 30; ++i) bytes += std::string(kLog);
  const auto whole = dump(run(bytes)->batch);
  std::vector<std::string> chunked;
  uint64_t line = 1;
  std::string_view rest = bytes;
  while (!rest.empty()) {
    size_t cut = 0;
    for (size_t w = 200; cut == 0; w *= 2)
      cut = w >= rest.size() ? rest.size() : safe_cut(FormatId::kubectl_ts, rest.substr(0, w));
    const std::string_view piece = rest.substr(0, cut);
    for (auto& d : dump(run(piece, line)->batch)) chunked.push_back(d);
    line += static_cast<uint64_t>(std::count(piece.begin(), piece.end(), '\n'));
    rest.remove_prefix(cut);
  }
  EXPECT_EQ(chunked, whole);
}

}  // namespace
}  // namespace kdx::formats
