// The Hyperscan prefilter. Flags, and why:
//   HS_FLAG_MULTILINE  messages are joined by '\n' and scanned in one call, so ^ and $ must
//                      match at every message edge (and also inside multi-line messages: more
//                      candidates, never fewer).
//   HS_FLAG_PREFILTER  only for a regex Hyperscan rejects as written (a construct it cannot
//                      run exactly, a repeat too large): it then compiles an approximation
//                      that matches a superset. Exact regexes compile about twice as fast and
//                      give fewer false candidates, so it is not the default.
//   no HS_FLAG_SINGLEMATCH  it reports a signal once per scan, and one scan covers a whole
//                      batch: every message the signal occurs in must be reported.
//   no HS_FLAG_ALLOWEMPTY   a regex matching the empty string would be reported at every
//                      offset; it goes to the RE2 fallback instead, which handles it per record.
//   no HS_FLAG_UTF8    only ASCII text is scanned (the Matcher sends other messages to RE2),
//                      and on ASCII text byte semantics equal RE2's UTF-8 semantics.
#include "match/prefilter.h"

#include <algorithm>
#include <cstdlib>
#include <optional>

#include <fmt/format.h>

#include "core/assert.h"

#if KDX_HAVE_HYPERSCAN
#include <hs/hs.h>
#endif

