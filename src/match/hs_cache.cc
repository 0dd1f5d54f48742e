// The cache file: "KDXHSDB2", then length-prefixed (u64) key, the rejected and the approximate
// indices (u32 each, count-prefixed) and the database, then a u64 hash of everything before
// it. Integers are in the machine's byte order: the key names the platform, so a file is only
// read where it fits.
#include "match/hs_cache.h"

#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <filesystem>

#include <fmt/format.h>

#include "core/byte_io.h"

namespace kdx::match::detail {
namespace {

constexpr std::string_view kMagic = "KDXHSDB2";
// Bump when what the key does not capture changes: the compile flags, the file layout. (The
// Matcher keys a database by its regexes as converted for Hyperscan.)
constexpr std::string_view kFormat = "kdx-hs-cache 3\n";
constexpr size_t kMaxCacheBytes = size_t{1} << 30;  // a larger file is no cache of ours

uint64_t mix(uint64_t x) {  // splitmix64's finalizer
  x ^= x >> 30;
  x *= 0xbf58476d1ce4e5b9ull;
  x ^= x >> 27;
  x *= 0x94d049bb133111ebull;
  return x ^ (x >> 31);
}

std::optional<std::string> read_file(const std::string& path) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (!f) return std::nullopt;
  std::string data;
  char buf[1 << 16];
  size_t n = 0;
  while ((n = std::fread(buf, 1, sizeof buf, f)) > 0 && data.size() <= kMaxCacheBytes)
    data.append(buf, n);
  const bool ok = !std::ferror(f) && data.size() <= kMaxCacheBytes;
  std::fclose(f);
  if (!ok) return std::nullopt;
  return data;
}

}  // namespace

uint64_t cache_hash(std::string_view s) {
  uint64_t h = mix(s.size() ^ 0x9e3779b97f4a7c15ull);
  size_t i = 0;
  for (; i + 8 <= s.size(); i += 8) {
    uint64_t w;
    std::memcpy(&w, s.data() + i, 8);
    h = (h ^ mix(w)) * 0x9e3779b97f4a7c15ull;
    h ^= h >> 29;
  }
  uint64_t tail = 0;
  std::memcpy(&tail, s.data() + i, s.size() - i);
  return mix(h ^ mix(tail ^ 0xd6e8feb86659fd93ull));
}

std::string cache_key(std::string_view environment, const std::vector<std::string>& regexes) {
  ByteWriter key{std::string(kFormat)};
  key.bytes(environment);
  key.u64(regexes.size());
  for (const auto& re : regexes) key.str(re);
  return key.take();
}

std::string cache_path(std::string_view dir, std::string_view key, std::string_view stem) {
  return fmt::format("{}/{}-{:016x}.db", dir, stem, cache_hash(key));
}

std::optional<CachedDb> read_cache(const std::string& path, std::string_view key) {
  const auto data = read_file(path);
  if (!data || data->size() < kMagic.size() + 8) return std::nullopt;
  const std::string_view all(*data);
  const std::string_view body = all.substr(0, all.size() - 8);
  uint64_t sum = 0;
  std::memcpy(&sum, all.data() + body.size(), 8);
  if (!body.starts_with(kMagic) || sum != cache_hash(body)) return std::nullopt;
  ByteReader r(body.substr(kMagic.size()));
  std::string_view stored_key, db;
  if (!r.str(&stored_key) || stored_key != key) return std::nullopt;
  CachedDb out;
  for (auto* list : {&out.rejected, &out.approximate}) {
    uint64_t count = 0;
    if (!r.u64(&count) || count > r.left() / 4) return std::nullopt;
    list->resize(static_cast<size_t>(count));
    for (uint32_t& ix : *list)
      if (!r.u32(&ix)) return std::nullopt;
  }
  if (!r.str(&db) || !r.at_end()) return std::nullopt;
  out.db = std::string(db);
  return out;
}

bool write_cache(const std::string& path, std::string_view key, const CachedDb& db) {
  namespace fs = std::filesystem;
  std::error_code ec;
  const fs::path target(path);
  fs::create_directories(target.parent_path(), ec);
  if (ec) return false;
  ByteWriter w{std::string(kMagic)};
  w.str(key);
  for (const auto* list : {&db.rejected, &db.approximate}) {
    w.u64(list->size());
    for (uint32_t ix : *list) w.u32(ix);
  }
  w.str(db.db);
  w.u64(cache_hash(w.written()));
  const std::string out = w.take();
  // A private temp file in the same directory, renamed over the target: readers see the old
  // file or the whole new one, never a part.
  std::string tmp = path + ".tmp.XXXXXX";
  const int fd = mkstemp(tmp.data());
  if (fd < 0) return false;
  bool ok = true;
  for (size_t done = 0; ok && done < out.size();) {
    const ssize_t n = ::write(fd, out.data() + done, out.size() - done);
    ok = n > 0;
    if (ok) done += static_cast<size_t>(n);
  }
  ok = ::close(fd) == 0 && ok;
  if (ok) ok = std::rename(tmp.c_str(), path.c_str()) == 0;
  if (!ok) ::unlink(tmp.c_str());
  return ok;
}

}  // namespace kdx::match::detail
