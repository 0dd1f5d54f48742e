// formats::warning_level_marker() must match every line parse_line_meta reads as warning,
// error or fatal, but for the JSON lines split() reads at once (meta_read_at_once): the
// pipeline skips reading the time and level of the records it does not mark (and the miner
// skips them), so a line both missed would vanish from the report.
#include <gtest/gtest.h>

#include <re2/re2.h>

#include <random>
#include <string>
#include <vector>

#include "formats/formats.h"

namespace kdx::formats {
namespace {

// Every shape parse_line_meta takes a level from, with every level word (and numbers).
std::vector<std::string> level_lines() {
  const std::vector<std::string> words = {
      "fatal", "panic",  "dpanic", "critical", "crit",  "emerg", "emergency", "alert", "error",
      "err",   "eror",   "severe", "warn",     "warning", "wrn", "notice", "info",      "inf",
      "debug", "trace",  "verbose", "LOG"};
  std::vector<std::string> out;
  for (std::string w : words) {
    for (int form = 0; form < 3; ++form) {
      std::string v = w;
      if (form == 1)
        for (auto& c : v) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      if (form == 2) v[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(v[0])));
      out.push_back("2026-06-04T10:00:00.123Z " + v + " something happened");
      out.push_back("2026-06-04 10:00:00,123 - app - " + v + " - something");
      out.push_back("[2026-06-04 10:00:00] [" + v + "] something");
      out.push_back("2026-06-04 10:00:00.000 UTC [1] user@db " + v + ":  something");
      out.push_back("2026/06/04 10:00:00 [" + v + "] plugin/errors: x");
      out.push_back("time=\"2026-06-04T10:00:00Z\" level=" + v + " msg=\"x\"");
      out.push_back("level=" + v + " ts=2026-06-04T10:00:00Z msg=x");
      out.push_back(R"({"ts":1717495200.1,"level":")" + v + R"(","msg":"x"})");
      out.push_back(R"({"msg":"x", "severity" : ")" + v + R"("})");
      out.push_back(v + ": data directory has wrong ownership");
      out.push_back("[" + v + "] plugin/errors");
      out.push_back("<" + v + "> x");
    }
  }
  for (char k : std::string("IWEF"))
    out.push_back(std::string(1, k) + "0604 10:00:00.123456       1 file.go:12] x");
  for (const char* key : {"level", "lvl", "severity", "loglevel", "log.level"})
    for (const char* n : {"10", "20", "30", "40", "50", "60"}) {
      out.push_back(std::string(R"({"time":1780567200000,")") + key + "\":" + n + R"(,"msg":"x"})");
      out.push_back(std::string(R"({")") + key + "\" :\t" + n + "}");
    }
  out.push_back("fatal error: all goroutines are asleep - deadlock!");
  return out;
}

TEST(WarningLevelMarker, MatchesEveryLineReadAsWarningOrWorse) {
  const RE2 marker(warning_level_marker());
  ASSERT_TRUE(marker.ok()) << marker.error();
  int warnings = 0, others = 0;
  for (const auto& line : level_lines()) {
    const Level level = parse_line_meta(line, 2026).level;
    if (level >= Level::warning) {
      ++warnings;
      EXPECT_TRUE(RE2::PartialMatch(line, marker) || meta_read_at_once(line))
          << line << " (" << to_string(level) << ")";
    } else {
      ++others;
    }
  }
  // The lines hold every level at and above warning, and enough below it.
  EXPECT_GT(warnings, 500);
  EXPECT_GT(others, 100);
  EXPECT_FALSE(RE2::PartialMatch("I0604 10:00:00.123456 1 file.go:12] synced", marker));
  EXPECT_FALSE(RE2::PartialMatch(R"({"level":30,"msg":"ok"})", marker));
  EXPECT_TRUE(meta_read_at_once(R"({"level":50,"msg":"x"})"));
  EXPECT_TRUE(meta_read_at_once("{\"lvl\" :\t40}"));
  EXPECT_FALSE(meta_read_at_once(R"({"level":30,"status":500,"ms":40.5,"n":-60,"x":51})"));
  EXPECT_TRUE(meta_read_at_once(R"({"msg":"level\":4","log.level" : 60})"));
  EXPECT_FALSE(meta_read_at_once(R"(level: 50 not JSON)"));
}

// meta_read_at_once looks for the digits sixteen places at a time, then back for the colon:
// on random JSON-ish lines, with digits and colons at every place of a block and of the tail
// (a block reads one byte past itself), it must answer as a colon-first byte-by-byte reading.
TEST(WarningLevelMarker, ReadAtOnceAnswersAsAByteByByteReading) {
  auto reference = [](std::string_view line) {
    if (line.empty() || line[0] != '{') return false;
    for (size_t at = 0; at < line.size(); ++at) {
      if (line[at] != ':') continue;
      size_t i = at + 1;
      while (i < line.size() && (line[i] == ' ' || line[i] == '\t' || line[i] == '\r' ||
                                 line[i] == '\n'))
        ++i;
      if (i + 1 >= line.size() || (line[i] != '4' && line[i] != '5' && line[i] != '6') ||
          line[i + 1] != '0')
        continue;
      const char c = i + 2 < line.size() ? line[i + 2] : ',';
      if (!((c >= '0' && c <= '9') || c == '.' || c == 'e' || c == 'E' || c == '+' || c == '-'))
        return true;
    }
    return false;
  };
  const std::string alphabet = "{::  \t4560019.e\"a,}\xba\xc5";
  std::mt19937 rng(7);
  int yes = 0;
  for (int n = 0; n < 200000; ++n) {
    std::string line = "{";
    const size_t len = rng() % 70;
    for (size_t i = 0; i < len; ++i) line += alphabet[rng() % alphabet.size()];
    const bool want = reference(line);
    yes += want;
    // Followed by a '0' it must not read: a "4" at the end is no "40".
    const std::string padded = line + "0";
    ASSERT_EQ(meta_read_at_once(std::string_view(padded).substr(0, line.size())), want) << line;
  }
  EXPECT_GT(yes, 1000);  // both answers are well represented
  EXPECT_LT(yes, 190000);
}

}  // namespace
}  // namespace kdx::formats
