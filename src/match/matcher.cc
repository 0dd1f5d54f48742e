#include <algorithm>
#include <atomic>
#include <utility>

#include <re2/re2.h>
#include <re2/set.h>

#include <fmt/format.h>

#include "match/hs_cache.h"
#include "match/match.h"
#include "match/prefilter.h"

namespace kdx::match {

namespace {

RE2::Options quiet_options() {
  RE2::Options o;
  o.set_log_errors(false);
  return o;
}

std::unique_ptr<RE2> compile_opt(const std::string& re) {
  if (re.empty()) return nullptr;
  return std::make_unique<RE2>(re, quiet_options());
}

// A signal's RE2s: its regex with captures, its `unless` and its selectors.
struct SignalRegexes {
  std::unique_ptr<RE2> regex;
  std::unique_ptr<RE2> unless;
  std::unique_ptr<RE2> reason, container, unit;
  std::vector<std::string> group_names;  // index = capture group number; "" if unnamed
  // Groups to ask RE2 for: up to the last named one. 0 when nothing is named: RE2 then only
  // runs its DFA, much faster than the submatch engines a confirmation otherwise needs.
  int capture_groups = 0;

  explicit SignalRegexes(const rules::Signal& sig)
      : regex(std::make_unique<RE2>(sig.regex, quiet_options())),
        unless(compile_opt(sig.unless)),
        reason(compile_opt(sig.select.reason)),
        container(compile_opt(sig.select.container)),
        unit(compile_opt(sig.select.unit)) {
    // The rule loader compiled every regex with these options: none fails here. One that did
    // (a hand-made RuleSet) matches nothing: RE2 fails every Match of a regex that is not ok().
    group_names.assign(static_cast<size_t>(std::max(0, regex->NumberOfCapturingGroups())) + 1,
                       "");
    for (const auto& [name, ix] : regex->NamedCapturingGroups()) {
      group_names[static_cast<size_t>(ix)] = name;
      capture_groups = std::max(capture_groups, ix + 1);
    }
  }
};

// A signal's compiled form. Its RE2s are compiled the first time a candidate needs them: in a
// large rule set most signals never see a candidate, or only ones Hyperscan's exact match
// settles (ten times the embedded rules: 2770 regexes, 0.03 s of start-up on two cores).
struct CompiledSignal {
  rules::RuleIx rule = 0;
  uint16_t index = 0;
  const rules::Signal* spec = nullptr;
  uint32_t source_mask = 0;  // bit per SourceKind; 0 = any
  bool has_regex_selector = false;

  CompiledSignal() = default;
  CompiledSignal(const CompiledSignal&) = delete;
  CompiledSignal& operator=(const CompiledSignal&) = delete;
  ~CompiledSignal() { delete compiled_.load(std::memory_order_relaxed); }

  // Thread-safe. Two threads may compile the same signal at once: the first to finish wins.
  const SignalRegexes& regexes() const {
    if (const SignalRegexes* ready = compiled_.load(std::memory_order_acquire)) return *ready;
    auto fresh = std::make_unique<SignalRegexes>(*spec);
    const SignalRegexes* expected = nullptr;
    if (compiled_.compare_exchange_strong(expected, fresh.get(), std::memory_order_acq_rel,
                                          std::memory_order_acquire))
      return *fresh.release();
    return *expected;
  }

