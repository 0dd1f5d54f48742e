// The HTML report: one self-contained page (inline CSS, JS and SVG; a Content-Security-Policy
// that lets it load nothing; references are plain links). Bundle facts, a timeline with one
// lane per finding, the findings with collapsible evidence and fix, unrecognised errors and
// problems. Filters by namespace and severity are a small script over data- attributes; without
// it every finding shows. Every string from a bundle goes through esc(). The output depends
// only on the Analysis: same Analysis, same bytes.
#include <algorithm>
#include <limits>
#include <set>

#include "core/text.h"
#include "report/report.h"

namespace kdx::report {
namespace {

using Out = fmt::memory_buffer;
using analyze::Analysis;
using analyze::Finding;

void put(Out& out, std::string_view s) { out.append(s); }

// Escaped for HTML text and double- or single-quoted attribute values.
std::string esc(std::string_view raw) {
  const std::string s = printable_utf8(raw);
  std::string out;
  out.reserve(s.size() + 16);
  for (char c : s) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string plural(uint64_t n, std::string_view word) {
  return fmt::format("{} {}{}", n, word, n == 1 ? "" : "s");
}

std::string html_time(Timestamp ts) {
  const std::string t = format_rfc3339(ts);
  return fmt::format("<time datetime=\"{0}\">{0}</time>", t);
}

// The namespace a resource display names ("ns/pod", "ns/Kind/name", "namespace/ns"); none for
// nodes ("node/x") and systemd units ("k3s on node1").
std::string namespace_of(std::string_view r) {
  if (r.starts_with("node/") || r.find(" on ") != std::string_view::npos) return "";
  if (r.starts_with("namespace/")) return std::string(r.substr(10));
  const size_t slash = r.find('/');
  return slash == std::string_view::npos ? "" : std::string(r.substr(0, slash));
}

std::string namespaces_attr(const Finding& f) {
  std::set<std::string> ns;
  for (const auto& r : f.resources)
    if (auto n = namespace_of(r); !n.empty()) ns.insert(n);
  std::string out;
  for (const auto& n : ns) out += (out.empty() ? "" : " ") + n;
  return out;
}

std::string joined(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : ", ") + esc(s);
  return out;
}

// A link only for http(s) URLs (a reference is navigation, never a loaded resource).
std::string reference(std::string_view r) {
  const bool url =
      (r.starts_with("https://") || r.starts_with("http://")) &&
      std::none_of(r.begin(), r.end(), [](char c) {
        return static_cast<unsigned char>(c) <= 0x20 || c == '"' || c == '<' || c == '>';
      });
  if (!url) return esc(r);
  return fmt::format("<a href=\"{0}\" rel=\"noopener noreferrer\">{0}</a>", esc(r));
}

constexpr std::string_view kHead = R"(<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy"
 content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; base-uri 'none'; form-action 'none'">
<meta name="referrer" content="no-referrer">
)";

constexpr std::string_view kStyle = R"(<style>
:root { --fg: #1d2330; --muted: #5b6475; --line: #d8dce4; --bg: #ffffff; --panel: #f5f7fa;
  --critical: #b3132b; --high: #d9480f; --medium: #b08800; --low: #1c7ed6; --info: #6c757d; }
* { box-sizing: border-box; }
body { margin: 0 auto; max-width: 1100px; padding: 1rem 1.5rem 3rem; color: var(--fg);
  background: var(--bg); font: 15px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; }
h1 { font-size: 1.6rem; margin: .5rem 0; }
h2 { font-size: 1.25rem; margin: 2rem 0 .6rem; border-bottom: 1px solid var(--line);
  padding-bottom: .2rem; }
h3 { font-size: 1.05rem; margin: 0; }
code, pre { font: 13px/1.4 ui-monospace, "DejaVu Sans Mono", Menlo, Consolas, monospace; }
pre { background: var(--panel); border: 1px solid var(--line); border-radius: 4px;
  padding: .5rem .7rem; margin: .3rem 0 .7rem; white-space: pre-wrap; overflow-wrap: anywhere; }
table { border-collapse: collapse; margin: .4rem 0; } th, td { border: 1px solid var(--line);
  padding: .2rem .6rem; text-align: left; } td.n, th.n { text-align: right; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: .15rem 1rem;
  margin: .5rem 0; }
dl.facts dt { color: var(--muted); } dl.facts dd { margin: 0; overflow-wrap: anywhere; }
.summary { font-size: 1.05rem; }
.badge { display: inline-block; color: #fff; border-radius: 3px; padding: 0 .4rem; font-size: .8rem;
  text-transform: uppercase; vertical-align: 1px; }
.badge.sev-critical { background: var(--critical); } .badge.sev-high { background: var(--high); }
.badge.sev-medium { background: var(--medium); } .badge.sev-low { background: var(--low); }
.badge.sev-info { background: var(--info); }
article.finding, article.template { border: 1px solid var(--line);
  border-left: 5px solid var(--info); border-radius: 4px; padding: .7rem 1rem; margin: .9rem 0; }
article.sev-critical { border-left-color: var(--critical); }
article.sev-high { border-left-color: var(--high); }
article.sev-medium { border-left-color: var(--medium); }
article.sev-low { border-left-color: var(--low); }
.rank { color: var(--muted); } .kind { color: var(--muted); font-weight: normal; font-size: .9rem; }
.title { margin: .3rem 0; font-weight: 600; }
details { margin: .4rem 0; } summary { cursor: pointer; font-weight: 600; }
ol.ev { padding-left: 1.4rem; } .loc { color: var(--muted); overflow-wrap: anywhere; }
#filters { display: flex; gap: 1.2rem; align-items: center; margin: 1rem 0; padding: .5rem .8rem;
  background: var(--panel); border-radius: 4px; } #filters[hidden] { display: none; }
#timeline { width: 100%; height: auto; font: 12px system-ui, sans-serif; }
#timeline .axis { stroke: var(--line); } #timeline .tick { fill: var(--muted); }
#timeline .lane-bg { fill: var(--panel); } #timeline .label { fill: var(--fg); }
#timeline .span { fill-opacity: .35; } #timeline .mark { stroke: #fff; stroke-width: 1; }
#timeline .sev-critical { fill: var(--critical); } #timeline .sev-high { fill: var(--high); }
#timeline .sev-medium { fill: var(--medium); } #timeline .sev-low { fill: var(--low); }
#timeline .sev-info { fill: var(--info); }
.off { display: none !important; }
footer { margin-top: 2rem; color: var(--muted); font-size: .85rem; }
@media print { details > *:not(summary) { display: block; } #filters { display: none; } }
</style>
</head>
)";

// Hides findings (and their timeline lanes) that the two select boxes exclude; a URL fragment
// "#filter?namespace=NS&severity=SEV" presets them. Data comes only from the DOM's data-
// attributes; the script holds no report text.
constexpr std::string_view kScript = R"(<script>
(function () {
  var order = { info: 0, low: 1, medium: 2, high: 3, critical: 4 };
  var box = document.getElementById('filters');
  var ns = document.getElementById('filter-namespace');
  var sev = document.getElementById('filter-severity');
  var count = document.getElementById('filter-count');
  if (!box || !ns || !sev) return;
  function apply() {
    var items = document.querySelectorAll('[data-severity]');
    var shown = 0, total = 0;
    for (var i = 0; i < items.length; i++) {
      var el = items[i];
      var names = el.getAttribute('data-namespaces');
      var list = names ? names.split(' ') : [];
      var okNs = ns.value === '*' ||
          (ns.value === '-' ? list.length === 0 : list.indexOf(ns.value) >= 0);
      var okSev = order[el.getAttribute('data-severity')] >= order[sev.value];
      el.classList.toggle('off', !(okNs && okSev));
      if (el.tagName.toLowerCase() === 'article') { total++; if (okNs && okSev) shown++; }
    }
    count.textContent = 'showing ' + shown + ' of ' + total + ' findings';
  }
  // A link can carry filters: report.html#filter?namespace=db&severity=high
  function select(el, v) {
    for (var i = 0; i < el.options.length; i++) if (el.options[i].value === v) el.value = v;
  }
  var m = /^#filter\?(.*)$/.exec(location.hash);
  if (m) m[1].split('&').forEach(function (kv) {
    var p = kv.split('='), v;
    try { v = decodeURIComponent(p[1] || ''); } catch (e) { return; }
    if (p[0] === 'namespace') select(ns, v);
    if (p[0] === 'severity') select(sev, v);
  });
  ns.addEventListener('change', apply);
  sev.addEventListener('change', apply);
  box.hidden = false;
  apply();
})();
</script>
)";

