#include <string>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "formats/formats.h"
#include "formats/splitters.h"

namespace kdx::formats {
namespace {

// Runs split() over `text` as the events JSON file "events.json", as the pipeline would.
struct Split {
  explicit Split(std::string text, uint64_t first_line = 1, std::string fallback_ns = "") {
    file.display = "events.json";
    file.resource.ns = std::move(fallback_ns);
    chunk.file = &file;
    chunk.format = FormatId::events_json;
    chunk.first_line = first_line;
    chunk.bytes = std::move(text);
    chunk.bytes.reserve(chunk.bytes.size() + kChunkPadding);
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

// `kubectl get events -o json` from a cluster whose postgres keeps crashing.
constexpr std::string_view kEventList = R"js({
  "kind": "EventList",
  "apiVersion": "v1",
  "metadata": {
    "resourceVersion": "48213"
  },
  "items": [
    {
      "kind": "Event",
      "apiVersion": "v1",
      "metadata": {
        "name": "postgres-0.17d5a1c3e0f2b4a1",
        "namespace": "db",
        "creationTimestamp": "2026-06-04T10:01:10Z"
      },
      "involvedObject": {
        "kind": "Pod",
        "namespace": "db",
        "name": "postgres-0",
        "apiVersion": "v1",
        "fieldPath": "spec.containers{postgres}"
      },
      "reason": "BackOff",
      "message": "Back-off restarting failed container postgres in pod postgres-0_db(5f2c9a7e)",
      "source": {
        "component": "kubelet",
        "host": "worker-1"
      },
      "firstTimestamp": "2026-06-04T10:01:10Z",
      "lastTimestamp": "2026-06-04T10:05:00Z",
      "count": 14,
      "type": "Warning",
      "eventTime": null,
      "reportingComponent": "kubelet",
      "reportingInstance": "worker-1"
    },
    {
      "kind": "Event",
      "apiVersion": "v1",
      "metadata": {
        "name": "postgres-0.17d5a1b0a9c1d2e3",
        "namespace": "db",
        "creationTimestamp": "2026-06-04T10:00:00Z"
      },
      "involvedObject": {
        "kind": "Pod",
        "namespace": "db",
        "name": "postgres-0"
      },
      "reason": "Scheduled",
      "message": "Successfully assigned db/postgres-0 to worker-1",
      "source": {},
      "firstTimestamp": null,
      "lastTimestamp": null,
      "type": "Normal",
      "eventTime": "2026-06-04T10:00:00.364821Z",
      "action": "Binding",
      "reportingComponent": "default-scheduler",
      "reportingInstance": "default-scheduler-cp-1"
    },
    {
      "kind": "Event",
      "apiVersion": "v1",
      "metadata": {
        "name": "web-0.17d5a0f1c2d3e4f5",
        "namespace": "shop",
        "creationTimestamp": "2026-06-04T09:45:00Z"
      },
      "involvedObject": {
        "kind": "Pod",
        "namespace": "shop",
        "name": "web-0"
      },
      "reason": "FailedScheduling",
      "message": "0/3 nodes are available: 3 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.",
      "source": {},
      "firstTimestamp": null,
      "lastTimestamp": null,
      "type": "Warning",
      "eventTime": "2026-06-04T09:45:00.100000Z",
      "series": {
        "count": 3,
        "lastObservedTime": "2026-06-04T10:00:00.250000Z"
      },
      "action": "Scheduling",
      "reportingComponent": "default-scheduler",
      "reportingInstance": "default-scheduler-cp-1"
    },
    {
      "kind": "Event",
      "apiVersion": "v1",
      "metadata": {
        "name": "worker-1.17d5a2000a0b0c0d",
        "namespace": "default",
        "creationTimestamp": "2026-06-04T10:07:30Z"
      },
      "involvedObject": {
        "kind": "Node",
        "name": "worker-1",
        "uid": "worker-1",
        "apiVersion": "v1"
      },
      "reason": "NodeNotReady",
      "message": "Node worker-1 status is now: NodeNotReady",
      "source": {
        "component": "node-controller"
      },
      "firstTimestamp": "2026-06-04T10:07:30Z",
      "lastTimestamp": "2026-06-04T10:07:30Z",
      "count": 1,
      "type": "Normal"
    },
    {
      "kind": "Event",
      "apiVersion": "v1",
      "metadata": {
        "name": "data-postgres-0.17d5a0e0e1e2e3e4",
        "namespace": "db",
        "creationTimestamp": "2026-06-04T09:59:50Z"
      },
      "involvedObject": {
        "kind": "PersistentVolumeClaim",
        "namespace": "db",
        "name": "data-postgres-0",
        "apiVersion": "v1"
      },
      "reason": "ProvisioningFailed",
      "message": "storageclass.storage.k8s.io \"fast\" not found",
      "source": {
        "component": "persistentvolume-controller"
      },
      "firstTimestamp": "2026-06-04T09:59:50Z",
      "lastTimestamp": "2026-06-04T10:00:20Z",
      "count": 3,
      "type": "Warning"
    }
  ]
}
)js";

TEST(EventsJson, ReadsAV1EventList) {
  const Split s{std::string(kEventList)};
  EXPECT_TRUE(s.problems.empty());
  ASSERT_EQ(s.records().size(), 5u);
  EXPECT_EQ(dump(s.records()[0]),
            "8|event|warning|db/postgres-0/postgres/|BackOff|Warning|x14|2026-06-04T10:05:00Z|"
            "2026-06-04T10:01:10Z|2026-06-04T10:05:00Z Warning BackOff pod/postgres-0 (x14): "
            "Back-off restarting failed container postgres in pod postgres-0_db(5f2c9a7e)|"
            "Back-off restarting failed container postgres in pod postgres-0_db(5f2c9a7e)");
  // Null first/last timestamps are common: eventTime dates the event.
  EXPECT_EQ(dump(s.records()[1]),
            "37|event|info|db/postgres-0//|Scheduled|Normal|x1|2026-06-04T10:00:00.364821Z|"
            "2026-06-04T10:00:00.364821Z|2026-06-04T10:00:00.364821Z Normal Scheduled "
            "pod/postgres-0: Successfully assigned db/postgres-0 to worker-1|"
            "Successfully assigned db/postgres-0 to worker-1");
  // A series: seen 3 times, first at eventTime, last at series.lastObservedTime.
  EXPECT_EQ(dump(s.records()[2]),
            "61|event|warning|shop/web-0//|FailedScheduling|Warning|x3|2026-06-04T10:00:00.25Z|"
            "2026-06-04T09:45:00.1Z|2026-06-04T10:00:00.25Z Warning FailedScheduling pod/web-0 "
            "(x3): 0/3 nodes are available: 3 node(s) had untolerated taint "
            "{node-role.kubernetes.io/control-plane: }. preemption: 0/3 nodes are available: 3 "
            "Preemption is not helpful for scheduling.|0/3 nodes are available: 3 node(s) had "
            "untolerated taint {node-role.kubernetes.io/control-plane: }. preemption: 0/3 nodes "
            "are available: 3 Preemption is not helpful for scheduling.");
  EXPECT_EQ(dump(s.records()[3]),
            "89|event|info|///worker-1|NodeNotReady|Normal|x1|2026-06-04T10:07:30Z|"
            "2026-06-04T10:07:30Z|2026-06-04T10:07:30Z Normal NodeNotReady node/worker-1: "
            "Node worker-1 status is now: NodeNotReady|Node worker-1 status is now: NodeNotReady");
  EXPECT_EQ(dump(s.records()[4]),
            "113|event|warning|db/PersistentVolumeClaim/data-postgres-0//|ProvisioningFailed|"
            "Warning|x3|2026-06-04T10:00:20Z|2026-06-04T09:59:50Z|2026-06-04T10:00:20Z Warning "
            "ProvisioningFailed persistentvolumeclaim/data-postgres-0 (x3): "
            "storageclass.storage.k8s.io \"fast\" not found|"
            "storageclass.storage.k8s.io \"fast\" not found");
}

TEST(EventsJson, UnpaddedInputAndLaterChunksGiveTheSameRecords) {
  const Split padded{std::string(kEventList)};
  detail::SplitInput in;
  in.file = &padded.file;
  in.bytes = kEventList;  // a view with no padding behind it: the splitter must copy
  in.first_line = 101;
  in.padded = false;
  RecordBatch batch;
  Problems problems;
  detail::split_events_json(in, batch, problems);
  EXPECT_TRUE(problems.empty());
  ASSERT_EQ(batch.records.size(), padded.records().size());
  for (size_t i = 0; i < batch.records.size(); ++i) {
    Record shifted = padded.records()[i];
    shifted.line += 100;
    EXPECT_EQ(dump(batch.records[i]), dump(shifted));
  }
}

TEST(EventsJson, ReadsEventsK8sIoV1) {
  const Split s{R"js({
  "kind": "EventList",
  "apiVersion": "events.k8s.io/v1",
  "metadata": {"resourceVersion": "4410"},
  "items": [
    {
      "metadata": {"name": "postgres-0.17d5a1", "namespace": "db", "creationTimestamp": "2026-06-04T10:01:10Z"},
      "eventTime": null,
      "reportingController": "kubelet",
      "reportingInstance": "worker-1",
      "reason": "Unhealthy",
      "regarding": {"kind": "Pod", "namespace": "db", "name": "postgres-0", "fieldPath": "spec.containers{postgres}"},
      "note": "Readiness probe failed: HTTP probe failed with statuscode: 404",
      "type": "Warning",
      "deprecatedSource": {"component": "kubelet", "host": "worker-1"},
      "deprecatedFirstTimestamp": "2026-06-04T10:01:10Z",
      "deprecatedLastTimestamp": "2026-06-04T10:04:40Z",
      "deprecatedCount": 5
    },
    {
      "metadata": {"name": "web.17d5a2", "namespace": "shop", "creationTimestamp": "2026-06-04T10:02:00Z"},
      "eventTime": null,
      "reason": "ScalingReplicaSet",
      "regarding": {"kind": "Deployment", "namespace": "shop", "name": "web"},
      "note": "Scaled up replica set web-6d4cf56db6 to 3",
      "type": "Normal"
    }
  ]
}
)js"};
  EXPECT_TRUE(s.problems.empty());
  ASSERT_EQ(s.records().size(), 2u);
  EXPECT_EQ(dump(s.records()[0]),
            "6|event|warning|db/postgres-0/postgres/|Unhealthy|Warning|x5|2026-06-04T10:04:40Z|"
            "2026-06-04T10:01:10Z|2026-06-04T10:04:40Z Warning Unhealthy pod/postgres-0 (x5): "
            "Readiness probe failed: HTTP probe failed with statuscode: 404|"
            "Readiness probe failed: HTTP probe failed with statuscode: 404");
  // Only metadata.creationTimestamp is known: it dates the event.
  EXPECT_EQ(dump(s.records()[1]),
            "20|event|info|shop/Deployment/web//|ScalingReplicaSet|Normal|x1|2026-06-04T10:02:00Z|"
            "2026-06-04T10:02:00Z|2026-06-04T10:02:00Z Normal ScalingReplicaSet deployment/web: "
            "Scaled up replica set web-6d4cf56db6 to 3|Scaled up replica set web-6d4cf56db6 to 3");
}

TEST(EventsJson, ReadsLoneEventsListsAndArraysInARow) {
  const Split s{
      R"js({"kind": "Event", "involvedObject": {"kind": "Pod", "namespace": "db", "name": "postgres-0"}, "reason": "Killing", "message": "Stopping container postgres", "type": "Normal", "count": 1, "lastTimestamp": "2026-06-04T10:06:00Z"}
{"kind": "EventList", "items": [{"kind": "Event", "reason": "Started", "message": "Started container postgres", "type": "Normal"}]}
[
  {"reason": "Pulled", "message": "Container image \"postgres:16\" already present on machine"}
]
)js",
      1, "fallback"};
  EXPECT_TRUE(s.problems.empty());
  ASSERT_EQ(s.records().size(), 3u);
  EXPECT_EQ(dump(s.records()[0]),
            "1|event|info|db/postgres-0//|Killing|Normal|x1|2026-06-04T10:06:00Z|"
            "2026-06-04T10:06:00Z|2026-06-04T10:06:00Z Normal Killing pod/postgres-0: "
            "Stopping container postgres|Stopping container postgres");
  // No involvedObject: the file's resource (from the bundle layout) stands in.
  EXPECT_EQ(dump(s.records()[1]),
            "2|event|info|fallback///|Started|Normal|x1|||Normal Started: Started container "
            "postgres|Started container postgres");
  EXPECT_EQ(dump(s.records()[2]),
            "4|event|unknown|fallback///|Pulled||x1|||Pulled: Container image \"postgres:16\" "
            "already present on machine|Container image \"postgres:16\" already present on "
            "machine");
}

