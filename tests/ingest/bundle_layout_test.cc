// apply_layout on every documented bundle layout: exact ns/pod/container/node/unit/hint.
#include <gtest/gtest.h>

#include "ingest/ingest.h"
#include "ingest/sources.h"

namespace kdx::ingest {
namespace {

struct Expect {
  std::string ns, pod, container, node, unit, hint;
};

Expect layout_of(const std::string& member) {
  FileInfo info;
  info.member = member;
  apply_layout(info);
  const ResourceKey& r = info.resource;
  return {r.ns, r.pod, r.container, r.node, r.unit, info.format_hint};
}

void expect_layout(const std::string& member, const Expect& want) {
  Expect got = layout_of(member);
  SCOPED_TRACE(member);
  EXPECT_EQ(got.ns, want.ns);
  EXPECT_EQ(got.pod, want.pod);
  EXPECT_EQ(got.container, want.container);
  EXPECT_EQ(got.node, want.node);
  EXPECT_EQ(got.unit, want.unit);
  EXPECT_EQ(got.hint, want.hint);
}

TEST(Troubleshoot, PodLogsCarryNamespacePodAndContainer) {
  const std::string base = "support-bundle-2026-06-04T10_00_00/cluster-resources/pods/logs/";
  expect_layout(base + "db/postgres-0/postgres.log", {"db", "postgres-0", "postgres", "", "", ""});
  expect_layout(base + "velero/velero-6996dd565b-xl44t/velero-previous.log",
                {"velero", "velero-6996dd565b-xl44t", "velero", "", "", ""});
  expect_layout(base + "velero/velero-6996dd565b-xl44t/velero-velero-plugin-for-aws.log",
                {"velero", "velero-6996dd565b-xl44t", "velero-velero-plugin-for-aws", "", "", ""});
}

TEST(Troubleshoot, EventsAndPodsPerNamespace) {
  expect_layout("bundle/cluster-resources/events/kube-system.json",
                {"kube-system", "", "", "", "", "events"});
  expect_layout("bundle/cluster-resources/pods/longhorn-system.json",
                {"longhorn-system", "", "", "", "", "pods"});
  expect_layout("bundle/cluster-resources/nodes.json", {"", "", "", "", "", "nodes"});
  expect_layout("bundle/cluster-resources/deployments/default.json", {});
}

TEST(Troubleshoot, HostCollectorsNameANodeOnlyForRemoteCollection) {
  expect_layout("bundle/host-collectors/run-host/k3s-journal.txt", {});
  expect_layout("bundle/host-collectors/system/hostos_info.json", {});
  expect_layout("bundle/host-collectors/run-host/outputs/extra/x.txt", {});
  expect_layout("bundle/host-collectors/worker-2/run-host/k3s-journal.txt",
                {"", "", "", "worker-2", "", ""});
  expect_layout("bundle/host-collectors/worker-2/journald/k3s.txt",
                {"", "", "", "worker-2", "", ""});
}

TEST(ClusterInfoDump, FilesPerNamespaceAndPod) {
  expect_layout("dump/kube-system/events.json", {"kube-system", "", "", "", "", "events"});
  expect_layout("dump/kube-system/pods.json", {"kube-system", "", "", "", "", "pods"});
  expect_layout("dump/kube-system/coredns-5d78c9869d-x7k2p/logs.txt",
                {"kube-system", "coredns-5d78c9869d-x7k2p", "", "", "", ""});
  expect_layout("dump/nodes.json", {"", "", "", "", "", "nodes"});
  expect_layout("events.json", {"", "", "", "", "", "events"});
}

TEST(ClusterInfoDump, WeakRowsReadOnlyThePathInsideTheInput) {
  // A directory argument "/home/u/work" holding logs.txt must not make "u" a namespace.
  FileInfo info;
  info.member = "logs.txt";
  apply_layout_path(info, "/home/u/work/logs.txt");
  EXPECT_TRUE(info.resource.empty());
  EXPECT_EQ(info.format_hint, "");
}

TEST(MustGather, ContainerLogsCurrentPreviousAndRotated) {
  const std::string pod =
      "must-gather.local.5/quay-io-openshift-release-dev-sha256-abc/namespaces/openshift-etcd/"
      "pods/etcd-master-0/";
  Expect want{"openshift-etcd", "etcd-master-0", "etcd", "", "", ""};
  expect_layout(pod + "etcd/etcd/logs/current.log", want);
  expect_layout(pod + "etcd/etcd/logs/previous.log", want);
  expect_layout(pod + "etcd/etcd/logs/rotated/1.log.20231102-061208", want);
  expect_layout(pod + "etcd-master-0.yaml", {"openshift-etcd", "etcd-master-0", "", "", "", ""});
}

TEST(MustGather, NamespaceResourcesAndEvents) {
  expect_layout("mg/namespaces/openshift-etcd/core/events.yaml",
                {"openshift-etcd", "", "", "", "", "events"});
  expect_layout("mg/namespaces/openshift-etcd/openshift-etcd.yaml",
                {"openshift-etcd", "", "", "", "", ""});
  expect_layout("mg/cluster-scoped-resources/core/namespaces/openshift-etcd.yaml", {});
  expect_layout("mg/nodes/worker-3/kubelet.log", {"", "", "", "worker-3", "", ""});
}

TEST(Sosreport, NodeFromTheFolderAndUnitFromJournalctlFiles) {
  expect_layout(
      "sosreport-worker-1-01234567-2026-06-04-abcdefg/sos_commands/logs/"
      "journalctl_--no-pager_--unit_k3s",
      {"", "", "", "worker-1", "k3s", "syslog"});
  expect_layout(
      "sosreport-node2-2026-06-04-qwertyu/sos_commands/kubernetes/"
      "journalctl_--no-pager_--unit_kubelet_--since_-3days",
      {"", "", "", "node2", "kubelet", "syslog"});
  expect_layout("sosreport-db1/sos_commands/logs/journalctl_--no-pager",
                {"", "", "", "db1", "", "syslog"});
  expect_layout("sosreport-db1/sos_commands/logs/journalctl_--no-pager_--unit_a_--unit_b",
                {"", "", "", "db1", "", "syslog"});
  expect_layout("sosreport-node2-2026-06-04-qwertyu/var/log/messages",
                {"", "", "", "node2", "", "syslog"});
  expect_layout("sosreport-node2-2026-06-04-qwertyu/var/log/syslog.1",
                {"", "", "", "node2", "", "syslog"});
  expect_layout("sosreport-node2-2026-06-04-qwertyu/etc/hosts", {"", "", "", "node2", "", ""});
}

TEST(NodeLogTrees, VarLogPodsWithUuidOrConfigHash) {
  expect_layout(
      "worker-1/var/log/pods/kube-system_coredns-5d78c9869d-x7k2p_"
      "8c0e1a52-3f4b-4d5c-9e6f-0a1b2c3d4e5f/coredns/0.log",
      {"kube-system", "coredns-5d78c9869d-x7k2p", "coredns", "", "", ""});
  expect_layout(
      "var/log/pods/kube-system_kube-apiserver-cp-1_2b7f5c1d9e8a4f3b6c0d1e2f3a4b5c6d/"
      "kube-apiserver/3.log.20260604-101500",
      {"kube-system", "kube-apiserver-cp-1", "kube-apiserver", "", "", ""});
  expect_layout("var/log/pods/not_a_pod/c/0.log", {});
}

TEST(NodeLogTrees, VarLogContainersNamesCarryPodNamespaceContainer) {
  const std::string id(64, 'a');
  expect_layout("var/log/containers/coredns-5d78c9869d-x7k2p_kube-system_coredns-" + id + ".log",
                {"kube-system", "coredns-5d78c9869d-x7k2p", "coredns", "", "", ""});
  expect_layout("var/log/containers/short_ns_c-abc.log", {});
}

TEST(NodeLogTrees, SyslogAndJournalHints) {
  expect_layout("host/var/log/syslog", {"", "", "", "", "", "syslog"});
  expect_layout("host/var/log/messages-20260604", {"", "", "", "", "", "syslog"});
  expect_layout("host/var/log/journal/0123456789abcdef0123456789abcdef/system.journal",
                {"", "", "", "", "", "journal"});
  expect_layout("host/var/log/app/messages", {});
}

TEST(Unknown, AnythingElseIsLeftAlone) {
  expect_layout("random/dir/app.log", {});
  expect_layout("", {});
}

}  // namespace
}  // namespace kdx::ingest
