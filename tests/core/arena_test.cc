#include "core/arena.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace kdx {
namespace {

// Strings of every size, small ones filling many blocks and big ones on their own, all stay
// intact until clear(); after it the blocks are reused and the new strings are intact too.
TEST(Arena, KeepsEveryStringIntactUntilCleared) {
  Arena arena;
  for (int round = 0; round < 3; ++round) {
    std::vector<std::string> originals;
    std::vector<std::string_view> kept;
    for (int i = 0; i < 3000; ++i) {
      const auto n = static_cast<size_t>(i);
      const size_t size = i % 97 == 0 ? 20000 + n : n % 300;
      std::string s(size, static_cast<char>('a' + (i + round) % 26));
      if (!s.empty()) s.back() = '#';
      kept.push_back(arena.keep(s));
      originals.push_back(std::move(s));
    }
    for (size_t i = 0; i < kept.size(); ++i) ASSERT_EQ(kept[i], originals[i]) << i;
    arena.clear();
  }
}

TEST(Arena, AllocatesRoomThatDoesNotOverlap) {
  Arena arena;
  char* a = arena.allocate(10);
  char* b = arena.allocate(70000);  // a big one, on its own
  char* c = arena.allocate(10);
  std::memset(a, 'a', 10);
  std::memset(b, 'b', 70000);
  std::memset(c, 'c', 10);
  EXPECT_EQ(std::string(a, 10), std::string(10, 'a'));
  EXPECT_EQ(std::string(b, 70000), std::string(70000, 'b'));
  EXPECT_EQ(std::string(c, 10), std::string(10, 'c'));
  EXPECT_EQ(c, a + 10);  // small ones share a block
  EXPECT_TRUE(arena.keep("").empty());
}

}  // namespace
}  // namespace kdx
