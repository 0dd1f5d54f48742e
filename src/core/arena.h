// core/arena.h — owns strings that records borrow when their text is not a slice of the
// input (unescaped JSON, joined CRI partials, synthesised status lines). Views stay valid
// until clear(). Reused per worker; not thread-safe.
#pragma once

#include <deque>
#include <string>
#include <string_view>

namespace kdx {

class Arena {
 public:
  std::string_view keep(std::string s) {
    if (used_ < strings_.size()) {
      strings_[used_] = std::move(s);
    } else {
      strings_.push_back(std::move(s));
    }
    return strings_[used_++];
  }
  std::string_view keep(std::string_view s) { return keep(std::string(s)); }
  void clear() { used_ = 0; }

 private:
  std::deque<std::string> strings_;  // deque: stable addresses while growing
  size_t used_ = 0;
};

}  // namespace kdx
