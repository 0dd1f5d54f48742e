// report/report.h — an Analysis rendered as text (the terminal view) or JSON (schema 1).
// Pure: renders into a buffer, never prints; the CLI writes the buffer. Thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include <fmt/format.h>

#include "analyze/analyze.h"

namespace kdx::report {

enum class ReportFormat { text, json };
std::optional<ReportFormat> parse_format(std::string_view s);

struct ReportCtx {
  std::string kdx_version;
  bool color = false;     // ANSI colour (only on a TTY, never with NO_COLOR)
  bool verbose = false;   // text: every evidence line, not the first three
  size_t width = 100;     // text: wrap long lines to this many columns
};

void render(const analyze::Analysis& a, const ReportCtx& ctx, ReportFormat format,
            fmt::memory_buffer& out);

void render_text(const analyze::Analysis& a, const ReportCtx& ctx, fmt::memory_buffer& out);
void render_json(const analyze::Analysis& a, const ReportCtx& ctx, fmt::memory_buffer& out);
void render_markdown(const analyze::Analysis& a, const ReportCtx& ctx, fmt::memory_buffer& out);
void render_html(const analyze::Analysis& a, const ReportCtx& ctx, fmt::memory_buffer& out);

// Masks secrets and identities in every string a report prints (evidence, captures, fixes,
// resources, unmatched templates and examples, problems): IPv4/IPv6 addresses, e-mail
// addresses, bearer tokens, JWTs, passwords in URLs, password=/token= pairs, cloud access keys.
// The same value gets the same mask everywhere in the report ("<ip-1>"), numbered in report
// order, so the redacted report still reads.
void redact(analyze::Analysis& a);

// Splits a Problem's where ("bundle.tar.gz:pods/db.log:1042") into the file ("bundle.tar.gz:
// pods/db.log") and the place in it ("line 1042"; "" when the problem is about the whole file).
std::pair<std::string, std::string> split_where(std::string_view where);

}  // namespace kdx::report