void facts(const Analysis& a, const ReportCtx& ctx, Out& out) {
  auto o = std::back_inserter(out);
  put(out, "<section id=\"facts\">\n<h2>Bundle</h2>\n<dl class=\"facts\">\n<dt>inputs</dt><dd>");
  for (size_t i = 0; i < a.inputs.size(); ++i)
    fmt::format_to(o, "{}<code>{}</code>", i ? ", " : "", esc(a.inputs[i]));
  fmt::format_to(o, "</dd>\n<dt>read</dt><dd>{}, {}, {} bytes</dd>\n",
                 plural(a.stats.files, "file"), plural(a.stats.records, "record"), a.stats.bytes);
  fmt::format_to(o, "<dt>problems</dt><dd>{}</dd>\n<dt>kdx</dt><dd>{}</dd>\n</dl>\n",
                 a.problems.empty() ? std::string("none")
                                    : fmt::format("<a href=\"#problems\">{}</a>",
                                                  plural(a.problems.size(), "problem")),
                 esc(ctx.kdx_version));
  if (!a.stats.by_format.empty()) {
    put(out,
        "<table id=\"formats\">\n<thead><tr><th>format</th><th class=\"n\">files</th>"
        "<th class=\"n\">records</th><th class=\"n\">bytes</th></tr></thead>\n<tbody>\n");
    for (const auto& [name, f] : a.stats.by_format)
      fmt::format_to(o,
                     "<tr><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td>"
                     "<td class=\"n\">{}</td></tr>\n",
                     esc(name), f.files, f.records, f.bytes);
    put(out, "</tbody>\n</table>\n");
  }
  put(out, "</section>\n");
}

