// ingest/sources.h — the Sources behind open_input (internal to ingest and its tests).
// Takes: open descriptors and the names a stream's files get. Gives: plain, archive and
// directory Sources. Every Source here borrows the Input it reads for (FileTable, Problems,
// Budget), which must outlive it. Each Source is used by one thread.
#pragma once

#include <sys/stat.h>

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/file_table.h"
#include "core/problem.h"
#include "core/time.h"
#include "ingest/budget.h"
#include "ingest/ingest.h"
#include "ingest/input_stream.h"
#include "ingest/sniff.h"

namespace kdx::ingest {

// One command-line input: what all the Sources reading it share.
struct Input {
  Input(std::string arg, const Limits& limits, FileTable& files, Problems& problems)
      : arg(std::move(arg)),
        files(files),
        problems(problems),
        budget(limits, this->arg, problems) {}

  // Registers a file: sets input, mtime and year_hint, applies the layout of `layout_path`.
  const FileInfo* add_file(std::string member, std::string display, Timestamp mtime,
                           std::string_view layout_path);

  std::string arg;
  FileTable& files;
  Problems& problems;
  Budget budget;
};

// The names a stream's files get (see open_input in ingest.h for the scheme).
struct StreamNames {
  std::string where;  // the stream itself in Problems: "b.tar.gz", "dump/a.log.gz", "-"
  // The stream as one file, read as is ...
  std::string member, display, layout;
  // ... or as one compressed file (x.log.gz): the names once decompressed.
  std::string raw_member, raw_display, raw_layout;
  bool name_from_stream = false;  // a gzip header's original name may replace raw_member
  // Archive entries: member = member_prefix + path, display = display_prefix + path,
  // layout = layout_prefix + member.
  std::string member_prefix, display_prefix, layout_prefix;
  Timestamp mtime;  // the stream's own mtime (file or archive entry), when known
};

// A stat mtime as a Timestamp; unknown when it is 0 or earlier.
Timestamp file_mtime(const struct stat& st);

// Names for a command-line file argument, for stdin, and for a file found in a directory
// argument (`rel` is relative to the directory).
StreamNames file_names(const std::string& arg, Timestamp mtime);
StreamNames stdin_names();
StreamNames dir_file_names(const std::string& arg, const std::string& rel, Timestamp mtime);

// Sniffs the stream and reads it as plain bytes or through libarchive. Null when not even the
// first bytes could be read (the Problem is recorded).
std::unique_ptr<Source> open_stream(Input& in, InputStream stream, StreamNames names);
std::unique_ptr<Source> make_plain_source(Input& in, InputStream stream, StreamNames names);
std::unique_ptr<Source> make_archive_source(Input& in, InputStream stream, StreamNames names,
                                            Container kind);
// Walks `root` (the directory named by in.arg) and reads its regular files in byte-wise order
// of their relative paths. Errors on the root itself come back as a Problem.
Expected<std::unique_ptr<Source>> make_dir_source(Input& in);

// Reads an already open descriptor (stdin, a pipe, a file) as the input `arg`, as open_input
// does for "-". Closes `fd` at the end when `owns_fd`. Never fails: an unreadable stream
// becomes a Problem and an empty Source.
std::unique_ptr<Source> open_fd(int fd, bool owns_fd, const std::string& arg, const Limits& limits,
                                FileTable& files, Problems& problems);

// apply_layout on an explicit path (a directory argument's files carry meaning in the
// argument's own path too: "/var/log/pods/<ns>_<pod>_<uid>/...").
void apply_layout_path(FileInfo& info, std::string_view path);

}  // namespace kdx::ingest