namespace kdx::match::detail {

bool is_ascii(std::string_view s) {
  // A branch-free OR over every byte, which the compiler vectorises: it runs on every message.
  unsigned char acc = 0;
  for (char c : s) acc |= static_cast<unsigned char>(c);
  return acc < 0x80;
}

namespace {

// RE2's \s, spelled out for a class: Hyperscan's \s also takes \v (PCRE's), so its \S lacks it.
constexpr std::string_view kRe2Space = "\\t\\n\\f\\r ";

// The class at re[at] == '[' in Hyperscan's syntax, appended to `out`; returns the index of
// its closing ']'. \s becomes RE2's members; \S in a class that is not negated becomes an
// alternative, "[a\S]" -> "(?:[a]|[^\t\n\f\r ])". (\S in a negated class stays: there
// Hyperscan's class is the wider one, which a prefilter may be.)
size_t convert_class(std::string_view re, size_t at, std::string& out) {
  size_t i = at + 1;
  const bool negated = i < re.size() && re[i] == '^';
  if (negated) ++i;
  std::string body;
  bool not_space = false;
  for (bool first = true; i < re.size(); ++i, first = false) {
    const char c = re[i];
    if (c == ']' && !first) break;
    if (c == '[' && i + 1 < re.size() && re[i + 1] == ':') {  // [:alpha:]
      const size_t close = re.find(":]", i + 2);
      if (close == std::string_view::npos) break;
      body.append(re.substr(i, close + 2 - i));
      i = close + 1;
      continue;
    }
    if (c == '\\' && i + 1 < re.size()) {
      const char e = re[++i];
      if (e == 's') {
        body += kRe2Space;
      } else if (e == 'S' && !negated) {
        not_space = true;
      } else if ((e == 'x' || e == 'p' || e == 'P') && i + 1 < re.size() && re[i + 1] == '{') {
        const size_t close = std::min(re.find('}', i), re.size() - 1);
        body += '\\';
        body.append(re.substr(i, close + 1 - i));
        i = close;
      } else {
        body += '\\';
        body += e;
      }
      continue;
    }
    body += c;
  }
  const std::string space_class = fmt::format("[^{}]", kRe2Space);
  if (!not_space)
    out += fmt::format("[{}{}]", negated ? "^" : "", body);
  else if (body.empty())
    out += space_class;
  else
    out += fmt::format("(?:[{}]|{})", body, space_class);
  return i;
}

}  // namespace

std::string to_hyperscan_syntax(std::string_view re) {
  std::string out;
  out.reserve(re.size());
  bool quoted = false;
  for (size_t i = 0; i < re.size(); ++i) {
    const char c = re[i];
    if (quoted) {  // \Q...\E: literal up to \E
      if (c == '\\' && i + 1 < re.size() && re[i + 1] == 'E') quoted = false;
      out += c;
      continue;
    }
    if (c == '\\' && i + 1 < re.size()) {
      const char n = re[++i];
      switch (n) {
        case 'A': out += '^'; break;
        case 'z': out += '$'; break;
        case 's': out += fmt::format("[{}]", kRe2Space); break;
        case 'S': out += fmt::format("[^{}]", kRe2Space); break;
        default:
          if (n == 'Q') quoted = true;
          out += c;
          out += n;
      }
      continue;
    }
    if (c == '[') {
      i = convert_class(re, i, out);
      continue;
    }
    out += c;
  }
  return out;
}

namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_lower(char c) { return c >= 'a' && c <= 'z'; }
bool is_upper(char c) { return c >= 'A' && c <= 'Z'; }
bool is_alnum(char c) { return is_digit(c) || is_lower(c) || is_upper(c); }
bool is_printable(char c) { return c >= 0x20 && c <= 0x7e; }
// Punctuation a backslash makes literal in both engines.
bool is_punct(char c) { return is_printable(c) && c != ' ' && !is_alnum(c); }

// A class body after '[' or '[^' up to its ']': literals, escaped punctuation, \d, \w, \t, \S
// (as to_hyperscan_syntax() writes it), a range within digits, lower or upper letters, '-'
// only first or last; \s and \n only in a negated class, which must hold one of them: else it
// takes the '\n' between two messages. `i` ends past ']'.
bool plain_class(std::string_view re, size_t& i, bool negated) {
  const size_t first = i;
  bool newline = false;
  char prev = 0;  // the last single member, a range's possible start; 0 after a range or escape
  while (i < re.size()) {
    const char c = re[i];
    if (c == ']' && i > first) {
      ++i;
      return !negated || newline;
    }
    if (c == '\\') {
      if (i + 1 >= re.size()) return false;
      const char e = re[i + 1];
      const bool same = e == 'd' || e == 'w' || e == 't' || is_punct(e);
      const bool allowed = negated ? e == 's' || e == 'n' : e == 'S';
      if (!same && !allowed) return false;
      newline |= e == 'n' || e == 's';
      prev = 0;
      i += 2;
      continue;
    }
    if (c == '-') {
      const bool edge = i == first || (i + 1 < re.size() && re[i + 1] == ']');
      if (edge) {
        prev = 0;
        ++i;
        continue;
      }
      if (i + 1 >= re.size() || !prev) return false;
      const char to = re[i + 1];
      const bool same_kind = (is_digit(prev) && is_digit(to)) ||
                             (is_lower(prev) && is_lower(to)) || (is_upper(prev) && is_upper(to));
      if (!same_kind || to < prev) return false;
      prev = 0;
      i += 2;
      continue;
    }
    if (!is_printable(c) || c == '[' || c == ']') return false;
    prev = c;
    ++i;
  }
  return false;  // no closing ']'
}

// A counted repeat after '{': digits, optionally ',' and digits, then '}'. `i` ends past '}'.
bool plain_repeat(std::string_view re, size_t& i) {
  const size_t start = i;
  while (i < re.size() && is_digit(re[i])) ++i;
  if (i == start) return false;
  if (i < re.size() && re[i] == ',') {
    ++i;
    while (i < re.size() && is_digit(re[i])) ++i;
  }
  if (i >= re.size() || re[i] != '}') return false;
  ++i;
  return true;
}

}  // namespace

