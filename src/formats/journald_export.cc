// `journalctl -o export`: entries separated by a blank line; each field is "KEY=value\n" or,
// when the value is binary or holds a newline, "KEY\n" + a 64-bit little-endian length + the
// data + "\n". Also the journal record builder that journald JSON shares.
//
// Journal entries have no printed line, so a record's text is synthesised in the arena as
//   "<UTC RFC 3339 time> <_HOSTNAME> <SYSLOG_IDENTIFIER>[<_PID>]: <MESSAGE>"
// e.g. "2026-06-04T10:00:00.123456Z worker-1 k3s[812]: level=error msg=...": the identifier
// falls back to _COMM, then the unit; parts that are missing are left out.
#include <fmt/format.h>

#include <algorithm>
#include <cstring>
#include <limits>

#include "formats/line_util.h"

namespace kdx::formats::detail {

using namespace lines;  // this file implements part of line_util.h
namespace {

constexpr uint64_t kMaxFieldBytes = 64ull << 20;  // larger binary fields mean a corrupt input

Timestamp realtime_ts(std::string_view usec) {
  if (usec.empty() || usec.size() > 16) return {};
  int64_t v = 0;
  for (char c : usec) {
    if (c < '0' || c > '9') return {};
    v = v * 10 + (c - '0');
  }
  if (v > std::numeric_limits<int64_t>::max() / 1000) return {};  // past 2262: not a time
  return Timestamp{v * 1000};
}

class ExportParser {
 public:
  ExportParser(const SplitInput& in, RecordBatch& batch, Problems& problems)
      : in_(in), batch_(batch), problems_(problems), line_(in.first_line) {}

  void run() {
    const std::string_view b = in_.bytes;
    while (pos_ < b.size()) {
      if (b[pos_] == '\n') {  // a blank line ends the entry
        advance(1);
        end_entry();
        continue;
      }
      if (!field() && !resync()) return;  // a corrupt field: drop its entry, find the next
    }
    end_entry();
  }

 private:
  // Moves past `n` bytes, counting the newlines in them.
  void advance(size_t n) {
    line_ += static_cast<uint64_t>(std::count(in_.bytes.begin() + static_cast<ptrdiff_t>(pos_),
                                              in_.bytes.begin() + static_cast<ptrdiff_t>(pos_ + n),
                                              '\n'));
    pos_ += n;
  }

  void end_entry() {
    if (!in_entry_) return;
    in_entry_ = false;
    if (entry_.has_message) add_journal_record(entry_, entry_line_, in_, batch_, problems_);
    entry_ = JournalEntry{};
  }

  // A corrupt field: its entry is dropped and reading resumes at the next entry, so one bad
  // length does not cost the rest of the journal. The message says which happened.
  bool stop(uint64_t line, std::string message) {
    problems_.push_back({where(in_, line), std::move(message)});
    bad_field_start_ = field_start_;
    return false;
  }

  // The next entry after a corrupt field: a blank line followed by "NAME=" or "NAME\n" with a
  // valid field name (binary data may hold blank lines too, so the name is checked). Searched
  // from the corrupt field's own line, since its length cannot be trusted.
  bool resync() {
    const std::string_view b = in_.bytes;
    Problem& p = problems_.back();
    in_entry_ = false;
    entry_ = JournalEntry{};
    for (size_t at = b.find("\n\n", bad_field_start_); at != std::string_view::npos;
         at = b.find("\n\n", at + 1)) {
      const size_t start = at + 2;
      const size_t nl = std::min(b.find('\n', start), b.size());
      const std::string_view head = b.substr(start, nl - start);
      const std::string_view name = head.substr(0, std::min(head.find('='), head.size()));
      if (!is_journal_field_name(name) || (nl == b.size() && name.size() == head.size())) continue;
      // Recount lines from the field's start: pos_ may lie past the boundary.
      line_ = field_line_;
      pos_ = bad_field_start_;
      advance(start - pos_);
      p.message += fmt::format("; entry dropped, resumed at line {}", line_);
      return true;
    }
    if (bad_field_start_ < b.size()) p.message += "; the rest of the file is skipped";
    return false;
  }

  bool field() {
    const std::string_view b = in_.bytes;
    if (!in_entry_) {
      in_entry_ = true;
      entry_line_ = line_;
    }
    const uint64_t field_line = line_;
    field_start_ = pos_;
    field_line_ = line_;
    const size_t nl = std::min(b.find('\n', pos_), b.size());
    const size_t eq = b.substr(pos_, nl - pos_).find('=');
    if (eq != std::string_view::npos) {
      set_journal_field(entry_, b.substr(pos_, eq), b.substr(pos_ + eq + 1, nl - pos_ - eq - 1));
      advance(std::min(nl + 1, b.size()) - pos_);
      return true;
    }
    const std::string_view key = b.substr(pos_, nl - pos_);
    if (!is_journal_field_name(key))
      return stop(field_line, "journald export: malformed field name");
    const std::string k(key);
    advance(std::min(nl + 1, b.size()) - pos_);
    if (b.size() - pos_ < 8) {  // the input ends here: nothing to resume at
      stop(field_line, fmt::format("journald export: field {} is cut before its length", k));
      bad_field_start_ = b.size();
      return false;
    }
    uint64_t len = 0;
    for (int i = 7; i >= 0; --i) len = (len << 8) | static_cast<unsigned char>(b[pos_ + i]);
    advance(8);
    const size_t remaining = b.size() - pos_;
    if (len > remaining)
      return stop(field_line, fmt::format("journald export: field {} length {} exceeds the "
                                          "remaining {} bytes",
                                          k, len, remaining));
    if (len > kMaxFieldBytes)
      return stop(field_line, fmt::format("journald export: field {} length {} exceeds the "
                                          "{}-byte field limit",
                                          k, len, kMaxFieldBytes));
    set_journal_field(entry_, key, b.substr(pos_, len));
    advance(len);
    if (pos_ < b.size()) {
      if (b[pos_] != '\n')
        return stop(field_line,
                    fmt::format("journald export: field {} is not followed by a newline", k));
      advance(1);
    }
    return true;
  }

