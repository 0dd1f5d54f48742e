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

std::string to_hyperscan_syntax(std::string_view re) {
  std::string out;
  out.reserve(re.size());
  bool in_class = false, quoted = false;
  for (size_t i = 0; i < re.size(); ++i) {
    const char c = re[i];
    if (quoted) {  // \Q...\E: literal up to \E
      if (c == '\\' && i + 1 < re.size() && re[i + 1] == 'E') quoted = false;
      out += c;
      continue;
    }
    if (c == '\\' && i + 1 < re.size()) {
      const char n = re[i + 1];
      ++i;
      if (!in_class && n == 'A') { out += '^'; continue; }
      if (!in_class && n == 'z') { out += '$'; continue; }
      if (n == 'Q') quoted = true;
      out += c;
      out += n;
      continue;
    }
    if (in_class) {
      if (c == ']') in_class = false;
    } else if (c == '[') {
      in_class = true;
      out += c;
      // A ']' right after '[' or '[^' is a member, not the end.
      if (i + 1 < re.size() && re[i + 1] == '^') out += re[++i];
      if (i + 1 < re.size() && re[i + 1] == ']') out += re[++i];
      continue;
    }
    out += c;
  }
  return out;
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

HyperscanPrefilter::HyperscanPrefilter(std::unique_ptr<Db> db, size_t signal_count)
    : db_(std::move(db)), signal_count_(signal_count) {}
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
      return std::unique_ptr<HyperscanPrefilter>(
          new HyperscanPrefilter(std::move(holder), regexes.size()));
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

std::unique_ptr<HyperscanPrefilter> HyperscanPrefilter::deserialize(std::string_view bytes,
                                                                    size_t signal_count) {
  // Hyperscan checks the magic, version, platform and the bytecode's CRC itself.
  hs_database_t* db = nullptr;
  if (bytes.empty() ||
      hs_deserialize_database(bytes.data(), bytes.size(), &db) != HS_SUCCESS || !db)
    return nullptr;
  auto holder = std::make_unique<Db>();
  holder->db = db;
  return std::unique_ptr<HyperscanPrefilter>(
      new HyperscanPrefilter(std::move(holder), signal_count));
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

HyperscanPrefilter::HyperscanPrefilter(std::unique_ptr<Db> db, size_t signal_count)
    : db_(std::move(db)), signal_count_(signal_count) {}
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
std::unique_ptr<HyperscanPrefilter> HyperscanPrefilter::deserialize(std::string_view, size_t) {
  return nullptr;
}
std::string HyperscanPrefilter::build_environment() { return {}; }

#endif

}  // namespace kdx::match::detail