bool same_in_both_engines(std::string_view re) {
  size_t i = 0;
  if (re.starts_with("(?i)")) i = 4;
  int depth = 0;
  bool atom = false;  // whether a quantifier may follow
  while (i < re.size()) {
    const char c = re[i];
    switch (c) {
      case '\\': {
        if (i + 1 >= re.size()) return false;
        const char e = re[i + 1];
        if (e != 'd' && e != 'w' && e != 'S' && e != 't' && e != 'b' && !is_punct(e))
          return false;
        atom = e != 'b';
        i += 2;
        continue;
      }
      case '[': {
        ++i;
        const bool negated = i < re.size() && re[i] == '^';
        if (negated) ++i;
        if (!plain_class(re, i, negated)) return false;
        atom = true;
        continue;
      }
      case '(':
        if (re.substr(i).starts_with("(?:")) {
          i += 3;
        } else if (re.substr(i).starts_with("(?i:")) {
          i += 4;
        } else if (re.substr(i).starts_with("(?P<")) {
          i += 4;
          while (i < re.size() && (is_alnum(re[i]) || re[i] == '_')) ++i;
          if (i >= re.size() || re[i] != '>') return false;
          ++i;
        } else if (i + 1 < re.size() && re[i + 1] != '?') {
          ++i;
        } else {
          return false;
        }
        ++depth;
        atom = false;
        continue;
      case ')':
        if (--depth < 0) return false;
        atom = true;
        ++i;
        continue;
      case '|':
        atom = false;
        ++i;
        continue;
      case '?':
      case '*':
      case '+':
      case '{':
        if (!atom) return false;
        if (c == '{') {
          ++i;
          if (!plain_repeat(re, i)) return false;
        } else {
          ++i;
        }
        if (i < re.size() && re[i] == '?') ++i;  // lazy
        atom = false;  // no quantifier on a quantifier
        continue;
      case '.':
        atom = true;
        ++i;
        continue;
      case '^':
      case '$':
      case ']':
      case '}':
        return false;
      default:
        if (!is_printable(c)) return false;
        atom = true;
        ++i;
        continue;
    }
  }
  return depth == 0;
}

std::string_view fold_to_bytes(std::string_view utf8, std::string& out) {
  out.clear();
  for (char c : utf8) {
    const auto b = static_cast<unsigned char>(c);
    if (b < 0x80) out.push_back(c);
    else if (b >= 0xC0) out.push_back('\xff');  // a lead byte; continuation bytes are dropped
  }
  return out;
}

bool finds_folded(std::string_view re2) {
  if (!is_ascii(re2)) return false;
  for (size_t i = 0; i + 1 < re2.size(); ++i) {
    if (re2[i] == '\\') {
      const char e = re2[i + 1];
      if (e == 'p' || e == 'P' || e == 'C' || e == 'x' || is_digit(e)) return false;
      ++i;  // an escaped character, whatever it is, starts nothing
      continue;
    }
    if (re2[i] != '(' || re2[i + 1] != '?') continue;
    // A flag group's flags: letters and '-' up to ':' or ')'.
    for (size_t k = i + 2; k < re2.size() && (is_alnum(re2[k]) || re2[k] == '-'); ++k)
      if (re2[k] == 'i') return false;
  }
  return true;
}

#if KDX_HAVE_HYPERSCAN

struct HsScratch::Impl {
  hs_scratch_t* scratch = nullptr;
  const hs_database_t* sized_for = nullptr;  // the database `scratch` was last grown for
  std::vector<uint32_t> last;                // per signal: 1 + last message reported
  ~Impl() {
    if (scratch) hs_free_scratch(scratch);
  }
};

struct HyperscanPrefilter::Db {
  hs_database_t* db = nullptr;
  ~Db() {
    if (db) hs_free_database(db);
  }
};

namespace {

constexpr unsigned kBaseFlags = HS_FLAG_MULTILINE;
constexpr int kMaxCompileRetries = 64;

// Flags for one regex: exact when Hyperscan takes it, else a prefilter; none when it cannot
// take it at all or the regex can match the empty string.
std::optional<unsigned> choose_flags(const std::string& re) {
  for (unsigned flags : {kBaseFlags, kBaseFlags | HS_FLAG_PREFILTER}) {
    hs_expr_info_t* info = nullptr;
    hs_compile_error_t* err = nullptr;
    if (hs_expression_info(re.c_str(), flags, &info, &err) != HS_SUCCESS) {
      hs_free_compile_error(err);
      continue;
    }
    const bool empty = info->min_width == 0;
    std::free(info);  // allocated with Hyperscan's default allocator (malloc)
    if (empty) return std::nullopt;
    return flags;
  }
  return std::nullopt;
}

struct ScanContext {
  std::span<const uint32_t> starts;
  uint32_t first_message = 0;
  size_t cursor = 0;
  std::vector<uint32_t>* last = nullptr;
  std::vector<Candidate>* out = nullptr;
};

// A match ending at `to` belongs to the last message starting before it: a match that crosses
// a '\n' into the next message only adds a candidate there, and the message it really lies in
// is reported by its own end offset.
int on_match(unsigned id, unsigned long long, unsigned long long to, unsigned, void* ctx_ptr) {
  auto& ctx = *static_cast<ScanContext*>(ctx_ptr);
  const auto& s = ctx.starts;
  if (ctx.cursor >= s.size() || s[ctx.cursor] >= to) {
    ctx.cursor = static_cast<size_t>(std::lower_bound(s.begin(), s.end(), to) - s.begin());
    if (ctx.cursor > 0) --ctx.cursor;
  }
  while (ctx.cursor + 1 < s.size() && s[ctx.cursor + 1] < to) ++ctx.cursor;
  const uint32_t message = ctx.first_message + static_cast<uint32_t>(ctx.cursor);
  uint32_t& last = (*ctx.last)[id];
  if (last == message + 1) return 0;
  last = message + 1;
  ctx.out->push_back({message, id});
  return 0;
}

}  // namespace

