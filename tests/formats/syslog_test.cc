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

std::unique_ptr<Split> run(std::string_view bytes, int year_hint = 2026,
                           Timestamp mtime = Timestamp{}) {
  FileInfo file;
  file.display = "host/var/log/syslog";
  file.year_hint = year_hint;
  file.mtime = mtime;
  file.resource.node = "from-layout";
  return test::split_as(FormatId::syslog, bytes, std::move(file));
}

// "line|time|level|node|unit|message"
std::vector<std::string> dump(const RecordBatch& b) {
  std::vector<std::string> out;
  for (const Record& r : b.records)
    out.push_back(fmt::format("{}|{}|{}|{}|{}|{}", r.line, format_rfc3339(r.ts), to_string(r.level),
                              r.res.node, r.res.unit, r.message));
  return out;
}

TEST(Syslog, JournalctlShortWithHeaderAndYearHint) {
  auto s =
      run("-- Logs begin at Thu 2026-06-04 09:00:00 UTC, end at Thu 2026-06-04 11:00:00 UTC. --\n"
          "Jun  4 10:00:00 worker-1 k3s[812]: time=\"2026-06-04T10:00:00Z\" level=error "
          "msg=\"failed to get CA certs\"\n"
          "Jun  4 10:00:01 worker-1 kernel: [12345.678901] Out of memory: Killed process 4242 "
          "(postgres)\n"
          "-- Boot 3f2a9c0d1e8b4f7a9c0d1e8b4f7a9c0d --\n"
          "Jun  4 10:00:02 worker-1 systemd[1]: Started k3s.service - Lightweight Kubernetes.\n"
          "-- No entries --\n");
  EXPECT_TRUE(s->problems.empty());
  EXPECT_EQ(dump(s->batch),
            (std::vector<std::string>{
                "2|2026-06-04T10:00:00Z|error|worker-1|k3s|time=\"2026-06-04T10:00:00Z\" "
                "level=error msg=\"failed to get CA certs\"",
                "3|2026-06-04T10:00:01Z|unknown|worker-1|kernel|[12345.678901] Out of memory: "
                "Killed process 4242 (postgres)",
                "5|2026-06-04T10:00:02Z|unknown|worker-1|systemd|Started k3s.service - "
                "Lightweight Kubernetes."}));
  const Record& r = s->batch.records[0];
  EXPECT_EQ(r.kind, SourceKind::journal);
  EXPECT_EQ(r.text,
            "Jun  4 10:00:00 worker-1 k3s[812]: time=\"2026-06-04T10:00:00Z\" level=error "
            "msg=\"failed to get CA certs\"");
}

TEST(Syslog, WithoutYearHintTimeIsUnknown) {
  auto s = run("Jun  4 10:00:00 worker-1 kubelet[1234]: E0604 10:00:00.000000 1234 x.go:1] x\n", 0);
  EXPECT_EQ(
      dump(s->batch),
      (std::vector<std::string>{"1||error|worker-1|kubelet|E0604 10:00:00.000000 1234 x.go:1] x"}));
}

TEST(Syslog, ShortPreciseAndShortIsoWithOffset) {
  auto s =
      run("Jun 04 10:00:00.123456 worker-1 containerd[700]: starting\n"
          "2026-06-04T12:00:00+0200 worker-2 containerd[700]: level=warning msg=\"slow\"\n"
          "2026-06-04T10:00:00.250000+00:00 worker-3 dockerd[9]: rsyslog stamp\n");
  EXPECT_EQ(dump(s->batch),
            (std::vector<std::string>{
                "1|2026-06-04T10:00:00.123456Z|unknown|worker-1|containerd|starting",
                "2|2026-06-04T10:00:00Z|warning|worker-2|containerd|level=warning msg=\"slow\"",
                "3|2026-06-04T10:00:00.25Z|unknown|worker-3|dockerd|rsyslog stamp"}));
}

TEST(Syslog, Rfc5424AndPriLevels) {
  auto s =
      run("<34>1 2026-06-04T10:00:00.003Z mymachine.example.com su - ID47 - 'su root' failed for "
          "lonvick on /dev/pts/8\n"
          "<165>1 2026-06-04T10:00:01Z host1 evntslog 77 ID47 [exampleSDID@32473 iut=\"3\" "
          "eventSource=\"Application\"] An application event\n"
          "<13>Jun  4 10:00:02 host2 app: hello\n");
  EXPECT_EQ(dump(s->batch),
            (std::vector<std::string>{
                "1|2026-06-04T10:00:00.003Z|fatal|mymachine.example.com|su|'su root' failed for "
                "lonvick on /dev/pts/8",
                "2|2026-06-04T10:00:01Z|notice|host1|evntslog|An application event",
                "3|2026-06-04T10:00:02Z|notice|host2|app|hello"}));
}

TEST(Syslog, UnparsedLinesAreKeptWithUnknownTime) {
  auto s = run(
      "    continuation of a long message\nJun  4 10:00:00 host last message repeated 3 times\n");
  EXPECT_EQ(dump(s->batch),
            (std::vector<std::string>{
                "1||unknown|from-layout||    continuation of a long message",
                "2|2026-06-04T10:00:00Z|unknown|host||last message repeated 3 times"}));
}

TEST(Syslog, YearlessStampsAfterTheFileTimeBelongToTheYearBefore) {
  const Timestamp mtime = *parse_rfc3339("2027-01-02T00:00:00Z");
  auto s = run("Dec 31 23:59:00 n1 cron[5]: tick\nJan  1 00:00:01 n1 cron[5]: tock\n", 2027, mtime);
  EXPECT_EQ(dump(s->batch),
            (std::vector<std::string>{"1|2026-12-31T23:59:00Z|unknown|n1|cron|tick",
                                      "2|2027-01-01T00:00:01Z|unknown|n1|cron|tock"}));
}

TEST(Syslog, SystemdLinesAboutAUnitBelongToThatUnit) {
  auto s = run(
      "Jun 04 10:00:01 node1 systemd[1]: k3s.service: Main process exited, code=exited, status=1/FAILURE\n"
      "Jun 04 10:00:02 node1 systemd[1]: Failed to start K3s.\n"
      "Jun 04 10:00:03 node1 systemd[1]: docker.socket: Socket service docker.service already running.\n");
  ASSERT_EQ(s->batch.records.size(), 3u);
  EXPECT_EQ(s->batch.records[0].res.unit, "k3s");
  EXPECT_EQ(s->batch.records[1].res.unit, "systemd");
  EXPECT_EQ(s->batch.records[2].res.unit, "docker.socket");
}

TEST(SyslogSafeCut, AnyLineBoundary) {
  EXPECT_EQ(safe_cut(FormatId::syslog, "Jun  4 10:00:00 h a: x\nJun  4 10:00:01 h a: y\n"), 46u);
  EXPECT_EQ(safe_cut(FormatId::syslog, "Jun  4 10:00:00 h a: x\nJun  4 10:00"), 23u);
  EXPECT_EQ(safe_cut(FormatId::syslog, "no newline yet"), 0u);
}

}  // namespace
}  // namespace kdx::formats
