// tests/support/temp_dir.h — an RAII temporary directory for tests.
// Takes: nothing (created under $TMPDIR, else /tmp). Gives: its path and helpers to write
// files into it and to list what it holds. Removed with everything below it on destruction,
// unreadable subdirectories included. Failures are reported with ADD_FAILURE. Not thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace kdx::test {

class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const { return path_; }
  // path() + "/" + rel.
  std::string path(std::string_view rel) const;
  // Writes `content` to path(rel), creating parent directories; returns the full path.
  std::string write(std::string_view rel, std::string_view content) const;
  // Creates path(rel) and its parents; returns the full path.
  std::string mkdir(std::string_view rel) const;
  // Every entry below path() (files, directories, links), relative and sorted.
  std::vector<std::string> list() const;

 private:
  std::string path_;
};

// The whole content of a file ("" and ADD_FAILURE when it cannot be read).
std::string read_file(const std::string& path);

}  // namespace kdx::test