HsScratch::HsScratch() : impl_(std::make_unique<Impl>()) {}
HsScratch::~HsScratch() = default;
HsScratch::HsScratch(HsScratch&&) noexcept = default;
HsScratch& HsScratch::operator=(HsScratch&&) noexcept = default;

HyperscanPrefilter::HyperscanPrefilter(std::unique_ptr<Db> db, size_t signal_count,
                                       std::vector<uint32_t> approximate)
    : db_(std::move(db)), signal_count_(signal_count), approximate_(std::move(approximate)) {}
HyperscanPrefilter::~HyperscanPrefilter() = default;

std::unique_ptr<HyperscanPrefilter> HyperscanPrefilter::build(
    const std::vector<std::string>& regexes, std::vector<uint32_t>* rejected) {
  std::vector<std::string> converted;
  std::vector<unsigned> flags, ids;
  for (uint32_t i = 0; i < regexes.size(); ++i) {
    std::string re = to_hyperscan_syntax(regexes[i]);
    const auto f = choose_flags(re);
    if (!f) {
      rejected->push_back(i);
      continue;
    }
    converted.push_back(std::move(re));
    flags.push_back(*f);
    ids.push_back(i);
  }
  // The whole database can still fail on one expression (a size limit met only in context):
  // that one moves to the prefilter approximation, then to the RE2 fallback, and we retry.
  for (int attempt = 0; attempt < kMaxCompileRetries && !converted.empty(); ++attempt) {
    std::vector<const char*> exprs;
    for (const auto& re : converted) exprs.push_back(re.c_str());
    hs_database_t* db = nullptr;
    hs_compile_error_t* err = nullptr;
    if (hs_compile_multi(exprs.data(), flags.data(), ids.data(),
                         static_cast<unsigned>(exprs.size()), HS_MODE_BLOCK, nullptr, &db,
                         &err) == HS_SUCCESS) {
      auto holder = std::make_unique<Db>();
      holder->db = db;
      std::sort(rejected->begin(), rejected->end());
      std::vector<uint32_t> approximate;
      for (size_t k = 0; k < ids.size(); ++k)
        if (flags[k] & HS_FLAG_PREFILTER) approximate.push_back(ids[k]);
      return std::unique_ptr<HyperscanPrefilter>(
          new HyperscanPrefilter(std::move(holder), regexes.size(), std::move(approximate)));
    }
    const int bad = err->expression;
    hs_free_compile_error(err);
    if (bad < 0) break;  // not one expression's fault
    const auto b = static_cast<size_t>(bad);
    if (!(flags[b] & HS_FLAG_PREFILTER)) {
      flags[b] |= HS_FLAG_PREFILTER;
      continue;
    }
    rejected->push_back(ids[b]);
    converted.erase(converted.begin() + bad);
    flags.erase(flags.begin() + bad);
    ids.erase(ids.begin() + bad);
  }
  for (uint32_t id : ids) rejected->push_back(id);
  std::sort(rejected->begin(), rejected->end());
  return nullptr;
}

void HyperscanPrefilter::scan(std::string_view text, std::span<const uint32_t> starts,
                              uint32_t first_message, HsScratch& scratch,
                              std::vector<Candidate>& out) const {
  if (text.empty() || starts.empty()) return;
  auto& sc = scratch.impl();
  if (sc.sized_for != db_->db) {
    // Grows the scratch for this database; it fails only when memory runs out.
    KDX_ASSERT(hs_alloc_scratch(db_->db, &sc.scratch) == HS_SUCCESS);
    sc.sized_for = db_->db;
  }
  sc.last.assign(signal_count_, 0);
  ScanContext ctx{starts, first_message, 0, &sc.last, &out};
  hs_scan(db_->db, text.data(), static_cast<unsigned>(text.size()), 0, sc.scratch, on_match, &ctx);
}