std::string summary_line(const Analysis& a) {
  if (a.findings.empty()) return "No known failure found.";
  int counts[5] = {0, 0, 0, 0, 0};
  for (const auto& f : a.findings) ++counts[static_cast<int>(f.severity)];
  std::string parts;
  for (int s = 4; s >= 0; --s)
    if (counts[s])
      parts += fmt::format("{}{} {}", parts.empty() ? "" : ", ", counts[s],
                           to_string(static_cast<Severity>(s)));
  return fmt::format("{}: {}.", plural(a.findings.size(), "finding"), parts);
}

// The timeline: one lane per finding that has a time, a span from first to last seen and a
// mark per timed evidence (events, pod logs, host journals alike), on one UTC axis.
constexpr int kSvgWidth = 1000, kLabelWidth = 250, kRightPad = 20, kAxisTop = 30, kLaneHeight = 22,
              kAxisBottom = 26;
constexpr size_t kLabelBytes = 34, kMarkTextBytes = 240;

bool has_time(const Finding& f) {
  return f.first_seen.known() || std::any_of(f.evidence.begin(), f.evidence.end(),
                                             [](const auto& e) { return e.ts.known(); });
}

struct Axis {
  int64_t lo = 0, hi = 1;       // ns, the plotted range; hi > lo
  int64_t first = 0, last = 0;  // ns, the earliest and latest time shown
  double x(int64_t t) const {
    return kLabelWidth + static_cast<double>(t - lo) * (kSvgWidth - kRightPad - kLabelWidth) /
                             static_cast<double>(hi - lo);
  }
};

