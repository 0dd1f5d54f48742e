#include "core/assert.h"

#include <cstdio>
#include <cstdlib>

namespace kdx::detail {

void assert_fail(const char* expr, const char* file, int line) {
  std::fprintf(stderr, "kdx: internal error: assertion '%s' failed at %s:%d\n", expr, file, line);
  std::abort();
}

}  // namespace kdx::detail
