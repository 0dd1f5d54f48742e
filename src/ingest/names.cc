#include "ingest/names.h"

#include <array>
#include <cctype>

#include "core/text.h"

namespace kdx::ingest {
namespace {

bool ends_with_icase(std::string_view s, std::string_view suffix) {
  if (s.size() < suffix.size()) return false;
  return starts_with_icase(s.substr(s.size() - suffix.size()), suffix);
}

template <size_t N>
std::string_view strip_one(std::string_view name, const std::array<std::string_view, N>& list) {
  for (std::string_view suffix : list) {
    // Never strip a whole name away: ".gz" alone stays ".gz".
    if (name.size() > suffix.size() && ends_with_icase(name, suffix))
      return name.substr(0, name.size() - suffix.size());
  }
  return name;
}

constexpr std::array<std::string_view, 6> kCompressionSuffixes = {".gz",   ".gzip", ".zst",
                                                                  ".zstd", ".xz",   ".bz2"};
// Longest first, so ".tar.gz" wins over ".gz"-less matches.
constexpr std::array<std::string_view, 11> kArchiveSuffixes = {
    ".tar.gz", ".tar.zst", ".tar.xz", ".tar.bz2", ".tgz", ".tzst",
    ".txz",    ".tbz2",    ".tbz",    ".tar",     ".zip"};

}  // namespace

std::string normalize_member(std::string_view path, bool* unsafe) {
  bool bad = !path.empty() && path.front() == '/';
  std::string out;
  for (std::string_view part : split(path, '/')) {
    if (part.empty() || part == ".") continue;
    if (part == "..") {
      bad = true;
      continue;
    }
    if (!out.empty()) out += '/';
    out += part;
  }
  if (unsafe) *unsafe = bad;
  return out;
}

std::string normalize_display(std::string_view path) {
  if (path.empty()) return std::string();
  bool absolute = path.front() == '/';
  std::string out = absolute ? "/" : "";
  bool first = true;
  for (std::string_view part : split(path, '/')) {
    if (part.empty() || part == ".") continue;
    if (!first) out += '/';
    out += part;
    first = false;
  }
  if (out.empty()) return ".";
  return out;
}

std::string_view base_name(std::string_view path) {
  while (path.size() > 1 && path.back() == '/') path.remove_suffix(1);
  size_t slash = path.rfind('/');
  if (slash == std::string_view::npos || path.size() == 1) return path;
  return path.substr(slash + 1);
}

std::string_view dir_name(std::string_view path) {
  size_t slash = path.rfind('/');
  if (slash == std::string_view::npos) return {};
  if (slash == 0) return path.substr(0, 1);
  return path.substr(0, slash);
}

std::string join_path(std::string_view dir, std::string_view name) {
  if (dir.empty()) return std::string(name);
  if (name.empty()) return std::string(dir);
  std::string out(dir);
  if (out.back() != '/') out += '/';
  out += name;
  return out;
}

std::string_view strip_compression_suffix(std::string_view name) {
  return strip_one(name, kCompressionSuffixes);
}

std::string_view strip_archive_suffix(std::string_view name) {
  return strip_one(name, kArchiveSuffixes);
}

}  // namespace kdx::ingest
