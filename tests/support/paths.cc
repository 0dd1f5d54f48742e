#include "support/paths.h"

namespace kdx::test {
std::string source_dir() { return KDX_SOURCE_DIR; }
std::string binary_dir() { return KDX_BINARY_DIR; }
std::string corpus(const std::string& rel) { return source_dir() + "/corpus/" + rel; }
}  // namespace kdx::test
