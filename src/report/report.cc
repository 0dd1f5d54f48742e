#include "report/report.h"

namespace kdx::report {
namespace {

// Length of the valid UTF-8 sequence starting at s[i] (1 for ASCII), or 0 if it is not valid.
size_t utf8_sequence(std::string_view s, size_t i, uint32_t& cp) {
  const auto c = static_cast<unsigned char>(s[i]);
  cp = c;
  if (c < 0x80) return 1;
  size_t n;
  uint32_t min;
  if ((c & 0xE0) == 0xC0) { n = 2; min = 0x80; }
  else if ((c & 0xF0) == 0xE0) { n = 3; min = 0x800; }
  else if ((c & 0xF8) == 0xF0) { n = 4; min = 0x10000; }
  else return 0;
  if (i + n > s.size()) return 0;
  cp = c & (0x7F >> n);
  for (size_t k = 1; k < n; ++k) {
    const auto cc = static_cast<unsigned char>(s[i + k]);
    if ((cc & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (cc & 0x3F);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
  return n;
}

}  // namespace

std::optional<ReportFormat> parse_format(std::string_view s) {
  if (s == "text") return ReportFormat::text;
  if (s == "json") return ReportFormat::json;
  if (s == "md" || s == "markdown") return ReportFormat::md;
  if (s == "html") return ReportFormat::html;
  return std::nullopt;
}

void render(const analyze::Analysis& a, const ReportCtx& ctx, ReportFormat format,
            fmt::memory_buffer& out) {
  switch (format) {
    case ReportFormat::text: return render_text(a, ctx, out);
    case ReportFormat::json: return render_json(a, ctx, out);
    case ReportFormat::md: return render_markdown(a, ctx, out);
    case ReportFormat::html: return render_html(a, ctx, out);
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

std::string printable_utf8(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size();) {
    uint32_t cp = 0;
    const size_t n = utf8_sequence(s, i, cp);
    if (n == 0 || (cp < 0x20 && cp != '\t' && cp != '\n') || cp == 0x7F) {
      out += fmt::format("\\x{:02x}", static_cast<unsigned char>(s[i]));
      ++i;
    } else if (cp >= 0x80 && cp <= 0x9F) {  // C1 controls: CSI (U+009B) drives terminals too
      out += fmt::format("\\u{:04x}", cp);
      i += n;
    } else {
      out.append(s.substr(i, n));
      i += n;
    }
  }
  return out;
}

}  // namespace kdx::report
