// analyze/unmatched.h — "unrecognised errors": error- and warning-level records that matched no
// rule, mined into templates the way Drain (He et al., ICWS 2017) does it.
// Takes: unmatched Records (per-thread UnmatchedMiners, fed by the pipeline). Gives: ranked
// UnmatchedTemplates for the Analysis, and the RE2 regex a template stands for (rule drafts).
// A miner is per thread (not thread-safe); merge() is order-independent and mine_templates()
// runs once, on one thread, over keys sorted by content: the same input gives the same
// templates and ids at any thread count and chunk size.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "analyze/analyze.h"
#include "formats/formats.h"

namespace kdx::analyze {

// Distinct masked lines per miner: with their examples, a few tens of MB per thread at worst.
inline constexpr size_t kUnmatchedKeysPerMiner = 20000;
inline constexpr size_t kUnmatchedExamples = 3;     // the smallest by (file id, line)
inline constexpr size_t kUnmatchedResources = 8;    // the smallest resource names kept
inline constexpr size_t kUnmatchedTemplates = 50;   // templates an Analysis keeps
inline constexpr size_t kUnmatchedLineBytes = 512;  // a message is mined up to here

// Whether a record that matched no rule is an unrecognised error: its own level is warning,
// error or fatal; it is an event of type Warning; or, for log, text and journal records with
// no level, its first line has an error word (error, err, failed, failure, fatal, panic,
// exception, refused, denied, timeout: whole words, any case; "...Error"/"...Exception" at
// the end of a CamelCase name too). A byte scan, no regex. `may_have_error_word` false says the
// message is known to hold none of the words (the matcher's marker below did not fire): the
// scan is skipped.
bool is_unmatched_candidate(const formats::Record& r, bool may_have_error_word = true);
bool has_error_word(std::string_view text);

// A regex that matches every text has_error_word() accepts (and more: the words as
// substrings, any case): the pipeline gives it to the matcher as a marker, so that the
// byte scan runs only on the few messages where the matcher's engine saw one of the words.
const std::string& error_word_marker();

// The part of a message that is mined: its first line, without a klog header
// ("E0604 10:00:00.123456 1 "), cut to kUnmatchedLineBytes at a UTF-8 boundary.
std::string_view mined_line(std::string_view message);

// The masked token sequence of a line, tokens joined by one space. Variables become typed
// placeholders: <uuid> <url> <path> <time> <ip> <duration> <num> <hex> <pod>; a token's
// quotes, brackets and trailing punctuation stay, and a token that is no variable as a whole
// is masked part by part at = : , / @ - _ ("pod=\"web-5d9b8c7f6-hk7jd\"," -> "pod=\"<pod>\",",
// "db-1:5432" -> "db-<num>:<num>").
std::string mask_line(std::string_view line);

// Whether `s` is valid UTF-8 (RE2 patterns and YAML text must be).
bool valid_utf8(std::string_view s);

// The RE2 regex a template stands for: literal parts escaped, tokens joined by \s+, each
// placeholder a named capture of its type (<num> -> (?P<num1>...), <*> -> (?P<var1>\S+)).
// It matches every line the template was mined from. Tokens that are not valid UTF-8 become
// <*> (RE2 takes UTF-8 patterns only).
std::string template_regex(std::string_view template_text);

// Per-thread unrecognised-error statistics, keyed by masked line. Memory is bounded: at most
// kUnmatchedKeysPerMiner keys. When a miner would exceed it, it keeps only the keys whose
// hash has one more leading zero bit (hash sampling), which gives the same kept set whatever
// order lines arrive in or how they are split among threads.
class UnmatchedMiner {
 public:
  explicit UnmatchedMiner(size_t max_keys = kUnmatchedKeysPerMiner) : max_keys_(max_keys) {}

  // Adds a record that matched no rule, if is_unmatched_candidate(r, may_have_error_word).
  // `file` orders examples.
  void add(const formats::Record& r, FileId file, bool may_have_error_word = true);
  void merge(UnmatchedMiner&& other);  // order-independent
  size_t keys() const { return keys_.size(); }
  int sample_bits() const { return sample_bits_; }  // 0 = nothing dropped

  struct Example {
    FileId file = 0;
    uint64_t line = 0;
    std::string text;  // mined_line of the message
    auto order() const { return std::make_pair(file, line); }
  };
  struct Stats {
    uint64_t hash = 0;
    uint64_t count = 0;
    Timestamp first, last;
    int weight = 0;                      // 3 fatal, 2 error, 1 warning or an error word
    std::vector<std::string> resources;  // sorted, the kUnmatchedResources smallest
    std::vector<Example> examples;       // sorted, the kUnmatchedExamples smallest
  };
  // A key with its hash already computed, so a lookup hashes it once.
  struct Hashed {
    std::string_view key;
    uint64_t hash;
  };
  struct KeyHash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const;
    size_t operator()(const Hashed& h) const { return static_cast<size_t>(h.hash); }
  };
  struct KeyEq {
    using is_transparent = void;
    bool operator()(std::string_view a, std::string_view b) const { return a == b; }
    bool operator()(const Hashed& a, std::string_view b) const { return a.key == b; }
    bool operator()(std::string_view a, const Hashed& b) const { return a == b.key; }
  };
  using Map = std::unordered_map<std::string, Stats, KeyHash, KeyEq>;
  const Map& stats() const { return keys_; }

 private:
  bool kept(uint64_t hash) const;
  const std::string& resource_name(const ResourceRef& r);
  void raise_sampling();
  void insert(std::string key, Stats stats);

  size_t max_keys_;
  int sample_bits_ = 0;
  Map keys_;
  std::string scratch_;        // the masked line being looked up
  ResourceKey last_resource_;  // the last record's resource, and its name
  std::string last_name_;
};

// Groups the miner's keys into templates (Drain: a prefix tree on token count and the first
// two tokens, then similarity >= 0.5 with one of a leaf's first 100 clusters; differing tokens
// become <*>), scores them and returns the kUnmatchedTemplates best, highest score first, ties
// in template order; a template's id is "u" and 8 hex digits of its text's hash ("-2" and on
// for the rare clash). `trouble_start` is when the trouble started (the top finding's
// first-seen; unknown: the earliest template's). Score, in points, rounded:
//   100·log2(1+count) + 100·log2(1+resources) + 50·weight + 300·nearness
// where nearness is 1 when the template is first seen at trouble_start and 1/2 when it is first
// seen an hour earlier or five minutes later (1/(1+d/1h) before, 1/(1+d/5min) after).
std::vector<UnmatchedTemplate> mine_templates(const UnmatchedMiner& miner, const FileTable& files,
                                              Timestamp trouble_start);

// When the trouble started: the top finding's first-seen, else the earliest known one.
Timestamp trouble_start(const std::vector<Finding>& findings);

}  // namespace kdx::analyze
