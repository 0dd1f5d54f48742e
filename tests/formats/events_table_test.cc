#include <string>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "formats/formats.h"

namespace kdx::formats {
namespace {

// Runs split() over `text` as the pasted file "events.txt", as the pipeline would.
struct Split {
  explicit Split(std::string text, uint64_t first_line = 1, std::string fallback_ns = "") {
    file.display = "events.txt";
    file.resource.ns = std::move(fallback_ns);
    chunk.file = &file;
    chunk.format = FormatId::events_table;
    chunk.first_line = first_line;
    chunk.bytes = std::move(text);
    split(chunk, batch, problems);
  }
  const std::vector<Record>& records() const { return batch.records; }

  FileInfo file;
  Chunk chunk;
  RecordBatch batch;
  Problems problems;
};

// line|kind|level|ns/pod/container/node|reason|type|xN|message (ts stays unknown: ages are
// relative; text is checked separately where it is not the whole line).
std::string dump(const Record& r) {
  EXPECT_FALSE(r.ts.known());
  return fmt::format("{}|{}|{}|{}/{}/{}/{}|{}|{}|x{}|{}", r.line, to_string(r.kind),
                     to_string(r.level), r.res.ns, r.res.pod, r.res.container, r.res.node,
                     r.reason, r.type, r.repeat, r.message);
}

constexpr std::string_view kPlain = R"(LAST SEEN           TYPE      REASON               OBJECT                                  MESSAGE
5m                  Normal    Scheduled            pod/postgres-0                          Successfully assigned db/postgres-0 to worker-1
2m (x14 over 20m)   Warning   BackOff              pod/postgres-0                          Back-off restarting failed container postgres in pod postgres-0_db(5f2c9a7e)
45s                 Warning   ProvisioningFailed   persistentvolumeclaim/data-postgres-0   storageclass.storage.k8s.io "fast" not found
<unknown>           Normal    NodeNotReady         node/worker-1                           Node worker-1 status is now: NodeNotReady
2d5h                Normal    ScalingReplicaSet    deployment/web                          Scaled up replica set web-6d4cf56db6 to 3
)";

TEST(EventsTable, ReadsAPlainTable) {
  const Split s{std::string(kPlain), 1, "db"};
  EXPECT_TRUE(s.problems.empty());
  ASSERT_EQ(s.records().size(), 5u);
  EXPECT_EQ(dump(s.records()[0]),
            "2|event|info|db/postgres-0//|Scheduled|Normal|x1|"
            "Successfully assigned db/postgres-0 to worker-1");
  EXPECT_EQ(dump(s.records()[1]),
            "3|event|warning|db/postgres-0//|BackOff|Warning|x14|"
            "Back-off restarting failed container postgres in pod postgres-0_db(5f2c9a7e)");
  EXPECT_EQ(dump(s.records()[2]),
            "4|event|warning|db/PersistentVolumeClaim/data-postgres-0//|ProvisioningFailed|"
            "Warning|x1|storageclass.storage.k8s.io \"fast\" not found");
  EXPECT_EQ(dump(s.records()[3]),
            "5|event|info|///worker-1|NodeNotReady|Normal|x1|"
            "Node worker-1 status is now: NodeNotReady");
  EXPECT_EQ(dump(s.records()[4]),
            "6|event|info|db/Deployment/web//|ScalingReplicaSet|Normal|x1|"
            "Scaled up replica set web-6d4cf56db6 to 3");
  // The evidence is the row as printed.
  const std::string_view third_line = kPlain.substr(kPlain.find("2m (x14"));
  EXPECT_EQ(s.records()[1].text, third_line.substr(0, third_line.find('\n')));
}

TEST(EventsTable, ReadsAllNamespacesWideOutput) {
  const Split s{R"(NAMESPACE   LAST SEEN   TYPE      REASON             OBJECT                      SUBOBJECT                   SOURCE                  MESSAGE                                                                        FIRST SEEN   COUNT   NAME
db          2m          Warning   BackOff            pod/postgres-0              spec.containers{postgres}   kubelet, worker-1       Back-off restarting failed container postgres in pod postgres-0_db(5f2c9a7e)   20m          14      postgres-0.17d5a1c3e0f2b4a1
db          3m          Warning   Unhealthy          pod/postgres-0              spec.containers{postgres}   kubelet, worker-1       Liveness probe failed: “pg_isready” → no response                              4m           5       postgres-0.17d5a1c3e0f2b4b2
shop        45s         Normal    SuccessfulCreate   replicaset/web-6d4cf56db6                               replicaset-controller   Created pod: web-6d4cf56db6-x7k2p                                              45s          1       web-6d4cf56db6.17d5a2
)"};
  EXPECT_TRUE(s.problems.empty());
  ASSERT_EQ(s.records().size(), 3u);
  EXPECT_EQ(dump(s.records()[0]),
            "2|event|warning|db/postgres-0/postgres/|BackOff|Warning|x14|"
            "Back-off restarting failed container postgres in pod postgres-0_db(5f2c9a7e)");
  // Multi-byte characters (tabwriter pads by runes) do not shift FIRST SEEN/COUNT/NAME.
  EXPECT_EQ(dump(s.records()[1]),
            "3|event|warning|db/postgres-0/postgres/|Unhealthy|Warning|x5|"
            "Liveness probe failed: “pg_isready” → no response");
  EXPECT_EQ(dump(s.records()[2]),
            "4|event|info|shop/ReplicaSet/web-6d4cf56db6//|SuccessfulCreate|Normal|x1|"
            "Created pod: web-6d4cf56db6-x7k2p");
}

TEST(EventsTable, EachHeaderRestartsParsingAndOddLinesStayText) {
  const Split s{R"($ kubectl get events -A
NAMESPACE     LAST SEEN           TYPE      REASON        OBJECT                         MESSAGE
db            2m (x14 over 20m)   Warning   BackOff       pod/postgres-0                 Back-off restarting failed container postgres in pod postgres-0_db(5f2c9a7e)
kube-system   10m                 Warning   FailedMount   pod/coredns-5d78c9869d-q2x7w   MountVolume.SetUp failed for volume "config-volume" : configmap "coredns" not found

$ kubectl get events -n db
LAST SEEN   FIRST SEEN   COUNT   NAME         KIND   SUBOBJECT                   TYPE      REASON    SOURCE              MESSAGE
1m          9m           12      postgres-0   Pod    spec.containers{postgres}   Warning   BackOff   kubelet, worker-1   Back-off restarting failed container
No resources found in kube-public namespace.
)",
                41};
  EXPECT_TRUE(s.problems.empty());
  ASSERT_EQ(s.records().size(), 6u);
  EXPECT_EQ(dump(s.records()[0]), "41|text|unknown|///|||x1|$ kubectl get events -A");
  EXPECT_EQ(dump(s.records()[1]),
            "43|event|warning|db/postgres-0//|BackOff|Warning|x14|"
            "Back-off restarting failed container postgres in pod postgres-0_db(5f2c9a7e)");
  EXPECT_EQ(dump(s.records()[2]),
            "44|event|warning|kube-system/coredns-5d78c9869d-q2x7w//|FailedMount|Warning|x1|"
            "MountVolume.SetUp failed for volume \"config-volume\" : configmap \"coredns\" not "
            "found");
  EXPECT_EQ(dump(s.records()[3]), "46|text|unknown|///|||x1|$ kubectl get events -n db");
  // The old layout: KIND and NAME name the object, COUNT the repeat.
  EXPECT_EQ(dump(s.records()[4]),
            "48|event|warning|/postgres-0/postgres/|BackOff|Warning|x12|"
            "Back-off restarting failed container");
  EXPECT_EQ(dump(s.records()[5]),
            "49|text|unknown|///|||x1|No resources found in kube-public namespace.");
  EXPECT_EQ(s.records()[5].text, "No resources found in kube-public namespace.");
}

