// The format table: names, chunking behaviour, and dispatch to the per-format splitters.
#include <array>

#include <fmt/format.h>

#include "core/assert.h"
#include "formats/splitters.h"

namespace kdx::formats {
namespace {

constexpr std::array<std::string_view, kFormatCount> kNames = {
    "text",         "kubectl-ts", "cri",             "docker-json",   "events-json",
    "events-yaml",  "events-table", "describe",      "pods-json",     "journald-export",
    "journald-json", "syslog",    "cluster-dump",    "binary"};

}  // namespace

std::string_view format_name(FormatId f) { return kNames[static_cast<size_t>(f)]; }

bool splits_by_line(FormatId f) {
  switch (f) {
    case FormatId::text:
    case FormatId::kubectl_ts:
    case FormatId::cri:
    case FormatId::docker_json:
    case FormatId::journald_json:
    case FormatId::syslog:
      return true;
    default:
      return false;
  }
}

namespace detail {
std::string where(const SplitInput& in, uint64_t line) {
  return fmt::format("{}:{}", in.file ? in.file->display : std::string("-"), line);
}
}  // namespace detail

void split(const Chunk& chunk, RecordBatch& batch, Problems& problems, SplitMeta meta,
           const std::vector<uint32_t>* hot) {
  using namespace detail;
  batch.chunk = &chunk;
  SplitInput in;
  in.file = chunk.file;
  in.bytes = chunk.bytes;
  in.first_line = chunk.first_line;
  if (chunk.file) in.res = chunk.file->resource.ref();
  in.padded = chunk.bytes.capacity() >= chunk.bytes.size() + kChunkPadding;
  in.defer_meta = meta == SplitMeta::when_needed;
  KDX_ASSERT(!hot || (chunk.format == FormatId::text && in.defer_meta));
  in.hot = hot;
  switch (chunk.format) {
    case FormatId::text: return split_text(in, batch, problems);
    case FormatId::kubectl_ts: return split_kubectl_ts(in, batch, problems);
    case FormatId::cri: return split_cri(in, batch, problems);
    case FormatId::docker_json: return split_docker_json(in, batch, problems);
    case FormatId::events_json: return split_events_json(in, batch, problems);
    case FormatId::events_yaml: return split_events_yaml(in, batch, problems);
    case FormatId::events_table: return split_events_table(in, batch, problems);
    case FormatId::describe: return split_describe(in, batch, problems);
    case FormatId::pods_json: return split_pods_json(in, batch, problems);
    case FormatId::journald_export: return split_journald_export(in, batch, problems);
    case FormatId::journald_json: return split_journald_json(in, batch, problems);
    case FormatId::syslog: return split_syslog(in, batch, problems);
    case FormatId::cluster_dump: return split_cluster_dump(in, batch, problems);
    case FormatId::binary: return;  // the chunker reports binary files; nothing to split
  }
}

void complete_meta(Record& r, int year_hint) {
  switch (r.deferred) {
    case DeferredMeta::none:
      return;
    case DeferredMeta::level_of_message:
      r.level = parse_line_meta(r.message, year_hint).level;
      break;
    case DeferredMeta::meta_of_first_line: {
      std::string_view first = r.text.substr(0, r.text.find('\n'));
      if (first.ends_with('\r')) first.remove_suffix(1);
      const LineMeta m = parse_line_meta(first, year_hint);
      r.ts = r.first_ts = m.ts;
      r.level = m.level;
      break;
    }
  }
  r.deferred = DeferredMeta::none;
}

}  // namespace kdx::formats
