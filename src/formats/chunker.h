// formats/chunker.h — the serial cutter between reading and parallel parsing.
// Takes: each file's bytes in pieces (as ingest delivers them). Gives: Chunks cut at record
// boundaries, at most chunk_bytes for line formats (a single record may exceed it), one per
// file for whole-document formats. A line with no newline in 2 x chunk_bytes and over
// kMaxRecordBytes is handed out that far (the splitter cuts it to kMaxRecordBytes and reports
// it) and the rest of the line is skipped. Detects each file's format from its head. The
// chunk size never depends on the thread count, so output does not either. Used by one thread.
#pragma once

#include <functional>
#include <memory>
#include <span>

#include "formats/formats.h"

namespace kdx::formats {

struct ChunkerOptions {
  // Target size of line-format chunks. 2 MiB keeps a chunk, its records and Hyperscan's
  // slices in cache while a worker goes through them: 8 MiB was 8% slower at -j2 (bench/).
  size_t chunk_bytes = 2 << 20;
  size_t max_document_bytes = 512u << 20;  // a JSON/YAML/describe document past this is cut
};

class Chunker {
 public:
  using Emit = std::function<void(std::unique_ptr<Chunk>)>;

  Chunker(ChunkerOptions options, Problems& problems) : opts_(options), problems_(problems) {}

  // Feeds the next piece of `file` (pieces of one file arrive in order, files one after
  // another). Emits zero or more chunks. `eof` marks the file's last piece.
  void feed(const FileInfo* file, std::span<const char> bytes, bool eof, const Emit& emit);

  // The format detected for the file being fed, once known.
  FormatId current_format() const { return format_; }

 private:
  void start(const FileInfo* file);
  void append(std::span<const char> bytes);
  void emit_prefix(size_t n, const Emit& emit);
  void flush(const Emit& emit);

  ChunkerOptions opts_;
  Problems& problems_;
  const FileInfo* file_ = nullptr;
  bool detected_ = false;
  bool skipping_ = false;  // binary file, or a document over its limit
  bool skip_line_ = false;  // dropping the rest of an overlong line, up to its newline
  FormatId format_ = FormatId::text;
  std::string pending_;     // capacity() >= size() + kChunkPadding: it may become a Chunk
  size_t last_block_ = 0;   // the largest piece fed for this file, to size the next buffer
  uint64_t next_line_ = 1;     // line number of pending_[0]
  uint64_t pending_lines_ = 0;  // newlines in pending_
  uint64_t document_bytes_ = 0;
};

}  // namespace kdx::formats
