// `journalctl -o json`: one JSON object per line. MESSAGE is a string, an array of byte values
// (journalctl's form for non-UTF-8 data), or null (an entry without a message: skipped).
// The record is built like an export entry's (see journald_export.cc).
#include "formats/line_util.h"

namespace kdx::formats::detail {

using namespace lines;  // this file implements part of line_util.h
namespace {

// MESSAGE as an array: byte values (decoded as they are, valid UTF-8 or not), or, for a field
// journald stored several times, the first string.
bool array_message(const JsonValue& v, Arena& arena, std::string* scratch, std::string_view* out,
                   std::string_view* why) {
  scratch->clear();
  bool bytes = true, first = true, ok = true;
  std::string_view str;
  JsonScanner scan(v.raw);
  const bool parsed = scan.for_each_element([&](const JsonValue& e) {
    if (first && e.kind == JsonValue::Kind::string) {
      bytes = false;
      ok = json_string_view(e, arena, scratch, &str, why);
      return false;
    }
    first = false;
    int value = 0;
    bool digits_only = e.kind == JsonValue::Kind::number && !e.raw.empty() && e.raw.size() <= 3;
    for (char c : digits_only ? e.raw : std::string_view()) {  // at most 3 digits: no overflow
      if (c < '0' || c > '9')
        digits_only = false;
      else
        value = value * 10 + (c - '0');
    }
    if (!digits_only || value > 255) {
      ok = false;
      *why = "MESSAGE array holds a value that is not a byte";
      return false;
    }
    *scratch += static_cast<char>(value);
    return true;
  });
  if (!parsed) {
    *why = scan.error();
    return false;
  }
  if (!ok) return false;
  *out = bytes ? arena.keep(std::string_view(*scratch)) : str;
  return true;
}

// Fills `e` from one line; false with `why` when the line is not a valid journal object.
bool parse_entry(std::string_view line, Arena& arena, std::string* scratch, JournalEntry* e,
                 std::string_view* why) {
  bool ok = true;
  JsonScanner scan(line);
  const bool parsed = scan.for_each_member([&](std::string_view key, const JsonValue& v) {
    std::string_view value;
    if (key == "MESSAGE") {
      if (v.kind == JsonValue::Kind::literal && v.raw == "null") return true;  // no message
      if (v.kind == JsonValue::Kind::array)
        ok = array_message(v, arena, scratch, &value, why);
      else if (v.kind == JsonValue::Kind::string)
        ok = json_string_view(v, arena, scratch, &value, why);
      else
        ok = fail_with(why, "MESSAGE is neither a string nor a byte array");
      e->message = value;
      e->has_message = ok;
      return ok;
    }
    if (!is_journal_field(key)) return true;
    if (v.kind == JsonValue::Kind::number) {
      value = v.raw;  // PRIORITY or _PID written as a number by some tools
    } else if (v.kind == JsonValue::Kind::string) {
      ok = json_string_view(v, arena, scratch, &value, why);
      if (!ok) return false;
    } else {
      return true;  // arrays and nulls in these fields carry nothing kdx uses
    }
    set_journal_field(*e, key, value);
    return true;
  });
  if (!parsed) return fail_with(why, scan.error());
  if (!ok) return false;
  if (!scan.at_end()) return fail_with(why, scan.error());
  return true;
}

}  // namespace

void split_journald_json(const SplitInput& in, RecordBatch& batch, Problems& problems) {
  LineReader reader(in.bytes, bom_length(in));
  Line l;
  uint64_t line_no = in.first_line - 1;
  std::string scratch;
  while (reader.next(l)) {
    ++line_no;
    if (is_blank(l.text)) continue;
    JournalEntry e;
    std::string_view why;
    if (!parse_entry(l.text, batch.arena, &scratch, &e, &why)) {
      problems.push_back({where(in, line_no), "invalid journald JSON line: " + std::string(why)});
      continue;
    }
    if (e.has_message) add_journal_record(e, line_no, in, batch, problems);
  }
}

}  // namespace kdx::formats::detail
