// Output files: resume state from an earlier --out (torn last line truncated), atomic writes
// (temp + fsync + rename), re-sorting a resumed file, and merging shards.
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "batch/batch.h"

namespace kdx::batch {
namespace {

Problem io_error(const std::string& path, std::string_view what) {
  return Problem{path, fmt::format("cannot {}: {}", what, std::strerror(errno))};
}

bool write_fd(int fd, std::string_view data) {
  while (!data.empty()) {
    const ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    data.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

// A temp file beside `path` that becomes `path` on commit, or is removed.
class AtomicFile {
 public:
  explicit AtomicFile(const std::string& path) : path_(path) {
    char host[64] = "host";
    ::gethostname(host, sizeof host - 1);
    temp_ = fmt::format("{}.tmp-{}-{}", path, host, ::getpid());
    fd_ = ::open(temp_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  }
  ~AtomicFile() {
    if (fd_ >= 0) ::close(fd_);
    if (!committed_) ::unlink(temp_.c_str());
  }
  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;

  bool ok() const { return fd_ >= 0 && !failed_; }
  void append(std::string_view data) {
    if (ok() && !write_fd(fd_, data)) failed_ = true;
  }
  Expected<bool> commit() {
    if (!ok()) return io_error(path_, "write");
    if (::fsync(fd_) != 0 || ::close(fd_) != 0) {
      fd_ = -1;
      return io_error(path_, "write");
    }
    fd_ = -1;
    if (::rename(temp_.c_str(), path_.c_str()) != 0) return io_error(path_, "rename over");
    committed_ = true;
    return true;
  }

 private:
  std::string path_, temp_;
  int fd_ = -1;
  bool failed_ = false, committed_ = false;
};

// Copies the lines (file order given by `refs`) of `in` into `out`, '\n' after each.
template <typename Sink>
bool copy_lines(std::ifstream& in, const std::vector<const LineRef*>& refs, Sink&& sink) {
  std::string line;
  for (const LineRef* r : refs) {
    line.resize(r->length);
    in.seekg(static_cast<std::streamoff>(r->offset));
    if (!in.read(line.data(), static_cast<std::streamsize>(r->length))) return false;
    line.push_back('\n');
    sink(std::string_view(line));
  }
  return true;
}

}  // namespace

Expected<Resume> open_resume(const std::string& path) {
  Resume r;
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) return r;
  auto file = read_ndjson(path);
  if (!file) return file.error();
  if (!file->bad.empty())
    return Problem{file->bad.front().where,
                   file->bad.front().message + " (not a line kdx batch writes: move the file "
                                               "away or choose another --out)"};
  if (file->torn) {
    if (::truncate(path.c_str(), static_cast<off_t>(file->valid_bytes)) != 0)
      return io_error(path, "truncate the torn last line of");
    r.notes.push_back({path, fmt::format("torn last line (an interrupted run) truncated at byte "
                                         "{}; its bundle is analysed again", file->valid_bytes)});
  }
  for (LineRef& l : file->lines) r.done.push_back(std::move(l.digest));
  return r;
}

Expected<bool> write_atomic(const std::string& path, std::string_view data) {
  AtomicFile f(path);
  f.append(data);
  return f.commit();
}

Expected<bool> sort_file(const std::string& path) {
  auto file = read_ndjson(path);
  if (!file) return file.error();
  std::vector<const LineRef*> refs;
  for (const LineRef& l : file->lines) refs.push_back(&l);
  auto by_path = [](const LineRef* a, const LineRef* b) { return a->digest.path < b->digest.path; };
  if (std::is_sorted(refs.begin(), refs.end(), by_path)) return false;
  std::stable_sort(refs.begin(), refs.end(), by_path);
  std::ifstream in(path, std::ios::binary);
  AtomicFile out(path);
  if (!copy_lines(in, refs, [&](std::string_view l) { out.append(l); }))
    return io_error(path, "read");
  auto done = out.commit();
  if (!done) return done.error();
  return true;
}

MergeResult merge_files(const std::vector<std::string>& files, const std::string& out_path,
                        int out_fd) {
  MergeResult result;
  std::vector<NdjsonFile> read(files.size());
  std::vector<const BundleDigest*> digests;
  std::vector<std::pair<size_t, const LineRef*>> where;  // file index, line
  for (size_t i = 0; i < files.size(); ++i) {
    auto f = read_ndjson(files[i]);
    if (!f) {
      result.bad.push_back({files[i], "cannot read"});
      continue;
    }
    ++result.files_read;
    read[i] = std::move(*f);
    result.bad.insert(result.bad.end(), read[i].bad.begin(), read[i].bad.end());
    if (read[i].torn)
      result.bad.push_back({fmt::format("{}:{}", files[i], read[i].lines.size() +
                                        read[i].bad.size() + 1),
                            "torn last line (an interrupted run), skipped"});
    for (const LineRef& l : read[i].lines) {
      digests.push_back(&l.digest);
      where.emplace_back(i, &l);
    }
  }
  std::vector<size_t> keep = dedup_lines(digests, &result.notes);
  std::optional<AtomicFile> atomic;
  if (!out_path.empty()) atomic.emplace(out_path);
  std::vector<std::ifstream> in(files.size());
  for (size_t i = 0; i < files.size(); ++i) in[i].open(files[i], std::ios::binary);
  bool read_ok = true, ok = true;
  for (size_t k : keep) {
    read_ok = copy_lines(in[where[k].first], {where[k].second}, [&](std::string_view l) {
                if (atomic) atomic->append(l);
                else if (!write_fd(out_fd, l)) ok = false;
              }) && read_ok;
    result.kept.push_back(*digests[k]);
  }
  ok = ok && read_ok;
  if (atomic) {
    auto c = ok ? atomic->commit() : Expected<bool>(io_error(out_path, "write"));
    if (!c) result.errors.push_back(c.error());
  } else if (!ok) {
    result.errors.push_back(io_error("-", "write"));
  }
  return result;
}

}  // namespace kdx::batch
