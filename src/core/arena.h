// core/arena.h — owns the bytes records borrow when their text is not a slice of the input
// (unescaped JSON, joined CRI partials, synthesised status and journal lines). Views stay
// valid until clear(). Bytes go into 64 KiB blocks kept from batch to batch, so keeping a
// string costs a copy, not an allocation (one per string had been ~3% of a run in malloc and
// free). Reused per worker; not thread-safe.
#pragma once

#include <cstring>
#include <memory>
#include <string_view>
#include <vector>

namespace kdx {

class Arena {
 public:
  // Room for `n` bytes, valid until clear().
  char* allocate(size_t n) {
    if (n > kBlockBytes / 4) {  // big ones get their own buffer, freed at clear()
      large_.push_back(std::make_unique<char[]>(n));
      return large_.back().get();
    }
    if (blocks_.empty() || used_ + n > kBlockBytes) {
      if (blocks_.empty() || block_ + 1 == blocks_.size()) {
        blocks_.push_back(std::make_unique<char[]>(kBlockBytes));
        block_ = blocks_.size() - 1;
      } else {
        ++block_;
      }
      used_ = 0;
    }
    char* p = blocks_[block_].get() + used_;
    used_ += n;
    return p;
  }

  // A copy of `s` that lives until clear().
  std::string_view keep(std::string_view s) {
    char* p = allocate(s.size());
    std::memcpy(p, s.data(), s.size());
    return {p, s.size()};
  }

  void clear() {
    block_ = 0;
    used_ = 0;
    large_.clear();
  }

 private:
  static constexpr size_t kBlockBytes = 64 << 10;
  std::vector<std::unique_ptr<char[]>> blocks_;  // kept across clear()
  std::vector<std::unique_ptr<char[]>> large_;
  size_t block_ = 0;  // the block being filled
  size_t used_ = 0;   // bytes of it handed out
};

}  // namespace kdx
