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
  file.display = "app.log";
  file.year_hint = 2026;
  return test::split_as(FormatId::text, bytes, std::move(file), first_line);
}

// One line per record: "line|time|level|text".
std::vector<std::string> dump(const RecordBatch& b) {
  std::vector<std::string> out;
  for (const Record& r : b.records)
    out.push_back(
        fmt::format("{}|{}|{}|{}", r.line, format_rfc3339(r.ts), to_string(r.level), r.text));
  return out;
}

constexpr std::string_view kJava =
    "2026-06-04 10:00:00.123 ERROR [main] c.e.App - request failed\n"
    "java.lang.IllegalStateException: boom\n"
    "\tat com.example.App.run(App.java:42)\n"
    "\tat com.example.App.main(App.java:10)\n"
    "Caused by: java.io.IOException: disk full\n"
    "\tat com.example.Disk.write(Disk.java:7)\n"
    "\t... 2 more\n"
    "2026-06-04 10:00:01.000 INFO  [main] c.e.App - retrying\n";

TEST(Text, JavaStackTraceJoinsIntoOneRecord) {
  auto s = run(kJava);
  EXPECT_TRUE(s->problems.empty());
  EXPECT_EQ(dump(s->batch),
            (std::vector<std::string>{
                "1|2026-06-04T10:00:00.123Z|error|2026-06-04 10:00:00.123 ERROR [main] c.e.App - "
                "request failed",
                "2||unknown|java.lang.IllegalStateException: boom\n"
                "\tat com.example.App.run(App.java:42)\n"
                "\tat com.example.App.main(App.java:10)\n"
                "Caused by: java.io.IOException: disk full\n"
                "\tat com.example.Disk.write(Disk.java:7)\n"
                "\t... 2 more",
                "8|2026-06-04T10:00:01Z|info|2026-06-04 10:00:01.000 INFO  [main] c.e.App - "
                "retrying"}));
  const Record& trace = s->batch.records[1];
  EXPECT_EQ(trace.message, trace.text);
  EXPECT_EQ(trace.kind, SourceKind::text);
  // One view into the chunk, not a copy.
  EXPECT_EQ(trace.text.data(), s->chunk.bytes.data() + kJava.find("java.lang"));
}

TEST(Text, GoPanicAndGoroutineDump) {
  auto s =
      run("panic: runtime error: invalid memory address or nil pointer dereference\n"
          "[signal SIGSEGV: segmentation violation code=0x1 addr=0x0 pc=0x4a1b2c]\n"
          "\n"
          "goroutine 1 [running]:\n"
          "main.(*Server).handle(0x0, 0xc000010000)\n"
          "\t/app/server.go:42 +0x1c\n"
          "main.main()\n"
          "\t/app/main.go:12 +0x25\n"
          "exit status 2\n");
  EXPECT_EQ(dump(s->batch),
            (std::vector<std::string>{
                "1||fatal|panic: runtime error: invalid memory address or nil pointer dereference\n"
                "[signal SIGSEGV: segmentation violation code=0x1 addr=0x0 pc=0x4a1b2c]",
                "4||unknown|goroutine 1 [running]:\n"
                "main.(*Server).handle(0x0, 0xc000010000)\n"
                "\t/app/server.go:42 +0x1c\n"
                "main.main()\n"
                "\t/app/main.go:12 +0x25",
                "9||unknown|exit status 2"}));
}

TEST(Text, PythonTracebackIncludesTheExceptionLine) {
  auto s =
      run("ERROR:root:job failed\n"
          "Traceback (most recent call last):\n"
          "  File \"/app/job.py\", line 8, in <module>\n"
          "    run()\n"
          "  File \"/app/job.py\", line 5, in run\n"
          "    raise ValueError(\"bad input\")\n"
          "ValueError: bad input\n"
          "INFO:root:shutting down\n");
  EXPECT_EQ(dump(s->batch),
            (std::vector<std::string>{"1||error|ERROR:root:job failed\n"
                                      "Traceback (most recent call last):\n"
                                      "  File \"/app/job.py\", line 8, in <module>\n"
                                      "    run()\n"
                                      "  File \"/app/job.py\", line 5, in run\n"
                                      "    raise ValueError(\"bad input\")\n"
                                      "ValueError: bad input",
                                      "8||info|INFO:root:shutting down"}));
}