TEST(EventsTable, RowsOutOfLineWithTheHeaderAreCutAtGaps) {
  // Tables pasted under one header, and a row that fits neither way.
  const Split s{R"(LAST SEEN   TYPE      REASON    OBJECT           MESSAGE
5m          Normal    Pulled    pod/postgres-0   Container image "postgres:16" already present on machine
12s (x5 over 2m)   Warning   Unhealthy   pod/postgres-0   Readiness probe failed: HTTP probe failed with statuscode: 404
the rest of a message that wrapped in the terminal
)"};
  ASSERT_EQ(s.records().size(), 3u);
  EXPECT_EQ(dump(s.records()[0]),
            "2|event|info|/postgres-0//|Pulled|Normal|x1|"
            "Container image \"postgres:16\" already present on machine");
  EXPECT_EQ(dump(s.records()[1]),
            "3|event|warning|/postgres-0//|Unhealthy|Warning|x5|"
            "Readiness probe failed: HTTP probe failed with statuscode: 404");
  EXPECT_EQ(dump(s.records()[2]),
            "4|text|unknown|///|||x1|the rest of a message that wrapped in the terminal");
}

TEST(EventsTable, WithoutAHeaderEverythingIsText) {
  const Split s{"5m   Normal   Scheduled   pod/postgres-0   Successfully assigned\r\n\n"};
  ASSERT_EQ(s.records().size(), 1u);
  EXPECT_EQ(dump(s.records()[0]),
            "1|text|unknown|///|||x1|5m   Normal   Scheduled   pod/postgres-0   Successfully "
            "assigned");
}

}  // namespace
}  // namespace kdx::formats
