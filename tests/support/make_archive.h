// tests/support/make_archive.h — builds archives for tests with libarchive's writer.
// Takes: a list of entries {path, content, type, mtime}. Gives: the bytes of a .tar, .tar.gz,
// .tar.zst, .tar.xz, .zip, or a single-file .gz/.zst, in memory or written into a TempDir.
// Entries are written exactly as given (absolute and "../" paths too), so tests can build
// hostile archives. Failures are reported with ADD_FAILURE. Pure; thread-compatible.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "support/temp_dir.h"

namespace kdx::test {

enum class EntryType { file, symlink, hardlink, dir, fifo, char_device };

struct ArchiveEntry {
  std::string path;
  std::string content;  // file bytes; the target path for symlink and hardlink entries
  EntryType type = EntryType::file;
  int64_t mtime = 1780000000;  // seconds since the epoch: 2026-05-28T20:26:40Z
};

enum class ArchiveFormat { tar, tar_gz, tar_zst, tar_xz, zip, gz, zst };

// The archive as bytes. gz and zst take exactly one file entry; gz stores the entry's base
// name and mtime in its header (FNAME, MTIME) as gzip(1) does (an empty path: neither).
std::string make_archive(ArchiveFormat format, const std::vector<ArchiveEntry>& entries);

// make_archive written to dir.path(name); returns the full path.
std::string write_archive(const TempDir& dir, std::string_view name, ArchiveFormat format,
                          const std::vector<ArchiveEntry>& entries);

// One gzip / zstd stream of `data` (gzip: with FNAME `name` unless empty, and MTIME `mtime`).
std::string gzip_bytes(std::string_view data, std::string_view name = {}, int64_t mtime = 0);
std::string zstd_bytes(std::string_view data);

// Deterministic text that does not compress much (a 64-bit LCG over [a-z0-9 ]), in lines of
// up to 80 bytes; for tests that need compressed offsets to track decompressed ones.
std::string noise_text(size_t bytes, uint64_t seed);

}  // namespace kdx::test
