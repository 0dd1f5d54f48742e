#include "report/report.h"

namespace kdx::report {

std::optional<ReportFormat> parse_format(std::string_view s) {
  if (s == "text") return ReportFormat::text;
  if (s == "json") return ReportFormat::json;
  return std::nullopt;
}

void render(const analyze::Analysis& a, const ReportCtx& ctx, ReportFormat format,
            fmt::memory_buffer& out) {
  switch (format) {
    case ReportFormat::text: return render_text(a, ctx, out);
    case ReportFormat::json: return render_json(a, ctx, out);
  }
}

std::pair<std::string, std::string> split_where(std::string_view where) {
  const size_t colon = where.rfind(':');
  if (colon == std::string_view::npos || colon + 1 == where.size())
    return {std::string(where), ""};
  const std::string_view tail = where.substr(colon + 1);
  for (char c : tail)
    if (c < '0' || c > '9') return {std::string(where), ""};
  return {std::string(where.substr(0, colon)), "line " + std::string(tail)};
}

}  // namespace kdx::report
