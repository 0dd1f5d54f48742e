#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "core/time.h"
#include "formats/formats.h"

namespace kdx::formats {
namespace {

std::string ts_of(std::string_view line, int year = 2026) {
  return format_rfc3339(parse_line_meta(line, year).ts);
}
Level level_of(std::string_view line) { return parse_line_meta(line, 2026).level; }

TEST(LineMeta, KlogLevelsAndTimeFromYearHint) {
  const std::string_view line =
      R"(E0604 10:00:00.123456    1 file.go:12] "Failed to sync" err="connection refused")";
  const LineMeta m = parse_line_meta(line, 2026);
  EXPECT_EQ(m.level, Level::error);
  EXPECT_EQ(format_rfc3339(m.ts), "2026-06-04T10:00:00.123456Z");
  EXPECT_EQ(level_of("I0604 10:00:00.000001       1 main.go:1] started"), Level::info);
  EXPECT_EQ(level_of("W1231 23:59:59.5 7 x.go:2] slow"), Level::warning);
  EXPECT_EQ(level_of("F0604 10:00:00.000000       1 main.go:9] cannot start"), Level::fatal);
}

TEST(LineMeta, KlogWithoutYearHintHasLevelButNoTime) {
  const LineMeta m = parse_line_meta("E0604 10:00:00.123456    1 file.go:12] boom", 0);
  EXPECT_EQ(m.level, Level::error);
  EXPECT_FALSE(m.ts.known());
}

TEST(LineMeta, KlogLookalikesAreNotKlog) {
  // "E1306" has no month 13: this is not klog, and "Error" words decide instead.
  EXPECT_EQ(level_of("E1306 10:00:00 something"), Level::unknown);
  EXPECT_EQ(level_of("I0604-10:00:00 not klog"), Level::unknown);
}

TEST(LineMeta, Logrus) {
  const LineMeta m = parse_line_meta(
      R"(time="2026-06-04T10:00:00Z" level=error msg="failed to pull image" error="EOF")", 0);
  EXPECT_EQ(m.level, Level::error);
  EXPECT_EQ(format_rfc3339(m.ts), "2026-06-04T10:00:00Z");
  const LineMeta c = parse_line_meta(
      R"(time="2026-06-04T12:00:00.123456789+02:00" level=warning msg="cleanup")", 0);
  EXPECT_EQ(c.level, Level::warning);
  EXPECT_EQ(format_rfc3339(c.ts), "2026-06-04T10:00:00.123456789Z");
}

TEST(LineMeta, LogfmtWithTimeKeyElsewhere) {
  const LineMeta m = parse_line_meta(
      "ts=2026-06-04T10:00:00.000Z caller=scrape.go:1292 level=warn component=\"scrape manager\"",
      0);
  EXPECT_EQ(m.level, Level::warning);
  EXPECT_EQ(format_rfc3339(m.ts), "2026-06-04T10:00:00Z");
  // Grafana's "lvl=eror".
  EXPECT_EQ(level_of("logger=context t=2026-06-04T10:00:00Z lvl=eror msg=\"x\""), Level::error);
}

TEST(LineMeta, JsonLoggers) {
  const LineMeta zap =
      parse_line_meta(R"({"level":"error","ts":1717495200.123,"logger":"db","msg":"down"})", 0);
  EXPECT_EQ(zap.level, Level::error);
  EXPECT_EQ(format_rfc3339(zap.ts), "2024-06-04T10:00:00.123Z");
  const LineMeta gcp = parse_line_meta(
      R"({"severity":"WARNING","time":"2026-06-04T10:00:00Z","message":"slow"})", 0);
  EXPECT_EQ(gcp.level, Level::warning);
  EXPECT_EQ(format_rfc3339(gcp.ts), "2026-06-04T10:00:00Z");
  const LineMeta ecs =
      parse_line_meta(R"({"@timestamp":"2026-06-04T10:00:00.5Z","log.level":"info"})", 0);
  EXPECT_EQ(ecs.level, Level::info);
  EXPECT_EQ(format_rfc3339(ecs.ts), "2026-06-04T10:00:00.5Z");
  const LineMeta pino = parse_line_meta(R"({"level":50,"time":1780567200000,"msg":"x"})", 0);
  EXPECT_EQ(pino.level, Level::error);
  EXPECT_EQ(format_rfc3339(pino.ts), "2026-06-04T10:00:00Z");
  EXPECT_EQ(level_of(R"({"lvl":"crit","msg":"disk"})"), Level::fatal);
}

TEST(LineMeta, JsonOnlyTopLevelMembersCount) {
  const LineMeta m = parse_line_meta(R"({"msg":"x","ctx":{"level":"error","ts":5}})", 0);
  EXPECT_EQ(m.level, Level::unknown);
  EXPECT_FALSE(m.ts.known());
}

TEST(LineMeta, LeadingTimestampThenLevelWord) {
  const LineMeta zap = parse_line_meta(
      "2026-06-04T10:00:00.000Z\tERROR\tcontroller\tReconciler error\t{\"name\":\"x\"}", 0);
  EXPECT_EQ(zap.level, Level::error);
  EXPECT_EQ(format_rfc3339(zap.ts), "2026-06-04T10:00:00Z");
  const LineMeta py =
      parse_line_meta("2026-06-04 10:00:00,123 - app.db - ERROR - connection refused", 0);
  EXPECT_EQ(py.level, Level::error);
  EXPECT_EQ(format_rfc3339(py.ts), "2026-06-04T10:00:00.123Z");
  const LineMeta kafka =
      parse_line_meta("[2026-06-04 10:00:00,123] WARN [Controller id=1] stale epoch", 0);
  EXPECT_EQ(kafka.level, Level::warning);
  EXPECT_EQ(format_rfc3339(kafka.ts), "2026-06-04T10:00:00.123Z");
  EXPECT_EQ(level_of("2026-06-04T10:00:00Z info starting server"), Level::info);
  EXPECT_EQ(level_of("2026-06-04T10:00:00Z starting the error handler"), Level::unknown);
}

TEST(LineMeta, PostgresLevelAfterPidBracket) {
  const LineMeta fatal = parse_line_meta(
      "2026-06-04 10:00:00.123 UTC [1] FATAL:  data directory "
      R"("/var/lib/postgresql/data" has wrong ownership)",
      0);
  EXPECT_EQ(fatal.level, Level::fatal);
  EXPECT_EQ(format_rfc3339(fatal.ts), "2026-06-04T10:00:00.123Z");
  EXPECT_EQ(level_of("2026-06-04 10:00:00.123 UTC [35] LOG:  database system is ready to accept "
                     "connections"),
            Level::info);
  EXPECT_EQ(level_of(R"(2026-06-04 10:00:00.123 UTC [35] ERROR:  relation "users" does not exist)"),
            Level::error);
  EXPECT_EQ(level_of("2026-06-04 10:00:00.123 UTC [35] WARNING:  could not flush dirty data"),
            Level::warning);
  EXPECT_EQ(
      level_of("2026-06-04 10:00:00.123 UTC [35] app@orders FATAL:  password authentication failed "
               R"(for user "app")"),
      Level::fatal);
  EXPECT_EQ(level_of("2026-06-04 10:00:00.123 UTC [35] STATEMENT:  select 1"), Level::unknown);
  // Without a prefix, as initdb/postgres print before logging is set up.
  EXPECT_EQ(level_of(R"(FATAL:  data directory "/var/lib/postgresql/data" has wrong ownership)"),
            Level::fatal);
}

TEST(LineMeta, GoLogTimestamp) {
  const LineMeta m = parse_line_meta("2026/06/04 10:00:00 [ERROR] plugin/errors: 2 x. A: EOF", 0);
  EXPECT_EQ(m.level, Level::error);
  EXPECT_EQ(format_rfc3339(m.ts), "2026-06-04T10:00:00Z");
  const LineMeta tls =
      parse_line_meta("2026/06/04 10:00:00.250000 http: TLS handshake error from 10.0.0.1:5000", 0);
  EXPECT_EQ(tls.level, Level::unknown);
  EXPECT_EQ(format_rfc3339(tls.ts), "2026-06-04T10:00:00.25Z");
  EXPECT_EQ(level_of("2026/06/04 10:00:00 [error] 29#29: *1 connect() failed"), Level::error);
}

TEST(LineMeta, LevelWordsAtLineStart) {
  EXPECT_EQ(level_of("[ERROR] plugin/errors: 2 example.org. A: read udp 10.42.0.5:53"),
            Level::error);
  EXPECT_EQ(level_of("[INFO] plugin/reload: Running configuration SHA512 = 1a2b"), Level::info);
  EXPECT_EQ(level_of("[WARNING] No files matching import glob pattern"), Level::warning);
  EXPECT_EQ(level_of("panic: runtime error: invalid memory address or nil pointer dereference"),
            Level::fatal);
  EXPECT_EQ(level_of("fatal error: all goroutines are asleep - deadlock!"), Level::fatal);
  EXPECT_EQ(level_of(R"(Error: unknown command "server-junk" for "velero")"), Level::error);
  EXPECT_EQ(level_of("ERROR:root:job failed"), Level::error);
  EXPECT_EQ(level_of("WARN disk almost full"), Level::warning);
  EXPECT_EQ(level_of("ERROR something broke"), Level::error);
  EXPECT_EQ(parse_line_meta("ERROR something broke", 2026).ts.known(), false);
}

TEST(LineMeta, OrdinaryWordsAreNotLevels) {
  EXPECT_EQ(level_of("Errors were found in 3 files"), Level::unknown);
  EXPECT_EQ(level_of("error budget is fine"), Level::unknown);
  EXPECT_EQ(level_of("Information only"), Level::unknown);
  EXPECT_EQ(level_of("LOG rotated"), Level::unknown);
  EXPECT_EQ(level_of("kind: Event"), Level::unknown);
  EXPECT_EQ(level_of(""), Level::unknown);
  EXPECT_EQ(ts_of("no time here"), "");
}

TEST(LineMeta, EveryLevelWordInAnyCaseAndNothingLongerOrShorter) {
  const std::vector<std::pair<std::string, Level>> words = {
      {"fatal", Level::fatal},     {"panic", Level::fatal},        {"dpanic", Level::fatal},
      {"critical", Level::fatal},  {"crit", Level::fatal},         {"emerg", Level::fatal},
      {"emergency", Level::fatal}, {"alert", Level::fatal},        {"error", Level::error},
      {"err", Level::error},       {"eror", Level::error},         {"severe", Level::error},
      {"warn", Level::warning},    {"warning", Level::warning},    {"wrn", Level::warning},
      {"notice", Level::notice},   {"info", Level::info},          {"inf", Level::info},
      {"information", Level::info}, {"informational", Level::info}, {"debug", Level::debug},
      {"dbug", Level::debug},      {"dbg", Level::debug},          {"trace", Level::debug},
      {"trc", Level::debug},       {"verbose", Level::debug},
  };
  auto json = [](const std::string& level) { return R"({"level":")" + level + R"(","msg":"x"})"; };
  for (const auto& [word, level] : words) {
    std::string upper = word, mixed = word;
    for (auto& c : upper) c = static_cast<char>(c - 'a' + 'A');
    mixed[0] = static_cast<char>(mixed[0] - 'a' + 'A');
    EXPECT_EQ(level_of(json(word)), level) << word;
    EXPECT_EQ(level_of(json(upper)), level) << upper;
    EXPECT_EQ(level_of(json(mixed)), level) << mixed;
    EXPECT_EQ(level_of(json(word + "s")), Level::unknown) << word << "s";
    EXPECT_EQ(level_of(json(word.substr(1))), word == "dpanic" ? Level::fatal : Level::unknown)
        << word.substr(1);
    EXPECT_EQ(level_of(json(word + std::string(1, '\0'))), Level::unknown) << word << "\\0";
  }
}

}  // namespace
}  // namespace kdx::formats
