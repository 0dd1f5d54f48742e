// The terminal view: a summary, then each finding with where, when, evidence (path:line),
// what it explains and the fix. Colour only when the caller says so (a TTY, no NO_COLOR).
#include <algorithm>

#include "core/text.h"
#include "report/report.h"

namespace kdx::report {
namespace {

constexpr size_t kEvidenceShown = 3;

struct Style {
  bool on;
  std::string_view operator()(std::string_view code) const { return on ? code : ""; }
};
constexpr std::string_view kReset = "\x1b[0m", kBold = "\x1b[1m", kDim = "\x1b[2m";

std::string_view severity_colour(Severity s) {
  switch (s) {
    case Severity::critical: return "\x1b[1;31m";
    case Severity::high: return "\x1b[31m";
    case Severity::medium: return "\x1b[33m";
    case Severity::low: return "\x1b[36m";
    case Severity::info: return "\x1b[2m";
  }
  return "";
}

std::string upper(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::toupper(c); });
  return out;
}

// Control bytes (an ESC, or a C1 CSI, from a hostile log) never reach the terminal, and
// neither do bytes that are not valid UTF-8: printable_utf8 escapes them; tabs become spaces.
std::string printable(std::string_view s) {
  std::string out = printable_utf8(s);
  std::replace(out.begin(), out.end(), '\t', ' ');
  return out;
}

// Appends `text` after a label of width `indent`, wrapping words at `width`. A line's own
// leading spaces are kept (YAML and shell snippets in fixes keep their structure), and its
// wrapped continuation lines align under its first word.
void wrapped(fmt::memory_buffer& out, std::string_view label, std::string_view text, size_t indent,
             size_t width) {
  fmt::format_to(std::back_inserter(out), "{:<{}}", label, indent);
  bool first_line = true;
  for (std::string_view para : split(text, '\n')) {
    if (!first_line) fmt::format_to(std::back_inserter(out), "{:<{}}", "", indent);
    first_line = false;
    size_t lead = 0;
    while (lead < para.size() && para[lead] == ' ') ++lead;
    para.remove_prefix(lead);
    const size_t hang = indent + lead;
    const size_t avail = width > hang + 20 ? width - hang : 60;
    fmt::format_to(std::back_inserter(out), "{:<{}}", "", lead);
    size_t col = 0;
    while (!para.empty()) {
      size_t sp = para.find(' ');
      std::string_view word = para.substr(0, sp);
      if (col > 0 && col + 1 + word.size() > avail) {
        fmt::format_to(std::back_inserter(out), "\n{:<{}}", "", hang);
        col = 0;
      } else if (col > 0) {
        out.push_back(' ');
        ++col;
      }
      out.append(word);
      col += word.size();
      if (sp == std::string_view::npos) break;
      para.remove_prefix(sp + 1);
    }
    out.push_back('\n');
  }
}

// Rules write fixes pre-wrapped; once captures are filled in, a line can outgrow the width and
// leave an orphan word. Re-join a line that continues a sentence (unindented, starting in lower
// case) with the line before it, so wrapping works on whole sentences.
std::string reflow(std::string_view text) {
  std::string out;
  bool prev_prose = false;
  for (std::string_view line : split(text, '\n')) {
    const bool unindented = !line.empty() && line[0] != ' ';
    const bool continues = unindented && prev_prose &&
                           (std::islower(static_cast<unsigned char>(line[0])) || line[0] == '(');
    if (continues) {
      out.back() = ' ';
    }
    out.append(line);
    out.push_back('\n');
    prev_prose = unindented && !line.ends_with(':');
  }
  if (!out.empty()) out.pop_back();
  return out;
}

void render_summary(const analyze::Analysis& a, const ReportCtx& ctx, fmt::memory_buffer& out) {
  auto o = std::back_inserter(out);
  Style st{ctx.color};
  fmt::format_to(o, "{}kdx {}{} analysed {} file{}, {} record{}", st(kBold), ctx.kdx_version,
                 st(kReset), a.stats.files, a.stats.files == 1 ? "" : "s", a.stats.records,
                 a.stats.records == 1 ? "" : "s");
  if (!a.stats.by_format.empty()) {
    std::string parts;
    for (const auto& [name, f] : a.stats.by_format)
      parts += fmt::format("{}{} {}", parts.empty() ? "" : ", ", name, f.files);
    fmt::format_to(o, " ({})", parts);
  }
  out.push_back('\n');
  if (a.findings.empty()) {
    fmt::format_to(o, "No known failure found.\n");
    return;
  }
  int counts[5] = {0, 0, 0, 0, 0};
  for (const auto& f : a.findings) ++counts[static_cast<int>(f.severity)];
  std::string parts;
  for (int s = 4; s >= 0; --s)
    if (counts[s])
      parts += fmt::format("{}{} {}", parts.empty() ? "" : ", ", counts[s],
                           to_string(static_cast<Severity>(s)));
  fmt::format_to(o, "{} finding{}: {}\n", a.findings.size(), a.findings.size() == 1 ? "" : "s",
                 parts);
}

