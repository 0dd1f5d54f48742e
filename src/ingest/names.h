// ingest/names.h — path and file-name helpers for the ingest stage (internal).
// Takes: archive member paths, command-line paths, file names. Gives: normalised paths, names
// without compression/archive suffixes. Pure functions; thread-safe.
#pragma once

#include <string>
#include <string_view>

namespace kdx::ingest {

// A member path made safe to print and to match layouts on: no leading "/", no "." or empty
// components, no ".." components. `unsafe` (if given) is set when a leading "/" or a ".."
// component had to be removed (a plain "./" prefix is not unsafe).
std::string normalize_member(std::string_view path, bool* unsafe = nullptr);

// A path for display: "./" components and repeated "/" removed, a leading "/" kept,
// ".." kept (these are the user's own paths). "./dump//a" -> "dump/a", "." -> ".".
std::string normalize_display(std::string_view path);

// "a/b/c.log" -> "c.log"; "c.log" -> "c.log"; "a/b/" -> "b".
std::string_view base_name(std::string_view path);
// "a/b/c.log" -> "a/b"; "c.log" -> "".
std::string_view dir_name(std::string_view path);
// "a" + "b" -> "a/b"; "" + "b" -> "b"; "a" + "" -> "a".
std::string join_path(std::string_view dir, std::string_view name);

// Removes one compression suffix (.gz .gzip .zst .zstd .xz .bz2), case-insensitively.
// "x.log.gz" -> "x.log"; "x.log" -> "x.log".
std::string_view strip_compression_suffix(std::string_view name);
// Removes one archive suffix (.tar.gz .tgz .tar.zst .tzst .tar.xz .txz .tar.bz2 .tbz2 .tar
// .zip), case-insensitively. "sos-node1.tar.xz" -> "sos-node1".
std::string_view strip_archive_suffix(std::string_view name);

}  // namespace kdx::ingest
