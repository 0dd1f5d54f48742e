// Finding bundles below the PATH arguments: archives by their first bytes, bundle directories
// by the layout at their top, and directories of plain logs as the fallback.
#include <sys/stat.h>

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <fstream>

#include <re2/re2.h>

#include "batch/batch.h"

namespace kdx::batch {
namespace fs = std::filesystem;
namespace {

constexpr int kMaxDepth = 64;  // deeper directories are not walked for bundles

// The container magic numbers ingest reads (ingest/sniff.cc is internal to ingest).
bool is_archive_file(const fs::path& p) {
  char head[512] = {};
  std::ifstream in(p, std::ios::binary);
  in.read(head, sizeof head);
  const auto n = static_cast<size_t>(in.gcount());
  std::string_view h(head, n);
  auto starts = [&](std::string_view magic) { return h.substr(0, magic.size()) == magic; };
  if (starts("\x1f\x8b") || starts("\x28\xb5\x2f\xfd") || starts(std::string_view("\xfd" "7zXZ\0", 6)))
    return true;
  if (n >= 4 && starts("BZh") && head[3] >= '1' && head[3] <= '9') return true;
  if (starts("PK\x03\x04") || starts("PK\x05\x06")) return true;
  return n >= 262 && std::memcmp(head + 257, "ustar", 5) == 0;
}

bool hidden(const fs::path& p) { return p.filename().string().starts_with("."); }

// The entries of `dir`, sorted by name, without symlinks and hidden entries.
std::vector<fs::directory_entry> entries_of(const fs::path& dir) {
  std::vector<fs::directory_entry> out;
  std::error_code ec;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    if (hidden(it->path()) || it->is_symlink(ec)) continue;
    out.push_back(*it);
  }
  std::sort(out.begin(), out.end(),
            [](const auto& a, const auto& b) { return a.path().filename() < b.path().filename(); });
  return out;
}

bool is_dir(const fs::path& p) {
  std::error_code ec;
  return fs::is_directory(fs::symlink_status(p, ec));
}
bool is_file(const fs::path& p) {
  std::error_code ec;
  return fs::is_regular_file(fs::symlink_status(p, ec));
}

// A layout kdx knows, at the top of `dir` (see discover() in batch.h).
bool is_bundle_dir(const fs::path& dir) {
  for (const char* d : {"cluster-resources", "namespaces", "cluster-scoped-resources",
                        "sos_commands", "var/log"})
    if (is_dir(dir / d)) return true;
  if (is_file(dir / "nodes.json")) return true;
  for (const auto& e : entries_of(dir))
    if (is_dir(e.path()) && is_file(e.path() / "events.json")) return true;
  return false;
}

struct Found {
  std::vector<fs::path> bundles;
  bool strong = false;  // an archive or a layout directory is among them
};

// What `dir` holds (see discover() in batch.h). A directory with files of its own and nothing
// strong below it is one bundle of plain files; its subdirectories' plain files are part of it.
Found walk(const fs::path& dir, int depth, bool top) {
  Found out;
  if (!top && is_bundle_dir(dir)) {
    out.bundles.push_back(dir);
    out.strong = true;
    return out;
  }
  if (depth > kMaxDepth) return out;
  bool plain_files = false;
  for (const auto& e : entries_of(dir)) {
    if (is_dir(e.path())) {
      Found sub = walk(e.path(), depth + 1, false);
      out.strong = out.strong || sub.strong;
      out.bundles.insert(out.bundles.end(), sub.bundles.begin(), sub.bundles.end());
    } else if (is_file(e.path())) {
      if (is_archive_file(e.path())) {
        out.bundles.push_back(e.path());
        out.strong = true;
      } else {
        plain_files = true;
      }
    }
  }
  if (!out.strong && plain_files) out.bundles = {dir};
  return out;
}

std::string base_name(std::string_view p) {
  const size_t slash = p.rfind('/');
  return std::string(slash == std::string_view::npos ? p : p.substr(slash + 1));
}

// "corpus/", "./corpus" -> "corpus"; "/" stays.
std::string normal_arg(const std::string& arg) {
  std::string s = fs::path(arg).lexically_normal().string();
  while (s.size() > 1 && s.back() == '/') s.pop_back();
  return s.empty() ? "." : s;
}

// Size and newest mtime: the file's, or summed / maxed over a directory's regular files.
void measure(Bundle& b) {
  struct stat st {};
  auto add = [&](const std::string& p) {
    if (::lstat(p.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) return;
    b.size += static_cast<uint64_t>(st.st_size);
    const int64_t ns = static_cast<int64_t>(st.st_mtim.tv_sec) * kNsPerSecond + st.st_mtim.tv_nsec;
    if (!b.mtime.known() || ns > b.mtime.unix_ns) b.mtime.unix_ns = ns;
  };
  if (!b.is_dir) return add(b.path);
  std::error_code ec;
  for (fs::recursive_directory_iterator it(b.path, ec), end; !ec && it != end; it.increment(ec))
    if (it->is_regular_file(ec) && !it->is_symlink(ec)) add(it->path().string());
}

}  // namespace

std::string cluster_name(std::string_view rel) {
  if (const size_t slash = rel.find('/'); slash != std::string_view::npos)
    return std::string(rel.substr(0, slash));
  std::string name(rel);
  for (std::string_view ext : {".tar.gz", ".tar.zst", ".tar.xz", ".tar.bz2", ".tgz", ".tzst",
                               ".txz", ".tar", ".zip", ".gz", ".zst", ".xz", ".bz2"}) {
    if (name.size() > ext.size() && name.ends_with(ext)) {
      name.resize(name.size() - ext.size());
      break;
    }
  }
  // A trailing date, with an optional time: -2026-11-21, _20261121T0300Z, -2026-11-21T09_30_00.
  static const LazyRE2 kStamp = {
      R"(^(.+?)[-_.]\d{4}-?\d{2}-?\d{2}(?:[T_-]?\d{2}[-_:]?\d{2}(?:[-_:]?\d{2})?(?:\.\d+)?Z?)?$)"};
  std::string stem;
  if (RE2::FullMatch(name, *kStamp, &stem)) return stem;
  return name;
}

Discovery discover(const std::vector<std::string>& paths) {
  Discovery out;
  for (const std::string& raw : paths) {
    const std::string arg = normal_arg(raw);
    std::error_code ec;
    const fs::file_status st = fs::status(arg, ec);
    if (ec || !fs::exists(st)) {
      out.missing.push_back({raw, "no such file or directory"});
      continue;
    }
    std::vector<fs::path> found;
    if (!fs::is_directory(st) || is_bundle_dir(arg)) found.push_back(arg);
    else found = walk(arg, 0, true).bundles;
    for (const fs::path& p : found) {
      Bundle b;
      b.path = p.string();
      b.rel = p == fs::path(arg) ? base_name(arg) : p.lexically_relative(arg).string();
      b.cluster = cluster_name(b.rel);
      b.is_dir = is_dir(p) || (p == fs::path(arg) && fs::is_directory(st));
      measure(b);
      out.bundles.push_back(std::move(b));
    }
  }
  std::stable_sort(out.bundles.begin(), out.bundles.end(),
                   [](const Bundle& a, const Bundle& b) { return a.path < b.path; });
  out.bundles.erase(std::unique(out.bundles.begin(), out.bundles.end(),
                                [](const Bundle& a, const Bundle& b) { return a.path == b.path; }),
                    out.bundles.end());
  return out;
}

}  // namespace kdx::batch