Axis axis_for(const std::vector<const Finding*>& timed) {
  int64_t lo = std::numeric_limits<int64_t>::max(), hi = std::numeric_limits<int64_t>::min();
  auto see = [&](Timestamp t) {
    if (!t.known()) return;
    lo = std::min(lo, t.unix_ns);
    hi = std::max(hi, t.unix_ns);
  };
  for (const Finding* f : timed) {
    see(f->first_seen);
    see(f->last_seen);
    for (const auto& e : f->evidence) see(e.ts);
  }
  // Known times lie in [1970, 2262): the padded range is clamped to stay in an int64.
  constexpr int64_t kMinute = 60 * kNsPerSecond, kMax = std::numeric_limits<int64_t>::max();
  int64_t pad_lo = (hi - lo) / 50, pad_hi = pad_lo;  // marks at the ends stay inside the plot
  if (hi - lo < kMinute) pad_lo = pad_hi = (kMinute - (hi - lo)) / 2;  // a minute around it
  pad_hi = std::min(pad_hi, kMax - hi);
  return {std::max<int64_t>(lo - pad_lo, 0), hi + pad_hi, lo, hi};
}

// At most eight ticks at a round step, labelled by what changes between them (the date when
// the range crosses midnight, the year when it crosses a new year).
void ticks(const Axis& ax, int bottom, Out& out) {
  static constexpr int64_t kDay = 86400, kYear = 365 * kDay;
  static constexpr int64_t kSteps[] = {
      1,        2,        5,         10,        15,        30,         60,    120,   300,
      600,      900,      1800,      3600,      7200,      10800,      21600, 43200, kDay,
      2 * kDay, 7 * kDay, 14 * kDay, 30 * kDay, 90 * kDay, 180 * kDay, kYear};
  const int64_t span_s = (ax.hi - ax.lo) / kNsPerSecond;
  int64_t step = kYear * (span_s / kYear / 8 + 1);  // beyond eight years: whole years
  for (int64_t s : kSteps)
    if (span_s / s <= 8) {
      step = s;
      break;
    }
  const std::string lo = format_rfc3339({ax.lo}), hi = format_rfc3339({ax.hi});
  const bool multi_day = lo.substr(0, 10) != hi.substr(0, 10);
  const bool multi_year = lo.substr(0, 4) != hi.substr(0, 4);
  const int64_t step_ns = step * kNsPerSecond;
  auto o = std::back_inserter(out);
  for (int64_t t = (ax.lo / step_ns + (ax.lo % step_ns > 0 ? 1 : 0)) * step_ns; t <= ax.hi;
       t += step_ns) {
    const std::string iso = format_rfc3339({t});  // whole seconds: "2025-11-20T09:00:35Z"
    std::string label = step >= kDay ? iso.substr(multi_year ? 0 : 5, multi_year ? 10 : 5)
                                     : iso.substr(11, step < 60 ? 8 : 5);
    if (multi_day && step < kDay) label = iso.substr(5, 5) + " " + label;
    const double x = ax.x(t);
    fmt::format_to(
        o,
        "<line class=\"axis\" x1=\"{0:.1f}\" y1=\"{1}\" x2=\"{0:.1f}\" y2=\"{2}\"/>"
        "<text class=\"tick\" x=\"{0:.1f}\" y=\"{3}\" text-anchor=\"middle\">{4}</text>\n",
        x, kAxisTop - 4, bottom, kAxisTop - 10, label);
    if (t > ax.hi - step_ns) break;  // the next tick is past the end (and may not fit an int64)
  }
}

