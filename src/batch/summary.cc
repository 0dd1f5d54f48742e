// The fleet summary: root causes across bundles, the unrecognised-error templates, totals and
// what is new since the previous run; computed from NDJSON lines only, so batch and merge agree.
#include <algorithm>
#include <cmath>
#include <fstream>
#include <map>
#include <sstream>

#include <simdjson.h>

#include "batch/batch.h"
#include "report/json_writer.h"
#include "report/report.h"

namespace kdx::batch {
namespace {

constexpr size_t kMdTemplates = 20;  // the Markdown lists the top templates; the JSON all
constexpr size_t kMdNames = 5;       // clusters / namespaces per row before "+N more"

struct Cause {
  std::string id, title;
  Severity severity = Severity::info;
  size_t bundles = 0;
  std::set<std::string> clusters, namespaces;
  Timestamp first, last;
  bool is_new = false;
};

struct Template {
  std::string text;
  size_t bundles = 0;
  uint64_t count = 0;
  double score = 0;
  bool is_new = false;
};

struct Fleet {
  size_t bundles = 0, with_problems = 0, unreadable = 0;
  uint64_t bytes = 0;
  std::set<std::string> clusters;
  std::vector<Cause> causes;
  std::vector<Template> templates;
  std::vector<const BundleDigest*> problem_bundles;
};

void add_bundle(const BundleDigest& b, std::map<std::string, Cause>& causes,
                std::map<std::string, Template>& templates) {
  std::set<std::string> seen;
  for (const FindingDigest& f : b.findings) {
    Cause& c = causes[f.id];
    c.id = f.id;
    c.title = f.title;
    c.severity = std::max(c.severity, f.severity);
    if (seen.insert(f.id).second) ++c.bundles;
    c.clusters.insert(b.cluster);
    c.namespaces.insert(f.namespaces.begin(), f.namespaces.end());
    const Timestamp first = f.first_seen.known() ? f.first_seen : b.mtime;
    const Timestamp last = f.last_seen.known() ? f.last_seen : b.mtime;
    if (first.known() && (!c.first.known() || first < c.first)) c.first = first;
    if (last.known() && (!c.last.known() || last > c.last)) c.last = last;
  }
  seen.clear();
  for (const TemplateDigest& t : b.templates) {
    Template& x = templates[t.text];
    x.text = t.text;
    x.count += t.count;
    if (seen.insert(t.text).second) ++x.bundles;
  }
}

Fleet aggregate(const std::vector<const BundleDigest*>& bundles, const Previous& previous) {
  Fleet f;
  std::map<std::string, Cause> causes;
  std::map<std::string, Template> templates;
  for (const BundleDigest* b : bundles) {
    ++f.bundles;
    f.bytes += b->size;
    f.clusters.insert(b->cluster);
    if (b->problems) {
      ++f.with_problems;
      f.problem_bundles.push_back(b);
    }
    if (b->unreadable) ++f.unreadable;
    add_bundle(*b, causes, templates);
  }
  for (auto& [id, c] : causes) {
    c.is_new = previous.present && !previous.causes.count(id);
    f.causes.push_back(std::move(c));
  }
  std::sort(f.causes.begin(), f.causes.end(), [](const Cause& a, const Cause& b) {
    if (a.severity != b.severity) return a.severity > b.severity;
    if (a.bundles != b.bundles) return a.bundles > b.bundles;
    return a.id < b.id;
  });
  const double n = static_cast<double>(f.bundles);
  for (auto& [text, t] : templates) {
    // Many times, in few bundles of the fleet: count x ln(1 + bundles / bundles showing it).
    t.score = static_cast<double>(t.count) * std::log1p(n / static_cast<double>(t.bundles));
    t.is_new = previous.present && !previous.templates.count(text);
    f.templates.push_back(std::move(t));
  }
  std::sort(f.templates.begin(), f.templates.end(), [](const Template& a, const Template& b) {
    if (a.score != b.score) return a.score > b.score;
    return a.text < b.text;
  });
  return f;
}

std::string time_text(Timestamp t) { return t.known() ? format_rfc3339(t) : "-"; }

// Table-cell text: printable, one line, '|' escaped; in a code span when `code`.
std::string cell(std::string_view s, bool code) {
  std::string out;
  for (char c : report::printable_utf8(s)) {
    if (c == '\n' || c == '\t') out += ' ';
    else if (c == '|') out += "\\|";
    else out += c;
  }
  if (!code) return out;
  return out.find('`') == std::string::npos ? "`" + out + "`" : "`` " + out + " ``";
}

std::string names(const std::set<std::string>& s) {
  std::string out;
  size_t i = 0;
  for (const auto& n : s) {
    if (i == kMdNames) return out + fmt::format(" +{} more", s.size() - kMdNames);
    out += (i++ ? ", " : "") + cell(n, false);
  }
  return out.empty() ? "-" : out;
}

void md_causes(const Fleet& f, fmt::memory_buffer& out) {
  auto o = std::back_inserter(out);
  fmt::format_to(o, "\n## Root causes\n\n");
  if (f.causes.empty()) {
    fmt::format_to(o, "No bundle has a finding.\n");
    return;
  }
  fmt::format_to(o, "| new | id | title | severity | bundles | clusters | namespaces | first seen "
                    "| last seen |\n|---|---|---|---|---:|---|---|---|---|\n");
  for (const Cause& c : f.causes)
    fmt::format_to(o, "| {} | {} | {} | {} | {} | {} | {} | {} | {} |\n",
                   c.is_new ? "**NEW**" : "", cell(c.id, true), cell(c.title, false),
                   to_string(c.severity), c.bundles, names(c.clusters), names(c.namespaces),
                   time_text(c.first), time_text(c.last));
}

void md_templates(const Fleet& f, fmt::memory_buffer& out) {
  auto o = std::back_inserter(out);
  fmt::format_to(o, "\n## Unrecognised errors\n\n");
  if (f.templates.empty()) {
    fmt::format_to(o, "No bundle has an error or warning that no rule matched.\n");
    return;
  }
  const size_t shown = std::min(f.templates.size(), kMdTemplates);
  fmt::format_to(o, "Error and warning records no rule matched, as templates, ranked by count x "
                    "ln(1 + bundles / bundles showing it): seen many times in few bundles "
                    "first. {} of {}.\n\n| new | template | bundles | count |\n|---|---|---:|---:|\n",
                 shown, f.templates.size());
  for (size_t i = 0; i < shown; ++i) {
    const Template& t = f.templates[i];
    fmt::format_to(o, "| {} | {} | {} | {} |\n", t.is_new ? "**NEW**" : "", cell(t.text, true),
                   t.bundles, t.count);
  }
}

size_t count_new(const Fleet& f, bool causes) {
  size_t n = 0;
  if (causes) for (const Cause& c : f.causes) n += c.is_new;
  else for (const Template& t : f.templates) n += t.is_new;
  return n;
}

}  // namespace

void render_summary_md(const std::vector<const BundleDigest*>& bundles, const Previous& previous,
                       fmt::memory_buffer& out) {
  const Fleet f = aggregate(bundles, previous);
  auto o = std::back_inserter(out);
  fmt::format_to(o, "# kdx fleet summary\n\n| bundles | with problems | could not be read | "
                    "clusters | bytes |\n|---:|---:|---:|---:|---:|\n| {} | {} | {} | {} | {} |\n\n",
                 f.bundles, f.with_problems, f.unreadable, f.clusters.size(), f.bytes);
  if (previous.present)
    fmt::format_to(o, "Compared with the previous run: {} new root causes, {} new unrecognised-"
                      "error templates (marked **NEW**).\n",
                   count_new(f, true), count_new(f, false));
  else
    fmt::format_to(o, "No previous run to compare with: nothing is marked new.\n");
  md_causes(f, out);
  md_templates(f, out);
  if (f.problem_bundles.empty()) return;
  fmt::format_to(o, "\n## Bundles with problems\n\n");
  for (const BundleDigest* b : f.problem_bundles)
    fmt::format_to(o, "- {}: {} problem{}, the first: {}\n", cell(b->path, true), b->problems,
                   b->problems == 1 ? "" : "s", cell(b->first_problem, false));
}

void render_summary_json(const std::vector<const BundleDigest*>& bundles,
                         const Previous& previous, fmt::memory_buffer& out) {
  const Fleet f = aggregate(bundles, previous);
  report::JsonWriter w(out);
  auto strings = [&](const std::set<std::string>& s) {
    w.begin_array();
    for (const auto& x : s) w.value(x);
    w.end_array();
  };
  w.begin_object();
  w.key("kdx_fleet").value(1);
  w.key("previous").value(previous.present);
  w.key("totals").begin_object();
  w.key("bundles").value(static_cast<uint64_t>(f.bundles));
  w.key("with_problems").value(static_cast<uint64_t>(f.with_problems));
  w.key("unreadable").value(static_cast<uint64_t>(f.unreadable));
  w.key("clusters").value(static_cast<uint64_t>(f.clusters.size()));
  w.key("bytes").value(f.bytes);
  w.end_object();
  w.key("root_causes").begin_array();
  for (const Cause& c : f.causes) {
    w.begin_object();
    w.key("id").value(c.id);
    w.key("title").value(c.title);
    w.key("severity").value(to_string(c.severity));
    w.key("bundles").value(static_cast<uint64_t>(c.bundles));
    w.key("clusters");
    strings(c.clusters);
    w.key("namespaces");
    strings(c.namespaces);
    w.key("first_seen");
    c.first.known() ? w.value(format_rfc3339(c.first)) : w.null();
    w.key("last_seen");
    c.last.known() ? w.value(format_rfc3339(c.last)) : w.null();
    w.key("new").value(c.is_new);
    w.end_object();
  }
  w.end_array();
  w.key("unrecognised").begin_array();
  for (const Template& t : f.templates) {
    w.begin_object();
    w.key("template").value(t.text);
    w.key("bundles").value(static_cast<uint64_t>(t.bundles));
    w.key("count").value(t.count);
    w.key("new").value(t.is_new);
    w.end_object();
  }
  w.end_array();
  w.key("problems").begin_array();
  for (const BundleDigest* b : f.problem_bundles) {
    w.begin_object();
    w.key("path").value(b->path);
    w.key("problems").value(static_cast<uint64_t>(b->problems));
    w.key("first").value(b->first_problem);
    w.end_object();
  }
  w.end_array();
  w.end_object();
}

Expected<Previous> read_previous(const std::string& path) {
  auto nd = read_ndjson(path);
  if (!nd) return nd.error();
  Previous p;
  p.present = true;
  if (nd->bad.empty() && !nd->torn) {  // NDJSON (an empty file too)
    for (const LineRef& l : nd->lines) {
      for (const auto& f : l.digest.findings) p.causes.insert(f.id);
      for (const auto& t : l.digest.templates) p.templates.insert(t.text);
    }
    return p;
  }
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  const std::string text = ss.str();
  simdjson::dom::parser parser;
  simdjson::dom::object obj;
  int64_t version = 0;
  simdjson::dom::array causes, templates;
  if (parser.parse(text).get(obj) || obj["kdx_fleet"].get(version) || version != 1 ||
      obj["root_causes"].get(causes) || obj["unrecognised"].get(templates))
    return Problem{path, "not an earlier kdx batch output (NDJSON) or --summary-json file"};
  for (auto c : causes) {
    std::string_view id;
    if (!c["id"].get(id)) p.causes.emplace(id);
  }
  for (auto t : templates) {
    std::string_view text_of;
    if (!t["template"].get(text_of)) p.templates.emplace(text_of);
  }
  return p;
}

}  // namespace kdx::batch