 private:
  mutable std::atomic<const SignalRegexes*> compiled_{nullptr};
};

uint64_t signal_bit(uint16_t index) { return index < 64 ? 1ull << index : 0; }

// The batch path joins messages into text of about this size per Hyperscan call: big enough
// to amortise the call, small enough to stay in cache and bound the scratch copy.
constexpr size_t kScanSliceBytes = 256 << 10;

// Engine::automatic builds Hyperscan only once this many message bytes went through the
// RE2::Set: its compile time (~0.15 s for the embedded database) is then paid back within a
// few more chunks, and a paste or a small bundle never pays it.
constexpr uint64_t kLazyHyperscanBytes = 32 << 20;

bool full_match(const std::unique_ptr<RE2>& re, std::string_view s) {
  return !re || RE2::FullMatch(re2::StringPiece(s.data(), s.size()), *re);
}

// Length of the valid UTF-8 sequence at s[i] (no overlongs, surrogates or > U+10FFFF), or 0.
size_t utf8_length(std::string_view s, size_t i) {
  const auto c = static_cast<unsigned char>(s[i]);
  if (c < 0x80) return 1;
  const size_t n = c >= 0xC2 && c <= 0xDF   ? 2
                   : c >= 0xE0 && c <= 0xEF ? 3
                   : c >= 0xF0 && c <= 0xF4 ? 4
                                            : 0;
  if (n == 0 || i + n > s.size()) return 0;
  for (size_t k = 1; k < n; ++k)
    if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return 0;
  const auto c1 = static_cast<unsigned char>(s[i + 1]);
  if ((c == 0xE0 && c1 < 0xA0) || (c == 0xED && c1 > 0x9F) || (c == 0xF0 && c1 < 0x90) ||
      (c == 0xF4 && c1 > 0x8F))
    return 0;
  return n;
}

// RE2 reads UTF-8: a byte that is not valid UTF-8 matches no character class, so one Latin-1
// "\xe9" in a path would hide the whole line from every rule. Such bytes are matched as SUB
// (0x1A) in a same-length copy (in `copy`), and captures are mapped back to the record.
std::string_view matchable(std::string_view s, std::string& copy) {
  if (detail::is_ascii(s)) return s;
  bool copied = false;
  for (size_t i = 0; i < s.size();) {
    const size_t n = utf8_length(s, i);
    if (n > 0) {
      i += n;
      continue;
    }
    if (!copied) copy.assign(s);
    copied = true;
    copy[i++] = '\x1a';
  }
  return copied ? std::string_view(copy) : s;
}

}  // namespace

struct MatchScratch::Impl {
  std::vector<int> set_hits;
  std::vector<re2::StringPiece> groups;
  std::vector<Capture> captures;
  // The batch path (Hyperscan): one slice of messages joined by '\n', where each starts, which
  // record each is, and the candidates found so far.
  std::string text;
  std::vector<uint32_t> starts;
  std::vector<uint32_t> records;
  std::vector<detail::Candidate> candidates;
  detail::HsScratch hs;
  std::string utf8;    // a message made matchable (see matchable())
  std::string folded;  // and then one byte per character (detail::fold_to_bytes)
};

namespace {

// Runs the signal's own regex (and its `unless`) on `msg`. Without `want_captures` RE2 answers
// with its DFA alone; with it, the submatch engine fills sc.captures. With `regex_matched` (the
// prefilter's match is exact: see HsState::exact) only the `unless` is left to run.
bool confirm(const CompiledSignal& s, std::string_view msg, MatchScratch::Impl& sc,
             bool want_captures, bool regex_matched = false) {
  if (regex_matched && !want_captures && s.spec->unless.empty()) return true;  // no RE2 needed
  const SignalRegexes& re = s.regexes();
  const int ngroups = want_captures ? re.capture_groups : 0;
  sc.groups.assign(static_cast<size_t>(ngroups), re2::StringPiece());
  re2::StringPiece text(msg.data(), msg.size());
  if (!(regex_matched && !want_captures) &&
      !re.regex->Match(text, 0, text.size(), RE2::UNANCHORED, sc.groups.data(), ngroups))
    return false;
  if (re.unless && RE2::PartialMatch(text, *re.unless)) return false;
  if (!want_captures) return true;
  sc.captures.clear();
  for (int g = 1; g < ngroups; ++g) {
    const auto& name = re.group_names[static_cast<size_t>(g)];
    if (name.empty() || sc.groups[g].data() == nullptr) continue;
    sc.captures.push_back({name, std::string_view(sc.groups[g].data(), sc.groups[g].size())});
  }
  return true;
}

// The captures of the hit being emitted: its first signal's regex run again, with captures,
// the first time a sink asks; mapped from a matchable copy back to the record's own bytes.
class LazyCaptures final : public CaptureSource {
 public:
  explicit LazyCaptures(MatchScratch::Impl& sc) : sc_(sc) {}
  void reset(const CompiledSignal& s, std::string_view msg, std::string_view record_message) {
    signal_ = &s;
    msg_ = msg;
    record_message_ = record_message;
    ready_ = false;
  }
  std::span<const Capture> captures() const override {
    if (ready_) return sc_.captures;
    ready_ = true;
    sc_.captures.clear();
    if (!signal_ || !confirm(*signal_, msg_, sc_, /*want_captures=*/true)) return {};
    if (msg_.data() != record_message_.data())
      for (auto& c : sc_.captures) {
        const auto at = static_cast<size_t>(c.value.data() - msg_.data());
        c.value = record_message_.substr(at, c.value.size());
      }
    return sc_.captures;
  }

