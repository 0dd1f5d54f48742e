#include <gtest/gtest.h>

#include <string>

#include "formats/formats.h"

namespace kdx::formats {
namespace {

FormatId fmt_of(std::string_view head, std::string_view path = "input.txt") {
  const Detection d = detect(path, head);
  EXPECT_FALSE(d.why.empty());
  EXPECT_GE(d.confidence, 0);
  EXPECT_LE(d.confidence, 100);
  return d.format;
}

TEST(Detect, PlainTextAndEmpty) {
  EXPECT_EQ(fmt_of("Error: unknown command \"server-junk\" for \"velero\"\n"
                   "Run 'velero --help' for usage.\n"),
            FormatId::text);
  EXPECT_EQ(fmt_of(""), FormatId::text);
  EXPECT_EQ(fmt_of("\n\n  \n"), FormatId::text);
  EXPECT_EQ(detect("x", "").why, "empty");
}

TEST(Detect, TextThatMentionsKindStaysText) {
  EXPECT_EQ(fmt_of("I0604 10:00:00.000000       1 event.go:294] \"Event occurred\" "
                   "object=\"default/web\" kind=\"Pod\" reason=\"Killing\"\n"
                   "updated object {\"kind\": \"EventList\", \"items\": []}\n"
                   "kind: Event\n"),
            FormatId::text);
  // JSON-lines application logs are text too, even with a "kind" member.
  EXPECT_EQ(fmt_of("{\"level\":\"info\",\"kind\":\"Event\",\"msg\":\"recorded\"}\n"
                   "{\"level\":\"error\",\"kind\":\"Pod\",\"msg\":\"failed\"}\n",
                   "app.json"),
            FormatId::text);
}

TEST(Detect, KubectlTimestampsByMajority) {
  EXPECT_EQ(fmt_of("2026-06-04T10:00:00.123456789Z starting\n"
                   "2026-06-04T10:00:01.000000000Z java.lang.RuntimeException: x\n"
                   "\tat a.b(C.java:1)\n"
                   "2026-06-04T10:00:02.000000000Z done\n"),
            FormatId::kubectl_ts);
  // A minority of stamped lines does not make a kubectl file.
  EXPECT_EQ(fmt_of("2026-06-04T10:00:00Z starting\nplain\nplain\nplain\n"), FormatId::text);
}

TEST(Detect, Cri) {
  const Detection d = detect("0.log",
                             "2026-06-04T10:00:00.000000001Z stdout F hello\n"
                             "2026-06-04T10:00:00.000000002Z stderr P part\n"
                             "2026-06-04T10:00:00.000000003Z stderr F end\n");
  EXPECT_EQ(d.format, FormatId::cri);
  EXPECT_EQ(d.confidence, 99);
}

TEST(Detect, PathBreaksAnExactTie) {
  const std::string_view head =
      "2026-06-04T10:00:00Z stdout F a\n2026-06-04T10:00:00Z stdout F b\nx\ny\n";
  EXPECT_EQ(fmt_of(head, "var/log/pods/ns_p_uid/c/0.log"), FormatId::cri);
  EXPECT_EQ(fmt_of(head, "notes.txt"), FormatId::text);
}

TEST(Detect, DockerJson) {
  EXPECT_EQ(
      fmt_of("{\"log\":\"hello\\n\",\"stream\":\"stdout\",\"time\":\"2026-06-04T10:00:00Z\"}\n"
             "{\"log\":\"again\\n\",\"stream\":\"stderr\",\"time\":\"2026-06-04T10:00:01Z\"}\n"),
      FormatId::docker_json);
}

TEST(Detect, JournaldJsonAndExport) {
  EXPECT_EQ(fmt_of("{\"__CURSOR\":\"s=1\",\"__REALTIME_TIMESTAMP\":\"1780567200000000\","
                   "\"MESSAGE\":\"x\"}\n"),
            FormatId::journald_json);
  const std::string exp = std::string("__CURSOR=s=1;i=2\n__REALTIME_TIMESTAMP=1780567200000000\n") +
                          "MESSAGE\n" + std::string("\x03\0\0\0\0\0\0\0", 8) + "a\0b\n\n";
  EXPECT_EQ(fmt_of(exp), FormatId::journald_export);
}

TEST(Detect, SyslogShapes) {
  EXPECT_EQ(fmt_of("-- Logs begin at Thu 2026-06-04 09:00:00 UTC, end at Thu 2026-06-04 "
                   "11:00:00 UTC. --\n"
                   "Jun  4 10:00:00 worker-1 k3s[812]: starting\n"
                   "Jun  4 10:00:01 worker-1 k3s[812]: running\n"),
            FormatId::syslog);
  EXPECT_EQ(fmt_of("2026-06-04T10:00:00+0000 worker-1 kubelet[1]: a\n"
                   "2026-06-04T10:00:01+0000 worker-1 kubelet[1]: b\n"),
            FormatId::syslog);
  EXPECT_EQ(fmt_of("Jun 04 10:00:00.123456 worker-1 containerd[7]: a\n"), FormatId::syslog);
  EXPECT_EQ(fmt_of("<34>1 2026-06-04T10:00:00Z host su - ID47 - failed\n"), FormatId::syslog);
}

TEST(Detect, EventsJson) {
  // v1 EventList as client-go writes it: kind first.
  EXPECT_EQ(fmt_of("{\n  \"kind\": \"EventList\",\n  \"apiVersion\": \"v1\",\n  \"items\": [\n"
                   "    {\n      \"kind\": \"Event\",\n      \"involvedObject\": {\"kind\": "
                   "\"Pod\"}\n    }\n  ]\n}\n",
                   "events.json"),
            FormatId::events_json);
  // kubectl -o json sorts keys: "kind": "List" comes last, after the items.
  EXPECT_EQ(fmt_of("{\n    \"apiVersion\": \"v1\",\n    \"items\": [\n        {\n"
                   "            \"apiVersion\": \"v1\",\n            \"count\": 3,\n"
                   "            \"involvedObject\": {\n                \"kind\": \"Pod\"\n"
                   "            },\n            \"kind\": \"Event\",\n"),
            FormatId::events_json);
  // events.k8s.io/v1, one object.
  EXPECT_EQ(fmt_of("{\"apiVersion\":\"events.k8s.io/v1\",\"kind\":\"Event\",\"regarding\":"
                   "{\"kind\":\"Pod\"},\"reason\":\"BackOff\"}"),
            FormatId::events_json);
}

TEST(Detect, PodsJson) {
  EXPECT_EQ(fmt_of("{\n    \"kind\": \"PodList\",\n    \"apiVersion\": \"v1\",\n"
                   "    \"items\": [\n      {\n        \"kind\": \"Pod\",\n"),
            FormatId::pods_json);
  EXPECT_EQ(fmt_of("{\n  \"apiVersion\": \"v1\",\n  \"items\": [\n    {\n"
                   "      \"apiVersion\": \"v1\",\n      \"kind\": \"Pod\",\n"
                   "      \"metadata\": {\"ownerReferences\": [{\"kind\": \"ReplicaSet\"}]}\n"
                   "    }\n  ],\n  \"kind\": \"List\"\n}\n"),
            FormatId::pods_json);
  // Other lists are not pods or events.
  EXPECT_EQ(fmt_of("{\n  \"kind\": \"ServiceList\",\n  \"items\": []\n}\n", "services.json"),
            FormatId::text);
}

TEST(Detect, EventsYaml) {
  EXPECT_EQ(fmt_of("apiVersion: v1\nitems:\n- apiVersion: v1\n  count: 1\n  involvedObject:\n"
                   "    kind: Pod\n    name: web-0\n  kind: Event\n  reason: BackOff\n"),
            FormatId::events_yaml);
  EXPECT_EQ(fmt_of("---\nkind: EventList\napiVersion: v1\nitems: []\n"), FormatId::events_yaml);
  EXPECT_EQ(fmt_of("apiVersion: v1\nitems:\n- apiVersion: v1\n  kind: Pod\n  metadata:\n"
                   "    name: web-0\nkind: List\n"),
            FormatId::text);
}

TEST(Detect, EventsTable) {
  EXPECT_EQ(fmt_of("LAST SEEN   TYPE      REASON    OBJECT      MESSAGE\n"
                   "2m          Warning   BackOff   pod/web-0   Back-off restarting failed "
                   "container\n"),
            FormatId::events_table);
  EXPECT_EQ(fmt_of("$ kubectl get events -A -o wide\n"
                   "NAMESPACE   LAST SEEN   TYPE      REASON    OBJECT      SUBOBJECT   SOURCE   "
                   "MESSAGE   FIRST SEEN   COUNT   NAME\n"),
            FormatId::events_table);
}

TEST(Detect, Describe) {
  EXPECT_EQ(fmt_of("Name:             web-0\nNamespace:        shop\nPriority:         0\n"
                   "Containers:\n  app:\n    State:          Waiting\n"
                   "Events:\n  Type     Reason   Age   From     Message\n"),
            FormatId::describe);
  EXPECT_EQ(fmt_of("Name:               worker-1\nRoles:              control-plane\n"
                   "Conditions:\n  Type   Status\n"),
            FormatId::describe);
}

TEST(Detect, ClusterDump) {
  EXPECT_EQ(fmt_of("{\n    \"kind\": \"NodeList\",\n    \"items\": []\n}\n"
                   "==== START logs for container coredns of pod kube-system/coredns-1 ====\n"
                   "[INFO] plugin/reload\n"),
            FormatId::cluster_dump);
  EXPECT_EQ(fmt_of("{\n    \"kind\": \"NodeList\",\n    \"items\": []\n}\n"
                   "{\n    \"kind\": \"EventList\",\n"),
            FormatId::cluster_dump);
  // A NodeList alone is just a nodes file.
  EXPECT_EQ(fmt_of("{\n    \"kind\": \"NodeList\",\n    \"items\": []\n}\n", "nodes.json"),
            FormatId::text);
}

TEST(Detect, Binary) {
  EXPECT_EQ(fmt_of(std::string("\x7f"
                               "ELF\x02\x01\x01\0\0\0\0\0\0\0\0\0",
                               16)),
            FormatId::binary);
  std::string nul_heavy(1000, 'a');
  for (size_t i = 0; i < nul_heavy.size(); i += 5) nul_heavy[i] = '\0';
  EXPECT_EQ(fmt_of(nul_heavy), FormatId::binary);
  std::string random_bytes;
  for (int i = 0; i < 4096; ++i) random_bytes += static_cast<char>((i * 7919 + 13) % 251);
  EXPECT_EQ(fmt_of(random_bytes), FormatId::binary);
  // A stray NUL, colour codes and Latin-1 in a log do not make it binary.
  EXPECT_EQ(fmt_of(std::string("\x1b[31mERROR\x1b[0m caf\xe9 bad\0byte here\nmore text\n", 40)),
            FormatId::text);
}

}  // namespace
}  // namespace kdx::formats
