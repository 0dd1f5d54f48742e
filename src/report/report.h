// report/report.h — an Analysis rendered as text (the terminal view), JSON (schema 1), Markdown
// (for a ticket) or one self-contained HTML page; and redaction of what a report prints.
// Pure: renders into a buffer, never prints; the CLI writes the buffer. Thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include <fmt/format.h>

#include "analyze/analyze.h"

namespace kdx::report {

enum class ReportFormat { text, json, md, html };
// "text", "json", "md" (or "markdown"), "html".
std::optional<ReportFormat> parse_format(std::string_view s);

struct ReportCtx {
  std::string kdx_version;
  bool color = false;     // ANSI colour (only on a TTY, never with NO_COLOR)
  bool verbose = false;   // text: every evidence line, not the first three
  size_t width = 100;     // text: wrap long lines to this many columns
  size_t max_findings = 0;  // text: show the first N, then "… M more findings"; 0 = all
};

void render(const analyze::Analysis& a, const ReportCtx& ctx, ReportFormat format,
            fmt::memory_buffer& out);

void render_text(const analyze::Analysis& a, const ReportCtx& ctx, fmt::memory_buffer& out);
void render_json(const analyze::Analysis& a, const ReportCtx& ctx, fmt::memory_buffer& out);
void render_markdown(const analyze::Analysis& a, const ReportCtx& ctx, fmt::memory_buffer& out);
void render_html(const analyze::Analysis& a, const ReportCtx& ctx, fmt::memory_buffer& out);

// The schema-1 JSON report on one line, without '\n' (kdx batch's NDJSON): the same document as
// render_json, with no whitespace between tokens.
void render_json_line(const analyze::Analysis& a, const ReportCtx& ctx, fmt::memory_buffer& out);

// Masks secrets and identities in the text a report prints (evidence, captures, fixes,
// unmatched templates and examples, problems' messages): IPv4/IPv6 addresses, e-mail
// addresses, bearer tokens, JWTs, passwords in URLs, password=/token=/secret= pairs (JSON too),
// cloud access keys. Titles, ids, paths and resource names are kept (they are not secrets), and
// so are loopback and unspecified addresses (127.0.0.1, 0.0.0.0, ::1, ::), which identify no
// one. The same value gets the same mask everywhere in the report ("<ip-1>", "<email-1>",
// "<token-1>", "<password-1>", "<key-1>"), numbered in report order (findings by rank:
// evidence, captures, fix; then unmatched templates; then problems), so the report still reads.
void redact(analyze::Analysis& a);

// Splits a Problem's where ("bundle.tar.gz:pods/db.log:1042") into the file ("bundle.tar.gz:
// pods/db.log") and the place in it ("line 1042"; "" when the problem is about the whole file).
std::pair<std::string, std::string> split_where(std::string_view where);

// Text made safe to embed in Markdown or HTML: valid UTF-8 is kept, and so are tab and newline;
// other control characters (C0, DEL, C1) and bytes that are not valid UTF-8 become "\xNN"
// ("\u0085" for C1), so hostile or binary log text can never make the document invalid.
std::string printable_utf8(std::string_view s);

}  // namespace kdx::report
