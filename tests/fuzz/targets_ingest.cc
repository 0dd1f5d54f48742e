// Fuzz target for ingest/: the bytes as one input (archive, gzip/zstd/xz/bzip2 stream, zip,
// plain file), read twice: from a memfd (a seekable regular file, like a path argument) and
// from a pipe (stdin), each drained to the end under small limits. Checks the Block contract
// of ingest.h and that the size limit holds.
#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <vector>

#include "core/assert.h"
#include "fuzz/targets.h"
#include "ingest/sources.h"

namespace kdx::fuzz {
namespace {

// Small enough that a decompression bomb costs milliseconds; the ratio limit stays default.
constexpr uint64_t kMaxBytes = 4u << 20;

bool write_all(int fd, std::span<const uint8_t> data) {
  size_t off = 0;
  while (off < data.size()) {
    const ssize_t n = ::write(fd, data.data() + off, data.size() - off);
    if (n <= 0) return false;
    off += static_cast<size_t>(n);
  }
  return true;
}

// Drains the source, checking that each file's blocks are contiguous and end with one eof
// block, that no file comes back, and that next() stays exhausted.
void drain(ingest::Source& source, const FileTable& files, const ingest::Limits& limits) {
  std::vector<const FileInfo*> seen;
  const FileInfo* open = nullptr;
  uint64_t total = 0;
  while (auto block = source.next()) {
    KDX_ASSERT(block->file != nullptr);
    if (open == nullptr) {
      KDX_ASSERT(std::find(seen.begin(), seen.end(), block->file) == seen.end());
      seen.push_back(block->file);
      open = block->file;
    }
    KDX_ASSERT(block->file == open);
    KDX_ASSERT(!block->file->display.empty());
    size_t h = 0;
    for (char c : block->bytes) h += static_cast<unsigned char>(c);  // ASan: the view is live
    volatile size_t sink = h;
    (void)sink;
    total += block->bytes.size();
    if (block->eof) open = nullptr;
  }
  KDX_ASSERT(open == nullptr);
  KDX_ASSERT(!source.next().has_value());
  KDX_ASSERT(total <= limits.max_total_bytes);
  KDX_ASSERT(seen.size() <= files.size());
}

void read_fd(int fd, const ingest::Limits& limits) {
  FileTable files;
  Problems problems;
  auto source = ingest::open_fd(fd, true, "fuzz-input", limits, files, problems);
  KDX_ASSERT(source != nullptr);
  drain(*source, files, limits);
  for (const Problem& p : problems) KDX_ASSERT(!p.where.empty() && !p.message.empty());
}

}  // namespace

void fuzz_ingest(std::span<const uint8_t> data) {
  ingest::Limits limits;
  limits.max_total_bytes = kMaxBytes;

  const int mfd = memfd_create("kdx-fuzz", MFD_CLOEXEC);
  KDX_ASSERT(mfd >= 0);
  KDX_ASSERT(write_all(mfd, data));
  KDX_ASSERT(::lseek(mfd, 0, SEEK_SET) == 0);
  read_fd(mfd, limits);

  // The pipe is filled before reading, so it must hold the whole input.
  int fds[2];
  KDX_ASSERT(pipe2(fds, O_CLOEXEC) == 0);
  const int capacity = fcntl(fds[1], F_SETPIPE_SZ, 1 << 20);
  if (capacity < 0 || data.size() > static_cast<size_t>(capacity)) {
    ::close(fds[0]);
    ::close(fds[1]);
    return;
  }
  KDX_ASSERT(write_all(fds[1], data));
  ::close(fds[1]);
  read_fd(fds[0], limits);
}

}  // namespace kdx::fuzz
