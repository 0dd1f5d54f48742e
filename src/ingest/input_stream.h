// ingest/input_stream.h — one open file or pipe, read in ~1 MiB blocks (internal).
// Takes: a file descriptor (a regular file, a FIFO, stdin). Gives: its first bytes for sniffing
// without losing them, then its bytes block by block, each counted in the input's Budget as
// "read" (compressed) bytes. Regular files can seek (libarchive's zip reader uses it).
// Move-only; closes the descriptor when it owns it. Not thread-safe.
#pragma once

#include <sys/types.h>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ingest/budget.h"

namespace kdx::ingest {

inline constexpr size_t kReadBlock = 1 << 20;

class InputStream {
 public:
  // `budget` may be null (nothing counted) and must outlive the stream.
  InputStream(int fd, bool owns_fd, Budget* budget);
  InputStream(InputStream&& other) noexcept;
  InputStream& operator=(InputStream&&) = delete;
  InputStream(const InputStream&) = delete;
  ~InputStream();

  // The first bytes (up to kSniffBytes, fewer only at the end of the stream). They are not
  // consumed: read() returns them first. Call before the first read(); on an error the
  // returned view is empty and error() is set. The view lives as long as the stream.
  std::string_view head();

  // The next bytes: a view valid until the next read()/seek(). Empty at the end; nullopt on an
  // error (errno value in error()).
  std::optional<std::string_view> read();

  // lseek for regular files; -1 when not seekable (then the caller must not seek at all).
  int64_t seek(int64_t offset, int whence);

  bool seekable() const { return regular_; }
  int error() const { return error_; }
  int fd() const { return fd_; }

 private:
  int fd_ = -1;
  bool owns_fd_ = false;
  bool regular_ = false;
  Budget* budget_ = nullptr;
  std::vector<char> buffer_;
  size_t prefix_size_ = 0;     // sniffed bytes in buffer_ not yet returned by read()
  bool prefix_served_ = true;  // false while the sniffed bytes still have to go out
  std::string head_;
  bool head_done_ = false;
  int error_ = 0;
};

}  // namespace kdx::ingest
