#include <tbb/enumerable_thread_specific.h>
#include <tbb/parallel_pipeline.h>
#include <tbb/task_arena.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <deque>
#include <thread>

#include "pipeline/pipeline.h"

namespace kdx::pipeline {
namespace {

using Clock = std::chrono::steady_clock;

// Seconds from `start` to now, for --stats.
double since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

void add(StageStat& to, const StageStat& from) {
  to.bytes += from.bytes;
  to.records += from.records;
  to.seconds += from.seconds;
}

// Per-thread state of the parallel stage.
struct Worker {
  formats::RecordBatch batch;
  match::MatchScratch scratch;
  analyze::Collector collector{analyze::CaptureMode::when_shown};  // see capture_reader()
  analyze::UnmatchedMiner unmatched;
  std::vector<uint8_t> hit;     // per record of the batch: did some rule hit it
  std::vector<uint8_t> marked;  // per record: may it be an unrecognised error (markers)
  std::vector<uint32_t> hot;      // where a text chunk's matches end (sparse split)
  std::vector<uint32_t> special;  // its bytes that keep their record (text_scannable)
  Problems problems;
  std::array<uint64_t, formats::kFormatCount> records{};
  StageStat split, match;  // for --stats
};

// Reads what split() deferred of a hit record (its time and level) before the collector sees
// it, and marks the records hit, so that the rest can go to the miner afterwards.
class CompletingSink final : public match::HitSink {
 public:
  CompletingSink(match::HitSink& inner, formats::RecordBatch& batch, int year_hint,
                 std::vector<uint8_t>& hit)
      : inner_(inner), records_(batch.records.data()), year_hint_(year_hint), hit_(hit) {}
  void on_hit(const match::Hit& h) override {
    const auto i = static_cast<size_t>(h.record - records_);
    if (i < hit_.size()) {
      hit_[i] = 1;
      formats::complete_meta(records_[i], year_hint_);
    }
    inner_.on_hit(h);
  }

 private:
  match::HitSink& inner_;
  formats::Record* records_;
  int year_hint_;
  std::vector<uint8_t>& hit_;
};

// What the miner needs of the matcher: whether to mine, and whether the matcher marks every
// record that may be an unrecognised error (analyze::error_word_marker() and
// formats::warning_level_marker() both compiled in). Then the miner looks only at marked
// records, and only hits and marked records need the time and level a line states.
struct MinerMode {
  bool enabled = true;
  bool marked = false;
  formats::SplitMeta split_meta() const {
    return !enabled || marked ? formats::SplitMeta::when_needed : formats::SplitMeta::now;
  }
};

// Matches the worker's batch; when mining, feeds the records no rule hit to the miner.
void match_batch(const match::Matcher& matcher, const formats::Chunk& chunk, MinerMode miner,
                 Worker& w) {
  auto& records = w.batch.records;
  const int year_hint = chunk.file ? chunk.file->year_hint : 0;
  w.hit.assign(records.size(), 0);
  CompletingSink sink(w.collector, w.batch, year_hint, w.hit);
  matcher.match(w.batch, w.scratch, sink, miner.enabled && miner.marked ? &w.marked : nullptr);
  if (!miner.enabled) return;
  const FileId file = chunk.file ? chunk.file->id : 0;
  for (size_t i = 0; i < records.size(); ++i) {
    if (w.hit[i]) continue;
    const bool may_be_error = !miner.marked || w.marked[i];
    if (records[i].deferred != formats::DeferredMeta::none) {
      if (!may_be_error) continue;  // no warning level, no error word: not a candidate
      formats::complete_meta(records[i], year_hint);
    }
    w.unmatched.add(records[i], file, may_be_error);
  }
}

constexpr size_t kScanPieceBytes = 256 << 10;

// For a text chunk (formats::text_scannable), scans it whole and fills w.hot with where matches
// end and where a message is not its line, so that split() builds only the records holding
// one (and those read at once): the rest cannot hit, are not marked, and the miner skips them.
// False when the chunk or the matcher cannot go this way; then every record is split.
bool find_hot(const match::Matcher& matcher, const formats::Chunk& chunk, MinerMode miner,
              Worker& w) {
  if (miner.split_meta() != formats::SplitMeta::when_needed) return false;
  w.special.clear();
  w.hot.clear();
  const std::string_view text = formats::text_scannable(chunk, w.special);
  if (text.empty()) return false;
  // Scanned in pieces of about kScanPieceBytes cut where a record starts (formats::safe_cut):
  // Hyperscan runs ~10% slower on a 2 MiB buffer than on 256 KiB ones (it falls out of cache
  // between its engines), and no match within a record crosses such a cut.
  const auto skip = static_cast<uint32_t>(text.data() - chunk.bytes.data());  // a BOM
  for (size_t at = 0; at < text.size();) {
    size_t end = std::min(text.size(), at + kScanPieceBytes);
    if (end < text.size()) {
      const size_t cut = formats::safe_cut(formats::FormatId::text, text.substr(at, end - at));
      end = cut > 0 ? at + cut : text.size();
    }
    const size_t first = w.hot.size();
    if (!matcher.scan_text(text.substr(at, end - at), w.scratch, w.hot)) return false;
    for (size_t i = first; i < w.hot.size(); ++i) w.hot[i] += static_cast<uint32_t>(skip + at);
    at = end;
  }
  // Records with a carriage return or a byte past ASCII are kept whatever the scan found.
  const auto matched = static_cast<std::ptrdiff_t>(w.hot.size());
  w.hot.insert(w.hot.end(), w.special.begin(), w.special.end());
  std::inplace_merge(w.hot.begin(), w.hot.begin() + matched, w.hot.end());
  return true;
}

// Adds one chunk's split (t0..t1) and match (t1..now) to the worker's --stats counters.
void count_stage(Worker& w, const formats::Chunk& chunk, Clock::time_point t0,
                 Clock::time_point t1, bool message_bytes) {
  w.split.seconds += std::chrono::duration<double>(t1 - t0).count();
  w.split.bytes += chunk.bytes.size();
  w.split.records += w.batch.records.size() + w.batch.left_out;
  w.match.seconds += since(t1);
  w.match.records += w.batch.records.size();
  if (message_bytes)
    for (const auto& r : w.batch.records) w.match.bytes += r.message.size();
}

// The serial front: opens inputs one after another, pulls blocks, feeds the chunker and
// queues the chunks it emits. Runs on one thread at a time (a serial_in_order filter).
class Reader {
 public:
  Reader(const std::vector<std::string>& inputs, const RunOptions& opts, RunResult& out)
      : inputs_(inputs), opts_(opts), out_(out), chunker_(opts.chunker, out.problems) {}