TEST(EventsJson, SkipsWhatIsNotAnEvent) {
  const Split s{R"js({"kind": "List", "items": [
  {"kind": "Pod", "metadata": {"name": "postgres-0"}, "reason": "x", "message": "not an event"},
  42,
  "text",
  {"kind": "Event", "type": "Normal"},
  {"kind": "Event", "reason": "SandboxChanged", "message": ""}
]}
)js"};
  EXPECT_TRUE(s.problems.empty());
  ASSERT_EQ(s.records().size(), 1u);
  EXPECT_EQ(dump(s.records()[0]), "6|event|unknown|///|SandboxChanged||x1|||SandboxChanged: |");
}

TEST(EventsJson, UnescapesMessagesAndKeepsTheTextOnOneLine) {
  const Split s{
      R"js({"kind": "Event", "reason": "Failed", "type": "Warning", "message": "Error: failed to create containerd task:\n\"exec: \\\"wge\\\": executable file not found in $PATH\"\tunknown"})js"};
  ASSERT_EQ(s.records().size(), 1u);
  EXPECT_EQ(s.records()[0].message,
            "Error: failed to create containerd task:\n\"exec: \\\"wge\\\": executable file not "
            "found in $PATH\"\tunknown");
  EXPECT_EQ(s.records()[0].text,
            "Warning Failed: Error: failed to create containerd task: \"exec: \\\"wge\\\": "
            "executable file not found in $PATH\"\tunknown");
}