 private:
  MatchScratch::Impl& sc_;
  const CompiledSignal* signal_ = nullptr;
  std::string_view msg_, record_message_;
  mutable bool ready_ = false;
};

}  // namespace

// Hyperscan and the RE2::Set of the signals it did not take; built once, then read-only.
struct HsState {
  std::unique_ptr<detail::HyperscanPrefilter> prefilter;
  std::vector<uint32_t> rejected;     // signals Hyperscan did not take (for the cache)
  std::unique_ptr<RE2::Set> residual;
  std::vector<int> residual_signals;  // residual index -> set index
  // Messages past ASCII are scanned one byte per character (detail::fold_to_bytes), which
  // finds every signal detail::finds_folded() accepts; this set runs the others (and the
  // rejected ones) on such messages. A few regexes, not all: the RE2::Set of every signal
  // took 0.055 s to compile for ten times the embedded rules, and its DFA over thousands of
  // regexes cost more per message than Hyperscan scanning megabytes.
  std::unique_ptr<RE2::Set> beyond_ascii;
  std::vector<int> beyond_ascii_signals;  // beyond_ascii index -> set index
  // Per set index: whether a Hyperscan match of that regex in an ASCII message is one RE2
  // finds there too (compiled as written, and detail::same_in_both_engines). Confirming such a
  // candidate cost a fifth of a run (RE2's DFA, cold, on every hit line) and decided nothing.
  std::vector<uint8_t> exact;
  bool from_cache = false;