  // The next chunk, or nullptr when every input is exhausted.
  std::unique_ptr<formats::Chunk> next() {
    while (queue_.empty()) {
      if (!source_ && !open_next()) return nullptr;
      PipelineStats* st = opts_.stats;
      const auto t0 = st ? Clock::now() : Clock::time_point();
      auto block = source_->next();
      if (st) {
        st->read.seconds += since(t0);
        st->read.bytes += block ? block->bytes.size() : 0;
        st->read.records += block && block->eof;
      }
      if (!block) {
        source_.reset();
        continue;
      }
      auto emit = [this, st](std::unique_ptr<formats::Chunk> c) {
        auto& fs = out_.stats.by_format[std::string(formats::format_name(c->format))];
        fs.bytes += c->bytes.size();
        out_.stats.bytes += c->bytes.size();
        if (st) ++st->chunk.records;
        queue_.push_back(std::move(c));
      };
      const auto t1 = st ? Clock::now() : Clock::time_point();
      chunker_.feed(block->file, block->bytes, block->eof, emit);
      if (st) {
        st->chunk.seconds += since(t1);
        st->chunk.bytes += block->bytes.size();
      }
      if (block->eof) {
        ++out_.stats.by_format[std::string(formats::format_name(chunker_.current_format()))].files;
        ++out_.stats.files;
      }
    }
    auto c = std::move(queue_.front());
    queue_.pop_front();
    return c;
  }

 private:
  bool open_next() {
    while (next_input_ < inputs_.size()) {
      const std::string& arg = inputs_[next_input_++];
      auto src = ingest::open_input(arg, opts_.limits, out_.files, out_.problems);
      if (!src) {
        out_.unreadable.push_back(src.error());
        continue;
      }
      ++out_.inputs_opened;
      source_ = std::move(*src);
      return true;
    }
    return false;
  }

