#include <string>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "formats/formats.h"

namespace kdx::formats {
namespace {

// Runs split() over `text` as the events YAML file "events.yaml", as the pipeline would.
struct Split {
  explicit Split(std::string text) {
    file.display = "events.yaml";
    chunk.file = &file;
    chunk.format = FormatId::events_yaml;
    chunk.bytes = std::move(text);
    split(chunk, batch, problems);
  }
  const std::vector<Record>& records() const { return batch.records; }

  FileInfo file;
  Chunk chunk;
  RecordBatch batch;
  Problems problems;
};

// One line per record: line|kind|level|ns/pod/container/node|reason|type|xN|ts|first|text|msg
std::string dump(const Record& r) {
  return fmt::format("{}|{}|{}|{}/{}/{}/{}|{}|{}|x{}|{}|{}|{}|{}", r.line, to_string(r.kind),
                     to_string(r.level), r.res.ns, r.res.pod, r.res.container, r.res.node,
                     r.reason, r.type, r.repeat, format_rfc3339(r.ts), format_rfc3339(r.first_ts),
                     r.text, r.message);
}

// `kubectl get events -A -o yaml` (kubectl sorts the keys).
constexpr std::string_view kList = R"yaml(apiVersion: v1
items:
- apiVersion: v1
  count: 14
  eventTime: null
  firstTimestamp: "2026-06-04T10:01:10Z"
  involvedObject:
    apiVersion: v1
    fieldPath: spec.containers{postgres}
    kind: Pod
    name: postgres-0
    namespace: db
  kind: Event
  lastTimestamp: "2026-06-04T10:05:00Z"
  message: Back-off restarting failed container postgres in pod postgres-0_db(5f2c9a7e)
  metadata:
    creationTimestamp: "2026-06-04T10:01:10Z"
    name: postgres-0.17d5a1c3e0f2b4a1
    namespace: db
  reason: BackOff
  reportingComponent: kubelet
  reportingInstance: worker-1
  source:
    component: kubelet
    host: worker-1
  type: Warning
- apiVersion: v1
  eventTime: "2026-06-04T09:45:00.100000Z"
  firstTimestamp: null
  involvedObject:
    kind: Pod
    name: web-0
    namespace: shop
  kind: Event
  lastTimestamp: null
  message: '0/3 nodes are available: 3 node(s) had untolerated taint {node-role.kubernetes.io/control-plane:
    }. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.'
  metadata:
    creationTimestamp: "2026-06-04T09:45:00Z"
    name: web-0.17d5a0f1c2d3e4f5
    namespace: shop
  reason: FailedScheduling
  series:
    count: 3
    lastObservedTime: "2026-06-04T10:00:00.250000Z"
  type: Warning
- apiVersion: v1
  count: 1
  firstTimestamp: "2026-06-04T10:07:30Z"
  involvedObject:
    kind: Node
    name: worker-1
    uid: worker-1
  kind: Event
  lastTimestamp: "2026-06-04T10:07:30Z"
  message: 'Node worker-1 status is now: NodeNotReady'
  metadata:
    name: worker-1.17d5a2000a0b0c0d
    namespace: default
  reason: NodeNotReady
  type: Normal
- apiVersion: v1
  count: 3
  firstTimestamp: "2026-06-04T09:59:50Z"
  involvedObject:
    kind: PersistentVolumeClaim
    name: data-postgres-0
    namespace: db
  kind: Event
  lastTimestamp: "2026-06-04T10:00:20Z"
  message: storageclass.storage.k8s.io "fast" not found
  reason: ProvisioningFailed
  type: Warning
kind: List
metadata:
  resourceVersion: ""
)yaml";

TEST(EventsYaml, ReadsAListOfEvents) {
  const Split s{std::string(kList)};
  EXPECT_TRUE(s.problems.empty());
  ASSERT_EQ(s.records().size(), 4u);
  EXPECT_EQ(dump(s.records()[0]),
            "3|event|warning|db/postgres-0/postgres/|BackOff|Warning|x14|2026-06-04T10:05:00Z|"
            "2026-06-04T10:01:10Z|2026-06-04T10:05:00Z Warning BackOff pod/postgres-0 (x14): "
            "Back-off restarting failed container postgres in pod postgres-0_db(5f2c9a7e)|"
            "Back-off restarting failed container postgres in pod postgres-0_db(5f2c9a7e)");
  EXPECT_EQ(dump(s.records()[1]),
            "27|event|warning|shop/web-0//|FailedScheduling|Warning|x3|2026-06-04T10:00:00.25Z|"
            "2026-06-04T09:45:00.1Z|2026-06-04T10:00:00.25Z Warning FailedScheduling pod/web-0 "
            "(x3): 0/3 nodes are available: 3 node(s) had untolerated taint "
            "{node-role.kubernetes.io/control-plane: }. preemption: 0/3 nodes are available: 3 "
            "Preemption is not helpful for scheduling.|0/3 nodes are available: 3 node(s) had "
            "untolerated taint {node-role.kubernetes.io/control-plane: }. preemption: 0/3 nodes "
            "are available: 3 Preemption is not helpful for scheduling.");
  EXPECT_EQ(dump(s.records()[2]),
            "47|event|info|///worker-1|NodeNotReady|Normal|x1|2026-06-04T10:07:30Z|"
            "2026-06-04T10:07:30Z|2026-06-04T10:07:30Z Normal NodeNotReady node/worker-1: "
            "Node worker-1 status is now: NodeNotReady|Node worker-1 status is now: NodeNotReady");
  EXPECT_EQ(dump(s.records()[3]),
            "62|event|warning|db/PersistentVolumeClaim/data-postgres-0//|ProvisioningFailed|"
            "Warning|x3|2026-06-04T10:00:20Z|2026-06-04T09:59:50Z|2026-06-04T10:00:20Z Warning "
            "ProvisioningFailed persistentvolumeclaim/data-postgres-0 (x3): "
            "storageclass.storage.k8s.io \"fast\" not found|"
            "storageclass.storage.k8s.io \"fast\" not found");
}