TEST(Text, BlankLinesAreSkippedAndEndAJoin) {
  auto s = run("first\r\n\r\n   indented after a blank\r\nlast", 41);
  EXPECT_EQ(dump(s->batch),
            (std::vector<std::string>{"41||unknown|first", "43||unknown|   indented after a blank",
                                      "44||unknown|last"}));
}

TEST(Text, JoinStopsAt200Lines) {
  std::string bytes = "Exception in thread \"main\" java.lang.StackOverflowError\n";
  for (int i = 0; i < 250; ++i) bytes += fmt::format("\tat Rec.f(Rec.java:{})\n", i);
  auto s = run(bytes);
  ASSERT_EQ(s->batch.records.size(), 2u);
  EXPECT_EQ(s->batch.records[0].line, 1u);
  EXPECT_TRUE(s->batch.records[0].text.ends_with("\tat Rec.f(Rec.java:198)"));
  EXPECT_EQ(s->batch.records[1].line, 201u);
  EXPECT_TRUE(s->batch.records[1].text.starts_with("\tat Rec.f(Rec.java:199)\n"));
  EXPECT_TRUE(s->batch.records[1].text.ends_with("\tat Rec.f(Rec.java:249)"));
}

TEST(Text, KlogLinesGetTimeFromTheYearHint) {
  auto s = run("W0604 10:00:00.500000       1 reflector.go:424] watch closed\n");
  ASSERT_EQ(s->batch.records.size(), 1u);
  EXPECT_EQ(format_rfc3339(s->batch.records[0].ts), "2026-06-04T10:00:00.5Z");
  EXPECT_EQ(s->batch.records[0].first_ts, s->batch.records[0].ts);
  EXPECT_EQ(s->batch.records[0].repeat, 1u);
  EXPECT_EQ(s->batch.records[0].level, Level::warning);
}

TEST(Text, OverlongRecordIsCutAndReported) {
  std::string bytes = "short\n" + std::string(kMaxRecordBytes + 10, 'x') + "\nafter\n";
  auto s = run(bytes);
  ASSERT_EQ(s->batch.records.size(), 3u);
  EXPECT_EQ(s->batch.records[1].text.size(), kMaxRecordBytes);
  EXPECT_EQ(s->batch.records[1].message.size(), kMaxRecordBytes);
  EXPECT_EQ(s->batch.records[2].text, "after");
  EXPECT_EQ(s->problems, (Problems{{"app.log:2", "record longer than 1048576 bytes, cut"}}));
}

TEST(Text, CutNeverSplitsAUtf8Sequence) {
  // 'é' is two bytes; put its first byte at the limit.
  std::string bytes(kMaxRecordBytes - 1, 'a');
  bytes += "\xC3\xA9tail\n";
  auto s = run(bytes);
  ASSERT_EQ(s->batch.records.size(), 1u);
  EXPECT_EQ(s->batch.records[0].text.size(), kMaxRecordBytes - 1);
}

TEST(TextSafeCut, CutsOnlyBeforeARecordStart) {
  EXPECT_EQ(safe_cut(FormatId::text, kJava), kJava.find("2026-06-04 10:00:01"));
  const std::string_view no_new_record = "ERROR x\n\tat a\n\tat b\n";
  EXPECT_EQ(safe_cut(FormatId::text, no_new_record), 0u);
  // The last line is incomplete: it may still turn out to be a continuation.
  EXPECT_EQ(safe_cut(FormatId::text, "one\ntwo\nthr"), 4u);
  // The exception line ending a Python traceback is not a record start.
  const std::string_view py = "Traceback (most recent call last):\n  File \"x\"\nKeyError: 1\n";
  EXPECT_EQ(safe_cut(FormatId::text, py), 0u);
}

