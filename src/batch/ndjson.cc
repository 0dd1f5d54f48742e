// One NDJSON line per bundle: writing it, reading it back (validated), and reading a whole
// output file with its torn last line.
#include <algorithm>
#include <fstream>
#include <map>

#include <simdjson.h>

#include "batch/batch.h"
#include "report/json_writer.h"  // append_json_string: the report's own escaping, for the wrapper
#include "report/report.h"

namespace kdx::batch {
namespace dom = simdjson::dom;
namespace {

void key(fmt::memory_buffer& out, std::string_view k) {
  out.push_back(',');
  report::append_json_string(out, k);
  out.push_back(':');
}

// Namespaces of a finding's resources ("db/postgres-0", "db/PersistentVolumeClaim/x",
// "namespace/db"); nodes ("node/n1") and units ("k3s.service on n1") have none.
std::vector<std::string> namespaces_of(dom::array resources) {
  std::vector<std::string> out;
  for (dom::element r : resources) {
    std::string_view s;
    if (r.get(s) != simdjson::SUCCESS) continue;
    const size_t slash = s.find('/');
    if (slash == std::string_view::npos || s.find(" on ") < slash) continue;
    std::string_view first = s.substr(0, slash);
    if (first == "node") continue;
    if (first == "namespace") first = s.substr(slash + 1);
    if (!first.empty()) out.emplace_back(first);
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

Timestamp time_of(dom::element e) {
  std::string_view s;
  if (e.get(s) != simdjson::SUCCESS) return {};
  auto t = parse_rfc3339(s);
  return t ? *t : Timestamp{};
}

std::optional<std::string> read_findings(dom::array findings, BundleDigest& d) {
  for (dom::element f : findings) {
    FindingDigest fd;
    std::string_view id, title, severity;
    dom::array resources;
    if (f["id"].get(id) || f["title"].get(title) || f["severity"].get(severity) ||
        f["resources"].get(resources))
      return "a finding lacks id, title, severity or resources";
    const auto sev = parse_severity(severity);
    if (!sev) return fmt::format("finding '{}' has an unknown severity '{}'", id, severity);
    fd.id = id;
    fd.title = title;
    fd.severity = *sev;
    fd.namespaces = namespaces_of(resources);
    fd.first_seen = time_of(f["first_seen"].value_unsafe());
    fd.last_seen = time_of(f["last_seen"].value_unsafe());
    d.findings.push_back(std::move(fd));
  }
  return std::nullopt;
}

std::optional<std::string> read_report(dom::object report, BundleDigest& d) {
  int64_t schema = 0;
  dom::array findings, unmatched, problems;
  uint64_t files = 0;
  if (report["schema"].get(schema) || schema != 1) return "the report is not schema 1";
  if (report["findings"].get(findings) || report["unmatched"].get(unmatched) ||
      report["problems"].get(problems) || report["stats"]["files"].get(files))
    return "the report lacks findings, unmatched, problems or stats";
  if (auto e = read_findings(findings, d)) return e;
  for (dom::element t : unmatched) {
    std::string_view text;
    uint64_t count = 0;
    if (t["template"].get(text) || t["count"].get(count))
      return "an unmatched template lacks template or count";
    d.templates.push_back({std::string(text), count});
  }
  d.problems = problems.size();
  for (dom::element p : problems) {
    std::string_view path, where, message;
    if (p["path"].get(path) || p["where"].get(where) || p["message"].get(message))
      return "a problem lacks path, where or message";
    if (d.first_problem.empty())
      d.first_problem = fmt::format("{}{}{}: {}", path, where.empty() ? "" : " ", where, message);
  }
  d.unreadable = files == 0 && d.problems > 0;
  return std::nullopt;
}

}  // namespace

std::string make_line(const Bundle& bundle, std::string_view fingerprint,
                      const analyze::Analysis& analysis, std::string_view kdx_version) {
  fmt::memory_buffer out;
  out.append(std::string_view("{\"kdx_batch\":1"));
  key(out, "path");
  report::append_json_string(out, bundle.path);
  key(out, "cluster");
  report::append_json_string(out, bundle.cluster);
  key(out, "size");
  fmt::format_to(std::back_inserter(out), "{}", bundle.size);
  key(out, "mtime");
  if (bundle.mtime.known()) report::append_json_string(out, format_rfc3339(bundle.mtime));
  else out.append(std::string_view("null"));
  key(out, "fingerprint");
  report::append_json_string(out, fingerprint);
  key(out, "report");
  report::ReportCtx ctx;
  ctx.kdx_version = std::string(kdx_version);
  report::render_json_line(analysis, ctx, out);
  out.append(std::string_view("}\n"));
  return fmt::to_string(out);
}

Expected<BundleDigest> parse_line(std::string_view line) {
  dom::parser parser;
  dom::element doc;
  if (auto err = parser.parse(line.data(), line.size()).get(doc))
    return Problem{"", fmt::format("not valid JSON ({})", simdjson::error_message(err))};
  BundleDigest d;
  dom::object obj;
  int64_t version = 0;
  std::string_view path, cluster, fp;
  if (doc.get(obj) || obj["kdx_batch"].get(version) || version != 1)
    return Problem{"", "not a kdx batch line (no \"kdx_batch\":1)"};
  if (obj["path"].get(path) || path.empty() || obj["cluster"].get(cluster) ||
      obj["size"].get(d.size) || obj["fingerprint"].get(fp))
    return Problem{"", "a kdx batch line needs path, cluster, size and fingerprint"};
  d.path = path;
  d.cluster = cluster;
  d.fingerprint = fp;
  dom::element mtime;
  if (obj["mtime"].get(mtime)) return Problem{"", "a kdx batch line needs mtime"};
  std::string_view mt;
  if (!mtime.is_null()) {
    auto t = mtime.get(mt) ? std::nullopt : parse_rfc3339(mt);
    if (!t) return Problem{"", "mtime is not an RFC 3339 time"};
    d.mtime = *t;
    d.mtime_text = mt;
  }
  dom::object report;
  if (obj["report"].get(report)) return Problem{"", "a kdx batch line needs a report object"};
  if (auto e = read_report(report, d)) return Problem{"", *e};
  return d;
}

Expected<NdjsonFile> read_ndjson(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Problem{path, "cannot read"};
  NdjsonFile out;
  std::string line;
  uint64_t offset = 0, last_start = 0;
  size_t number = 0;
  bool last_bad = false;
  while (std::getline(in, line)) {
    ++number;
    last_start = offset;
    if (in.eof()) {  // no '\n': the writer died mid-line, whether or not the JSON is whole
      out.torn = true;
      break;
    }
    offset += line.size() + 1;
    auto d = parse_line(line);
    last_bad = !d;
    if (d) out.lines.push_back({last_start, line.size(), number, std::move(*d)});
    else out.bad.push_back({fmt::format("{}:{}", path, number), d.error().message});
  }
  // A last line that is whole but not valid is torn too (a write cut short and then a newline).
  if (!out.torn && last_bad) {
    out.bad.pop_back();
    out.torn = true;
  }
  out.valid_bytes = out.torn ? last_start : offset;
  return out;
}

bool line_before(const BundleDigest& a, const BundleDigest& b) {
  if (a.path != b.path) return a.path < b.path;
  if (a.mtime != b.mtime) return a.mtime < b.mtime;
  return a.fingerprint < b.fingerprint;
}

std::vector<size_t> dedup_lines(const std::vector<const BundleDigest*>& digests,
                                Problems* notes) {
  std::vector<size_t> order(digests.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t a, size_t b) { return line_before(*digests[a], *digests[b]); });
  std::vector<size_t> out;
  for (size_t i : order) {
    if (!out.empty() && digests[out.back()]->path == digests[i]->path) {
      const BundleDigest& kept = *digests[out.back()];
      if (kept.fingerprint != digests[i]->fingerprint && notes)
        notes->push_back({digests[i]->path,
                          fmt::format("two different bundles (fingerprints {} and {}); keeping "
                                      "the one modified later ({})",
                                      kept.fingerprint, digests[i]->fingerprint,
                                      digests[i]->mtime_text)});
      out.back() = i;  // sorted by mtime: the later one wins
      continue;
    }
    out.push_back(i);
  }
  return out;
}

}  // namespace kdx::batch
