// core/byte_io.h — integers and strings as bytes, for kdx's on-disk caches (match/hs_cache.cc,
// rules/rule_bytes.cc). Integers are in the machine's byte order: a cache's key names what it
// was written for, so it is only read where it fits. Every read is bounds-checked and says
// whether it worked; a failed read leaves the reader where it was.
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace kdx {

class ByteWriter {
 public:
  explicit ByteWriter(std::string start = {}) : out_(std::move(start)) {}
  void u64(uint64_t v) { raw(&v, sizeof v); }
  void u32(uint32_t v) { raw(&v, sizeof v); }
  void bytes(std::string_view s) { out_.append(s); }
  void str(std::string_view s) {  // length-prefixed
    u64(s.size());
    bytes(s);
  }
  const std::string& written() const { return out_; }
  std::string take() { return std::move(out_); }

 private:
  void raw(const void* p, size_t n) { out_.append(static_cast<const char*>(p), n); }
  std::string out_;
};

class ByteReader {
 public:
  explicit ByteReader(std::string_view in) : in_(in) {}
  bool u64(uint64_t* v) { return raw(v, sizeof *v); }
  bool u32(uint32_t* v) { return raw(v, sizeof *v); }
  bool bytes(uint64_t n, std::string_view* out) {
    if (n > in_.size()) return false;
    *out = in_.substr(0, static_cast<size_t>(n));
    in_.remove_prefix(static_cast<size_t>(n));
    return true;
  }
  // A length-prefixed string (ByteWriter::str).
  bool str(std::string_view* out) {
    std::string_view before = in_;
    uint64_t n = 0;
    if (u64(&n) && bytes(n, out)) return true;
    in_ = before;
    return false;
  }
  size_t left() const { return in_.size(); }
  bool at_end() const { return in_.empty(); }

 private:
  bool raw(void* p, size_t n) {
    if (in_.size() < n) return false;
    std::memcpy(p, in_.data(), n);
    in_.remove_prefix(n);
    return true;
  }
  std::string_view in_;
};

}  // namespace kdx
