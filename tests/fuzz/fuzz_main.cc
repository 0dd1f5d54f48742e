// The libFuzzer entry point of one fuzz binary: fuzz_<name> runs the target KDX_FUZZ_TARGET
// names (set per binary by tests/fuzz/CMakeLists.txt).
#include <cstdlib>

#include "fuzz/targets.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const kdx::fuzz::Target* target = kdx::fuzz::find_target(KDX_FUZZ_TARGET);
  if (target == nullptr) std::abort();
  target->run(std::span<const uint8_t>(data, size));
  return 0;
}
