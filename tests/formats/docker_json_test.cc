#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
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
  file.display = "containers/abc-json.log";
  return test::split_as(FormatId::docker_json, bytes, std::move(file), first_line);
}

// "line|time|level|message"
std::vector<std::string> dump(const RecordBatch& b) {
  std::vector<std::string> out;
  for (const Record& r : b.records)
    out.push_back(
        fmt::format("{}|{}|{}|{}", r.line, format_rfc3339(r.ts), to_string(r.level), r.message));
  return out;
}

TEST(DockerJson, PlainLineIsAViewIntoTheChunk) {
  const std::string_view line =
      R"({"log":"listening on :8080\n","stream":"stdout","time":"2026-06-04T10:00:00.123456789Z"})";
  auto s = run(std::string(line) + "\n");
  ASSERT_EQ(s->batch.records.size(), 1u);
  const Record& r = s->batch.records[0];
  EXPECT_EQ(r.message, "listening on :8080");
  EXPECT_EQ(r.message.data(), s->chunk.bytes.data() + 8);
  EXPECT_EQ(r.text, line);
  EXPECT_EQ(format_rfc3339(r.ts), "2026-06-04T10:00:00.123456789Z");
  EXPECT_EQ(r.kind, SourceKind::log);
  EXPECT_EQ(r.line, 1u);
  EXPECT_TRUE(s->problems.empty());
}

TEST(DockerJson, UnescapesIncludingSurrogatePairs) {
  auto s =
      run(R"({"log":"tab\there \"quoted\" back\\slash caf\u00e9 \ud83d\ude00 lone \udc00 \/\n",)"
          R"("stream":"stderr","time":"2026-06-04T10:00:00Z"})"
          "\n");
  ASSERT_EQ(s->batch.records.size(), 1u);
  EXPECT_EQ(s->batch.records[0].message,
            "tab\there \"quoted\" back\\slash caf\xC3\xA9 \xF0\x9F\x98\x80 lone \xEF\xBF\xBD /");
}

TEST(DockerJson, StderrDoesNotImplyError) {
  auto s = run(R"({"log":"starting worker\n","stream":"stderr","time":"2026-06-04T10:00:00Z"})"
               "\n"
               R"({"log":"ERROR:  could not connect to server: Connection refused\n",)"
               R"("stream":"stdout","time":"2026-06-04T10:00:01Z"})"
               "\n");
  EXPECT_EQ(dump(s->batch),
            (std::vector<std::string>{
                "1|2026-06-04T10:00:00Z|unknown|starting worker",
                "2|2026-06-04T10:00:01Z|error|ERROR:  could not connect to server: Connection "
                "refused"}));
}

TEST(DockerJson, SixteenKibSplitsAreJoined) {
  const std::string big(16384, 'a');
  const std::string first =
      R"({"log":")" + big + R"(","stream":"stdout","time":"2026-06-04T10:00:00.1Z"})";
  const std::string other =
      R"({"log":"err line\n","stream":"stderr","time":"2026-06-04T10:00:00.2Z"})";
  const std::string last = R"({"log":"bbb\r\n","stream":"stdout","time":"2026-06-04T10:00:00.3Z"})";
  const std::string bytes = first + "\n" + other + "\n" + last + "\n";
  auto s = run(bytes, 7);
  EXPECT_TRUE(s->problems.empty());
  EXPECT_EQ(dump(s->batch),
            (std::vector<std::string>{"8|2026-06-04T10:00:00.2Z|unknown|err line",
                                      "7|2026-06-04T10:00:00.1Z|unknown|" + big + "bbb"}));
  // The joined record's text spans its raw lines.
  EXPECT_EQ(s->batch.records[1].text, std::string_view(bytes).substr(0, bytes.size() - 1));
}

TEST(DockerJson, LastPieceWithoutNewlineIsStillARecord) {
  auto s = run(R"({"log":"exiting","stream":"stdout","time":"2026-06-04T10:00:00Z"})");
  EXPECT_EQ(dump(s->batch), (std::vector<std::string>{"1|2026-06-04T10:00:00Z|unknown|exiting"}));
  EXPECT_TRUE(s->problems.empty());
}

