// pipeline/pipeline.h — runs every stage over the inputs: the only code that sees them all
// and the only user of TBB. A serial reader (ingest -> detect -> chunk) feeds parallel
// workers (split -> match -> per-thread Collector); collectors merge order-independently, so
// the result is byte-identical at any thread count. Memory is bounded by chunk size x tokens.
#pragma once

#include <string>
#include <vector>

#include "analyze/analyze.h"
#include "formats/chunker.h"
#include "ingest/ingest.h"
#include "match/match.h"

namespace kdx::pipeline {

struct RunOptions {
  int jobs = 0;  // worker threads; 0 = one per core
  ingest::Limits limits;
  formats::ChunkerOptions chunker;
};

struct RunResult {
  FileTable files;
  analyze::Collector collector;  // every worker's hits, merged
  analyze::InputStats stats;
  Problems problems;             // damage met while reading, sorted by place
  Problems unreadable;           // inputs that could not be opened at all
  size_t inputs_opened = 0;
};

RunResult run(const std::vector<std::string>& inputs, const match::Matcher& matcher,
              const RunOptions& options);

// Orders problems by place, with numbers compared as numbers ("f:9" before "f:10").
void sort_problems(Problems& problems);

struct OpenSummary {
  size_t opened = 0;     // inputs that could be opened
  Problems unreadable;   // the ones that could not ("cannot read 'x': ...")
};

// The whole analysis of `inputs`: run, then analyze. Every problem goes into the Analysis
// (unreadable inputs first); `summary`, if given, says which inputs could not be opened.
analyze::Analysis analyze_inputs(const std::vector<std::string>& inputs,
                                 const match::Matcher& matcher, const RunOptions& options,
                                 OpenSummary* summary = nullptr);

}  // namespace kdx::pipeline