  // The set indices of the signals a scan of `message` (as it is when `ascii`, else folded)
  // may miss and RE2 matches in it, into `found` (cleared): the rejected ones, and past ASCII
  // also the ones detail::finds_folded() refuses.
  void match_leftovers(std::string_view message, bool ascii, std::vector<int>& found) const {
    found.clear();
    const RE2::Set* set = ascii ? residual.get() : beyond_ascii.get();
    if (!set) return;
    set->Match(re2::StringPiece(message.data(), message.size()), &found);
    const auto& to_signal = ascii ? residual_signals : beyond_ascii_signals;
    for (int& ix : found) ix = to_signal[static_cast<size_t>(ix)];
  }
};

// An RE2::Set of the `chosen` regexes into `set` (null when none are), with `signals` mapping
// its indices back; false when it cannot be built.
bool build_set(const std::vector<std::string>& regexes, const std::vector<uint32_t>& chosen,
               std::unique_ptr<RE2::Set>& set, std::vector<int>& signals) {
  if (chosen.empty()) return true;
  RE2::Options opts = quiet_options();
  opts.set_max_mem(64 << 20);
  set = std::make_unique<RE2::Set>(opts, RE2::UNANCHORED);
  for (uint32_t ix : chosen) {
    if (ix >= regexes.size() || set->Add(regexes[ix], nullptr) < 0) return false;
    signals.push_back(static_cast<int>(ix));
  }
  return set->Compile();
}

// The state around a built or loaded prefilter: the RE2::Sets of the `rejected` signals and of
// the ones scanning one byte per character may miss. Null when those cannot be built.
std::unique_ptr<HsState> finish_hyperscan(std::unique_ptr<detail::HyperscanPrefilter> prefilter,
                                          std::vector<uint32_t> rejected,
                                          const std::vector<std::string>& regexes) {
  auto st = std::make_unique<HsState>();
  st->prefilter = std::move(prefilter);
  st->rejected = std::move(rejected);
  st->exact.resize(regexes.size());
  for (size_t i = 0; i < regexes.size(); ++i)
    st->exact[i] = detail::same_in_both_engines(regexes[i]);
  const std::vector<uint32_t>& approximate = st->prefilter->approximate();
  for (const auto* inexact : {&approximate, &std::as_const(st->rejected)})
    for (uint32_t ix : *inexact)
      if (ix < st->exact.size()) st->exact[ix] = 0;
  std::sort(st->rejected.begin(), st->rejected.end());  // as built; a cache file might not be
  std::vector<uint32_t> not_folded;
  for (uint32_t ix = 0; ix < regexes.size(); ++ix)
    if (!detail::finds_folded(regexes[ix]) ||
        std::binary_search(st->rejected.begin(), st->rejected.end(), ix))
      not_folded.push_back(ix);
  if (!build_set(regexes, st->rejected, st->residual, st->residual_signals) ||
      !build_set(regexes, not_folded, st->beyond_ascii, st->beyond_ascii_signals))
    return nullptr;
  return st;
}

// Null when Hyperscan is not in the build or takes none of the regexes (the RE2::Set then
// does all the work), or when the leftovers' set cannot be built.
std::unique_ptr<HsState> build_hyperscan(const std::vector<std::string>& regexes) {
  std::vector<uint32_t> rejected;
  auto prefilter = detail::HyperscanPrefilter::build(regexes, &rejected);
  if (!prefilter) return nullptr;
  return finish_hyperscan(std::move(prefilter), std::move(rejected), regexes);
}

// The cache file of `regexes`' database in `dir`, and the key it must carry.
std::pair<std::string, std::string> cache_file(const std::string& dir,
                                               const std::vector<std::string>& regexes) {
  // Keyed by the regexes as Hyperscan was given them: a change in how kdx writes them for
  // Hyperscan must not load a database written the old way (exact matches rely on it).
  std::vector<std::string> written;
  written.reserve(regexes.size());
  for (const auto& re : regexes) written.push_back(detail::to_hyperscan_syntax(re));
  std::string key = detail::cache_key(detail::HyperscanPrefilter::build_environment(), written);
  std::string path = detail::cache_path(dir, key);
  return {std::move(path), std::move(key)};
}

// Hyperscan from the cache in `dir`; null on a miss or a file that does not load.
std::unique_ptr<HsState> load_hyperscan(const std::string& dir,
                                        const std::vector<std::string>& regexes) {
  const auto [path, key] = cache_file(dir, regexes);
  auto cached = detail::read_cache(path, key);
  if (!cached) return nullptr;
  auto prefilter = detail::HyperscanPrefilter::deserialize(cached->db, regexes.size(),
                                                           std::move(cached->approximate));
  if (!prefilter) return nullptr;
  auto st = finish_hyperscan(std::move(prefilter), std::move(cached->rejected), regexes);
  if (st) st->from_cache = true;
  return st;
}

// Stores a freshly built database in `dir`; a directory that cannot be written is skipped.
void save_hyperscan(const std::string& dir, const std::vector<std::string>& regexes,
                    const HsState& st) {
  detail::CachedDb db{st.prefilter->serialize(), st.rejected, st.prefilter->approximate()};
  if (db.db.empty()) return;
  const auto [path, key] = cache_file(dir, regexes);
  (void)detail::write_cache(path, key, db);
}

MatchScratch::MatchScratch() : impl_(std::make_unique<Impl>()) {}
MatchScratch::~MatchScratch() = default;
MatchScratch::MatchScratch(MatchScratch&&) noexcept = default;
MatchScratch& MatchScratch::operator=(MatchScratch&&) noexcept = default;

struct Matcher::Impl {
  const rules::RuleSet* rules = nullptr;
  Engine engine = Engine::re2_set;
  std::vector<CompiledSignal> signals;         // set index -> signal
  std::vector<std::string> markers;            // set index signals.size() + k -> marker k
  std::vector<std::vector<size_t>> by_rule;    // rule -> set indices of its signals
  std::vector<std::string> regexes;            // set index -> regex (signals, then markers)
  // Every signal and marker, while Hyperscan is not there (Engine::re2_set, or automatic
  // before it is built); null when Hyperscan is ready at compile(), which then saves its
  // compile time (0.055 s for ten times the embedded rules, on one core).
  std::unique_ptr<RE2::Set> set;
  // Hyperscan, once built (at compile() for Engine::hyperscan, by the first batch past
  // kLazyHyperscanBytes for automatic); read-only from then on. Until then the RE2::Set works.
  std::unique_ptr<HsState> hs_storage;
  std::atomic<const HsState*> hs{nullptr};
  bool lazy = false;
  std::atomic<uint64_t> set_bytes{0};
  std::atomic<bool> building{false};
  std::string cache_dir;  // where compiled Hyperscan databases are kept; empty: nowhere

  // Hyperscan for this batch, building it when it is due; null while the RE2::Set works.
  const HsState* hyperscan_for_batch();