TEST(EventsJson, ReportsFieldsOfTheWrongTypeAndGoesOn) {
  const Split s{R"js({"kind": "EventList", "items": [
  {"kind": "Event", "reason": "BackOff", "message": "Back-off restarting failed container", "count": "14", "involvedObject": "pod/postgres-0", "lastTimestamp": "yesterday"},
  {"kind": "Event", "reason": 5, "message": ["no"], "type": "Warning"},
  {"kind": "Event", "reason": "Pulled", "message": "ok", "series": {"count": true}}
]}
)js"};
  EXPECT_EQ(s.problems,
            (Problems{{"events.json:2", "event 1: field 'count' is not a number"},
                      {"events.json:2", "event 1: field 'involvedObject' is not an object"},
                      {"events.json:2", "event 1: field 'lastTimestamp' is not a timestamp"},
                      {"events.json:3", "event 2: field 'reason' is not a string"},
                      {"events.json:3", "event 2: field 'message' is not a string"},
                      {"events.json:4", "event 3: field 'series.count' is not a number"}}));
  ASSERT_EQ(s.records().size(), 2u);
  EXPECT_EQ(dump(s.records()[0]),
            "2|event|unknown|///|BackOff||x1|||BackOff: Back-off restarting failed container|"
            "Back-off restarting failed container");
  EXPECT_EQ(dump(s.records()[1]), "4|event|unknown|///|Pulled||x1|||Pulled: ok|ok");
}

