// open_input: from a command-line argument to the Source that reads it, and the names every
// file of it gets.
#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "ingest/ingest.h"
#include "ingest/names.h"
#include "ingest/sources.h"

namespace kdx::ingest {
namespace {

// The Source handed out by open_input: owns the Input its inner Source borrows.
class InputSource final : public Source {
 public:
  InputSource(std::unique_ptr<Input> input, std::unique_ptr<Source> inner)
      : input_(std::move(input)), inner_(std::move(inner)) {}
  std::optional<Block> next() override {
    if (!inner_) return std::nullopt;
    return inner_->next();
  }

 private:
  std::unique_ptr<Input> input_;  // declared first: destroyed after inner_
  std::unique_ptr<Source> inner_;
};

std::string cannot_read(const std::string& arg, int err) {
  return fmt::format("cannot read '{}': {}", arg, std::strerror(err));
}

}  // namespace

Timestamp file_mtime(const struct stat& st) {
  // An mtime of 0 is what tools write when they do not know it.
  if (st.st_mtim.tv_sec <= 0) return Timestamp{};
  return Timestamp{st.st_mtim.tv_sec * kNsPerSecond + st.st_mtim.tv_nsec};
}

const FileInfo* Input::add_file(std::string member, std::string display, Timestamp mtime,
                                std::string_view layout_path) {
  FileInfo info;
  info.input = arg;
  info.member = std::move(member);
  info.display = std::move(display);
  info.mtime = mtime;
  info.year_hint = mtime.known() ? year_of(mtime) : 0;
  apply_layout_path(info, layout_path);
  return &files.add(std::move(info));
}

StreamNames file_names(const std::string& arg, Timestamp mtime) {
  StreamNames n;
  n.where = arg;
  n.member = std::string(base_name(arg));
  n.display = arg;
  n.layout = normalize_display(arg);
  n.raw_member = std::string(strip_compression_suffix(n.member));
  n.raw_display = arg;
  n.raw_layout = join_path(dir_name(n.layout), n.raw_member);
  n.name_from_stream = true;
  n.display_prefix = arg + ":";
  n.mtime = mtime;
  return n;
}

StreamNames stdin_names() {
  StreamNames n;
  n.where = n.display = n.raw_display = "-";
  n.name_from_stream = true;
  n.display_prefix = "-:";
  return n;
}

StreamNames dir_file_names(const std::string& arg, const std::string& rel, Timestamp mtime) {
  StreamNames n;
  n.display = normalize_display(arg + "/" + rel);
  n.where = n.display;
  n.member = rel;
  n.layout = n.display;
  n.raw_member = std::string(strip_compression_suffix(rel));
  n.raw_display = n.display;  // the real file: "dump/a/0.log.gz"
  n.raw_layout = std::string(strip_compression_suffix(n.display));
  n.member_prefix = std::string(strip_archive_suffix(rel)) + "/";
  n.display_prefix = n.display + ":";
  n.layout_prefix = normalize_display(arg) + "/";
  n.mtime = mtime;
  return n;
}

std::unique_ptr<Source> open_stream(Input& in, InputStream stream, StreamNames names) {
  std::string_view head = stream.head();
  if (stream.error() != 0) {
    in.problems.push_back(
        {names.where, fmt::format("cannot read: {}", std::strerror(stream.error()))});
    return nullptr;
  }
  Container kind = sniff(head);
  if (kind == Container::plain) return make_plain_source(in, std::move(stream), std::move(names));
  return make_archive_source(in, std::move(stream), std::move(names), kind);
}

std::unique_ptr<Source> open_fd(int fd, bool owns_fd, const std::string& arg, const Limits& limits,
                                FileTable& files, Problems& problems) {
  auto input = std::make_unique<Input>(arg, limits, files, problems);
  StreamNames names = arg == "-" ? stdin_names() : file_names(arg, Timestamp{});
  auto inner = open_stream(*input, InputStream(fd, owns_fd, &input->budget), std::move(names));
  return std::make_unique<InputSource>(std::move(input), std::move(inner));
}

Expected<std::unique_ptr<Source>> open_input(const std::string& arg, const Limits& limits,
                                             FileTable& files, Problems& problems) {
  if (arg == "-") return open_fd(STDIN_FILENO, false, arg, limits, files, problems);
  int fd = ::open(arg.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Problem{arg, cannot_read(arg, errno)};
  struct stat st {};
  if (fstat(fd, &st) != 0) {
    int err = errno;
    ::close(fd);
    return Problem{arg, cannot_read(arg, err)};
  }
  auto input = std::make_unique<Input>(arg, limits, files, problems);
  if (S_ISDIR(st.st_mode)) {
    ::close(fd);
    auto dir = make_dir_source(*input);
    if (!dir) return dir.error();
    return std::unique_ptr<Source>(
        std::make_unique<InputSource>(std::move(input), std::move(dir).value()));
  }
  InputStream stream(fd, true, &input->budget);
  auto inner = open_stream(*input, std::move(stream), file_names(arg, file_mtime(st)));
  return std::unique_ptr<Source>(std::make_unique<InputSource>(std::move(input), std::move(inner)));
}

}  // namespace kdx::ingest
