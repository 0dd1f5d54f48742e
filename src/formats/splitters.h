// formats/splitters.h — internal: one splitter per record format, dispatched by split().
// Each appends Records for `in.bytes` to `batch`, borrowing from in.bytes where it can and
// from batch.arena otherwise. A splitter may be handed any slice of a file (the cluster-dump
// splitter hands sub-ranges to the others), so none assumes simdjson padding past in.bytes.
#pragma once

#include <string_view>

#include "formats/formats.h"

namespace kdx::formats::detail {

struct SplitInput {
  const FileInfo* file = nullptr;  // for problems ("<display>:<line>") and year_hint
  std::string_view bytes;
  uint64_t first_line = 1;         // line number of bytes[0]
  ResourceRef res;                 // default resource for records (from the layout or a block)
  bool padded = false;             // true when bytes has kChunkPadding readable bytes past end
  bool defer_meta = false;         // SplitMeta::when_needed
  const std::vector<uint32_t>* hot = nullptr;  // split()'s `hot` (split_text only)
};

// "<display>:<line>" for Problem::where.
std::string where(const SplitInput& in, uint64_t line);

// Line formats (formats/text.cc, kubectl_ts.cc, cri.cc, docker_json.cc, syslog.cc,
// journald_json.cc, journald_export.cc).
void split_text(const SplitInput& in, RecordBatch& batch, Problems& problems);
void split_kubectl_ts(const SplitInput& in, RecordBatch& batch, Problems& problems);
void split_cri(const SplitInput& in, RecordBatch& batch, Problems& problems);
void split_docker_json(const SplitInput& in, RecordBatch& batch, Problems& problems);
void split_syslog(const SplitInput& in, RecordBatch& batch, Problems& problems);
void split_journald_json(const SplitInput& in, RecordBatch& batch, Problems& problems);
void split_journald_export(const SplitInput& in, RecordBatch& batch, Problems& problems);

// Kubernetes documents (formats/events_json.cc, events_yaml.cc, events_table.cc, describe.cc,
// pods_json.cc, cluster_dump.cc).
void split_events_json(const SplitInput& in, RecordBatch& batch, Problems& problems);
void split_events_yaml(const SplitInput& in, RecordBatch& batch, Problems& problems);
void split_events_table(const SplitInput& in, RecordBatch& batch, Problems& problems);
void split_describe(const SplitInput& in, RecordBatch& batch, Problems& problems);
void split_pods_json(const SplitInput& in, RecordBatch& batch, Problems& problems);
void split_cluster_dump(const SplitInput& in, RecordBatch& batch, Problems& problems);

}  // namespace kdx::formats::detail
