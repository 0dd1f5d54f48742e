#include <string>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "formats/formats.h"

namespace kdx::formats {
namespace {

// Runs split() over `text` as the file "pods.json", as the pipeline would.
struct Split {
  explicit Split(std::string text) {
    file.display = "pods.json";
    chunk.file = &file;
    chunk.format = FormatId::pods_json;
    chunk.bytes = std::move(text);
    chunk.bytes.reserve(chunk.bytes.size() + kChunkPadding);
    split(chunk, batch, problems);
  }

  // line|kind|ns/pod/container/node|reason|ts|message (text is always the message here)
  std::vector<std::string> dump() const {
    std::vector<std::string> out;
    for (const Record& r : batch.records) {
      EXPECT_EQ(r.text, r.message);
      EXPECT_EQ(r.first_ts, r.ts);
      EXPECT_EQ(r.repeat, 1u);
      EXPECT_EQ(r.type, "");
      out.push_back(fmt::format("{}|{}|{}/{}/{}/{}|{}|{}|{}", r.line, to_string(r.kind), r.res.ns,
                                r.res.pod, r.res.container, r.res.node, r.reason,
                                format_rfc3339(r.ts), r.message));
    }
    return out;
  }

  FileInfo file;
  Chunk chunk;
  RecordBatch batch;
  Problems problems;
};

// `kubectl get pods -A -o json` trimmed to what matters, in kubectl's field order.
constexpr std::string_view kPodList = R"js({
  "apiVersion": "v1",
  "items": [
    {
      "apiVersion": "v1",
      "kind": "Pod",
      "metadata": {
        "name": "postgres-0",
        "namespace": "db"
      },
      "spec": {
        "containers": [{"name": "postgres", "image": "postgres:16"}],
        "nodeName": "worker-1"
      },
      "status": {
        "phase": "Running",
        "conditions": [
          {"type": "Ready", "status": "False", "lastProbeTime": null, "lastTransitionTime": "2026-06-04T10:01:10Z", "reason": "ContainersNotReady", "message": "containers with unready status: [postgres]"}
        ],
        "initContainerStatuses": [
          {
            "name": "init-chown",
            "state": {"terminated": {"exitCode": 0, "reason": "Completed", "startedAt": "2026-06-04T10:00:02Z", "finishedAt": "2026-06-04T10:00:02Z"}},
            "lastState": {},
            "ready": true,
            "restartCount": 0
          }
        ],
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
                "exitCode": 137,
                "reason": "OOMKilled",
                "startedAt": "2026-06-04T10:04:10Z",
                "finishedAt": "2026-06-04T10:04:41Z",
                "containerID": "containerd://9f8e7d6c"
              }
            },
            "ready": false,
            "restartCount": 12,
            "image": "docker.io/library/postgres:16",
            "started": false
          }
        ]
      }
    },
    {
      "apiVersion": "v1",
      "kind": "Pod",
      "metadata": {
        "name": "web-0",
        "namespace": "shop"
      },
      "status": {
        "phase": "Pending",
        "conditions": [
          {"type": "Initialized", "status": "True", "lastTransitionTime": "2026-06-04T09:45:00Z"},
          {"type": "ContainersReady", "status": "False", "lastTransitionTime": "2026-06-04T09:45:00Z"},
          {"type": "PodScheduled", "status": "False", "lastProbeTime": null, "lastTransitionTime": "2026-06-04T09:45:00Z", "reason": "Unschedulable", "message": "0/3 nodes are available: 3 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling."}
        ],
        "qosClass": "Burstable"
      }
    },
    {
      "apiVersion": "v1",
      "kind": "Pod",
      "metadata": {
        "name": "web-6d4cf56db6-x7k2p",
        "namespace": "shop"
      },
      "status": {
        "phase": "Failed",
        "reason": "Evicted",
        "message": "The node was low on resource: ephemeral-storage. Threshold quantity: 2Gi, available: 1Gi. ",
        "containerStatuses": [
          {
            "name": "web",
            "state": {"terminated": {"exitCode": 137, "reason": "ContainerStatusUnknown", "message": "The container could not be located when the pod was terminated", "startedAt": null, "finishedAt": null}},
            "lastState": {},
            "restartCount": 0
          },
          {
            "name": "sidecar",
            "state": {"terminated": {"exitCode": 1, "startedAt": "2026-06-04T09:00:00Z"}},
            "restartCount": 0
          }
        ]
      }
    },
    {
      "apiVersion": "v1",
      "kind": "Pod",
      "metadata": {"name": "coredns-5d78c9869d-q2x7w", "namespace": "kube-system"},
      "status": {
        "phase": "Running",
        "conditions": [{"type": "Ready", "status": "True"}],
        "containerStatuses": [{"name": "coredns", "state": {"running": {"startedAt": "2026-06-04T08:00:00Z"}}, "lastState": {}, "ready": true, "restartCount": 0}]
      }
    }
  ],
  "kind": "List",
  "metadata": {
    "resourceVersion": ""
  }
}
)js";

