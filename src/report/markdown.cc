// The Markdown report, for a ticket: a summary line, a table of findings, then each finding with
// its evidence in code blocks under `path:line`, what it explains, the fix and references; then
// the unrecognised errors and the problems met while reading. It reads as plain text too.
// Everything from a bundle is escaped so Markdown cannot mangle it: `\|` in table cells, code
// spans and fences longer than any backtick run inside, and control bytes and invalid UTF-8
// shown as \xNN (printable_utf8).
#include <algorithm>
#include <cctype>

#include "core/text.h"
#include "report/report.h"

namespace kdx::report {
namespace {

constexpr size_t kWhereInTable = 3;  // resources named in a table cell; the rest are counted

using Out = fmt::memory_buffer;

void put(Out& out, std::string_view s) { out.append(s); }

size_t longest_backtick_run(std::string_view s) {
  size_t best = 0, run = 0;
  for (char c : s) {
    run = c == '`' ? run + 1 : 0;
    best = std::max(best, run);
  }
  return best;
}

bool alnum(char c) { return std::isalnum(static_cast<unsigned char>(c)); }

// Inline text (a paragraph, a list item, a table cell): one line, with every character that
// Markdown or GFM would read as markup backslash-escaped, and no more, so it reads as plain
// text too ('&' only where it could start an entity).
std::string md_text(std::string_view raw) {
  const std::string s = printable_utf8(raw);
  std::string out;
  out.reserve(s.size() + 8);
  for (size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (c == '\n' || c == '\t') {
      out += ' ';
      continue;
    }
    const bool entity = c == '&' && i + 1 < s.size() && (alnum(s[i + 1]) || s[i + 1] == '#');
    // '_' inside a word never emphasises (TAPE_ERROR stays as it is); at a word's edge it may.
    const bool edge_underscore =
        c == '_' && (i == 0 || i + 1 == s.size() || !alnum(s[i - 1]) || !alnum(s[i + 1]));
    // A backslash escapes only punctuation (and ends a line at the end): "\x1b" stays as it is.
    const bool backslash =
        c == '\\' && (i + 1 == s.size() || std::ispunct(static_cast<unsigned char>(s[i + 1])));
    if (entity || edge_underscore || backslash ||
        std::string_view("`*[]<>|~").find(c) != std::string_view::npos)
      out += '\\';
    out += c;
  }
  return out;
}

// A code span on one line, fenced by more backticks than any run inside it; `|` escaped so a
// span can sit in a table cell (GFM splits cells before it reads spans).
std::string md_code(std::string_view raw) {
  std::string s = printable_utf8(raw);
  std::replace(s.begin(), s.end(), '\n', ' ');
  std::replace(s.begin(), s.end(), '\t', ' ');
  std::string body;
  for (char c : s) {
    if (c == '|') body += '\\';
    body += c;
  }
  const std::string fence(longest_backtick_run(body) + 1, '`');
  const bool pad = !body.empty() && (body.front() == '`' || body.back() == '`' ||
                                     (body.front() == ' ' && body.back() == ' '));
  return pad ? fence + " " + body + " " + fence : fence + body + fence;
}

// A fenced code block: the fence is longer than any backtick run in the text, so evidence that
// holds ``` cannot close it.
void md_block(Out& out, std::string_view raw, std::string_view info = "text") {
  std::string s = printable_utf8(raw);
  while (!s.empty() && s.back() == '\n') s.pop_back();
  const std::string fence(std::max<size_t>(3, longest_backtick_run(s) + 1), '`');
  fmt::format_to(std::back_inserter(out), "{}{}\n{}\n{}\n\n", fence, info, s, fence);
}

std::string time_or_dash(Timestamp ts) { return ts.known() ? format_rfc3339(ts) : "-"; }

std::string joined(const std::vector<std::string>& v, size_t max = SIZE_MAX) {
  std::string out;
  for (size_t i = 0; i < v.size() && i < max; ++i) out += (i ? ", " : "") + md_text(v[i]);
  if (v.size() > max) out += fmt::format(" (+{} more)", v.size() - max);
  return out;
}

std::string plural(uint64_t n, std::string_view word) {
  return fmt::format("{} {}{}", n, word, n == 1 ? "" : "s");
}

// A reference becomes an autolink when it is one http(s) URL; anything else stays escaped text.
std::string md_reference(std::string_view ref) {
  bool url = ref.starts_with("https://") || ref.starts_with("http://");
  for (size_t i = 0; url && i < ref.size(); ++i) {
    const auto c = static_cast<unsigned char>(ref[i]);
    if (c <= 0x20 || c >= 0x7F || c == '<' || c == '>') url = false;
  }
  return url ? fmt::format("<{}>", ref) : md_text(ref);
}

void summary(const analyze::Analysis& a, const ReportCtx& ctx, Out& out) {
  auto o = std::back_inserter(out);
  fmt::format_to(o, "# kdx report\n\nkdx {} analysed {}, {}", md_text(ctx.kdx_version),
                 plural(a.stats.files, "file"), plural(a.stats.records, "record"));
  if (!a.stats.by_format.empty()) {
    std::string parts;
    for (const auto& [name, f] : a.stats.by_format)
      parts += fmt::format("{}{} {}", parts.empty() ? "" : ", ", md_text(name), f.files);
    fmt::format_to(o, " ({})", parts);
  }
  if (a.findings.empty()) {
    put(out, ": no known failure found");
  } else {
    int counts[5] = {0, 0, 0, 0, 0};
    for (const auto& f : a.findings) ++counts[static_cast<int>(f.severity)];
    std::string parts;
    for (int s = 4; s >= 0; --s)
      if (counts[s])
        parts += fmt::format("{}{} {}", parts.empty() ? "" : ", ", counts[s],
                             to_string(static_cast<Severity>(s)));
    fmt::format_to(o, ": {} ({})", plural(a.findings.size(), "finding"), parts);
  }
  if (!a.unmatched.empty())
    fmt::format_to(o, ", {}", plural(a.unmatched.size(), "unrecognised error"));
  if (!a.problems.empty())
    fmt::format_to(o, ", {} while reading", plural(a.problems.size(), "problem"));
  put(out, ".\n\n");
  if (!a.inputs.empty()) {
    put(out, a.inputs.size() == 1 ? "Input:" : "Inputs:");
    for (size_t i = 0; i < a.inputs.size(); ++i)
      fmt::format_to(o, "{} {}", i ? "," : "", md_code(a.inputs[i]));
    put(out, "\n\n");
  }
}

void findings_table(const analyze::Analysis& a, Out& out) {
  if (a.findings.empty()) return;
  put(out, "| # | severity | id | where | count | first seen |\n");
  put(out, "|--:|---|---|---|--:|---|\n");
  for (const auto& f : a.findings)
    fmt::format_to(std::back_inserter(out), "| {} | {}{} | {} | {} | {} | {} |\n", f.rank,
                   to_string(f.severity), f.transient ? " (transient)" : "", md_code(f.id),
                   f.resources.empty() ? "-" : joined(f.resources, kWhereInTable), f.count,
                   time_or_dash(f.first_seen));
  put(out, "\n");
}

void finding(const analyze::Finding& f, Out& out) {
  auto o = std::back_inserter(out);
  fmt::format_to(o, "## {}. {} ({})\n\n**{}**\n\n", f.rank, md_code(f.id), to_string(f.severity),
                 md_text(f.title));
  fmt::format_to(o, "- kind: {}{}\n", rules::to_string(f.kind), f.transient ? ", transient" : "");
  if (!f.resources.empty()) fmt::format_to(o, "- where: {}\n", joined(f.resources));
  if (f.first_seen.known())
    fmt::format_to(o, "- when: {} .. {} ({})\n", format_rfc3339(f.first_seen),
                   format_rfc3339(f.last_seen), plural(f.count, "time"));
  else
    fmt::format_to(o, "- when: {}\n", plural(f.count, "time"));
  put(out, "\n");
  if (!f.evidence.empty()) put(out, "**Evidence**\n\n");
  for (const auto& e : f.evidence) {
    put(out, md_code(fmt::format("{}:{}", e.path, e.line)));
    if (e.ts.known()) fmt::format_to(o, " at {}", format_rfc3339(e.ts));
    put(out, "\n\n");
    md_block(out, e.text);
  }
  if (!f.captures.empty()) {
    put(out, "**Captured**\n\n");
    for (const auto& [k, v] : f.captures) fmt::format_to(o, "- {}: {}\n", md_text(k), md_code(v));
    put(out, "\n");
  }
  if (!f.explains.empty()) {
    put(out, "**Explains**\n\n");
    for (const auto& e : f.explains) {
      fmt::format_to(o, "- {} x {}", e.count, md_code(e.id));
      if (!e.resources.empty()) fmt::format_to(o, " on {}", joined(e.resources));
      put(out, "\n");
    }
    put(out, "\n");
  }
  if (!trim(f.fix).empty()) {
    put(out, "**Fix**\n\n");
    md_block(out, trim(f.fix));
  }
  if (!f.references.empty()) {
    put(out, "**References**\n\n");
    for (const auto& r : f.references) fmt::format_to(o, "- {}\n", md_reference(r));
    put(out, "\n");
  }
}

void unmatched(const analyze::Analysis& a, Out& out) {
  if (a.unmatched.empty()) return;
  auto o = std::back_inserter(out);
  put(out,
      "## Unrecognised errors\n\nError and warning records that no rule knows, grouped "
      "into templates (the parts that vary are masked).\n\n");
  put(out, "| template | count | first seen | last seen | where |\n|---|--:|---|---|---|\n");
  for (const auto& u : a.unmatched)
    fmt::format_to(o, "| {} | {} | {} | {} | {} |\n", md_code(truncate_utf8(u.text, 120)), u.count,
                   time_or_dash(u.first_seen), time_or_dash(u.last_seen),
                   u.resources.empty() ? "-" : joined(u.resources, kWhereInTable));
  put(out, "\n");
  for (const auto& u : a.unmatched) {
    fmt::format_to(o, "### {} ({})\n\n", md_code(u.id), plural(u.count, "time"));
    md_block(out, u.text);
    if (!u.resources.empty()) fmt::format_to(o, "- where: {}\n", joined(u.resources));
    if (u.first_seen.known())
      fmt::format_to(o, "- when: {} .. {}\n", format_rfc3339(u.first_seen),
                     format_rfc3339(u.last_seen));
    if (!u.resources.empty() || u.first_seen.known()) put(out, "\n");
    for (const auto& e : u.examples) {
      fmt::format_to(o, "{}\n\n", md_code(fmt::format("{}:{}", e.path, e.line)));
      md_block(out, e.text);
    }
  }
}

void problems(const analyze::Analysis& a, Out& out) {
  if (a.problems.empty()) return;
  fmt::format_to(std::back_inserter(out), "## Problems while reading\n\n");
  for (const auto& p : a.problems) {
    auto [path, where] = split_where(p.where);
    fmt::format_to(std::back_inserter(out), "- {}{}{}: {}\n", md_code(path),
                   where.empty() ? "" : " ", where, md_text(p.message));
  }
  put(out, "\n");
}

}  // namespace

void render_markdown(const analyze::Analysis& a, const ReportCtx& ctx, fmt::memory_buffer& out) {
  summary(a, ctx, out);
  findings_table(a, out);
  for (const auto& f : a.findings) finding(f, out);
  unmatched(a, out);
  problems(a, out);
  // One trailing newline, not the blank line each block leaves behind.
  while (out.size() >= 2 && out[out.size() - 1] == '\n' && out[out.size() - 2] == '\n')
    out.resize(out.size() - 1);
}

}  // namespace kdx::report