void lane(const Finding& f, int row, const Axis& ax, Out& out) {
  auto o = std::back_inserter(out);
  const std::string_view sev = to_string(f.severity);
  const int y = kAxisTop + row * kLaneHeight, mid = y + kLaneHeight / 2;
  fmt::format_to(o,
                 "<g class=\"lane\" data-id=\"{}\" data-severity=\"{}\" data-namespaces=\"{}\">\n",
                 esc(f.id), sev, esc(namespaces_attr(f)));
  if (row % 2 == 0)
    fmt::format_to(o, "<rect class=\"lane-bg\" x=\"0\" y=\"{}\" width=\"{}\" height=\"{}\"/>\n", y,
                   kSvgWidth, kLaneHeight);
  fmt::format_to(o,
                 "<a href=\"#f-{}\"><text class=\"label\" x=\"6\" y=\"{}\"><title>{}</title>#{} "
                 "{}</text></a>\n",
                 f.rank, mid + 4, esc(f.title), f.rank, esc(truncate_utf8(f.id, kLabelBytes)));
  if (f.first_seen.known()) {
    const double x1 = ax.x(f.first_seen.unix_ns);
    const double x2 = ax.x(f.last_seen.known() ? f.last_seen.unix_ns : f.first_seen.unix_ns);
    fmt::format_to(
        o,
        "<rect class=\"span sev-{}\" x=\"{:.1f}\" y=\"{}\" width=\"{:.1f}\" height=\"10\" rx=\"3\">"
        "<title>{} .. {} ({})</title></rect>\n",
        sev, x1 - 1.5, mid - 5, std::max(x2 - x1, 0.0) + 3.0, format_rfc3339(f.first_seen),
        format_rfc3339(f.last_seen.known() ? f.last_seen : f.first_seen), plural(f.count, "time"));
  }
  for (const auto& e : f.evidence) {
    if (!e.ts.known()) continue;
    fmt::format_to(o,
                   "<circle class=\"mark sev-{}\" cx=\"{:.1f}\" cy=\"{}\" r=\"4\"><title>{}:{} "
                   "{}\n{}</title></circle>\n",
                   sev, ax.x(e.ts.unix_ns), mid, esc(e.path), e.line, format_rfc3339(e.ts),
                   esc(truncate_utf8(e.text, kMarkTextBytes)));
  }
  put(out, "</g>\n");
}

void timeline(const Analysis& a, Out& out) {
  std::vector<const Finding*> timed, untimed;
  for (const auto& f : a.findings) (has_time(f) ? timed : untimed).push_back(&f);
  put(out, "<section id=\"timeline-section\">\n<h2>Timeline</h2>\n");
  auto o = std::back_inserter(out);
  if (timed.empty()) {
    put(out, "<p>No finding has a time.</p>\n");
  } else {
    const Axis ax = axis_for(timed);
    const int bottom = kAxisTop + static_cast<int>(timed.size()) * kLaneHeight;
    const int height = bottom + kAxisBottom;
    fmt::format_to(o,
                   "<svg id=\"timeline\" viewBox=\"0 0 {0} {1}\" "
                   "width=\"{0}\" height=\"{1}\" role=\"img\" aria-label=\"Timeline of {2}\">\n",
                   kSvgWidth, height, plural(timed.size(), "finding"));
    ticks(ax, bottom, out);
    for (size_t i = 0; i < timed.size(); ++i) lane(*timed[i], static_cast<int>(i), ax, out);
    fmt::format_to(o, "<text class=\"tick\" x=\"{}\" y=\"{}\">UTC, {} .. {}</text>\n</svg>\n",
                   kLabelWidth, height - 6, format_rfc3339({ax.first}), format_rfc3339({ax.last}));
  }
  if (!untimed.empty()) {
    put(out, "<p id=\"untimed\">Without a time:");
    for (size_t i = 0; i < untimed.size(); ++i)
      fmt::format_to(o, "{} <a href=\"#f-{}\">#{} {}</a>", i ? "," : "", untimed[i]->rank,
                     untimed[i]->rank, esc(untimed[i]->id));
    put(out, "</p>\n");
  }
  put(out, "</section>\n");
}

