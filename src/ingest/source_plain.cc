// A stream that is not compressed and not an archive: one file, handed out in the blocks the
// InputStream reads (up to 1 MiB), straight from its buffer.
#include <fmt/format.h>
#include <sys/stat.h>

#include <cstring>

#include "ingest/sources.h"

namespace kdx::ingest {
namespace {

class PlainSource final : public Source {
 public:
  PlainSource(Input& in, InputStream stream, StreamNames names)
      : in_(in), stream_(std::move(stream)), names_(std::move(names)) {
    struct stat st {};
    // A regular file's size marks its last block, which saves an empty block at the end.
    if (stream_.seekable() && fstat(stream_.fd(), &st) == 0) size_ = st.st_size;
  }

  std::optional<Block> next() override {
    if (done_) return std::nullopt;
    if (!file_) file_ = in_.add_file(names_.member, names_.display, names_.mtime, names_.layout);
    auto got = stream_.read();
    if (!got) {
      in_.problems.push_back(
          {names_.display, fmt::format("cannot read: {}", std::strerror(stream_.error()))});
      got = std::string_view();
    }
    std::string_view bytes = *got;
    bool eof = bytes.empty();
    size_t allowed = in_.budget.admit(bytes.size());
    if (allowed < bytes.size()) {
      bytes = bytes.substr(0, allowed);
      eof = true;
    }
    delivered_ += bytes.size();
    if (size_ >= 0 && delivered_ >= static_cast<uint64_t>(size_)) eof = true;
    done_ = eof;
    return Block{file_, std::span<const char>(bytes.data(), bytes.size()), eof};
  }

 private:
  Input& in_;
  InputStream stream_;
  StreamNames names_;
  const FileInfo* file_ = nullptr;
  int64_t size_ = -1;
  uint64_t delivered_ = 0;
  bool done_ = false;
};

}  // namespace

std::unique_ptr<Source> make_plain_source(Input& in, InputStream stream, StreamNames names) {
  return std::make_unique<PlainSource>(in, std::move(stream), std::move(names));
}

}  // namespace kdx::ingest
