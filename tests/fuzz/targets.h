// tests/fuzz/targets.h — the fuzz targets: one entry point per parser, each taking arbitrary
// bytes. fuzz_main.cc wraps one of them as LLVMFuzzerTestOneInput (clang, KDX_FUZZ=ON);
// replay_test.cc runs the seeds and every saved crash input through all of them in the normal
// test suite. A target never prints; a broken invariant aborts through KDX_ASSERT, which
// libFuzzer reports as a crash. Each call is independent; not thread-safe (static matchers).
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

namespace kdx::fuzz {

struct Target {
  std::string_view name;         // also the folder of its seeds and regressions
  std::string_view description;  // what the bytes are, for README and --help
  void (*run)(std::span<const uint8_t> data);
};

// Every target, in a fixed order.
std::span<const Target> all_targets();
// The target called `name`, or null.
const Target* find_target(std::string_view name);

// The targets (targets_formats.cc, targets_ingest.cc, targets_rules.cc, targets_analyze.cc).
void fuzz_detect(std::span<const uint8_t> data);
void fuzz_split(std::span<const uint8_t> data);
void fuzz_chunker(std::span<const uint8_t> data);
void fuzz_journald_export(std::span<const uint8_t> data);
void fuzz_events_json(std::span<const uint8_t> data);
void fuzz_events_yaml(std::span<const uint8_t> data);
void fuzz_events_table(std::span<const uint8_t> data);
void fuzz_describe(std::span<const uint8_t> data);
void fuzz_pods_json(std::span<const uint8_t> data);
void fuzz_cluster_dump(std::span<const uint8_t> data);
void fuzz_ingest(std::span<const uint8_t> data);
void fuzz_rules(std::span<const uint8_t> data);
void fuzz_analyze(std::span<const uint8_t> data);

}  // namespace kdx::fuzz