void render_finding(const analyze::Finding& f, const ReportCtx& ctx, fmt::memory_buffer& out) {
  auto o = std::back_inserter(out);
  Style st{ctx.color};
  const size_t indent = 13;
  fmt::format_to(o, "\n{}#{} {}{}{} {}{}{}  ({}{})\n", st(kBold), f.rank, st(severity_colour(f.severity)),
                 upper(to_string(f.severity)), st(kReset), st(kBold), f.id, st(kReset),
                 rules::to_string(f.kind), f.transient ? ", transient" : "");
  wrapped(out, "   ", f.title, 3, ctx.width);
  if (!f.resources.empty()) {
    std::string res;
    for (const auto& r : f.resources) res += (res.empty() ? "" : ", ") + r;
    wrapped(out, "   where:", printable(res), indent, ctx.width);  // names come from the input
  }
  std::string when = fmt::format("{} time{}", f.count, f.count == 1 ? "" : "s");
  if (f.first_seen.known())
    when = fmt::format("{} .. {}  ({})", format_rfc3339(f.first_seen), format_rfc3339(f.last_seen), when);
  wrapped(out, "   when:", when, indent, ctx.width);
  const size_t shown = ctx.verbose ? f.evidence.size() : std::min(f.evidence.size(), kEvidenceShown);
  for (size_t i = 0; i < shown; ++i) {
    const auto& e = f.evidence[i];
    fmt::format_to(o, "{:<{}}{}{}:{}{}\n", i == 0 ? "   evidence:" : "", indent, st(kDim),
                   printable(e.path), e.line, st(kReset));
    std::string line = printable(e.text);
    if (ctx.verbose) {
      wrapped(out, "", line, indent + 2, ctx.width);
    } else {  // one screen line per evidence: the first line of it, cut to the width
      line = line.substr(0, line.find('\n'));
      const size_t room = ctx.width > indent + 12 ? ctx.width - indent - 3 : 40;
      if (line.size() > room) line = truncate_utf8(line, room);
      fmt::format_to(o, "{:<{}}{}\n", "", indent + 2, line);
    }
  }
  for (size_t i = 0; i < f.explains.size(); ++i) {
    const auto& e = f.explains[i];
    std::string res;
    for (const auto& r : e.resources) res += (res.empty() ? "" : ", ") + r;
    wrapped(out, i == 0 ? "   explains:" : "",
            fmt::format("{} x {}{}{}", e.count, e.id, res.empty() ? "" : " on ", printable(res)),
            indent, ctx.width);
  }
  if (!f.fix.empty()) wrapped(out, "   fix:", reflow(printable(trim(f.fix))), indent, ctx.width);
  for (size_t i = 0; i < f.references.size() && (ctx.verbose || i < 1); ++i)
    wrapped(out, i == 0 ? "   see:" : "", f.references[i], indent, ctx.width);
}

// An input as a shell word: quoted unless it is plainly safe.
std::string shell_word(std::string_view s) {
  const bool plain = !s.empty() && s.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOP"
                                                       "QRSTUVWXYZ0123456789_-./:@+=,") ==
                                       std::string_view::npos;
  if (plain) return std::string(s);
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

// The templates of error records no rule matched, best first: count, template, one example.
void render_unmatched(const analyze::Analysis& a, const ReportCtx& ctx, fmt::memory_buffer& out) {
  constexpr size_t kShown = 5;
  if (a.unmatched.empty()) return;
  auto o = std::back_inserter(out);
  Style st{ctx.color};
  const size_t n = std::min(a.unmatched.size(), kShown);
  fmt::format_to(o, "\n{}Unrecognised errors (no rule matched){}: ", st(kBold), st(kReset));
  if (n < a.unmatched.size())
    fmt::format_to(o, "the top {} of {} templates\n", n, a.unmatched.size());
  else
    fmt::format_to(o, "{} template{}\n", n, n == 1 ? "" : "s");
  size_t digits = 1;
  for (size_t i = 0; i < n; ++i)
    digits = std::max(digits, fmt::formatted_size("{}", a.unmatched[i].count));
  const size_t indent = digits + 7;
  const size_t room = ctx.width > indent + 20 ? ctx.width - indent : 40;
  for (size_t i = 0; i < n; ++i) {
    const auto& t = a.unmatched[i];
    std::string text = printable(t.text);
    if (text.size() > room) text = truncate_utf8(text, room);
    fmt::format_to(o, "   {:>{}} x  {}\n", t.count, digits, text);
    fmt::format_to(o, "{:<{}}", "", indent);
    if (!t.examples.empty())
      fmt::format_to(o, "{}{}:{}{}  ", st(kDim), printable(t.examples[0].path), t.examples[0].line,
                     st(kReset));
    fmt::format_to(o, "[{}]\n", t.id);
  }
  std::string inputs;
  for (const auto& in : a.inputs) inputs += " " + shell_word(in);
  if (a.inputs.empty() || a.inputs.size() > 3) inputs = " INPUT...";
  wrapped(out, "   ", fmt::format("Draft a rule from one: kdx patterns draft {} --{}",
                                  a.unmatched[0].id, inputs), 3, ctx.width);
}

}  // namespace

void render_text(const analyze::Analysis& a, const ReportCtx& ctx, fmt::memory_buffer& out) {
  render_summary(a, ctx, out);
  const size_t n = a.findings.size();
  const size_t shown = ctx.max_findings ? std::min(ctx.max_findings, n) : n;
  for (size_t i = 0; i < shown; ++i) render_finding(a.findings[i], ctx, out);
  if (shown < n)
    fmt::format_to(std::back_inserter(out),
                   "\n… {} more finding{} (use --top 0 or --verbose to see all)\n", n - shown,
                   n - shown == 1 ? "" : "s");
  render_unmatched(a, ctx, out);
  if (!a.problems.empty()) {
    fmt::format_to(std::back_inserter(out), "\n{} problem{} while reading:\n", a.problems.size(),
                   a.problems.size() == 1 ? "" : "s");
    for (const auto& p : a.problems)
      fmt::format_to(std::back_inserter(out), "  {}: {}\n", printable(p.where), printable(p.message));
  }
}

}  // namespace kdx::report
