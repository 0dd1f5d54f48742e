#include "formats/chunker.h"

#include <algorithm>
#include <cstring>

#include <fmt/format.h>

namespace kdx::formats {
namespace {
constexpr size_t kDetectBytes = 64 << 10;

// Newlines in `s`. Byte counters over runs of at most 255 bytes vectorise into byte lanes
// (std::count widens every lane to 64 bits and runs ~15x slower); this runs on every byte.
uint64_t count_lines(std::string_view s) {
  uint64_t total = 0;
  const char* p = s.data();
  for (size_t n = s.size(); n > 0;) {
    const size_t m = std::min<size_t>(n, 255);
    uint8_t c = 0;
    for (size_t i = 0; i < m; ++i) c += p[i] == '\n';
    total += c;
    p += m;
    n -= m;
  }
  return total;
}
}  // namespace

void Chunker::start(const FileInfo* file) {
  file_ = file;
  detected_ = false;
  skipping_ = false;
  skip_line_ = false;
  format_ = FormatId::text;
  pending_ = std::string();  // a small file after a big one does not keep its buffer
  pending_lines_ = 0;
  last_block_ = 0;
  next_line_ = 1;
  document_bytes_ = 0;
}

// Appends to pending_ with room for kChunkPadding, growing it geometrically (for line formats
// up to one chunk and a block): a full buffer becomes the chunk itself (emit_prefix).
void Chunker::append(std::span<const char> bytes) {
  const size_t need = pending_.size() + bytes.size() + kChunkPadding;
  if (pending_.capacity() < need) {
    // Documents grow geometrically whatever their size (a copy per block would be quadratic).
    size_t target = 2 * pending_.capacity();
    const size_t full = opts_.chunk_bytes + bytes.size() + kChunkPadding;
    if (detected_ && splits_by_line(format_) && need <= full) target = std::min(target, full);
    pending_.reserve(std::max(need, target));
  }
  pending_.append(bytes.data(), bytes.size());
  // Counted here, while the block is still in cache, not when the chunk is handed out.
  pending_lines_ += count_lines(std::string_view(bytes.data(), bytes.size()));
  last_block_ = std::max(last_block_, bytes.size());
}

// Hands out pending_[0, n) as a chunk; the rest stays pending. When the rest is the smaller
// part (the usual case: a cut just before the last record), the buffer itself moves into the
// chunk and only the rest is copied, into a buffer sized for the next chunk.
void Chunker::emit_prefix(size_t n, const Emit& emit) {
  if (n == 0) return;
  auto chunk = std::make_unique<Chunk>();
  chunk->file = file_;
  chunk->format = format_;
  chunk->first_line = next_line_;
  const size_t rest = pending_.size() - n;
  // Newlines of the chunk: count the smaller part, the rest or the chunk itself.
  const uint64_t chunk_lines =
      rest <= n ? pending_lines_ - count_lines(std::string_view(pending_).substr(n))
                : count_lines(std::string_view(pending_).substr(0, n));
  pending_lines_ -= chunk_lines;
  next_line_ += chunk_lines;
  if (rest <= n && pending_.capacity() >= n + kChunkPadding) {
    std::string next;
    if (rest > 0 || n >= opts_.chunk_bytes) {
      next.reserve(opts_.chunk_bytes + last_block_ + kChunkPadding);
      next.append(pending_, n, rest);
    }
    pending_.resize(n);
    chunk->bytes = std::move(pending_);
    pending_ = std::move(next);
  } else {
    chunk->bytes.reserve(n + kChunkPadding);
    chunk->bytes.assign(pending_.data(), n);
    pending_.erase(0, n);
  }
  emit(std::move(chunk));
}

void Chunker::flush(const Emit& emit) { emit_prefix(pending_.size(), emit); }

void Chunker::feed(const FileInfo* file, std::span<const char> bytes, bool eof, const Emit& emit) {
  if (file != file_) start(file);
  if (skip_line_) {
    const char* nl = static_cast<const char*>(std::memchr(bytes.data(), '\n', bytes.size()));
    const size_t skip = nl ? static_cast<size_t>(nl - bytes.data()) + 1 : bytes.size();
    if (nl) {
      skip_line_ = false;
      ++next_line_;
    }
    bytes = bytes.subspan(skip);
  }
  if (!skipping_) append(bytes);
  if (!detected_ && (pending_.size() >= kDetectBytes || eof) && !pending_.empty()) {
    format_ = detect(file_->member, std::string_view(pending_).substr(0, kDetectBytes)).format;
    detected_ = true;
    if (format_ == FormatId::binary) {
      problems_.push_back({file_->display, "binary content, skipped"});
      skipping_ = true;
      pending_.clear();
      pending_lines_ = 0;
    }
  }
  if (detected_ && !skipping_) {
    if (splits_by_line(format_)) {
      while (pending_.size() >= opts_.chunk_bytes) {
        size_t cut = safe_cut(format_, pending_);
        if (cut == 0 && pending_.size() >= 2 * opts_.chunk_bytes) {
          // No record boundary in two chunks' worth: cut at the last newline, or anywhere.
          // One line over kMaxRecordBytes is handed out this far (its record is cut and
          // reported once) and the rest of it skipped: it costs no more than two chunks.
          size_t nl = pending_.rfind('\n');
          if (nl == std::string::npos && pending_.size() > kMaxRecordBytes) {
            emit_prefix(pending_.size(), emit);
            skip_line_ = true;
            break;
          }
          cut = nl == std::string::npos ? pending_.size() : nl + 1;
        }
        if (cut == 0) break;
        emit_prefix(cut, emit);
      }
    } else if (pending_.size() > opts_.max_document_bytes) {
      problems_.push_back({file_->display,
                           fmt::format("document larger than {} bytes, the rest is skipped",
                                       opts_.max_document_bytes)});
      pending_.resize(opts_.max_document_bytes);
      pending_lines_ = count_lines(pending_);
      skipping_ = true;
      emit_prefix(pending_.size(), emit);
    }
  }
  if (eof) {
    if (!skipping_) flush(emit);
    file_ = nullptr;
  }
}

}  // namespace kdx::formats