void filters(const Analysis& a, Out& out) {
  if (a.findings.empty()) return;
  std::set<std::string> names;
  bool none = false;
  for (const auto& f : a.findings) {
    const std::string attr = namespaces_attr(f);
    none |= attr.empty();
    for (auto n : split(attr, ' '))
      if (!n.empty()) names.emplace(n);
  }
  auto o = std::back_inserter(out);
  put(out,
      "<div id=\"filters\" hidden>\n<label>Namespace <select id=\"filter-namespace\">\n"
      "<option value=\"*\">all namespaces</option>\n");
  for (const auto& n : names) fmt::format_to(o, "<option value=\"{0}\">{0}</option>\n", esc(n));
  if (none) put(out, "<option value=\"-\">(no namespace)</option>\n");
  put(out,
      "</select></label>\n<label>Severity <select id=\"filter-severity\">\n"
      "<option value=\"info\">all severities</option>\n"
      "<option value=\"low\">low and above</option>\n"
      "<option value=\"medium\">medium and above</option>\n"
      "<option value=\"high\">high and above</option>\n"
      "<option value=\"critical\">critical</option>\n"
      "</select></label>\n<span id=\"filter-count\"></span>\n</div>\n");
}

void evidence(const Finding& f, Out& out) {
  if (f.evidence.empty()) return;
  auto o = std::back_inserter(out);
  fmt::format_to(
      o, "<details class=\"evidence\"{}><summary>Evidence ({})</summary>\n<ol class=\"ev\">\n",
      f.rank == 1 ? " open" : "", f.evidence.size());
  for (const auto& e : f.evidence) {
    fmt::format_to(o, "<li><div class=\"loc\"><code>{}:{}</code>{}{}</div><pre>{}</pre></li>\n",
                   esc(e.path), e.line, e.ts.known() ? " " : "",
                   e.ts.known() ? html_time(e.ts) : "", esc(e.text));
  }
  put(out, "</ol>\n</details>\n");
}

void finding(const Finding& f, Out& out) {
  auto o = std::back_inserter(out);
  const std::string_view sev = to_string(f.severity);
  fmt::format_to(
      o,
      "<article class=\"finding sev-{0}\" id=\"f-{1}\" data-id=\"{2}\" data-rank=\"{1}\" "
      "data-severity=\"{0}\" data-namespaces=\"{3}\">\n",
      sev, f.rank, esc(f.id), esc(namespaces_attr(f)));
  fmt::format_to(o,
                 "<h3><span class=\"rank\">#{}</span> <span class=\"badge sev-{}\">{}</span> "
                 "<code class=\"id\">{}</code> <span class=\"kind\">{}{}</span></h3>\n",
                 f.rank, sev, sev, esc(f.id), rules::to_string(f.kind),
                 f.transient ? ", transient" : "");
  fmt::format_to(o, "<p class=\"title\">{}</p>\n<dl class=\"facts\">\n", esc(f.title));
  if (!f.resources.empty()) fmt::format_to(o, "<dt>where</dt><dd>{}</dd>\n", joined(f.resources));
  if (f.first_seen.known())
    fmt::format_to(o, "<dt>when</dt><dd>{} .. {} ({})</dd>\n", html_time(f.first_seen),
                   html_time(f.last_seen.known() ? f.last_seen : f.first_seen),
                   plural(f.count, "time"));
  else
    fmt::format_to(o, "<dt>when</dt><dd>{} (no time)</dd>\n", plural(f.count, "time"));
  for (size_t i = 0; i < f.explains.size(); ++i) {
    const auto& e = f.explains[i];
    fmt::format_to(o, "<dt>{}</dt><dd>{} &times; <code>{}</code>{}{}</dd>\n", i ? "" : "explains",
                   e.count, esc(e.id), e.resources.empty() ? "" : " on ", joined(e.resources));
  }
  for (size_t i = 0; i < f.captures.size(); ++i)
    fmt::format_to(o, "<dt>{}</dt><dd><code>{}</code> = <code>{}</code></dd>\n",
                   i ? "" : "captured", esc(f.captures[i].first), esc(f.captures[i].second));
  put(out, "</dl>\n");
  evidence(f, out);
  if (!trim(f.fix).empty())
    fmt::format_to(o,
                   "<details class=\"fix\"{}><summary>Fix</summary>\n<pre>{}</pre>\n</details>\n",
                   f.rank == 1 ? " open" : "", esc(trim(f.fix)));
  if (!f.references.empty()) {
    put(out, "<p class=\"refs\">See:");
    for (size_t i = 0; i < f.references.size(); ++i)
      fmt::format_to(o, "{} {}", i ? "," : "", reference(f.references[i]));
    put(out, "</p>\n");
  }
  put(out, "</article>\n");
}

