// Format detection on a file's first 64 KiB, per shape: what every file of a bundle pays once.
#include <benchmark/benchmark.h>

#include "bench_data.h"
#include "formats/formats.h"

namespace kdx::bench {
namespace {

void BM_Detect(benchmark::State& state, Shape shape, const char* path) {
  const std::string head = make_log(shape, 64 << 10).substr(0, 64 << 10);
  for (auto _ : state) benchmark::DoNotOptimize(formats::detect(path, head));
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * head.size()));
}

BENCHMARK_CAPTURE(BM_Detect, klog, Shape::klog, "kubelet.log");
BENCHMARK_CAPTURE(BM_Detect, cri, Shape::cri, "var/log/pods/ns_p_uid/c/0.log");
BENCHMARK_CAPTURE(BM_Detect, journald_json, Shape::journald_json, "journal.json");
BENCHMARK_CAPTURE(BM_Detect, syslog, Shape::syslog, "var/log/syslog");
BENCHMARK_CAPTURE(BM_Detect, app_json, Shape::app_json, "app.log");

}  // namespace
}  // namespace kdx::bench
