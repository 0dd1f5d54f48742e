#include <string>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "formats/formats.h"

namespace kdx::formats {
namespace {

// Runs split() over `text` as the file "dump.txt", as the pipeline would.
struct Split {
  explicit Split(std::string text) {
    file.display = "dump.txt";
    chunk.file = &file;
    chunk.format = FormatId::cluster_dump;
    chunk.bytes = std::move(text);
    chunk.bytes.reserve(chunk.bytes.size() + kChunkPadding);
    split(chunk, batch, problems);
  }

  // line|kind|ns/pod/container/node|reason|text. Log lines are split by the text splitter,
  // whose own fields (time, level, message) are its business, not this splitter's.
  std::vector<std::string> dump() const {
    std::vector<std::string> out;
    for (const Record& r : batch.records)
      out.push_back(fmt::format("{}|{}|{}/{}/{}/{}|{}|{}", r.line, to_string(r.kind), r.res.ns,
                                r.res.pod, r.res.container, r.res.node, r.reason, r.text));
    return out;
  }

  FileInfo file;
  Chunk chunk;
  RecordBatch batch;
  Problems problems;
};

// `kubectl cluster-info dump --namespaces db` to stdout, trimmed.
constexpr std::string_view kDump = R"js({
    "kind": "NodeList",
    "apiVersion": "v1",
    "metadata": {
        "resourceVersion": "48200"
    },
    "items": [
        {
            "metadata": {
                "name": "worker-1"
            },
            "status": {
                "conditions": [
                    {
                        "type": "Ready",
                        "status": "False",
                        "reason": "KubeletNotReady",
                        "message": "container runtime network not ready"
                    }
                ]
            }
        }
    ]
}
{
    "kind": "EventList",
    "apiVersion": "v1",
    "metadata": {
        "resourceVersion": "48213"
    },
    "items": [
        {
            "metadata": {
                "name": "postgres-0.17d5a1c3e0f2b4a1",
                "namespace": "db"
            },
            "involvedObject": {
                "kind": "Pod",
                "namespace": "db",
                "name": "postgres-0",
                "fieldPath": "spec.containers{postgres}"
            },
            "reason": "BackOff",
            "message": "Back-off restarting failed container postgres in pod postgres-0_db(5f2c9a7e)",
            "firstTimestamp": "2026-06-04T10:01:10Z",
            "lastTimestamp": "2026-06-04T10:05:00Z",
            "count": 14,
            "type": "Warning"
        }
    ]
}
{
    "kind": "ServiceList",
    "apiVersion": "v1",
    "metadata": {
        "resourceVersion": "48214"
    },
    "items": []
}
{
    "kind": "PodList",
    "apiVersion": "v1",
    "metadata": {
        "resourceVersion": "48215"
    },
    "items": [
        {
            "metadata": {
                "name": "postgres-0",
                "namespace": "db"
            },
            "status": {
                "phase": "Running",
                "containerStatuses": [
                    {
                        "name": "postgres",
                        "state": {
                            "waiting": {
                                "reason": "CrashLoopBackOff",
                                "message": "back-off 5m0s restarting failed container=postgres pod=postgres-0_db(5f2c9a7e)"
                            }
                        },
                        "lastState": {
                            "terminated": {
                                "exitCode": 1,
                                "reason": "Error",
                                "startedAt": "2026-06-04T10:04:50Z",
                                "finishedAt": "2026-06-04T10:04:51Z"
                            }
                        },
                        "restartCount": 14
                    }
                ]
            }
        }
    ]
}
==== START logs for container postgres of pod db/postgres-0 ====
initdb: error: could not change permissions of directory "/var/lib/postgresql/data": Operation not permitted
fixing permissions on existing directory /var/lib/postgresql/data ... 
==== END logs for container postgres of pod db/postgres-0 ====
==== START logs for container api of pod db/api-7f9c-2xk8d ====
{"level":"error","msg":"connect ECONNREFUSED 10.43.7.2:5432"}
==== END logs for container api of pod db/api-7f9c-2xk8d ====
)js";

