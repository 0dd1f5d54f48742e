// pipeline/pipeline.h — runs every stage over the inputs: the only code that sees them all
// and the only user of TBB. A serial reader (ingest -> detect -> chunk) feeds parallel
// workers (split -> match -> per-thread Collector, and the records no rule matched -> per-thread
// UnmatchedMiner); both merge order-independently, so the result is byte-identical at any
// thread count. Memory is bounded by chunk size x tokens (and the miners' key caps).
#pragma once

#include <string>
#include <vector>

#include "analyze/analyze.h"
#include "analyze/unmatched.h"
#include "formats/chunker.h"
#include "ingest/ingest.h"
#include "match/match.h"

namespace kdx::pipeline {

// Where the time went (kdx analyze --stats): bytes and records into each stage and the
// seconds spent in it, summed over the threads that ran it (read and chunk run serially).
struct StageStat {
  uint64_t bytes = 0, records = 0;
  double seconds = 0;
};
struct PipelineStats {
  StageStat read;     // blocks out of ingest (decompressed bytes), files as records
  StageStat chunk;    // bytes into the chunker, chunks as records
  StageStat split;    // chunk bytes into the splitters, records found
  StageStat match;    // message bytes and records built, into the matcher (and the miner);
                      // fewer records than split found when text chunks go sparse_text
  StageStat analyze;  // hits collected as records; conditions, ranking and templates
  double wall_seconds = 0;  // run + analyze, end to end
  int threads = 0;
};

struct RunOptions {
  int jobs = 0;  // worker threads; 0 = one per core
  PipelineStats* stats = nullptr;  // filled when given; measuring costs a clock read per chunk
  ingest::Limits limits;
  formats::ChunkerOptions chunker;
  bool unmatched = true;  // mine the error records no rule matched (Analysis::unmatched)
  // Build only the records of a text chunk that a whole-chunk Hyperscan scan finds a match in
  // (formats::text_scannable, Matcher::scan_text): the same report, most records never built.
  // Off only to compare with the full split (tests).
  bool sparse_text = true;
};

struct RunResult {
  FileTable files;
  // Every worker's hits, merged; evidence keeps its message, not its captures
  // (CaptureMode::when_shown): analyze with capture_reader() of the same matcher.
  analyze::Collector collector;
  analyze::UnmatchedMiner unmatched;  // every worker's unmatched error records, merged
  analyze::InputStats stats;
  Problems problems;             // damage met while reading, sorted by place
  Problems unreadable;           // inputs that could not be opened at all
  size_t inputs_opened = 0;
};

// The matcher kdx analyses with: the rules' signals, and two markers
// (analyze::error_word_marker(), formats::warning_level_marker()) that mark every record that
// may be an unrecognised error. With them run() reads a line's time and level only for the
// records a rule hit or a marker marked, and the miner looks only at marked ones. run() takes
// any Matcher; without the markers it reads every record whole and mines every one.
Expected<match::Matcher> compile_matcher(const rules::RuleSet& rules,
                                         match::Engine engine = match::Engine::automatic,
                                         std::string cache_dir = {});

RunResult run(const std::vector<std::string>& inputs, const match::Matcher& matcher,
              const RunOptions& options);

// Reads captures for analyze::analyze() from the evidence run() collected with `matcher`.
analyze::CaptureFn capture_reader(const match::Matcher& matcher);

// Orders problems by place, with numbers compared as numbers ("f:9" before "f:10").
void sort_problems(Problems& problems);

struct OpenSummary {
  size_t opened = 0;     // inputs that could be opened
  Problems unreadable;   // the ones that could not ("cannot read 'x': ...")
};

// The whole analysis of `inputs`: run, analyze, then mine the unmatched records into templates
// ranked against the top finding's first-seen. Every problem goes into the Analysis
// (unreadable inputs first); `summary`, if given, says which inputs could not be opened.
analyze::Analysis analyze_inputs(const std::vector<std::string>& inputs,
                                 const match::Matcher& matcher, const RunOptions& options,
                                 OpenSummary* summary = nullptr);

}  // namespace kdx::pipeline