  const std::vector<std::string>& inputs_;
  const RunOptions& opts_;
  RunResult& out_;
  formats::Chunker chunker_;
  std::unique_ptr<ingest::Source> source_;
  size_t next_input_ = 0;
  std::deque<std::unique_ptr<formats::Chunk>> queue_;
};

// Splits a string into runs of digits and non-digits for a natural order.
bool natural_less(std::string_view a, std::string_view b) {
  size_t i = 0, j = 0;
  auto digit = [](char c) { return c >= '0' && c <= '9'; };
  while (i < a.size() && j < b.size()) {
    if (digit(a[i]) && digit(b[j])) {
      size_t i2 = i, j2 = j;
      while (i2 < a.size() && digit(a[i2])) ++i2;
      while (j2 < b.size() && digit(b[j2])) ++j2;
      std::string_view na = a.substr(i, i2 - i), nb = b.substr(j, j2 - j);
      while (na.size() > 1 && na[0] == '0') na.remove_prefix(1);
      while (nb.size() > 1 && nb[0] == '0') nb.remove_prefix(1);
      if (na.size() != nb.size()) return na.size() < nb.size();
      if (na != nb) return na < nb;
      i = i2;
      j = j2;
    } else {
      if (a[i] != b[j]) return a[i] < b[j];
      ++i;
      ++j;
    }
  }
  return a.size() - i < b.size() - j;
}

}  // namespace

void sort_problems(Problems& problems) {
  std::stable_sort(problems.begin(), problems.end(), [](const Problem& a, const Problem& b) {
    if (a.where != b.where) return natural_less(a.where, b.where);
    return a.message < b.message;
  });
}

Expected<match::Matcher> compile_matcher(const rules::RuleSet& rules, match::Engine engine,
                                         std::string cache_dir) {
  return match::Matcher::compile(rules, engine, std::move(cache_dir),
                                 {analyze::error_word_marker(), formats::warning_level_marker()});
}

analyze::CaptureFn capture_reader(const match::Matcher& matcher) {
  return [&matcher](rules::RuleIx rule, uint16_t signal, std::string_view message) {
    analyze::Captures out;
    for (const auto& c : matcher.captures_of(rule, signal, message))
      out.emplace_back(c.name, c.value);
    return out;
  };
}

RunResult run(const std::vector<std::string>& inputs, const match::Matcher& matcher,
              const RunOptions& options) {
  RunResult out;
  const auto& markers = matcher.markers();
  auto has = [&markers](const std::string& m) {
    return std::find(markers.begin(), markers.end(), m) != markers.end();
  };
  const MinerMode miner{options.unmatched,
                        has(analyze::error_word_marker()) && has(formats::warning_level_marker())};
  const int jobs = options.jobs > 0 ? options.jobs
                                    : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  Reader reader(inputs, options, out);
  tbb::enumerable_thread_specific<Worker> workers;
  tbb::task_arena arena(jobs);
  arena.execute([&] {
    tbb::parallel_pipeline(
        static_cast<size_t>(2 * jobs),
        tbb::make_filter<void, formats::Chunk*>(
            tbb::filter_mode::serial_in_order,
            [&](tbb::flow_control& fc) -> formats::Chunk* {
              auto c = reader.next();
              if (!c) fc.stop();
              return c.release();
            }) &
            tbb::make_filter<formats::Chunk*, void>(
                tbb::filter_mode::parallel, [&](formats::Chunk* raw) {
                  std::unique_ptr<formats::Chunk> chunk(raw);
                  Worker& w = workers.local();
                  w.batch.clear();
                  const auto t0 = Clock::now();
                  const bool sparse = options.sparse_text && find_hot(matcher, *chunk, miner, w);
                  formats::split(*chunk, w.batch, w.problems, miner.split_meta(),
                                 sparse ? &w.hot : nullptr);
                  const auto t1 = Clock::now();
                  w.records[static_cast<size_t>(chunk->format)] +=
                      w.batch.records.size() + w.batch.left_out;
                  match_batch(matcher, *chunk, miner, w);
                  count_stage(w, *chunk, t0, t1, options.stats != nullptr);
                  w.batch.clear();  // records borrow from the chunk, freed next
                }));
  });
  if (options.stats) options.stats->threads = jobs;
  for (Worker& w : workers) {
    if (options.stats) {
      add(options.stats->split, w.split);
      add(options.stats->match, w.match);
    }
    out.collector.merge(std::move(w.collector));
    out.unmatched.merge(std::move(w.unmatched));
    out.problems.insert(out.problems.end(), w.problems.begin(), w.problems.end());
    for (int f = 0; f < formats::kFormatCount; ++f) {
      if (!w.records[f]) continue;
      out.stats.by_format[std::string(formats::format_name(static_cast<formats::FormatId>(f)))]
          .records += w.records[f];
      out.stats.records += w.records[f];
    }
  }
  sort_problems(out.problems);
  return out;
}

analyze::Analysis analyze_inputs(const std::vector<std::string>& inputs,
                                 const match::Matcher& matcher, const RunOptions& options,
                                 OpenSummary* summary) {
  const auto start = Clock::now();
  RunResult run_result = run(inputs, matcher, options);
  const auto analyzing = Clock::now();
  analyze::Analysis a = analyze::analyze(matcher.rules(), run_result.collector, run_result.files,
                                         {}, capture_reader(matcher));
  a.unmatched = analyze::mine_templates(run_result.unmatched, run_result.files,
                                        analyze::trouble_start(a.findings));
  if (PipelineStats* st = options.stats) {
    st->analyze.seconds = since(analyzing);
    for (const auto& [key, group] : run_result.collector.groups()) st->analyze.records += group.count;
    st->wall_seconds = since(start);
  }
  a.inputs = inputs;
  a.stats = std::move(run_result.stats);
  a.problems = run_result.unreadable;
  a.problems.insert(a.problems.end(), run_result.problems.begin(), run_result.problems.end());
  if (summary) {
    summary->opened = run_result.inputs_opened;
    summary->unreadable = run_result.unreadable;
  }
  return a;
}

}  // namespace kdx::pipeline
