// The JSON report, schema 1. Field order is part of the contract: keep it stable.
#include "report/json_writer.h"
#include "report/report.h"

namespace kdx::report {
namespace {

void time_or_null(JsonWriter& w, Timestamp ts) {
  if (ts.known()) w.value(format_rfc3339(ts));
  else w.null();
}

void string_array(JsonWriter& w, const std::vector<std::string>& v) {
  w.begin_array();
  for (const auto& s : v) w.value(s);
  w.end_array();
}

void write_stats(JsonWriter& w, const analyze::InputStats& s) {
  w.key("stats").begin_object();
  w.key("files").value(s.files);
  w.key("records").value(s.records);
  w.key("bytes").value(s.bytes);
  w.key("formats").begin_object();
  for (const auto& [name, f] : s.by_format) {
    w.key(name).begin_object();
    w.key("files").value(f.files);
    w.key("records").value(f.records);
    w.key("bytes").value(f.bytes);
    w.end_object();
  }
  w.end_object();
  w.end_object();
}

void write_finding(JsonWriter& w, const analyze::Finding& f) {
  w.begin_object();
  w.key("id").value(f.id);
  w.key("rank").value(f.rank);
  w.key("score").value(f.score);
  w.key("severity").value(to_string(f.severity));
  w.key("kind").value(rules::to_string(f.kind));
  w.key("title").value(f.title);
  w.key("transient").value(f.transient);
  w.key("resources");
  string_array(w, f.resources);
  w.key("first_seen");
  time_or_null(w, f.first_seen);
  w.key("last_seen");
  time_or_null(w, f.last_seen);
  w.key("count").value(f.count);
  w.key("evidence").begin_array();
  for (const auto& e : f.evidence) {
    w.begin_object();
    w.key("path").value(e.path);
    w.key("line").value(e.line);
    w.key("time");
    time_or_null(w, e.ts);
    w.key("text").value(e.text);
    w.end_object();
  }
  w.end_array();
  w.key("captures").begin_object();
  for (const auto& [k, v] : f.captures) w.key(k).value(v);
  w.end_object();
  w.key("explains").begin_array();
  for (const auto& e : f.explains) {
    w.begin_object();
    w.key("id").value(e.id);
    w.key("count").value(e.count);
    w.key("resources");
    string_array(w, e.resources);
    w.end_object();
  }
  w.end_array();
  w.key("fix").value(f.fix);
  w.key("references");
  string_array(w, f.references);
  w.end_object();
}

// An unrecognised-error template: records that matched no rule, with variables masked.
void write_unmatched(JsonWriter& w, const analyze::UnmatchedTemplate& t) {
  w.begin_object();
  w.key("id").value(t.id);
  w.key("template").value(t.text);
  w.key("count").value(t.count);
  w.key("score").value(static_cast<int64_t>(t.score));
  w.key("first_seen");
  time_or_null(w, t.first_seen);
  w.key("last_seen");
  time_or_null(w, t.last_seen);
  w.key("resources");
  string_array(w, t.resources);
  w.key("examples").begin_array();
  for (const auto& e : t.examples) {
    w.begin_object();
    w.key("path").value(e.path);
    w.key("line").value(e.line);
    w.key("text").value(e.text);
    w.end_object();
  }
  w.end_array();
  w.end_object();
}

void write_report(const analyze::Analysis& a, const ReportCtx& ctx, JsonWriter& w) {
  w.begin_object();
  w.key("schema").value(1);
  w.key("kdx_version").value(ctx.kdx_version);
  w.key("inputs");
  string_array(w, a.inputs);
  write_stats(w, a.stats);
  w.key("findings").begin_array();
  for (const auto& f : a.findings) write_finding(w, f);
  w.end_array();
  w.key("unmatched").begin_array();
  for (const auto& t : a.unmatched) write_unmatched(w, t);
  w.end_array();
  w.key("problems").begin_array();
  for (const auto& p : a.problems) {
    auto [path, where] = split_where(p.where);
    w.begin_object();
    w.key("path").value(path);
    w.key("where").value(where);
    w.key("message").value(p.message);
    w.end_object();
  }
  w.end_array();
  w.end_object();
}

}  // namespace

void render_json(const analyze::Analysis& a, const ReportCtx& ctx, fmt::memory_buffer& out) {
  JsonWriter w(out);
  write_report(a, ctx, w);
}

void render_json_line(const analyze::Analysis& a, const ReportCtx& ctx, fmt::memory_buffer& out) {
  JsonWriter w(out, JsonWriter::Layout::compact);
  write_report(a, ctx, w);
}

}  // namespace kdx::report