namespace {
int on_match_end(unsigned, unsigned long long, unsigned long long to, unsigned, void* out) {
  auto& ends = *static_cast<std::vector<uint32_t>*>(out);
  const auto last = static_cast<uint32_t>(to - 1);  // no regex here matches the empty string
  if (ends.empty() || ends.back() != last) ends.push_back(last);  // the same end, many regexes
  return 0;
}
}  // namespace

void HyperscanPrefilter::scan_ends(std::string_view text, HsScratch& scratch,
                                   std::vector<uint32_t>& out) const {
  if (text.empty()) return;
  auto& sc = scratch.impl();
  if (sc.sized_for != db_->db) {
    KDX_ASSERT(hs_alloc_scratch(db_->db, &sc.scratch) == HS_SUCCESS);
    sc.sized_for = db_->db;
  }
  hs_scan(db_->db, text.data(), static_cast<unsigned>(text.size()), 0, sc.scratch, on_match_end,
          &out);
}

std::string HyperscanPrefilter::serialize() const {
  char* bytes = nullptr;
  size_t length = 0;
  if (hs_serialize_database(db_->db, &bytes, &length) != HS_SUCCESS) return {};
  std::string out(bytes, length);
  std::free(bytes);  // allocated with Hyperscan's default allocator (malloc)
  return out;
}

std::unique_ptr<HyperscanPrefilter> HyperscanPrefilter::deserialize(
    std::string_view bytes, size_t signal_count, std::vector<uint32_t> approximate) {
  // Hyperscan checks the magic, version, platform and the bytecode's CRC itself.
  hs_database_t* db = nullptr;
  if (bytes.empty() ||
      hs_deserialize_database(bytes.data(), bytes.size(), &db) != HS_SUCCESS || !db)
    return nullptr;
  auto holder = std::make_unique<Db>();
  holder->db = db;
  return std::unique_ptr<HyperscanPrefilter>(
      new HyperscanPrefilter(std::move(holder), signal_count, std::move(approximate)));
}

std::string HyperscanPrefilter::build_environment() {
  hs_platform_info_t platform{};
  if (hs_populate_platform(&platform) != HS_SUCCESS) return {};
  return fmt::format("hyperscan {}\ntune {} cpu_features {:x}\n", hs_version(), platform.tune,
                     platform.cpu_features);
}

#else  // no Hyperscan in this build: the Matcher uses its RE2::Set for everything.

struct HsScratch::Impl {};
struct HyperscanPrefilter::Db {};

HsScratch::HsScratch() : impl_(std::make_unique<Impl>()) {}
HsScratch::~HsScratch() = default;
HsScratch::HsScratch(HsScratch&&) noexcept = default;
HsScratch& HsScratch::operator=(HsScratch&&) noexcept = default;

HyperscanPrefilter::HyperscanPrefilter(std::unique_ptr<Db> db, size_t signal_count,
                                       std::vector<uint32_t> approximate)
    : db_(std::move(db)), signal_count_(signal_count), approximate_(std::move(approximate)) {}
HyperscanPrefilter::~HyperscanPrefilter() = default;

std::unique_ptr<HyperscanPrefilter> HyperscanPrefilter::build(
    const std::vector<std::string>& regexes, std::vector<uint32_t>* rejected) {
  for (uint32_t i = 0; i < regexes.size(); ++i) rejected->push_back(i);
  return nullptr;
}

void HyperscanPrefilter::scan(std::string_view, std::span<const uint32_t>, uint32_t, HsScratch&,
                              std::vector<Candidate>&) const {}
void HyperscanPrefilter::scan_ends(std::string_view, HsScratch&, std::vector<uint32_t>&) const {}

std::string HyperscanPrefilter::serialize() const { return {}; }
std::unique_ptr<HyperscanPrefilter> HyperscanPrefilter::deserialize(std::string_view, size_t,
                                                                    std::vector<uint32_t>) {
  return nullptr;
}
std::string HyperscanPrefilter::build_environment() { return {}; }

#endif

}  // namespace kdx::match::detail