TEST(TextSafeCut, ChunkedSplitMatchesWholeSplit) {
  std::string bytes;
  for (int i = 0; i < 40; ++i) {
    bytes += std::string(kJava);
    bytes += "\nTraceback (most recent call last):\n  File \"a.py\", line 1\nKeyError: 'x'\n";
  }
  const auto whole = dump(run(bytes)->batch);
  std::vector<std::string> chunked;
  uint64_t line = 1;
  std::string_view rest = bytes;
  while (!rest.empty()) {
    // Like the chunker: a window without a safe cut grows until it has one.
    size_t cut = 0;
    for (size_t w = 300; cut == 0; w *= 2)
      cut = w >= rest.size() ? rest.size() : safe_cut(FormatId::text, rest.substr(0, w));
    const std::string_view piece = rest.substr(0, cut);
    for (auto& d : dump(run(piece, line)->batch)) chunked.push_back(d);
    line += static_cast<uint64_t>(std::count(piece.begin(), piece.end(), '\n'));
    rest.remove_prefix(cut);
  }
  EXPECT_EQ(chunked, whole);
}

// Random mixes of every shape the joiner reacts to (stack frames, "Caused by:", Python
// tracebacks and their exception lines, goroutine dumps, lines ending in ')', BuildKit's " => "
// lines, blank lines, CRLF): safe_cut looks back from the end, and every cut it gives must
// leave the records exactly as splitting the whole file makes them.
TEST(TextSafeCut, RandomStackTraceMixesSplitTheSameInAnyChunks) {
  const std::vector<std::string> shapes = {
      "2026-06-04 10:00:00.123 ERROR request failed", "I0604 10:00:00.000000 1 x.go:1] ok",
      "\tat com.example.App.run(App.java:42)",        "Caused by: java.io.IOException: x",
      "\t... 2 more",                                 "Traceback (most recent call last):",
      "  File \"a.py\", line 1, in <module>",         "KeyError: 'x'",
      "goroutine 1 [running]:",                       "main.main()",
      "created by net/http.(*Server).Serve",          "panic: boom (took 3ms)",
      " => [2/6] RUN make (0.1s)",                    "",
      "   ",                                          "plain words\r",
      "at the end",                                   "[signal SIGSEGV: segmentation violation]",
  };
  std::mt19937 rng(7);
  for (int round = 0; round < 200; ++round) {
    std::string bytes;
    const int n = 20 + static_cast<int>(rng() % 60);
    for (int i = 0; i < n; ++i) (bytes += shapes[rng() % shapes.size()]) += '\n';
    const auto whole = dump(run(bytes)->batch);
    std::vector<std::string> chunked;
    uint64_t line = 1;
    std::string_view rest = bytes;
    const size_t window = 40 + rng() % 200;
    while (!rest.empty()) {
      size_t cut = 0;
      for (size_t w = window; cut == 0; w *= 2)
        cut = w >= rest.size() ? rest.size() : safe_cut(FormatId::text, rest.substr(0, w));
      const std::string_view piece = rest.substr(0, cut);
      for (auto& d : dump(run(piece, line)->batch)) chunked.push_back(d);
      line += static_cast<uint64_t>(std::count(piece.begin(), piece.end(), '\n'));
      rest.remove_prefix(cut);
    }
    ASSERT_EQ(chunked, whole) << "round " << round << ":\n" << bytes;
  }
}