void unmatched(const Analysis& a, Out& out) {
  if (a.unmatched.empty()) return;
  auto o = std::back_inserter(out);
  put(out,
      "<section id=\"unmatched\">\n<h2>Unrecognised errors</h2>\n<p>Error and warning records "
      "that no rule knows, grouped into templates (the parts that vary are masked).</p>\n");
  for (size_t i = 0; i < a.unmatched.size(); ++i) {
    const auto& u = a.unmatched[i];
    fmt::format_to(o,
                   "<article class=\"template\" id=\"u-{}\" data-template=\"{}\">\n"
                   "<h3><code>{}</code> <span class=\"kind\">{}</span></h3>\n<pre>{}</pre>\n"
                   "<dl class=\"facts\">\n",
                   i + 1, esc(u.id), esc(u.id), plural(u.count, "time"), esc(u.text));
    if (!u.resources.empty()) fmt::format_to(o, "<dt>where</dt><dd>{}</dd>\n", joined(u.resources));
    if (u.first_seen.known())
      fmt::format_to(o, "<dt>when</dt><dd>{} .. {}</dd>\n", html_time(u.first_seen),
                     html_time(u.last_seen.known() ? u.last_seen : u.first_seen));
    put(out, "</dl>\n");
    if (!u.examples.empty()) {
      fmt::format_to(
          o, "<details class=\"examples\"><summary>Examples ({})</summary>\n<ol class=\"ev\">\n",
          u.examples.size());
      for (const auto& e : u.examples)
        fmt::format_to(o, "<li><div class=\"loc\"><code>{}:{}</code></div><pre>{}</pre></li>\n",
                       esc(e.path), e.line, esc(e.text));
      put(out, "</ol>\n</details>\n");
    }
    put(out, "</article>\n");
  }
  put(out, "</section>\n");
}

void problems(const Analysis& a, Out& out) {
  if (a.problems.empty()) return;
  auto o = std::back_inserter(out);
  fmt::format_to(o, "<section id=\"problems\">\n<h2>Problems while reading ({})</h2>\n<ul>\n",
                 a.problems.size());
  for (const auto& p : a.problems) {
    auto [path, where] = split_where(p.where);
    fmt::format_to(o, "<li><code>{}</code>{}{}: {}</li>\n", esc(path), where.empty() ? "" : " ",
                   esc(where), esc(p.message));
  }
  put(out, "</ul>\n</section>\n");
}

}  // namespace

void render_html(const Analysis& a, const ReportCtx& ctx, fmt::memory_buffer& out) {
  auto o = std::back_inserter(out);
  put(out, kHead);
  fmt::format_to(o, "<title>kdx report: {}</title>\n", esc(summary_line(a)));
  put(out, kStyle);
  fmt::format_to(o,
                 "<body>\n<header>\n<h1>kdx report</h1>\n<p class=\"summary\">{} From {}, {}.</p>\n"
                 "</header>\n",
                 esc(summary_line(a)), plural(a.stats.files, "file"),
                 plural(a.stats.records, "record"));
  facts(a, ctx, out);
  timeline(a, out);
  filters(a, out);
  put(out, "<section id=\"findings\">\n<h2>Findings</h2>\n");
  if (a.findings.empty()) put(out, "<p>No known failure found.</p>\n");
  for (const auto& f : a.findings) finding(f, out);
  put(out, "</section>\n");
  unmatched(a, out);
  problems(a, out);
  fmt::format_to(
      o, "<footer>Generated by kdx {} from the inputs above; this page loads nothing.</footer>\n",
      esc(ctx.kdx_version));
  put(out, kScript);
  put(out, "</body>\n</html>\n");
}

}  // namespace kdx::report
