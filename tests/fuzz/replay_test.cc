// Replays every saved fuzz input through its target in the normal test suite: the hand-made
// seeds (tests/fuzz/seeds/<target>/) and the inputs that once crashed a target
// (tests/fuzz/regressions/<target>/, each named after what it broke). A target aborts on a
// broken invariant, so a regression that comes back fails this test.
#include <gtest/gtest.h>
#include <sys/resource.h>

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include "fuzz/targets.h"
#include "support/paths.h"
#include "support/temp_dir.h"  // read_file

namespace kdx::fuzz {
namespace {

namespace fs = std::filesystem;

// Every file below tests/fuzz/<kind>/<target>/, sorted.
std::vector<fs::path> inputs(const std::string& kind, std::string_view target) {
  std::vector<fs::path> out;
  const fs::path dir = fs::path(test::source_dir()) / "tests/fuzz" / kind / std::string(target);
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return out;
  for (const auto& e : fs::directory_iterator(dir))
    if (e.is_regular_file()) out.push_back(e.path());
  std::sort(out.begin(), out.end());
  return out;
}

// A regression that allocates without end (yaml-cpp's LoadAll once did) fails with
// bad_alloc instead of taking the machine's memory. ASan reserves terabytes of shadow address
// space, so sanitizer builds rely on ASan's own allocator limit instead.
void cap_address_space() {
#if !defined(__SANITIZE_ADDRESS__)
  rlimit limit{8ull << 30, 8ull << 30};
  setrlimit(RLIMIT_AS, &limit);
#endif
}

void replay(const Target& t, const fs::path& file) {
  SCOPED_TRACE(file.string());
  const std::string bytes = test::read_file(file.string());
  t.run(std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size()));
}

TEST(FuzzReplay, EveryFolderNamesATarget) {
  for (const char* kind : {"seeds", "regressions"}) {
    const fs::path dir = fs::path(test::source_dir()) / "tests/fuzz" / kind;
    std::error_code ec;
    if (!fs::is_directory(dir, ec)) continue;
    for (const auto& e : fs::directory_iterator(dir)) {
      if (!e.is_directory()) continue;
      EXPECT_NE(find_target(e.path().filename().string()), nullptr) << e.path();
    }
  }
}

TEST(FuzzReplay, EveryTargetHasSeeds) {
  for (const Target& t : all_targets()) EXPECT_FALSE(inputs("seeds", t.name).empty()) << t.name;
}

TEST(FuzzReplay, SeedsRunCleanly) {
  cap_address_space();
  for (const Target& t : all_targets())
    for (const fs::path& f : inputs("seeds", t.name)) replay(t, f);
}

TEST(FuzzReplay, RegressionsRunCleanly) {
  cap_address_space();
  size_t n = 0;
  for (const Target& t : all_targets())
    for (const fs::path& f : inputs("regressions", t.name)) {
      replay(t, f);
      ++n;
    }
  RecordProperty("regressions", static_cast<int>(n));
}

TEST(FuzzReplay, EmptyAndTinyInputsRunCleanly) {
  const uint8_t bytes[4] = {0, 1, 0xFF, '\n'};
  for (const Target& t : all_targets())
    for (size_t n = 0; n <= sizeof bytes; ++n) t.run(std::span<const uint8_t>(bytes, n));
}

}  // namespace
}  // namespace kdx::fuzz
