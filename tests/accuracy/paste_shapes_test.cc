// The shapes tickets carry that the accuracy excerpts rely on, checked record by record:
// journalctl with localised month names, k9s frames around table rows, event ages in pasted
// text, BuildKit progress lines, and kubectl describe events wrapped by a ticket system.
#include <string>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "formats/formats.h"

namespace kdx::formats {
namespace {

// Splits `text` as one file of `format`, as the pipeline would.
struct Split {
  Split(FormatId format, std::string text) {
    file.display = "paste.txt";
    file.year_hint = 2025;
    chunk.file = &file;
    chunk.format = format;
    chunk.bytes.reserve(text.size() + kChunkPadding);
    chunk.bytes = std::move(text);
    split(chunk, batch, problems);
  }

  // line|kind|time|node|unit|reason|xN|message
  std::vector<std::string> dump() const {
    std::vector<std::string> out;
    for (const Record& r : batch.records)
      out.push_back(fmt::format("{}|{}|{}|{}|{}|{}|x{}|{}", r.line, to_string(r.kind),
                                format_rfc3339(r.ts), r.res.node, r.res.unit, r.reason, r.repeat,
                                r.message));
    return out;
  }

  FileInfo file;
  Chunk chunk;
  RecordBatch batch;
  Problems problems;
};

TEST(PasteShapes, JournalctlWithLocalisedMonthNames) {
  const std::string text =
      "Mär 04 10:00:01 node1 k3s[1234]: level=fatal msg=\"failed to find memory cgroup (v2)\"\n"
      "févr. 05 11:00:00 node2 kubelet[42]: swap is on\n"
      "okt 06 12:00:00 node3 systemd[1]: k3s.service: Failed with result 'exit-code'.\n"
      "июн 07 13:00:00 node4 kernel: task dockerd:1842 blocked for more than 120 seconds.\n"
      "out 08 14:00:00 node5 dockerd[9]: started\n"
      "Dez  9 15:00:00 node6 sshd[7]: Accepted publickey for deploy\n"
      "Şub 10 16:00:00 node7 containerd[8]: loading plugin\n";
  EXPECT_EQ(detect("journal.txt", text).format, FormatId::syslog);
  const Split s(FormatId::syslog, text);
  EXPECT_TRUE(s.problems.empty());
  EXPECT_EQ(s.dump(),
            (std::vector<std::string>{
                "1|journal|2025-03-04T10:00:01Z|node1|k3s||x1|level=fatal msg=\"failed to find "
                "memory cgroup (v2)\"",
                "2|journal|2025-02-05T11:00:00Z|node2|kubelet||x1|swap is on",
                "3|journal|2025-10-06T12:00:00Z|node3|k3s||x1|k3s.service: Failed with result "
                "'exit-code'.",
                "4|journal|2025-06-07T13:00:00Z|node4|kernel||x1|task dockerd:1842 blocked for "
                "more than 120 seconds.",
                "5|journal|2025-10-08T14:00:00Z|node5|dockerd||x1|started",
                "6|journal|2025-12-09T15:00:00Z|node6|sshd||x1|Accepted publickey for deploy",
                "7|journal|2025-02-10T16:00:00Z|node7|containerd||x1|loading plugin",
            }));
}

TEST(PasteShapes, AWordThatIsNoMonthLeavesTheLineUnparsed) {
  const Split s(FormatId::syslog,
                "Foo 04 10:00:01 node1 k3s[1234]: message\n"
                "janvier 04 10:00:01 node1 k3s[1234]: message\n");
  EXPECT_EQ(s.dump(), (std::vector<std::string>{
                          "1|journal|||||x1|Foo 04 10:00:01 node1 k3s[1234]: message",
                          "2|journal|||||x1|janvier 04 10:00:01 node1 k3s[1234]: message",
                      }));
}

TEST(PasteShapes, K9sFramesAreCutOffTheRows) {
  const Split s(FormatId::text,
                "┌──── Pods(db)[2] ────┐\n"
                "│ NAME↑        READY   STATUS             RESTARTS │\n"
                "│ postgres-0   0/1     CrashLoopBackOff   7        │\n"
                "└─────────────────────┘\n");
  ASSERT_EQ(s.batch.records.size(), 4u);
  EXPECT_EQ(s.batch.records[2].message, "postgres-0   0/1     CrashLoopBackOff   7");
  EXPECT_EQ(s.batch.records[2].text, "│ postgres-0   0/1     CrashLoopBackOff   7        │");
  // A frame line has no row inside: what is left of it is only more frame.
  EXPECT_EQ(s.batch.records[3].message,
            "─────────────────────");
}

TEST(PasteShapes, EventAgesInPastedTextGiveTheRepeat) {
  const Split s(FormatId::text,
                "Hi, this is what the namespace shows:\n"
                "4m (x174 over 29m)   Warning   Unhealthy   pod/web-0   Readiness probe failed\n"
                "29m                  Normal    Started     pod/web-0   Started container web\n");
  EXPECT_EQ(s.dump(),
            (std::vector<std::string>{
                "1|text|||||x1|Hi, this is what the namespace shows:",
                "2|text|||||x174|4m (x174 over 29m)   Warning   Unhealthy   pod/web-0   Readiness "
                "probe failed",
                "3|text|||||x1|29m                  Normal    Started     pod/web-0   Started "
                "container web",
            }));
}

TEST(PasteShapes, BuildKitProgressLinesAreRecordsOfTheirOwn) {
  const Split s(FormatId::text,
                "[+] Building 42.7s (6/11)\n"
                " => [builder 2/7] RUN npm ci\n"
                " => => # npm ERR! request to https://registry.npmjs.org/pg failed\n"
                " => => # npm ERR! request to https://registry.npmjs.org/zod failed\n");
  ASSERT_EQ(s.batch.records.size(), 4u);
  EXPECT_EQ(s.batch.records[3].line, 4u);
  EXPECT_EQ(s.batch.records[3].message,
            " => => # npm ERR! request to https://registry.npmjs.org/zod failed");
}

TEST(PasteShapes, DescribeEventsWrappedByATicketAreJoined) {
  const Split s(FormatId::describe, R"(Name:             api-0
Namespace:        shop
Node:             node2/10.0.0.2
Containers:
  api:
    Image:          api:2.0
Events:
  Type     Reason     Age                 From               Message
  ----     ------     ----                ----               -------
  Warning  Failed     3m (x12 over 5m)    kubelet            Error: couldn't find
key DATABASE_URL in Secret shop/api-secrets
  Warning  Unhealthy  4m (x174 over 29m)  kubelet            Readiness probe failed: HTTP probe
    failed with statuscode: 404
  Normal   Pulled     3m (x12 over 5m)    kubelet            Container image "api:2.0" present
deploy@node1:~$ kubectl get pods
)");
  std::vector<std::string> events;
  for (const Record& r : s.batch.records)
    if (r.kind == SourceKind::event)
      events.push_back(fmt::format("{}|{}|x{}|{}", r.line, r.reason, r.repeat, r.message));
  EXPECT_EQ(events, (std::vector<std::string>{
                        "10|Failed|x12|Error: couldn't find key DATABASE_URL in Secret "
                        "shop/api-secrets",
                        "12|Unhealthy|x174|Readiness probe failed: HTTP probe failed with "
                        "statuscode: 404",
                        "14|Pulled|x12|Container image \"api:2.0\" present",
                    }));
  // The prompt after the table is not part of the last event.
  EXPECT_EQ(s.batch.records.back().message, "deploy@node1:~$ kubectl get pods");
}

}  // namespace
}  // namespace kdx::formats