TEST(EventsJson, InvalidJsonIsReportedAtItsLineAndEarlierEventsAreKept) {
  const Split s{R"js({
  "kind": "EventList",
  "items": [
    {
      "kind": "Event",
      "reason": "Pulled",
      "message": "Successfully pulled image \"postgres:16\""
    }
    {
      "kind": "Event",
      "reason": "Created",
      "message": "Created container postgres"
    }
  ]
}
{"kind": "Event", "reason": "Started", "message": "Started container postgres"}
)js"};
  EXPECT_EQ(s.problems, (Problems{{"events.json:9",
                                   "invalid JSON: The JSON document has an improper structure: "
                                   "missing or superfluous commas, braces, missing keys, etc."}}));
  ASSERT_EQ(s.records().size(), 2u);
  EXPECT_EQ(s.records()[0].reason, "Pulled");
  EXPECT_EQ(s.records()[0].line, 4u);
  EXPECT_EQ(s.records()[1].reason, "Started");  // the next document is read again
  EXPECT_EQ(s.records()[1].line, 16u);
}

TEST(EventsJson, ATruncatedFileKeepsTheEventsBeforeTheCut) {
  const Split s{R"js({
  "kind": "EventList",
  "items": [
    {"kind": "Event", "reason": "Pulled", "message": "Successfully pulled image"},
    {"kind": "Event", "reason": "BackOff", "message": "Back-off restarting failed container", "count": 3},
    {"kind": "Event", "reason": "Killing", "message": "Stopping container postgres", "co)js"};
  EXPECT_EQ(s.problems,
            (Problems{{"events.json:6", "invalid JSON: A string is opened, but never closed."}}));
  ASSERT_EQ(s.records().size(), 2u);
  EXPECT_EQ(s.records()[0].reason, "Pulled");
  EXPECT_EQ(s.records()[1].reason, "BackOff");
  EXPECT_EQ(s.records()[1].repeat, 3u);

  const Split cut{R"js({"kind": "EventList", "items": [
  {"kind": "Event", "reason": "Pulled", "message": "Successfully pulled image"},
  {"kind": "Event", "reason": "Killing", "message": "Stopping container postgres"
)js"};
  EXPECT_EQ(cut.problems, (Problems{{"events.json:3", "invalid JSON: JSON document ended early in "
                                                      "the middle of an object or array."}}));
  ASSERT_EQ(cut.records().size(), 1u);  // the event the cut went through is not reported
  EXPECT_EQ(cut.records()[0].reason, "Pulled");
}

TEST(EventsJson, DeepNestingIsAProblemNotACrash) {
  std::string deep = "{\"kind\": \"Event\", \"reason\": \"X\", \"message\": \"m\", \"x\":\n";
  deep += std::string(5000, '[') + std::string(5000, ']') + "}\n";
  deep += R"js({"kind": "Event", "reason": "Started", "message": "Started container postgres"})js";
  const Split s{deep};
  EXPECT_EQ(s.problems,
            (Problems{{"events.json:2", "invalid JSON: nesting deeper than 64 levels"}}));
  ASSERT_EQ(s.records().size(), 1u);
  EXPECT_EQ(s.records()[0].reason, "Started");
  EXPECT_EQ(s.records()[0].line, 3u);
}

TEST(EventsJson, TextOutsideADocumentIsReportedAndSkipped) {
  const Split s{R"js(Error from server (Forbidden): events is forbidden: User "dev" cannot list resource "events"
in API group "" in the namespace "db"
{"kind": "Event", "reason": "Started", "message": "Started container postgres"}
)js"};
  EXPECT_EQ(s.problems,
            (Problems{{"events.json:1", "invalid JSON: expected '{' or '[', found 'E'"}}));
  ASSERT_EQ(s.records().size(), 1u);
  EXPECT_EQ(s.records()[0].line, 3u);
}

TEST(EventsJson, EmptyInputGivesNothing) {
  const Split s{" \n\n"};
  EXPECT_TRUE(s.problems.empty());
  EXPECT_TRUE(s.records().empty());
}

}  // namespace
}  // namespace kdx::formats