TEST(PodsJson, ReadsWhatIsWrongWithEachPod) {
  const Split s{std::string(kPodList)};
  EXPECT_TRUE(s.problems.empty());
  const std::vector<std::string> want = {
      "4|pod_status|db/postgres-0//|ContainersNotReady|2026-06-04T10:01:10Z|"
      "pod condition Ready: ContainersNotReady: containers with unready status: [postgres]",
      "4|pod_status|db/postgres-0/postgres/|CrashLoopBackOff||"
      "container \"postgres\" waiting: CrashLoopBackOff: back-off 5m0s restarting failed "
      "container=postgres pod=postgres-0_db(5f2c9a7e) (restarts 12)",
      "4|pod_status|db/postgres-0/postgres/|OOMKilled|2026-06-04T10:04:41Z|"
      "container \"postgres\" last terminated: OOMKilled (exit code 137) (restarts 12)",
      "55|pod_status|shop/web-0//|Unschedulable|2026-06-04T09:45:00Z|"
      "pod condition PodScheduled: Unschedulable: 0/3 nodes are available: 3 node(s) had "
      "untolerated taint {node-role.kubernetes.io/control-plane: }. preemption: 0/3 nodes are "
      "available: 3 Preemption is not helpful for scheduling.",
      "72|pod_status|shop/web-6d4cf56db6-x7k2p//|Evicted||"
      "pod Evicted: The node was low on resource: ephemeral-storage. Threshold quantity: 2Gi, "
      "available: 1Gi.",
      "72|pod_status|shop/web-6d4cf56db6-x7k2p/web/|ContainerStatusUnknown||"
      "container \"web\" terminated: ContainerStatusUnknown (exit code 137): The container could "
      "not be located when the pod was terminated",
      "72|pod_status|shop/web-6d4cf56db6-x7k2p/sidecar/||2026-06-04T09:00:00Z|"
      "container \"sidecar\" terminated: exit code 1",
  };
  EXPECT_EQ(s.dump(), want);
}

TEST(PodsJson, ReadsALonePodAndReportsWrongTypes) {
  const Split s{R"js({"kind": "Pod", "metadata": {"name": "api-7f9c", "namespace": "shop"},
 "status": {"containerStatuses": [
   {"name": "api", "restartCount": "3", "state": {"waiting": {"reason": "CreateContainerConfigError", "message": "secret \"api-db\" not found"}}},
   {"name": "proxy", "state": {"terminated": {"reason": "Error", "exitCode": "one"}}},
   {"name": "metrics", "state": "Running"}
 ], "conditions": {"type": "Ready"}}}
[{"kind": "Pod", "metadata": {"name": "job-x"}, "status": {"containerStatuses": [{"name": "main", "state": {"waiting": {"reason": "ImagePullBackOff"}}, "restartCount": 0}]}}]
)js"};
  EXPECT_EQ(s.problems, (Problems{{"pods.json:1", "pod 1: field 'restartCount' is not a number"},
                                  {"pods.json:1", "pod 1: field 'exitCode' is not a number"},
                                  {"pods.json:1", "pod 1: field 'state' is not an object"},
                                  {"pods.json:1", "pod 1: field 'conditions' is not an array"}}));
  const std::vector<std::string> want = {
      "1|pod_status|shop/api-7f9c/api/|CreateContainerConfigError||"
      "container \"api\" waiting: CreateContainerConfigError: secret \"api-db\" not found",
      "1|pod_status|shop/api-7f9c/proxy/|Error||container \"proxy\" terminated: Error (exit code 0)",
      // No namespace in the pod: the file's resource has none either.
      "7|pod_status|/job-x/main/|ImagePullBackOff||container \"main\" waiting: ImagePullBackOff",
  };
  EXPECT_EQ(s.dump(), want);
}

TEST(PodsJson, InvalidJsonKeepsThePodsBefore) {
  const Split s{R"js({"kind": "PodList", "items": [
  {"kind": "Pod", "metadata": {"name": "a", "namespace": "db"}, "status": {"reason": "Evicted", "message": "The node was low on resource: memory."}},
  {"kind": "Pod", "metadata": {"name": "b", "namespace": "db"}, "status": {"reason": "Evicted" "message": "x"}},
  {"kind": "Pod", "metadata": {"name": "c", "namespace": "db"}, "status": {"reason": "Evicted"}}
]}
)js"};
  EXPECT_EQ(s.problems,
            (Problems{{"pods.json:3", "invalid JSON: The JSON document has an improper structure: "
                                      "missing or superfluous commas, braces, missing keys, etc."}}));
  const std::vector<std::string> want = {
      "2|pod_status|db/a//|Evicted||pod Evicted: The node was low on resource: memory.",
  };
  EXPECT_EQ(s.dump(), want);
}

}  // namespace
}  // namespace kdx::formats