TEST(EventsYaml, ReadsSeveralDocumentsAndKeepsTheGoodOnesAroundABadOne) {
  const Split s{R"yaml(apiVersion: events.k8s.io/v1
kind: Event
metadata:
  creationTimestamp: "2026-06-04T10:01:10Z"
  name: postgres-0.17d5a1
  namespace: db
reason: Unhealthy
regarding:
  fieldPath: spec.containers{postgres}
  kind: Pod
  name: postgres-0
  namespace: db
note: 'Readiness probe failed: HTTP probe failed with statuscode: 404'
type: Warning
deprecatedCount: 5
deprecatedFirstTimestamp: "2026-06-04T10:01:10Z"
deprecatedLastTimestamp: "2026-06-04T10:04:40Z"
---
kind: Event
reason: Failed
message: [unclosed
type: Warning
---
kind: Event
involvedObject:
  kind: Pod
  name: postgres-0
  namespace: db
reason: Killing
message: |-
  Stopping container postgres
  (grace period 30s)
type: Normal
)yaml"};
  ASSERT_EQ(s.problems.size(), 1u);
  EXPECT_EQ(s.problems[0].where, "events.yaml:22");
  EXPECT_EQ(s.problems[0].message, "invalid YAML: end of sequence flow not found");
  ASSERT_EQ(s.records().size(), 2u);
  EXPECT_EQ(dump(s.records()[0]),
            "1|event|warning|db/postgres-0/postgres/|Unhealthy|Warning|x5|2026-06-04T10:04:40Z|"
            "2026-06-04T10:01:10Z|2026-06-04T10:04:40Z Warning Unhealthy pod/postgres-0 (x5): "
            "Readiness probe failed: HTTP probe failed with statuscode: 404|"
            "Readiness probe failed: HTTP probe failed with statuscode: 404");
  // A block scalar keeps its line break in the message; the evidence text stays one line.
  EXPECT_EQ(dump(s.records()[1]),
            "24|event|info|db/postgres-0//|Killing|Normal|x1|||Normal Killing pod/postgres-0: "
            "Stopping container postgres (grace period 30s)|Stopping container postgres\n"
            "(grace period 30s)");
}

TEST(EventsYaml, ReportsFieldsOfTheWrongTypeAndGoesOn) {
  const Split s{R"yaml(kind: EventList
items:
- kind: Event
  reason: BackOff
  message: Back-off restarting failed container
  count: fourteen
  involvedObject: pod/postgres-0
  lastTimestamp: yesterday
- kind: Event
  reason:
    nested: map
  message: Started container postgres
  series:
    count: [3]
)yaml"};
  EXPECT_EQ(s.problems,
            (Problems{{"events.yaml:3", "event 1: field 'count' is not a number"},
                      {"events.yaml:3", "event 1: field 'involvedObject' is not an object"},
                      {"events.yaml:3", "event 1: field 'lastTimestamp' is not a timestamp"},
                      {"events.yaml:9", "event 2: field 'reason' is not a string"},
                      {"events.yaml:9", "event 2: field 'series.count' is not a number"}}));
  ASSERT_EQ(s.records().size(), 2u);
  EXPECT_EQ(dump(s.records()[0]),
            "3|event|unknown|///|BackOff||x1|||BackOff: Back-off restarting failed container|"
            "Back-off restarting failed container");
  EXPECT_EQ(dump(s.records()[1]),
            "9|event|unknown|///|||x1|||Started container postgres|Started container postgres");
}

TEST(EventsYaml, EmptyAndScalarDocuments) {
  const Split empty{"# no events\n"};
  EXPECT_TRUE(empty.problems.empty());
  EXPECT_TRUE(empty.records().empty());
  const Split scalar{"No resources found in db namespace.\n"};
  EXPECT_EQ(scalar.problems,
            (Problems{{"events.yaml:1", "invalid YAML: expected a mapping or a sequence of events"}}));
  EXPECT_TRUE(scalar.records().empty());
}

TEST(EventsYaml, DeepNestingIsAProblemNotACrash) {
  const Split s{"items: " + std::string(100000, '[') + "\n"};
  ASSERT_EQ(s.problems.size(), 1u);
  EXPECT_EQ(s.problems[0].message, "invalid YAML: nested too deeply");
  EXPECT_TRUE(s.records().empty());
}

}  // namespace
}  // namespace kdx::formats
