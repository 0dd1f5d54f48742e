// Content fingerprints (XXH3-128) and shard hashes (XXH64): what resume and --shard key on.
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <filesystem>
#include <vector>

#include <xxhash.h>

#include "batch/batch.h"

namespace kdx::batch {
namespace fs = std::filesystem;
namespace {

constexpr size_t kReadBytes = 1 << 20;

Problem read_error(const std::string& path, int err) {
  return Problem{path, fmt::format("cannot read: {}", std::strerror(err))};
}

// Streams one file's bytes into the state; the error is errno's.
int hash_file(const std::string& path, XXH3_state_t* state, std::vector<char>& buf) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return errno;
  int err = 0;
  for (;;) {
    const ssize_t n = ::read(fd, buf.data(), buf.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) err = errno;
    if (n <= 0) break;
    XXH3_128bits_update(state, buf.data(), static_cast<size_t>(n));
  }
  ::close(fd);
  return err;
}

std::string hex128(XXH128_hash_t h) {
  return fmt::format("{:016x}{:016x}", h.high64, h.low64);
}

}  // namespace

Expected<std::string> fingerprint(const Bundle& bundle) {
  XXH3_state_t* state = XXH3_createState();
  XXH3_128bits_reset(state);
  std::vector<char> buf(kReadBytes);
  int err = 0;
  std::string failed = bundle.path;
  if (!bundle.is_dir) {
    err = hash_file(bundle.path, state, buf);
  } else {
    std::vector<std::pair<std::string, uint64_t>> files;  // relative path, size
    std::error_code ec;
    for (fs::recursive_directory_iterator it(bundle.path, ec), end; !ec && it != end;
         it.increment(ec)) {
      if (it->is_symlink(ec) || !it->is_regular_file(ec)) continue;
      files.emplace_back(it->path().lexically_relative(bundle.path).string(), it->file_size(ec));
    }
    if (ec) err = ec.value();
    std::sort(files.begin(), files.end());
    for (const auto& [rel, size] : files) {
      if (err) break;
      XXH3_128bits_update(state, rel.c_str(), rel.size() + 1);  // with its NUL
      unsigned char le[8];
      for (int i = 0; i < 8; ++i) le[i] = static_cast<unsigned char>(size >> (8 * i));
      XXH3_128bits_update(state, le, sizeof le);
      failed = bundle.path + "/" + rel;
      err = hash_file(failed, state, buf);
    }
  }
  const XXH128_hash_t h = XXH3_128bits_digest(state);
  XXH3_freeState(state);
  if (err) return read_error(failed, err);
  return hex128(h);
}

std::optional<Shard> parse_shard(std::string_view text) {
  const size_t slash = text.find('/');
  if (slash == std::string_view::npos) return std::nullopt;
  Shard s;
  auto number = [](std::string_view t, uint64_t& v) {
    auto [p, ec] = std::from_chars(t.data(), t.data() + t.size(), v);
    return !t.empty() && ec == std::errc() && p == t.data() + t.size();
  };
  if (!number(text.substr(0, slash), s.index) || !number(text.substr(slash + 1), s.count))
    return std::nullopt;
  if (s.count == 0 || s.index >= s.count) return std::nullopt;
  return s;
}

bool in_shard(const Bundle& bundle, const Shard& shard) {
  return XXH64(bundle.rel.data(), bundle.rel.size(), 0) % shard.count == shard.index;
}

}  // namespace kdx::batch