  bool selectors_pass(const CompiledSignal& s, const formats::Record& r) const {
    if (s.source_mask && !(s.source_mask & (1u << static_cast<unsigned>(r.kind)))) return false;
    if (!s.spec->select.type.empty() && r.type != s.spec->select.type) return false;
    if (!s.has_regex_selector) return true;
    const SignalRegexes& re = s.regexes();
    return full_match(re.reason, r.reason) && full_match(re.container, r.res.container) &&
           full_match(re.unit, r.res.unit);
  }

  bool is_marker(int set_index) const { return static_cast<size_t>(set_index) >= signals.size(); }
  // Matches one record; true when a marker was among its candidates.
  bool match_one(const formats::Record& r, const formats::Chunk* chunk, const HsState* hs,
                 MatchScratch::Impl& sc, HitSink& sink) const;
  // Confirms the sorted candidate signals of one record and pushes its hits; the markers
  // among them (last, by index) are only reported: true when there was one. `exact` is
  // HsState::exact when Hyperscan found the candidates, else null.
  bool emit(const formats::Record& r, const formats::Chunk* chunk, std::span<const int> sorted,
            MatchScratch::Impl& sc, HitSink& sink, const std::vector<uint8_t>* exact) const;
  // The candidate signals of one message, sorted, into sc.set_hits; true when Hyperscan scanned
  // it as it is (an ASCII message: HsState::exact applies), false otherwise.
  bool candidates_of(std::string_view message, const HsState* hs, MatchScratch::Impl& sc) const;
  void scan_slice(const HsState& hs, MatchScratch::Impl& sc) const;
  void match_batch_hs(const HsState& hs, const formats::RecordBatch& batch,
                      MatchScratch::Impl& sc, HitSink& sink, std::vector<uint8_t>* marked) const;
};

Matcher::Matcher(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Matcher::Matcher(Matcher&&) noexcept = default;
Matcher& Matcher::operator=(Matcher&&) noexcept = default;
Matcher::~Matcher() = default;

const rules::RuleSet& Matcher::rules() const { return *impl_->rules; }
const std::vector<std::string>& Matcher::markers() const { return impl_->markers; }
bool Matcher::hyperscan_from_cache() const {
  const HsState* st = impl_->hs.load(std::memory_order_acquire);
  return st && st->from_cache;
}
Engine Matcher::engine() const { return impl_->engine; }

std::string_view engine_name(Engine e) {
  switch (e) {
    case Engine::automatic: return hyperscan_available() ? "hyperscan" : "re2-set";
    case Engine::re2_set: return "re2-set";
    case Engine::hyperscan: return "hyperscan";
  }
  return "re2-set";
}

bool hyperscan_available() { return KDX_HAVE_HYPERSCAN != 0; }

std::string hyperscan_cache_dir(const char* kdx_cache_dir, const char* xdg_cache_home,
                                const char* home) {
  auto set = [](const char* v) { return v && *v; };
  if (set(kdx_cache_dir)) return std::string_view(kdx_cache_dir) == "off" ? "" : kdx_cache_dir;
  if (set(xdg_cache_home) && xdg_cache_home[0] == '/') return fmt::format("{}/kdx", xdg_cache_home);
  if (set(home)) return fmt::format("{}/.cache/kdx", home);
  return "";
}

const HsState* Matcher::Impl::hyperscan_for_batch() {
  if (const HsState* ready = hs.load(std::memory_order_acquire)) return ready;
  if (!lazy || set_bytes.load(std::memory_order_relaxed) < kLazyHyperscanBytes) return nullptr;
  bool expected = false;
  if (!building.compare_exchange_strong(expected, true)) return nullptr;  // another thread is
  hs_storage = build_hyperscan(regexes);
  if (!hs_storage) return nullptr;
  hs.store(hs_storage.get(), std::memory_order_release);  // other threads use it meanwhile
  if (!cache_dir.empty()) save_hyperscan(cache_dir, regexes, *hs_storage);
  return hs_storage.get();
}

Expected<Matcher> Matcher::compile(const rules::RuleSet& rules, Engine engine,
                                   std::string cache_dir, std::vector<std::string> markers) {
  if (engine == Engine::hyperscan && !hyperscan_available())
    return Problem{"match engine", "this kdx was built without Hyperscan"};
  auto impl = std::make_unique<Impl>();
  impl->rules = &rules;
  impl->by_rule.resize(rules.size());
  impl->cache_dir = std::move(cache_dir);
  size_t count = 0;
  for (rules::RuleIx ri = 0; ri < rules.size(); ++ri) count += rules[ri].signals.size();
  // Sized once: a CompiledSignal does not move (its RE2s are published through an atomic).
  impl->signals = std::vector<CompiledSignal>(count);
  for (size_t i = 0, ri = 0; ri < rules.size(); ++ri)
    for (size_t si = 0; si < rules[ri].signals.size(); ++si, ++i) {
      const rules::Signal& sig = rules[ri].signals[si];
      CompiledSignal& cs = impl->signals[i];
      cs.rule = static_cast<rules::RuleIx>(ri);
      cs.index = static_cast<uint16_t>(si);
      cs.spec = &sig;
      for (auto k : sig.select.sources) cs.source_mask |= 1u << static_cast<unsigned>(k);
      cs.has_regex_selector =
          !sig.select.reason.empty() || !sig.select.container.empty() || !sig.select.unit.empty();
      impl->by_rule[ri].push_back(i);
      impl->regexes.push_back(sig.regex);
    }
  for (const auto& marker : markers) {  // the loader checked the signals; these come from code
    if (RE2 check(marker, quiet_options()); !check.ok())
      return Problem{"marker regex", fmt::format("does not compile with RE2: {}", check.error())};
  }
  impl->regexes.insert(impl->regexes.end(), markers.begin(), markers.end());
  impl->markers = std::move(markers);
  const bool want_hs = engine != Engine::re2_set && !impl->regexes.empty();
  // A cached database loads in milliseconds: then Hyperscan works from the first batch.
  if (want_hs && hyperscan_available() && !impl->cache_dir.empty())
    impl->hs_storage = load_hyperscan(impl->cache_dir, impl->regexes);
  if (engine == Engine::hyperscan && !impl->hs_storage && !impl->regexes.empty()) {
    impl->hs_storage = build_hyperscan(impl->regexes);
    if (impl->hs_storage && !impl->cache_dir.empty())
      save_hyperscan(impl->cache_dir, impl->regexes, *impl->hs_storage);
  }
  impl->hs.store(impl->hs_storage.get(), std::memory_order_release);
  impl->lazy = engine == Engine::automatic && hyperscan_available() && !impl->regexes.empty() &&
               !impl->hs_storage;
  if (!impl->hs_storage) {  // the RE2::Set matches, at least until Hyperscan is built
    RE2::Options opts = quiet_options();
    opts.set_max_mem(256 << 20);
    impl->set = std::make_unique<RE2::Set>(opts, RE2::UNANCHORED);
    for (const auto& re : impl->regexes) {
      std::string err;
      if (impl->set->Add(re, &err) < 0)
        return Problem{"pattern database", fmt::format("the RE2 set rejects {}: {}", re, err)};
    }
    if (!impl->set->Compile())
      return Problem{"pattern database", "the RE2 set of all signals exceeds its memory budget"};
  }
  if (engine == Engine::hyperscan || impl->lazy || impl->hs_storage)
    impl->engine = Engine::hyperscan;
  return Matcher(std::move(impl));
}

void Matcher::match_record(const formats::Record& r, MatchScratch& scratch, HitSink& sink) const {
  impl_->match_one(r, nullptr, impl_->hs.load(std::memory_order_acquire), scratch.impl(), sink);
}

bool Matcher::Impl::candidates_of(std::string_view message, const HsState* hs,
                                  MatchScratch::Impl& sc) const {
  sc.set_hits.clear();
  re2::StringPiece text(message.data(), message.size());
  const bool ascii = hs && detail::is_ascii(message);  // asked only when Hyperscan scans
  if (!hs) {
    set->Match(text, &sc.set_hits);
  } else {
    sc.candidates.clear();
    const uint32_t start = 0;
    hs->prefilter->scan(ascii ? message : detail::fold_to_bytes(message, sc.folded),
                        std::span<const uint32_t>(&start, 1), 0, sc.hs, sc.candidates);
    for (const auto& c : sc.candidates) sc.set_hits.push_back(static_cast<int>(c.signal));
    std::vector<int> more;
    hs->match_leftovers(message, ascii, more);
    sc.set_hits.insert(sc.set_hits.end(), more.begin(), more.end());
    sc.candidates.clear();
  }
  std::sort(sc.set_hits.begin(), sc.set_hits.end());  // set order is unspecified
  sc.set_hits.erase(std::unique(sc.set_hits.begin(), sc.set_hits.end()), sc.set_hits.end());
  return ascii;  // Hyperscan's matches are exact only in ASCII text
}

bool Matcher::Impl::match_one(const formats::Record& r, const formats::Chunk* chunk,
                              const HsState* hs, MatchScratch::Impl& sc, HitSink& sink) const {
  if (r.message.empty()) return false;
  const bool scanned = candidates_of(matchable(r.message, sc.utf8), hs, sc);
  return !sc.set_hits.empty() &&
         emit(r, chunk, sc.set_hits, sc, sink, scanned ? &hs->exact : nullptr);
}

bool Matcher::Impl::emit(const formats::Record& r, const formats::Chunk* chunk,
                         std::span<const int> sorted, MatchScratch::Impl& sc, HitSink& sink,
                         const std::vector<uint8_t>* exact) const {
  // A rule's signals have adjacent set indices: emit one hit per rule with every signal that
  // confirmed in signal_mask, and the captures of the first.
  const std::string_view msg = matchable(r.message, sc.utf8);
  LazyCaptures lazy(sc);
  Hit hit;
  bool pending = false, marked = false;
  for (int ix : sorted) {
    if (is_marker(ix)) {
      marked = true;
      break;
    }
    const auto& s = signals[static_cast<size_t>(ix)];
    const bool matched = exact && (*exact)[static_cast<size_t>(ix)];
    if (pending && s.rule != hit.rule) {
      sink.on_hit(hit);
      pending = false;
    }
    if (!selectors_pass(s, r)) continue;
    if (pending) {  // a further signal of the same rule: only its bit is needed
      if (confirm(s, msg, sc, /*want_captures=*/false, matched))
        hit.signal_mask |= signal_bit(s.index);
      continue;
    }
    if (!confirm(s, msg, sc, /*want_captures=*/false, matched)) continue;
    lazy.reset(s, msg, r.message);
    hit = Hit{};
    hit.rule = s.rule;
    hit.signal = s.index;
    hit.signal_mask = signal_bit(s.index);
    hit.record = &r;
    hit.chunk = chunk;
    hit.capture_source = &lazy;
    pending = true;
  }
  if (pending) sink.on_hit(hit);
  return marked;
}

// Scans the joined slice in sc.text and forgets it; the candidates stay.
void Matcher::Impl::scan_slice(const HsState& hs, MatchScratch::Impl& sc) const {
  if (sc.starts.empty()) return;
  const size_t first = sc.candidates.size();
  hs.prefilter->scan(sc.text, sc.starts, 0, sc.hs, sc.candidates);
  // Slice positions -> record indices.
  for (size_t i = first; i < sc.candidates.size(); ++i)
    sc.candidates[i].message = sc.records[sc.candidates[i].message];
  sc.text.clear();
  sc.starts.clear();
  sc.records.clear();
}

// Hyperscan scans the batch's messages a slice at a time, those past ASCII one byte per
// character; the signals such a scan may miss go through small RE2::Sets (match_leftovers).
// Candidates are then confirmed per record, in record order.
void Matcher::Impl::match_batch_hs(const HsState& hs, const formats::RecordBatch& batch,
                                   MatchScratch::Impl& sc, HitSink& sink,
                                   std::vector<uint8_t>* marked) const {
  sc.candidates.clear();
  sc.text.clear();
  sc.starts.clear();
  sc.records.clear();
  const auto& records = batch.records;
  auto append = [&sc](uint32_t i, std::string_view m) {
    sc.starts.push_back(static_cast<uint32_t>(sc.text.size()));
    sc.records.push_back(i);
    sc.text.append(m);
    sc.text.push_back('\n');
  };
  // Adds message i to the slice (past ASCII, one byte per character), and asks RE2 about the
  // signals the slice's scan may miss in it.
  auto add_checked = [&](uint32_t i, std::string_view m) {
    const bool ascii = detail::is_ascii(m);
    const std::string_view mm = ascii ? m : matchable(m, sc.utf8);
    hs.match_leftovers(mm, ascii, sc.set_hits);
    for (int ix : sc.set_hits) sc.candidates.push_back({i, static_cast<uint32_t>(ix)});
    append(i, ascii ? m : detail::fold_to_bytes(mm, sc.folded));
  };
  // Without leftover signals, messages join the slice unchecked and the whole slice is checked
  // at once (a long vector loop; per message the loop's ends cost more than its body). A slice
  // with other bytes, which is rare, is built again message by message.
  const bool optimistic = !hs.residual;
  auto finish_slice = [&] {
    if (optimistic && !detail::is_ascii(sc.text)) {
      sc.text.clear();
      sc.starts.clear();
      std::vector<uint32_t> slice;
      slice.swap(sc.records);
      for (uint32_t i : slice) add_checked(i, records[i].message);
    }
    scan_slice(hs, sc);
  };
  for (uint32_t i = 0; i < records.size(); ++i) {
    const std::string_view m = records[i].message;
    if (m.empty()) continue;
    if (optimistic) append(i, m);
    else add_checked(i, m);
    if (sc.text.size() >= kScanSliceBytes) finish_slice();
  }
  finish_slice();
  std::sort(sc.candidates.begin(), sc.candidates.end());
  sc.candidates.erase(std::unique(sc.candidates.begin(), sc.candidates.end()), sc.candidates.end());
  std::vector<int> sorted;
  for (size_t b = 0; b < sc.candidates.size();) {
    const uint32_t rec = sc.candidates[b].message;
    sorted.clear();
    size_t e = b;
    for (; e < sc.candidates.size() && sc.candidates[e].message == rec; ++e)
      sorted.push_back(static_cast<int>(sc.candidates[e].signal));
    // Hyperscan's matches are exact in ASCII messages, not in the others (scanned folded).
    const std::vector<uint8_t>* exact =
        detail::is_ascii(records[rec].message) ? &hs.exact : nullptr;
    if (emit(records[rec], batch.chunk, sorted, sc, sink, exact) && marked) (*marked)[rec] = 1;
    b = e;
  }
}

void Matcher::match(const formats::RecordBatch& batch, MatchScratch& scratch, HitSink& sink,
                    std::vector<uint8_t>* marked) const {
  if (marked) marked->assign(batch.records.size(), 0);
  if (const HsState* hs = impl_->hyperscan_for_batch())
    return impl_->match_batch_hs(*hs, batch, scratch.impl(), sink, marked);
  uint64_t bytes = 0;
  for (size_t i = 0; i < batch.records.size(); ++i) {
    const auto& r = batch.records[i];
    bytes += r.message.size();
    if (impl_->match_one(r, batch.chunk, nullptr, scratch.impl(), sink) && marked)
      (*marked)[i] = 1;
  }
  if (impl_->lazy) impl_->set_bytes.fetch_add(bytes, std::memory_order_relaxed);
}

bool Matcher::scan_text(std::string_view text, MatchScratch& scratch,
                        std::vector<uint32_t>& ends) const {
  const HsState* hs = impl_->hs.load(std::memory_order_acquire);
  if (!hs || hs->residual || text.size() >= (uint64_t{1} << 32)) return false;
  const auto from = static_cast<std::ptrdiff_t>(ends.size());
  hs->prefilter->scan_ends(text, scratch.impl().hs, ends);
  std::sort(ends.begin() + from, ends.end());  // Hyperscan's engines may report out of order
  ends.erase(std::unique(ends.begin() + from, ends.end()), ends.end());
  return true;
}

std::vector<Capture> Matcher::captures_of(rules::RuleIx rule, size_t signal,
                                         std::string_view message) const {
  const auto& s = impl_->signals[impl_->by_rule[rule][signal]];
  MatchScratch scratch;
  auto& sc = scratch.impl();
  LazyCaptures lazy(sc);
  lazy.reset(s, matchable(message, sc.utf8), message);
  const auto captures = lazy.captures();
  return {captures.begin(), captures.end()};
}

bool Matcher::signal_matches_text(rules::RuleIx rule, size_t signal,
                                  std::string_view message) const {
  const auto& s = impl_->signals[impl_->by_rule[rule][signal]];
  MatchScratch scratch;
  return confirm(s, message, scratch.impl(), false);
}

std::vector<ExampleFailure> check_examples(const Matcher& matcher) {
  std::vector<ExampleFailure> failures;
  const auto& rules = matcher.rules();
  for (rules::RuleIx ri = 0; ri < rules.size(); ++ri) {
    const auto& rule = rules[ri];
    for (const auto& ex : rule.examples) {
      bool hit = false;
      for (size_t si = 0; si < rule.signals.size() && !hit; ++si)
        hit = matcher.signal_matches_text(ri, si, ex.text);
      if (hit != ex.should_match)
        failures.push_back({rule.id, rule.file, ex.line, ex.text, ex.should_match});
    }
  }
  return failures;
}

}  // namespace kdx::match
