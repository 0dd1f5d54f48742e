// The table of fuzz targets, shared by the libFuzzer binaries and the replay test.
#include "fuzz/targets.h"

#include <array>

namespace kdx::fuzz {
namespace {

constexpr std::array<Target, 13> kTargets = {{
    {"detect", "[path selector][a file's head]: formats::detect, safe_cut", fuzz_detect},
    {"split", "[format selector][chunk]: formats::split, any of the 13 formats", fuzz_split},
    {"chunker", "[chunk size][piece size][document limit][path][file]: formats::Chunker",
     fuzz_chunker},
    {"journald_export", "a `journalctl -o export` chunk", fuzz_journald_export},
    {"events_json", "a `kubectl get events -o json` document", fuzz_events_json},
    {"events_yaml", "a `kubectl get events -o yaml` document", fuzz_events_yaml},
    {"events_table", "a `kubectl get events` table", fuzz_events_table},
    {"describe", "a `kubectl describe` document", fuzz_describe},
    {"pods_json", "a `kubectl get pods -o json` document", fuzz_pods_json},
    {"cluster_dump", "a `kubectl cluster-info dump` to stdout", fuzz_cluster_dump},
    {"ingest", "one input: archive, compressed stream or plain file (memfd and pipe)", fuzz_ingest},
    {"rules", "one YAML rule file: rules::load_rules, then Matcher::compile", fuzz_rules},
    {"analyze", "one input file through the pipeline, rendered as JSON and text", fuzz_analyze},
}};

}  // namespace

std::span<const Target> all_targets() { return kTargets; }

const Target* find_target(std::string_view name) {
  for (const Target& t : kTargets)
    if (t.name == name) return &t;
  return nullptr;
}

}  // namespace kdx::fuzz