TEST(DockerJson, InvalidLinesAreReportedAndSkipped) {
  auto s = run(R"({"log":"ok\n","stream":"stdout","time":"2026-06-04T10:00:00Z"})"
               "\n"
               R"({"log":"cut off","stream":)"
               "\n"
               "not json at all\n"
               R"({"stream":"stdout","time":"2026-06-04T10:00:00Z"})"
               "\n"
               R"({"log":"bad \q escape\n","stream":"stdout"})"
               "\n"
               R"({"log":"x\n"} trailing)"
               "\n"
               R"({"log":"still fine\n","stream":"stdout","time":"2026-06-04T10:00:09Z"})"
               "\n",
               100);
  EXPECT_EQ(dump(s->batch),
            (std::vector<std::string>{"100|2026-06-04T10:00:00Z|unknown|ok",
                                      "106|2026-06-04T10:00:09Z|unknown|still fine"}));
  EXPECT_EQ(
      s->problems,
      (Problems{
          {"containers/abc-json.log:101", "invalid docker json-file line: unexpected end of input"},
          {"containers/abc-json.log:102", "invalid docker json-file line: not a JSON object"},
          {"containers/abc-json.log:103", "invalid docker json-file line: no \"log\" field"},
          {"containers/abc-json.log:104", "invalid docker json-file line: bad escape"},
          {"containers/abc-json.log:105",
           "invalid docker json-file line: trailing characters after the object"}}));
}

TEST(DockerJsonSafeCut, NotInsideASplitLine) {
  const std::string partial = R"({"log":"part","stream":"stdout","time":"2026-06-04T10:00:00Z"})";
  const std::string full = R"({"log":"full\n","stream":"stdout","time":"2026-06-04T10:00:00Z"})";
  const std::string escaped_backslash = R"({"log":"ends in a backslash then n: \\n",)"
                                        R"("stream":"stdout","time":"2026-06-04T10:00:00Z"})";
  EXPECT_EQ(safe_cut(FormatId::docker_json, full + "\n" + partial + "\n"), full.size() + 1);
  EXPECT_EQ(safe_cut(FormatId::docker_json, full + "\n" + full + "\n"), 2 * full.size() + 2);
  EXPECT_EQ(safe_cut(FormatId::docker_json, full + "\n" + escaped_backslash + "\n"),
            full.size() + 1);
  EXPECT_EQ(safe_cut(FormatId::docker_json, partial + "\n"), 0u);
}

TEST(DockerJsonSafeCut, ChunkedSplitMatchesWholeSplit) {
  std::string bytes;
  for (int i = 0; i < 40; ++i) {
    bytes +=
        fmt::format(R"({{"log":"piece {} ","stream":"stdout","time":"2026-06-04T10:00:00Z"}})", i) +
        "\n";
    bytes += R"({"log":"E0604 other\n","stream":"stderr","time":"2026-06-04T10:00:01Z"})"
             "\n";
    bytes += R"({"log":"end\n","stream":"stdout","time":"2026-06-04T10:00:02Z"})"
             "\n";
  }
  const auto whole = dump(run(bytes)->batch);
  std::vector<std::string> chunked;
  uint64_t line = 1;
  std::string_view rest = bytes;
  while (!rest.empty()) {
    size_t cut = 0;
    for (size_t w = 100; cut == 0; w *= 2)
      cut = w >= rest.size() ? rest.size() : safe_cut(FormatId::docker_json, rest.substr(0, w));
    const std::string_view piece = rest.substr(0, cut);
    for (auto& d : dump(run(piece, line)->batch)) chunked.push_back(d);
    line += static_cast<uint64_t>(std::count(piece.begin(), piece.end(), '\n'));
    rest.remove_prefix(cut);
  }
  EXPECT_EQ(chunked, whole);
}

}  // namespace
}  // namespace kdx::formats
