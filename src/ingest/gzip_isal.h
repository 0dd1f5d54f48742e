// ingest/gzip_isal.h — gzip streams inflated with ISA-L (internal to ingest and its tests).
// Takes: a pull function that hands out the compressed bytes block by block. Gives: the
// decompressed bytes block by block, and the first member's header name and mtime (what
// libarchive's gzip filter would give the raw format). Multi-member streams are read through;
// bytes after the last member that do not start another member are ignored, as gzip(1) and
// libarchive do. Errors read like libarchive's: "truncated gzip input", so Problems do not
// depend on the decoder. Without ISA-L in the build, available() is false and libarchive's own
// gzip filter (zlib) is used instead. Move-only; not thread-safe.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace kdx::ingest {

class GzipInflater {
 public:
  // Sets *bytes to the next compressed block (empty at the end of the input) and returns true,
  // or returns false with *error set. The block must stay valid until the next call.
  using Pull = std::function<bool(std::string_view* bytes, std::string* error)>;

  static bool available();

  explicit GzipInflater(Pull pull);
  ~GzipInflater();
  GzipInflater(GzipInflater&&) noexcept;
  GzipInflater& operator=(GzipInflater&&) noexcept;
  GzipInflater(const GzipInflater&) = delete;
  GzipInflater& operator=(const GzipInflater&) = delete;

  // The next decompressed bytes, valid until the next call: empty at the end of the stream,
  // nullopt on damage (error() says what; everything inflated before it was handed out).
  std::optional<std::string_view> read();
  const std::string& error() const;

  // The first member's FNAME ("" when it has none) and MTIME (0 when unset); known once the
  // first read() has returned.
  const std::string& name() const;
  uint32_t mtime() const;

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace kdx::ingest