TEST(ClusterDump, ReadsEventsPodsAndLogBlocks) {
  const Split s{std::string(kDump)};
  EXPECT_TRUE(s.problems.empty());
  const std::vector<std::string> want = {
      "32|event|db/postgres-0/postgres/|BackOff|2026-06-04T10:05:00Z Warning BackOff "
      "pod/postgres-0 (x14): Back-off restarting failed container postgres in pod "
      "postgres-0_db(5f2c9a7e)",
      "67|pod_status|db/postgres-0/postgres/|CrashLoopBackOff|container \"postgres\" waiting: "
      "CrashLoopBackOff: back-off 5m0s restarting failed container=postgres "
      "pod=postgres-0_db(5f2c9a7e) (restarts 14)",
      "67|pod_status|db/postgres-0/postgres/|Error|container \"postgres\" last terminated: Error "
      "(exit code 1) (restarts 14)",
      "99|log|db/postgres-0/postgres/||initdb: error: could not change permissions of directory "
      "\"/var/lib/postgresql/data\": Operation not permitted",
      "100|log|db/postgres-0/postgres/||fixing permissions on existing directory "
      "/var/lib/postgresql/data ... ",
      "103|log|db/api-7f9c-2xk8d/api/||{\"level\":\"error\",\"msg\":\"connect ECONNREFUSED "
      "10.43.7.2:5432\"}",
  };
  EXPECT_EQ(s.dump(), want);
  // The sub-ranges keep the JSON splitters' details: times and repeat counts.
  ASSERT_FALSE(s.batch.records.empty());
  EXPECT_EQ(s.batch.records[0].repeat, 14u);
  EXPECT_EQ(format_rfc3339(s.batch.records[0].first_ts), "2026-06-04T10:01:10Z");
  EXPECT_EQ(format_rfc3339(s.batch.records[2].ts), "2026-06-04T10:04:51Z");
}

TEST(ClusterDump, ATruncatedDumpReportsWhatIsMissing) {
  const Split s{R"js(==== START logs for container coredns of pod kube-system/coredns-5d78c9869d-q2x7w ====
[ERROR] plugin/errors: 2 example.com. A: read udp 10.42.0.5:39512->1.1.1.1:53: i/o timeout
==== END logs for container coredns of pod kube-system/coredns-5d78c9869d-q2x7w ====
{
    "kind": "NodeList",
    "items": [
        {"metadata": {"name": "worker-1"}}
==== START logs for container web of pod shop/web-0 ====
)js"};
  // The NodeList never closes: its brackets swallow the rest, which is reported.
  EXPECT_EQ(s.problems, (Problems{{"dump.txt:8", "invalid JSON: JSON document ended early in the "
                                                 "middle of an object or array."}}));
  const std::vector<std::string> want = {
      "2|log|kube-system/coredns-5d78c9869d-q2x7w/coredns/||[ERROR] plugin/errors: 2 example.com. "
      "A: read udp 10.42.0.5:39512->1.1.1.1:53: i/o timeout",
  };
  EXPECT_EQ(s.dump(), want);

  const Split open_block{R"js(==== START logs for container web of pod shop/web-0 ====
Listening on :8080
)js"};
  EXPECT_EQ(open_block.problems,
            (Problems{{"dump.txt:1",
                       "cluster dump: the logs of container web of pod shop/web-0 have no END line"}}));
  EXPECT_EQ(open_block.dump(), (std::vector<std::string>{"2|log|shop/web-0/web/||Listening on :8080"}));
}

TEST(ClusterDump, OtherLinesAroundTheDumpAreText) {
  const Split s{R"js($ kubectl cluster-info dump
{"kind": "EventList", "items": [{"kind": "Event", "reason": "Started", "message": "Started container postgres"}]}
)js"};
  EXPECT_TRUE(s.problems.empty());
  const std::vector<std::string> want = {
      "1|text|///||$ kubectl cluster-info dump",
      "2|event|///|Started|Started: Started container postgres",
  };
  EXPECT_EQ(s.dump(), want);
}

}  // namespace
}  // namespace kdx::formats
