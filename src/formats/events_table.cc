// `kubectl get events` tables: `LAST SEEN TYPE REASON OBJECT MESSAGE`, with NAMESPACE first for
// -A, the -o wide columns (SUBOBJECT SOURCE ... FIRST SEEN COUNT NAME), and the old layout with
// KIND and NAME columns. Columns start where the header's words start (kubectl's tabwriter
// left-aligns every cell there); a header line restarts parsing, so pasted tables concatenate.
// Columns after MESSAGE hold one word each and are read from the right, so a message with
// multi-byte characters (tabwriter counts runes, not bytes) cannot shift them.
// Ages are relative: ts stays unknown; "(x14 over 20m)" or COUNT gives the repeat.
#include <algorithm>
#include <array>
#include <optional>
#include <string>

#include "core/text.h"
#include "formats/k8s_util.h"

namespace kdx::formats::detail {
namespace {

enum class Col : uint8_t {
  ns, last_seen, first_seen, count, name, kind, subobject, type, reason, object, source, message
};

constexpr std::array<std::pair<std::string_view, Col>, 12> kColumns = {{
    {"NAMESPACE", Col::ns},   {"LAST SEEN", Col::last_seen}, {"FIRST SEEN", Col::first_seen},
    {"COUNT", Col::count},    {"NAME", Col::name},           {"KIND", Col::kind},
    {"SUBOBJECT", Col::subobject}, {"TYPE", Col::type},      {"REASON", Col::reason},
    {"OBJECT", Col::object},  {"SOURCE", Col::source},       {"MESSAGE", Col::message},
}};

struct Column {
  Col col;
  size_t start;
};

struct Layout {
  std::vector<Column> cols;
  size_t message = 0;  // index of MESSAGE in cols
  bool has_object = false;
};

std::optional<Layout> parse_header(std::string_view line) {
  Layout layout;
  uint32_t seen = 0;
  for (const Cell& cell : header_cells(line)) {
    auto it = std::find_if(kColumns.begin(), kColumns.end(),
                           [&](const auto& c) { return c.first == cell.text; });
    if (it == kColumns.end()) return std::nullopt;
    if (it->second == Col::message) layout.message = layout.cols.size();
    layout.cols.push_back({it->second, cell.start});
    seen |= 1u << static_cast<int>(it->second);
  }
  auto has = [&](Col c) { return (seen & (1u << static_cast<int>(c))) != 0; };
  layout.has_object = has(Col::object);
  if (!has(Col::type) || !has(Col::reason) || !has(Col::message) || layout.message == 0 ||
      !(layout.has_object || (has(Col::kind) && has(Col::name))))
    return std::nullopt;
  return layout;
}

using Cells = std::array<std::string_view, kColumns.size()>;  // by Col

// The cells of a row cut at the header's column starts; nullopt when the row does not fit.
std::optional<Cells> cells_by_position(std::string_view line, const Layout& layout) {
  Cells cells{};
  const std::vector<Column>& cols = layout.cols;
  if (indent_of(line) < cols[0].start) return std::nullopt;
  for (size_t i = 0; i < layout.message; ++i) {
    // A cell that overflows into the next column means the row is not from this table.
    const size_t gap = cols[i + 1].start - 1;
    if (gap < line.size() && line[gap] != ' ') return std::nullopt;
    cells[static_cast<size_t>(cols[i].col)] = cell_text(line, cols[i].start, cols[i + 1].start);
  }
  size_t end = line.size();
  for (size_t i = cols.size() - 1; i > layout.message; --i) {  // one word each, from the right
    while (end > 0 && line[end - 1] == ' ') --end;
    size_t start = end;
    while (start > 0 && line[start - 1] != ' ') --start;
    if (start <= cols[layout.message].start) return std::nullopt;
    cells[static_cast<size_t>(cols[i].col)] = line.substr(start, end - start);
    end = start;
  }
  cells[static_cast<size_t>(Col::message)] = cell_text(line, cols[layout.message].start, end);
  return cells;
}

// For rows out of line with their header (tables pasted together, re-spaced text): cells cut at
// runs of two or more blanks. Only when MESSAGE is last, since empty cells cannot be placed.
std::optional<Cells> cells_by_gaps(std::string_view line, const Layout& layout) {
  if (layout.message + 1 != layout.cols.size()) return std::nullopt;
  const std::vector<Cell> found = header_cells(line);
  if (found.size() <= layout.message) return std::nullopt;
  Cells cells{};
  for (size_t i = 0; i < layout.message; ++i)
    cells[static_cast<size_t>(layout.cols[i].col)] = found[i].text;
  cells[static_cast<size_t>(Col::message)] = trim(line.substr(found[layout.message].start));
  return cells;
}

bool is_word(std::string_view s) {
  return !s.empty() && s.find(' ') == std::string_view::npos;
}

std::optional<uint32_t> parse_count(std::string_view s) {
  if (s.empty() || s.size() > 9 || s.find_first_not_of("0123456789") != std::string_view::npos)
    return std::nullopt;
  return clamp_repeat(std::stoll(std::string(s)));
}

// Fills the event record from a row's cells; false when they make no event.
bool fill_event(const Cells& cells, const Layout& layout, const TextLine& l, const SplitInput& in,
                Record& r, Arena& arena) {
  auto cell = [&](Col c) { return cells[static_cast<size_t>(c)]; };
  if (!is_word(cell(Col::type)) || !is_word(cell(Col::reason))) return false;
  std::string kind;
  std::string_view name;
  if (layout.has_object) {
    const std::string_view object = cell(Col::object);
    if (!is_word(object)) return false;
    const size_t slash = object.find('/');
    if (slash != std::string_view::npos) kind = canonical_kind(object.substr(0, slash));
    name = slash == std::string_view::npos ? object : object.substr(slash + 1);
  } else {
    kind = std::string(cell(Col::kind));
    name = cell(Col::name);
    if (!is_word(name)) return false;
  }
  const std::string_view ns = cell(Col::ns).empty() ? in.res.ns : cell(Col::ns);
  r.kind = SourceKind::event;
  r.text = l.text;
  r.message = cell(Col::message);
  r.reason = cell(Col::reason);
  r.type = cell(Col::type);
  r.level = level_of_event_type(r.type);
  r.res = object_resource(kind, ns, name, cell(Col::subobject), arena);
  r.repeat = parse_count(cell(Col::count)).value_or(repeat_from_age(cell(Col::last_seen)));
  r.line = l.line;
  return true;
}

bool row_record(const TextLine& l, const Layout& layout, const SplitInput& in, Record& r,
                Arena& arena) {
  if (auto cells = cells_by_position(l.text, layout); cells && fill_event(*cells, layout, l, in, r, arena))
    return true;
  auto cells = cells_by_gaps(l.text, layout);
  return cells && fill_event(*cells, layout, l, in, r, arena);
}

}  // namespace

void split_events_table(const SplitInput& in, RecordBatch& batch, Problems& problems) {
  std::optional<Layout> layout;
  for (const TextLine& l : split_lines(in.bytes, in.first_line)) {
    if (trim(l.text).empty()) continue;
    if (auto header = parse_header(l.text)) {
      layout = std::move(header);
      continue;
    }
    Record r;
    if (!layout || !row_record(l, *layout, in, r, batch.arena)) {
      r = Record{};
      r.kind = SourceKind::text;
      r.text = r.message = l.text;
      r.res = in.res;
      r.line = l.line;
    }
    push_record(r, in, batch, problems);
  }
}

}  // namespace kdx::formats::detail
