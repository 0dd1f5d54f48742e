// ingest/ingest.h — from command-line inputs to blocks of file bytes.
// Takes: a path (archive, compressed file, directory, plain file) or "-" for stdin.
// Gives: a serial pull Source of Blocks, one file after another, each file registered in the
// FileTable with the resource its bundle-layout path implies. Archives are streamed, never
// extracted to disk. Knows nothing about record formats. A Source is used by one thread.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>

#include "core/expected.h"
#include "core/file_table.h"
#include "core/problem.h"

namespace kdx::ingest {

struct Limits {
  uint64_t max_total_bytes = 64ull << 30;   // decompressed bytes per input before stopping
  uint64_t max_ratio = 1000;                // decompressed/compressed bytes before stopping
  uint64_t ratio_grace_bytes = 1ull << 20;  // the ratio is checked only past this many bytes
};

// A piece of one file's bytes. `bytes` is valid until the next call to Source::next().
// The first Block of a file is the first with a new `file`; the last has eof == true (a file
// with no bytes yields one empty Block with eof == true).
struct Block {
  const FileInfo* file = nullptr;
  std::span<const char> bytes;
  bool eof = false;
};

class Source {
 public:
  virtual ~Source() = default;
  // The next block, or nullopt when the input is exhausted. Damage (a corrupt member, a
  // truncated gzip, an unreadable file) is appended to the Problems given to open_input and
  // reading goes on with what can still be read.
  virtual std::optional<Block> next() = 0;
};

// Opens one input. A path that does not exist or cannot be opened at all is an error whose
// message names it ("cannot read 'x': No such file or directory"). `files` and `problems` must
// outlive the Source.
//
// What the files are called (FileInfo member / display):
//   plain file "logs/a.log"            a.log / logs/a.log
//   compressed file "logs/a.log.gz"    the gzip header's original name, else a.log / logs/a.log.gz
//   archive "b.tar.gz" (tar, zip)      ns/p.log / b.tar.gz:ns/p.log  (no leading "./")
//   member "x/0.log.gz" in an archive  x/0.log / b.tar.gz:x/0.log    (decompressed on the fly)
//   member "x/sos-n1.tar.xz"           x/sos-n1/<path> / b.tar.gz:x/sos-n1/<path>
//   directory "dump/"                  a/b.log / dump/a/b.log; dump/r.gz -> r / dump/r.gz
//   stdin "-"                          "" (or the gzip name) / -; archive members -:<path>
// year_hint is the year of the mtime (the file's, the member's, or the gzip header's); 0 when
// unknown (plain stdin).
// Problems ("where: message"): "<arg>:<member>: skipped symlink entry" (hardlink, fifo,
// character device, block device, socket), "<arg>:<path>: unsafe path normalised",
// "<path>: cannot read: Permission denied", "<arg>: truncated gzip input (after N bytes)" (N:
// decompressed bytes handed out), "<arg>: decompressed size exceeds the limit of N bytes
// (--max-bytes)", "<arg>: compression ratio exceeds N:1 (possible decompression bomb)".
// Damage keeps what was decompressed before it, up to the last whole block (256 KiB with the
// ISA-L gzip path, 64 KiB with libarchive's zlib fallback).
Expected<std::unique_ptr<Source>> open_input(const std::string& arg, const Limits& limits,
                                             FileTable& files, Problems& problems);

// Fills info.resource and info.format_hint from info.member, for the layouts kdx knows:
// troubleshoot support bundles, cluster-info dumps, must-gather, sosreport, /var/log/pods,
// /var/log/containers. Unknown layouts leave them empty.
void apply_layout(FileInfo& info);

}  // namespace kdx::ingest
