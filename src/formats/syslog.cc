// Syslog-style text: journalctl's short ("Jun  4 10:00:00 host ident[pid]: msg"),
// short-precise ("Jun 04 10:00:00.123456 ..."), short-iso ("2026-06-04T10:00:00+0000 ..."),
// /var/log/syslog and /var/log/messages (RFC 3164, optionally with <PRI>, or rsyslog's
// RFC 3339 stamps) and RFC 5424 ("<34>1 2026-06-04T10:00:00Z host app pid msgid - msg").
// journalctl prints the month in the machine's locale ("Mär", "févr.", "okt"), so month
// names of the common European locales are accepted besides English.
// Every line is its own record; a line that does not parse is kept with an unknown time.
#include <array>

#include "formats/line_util.h"

namespace kdx::formats::detail {

using namespace lines;  // this file implements part of line_util.h
namespace {

constexpr size_t kMaxIdent = 64;
constexpr size_t kMaxMonthToken = 8;  // bytes of the longest abbreviation below ("févr.")

struct MonthName {
  std::string_view name;  // ASCII letters lower case, without a trailing '.'
  int month;
};

// glibc's abbreviated month names (%b) of common locales that are not English: German,
// French, Spanish, Italian, Portuguese, Dutch, Polish, Czech, Nordic, Turkish and Russian.
// None of them names two different months, so no locale has to be known.
constexpr auto kLocalMonths = std::to_array<MonthName>({
    {"jän", 1}, {"janv", 1}, {"ene", 1}, {"gen", 1}, {"sty", 1}, {"led", 1},
    {"oca", 1}, {"янв", 1}, {"févr", 2}, {"fev", 2}, {"lut", 2}, {"úno", 2},
    {"şub", 2}, {"фев", 2}, {"Şub", 2}, {"mär", 3}, {"mrz", 3}, {"mars", 3},
    {"mrt", 3}, {"bře", 3}, {"мар", 3}, {"avr", 4}, {"abr", 4}, {"kwi", 4},
    {"dub", 4}, {"nis", 4}, {"апр", 4}, {"mai", 5}, {"mag", 5}, {"mei", 5},
    {"maj", 5}, {"kvě", 5}, {"мая", 5}, {"май", 5}, {"juin", 6}, {"giu", 6},
    {"cze", 6}, {"čen", 6}, {"haz", 6}, {"июн", 6}, {"čvn", 6}, {"juil", 7},
    {"lug", 7}, {"lip", 7}, {"čec", 7}, {"tem", 7}, {"июл", 7}, {"čvc", 7},
    {"août", 8}, {"ago", 8}, {"sie", 8}, {"srp", 8}, {"ağu", 8}, {"авг", 8},
    {"sept", 9}, {"set", 9}, {"wrz", 9}, {"zář", 9}, {"eyl", 9}, {"сен", 9},
    {"okt", 10}, {"ott", 10}, {"out", 10}, {"paź", 10}, {"říj", 10}, {"eki", 10},
    {"окт", 10}, {"lis", 11}, {"kas", 11}, {"ноя", 11}, {"dez", 12}, {"déc", 12},
    {"dic", 12}, {"gru", 12}, {"pro", 12}, {"ara", 12}, {"дек", 12},
});

// The month a syslog stamp's first token names, English or localised; 0 if none.
int month_from_token(std::string_view tok) {
  if (!tok.empty() && tok.back() == '.') tok.remove_suffix(1);  // "févr.", "sept."
  if (tok.empty() || tok.size() > kMaxMonthToken) return 0;
  char lower[kMaxMonthToken];
  for (size_t i = 0; i < tok.size(); ++i) {
    const char c = tok[i];
    lower[i] = (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
  }
  const std::string_view l(lower, tok.size());
  if (l.size() == 3)
    if (const int m = month_from_abbrev(l)) return m;  // English; also "sep." (es), "dec." (nl)
  for (const MonthName& m : kLocalMonths)
    if (m.name == l) return m.month;
  return 0;
}

// The next space-separated token of `s` from `*pos`, which then points past one space.
std::string_view token(std::string_view s, size_t* pos) {
  const size_t start = *pos;
  size_t i = start;
  while (i < s.size() && s[i] != ' ') ++i;
  *pos = i < s.size() ? i + 1 : i;
  return s.substr(start, i - start);
}

// "ident[pid]: message" or "ident: message". Without a tag the whole rest is the message
// (unless `required`).
bool parse_tag(std::string_view rest, bool required, bool need_pid, SyslogLine* out) {
  size_t pos = 0;
  const std::string_view tok = token(rest, &pos);
  if (tok.size() < 2 || tok.back() != ':' || tok.size() > kMaxIdent + 1) {
    out->message = rest;
    return !required;
  }
  std::string_view tag = tok.substr(0, tok.size() - 1);
  const size_t open = tag.find('[');
  if (open != std::string_view::npos && open > 0 && tag.back() == ']') {
    out->pid = tag.substr(open + 1, tag.size() - open - 2);
    tag = tag.substr(0, open);
  } else if (need_pid) {
    out->message = rest;
    return false;
  }
  out->ident = tag;
  out->message = rest.substr(pos);
  return true;
}

// "Jun  4 10:00:00[.frac] host rest" (RFC 3164, journalctl short and short-precise), the
// month possibly localised ("Mär 04 ...", "févr. 04 ...").
bool parse_bsd(std::string_view s, int year_hint, SyslogLine* out) {
  const size_t sp = s.find(' ');
  if (sp == std::string_view::npos || sp == 0 || sp > kMaxMonthToken) return false;
  const int month = month_from_token(s.substr(0, sp));
  if (month == 0 || s.size() < sp + 13) return false;
  size_t i = sp + 1;
  if (s[i] == ' ') ++i;
  int day = 0;
  if (parse_digits(s, i, 2, &day))
    i += 2;
  else if (parse_digits(s, i, 1, &day))
    i += 1;
  else
    return false;
  int h, mi, se;
  if (i >= s.size() || s[i] != ' ' || !parse_digits(s, i + 1, 2, &h) || s.size() < i + 9 ||
      s[i + 3] != ':' || !parse_digits(s, i + 4, 2, &mi) || s[i + 6] != ':' ||
      !parse_digits(s, i + 7, 2, &se))
    return false;
  i += 9;
  int64_t nanos = 0;
  if (i < s.size() && s[i] == '.') i += parse_fraction(s, i, &nanos);
  if (i >= s.size() || s[i] != ' ') return false;
  ++i;
  out->host = token(s, &i);
  if (out->host.empty()) return false;
  out->year_inferred = true;
  if (year_hint > 0)
    if (auto ts = make_utc(year_hint, month, day, h, mi, se, nanos)) out->ts = *ts;
  return parse_tag(s.substr(i), false, false, out);
}

// "2026-06-04T10:00:00.123456+0000 host ident[pid]: msg" (short-iso, rsyslog RFC 3339). A
// "Z" stamp is what kubectl prints too, so it needs the "ident[pid]:" tag to count.
bool parse_iso(std::string_view s, SyslogLine* out) {
  Timestamp ts;
  size_t n = 0;
  if (!parse_line_timestamp(s, &ts, &n) || n >= s.size()) return false;
  const bool zulu = s[n - 1] == 'Z' || s[n - 1] == 'z';
  size_t i = n + 1;
  out->host = token(s, &i);
  if (out->host.empty() || out->host.back() == ':') return false;
  out->ts = ts;
  return parse_tag(s.substr(i), true, zulu, out);
}

// After "<PRI>1 ": "TIMESTAMP HOST APP PROCID MSGID SD [MSG]", '-' for a nil field.
bool parse_5424(std::string_view s, SyslogLine* out) {
  size_t i = 0;
  const std::string_view stamp = token(s, &i);
  const std::string_view host = token(s, &i);
  const std::string_view app = token(s, &i);
  const std::string_view procid = token(s, &i);
  const std::string_view msgid = token(s, &i);
  if (stamp.empty() || host.empty() || app.empty() || procid.empty() || msgid.empty()) return false;
  if (stamp != "-") {
    size_t n = 0;
    auto ts = parse_rfc3339(stamp, &n);
    if (!ts || n != stamp.size()) return false;
    out->ts = *ts;
  }
  if (i < s.size() && s[i] == '-') {
    ++i;
  } else {
    while (i < s.size() && s[i] == '[') {  // structured data: [id k="v\]" ...]...
      for (++i; i < s.size() && s[i] != ']'; ++i)
        if (s[i] == '\\') ++i;
      if (i >= s.size()) return false;
      ++i;
    }
  }
  if (i < s.size() && s[i] == ' ') ++i;
  std::string_view msg = s.substr(i);
  if (msg.starts_with("\xEF\xBB\xBF")) msg.remove_prefix(3);
  out->host = host == "-" ? std::string_view() : host;
  out->ident = app == "-" ? std::string_view() : app;
  out->pid = procid == "-" ? std::string_view() : procid;
  out->message = msg;
  return true;
}

}  // namespace

bool lines::parse_syslog_line(std::string_view line, int year_hint, SyslogLine* out) {
  *out = SyslogLine{};
  std::string_view s = line;
  if (s.starts_with('<')) {
    int pri = 0;
    size_t i = 1;
    for (; i < s.size() && i <= 3 && s[i] >= '0' && s[i] <= '9'; ++i) pri = pri * 10 + (s[i] - '0');
    if (i == 1 || i >= s.size() || s[i] != '>' || pri > 191) return false;
    s.remove_prefix(i + 1);
    out->pri = pri;
    if (s.size() > 2 && s[0] >= '1' && s[0] <= '9' && s[1] == ' ') {
      const int pri_kept = out->pri;
      const bool ok = parse_5424(s.substr(2), out);
      out->pri = pri_kept;
      return ok;
    }
  }
  const int pri = out->pri;
  bool ok = false;
  if (!s.empty() && s[0] >= '0' && s[0] <= '9')
    ok = parse_iso(s, out);
  else
    ok = parse_bsd(s, year_hint, out);
  out->pri = pri;
  return ok;
}

bool lines::is_journal_marker(std::string_view line) {
  if (!line.starts_with("-- ")) return false;
  return line.starts_with("-- Logs begin at ") || line.starts_with("-- Journal begins at ") ||
         line.ends_with(" --");
}

void split_syslog(const SplitInput& in, RecordBatch& batch, Problems& problems) {
  const int year = year_hint(in);
  // A year-less stamp later than the file itself belongs to the year before (a log that
  // crosses New Year, dated by the file's modification time).
  const bool have_mtime = in.file && in.file->mtime.known();
  LineReader reader(in.bytes, bom_length(in));
  Line l;
  uint64_t line_no = in.first_line - 1;
  while (reader.next(l)) {
    ++line_no;
    if (is_blank(l.text) || is_journal_marker(l.text)) continue;
    Record r = make_record(in, SourceKind::journal, line_no);
    r.text = l.text;
    SyslogLine s;
    if (!parse_syslog_line(l.text, year, &s)) {
      r.message = l.text;
      r.level = parse_line_meta(l.text, year).level;
      push_line_record(r, in, batch, problems);
      continue;
    }
    if (s.year_inferred && have_mtime && s.ts.known() &&
        s.ts.unix_ns > in.file->mtime.unix_ns + 86400 * kNsPerSecond)
      parse_syslog_line(l.text, year - 1, &s);
    r.message = s.message;
    r.ts = s.ts;
    if (!s.host.empty()) r.res.node = s.host;
    if (!s.ident.empty()) r.res.unit = s.ident;
    if (auto named = unit_named_by_systemd(s.ident, s.message); !named.empty()) r.res.unit = named;
    r.level = parse_line_meta(s.message, year).level;
    if (r.level == Level::unknown && s.pri >= 0) {
      const char severity = static_cast<char>('0' + s.pri % 8);
      r.level = level_from_priority(std::string_view(&severity, 1));
    }
    push_line_record(r, in, batch, problems);
  }
}

}  // namespace kdx::formats::detail
