// Fuzz targets for formats/: detection, every splitter, and the chunker. Besides "no crash and
// no sanitizer report", each checks what the formats header promises: detection stays in
// range, safe_cut cuts after a newline, records point at lines of their chunk, records split
// with their time and level deferred equal the others once completed, and chunking loses and
// reorders no byte.
#include <algorithm>
#include <array>
#include <memory>
#include <string>

#include "core/assert.h"
#include "formats/chunker.h"
#include "formats/formats.h"
#include "fuzz/targets.h"

namespace kdx::fuzz {
namespace {

using formats::Chunk;
using formats::FormatId;
using formats::RecordBatch;

std::string_view as_text(std::span<const uint8_t> data) {
  return {reinterpret_cast<const char*>(data.data()), data.size()};
}

// Paths that steer detection's tie-break and the year of year-less stamps.
constexpr std::array<std::string_view, 8> kPaths = {
    "",
    "events.json",
    "cluster-resources/pods/db.json",
    "var/log/pods/db_postgres-0_1234/postgres/0.log",
    "var/lib/docker/containers/abc/abc-json.log",
    "host-collectors/run-host/journalctl-k3s.txt",
    "var/log/syslog",
    "describe-pod.txt"};

FileInfo file_info(std::string_view member) {
  FileInfo f;
  f.member = std::string(member);
  f.display = "fuzz/" + f.member;
  f.year_hint = 2026;
  f.resource.ns = "db";
  f.resource.pod = "postgres-0";
  f.resource.container = "postgres";
  return f;
}

// Reads every byte a record borrows, so ASan sees a view into freed or foreign memory.
size_t touch(std::string_view s) {
  size_t h = s.size();
  for (char c : s) h = h * 31 + static_cast<unsigned char>(c);
  return h;
}

void check_records(const Chunk& chunk, const RecordBatch& batch) {
  KDX_ASSERT(batch.chunk == &chunk);
  const uint64_t last_line = chunk.first_line + static_cast<uint64_t>(std::count(
                                                    chunk.bytes.begin(), chunk.bytes.end(), '\n'));
  size_t h = 0;
  for (const formats::Record& r : batch.records) {
    KDX_ASSERT(r.line >= chunk.first_line && r.line <= last_line);
    KDX_ASSERT(r.repeat >= 1);
    h += touch(r.text) + touch(r.message) + touch(r.reason) + touch(r.type);
    h += touch(r.res.ns) + touch(r.res.pod) + touch(r.res.container) + touch(r.res.node) +
         touch(r.res.unit);
  }
  volatile size_t sink = h;
  (void)sink;
}

// Splits `bytes` as one chunk of `format`. Padded like the chunker's chunks, or (padded ==
// false) with no slack at all, which the splitters must not read past either.
void split_one(FormatId format, std::string_view bytes, bool padded, uint64_t first_line,
               const FileInfo& file) {
  auto chunk = std::make_unique<Chunk>();
  chunk->file = &file;
  chunk->format = format;
  chunk->first_line = first_line;
  if (padded) {
    chunk->bytes.reserve(bytes.size() + formats::kChunkPadding);
    chunk->bytes.assign(bytes);
  } else {
    chunk->bytes = std::string(bytes);
    chunk->bytes.shrink_to_fit();
  }
  RecordBatch batch;
  Problems problems;
  formats::split(*chunk, batch, problems);
  check_records(*chunk, batch);
  for (const Problem& p : problems) KDX_ASSERT(!p.where.empty() && !p.message.empty());
  // Split leaving the time and level for later, then completed: the same records.
  RecordBatch later;
  Problems later_problems;
  formats::split(*chunk, later, later_problems, formats::SplitMeta::when_needed);
  KDX_ASSERT(later_problems == problems);
  KDX_ASSERT(later.records.size() == batch.records.size());
  for (size_t i = 0; i < later.records.size(); ++i) {
    formats::Record r = later.records[i];
    formats::complete_meta(r, file.year_hint);
    const formats::Record& now = batch.records[i];
    KDX_ASSERT(r.deferred == formats::DeferredMeta::none);
    KDX_ASSERT(r.ts == now.ts && r.first_ts == now.first_ts && r.level == now.level);
    KDX_ASSERT(r.text == now.text && r.message == now.message && r.line == now.line);
  }
  if (format != FormatId::text) return;
  // With hot offsets (some bytes, picked by their value and place): exactly the records that
  // hold one or were read at once, as they were, and the rest counted.
  std::vector<uint32_t> hot;
  for (uint32_t at = 0; at < chunk->bytes.size(); ++at)
    if ((static_cast<unsigned char>(chunk->bytes[at]) ^ at) % 11 == 0) hot.push_back(at);
  RecordBatch sparse;
  Problems sparse_problems;
  formats::split(*chunk, sparse, sparse_problems, formats::SplitMeta::when_needed, &hot);
  KDX_ASSERT(sparse_problems == later_problems);
  KDX_ASSERT(sparse.records.size() + sparse.left_out == later.records.size());
  size_t kept = 0;
  for (const formats::Record& r : later.records) {
    const auto begin = static_cast<uint32_t>(r.text.data() - chunk->bytes.data());
    uint32_t end = begin + static_cast<uint32_t>(r.text.size());
    while (end < chunk->bytes.size() && chunk->bytes[end] == '\r') ++end;  // its line's end
    if (end < chunk->bytes.size() && chunk->bytes[end] == '\n') ++end;
    const auto h = std::lower_bound(hot.begin(), hot.end(), begin);
    if ((h == hot.end() || *h >= end) && r.deferred != formats::DeferredMeta::none) continue;
    KDX_ASSERT(kept < sparse.records.size());
    const formats::Record& s = sparse.records[kept++];
    KDX_ASSERT(s.text == r.text && s.message == r.message && s.line == r.line &&
               s.deferred == r.deferred && s.level == r.level && s.repeat == r.repeat);
  }
  KDX_ASSERT(kept == sparse.records.size());
}

void split_as(FormatId format, std::span<const uint8_t> data) {
  const FileInfo file = file_info("fuzz.log");
  split_one(format, as_text(data), true, 1, file);
}

}  // namespace

// Bytes: [path selector][head]. Detection is pure and in range; a cut safe_cut offers ends a
// line; splitting the head as the detected format works.
void fuzz_detect(std::span<const uint8_t> data) {
  if (data.empty()) return;
  const std::string_view path = kPaths[data[0] % kPaths.size()];
  const std::string_view head = as_text(data.subspan(1));
  const formats::Detection d = formats::detect(path, head);
  KDX_ASSERT(static_cast<int>(d.format) < formats::kFormatCount);
  KDX_ASSERT(d.confidence >= 0 && d.confidence <= 100);
  KDX_ASSERT(!d.why.empty());
  KDX_ASSERT(formats::detect(path, head).format == d.format);
  if (d.format == FormatId::binary) return;
  const size_t cut = formats::safe_cut(d.format, head);
  KDX_ASSERT(cut <= head.size());
  KDX_ASSERT(cut == 0 || head[cut - 1] == '\n');
  KDX_ASSERT(cut == 0 || formats::splits_by_line(d.format) || d.format == FormatId::events_table);
  const FileInfo file = file_info(path);
  split_one(d.format, head, true, 1, file);
}

// Bytes: [format selector][chunk]. The selector's low bits pick one of the 13 record formats,
// bit 7 drops the padding, bit 6 starts the chunk at line 1000 (a later chunk of a file).
void fuzz_split(std::span<const uint8_t> data) {
  if (data.empty()) return;
  const auto format = static_cast<FormatId>((data[0] & 0x3F) % (formats::kFormatCount - 1));
  const bool padded = (data[0] & 0x80) == 0;
  const uint64_t first_line = (data[0] & 0x40) ? 1000 : 1;
  const FileInfo file = file_info("fuzz.log");
  split_one(format, as_text(data.subspan(1)), padded, first_line, file);
}

void fuzz_journald_export(std::span<const uint8_t> data) {
  split_as(FormatId::journald_export, data);
}
void fuzz_events_json(std::span<const uint8_t> data) { split_as(FormatId::events_json, data); }
void fuzz_events_yaml(std::span<const uint8_t> data) { split_as(FormatId::events_yaml, data); }
void fuzz_events_table(std::span<const uint8_t> data) { split_as(FormatId::events_table, data); }
void fuzz_describe(std::span<const uint8_t> data) { split_as(FormatId::describe, data); }
void fuzz_pods_json(std::span<const uint8_t> data) { split_as(FormatId::pods_json, data); }
void fuzz_cluster_dump(std::span<const uint8_t> data) { split_as(FormatId::cluster_dump, data); }

// Bytes: [chunk size][piece size][document limit][path selector][file]. The file is fed in
// pieces of 1..32 bytes to a chunker with 1..64-byte chunks (and, for documents, a limit of
// 16..4096 bytes), as two files in a row. When the path selector's top three bits are set, a
// line of kMaxRecordBytes + 256 'x' goes into the middle of the file, with 64 KiB pieces and
// chunks of half a record limit, so that the chunker must skip the rest of that line. Every chunk
// is split. Unless the file is skipped (binary, or a document over the limit), the chunks are the
// file, in order, with the right line numbers and the detected format, less the rest of each
// overlong line the chunker skipped.
void fuzz_chunker(std::span<const uint8_t> data) {
  if (data.size() < 4) return;
  formats::ChunkerOptions opts;
  opts.chunk_bytes = 1 + data[0] % 64;
  size_t piece = 1 + data[1] % 32;
  opts.max_document_bytes = 16 + static_cast<size_t>(data[2]) * 16;
  const std::string_view path = kPaths[data[3] % kPaths.size()];
  std::string bytes(as_text(data.subspan(4)));
  if ((data[3] & 0xE0) == 0xE0) {
    bytes.insert(bytes.size() / 2, "\n" + std::string(formats::kMaxRecordBytes + 256, 'x') + "\n");
    piece = 64 << 10;
    opts.chunk_bytes = formats::kMaxRecordBytes / 2 + data[0];  // two chunks hold the line
  }
  const FileInfo files[2] = {file_info(path), file_info(path)};
  Problems problems;
  formats::Chunker chunker(opts, problems);
  for (const FileInfo& file : files) {
    const size_t problems_before = problems.size();
    size_t off = 0;  // where the next chunk must start in `bytes`
    uint64_t next_line = 1;
    FormatId format = FormatId::text;
    bool first = true;
    RecordBatch batch;
    Problems split_problems;
    auto emit = [&](std::unique_ptr<Chunk> c) {
      KDX_ASSERT(c->file == &file);
      KDX_ASSERT(!c->bytes.empty());
      KDX_ASSERT(c->bytes.capacity() >= c->bytes.size() + formats::kChunkPadding);
      KDX_ASSERT(c->first_line == next_line);
      KDX_ASSERT(first || c->format == format);
      if (!formats::splits_by_line(c->format)) KDX_ASSERT(first);  // one chunk per document
      first = false;
      format = c->format;
      KDX_ASSERT(std::string_view(bytes).substr(off, c->bytes.size()) == c->bytes);
      off += c->bytes.size();
      next_line += static_cast<uint64_t>(std::count(c->bytes.begin(), c->bytes.end(), '\n'));
      if (!c->bytes.ends_with('\n') && c->bytes.size() > formats::kMaxRecordBytes) {
        const size_t nl = bytes.find('\n', off);  // the chunker skips the rest of this line
        off = nl == std::string::npos ? bytes.size() : nl + 1;
        if (nl != std::string::npos) ++next_line;
      }
      batch.clear();
      formats::split(*c, batch, split_problems);
      check_records(*c, batch);
    };
    size_t fed = 0;
    do {
      const size_t n = std::min(piece, bytes.size() - fed);
      chunker.feed(&file, std::span<const char>(bytes.data() + fed, n), fed + n == bytes.size(),
                   emit);
      fed += n;
    } while (fed < bytes.size());
    if (problems.size() == problems_before) KDX_ASSERT(off == bytes.size());
  }
}

}  // namespace kdx::fuzz
