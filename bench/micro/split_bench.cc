// Splitting one 8 MiB chunk into records, per line format: the parallel stage's first half.
#include <benchmark/benchmark.h>

#include "bench_data.h"
#include "formats/formats.h"

namespace kdx::bench {
namespace {

void BM_Split(benchmark::State& state, Shape shape, const char* path) {
  FileInfo file;
  file.member = path;
  file.display = path;
  formats::Chunk chunk;
  chunk.file = &file;
  std::string text = make_log(shape, 8 << 20);
  chunk.format = formats::detect(path, std::string_view(text).substr(0, 64 << 10)).format;
  chunk.bytes.reserve(text.size() + formats::kChunkPadding);
  chunk.bytes = text;
  formats::RecordBatch batch;
  Problems problems;
  for (auto _ : state) {
    batch.clear();
    formats::split(chunk, batch, problems);
    benchmark::DoNotOptimize(batch.records.data());
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * chunk.bytes.size()));
  state.counters["records"] = static_cast<double>(batch.records.size());
}

BENCHMARK_CAPTURE(BM_Split, klog, Shape::klog, "kubelet.log")->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Split, cri, Shape::cri, "var/log/pods/ns_p_uid/c/0.log")
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Split, journald_json, Shape::journald_json, "journal.json")
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Split, syslog, Shape::syslog, "var/log/syslog")->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Split, app_json, Shape::app_json, "app.log")->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace kdx::bench