  const SplitInput& in_;
  RecordBatch& batch_;
  Problems& problems_;
  size_t pos_ = 0;
  uint64_t line_;
  size_t field_start_ = 0, bad_field_start_ = 0;  // where the field being read began
  uint64_t field_line_ = 0;
  bool in_entry_ = false;
  uint64_t entry_line_ = 0;
  JournalEntry entry_;
};

}  // namespace

bool lines::is_journal_field_name(std::string_view key) {
  if (key.empty() || key.size() > 64) return false;
  for (char c : key)
    if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_')) return false;
  return true;
}

bool lines::is_journal_field(std::string_view key) {
  return key == "MESSAGE" || key == "__REALTIME_TIMESTAMP" || key == "PRIORITY" ||
         key == "_HOSTNAME" || key == "_SYSTEMD_UNIT" || key == "SYSLOG_IDENTIFIER" ||
         key == "_PID" || key == "_COMM" || key == "UNIT";
}

void lines::set_journal_field(JournalEntry& e, std::string_view key, std::string_view value) {
  if (key == "MESSAGE") {
    e.message = value;
    e.has_message = true;
  } else if (key == "__REALTIME_TIMESTAMP") {
    e.realtime = value;
  } else if (key == "PRIORITY") {
    e.priority = value;
  } else if (key == "_HOSTNAME") {
    e.hostname = value;
  } else if (key == "_SYSTEMD_UNIT") {
    e.systemd_unit = value;
  } else if (key == "SYSLOG_IDENTIFIER") {
    e.identifier = value;
  } else if (key == "UNIT") {  // set by systemd (PID 1) on messages about a unit
    e.about_unit = value;
  } else if (key == "_PID") {
    e.pid = value;
  } else if (key == "_COMM") {
    e.comm = value;
  }
}

Level lines::level_from_priority(std::string_view priority) {
  if (priority.size() != 1) return Level::unknown;
  switch (priority[0]) {
    case '0':
    case '1':
    case '2':
      return Level::fatal;
    case '3':
      return Level::error;
    case '4':
      return Level::warning;
    case '5':
      return Level::notice;
    case '6':
      return Level::info;
    case '7':
      return Level::debug;
    default:
      return Level::unknown;
  }
}

std::string_view lines::unit_named_by_systemd(std::string_view ident, std::string_view message) {
  if (ident != "systemd") return {};
  const size_t colon = message.find(": ");
  if (colon == std::string_view::npos || colon == 0) return {};
  std::string_view unit = message.substr(0, colon);
  if (unit.find(' ') != std::string_view::npos) return {};
  if (unit.ends_with(".service")) return unit.substr(0, unit.size() - 8);
  for (std::string_view suffix : {".socket", ".mount", ".timer", ".scope", ".slice"})
    if (unit.ends_with(suffix)) return unit;
  return {};
}

void lines::add_journal_record(const JournalEntry& e, uint64_t line, const SplitInput& in,
                               RecordBatch& batch, Problems& problems) {
  Record r = make_record(in, SourceKind::journal, line);
  r.ts = realtime_ts(e.realtime);
  std::string_view unit = e.systemd_unit;
  if (unit.ends_with(".service")) unit.remove_suffix(8);
  if (!e.hostname.empty()) r.res.node = e.hostname;
  if (!unit.empty())
    r.res.unit = unit;
  else if (!e.identifier.empty())
    r.res.unit = e.identifier;
  if (auto named = unit_named_by_systemd(e.identifier, e.message); !named.empty()) {
    r.res.unit = named;
  } else if (!e.about_unit.empty()) {
    std::string_view about = e.about_unit;
    if (about.ends_with(".service")) about.remove_suffix(8);
    r.res.unit = about;
  }

  const std::string_view ident = !e.identifier.empty() ? e.identifier
                                 : !e.comm.empty()     ? e.comm
                                                       : unit;
  // "<time> <host> <ident>[<pid>]: <message>", written once into the arena.
  char stamp[kRfc3339MaxBytes];
  const size_t stamp_bytes = format_rfc3339(r.ts, stamp);
  const std::string_view message = e.message.substr(0, kMaxRecordBytes + 4);  // cut, reported
  const std::string_view parts[] = {
      {stamp, stamp_bytes},       stamp_bytes ? " " : "",
      e.hostname,                 e.hostname.empty() ? "" : " ",
      ident,                      !ident.empty() && !e.pid.empty() ? "[" : "",
      ident.empty() ? "" : e.pid, !ident.empty() && !e.pid.empty() ? "]" : "",
      ident.empty() ? "" : ": ",  message};
  size_t size = 0;
  for (const auto& p : parts) size += p.size();
  char* out = batch.arena.allocate(size);
  size_t at = 0;
  for (const auto& p : parts) {
    if (!p.empty()) std::memcpy(out + at, p.data(), p.size());
    at += p.size();
  }
  r.text = std::string_view(out, size);
  r.message = r.text.substr(size - message.size());
  r.level = parse_line_meta(r.message, year_hint(in)).level;
  if (r.level == Level::unknown) r.level = level_from_priority(e.priority);
  push_line_record(r, in, batch, problems);
}

void split_journald_export(const SplitInput& in, RecordBatch& batch, Problems& problems) {
  ExportParser(in, batch, problems).run();
}

}  // namespace kdx::formats::detail
