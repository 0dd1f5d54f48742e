#include <string>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "formats/formats.h"

namespace kdx::formats {
namespace {

// Runs split() over `text` as the pasted file "describe.txt", as the pipeline would.
struct Split {
  explicit Split(std::string text) {
    file.display = "describe.txt";
    file.resource.ns = "from-layout";
    chunk.file = &file;
    chunk.format = FormatId::describe;
    chunk.bytes = std::move(text);
    split(chunk, batch, problems);
  }

  // line|kind|level|ns/pod/container/node|reason|type|xN|ts|message[|text when different]
  std::vector<std::string> dump() const {
    std::vector<std::string> out;
    for (const Record& r : batch.records) {
      EXPECT_EQ(r.first_ts, r.ts);
      out.push_back(fmt::format("{}|{}|{}|{}/{}/{}/{}|{}|{}|x{}|{}|{}{}{}", r.line,
                                to_string(r.kind), to_string(r.level), r.res.ns, r.res.pod,
                                r.res.container, r.res.node, r.reason, r.type, r.repeat,
                                format_rfc3339(r.ts), r.message, r.text == r.message ? "" : "|",
                                r.text == r.message ? std::string_view() : r.text));
    }
    return out;
  }

  FileInfo file;
  Chunk chunk;
  RecordBatch batch;
  Problems problems;
};

TEST(Describe, ReadsAPodWithContainerStatesAndWrappedEvents) {
  const Split s{R"(Name:             postgres-0
Namespace:        db
Node:             worker-1/10.0.0.11
Start Time:       Thu, 04 Jun 2026 10:00:00 +0000
Status:           Running
Init Containers:
  init-chown:
    Image:          busybox:1.36
    State:          Terminated
      Reason:       Completed
      Exit Code:    0
      Started:      Thu, 04 Jun 2026 10:00:02 +0000
      Finished:     Thu, 04 Jun 2026 10:00:02 +0000
    Restart Count:  0
Containers:
  postgres:
    Image:          postgres:16
    State:          Waiting
      Reason:       CrashLoopBackOff
    Last State:     Terminated
      Reason:       OOMKilled
      Exit Code:    137
      Started:      Thu, 04 Jun 2026 12:04:10 +0200
      Finished:     Thu, 04 Jun 2026 12:04:41 +0200
    Ready:          False
    Restart Count:  12
Conditions:
  Type              Status
  Ready             False
Events:
  Type     Reason     Age                   From               Message
  ----     ------     ----                  ----               -------
  Normal   Scheduled  5m                    default-scheduler  Successfully assigned db/postgres-0 to worker-1
  Warning  BackOff    12s (x14 over 4m50s)  kubelet            Back-off restarting failed container postgres in pod
                                                               postgres-0_db(5f2c9a7e)
  Warning  Unhealthy  3m (x5 over 4m)       kubelet            Readiness probe failed: HTTP probe failed with statuscode: 404
)"};
  EXPECT_TRUE(s.problems.empty());
  const std::vector<std::string> want = {
      "1|describe|unknown|db/postgres-0//|||x1||Name:             postgres-0",
      "2|describe|unknown|db/postgres-0//|||x1||Namespace:        db",
      "3|describe|unknown|db/postgres-0//|||x1||Node:             worker-1/10.0.0.11",
      "4|describe|unknown|db/postgres-0//|||x1||Start Time:       Thu, 04 Jun 2026 10:00:00 +0000",
      "5|describe|unknown|db/postgres-0//|||x1||Status:           Running",
      "6|describe|unknown|db/postgres-0//|||x1||Init Containers:",
      "7|describe|unknown|db/postgres-0/init-chown/|||x1||init-chown:",
      "8|describe|unknown|db/postgres-0/init-chown/|||x1||Image:          busybox:1.36",
      // A container that completed is not a problem: its state stays plain lines.
      "9|describe|unknown|db/postgres-0/init-chown/|||x1||State:          Terminated",
      "10|describe|unknown|db/postgres-0/init-chown/|||x1||Reason:       Completed",
      "11|describe|unknown|db/postgres-0/init-chown/|||x1||Exit Code:    0",
      "12|describe|unknown|db/postgres-0/init-chown/|||x1||Started:      Thu, 04 Jun 2026 10:00:02 +0000",
      "13|describe|unknown|db/postgres-0/init-chown/|||x1||Finished:     Thu, 04 Jun 2026 10:00:02 +0000",
      "14|describe|unknown|db/postgres-0/init-chown/|||x1||Restart Count:  0",
      "15|describe|unknown|db/postgres-0//|||x1||Containers:",
      "16|describe|unknown|db/postgres-0/postgres/|||x1||postgres:",
      "17|describe|unknown|db/postgres-0/postgres/|||x1||Image:          postgres:16",
      "18|pod_status|unknown|db/postgres-0/postgres/|CrashLoopBackOff||x1||"
      "container \"postgres\" waiting: CrashLoopBackOff (restarts 12)",
      "20|pod_status|unknown|db/postgres-0/postgres/|OOMKilled||x1|2026-06-04T10:04:41Z|"
      "container \"postgres\" last terminated: OOMKilled (exit code 137) (restarts 12)",
      "25|describe|unknown|db/postgres-0/postgres/|||x1||Ready:          False",
      "26|describe|unknown|db/postgres-0/postgres/|||x1||Restart Count:  12",
      "27|describe|unknown|db/postgres-0//|||x1||Conditions:",
      "28|describe|unknown|db/postgres-0//|||x1||Type              Status",
      "29|describe|unknown|db/postgres-0//|||x1||Ready             False",
      "33|event|info|db/postgres-0//|Scheduled|Normal|x1||"
      "Successfully assigned db/postgres-0 to worker-1|"
      "Normal   Scheduled  5m                    default-scheduler  Successfully assigned "
      "db/postgres-0 to worker-1",
      "34|event|warning|db/postgres-0//|BackOff|Warning|x14||"
      "Back-off restarting failed container postgres in pod postgres-0_db(5f2c9a7e)|"
      "Warning  BackOff    12s (x14 over 4m50s)  kubelet            Back-off restarting failed "
      "container postgres in pod postgres-0_db(5f2c9a7e)",
      "36|event|warning|db/postgres-0//|Unhealthy|Warning|x5||"
      "Readiness probe failed: HTTP probe failed with statuscode: 404|"
      "Warning  Unhealthy  3m (x5 over 4m)       kubelet            Readiness probe failed: HTTP "
      "probe failed with statuscode: 404",
  };
  EXPECT_EQ(s.dump(), want);
}

TEST(Describe, ReadsAnEvictedPodAndAMultiLineTerminationMessage) {
  const Split s{R"(Name:             web-6d4cf56db6-x7k2p
Namespace:        shop
Status:           Failed
Reason:           Evicted
Message:          The node was low on resource: ephemeral-storage. Threshold quantity: 2Gi, available: 1Gi.
Containers:
  web:
    State:          Terminated
      Reason:       Error
      Message:      panic: open /data/cache: permission denied
goroutine 1 [running]:
main.main()
      Exit Code:    2
      Started:      Thu, 04 Jun 2026 09:00:00 +0000
      Finished:     Thu, 04 Jun 2026 09:10:00 +0000
    Restart Count:  0
Events:           <none>
)"};
  const std::vector<std::string> want = {
      "1|describe|unknown|shop/web-6d4cf56db6-x7k2p//|||x1||Name:             web-6d4cf56db6-x7k2p",
      "2|describe|unknown|shop/web-6d4cf56db6-x7k2p//|||x1||Namespace:        shop",
      "3|describe|unknown|shop/web-6d4cf56db6-x7k2p//|||x1||Status:           Failed",
      "4|describe|unknown|shop/web-6d4cf56db6-x7k2p//|Evicted||x1||Reason:           Evicted",
      "5|describe|unknown|shop/web-6d4cf56db6-x7k2p//|Evicted||x1||The node was low on resource: "
      "ephemeral-storage. Threshold quantity: 2Gi, available: 1Gi.|Message:          The node was "
      "low on resource: ephemeral-storage. Threshold quantity: 2Gi, available: 1Gi.",
      "6|describe|unknown|shop/web-6d4cf56db6-x7k2p//|||x1||Containers:",
      "7|describe|unknown|shop/web-6d4cf56db6-x7k2p/web/|||x1||web:",
      "8|pod_status|unknown|shop/web-6d4cf56db6-x7k2p/web/|Error||x1|2026-06-04T09:10:00Z|"
      "container \"web\" terminated: Error (exit code 2): panic: open /data/cache: permission "
      "denied goroutine 1 [running]: main.main()",
      "16|describe|unknown|shop/web-6d4cf56db6-x7k2p/web/|||x1||Restart Count:  0",
      "17|describe|unknown|shop/web-6d4cf56db6-x7k2p//|||x1||Events:           <none>",
  };
  EXPECT_EQ(s.dump(), want);
}

TEST(Describe, ReadsNodesAndPvcsOneAfterAnother) {
  const Split s{R"(Warning: v1 ComponentStatus is deprecated in v1.19+

Name:               worker-1
Roles:              <none>
Taints:             node.kubernetes.io/disk-pressure:NoSchedule
Conditions:
  Type             Status  Reason                  Message
  ----             ------  ------                  -------
  DiskPressure     True    KubeletHasDiskPressure  kubelet has disk pressure
Events:
  Type     Reason                Age              From             Message
  ----     ------                ----             ----             -------
  Warning  EvictionThresholdMet  2m (x3 over 5m)  kubelet          Attempting to reclaim ephemeral-storage
  Normal   NodeNotReady          1m               node-controller  Node worker-1 status is now: NodeNotReady


Name:          data-postgres-0
Namespace:     db
StorageClass:  fast
Status:        Pending
Access Modes:
Used By:       postgres-0
Events:
  Type     Reason              Age                From                         Message
  ----     ------              ----               ----                         -------
  Warning  ProvisioningFailed  10s (x3 over 40s)  persistentvolume-controller  storageclass.storage.k8s.io "fast" not found
)"};
  const std::vector<std::string> want = {
      "1|describe|unknown|from-layout///|||x1||Warning: v1 ComponentStatus is deprecated in v1.19+",
      "3|describe|unknown|///worker-1|||x1||Name:               worker-1",
      "4|describe|unknown|///worker-1|||x1||Roles:              <none>",
      "5|describe|unknown|///worker-1|||x1||Taints:             node.kubernetes.io/disk-pressure:NoSchedule",
      "6|describe|unknown|///worker-1|||x1||Conditions:",
      "7|describe|unknown|///worker-1|||x1||Type             Status  Reason                  Message",
      "8|describe|unknown|///worker-1|||x1||----             ------  ------                  -------",
      "9|describe|unknown|///worker-1|||x1||DiskPressure     True    KubeletHasDiskPressure  kubelet has disk pressure",
      "13|event|warning|///worker-1|EvictionThresholdMet|Warning|x3||Attempting to reclaim "
      "ephemeral-storage|Warning  EvictionThresholdMet  2m (x3 over 5m)  kubelet          "
      "Attempting to reclaim ephemeral-storage",
      "14|event|info|///worker-1|NodeNotReady|Normal|x1||Node worker-1 status is now: "
      "NodeNotReady|Normal   NodeNotReady          1m               node-controller  Node "
      "worker-1 status is now: NodeNotReady",
      "17|describe|unknown|db/PersistentVolumeClaim/data-postgres-0//|||x1||Name:          data-postgres-0",
      "18|describe|unknown|db/PersistentVolumeClaim/data-postgres-0//|||x1||Namespace:     db",
      "19|describe|unknown|db/PersistentVolumeClaim/data-postgres-0//|||x1||StorageClass:  fast",
      "20|describe|unknown|db/PersistentVolumeClaim/data-postgres-0//|||x1||Status:        Pending",
      "21|describe|unknown|db/PersistentVolumeClaim/data-postgres-0//|||x1||Access Modes:",
      "22|describe|unknown|db/PersistentVolumeClaim/data-postgres-0//|||x1||Used By:       postgres-0",
      "26|event|warning|db/PersistentVolumeClaim/data-postgres-0//|ProvisioningFailed|Warning|"
      "x3||storageclass.storage.k8s.io \"fast\" not found|Warning  ProvisioningFailed  10s (x3 "
      "over 40s)  persistentvolume-controller  storageclass.storage.k8s.io \"fast\" not found",
  };
  EXPECT_EQ(s.dump(), want);
}

}  // namespace
}  // namespace kdx::formats