// split()'s `hot`: on random text (stack traces of every kind, blank lines, JSON lines read at
// once, a BOM) and random hot offsets, the records kept are exactly the full split's records
// that hold an offset (in a line or its newline) or are read at once, as they are there, and
// the rest are counted as left out.
TEST(Text, WithHotOffsetsKeepsExactlyTheRecordsHoldingOneAndThoseReadAtOnce) {
  const std::vector<std::string> pieces = {
      "plain line 1",   "  indented",        "\tat x.y(Z.java:1)", "Caused by: boom",
      "",               "   ",               "goroutine 7 [running]:", "main.f(0x1)",
      "created by m",   "Traceback (most recent call last):", "ValueError: x",
      R"({"level":50,"msg":"m"})", R"({"level":30,"msg":"m"})", "W0604 10:00:00.000000 1 a.go:1] w",
      "... 3 more",     " => [2/6] RUN x",   "(x3 over 2m) back-off"};
  auto dump = [](const RecordBatch& b) {
    std::vector<std::string> out;
    for (const Record& r : b.records)
      out.push_back(fmt::format("{}|{}|{}|{}|{}|{}", r.line, static_cast<int>(r.deferred),
                                to_string(r.level), r.repeat, r.text, r.message));
    return out;
  };
  std::mt19937 rng(11);
  int kept_for_hot = 0, left_out = 0;
  for (int round = 0; round < 400; ++round) {
    FileInfo file;
    file.display = "app.log";
    Chunk c;
    c.file = &file;
    c.first_line = round % 3 ? 1 : 40;
    std::string bytes = round % 5 == 0 ? "\xEF\xBB\xBF" : "";
    for (int n = 1 + static_cast<int>(rng() % 50); n > 0; --n)
      (bytes += pieces[rng() % pieces.size()]) += '\n';
    if (round % 4 == 0) bytes.pop_back();  // no final newline
    c.bytes.reserve(bytes.size() + kChunkPadding);
    c.bytes = bytes;
    std::vector<uint32_t> hot;
    for (uint32_t at = 0; at < bytes.size(); ++at)
      if (rng() % 40 == 0) hot.push_back(at);
    RecordBatch full, sparse;
    Problems p1, p2;
    split(c, full, p1, SplitMeta::when_needed);
    split(c, sparse, p2, SplitMeta::when_needed, &hot);
    RecordBatch expected;
    for (const Record& r : full.records) {
      const auto begin = static_cast<size_t>(r.text.data() - c.bytes.data());
      size_t end = begin + r.text.size();
      if (end < bytes.size() && bytes[end] == '\n') ++end;  // its last line's newline
      const auto h = std::lower_bound(hot.begin(), hot.end(), begin);
      const bool holds = h != hot.end() && *h < end;
      kept_for_hot += holds && r.deferred != DeferredMeta::none;
      if (holds || r.deferred == DeferredMeta::none) expected.records.push_back(r);
    }
    ASSERT_EQ(dump(sparse), dump(expected)) << bytes;
    EXPECT_EQ(sparse.records.size() + sparse.left_out, full.records.size());
    EXPECT_EQ(p2.size(), p1.size());
    left_out += static_cast<int>(sparse.left_out);
  }
  EXPECT_GT(kept_for_hot, 500);  // both kinds of outcome are well represented
  EXPECT_GT(left_out, 2000);
}

// A text chunk is scanned whole, less its BOM; the carriage returns and bytes past ASCII
// (where a message is not its line as it stands) are listed, to keep their records.
TEST(Text, ScannableTextListsWhereAMessageIsNotItsLine) {
  Chunk c;
  c.format = FormatId::text;
  c.bytes = "\xEF\xBB\xBF" "first\nsecond\n";
  std::vector<uint32_t> special;
  EXPECT_EQ(text_scannable(c, special), "first\nsecond\n");  // the BOM is no message's
  EXPECT_TRUE(special.empty());
  c.first_line = 7;  // a BOM only counts at the start of the file
  EXPECT_EQ(text_scannable(c, special).size(), c.bytes.size());
  EXPECT_EQ(special, (std::vector<uint32_t>{0, 1, 2}));
  special.clear();
  c.first_line = 1;
  c.bytes = "a\r\nb\n\xe2\x94\x82 framed \xe2\x94\x82\n";
  c.bytes += std::string(100, 'x') + "\r";  // in a later block of the scan
  EXPECT_EQ(text_scannable(c, special), c.bytes);
  EXPECT_EQ(special, (std::vector<uint32_t>{1, 5, 6, 7, 16, 17, 18, 120}));
  c.format = FormatId::cri;
  EXPECT_EQ(text_scannable(c, special), "");
}

}  // namespace
}  // namespace kdx::formats
