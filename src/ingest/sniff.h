// ingest/sniff.h — what a stream is, from its first bytes (internal).
// Takes: the first bytes of a file, a pipe or an archive member (512 are enough for tar).
// Gives: the container kind.
// Pure functions; thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace kdx::ingest {

enum class Container : uint8_t {
  plain,  // anything else: read as is
  gzip,   // 1f 8b
  zstd,   // 28 b5 2f fd
  xz,     // fd '7zXZ' 00
  bzip2,  // 'BZh' + block size digit
  tar,    // "ustar" at 257, or a v7 header whose checksum adds up
  zip,    // "PK\3\4" (or "PK\5\6", an empty zip)
};

// Bytes sniff() wants to see when the stream has that many (a tar header).
inline constexpr size_t kSniffBytes = 512;

Container sniff(std::string_view head);

// gzip, zstd, xz, bzip2: a compression filter (libarchive decides whether a tar is inside).
bool is_compressed(Container c);

}  // namespace kdx::ingest
