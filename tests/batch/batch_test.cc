// kdx_batch: discovery on built trees, cluster names, fingerprints, shards, NDJSON lines, torn
// files, dedup, and the fleet summary's exact Markdown and JSON.
#include "batch/batch.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <utime.h>

#include <fstream>

#include "support/make_archive.h"
#include "support/temp_dir.h"

namespace kdx::batch {
namespace {

using test::TempDir;

std::vector<std::string> rels(const Discovery& d) {
  std::vector<std::string> out;
  for (const auto& b : d.bundles) out.push_back(b.rel + (b.is_dir ? "/" : "") + " @" + b.cluster);
  return out;
}

Bundle bundle(const std::string& path, const std::string& rel, bool is_dir = false) {
  Bundle b;
  b.path = path;
  b.rel = rel;
  b.cluster = cluster_name(rel);
  b.is_dir = is_dir;
  return b;
}

BundleDigest digest(const std::string& path, const std::string& cluster, const std::string& fp,
                    const std::string& mtime, uint64_t size = 0) {
  BundleDigest d;
  d.path = path;
  d.cluster = cluster;
  d.fingerprint = fp;
  d.mtime_text = mtime;
  d.mtime = *parse_rfc3339(mtime);
  d.size = size;
  return d;
}

void set_mtime(const std::string& path, time_t t) {
  utimbuf times{t, t};
  ASSERT_EQ(::utime(path.c_str(), &times), 0) << path;
}

TEST(Discover, FindsArchivesLayoutsAndLogDirectories) {
  TempDir t;
  test::write_archive(t, "a/prod-eu1/2026-11-21.tgz", test::ArchiveFormat::tar_gz,
                      {{"x.log", "hello\n"}});
  t.write("a/prod-eu1/notes.txt", "beside an archive: not a bundle\n");
  t.write("a/troubleshoot-2026-11-21/cluster-resources/events/default.json", "{}");
  t.write("a/troubleshoot-2026-11-21/cluster-resources/pods/logs/db/p/c.log", "x\n");
  t.write("a/dump/kube-system/events.json", "{}");
  t.write("a/node-logs/syslog", "x\n");
  t.write("a/node-logs/kubelet/kubelet.log", "x\n");
  t.write("a/deep/er/edge-2-20261121T0300Z.log.gz", test::gzip_bytes("x\n"));
  t.write("a/empty/.hidden.tgz", test::gzip_bytes("x\n"));
  t.write("a/README.md", "top-level file beside bundles\n");
  Discovery d = discover({t.path("a"), t.path("a/")});  // the same PATH twice: once
  EXPECT_TRUE(d.missing.empty());
  EXPECT_EQ(rels(d), (std::vector<std::string>{
                         "deep/er/edge-2-20261121T0300Z.log.gz @deep", "dump/ @dump",
                         "node-logs/ @node-logs", "prod-eu1/2026-11-21.tgz @prod-eu1",
                         "troubleshoot-2026-11-21/ @troubleshoot"}));
  EXPECT_EQ(d.bundles[0].path, t.path("a/deep/er/edge-2-20261121T0300Z.log.gz"));
}

TEST(Discover, APathThatIsABundleIsOne) {
  TempDir t;
  t.write("logs/a.log", "one\n");
  t.write("logs/b.log", "two!\n");
  set_mtime(t.path("logs/a.log"), 1780000000);
  set_mtime(t.path("logs/b.log"), 1780000100);
  const std::string tgz = test::write_archive(t, "prod-eu1-2026-11-21.tar.gz",
                                              test::ArchiveFormat::tar_gz, {{"x.log", "x\n"}});
  Discovery d = discover({t.path("logs"), tgz, t.path("missing")});
  ASSERT_EQ(d.bundles.size(), 2u);
  EXPECT_EQ(d.bundles[0].rel, "logs");
  EXPECT_TRUE(d.bundles[0].is_dir);
  EXPECT_EQ(d.bundles[0].size, 9u);
  EXPECT_EQ(format_rfc3339(d.bundles[0].mtime), "2026-05-28T20:28:20Z");
  EXPECT_EQ(d.bundles[1].rel, "prod-eu1-2026-11-21.tar.gz");
  EXPECT_EQ(d.bundles[1].cluster, "prod-eu1");
  ASSERT_EQ(d.missing.size(), 1u);
  EXPECT_EQ(d.missing[0].where, t.path("missing"));
  EXPECT_EQ(d.missing[0].message, "no such file or directory");
}

TEST(ClusterName, DirectoryOrNameWithoutExtensionsAndStamp) {
  EXPECT_EQ(cluster_name("prod-eu1/2026-11-21.tgz"), "prod-eu1");
  EXPECT_EQ(cluster_name("prod-eu1-2026-11-21.tar.gz"), "prod-eu1");
  EXPECT_EQ(cluster_name("node-3_20261121T0300Z.tgz"), "node-3");
  EXPECT_EQ(cluster_name("support-bundle-2025-11-20T09_30_00"), "support-bundle");
  EXPECT_EQ(cluster_name("staging.tar.zst"), "staging");
  EXPECT_EQ(cluster_name("2026-11-21.tgz"), "2026-11-21");
}

TEST(Fingerprint, FileAndDirectoryAreStable) {
  TempDir t;
  t.write("f.log", "hello\n");
  t.write("d/a.log", "hello\n");
  t.write("d/sub/b.log", "");
  Bundle file = bundle(t.path("f.log"), "f.log");
  auto f1 = fingerprint(file);
  ASSERT_TRUE(f1.has_value());
  EXPECT_EQ(*f1, "6bba86c7e069f56d5a10b435f1c8e49c");  // printf 'hello\n' | xxhsum -H2
  Bundle dir = bundle(t.path("d"), "d", true);
  auto d1 = fingerprint(dir);
  ASSERT_TRUE(d1.has_value());
  EXPECT_EQ(d1->size(), 32u);
  set_mtime(t.path("d/a.log"), 1000);  // mtimes are not content
  EXPECT_EQ(*fingerprint(dir), *d1);
  t.write("d/sub/b.log", "x");
  EXPECT_NE(*fingerprint(dir), *d1);
  auto missing = fingerprint(bundle(t.path("nope"), "nope"));
  ASSERT_FALSE(missing.has_value());
  EXPECT_EQ(missing.error().message, "cannot read: No such file or directory");
}

TEST(Shard, PartitionCoversEachBundleOnce) {
  EXPECT_FALSE(parse_shard("3/3"));
  EXPECT_FALSE(parse_shard("1/0"));
  EXPECT_FALSE(parse_shard("a/3"));
  EXPECT_FALSE(parse_shard("1"));
  ASSERT_TRUE(parse_shard("2/3"));
  EXPECT_EQ(parse_shard("2/3")->index, 2u);
  size_t per_shard[3] = {};
  for (int i = 0; i < 300; ++i) {
    Bundle b;
    b.rel = fmt::format("cluster-{}/2026-11-21.tgz", i);
    int owners = 0;
    for (uint64_t k = 0; k < 3; ++k) {
      if (in_shard(b, Shard{k, 3})) {
        ++owners;
        ++per_shard[k];
      }
    }
    EXPECT_EQ(owners, 1) << b.rel;
  }
  EXPECT_GT(per_shard[0], 70u);  // spread, not all in one
  EXPECT_GT(per_shard[1], 70u);
  EXPECT_GT(per_shard[2], 70u);
  EXPECT_TRUE(in_shard(bundle("/mnt/x/a.tgz", "a.tgz"), Shard{0, 1}));
}

analyze::Analysis small_analysis() {
  analyze::Analysis a;
  a.inputs = {"/a/db \"1\".tgz"};
  analyze::Finding f;
  f.id = "volume.wrong-ownership";
  f.title = "Volume owned by root";
  f.severity = Severity::critical;
  f.rank = 1;
  f.resources = {"db/postgres-0", "namespace/web", "node/n1", "k3s.service on n1"};
  f.first_seen = *parse_rfc3339("2026-11-20T01:00:00Z");
  a.findings.push_back(f);
  analyze::UnmatchedTemplate t;
  t.id = "u1";
  t.text = "ERROR disk <*> full";
  t.count = 7;
  a.unmatched.push_back(t);
  a.problems.push_back({"/a/db \"1\".tgz", "truncated gzip input (after 10 bytes)"});
  a.stats.files = 1;
  return a;
}

TEST(Ndjson, LineRoundTrip) {
  Bundle b = bundle("/a/db \"1\".tgz", "db \"1\".tgz");
  b.cluster = "db";
  b.size = 42;
  b.mtime = *parse_rfc3339("2026-11-21T03:00:00.5Z");
  const std::string line = make_line(b, "00ff", small_analysis(), "9.9");
  ASSERT_EQ(line.back(), '\n');
  EXPECT_EQ(line.find('\n'), line.size() - 1);  // one line
  const std::string head =
            "{\"kdx_batch\":1,\"path\":\"/a/db \\\"1\\\".tgz\",\"cluster\":\"db\",\"size\":42,"
            "\"mtime\":\"2026-11-21T03:00:00.5Z\",\"fingerprint\":\"00ff\",\"report\":{\"schema\":1,";
  EXPECT_EQ(line.substr(0, head.size()), head);
  auto d = parse_line(std::string_view(line).substr(0, line.size() - 1));
  ASSERT_TRUE(d.has_value()) << d.error().message;
  EXPECT_EQ(d->path, "/a/db \"1\".tgz");
  EXPECT_EQ(d->cluster, "db");
  EXPECT_EQ(d->size, 42u);
  EXPECT_EQ(d->mtime_text, "2026-11-21T03:00:00.5Z");
  EXPECT_EQ(d->fingerprint, "00ff");
  EXPECT_EQ(d->problems, 1u);
  EXPECT_EQ(d->first_problem, "/a/db \"1\".tgz: truncated gzip input (after 10 bytes)");
  EXPECT_FALSE(d->unreadable);
  ASSERT_EQ(d->findings.size(), 1u);
  EXPECT_EQ(d->findings[0].id, "volume.wrong-ownership");
  EXPECT_EQ(d->findings[0].severity, Severity::critical);
  EXPECT_EQ(d->findings[0].namespaces, (std::vector<std::string>{"db", "web"}));
  EXPECT_EQ(format_rfc3339(d->findings[0].first_seen), "2026-11-20T01:00:00Z");
  EXPECT_FALSE(d->findings[0].last_seen.known());
  ASSERT_EQ(d->templates.size(), 1u);
  EXPECT_EQ(d->templates[0].text, "ERROR disk <*> full");
  EXPECT_EQ(d->templates[0].count, 7u);

  EXPECT_EQ(parse_line("{\"kdx_batch\":1,\"path\":").error().message,
            "not valid JSON (The JSON document has an improper structure: missing or superfluous "
            "commas, braces, missing keys, etc.)");
  EXPECT_EQ(parse_line("{\"kdx_batch\":2}").error().message,
            "not a kdx batch line (no \"kdx_batch\":1)");
  EXPECT_EQ(parse_line("{\"kdx_batch\":1,\"path\":\"p\"}").error().message,
            "a kdx batch line needs path, cluster, size and fingerprint");
}

std::string line_for(const std::string& path, const std::string& fp, const std::string& mtime) {
  Bundle b = bundle(path, path);
  b.cluster = "c";
  b.size = 1;
  b.mtime = *parse_rfc3339(mtime);
  analyze::Analysis a;
  a.stats.files = 1;
  return make_line(b, fp, a, "1");
}

TEST(Ndjson, TornLastLineAndBadLines) {
  TempDir t;
  const std::string l1 = line_for("a", "f1", "2026-01-01T00:00:00Z");
  const std::string l2 = line_for("b", "f2", "2026-01-01T00:00:00Z");
  const std::string torn = t.write("torn.ndjson", l1 + l2.substr(0, 40));
  auto f = read_ndjson(torn);
  ASSERT_TRUE(f.has_value());
  EXPECT_TRUE(f->torn);
  EXPECT_EQ(f->valid_bytes, l1.size());
  ASSERT_EQ(f->lines.size(), 1u);
  EXPECT_EQ(f->lines[0].digest.path, "a");

  const std::string cut = t.write("cut.ndjson", l1 + "{\"kdx_batch\":1,\n");  // whole, invalid
  EXPECT_TRUE(read_ndjson(cut)->torn);
  EXPECT_EQ(read_ndjson(cut)->valid_bytes, l1.size());

  const std::string bad = t.write("bad.ndjson", "oops\n" + l1 + l2);
  f = read_ndjson(bad);
  EXPECT_FALSE(f->torn);
  ASSERT_EQ(f->bad.size(), 1u);
  EXPECT_EQ(f->bad[0].where, bad + ":1");
  EXPECT_EQ(f->lines.size(), 2u);
  EXPECT_EQ(f->lines[1].number, 3u);
  EXPECT_EQ(f->lines[1].offset, 5 + l1.size());

  auto r = open_resume(torn);  // truncates the torn line away
  ASSERT_TRUE(r.has_value());
  ASSERT_EQ(r->notes.size(), 1u);
  EXPECT_EQ(r->notes[0].message, fmt::format("torn last line (an interrupted run) truncated at "
                                             "byte {}; its bundle is analysed again", l1.size()));
  EXPECT_EQ(test::read_file(torn), l1);
  auto refused = open_resume(bad);
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().where, bad + ":1");
}

TEST(Ndjson, DedupKeepsOnePerPathTheLaterMtime) {
  std::vector<BundleDigest> d(4);
  d[0] = digest("b", "c", "f1", "2026-01-02T00:00:00Z");
  d[1] = digest("a", "c", "f0", "2026-01-01T00:00:00Z");
  d[2] = digest("b", "c", "f2", "2026-01-03T00:00:00Z");
  d[3] = digest("a", "c", "f0", "2026-01-01T00:00:00Z");
  std::vector<const BundleDigest*> p{&d[0], &d[1], &d[2], &d[3]};
  Problems notes;
  EXPECT_EQ(dedup_lines(p, &notes), (std::vector<size_t>{3, 2}));
  ASSERT_EQ(notes.size(), 1u);
  EXPECT_EQ(notes[0].where, "b");
  EXPECT_EQ(notes[0].message, "two different bundles (fingerprints f1 and f2); keeping the one "
                              "modified later (2026-01-03T00:00:00Z)");
}

// Three bundles in two clusters: what a summary says about them, exactly.
std::vector<BundleDigest> fleet() {
  auto finding = [](std::string id, Severity s, std::vector<std::string> ns, const char* first) {
    FindingDigest f;
    f.id = id;
    f.title = "Title of " + id;
    f.severity = s;
    f.namespaces = ns;
    if (first) f.first_seen = f.last_seen = *parse_rfc3339(first);
    return f;
  };
  std::vector<BundleDigest> b(3);
  b[0] = digest("/x/eu/a.tgz", "eu", "f0", "2026-11-21T03:00:00Z", 1000);
  b[0].findings = {finding("disk.full", Severity::high, {"db"}, "2026-11-20T10:00:00Z")};
  b[0].templates = {{"ERROR <*> lost", 5}, {"WARN slow <num>", 1}};
  b[1] = digest("/x/eu/b.tgz", "eu", "f1", "2026-11-21T04:00:00Z", 2000);
  b[1].findings = {finding("disk.full", Severity::high, {"web"}, nullptr),
                   finding("dns.fail", Severity::critical, {}, "2026-11-19T00:00:00Z")};
  b[1].templates = {{"WARN slow <num>", 3}};
  b[1].problems = 1;
  b[1].first_problem = "/x/eu/b.tgz: truncated gzip input (after 9 bytes)";
  b[2] = digest("/x/us/c.tgz", "us", "f2", "2026-11-21T05:00:00Z", 30);
  b[2].templates = {{"WARN slow <num>", 2}};
  return b;
}

TEST(Summary, MarkdownExact) {
  const auto b = fleet();
  std::vector<const BundleDigest*> p{&b[0], &b[1], &b[2]};
  Previous prev;
  prev.present = true;
  prev.causes = {"disk.full"};
  prev.templates = {"WARN slow <num>"};
  fmt::memory_buffer md;
  render_summary_md(p, prev, md);
  EXPECT_EQ(fmt::to_string(md),
            "# kdx fleet summary\n\n"
            "| bundles | with problems | could not be read | clusters | bytes |\n"
            "|---:|---:|---:|---:|---:|\n| 3 | 1 | 0 | 2 | 3030 |\n\n"
            "Compared with the previous run: 1 new root causes, 1 new unrecognised-error "
            "templates (marked **NEW**).\n\n"
            "## Root causes\n\n"
            "| new | id | title | severity | bundles | clusters | namespaces | first seen | last "
            "seen |\n|---|---|---|---|---:|---|---|---|---|\n"
            "| **NEW** | `dns.fail` | Title of dns.fail | critical | 1 | eu | - | "
            "2026-11-19T00:00:00Z | 2026-11-19T00:00:00Z |\n"
            "|  | `disk.full` | Title of disk.full | high | 2 | eu | db, web | "
            "2026-11-20T10:00:00Z | 2026-11-21T04:00:00Z |\n\n"
            "## Unrecognised errors\n\n"
            "Error and warning records no rule matched, as templates, ranked by count x ln(1 + "
            "bundles / bundles showing it): seen many times in few bundles first. 2 of 2.\n\n"
            "| new | template | bundles | count |\n|---|---|---:|---:|\n"
            "| **NEW** | `ERROR <*> lost` | 1 | 5 |\n"
            "|  | `WARN slow <num>` | 3 | 6 |\n\n"
            "## Bundles with problems\n\n"
            "- `/x/eu/b.tgz`: 1 problem, the first: /x/eu/b.tgz: truncated gzip input (after 9 "
            "bytes)\n");
  fmt::memory_buffer none;
  render_summary_md(p, Previous{}, none);
  EXPECT_NE(fmt::to_string(none).find("No previous run to compare with: nothing is marked new.\n"),
            std::string::npos);
  EXPECT_EQ(fmt::to_string(none).find("**NEW**"), std::string::npos);
}

TEST(Summary, JsonExactAndReadBackAsPrevious) {
  const auto b = fleet();
  std::vector<const BundleDigest*> p{&b[0], &b[2]};
  fmt::memory_buffer js;
  render_summary_json(p, Previous{}, js);
  EXPECT_EQ(fmt::to_string(js), R"({
  "kdx_fleet": 1,
  "previous": false,
  "totals": {
    "bundles": 2,
    "with_problems": 0,
    "unreadable": 0,
    "clusters": 2,
    "bytes": 1030
  },
  "root_causes": [
    {
      "id": "disk.full",
      "title": "Title of disk.full",
      "severity": "high",
      "bundles": 1,
      "clusters": [
        "eu"
      ],
      "namespaces": [
        "db"
      ],
      "first_seen": "2026-11-20T10:00:00Z",
      "last_seen": "2026-11-20T10:00:00Z",
      "new": false
    }
  ],
  "unrecognised": [
    {
      "template": "ERROR <*> lost",
      "bundles": 1,
      "count": 5,
      "new": false
    },
    {
      "template": "WARN slow <num>",
      "bundles": 2,
      "count": 3,
      "new": false
    }
  ],
  "problems": []
}
)");
  TempDir t;
  auto prev = read_previous(t.write("fleet.json", fmt::to_string(js)));
  ASSERT_TRUE(prev.has_value());
  EXPECT_TRUE(prev->present);
  EXPECT_EQ(prev->causes, (std::set<std::string>{"disk.full"}));
  EXPECT_EQ(prev->templates, (std::set<std::string>{"ERROR <*> lost", "WARN slow <num>"}));
  auto from_lines = read_previous(t.write("old.ndjson", line_for("a", "f", "2026-01-01T00:00:00Z")));
  ASSERT_TRUE(from_lines.has_value());
  EXPECT_TRUE(from_lines->present && from_lines->causes.empty());
  EXPECT_EQ(read_previous(t.write("x.txt", "hello\n")).error().message,
            "not an earlier kdx batch output (NDJSON) or --summary-json file");
}

}  // namespace
}  // namespace kdx::batch
