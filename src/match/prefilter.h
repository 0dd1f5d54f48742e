// match/prefilter.h — the Hyperscan prefilter behind Matcher (internal to match and its tests).
// Takes: every signal's RE2 regex once, then text made of messages joined by '\n'. Gives:
// candidate (message, signal) pairs, a superset of the pairs whose RE2 regex matches the
// message: the database is compiled with HS_FLAG_MULTILINE so `^`/`$` match at every message
// edge, and \A \z become ^ $ (a superset again). ASCII messages are scanned as they are: there
// RE2's UTF-8 semantics and Hyperscan's byte semantics agree; others one byte per character
// (fold_to_bytes), which finds the regexes finds_folded() accepts. A HyperscanPrefilter is
// immutable and shared; each thread brings its own HsScratch. Without Hyperscan in the build,
// build() gives null and the Matcher falls back to its RE2::Set.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace kdx::match::detail {

// A message of the scanned text (its index among the messages) and a signal (its index in the
// list given to build()).
struct Candidate {
  uint32_t message = 0;
  uint32_t signal = 0;
  friend auto operator<=>(const Candidate&, const Candidate&) = default;
};

// Whether every byte of `s` is below 0x80.
bool is_ascii(std::string_view s);

// RE2 syntax the way Hyperscan's parser takes it, for text of '\n'-joined messages: \A -> ^,
// \z -> $ (outside classes and \Q...\E), and \s and \S as RE2's classes ([\t\n\f\r ] and its
// complement: Hyperscan's \s also takes \v, so its \S would miss a \v RE2's takes). Everything
// else is shared syntax.
std::string to_hyperscan_syntax(std::string_view re2);

// Whether a match Hyperscan reports for `re2` (an exactly compiled regex, not a prefilter
// approximation) in '\n'-joined ASCII messages is a match RE2 finds in the message it ends in.
// True only for a conservative subset of the syntax where every piece means the same in both
// engines (as to_hyperscan_syntax() writes it) and never takes '\n', so that no match crosses
// from one message into the next: printable ASCII literals and escaped punctuation, `.`, \d,
// \w, \S, \t, \b, classes of those and of digit or letter ranges, negated classes that hold \n
// or \s, groups ((?:, (?P<name>, plain), (?i) at the start or as (?i:, alternation, and the
// quantifiers ? * + {m} {m,} {m,n} (lazy or not). Anchors, \s, other negated classes, \W \D,
// other escapes and flags, and every other byte make it false: such regexes are confirmed by
// RE2.
bool same_in_both_engines(std::string_view re2);

// A message past ASCII made scannable: each character of `utf8` past ASCII (a valid UTF-8
// sequence, as Matcher's matchable() leaves them) becomes the one byte 0xFF, which no valid
// UTF-8 holds; ASCII bytes stay. Written to `out`; returns it.
std::string_view fold_to_bytes(std::string_view utf8, std::string& out);

// Whether Hyperscan, scanning fold_to_bytes(m), finds `re2` in every message m RE2 matches
// it in (a superset: RE2 then confirms on m itself). True when whatever takes a character
// past ASCII in RE2 (`.`, a negated class, \W \S \D) takes 0xFF in Hyperscan, one byte for
// one character, and \b sees both as non-word. False, conservatively, for a regex with a byte
// past ASCII, a flag group holding `i` (RE2 folds k and s to the Kelvin sign and the long s),
// or \p \P \C \x or an octal escape.
bool finds_folded(std::string_view re2);

// Per-thread Hyperscan scratch space, grown on demand for the database it is used with.
class HsScratch {
 public:
  HsScratch();
  ~HsScratch();
  HsScratch(HsScratch&&) noexcept;
  HsScratch& operator=(HsScratch&&) noexcept;
  HsScratch(const HsScratch&) = delete;
  HsScratch& operator=(const HsScratch&) = delete;
  struct Impl;
  Impl& impl() { return *impl_; }

 private:
  std::unique_ptr<Impl> impl_;
};

class HyperscanPrefilter {
 public:
  // Compiles `regexes` (RE2 syntax) into one database. Each regex Hyperscan cannot take, even
  // as a prefilter approximation (or one that matches the empty string), goes to `rejected`
  // by index; the Matcher runs those through RE2. Null when Hyperscan is not in the build or
  // takes none of them (then `rejected` lists every index).
  static std::unique_ptr<HyperscanPrefilter> build(const std::vector<std::string>& regexes,
                                                   std::vector<uint32_t>* rejected);

  // The regexes (by index, ascending) compiled as a prefilter approximation, not as written.
  const std::vector<uint32_t>& approximate() const { return approximate_; }
  ~HyperscanPrefilter();
  HyperscanPrefilter(const HyperscanPrefilter&) = delete;
  HyperscanPrefilter& operator=(const HyperscanPrefilter&) = delete;

  // Scans `text`: messages joined by '\n', message k starting at starts[k] (ascending). Appends
  // each (k + first_message, signal) pair found at most once, in the order found.
  void scan(std::string_view text, std::span<const uint32_t> starts, uint32_t first_message,
            HsScratch& scratch, std::vector<Candidate>& out) const;

  // Scans `text` as one piece and appends, for every match of any regex, the offset of its
  // last byte (in the order reported; not deduplicated).
  void scan_ends(std::string_view text, HsScratch& scratch, std::vector<uint32_t>& out) const;

  size_t signal_count() const { return signal_count_; }

  // The compiled database as bytes (hs_serialize_database), for the on-disk cache; empty when
  // Hyperscan cannot serialize it.
  std::string serialize() const;
  // A prefilter from serialize()'s bytes for `signal_count` signals, with the approximate()
  // list it was built with; null when the bytes are not a database this Hyperscan can run on
  // this machine (other version or platform, damage).
  static std::unique_ptr<HyperscanPrefilter> deserialize(std::string_view bytes,
                                                         size_t signal_count,
                                                         std::vector<uint32_t> approximate);
  // What a serialized database depends on besides its regexes: the Hyperscan version and the
  // platform (CPU features, tuning) it compiles for. Empty without Hyperscan.
  static std::string build_environment();

  struct Db;

 private:
  HyperscanPrefilter(std::unique_ptr<Db> db, size_t signal_count,
                     std::vector<uint32_t> approximate);
  std::unique_ptr<Db> db_;
  size_t signal_count_ = 0;
  std::vector<uint32_t> approximate_;
};

}  // namespace kdx::match::detail
