#include "ingest/input_stream.h"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

#include "ingest/sniff.h"

namespace kdx::ingest {
namespace {

ssize_t read_retrying(int fd, char* buf, size_t n) {
  ssize_t got;
  do {
    got = ::read(fd, buf, n);
  } while (got < 0 && errno == EINTR);
  return got;
}

}  // namespace

InputStream::InputStream(int fd, bool owns_fd, Budget* budget)
    : fd_(fd), owns_fd_(owns_fd), budget_(budget) {
  struct stat st {};
  regular_ = fstat(fd_, &st) == 0 && S_ISREG(st.st_mode);
}

InputStream::InputStream(InputStream&& other) noexcept
    : fd_(other.fd_),
      owns_fd_(other.owns_fd_),
      regular_(other.regular_),
      budget_(other.budget_),
      buffer_(std::move(other.buffer_)),
      prefix_size_(other.prefix_size_),
      prefix_served_(other.prefix_served_),
      head_(std::move(other.head_)),
      head_done_(other.head_done_),
      error_(other.error_) {
  other.fd_ = -1;
  other.owns_fd_ = false;
}

InputStream::~InputStream() {
  if (owns_fd_ && fd_ >= 0) ::close(fd_);
}

std::string_view InputStream::head() {
  if (head_done_) return head_;
  head_done_ = true;
  if (regular_) {
    // A regular file is sniffed in place; read() then starts again from offset 0.
    head_.resize(kSniffBytes);
    ssize_t got;
    do {
      got = ::pread(fd_, head_.data(), kSniffBytes, 0);
    } while (got < 0 && errno == EINTR);
    if (got < 0) error_ = errno;
    head_.resize(got < 0 ? 0 : static_cast<size_t>(got));
    return head_;
  }
  // A pipe gives what it has; keep reading until a tar header's worth or the end.
  buffer_.resize(kReadBlock);
  while (prefix_size_ < kSniffBytes) {
    ssize_t got = read_retrying(fd_, buffer_.data() + prefix_size_, kReadBlock - prefix_size_);
    if (got < 0) {
      error_ = errno;
      break;
    }
    if (got == 0) break;
    prefix_size_ += static_cast<size_t>(got);
  }
  prefix_served_ = false;
  head_.assign(buffer_.data(), std::min(prefix_size_, kSniffBytes));
  return head_;
}

std::optional<std::string_view> InputStream::read() {
  if (!prefix_served_) {
    prefix_served_ = true;
    if (budget_) budget_->add_read(prefix_size_);
    if (prefix_size_ > 0) return std::string_view(buffer_.data(), prefix_size_);
    if (error_ != 0) return std::nullopt;  // the error met while sniffing
  }
  if (buffer_.size() < kReadBlock) buffer_.resize(kReadBlock);
  ssize_t got = read_retrying(fd_, buffer_.data(), kReadBlock);
  if (got < 0) {
    error_ = errno;
    return std::nullopt;
  }
  if (budget_) budget_->add_read(static_cast<uint64_t>(got));
  return std::string_view(buffer_.data(), static_cast<size_t>(got));
}

int64_t InputStream::seek(int64_t offset, int whence) {
  if (!regular_) return -1;
  off_t pos = ::lseek(fd_, static_cast<off_t>(offset), whence);
  if (pos < 0) error_ = errno;
  return pos;
}

}  // namespace kdx::ingest
