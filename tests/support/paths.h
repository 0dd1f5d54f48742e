// tests/support/paths.h — where the source tree and the built kdx binary are.
#pragma once
#include <string>

namespace kdx::test {
std::string source_dir();  // the repository root
std::string binary_dir();  // the CMake build directory
std::string corpus(const std::string& rel);  // source_dir()/corpus/rel
}  // namespace kdx::test
