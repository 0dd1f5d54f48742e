// A directory argument: every regular file below it, in byte-wise order of the relative paths
// (stable across file systems and runs), each read like a file argument of its own (so a
// rotated `0.log.20231102-061208.gz` is decompressed). Symlinks to files are followed;
// symlinks to directories are not (no loops), and FIFOs, sockets and devices are skipped.
#include <dirent.h>
#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <set>
#include <utility>

#include "ingest/names.h"
#include "ingest/sources.h"

namespace kdx::ingest {
namespace {

// Deeper trees are real only on purpose-built attacks; recursion stays bounded.
constexpr int kMaxDepth = 128;

struct DirCloser {
  void operator()(DIR* d) const { closedir(d); }
};

class Walker {
 public:
  Walker(Input& in, std::string root) : in_(in), root_(std::move(root)) {}

  // Collects the relative paths of the regular files below `rel` ("" for the root).
  // Returns errno when `rel` itself cannot be listed, else 0.
  int walk(const std::string& rel, int depth) {
    std::string path = rel.empty() ? root_ : join_path(root_, rel);
    std::unique_ptr<DIR, DirCloser> dir(opendir(path.c_str()));
    if (!dir) return errno;
    struct stat self {};
    if (fstat(dirfd(dir.get()), &self) == 0 && !seen_.insert({self.st_dev, self.st_ino}).second)
      return 0;  // reached twice (a bind mount loop): already walked
    while (struct dirent* entry = readdir(dir.get())) {
      std::string_view name = entry->d_name;
      if (name == "." || name == "..") continue;
      visit(dirfd(dir.get()), join_path(rel, name), entry->d_name, depth);
    }
    return 0;
  }

  std::vector<std::string> take_files() {
    std::sort(files_.begin(), files_.end());  // std::string compares bytes as unsigned char
    return std::move(files_);
  }

 private:
  void visit(int dir_fd, const std::string& rel, const char* name, int depth) {
    struct stat st {};
    if (fstatat(dir_fd, name, &st, AT_SYMLINK_NOFOLLOW) != 0) return;  // vanished meanwhile
    if (S_ISLNK(st.st_mode)) {
      // Follow to files only: a link to a directory could loop.
      if (fstatat(dir_fd, name, &st, 0) == 0 && S_ISREG(st.st_mode)) files_.push_back(rel);
      return;
    }
    if (S_ISREG(st.st_mode)) {
      files_.push_back(rel);
      return;
    }
    if (!S_ISDIR(st.st_mode)) return;
    std::string display = normalize_display(root_ + "/" + rel);
    if (depth >= kMaxDepth) {
      in_.problems.push_back(
          {display, fmt::format("skipped: more than {} directories deep", kMaxDepth)});
      return;
    }
    if (int err = walk(rel, depth + 1); err != 0)
      in_.problems.push_back({display, fmt::format("cannot read: {}", std::strerror(err))});
  }

  Input& in_;
  std::string root_;
  std::vector<std::string> files_;
  std::set<std::pair<dev_t, ino_t>> seen_;
};

class DirSource final : public Source {
 public:
  DirSource(Input& in, std::vector<std::string> files) : in_(in), files_(std::move(files)) {}

  std::optional<Block> next() override {
    while (true) {
      if (current_) {
        if (auto block = current_->next()) return block;
        current_.reset();
      }
      if (in_.budget.exhausted() || index_ == files_.size()) return std::nullopt;
      current_ = open_file(files_[index_++]);
    }
  }

 private:
  std::unique_ptr<Source> open_file(const std::string& rel) {
    std::string path = join_path(in_.arg, rel);
    std::string display = normalize_display(in_.arg + "/" + rel);
    // O_NONBLOCK: if a FIFO took the file's place since the walk, open must not hang.
    int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) {
      in_.problems.push_back({display, fmt::format("cannot read: {}", std::strerror(errno))});
      return nullptr;
    }
    struct stat st {};
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
      ::close(fd);
      return nullptr;
    }
    return open_stream(in_, InputStream(fd, true, &in_.budget),
                       dir_file_names(in_.arg, rel, file_mtime(st)));
  }

  Input& in_;
  std::vector<std::string> files_;
  size_t index_ = 0;
  std::unique_ptr<Source> current_;
};

}  // namespace

Expected<std::unique_ptr<Source>> make_dir_source(Input& in) {
  Walker walker(in, in.arg);
  if (int err = walker.walk("", 0); err != 0)
    return Problem{in.arg, fmt::format("cannot read '{}': {}", in.arg, std::strerror(err))};
  return std::unique_ptr<Source>(std::make_unique<DirSource>(in, walker.take_files()));
}

}  // namespace kdx::ingest
