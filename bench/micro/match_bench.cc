// Matching the records of one 8 MiB klog chunk (2% failure lines) with each engine and path,
// and compiling the embedded database: the parallel stage's second half, and the start-up cost.
// "past_ascii": the same chunk with a character past ASCII in every tenth line, which
// Hyperscan scans one byte per character and a small RE2::Set checks for the other regexes.
#include <benchmark/benchmark.h>

#include "bench_data.h"
#include "formats/formats.h"
#include "match/match.h"

namespace kdx::bench {
namespace {

struct CountingSink final : match::HitSink {
  uint64_t hits = 0;
  void on_hit(const match::Hit&) override { ++hits; }
};

struct Fixture {
  FileInfo file;
  formats::Chunk chunk;
  formats::RecordBatch batch;
  rules::RuleSet rules;
  explicit Fixture(bool past_ascii) {
    file.member = file.display = "kubelet.log";
    chunk.file = &file;
    chunk.format = formats::FormatId::text;
    std::string text = make_log(Shape::klog, 8 << 20);
    if (past_ascii) {
      std::string marked;
      size_t line = 0;
      for (char c : text) {
        if (c == '\n' && ++line % 10 == 0) marked += " (caf\xc3\xa9)";
        marked += c;
      }
      text = std::move(marked);
    }
    chunk.bytes.reserve(text.size() + formats::kChunkPadding);
    chunk.bytes = text;
    Problems problems;
    formats::split(chunk, batch, problems);
    auto texts = rules::embedded_rule_texts();
    auto loaded = rules::load_rules(texts);
    if (loaded) rules = std::move(*loaded);
  }
};

const Fixture& fixture(bool past_ascii = false) {
  if (past_ascii) {
    static const Fixture other(true);
    return other;
  }
  static const Fixture ascii(false);
  return ascii;
}

void BM_MatchBatch(benchmark::State& state, match::Engine engine, bool past_ascii = false) {
  const Fixture& f = fixture(past_ascii);
  auto m = match::Matcher::compile(f.rules, engine);
  if (!m) return state.SkipWithError(m.error().message.c_str());
  match::MatchScratch scratch;
  CountingSink sink;
  for (auto _ : state) m->match(f.batch, scratch, sink);
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * f.chunk.bytes.size()));
  state.counters["records"] = static_cast<double>(f.batch.records.size());
  state.counters["hits/iter"] = static_cast<double>(sink.hits) / static_cast<double>(state.iterations());
}

void BM_MatchPerRecord(benchmark::State& state, match::Engine engine) {
  const Fixture& f = fixture();
  auto m = match::Matcher::compile(f.rules, engine);
  if (!m) return state.SkipWithError(m.error().message.c_str());
  match::MatchScratch scratch;
  CountingSink sink;
  for (auto _ : state)
    for (const auto& r : f.batch.records) m->match_record(r, scratch, sink);
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * f.chunk.bytes.size()));
}

void BM_Compile(benchmark::State& state, match::Engine engine) {
  const Fixture& f = fixture();
  for (auto _ : state) benchmark::DoNotOptimize(match::Matcher::compile(f.rules, engine));
}

BENCHMARK_CAPTURE(BM_MatchBatch, re2_set, match::Engine::re2_set)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_MatchBatch, hyperscan, match::Engine::hyperscan)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_MatchBatch, re2_set_past_ascii, match::Engine::re2_set, true)
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_MatchBatch, hyperscan_past_ascii, match::Engine::hyperscan, true)
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_MatchPerRecord, re2_set, match::Engine::re2_set)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_MatchPerRecord, hyperscan, match::Engine::hyperscan)
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Compile, re2_set, match::Engine::re2_set)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Compile, hyperscan, match::Engine::hyperscan)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace kdx::bench
