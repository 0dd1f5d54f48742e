// core/assert.h — KDX_ASSERT: a broken invariant is a kdx bug; abort with file:line.
// Always on (release and sanitizer builds): the checks are cheap and sit off the hot loops.
#pragma once

namespace kdx::detail {
[[noreturn]] void assert_fail(const char* expr, const char* file, int line);
}

#define KDX_ASSERT(cond) \
  ((cond) ? static_cast<void>(0) : ::kdx::detail::assert_fail(#cond, __FILE__, __LINE__))
