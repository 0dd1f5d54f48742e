#include <tbb/enumerable_thread_specific.h>
#include <tbb/parallel_pipeline.h>
#include <tbb/task_arena.h>

#include <algorithm>
#include <array>
#include <deque>
#include <thread>

#include "pipeline/pipeline.h"

namespace kdx::pipeline {
namespace {

// Per-thread state of the parallel stage.
struct Worker {
  formats::RecordBatch batch;
  match::MatchScratch scratch;
  analyze::Collector collector;
  Problems problems;
  std::array<uint64_t, formats::kFormatCount> records{};
};

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
      auto block = source_->next();
      if (!block) {
        source_.reset();
        continue;
      }
      auto emit = [this](std::unique_ptr<formats::Chunk> c) {
        auto& fs = out_.stats.by_format[std::string(formats::format_name(c->format))];
        fs.bytes += c->bytes.size();
        out_.stats.bytes += c->bytes.size();
        queue_.push_back(std::move(c));
      };
      chunker_.feed(block->file, block->bytes, block->eof, emit);
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

RunResult run(const std::vector<std::string>& inputs, const match::Matcher& matcher,
              const RunOptions& options) {
  RunResult out;
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
                  formats::split(*chunk, w.batch, w.problems);
                  w.records[static_cast<size_t>(chunk->format)] += w.batch.records.size();
                  matcher.match(w.batch, w.scratch, w.collector);
                  w.batch.clear();  // records borrow from the chunk, freed next
                }));
  });
  for (Worker& w : workers) {
    out.collector.merge(std::move(w.collector));
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
  RunResult run_result = run(inputs, matcher, options);
  analyze::Analysis a = analyze::analyze(matcher.rules(), run_result.collector, run_result.files);
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
