// match/match.h — records against the pattern database.
// Takes: an immutable RuleSet and RecordBatches. Gives: Hits (rule, signal, record, captures)
// pushed to a HitSink. Two phases: a prefilter picks candidate (record, signal) pairs — a
// Hyperscan database scanning every message of a batch in one call, or an RE2::Set per record
// — then only those signals' own RE2 (with captures, selectors and `unless`) confirm, so every
// engine gives the same hits. A Matcher is immutable after compile() (but for building its
// Hyperscan database once, lazily, under an atomic flag), movable, not copyable, and safe to
// share across threads; each thread brings its own MatchScratch.
#pragma once

#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/expected.h"
#include "formats/formats.h"
#include "rules/rules.h"

namespace kdx::match {

struct Capture {
  std::string_view name;   // the group's name, owned by the Matcher
  std::string_view value;  // borrowed from the record
};

// Where a Hit's captures come from: the matcher fills them in when they are first asked for.
class CaptureSource {
 public:
  virtual std::span<const Capture> captures() const = 0;

 protected:
  ~CaptureSource() = default;
};

// One rule's hit on one record. Valid only during HitSink::on_hit.
struct Hit {
  rules::RuleIx rule = 0;
  uint16_t signal = 0;        // the first signal that hit; captures are its
  uint64_t signal_mask = 0;   // every signal of the rule that hit (first 64)
  const formats::Record* record = nullptr;
  const formats::Chunk* chunk = nullptr;
  const CaptureSource* capture_source = nullptr;

  // The named groups of `signal`'s regex. Confirming a hit runs only RE2's DFA; the submatch
  // engine, several times slower, runs here, when a sink keeps the hit as evidence (most
  // hits are only counted). Call only during on_hit.
  std::span<const Capture> captures() const {
    return capture_source ? capture_source->captures() : std::span<const Capture>();
  }
};

class HitSink {
 public:
  virtual ~HitSink() = default;
  virtual void on_hit(const Hit& hit) = 0;
};

// Per-thread scratch space. Not thread-safe; reuse it across batches.
class MatchScratch {
 public:
  MatchScratch();
  ~MatchScratch();
  MatchScratch(MatchScratch&&) noexcept;
  MatchScratch& operator=(MatchScratch&&) noexcept;
  struct Impl;
  Impl& impl() { return *impl_; }

 private:
  std::unique_ptr<Impl> impl_;
};

// The prefilter that picks candidates. Hits never depend on it (tests/match checks that).
enum class Engine : uint8_t {
  automatic,  // Hyperscan when kdx was built with it, compiled by the first batch after 32 MiB
              // of messages went through the RE2::Set (small inputs never wait for it)
  re2_set,    // an RE2::Set over every signal, once per record
  hyperscan,  // Hyperscan over each batch's messages at once (past ASCII, one byte per
              // character), small RE2::Sets for the signals it cannot scan so
};
std::string_view engine_name(Engine e);  // "re2-set", "hyperscan"

// Where compiled Hyperscan databases are cached, from the environment's values (null when
// unset or empty): $KDX_CACHE_DIR ("off": no cache), else $XDG_CACHE_HOME/kdx (when
// absolute, as the XDG spec asks), else $HOME/.cache/kdx, else none. Empty means no cache.
std::string hyperscan_cache_dir(const char* kdx_cache_dir, const char* xdg_cache_home,
                                const char* home);
bool hyperscan_available();              // whether this build has Hyperscan

class Matcher {
 public:
  // Compiles every signal of `rules` (which must outlive the Matcher, and come from
  // rules::load_rules, which checked that RE2 takes every regex). Each signal's own RE2 is
  // compiled when a candidate first needs it. Fails with a Problem when Engine::hyperscan is
  // asked of a build without it, and when the RE2::Set of every signal, which matches while
  // Hyperscan is not ready, exceeds its memory budget.
  //
  // Hyperscan compile time grows with the number of signals (about 0.15 s for the embedded
  // database): Engine::hyperscan pays it here, Engine::automatic only once an input is large
  // enough to earn it back. With a `cache_dir` (see hyperscan_cache_dir()) a database
  // compiled before for the same regexes, Hyperscan version and CPU is loaded from there
  // instead, and Hyperscan works from the first batch; one compiled here is stored there. A
  // damaged or foreign cache file is ignored (and replaced), an unwritable directory skipped:
  // hits never depend on the cache.
  //
  // `markers` are extra regexes that are not rules: the engine scans for them along with the
  // signals, at almost no cost, and match() tells which records may hold one (see there). The
  // pipeline marks the records whose wording the unrecognised-error miner must look at.
  static Expected<Matcher> compile(const rules::RuleSet& rules, Engine engine = Engine::automatic,
                                   std::string cache_dir = {},
                                   std::vector<std::string> markers = {});

  // The engine in use (never `automatic`).
  Engine engine() const;
  // Whether the Hyperscan database in use was loaded from the cache.
  bool hyperscan_from_cache() const;

  Matcher(Matcher&&) noexcept;
  Matcher& operator=(Matcher&&) noexcept;
  Matcher(const Matcher&) = delete;
  Matcher& operator=(const Matcher&) = delete;
  ~Matcher();

  // Pushes every hit of the batch's records, in record order, to `sink`. With Hyperscan the
  // batch's messages are scanned together; records may borrow from the chunk or the arena.
  // With `marked`, also sets marked[i] (resized to the batch) to 1 for each record i whose
  // message may match one of the markers, 0 for the rest: a superset (an engine may mark a
  // record no marker matches, never skip one that a marker matches).
  void match(const formats::RecordBatch& batch, MatchScratch& scratch, HitSink& sink,
             std::vector<uint8_t>* marked = nullptr) const;
  // For split()'s sparse mode (formats::text_scannable): the offset, into `text`, of the last
  // byte of every match of every signal and marker in `text` scanned as one piece, sorted,
  // each once, appended to `ends`. A superset of what match() finds in any ASCII message that
  // stands in `text` with the same neighbours (bytes past ASCII are scanned as bytes: a
  // message holding one must go to match() whatever this says). False (and `ends` untouched)
  // when this matcher cannot answer for all its regexes at once: Hyperscan not in use (yet),
  // or regexes only the RE2::Set runs.
  bool scan_text(std::string_view text, MatchScratch& scratch, std::vector<uint32_t>& ends) const;

  // The same for one record (examples, tests): the per-record path of the same engine.
  void match_record(const formats::Record& record, MatchScratch& scratch, HitSink& sink) const;

  // The named captures of signal `signal` of rule `rule` in `message`, as a Hit on a record
  // with that message gives them (values borrow from `message`); empty when it does not match.
  std::vector<Capture> captures_of(rules::RuleIx rule, size_t signal,
                                   std::string_view message) const;

  // Whether `message` hits signal `signal` of rule `rule` by regex and `unless` alone
  // (selectors ignored): what `kdx patterns test` checks for examples.
  bool signal_matches_text(rules::RuleIx rule, size_t signal, std::string_view message) const;

  const rules::RuleSet& rules() const;
  const std::vector<std::string>& markers() const;

 private:
  struct Impl;
  explicit Matcher(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// One failed rule example, for `kdx patterns test` and the test suite.
struct ExampleFailure {
  std::string rule_id;
  std::string file;
  int line = 0;
  std::string text;
  bool should_match = true;
};

// Runs every rule's match/no_match examples through its own signals.
std::vector<ExampleFailure> check_examples(const Matcher& matcher);

}  // namespace kdx::match
