// core/expected.h — a value or a Problem, with std::expected's member names so it can become
// an alias under C++23. Used for setup failures that travel up to main (bad rule, no input).
#pragma once

#include <utility>
#include <variant>

#include "core/assert.h"
#include "core/problem.h"

namespace kdx {

template <class T>
class [[nodiscard]] Expected {
 public:
  Expected(T value) : v_(std::in_place_index<0>, std::move(value)) {}        // NOLINT
  Expected(Problem problem) : v_(std::in_place_index<1>, std::move(problem)) {}  // NOLINT

  bool has_value() const { return v_.index() == 0; }
  explicit operator bool() const { return has_value(); }

  T& value() & { KDX_ASSERT(has_value()); return std::get<0>(v_); }
  const T& value() const& { KDX_ASSERT(has_value()); return std::get<0>(v_); }
  T&& value() && { KDX_ASSERT(has_value()); return std::get<0>(std::move(v_)); }
  const Problem& error() const { KDX_ASSERT(!has_value()); return std::get<1>(v_); }

  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

 private:
  std::variant<T, Problem> v_;
};

}  // namespace kdx
