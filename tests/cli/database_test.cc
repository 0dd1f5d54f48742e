// The rule-set cache behind load_database: a set loaded once comes back from the cache while
// the rule files stay the same, a changed file is read again, a damaged cache file is read
// past, and a set with problems is never stored.
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <fstream>

#include "cli/commands.h"
#include "support/temp_dir.h"

namespace kdx::cli {
namespace {

std::string rule(std::string_view title) {
  return fmt::format(
      "id: t.rule\ntitle: {}\nseverity: high\nkind: symptom\nsignals:\n  - regex: 'boom'\n",
      title);
}

// A file's inode: a cache file written again (a temp file renamed over it) gets a new one.
ino_t inode(const std::string& path) {
  struct stat st {};
  return stat(path.c_str(), &st) == 0 ? st.st_ino : 0;
}

std::vector<std::string> cache_files(const test::TempDir& cache) {
  std::vector<std::string> out;
  for (const auto& f : cache.list())
    if (f.starts_with("rules-")) out.push_back(f);
  return out;
}

TEST(RuleCache, GivesTheSetBackUntilAFileChanges) {
  test::TempDir patterns, cache;
  patterns.write("a.yaml", rule("first"));
  RuleSources sources;
  sources.patterns_dirs = {patterns.path()};
  auto first = load_database(sources, cache.path());
  ASSERT_TRUE(first) << first.error().message;
  EXPECT_EQ((*first)[0].title, "first");
  const auto files = cache_files(cache);
  ASSERT_EQ(files.size(), 1u);
  const ino_t stored = inode(cache.path(files[0]));
  auto again = load_database(sources, cache.path());
  ASSERT_TRUE(again);
  EXPECT_EQ((*again)[0].title, "first");
  EXPECT_EQ((*again)[0].file, patterns.path("a.yaml"));
  EXPECT_EQ(cache_files(cache), files);
  EXPECT_EQ(inode(cache.path(files[0])), stored);  // read back, not parsed and written again

  patterns.write("a.yaml", rule("second"));  // another text: another key
  auto changed = load_database(sources, cache.path());
  ASSERT_TRUE(changed);
  EXPECT_EQ((*changed)[0].title, "second");
  EXPECT_EQ(cache_files(cache).size(), 2u);

  for (const auto& f : cache_files(cache)) {  // damaged: read past, and stored again
    std::fstream io(cache.path(f), std::ios::in | std::ios::out | std::ios::binary);
    io.seekp(40);
    io.write("XXXX", 4);
  }
  auto damaged = load_database(sources, cache.path());
  ASSERT_TRUE(damaged);
  EXPECT_EQ((*damaged)[0].title, "second");
}

TEST(RuleCache, NeverStoresASetWithProblems) {
  test::TempDir patterns, cache;
  patterns.write("a.yaml", "id: t.rule\ntitle: t\nseverity: high\n");
  RuleSources sources;
  sources.patterns_dirs = {patterns.path()};
  auto bad = load_database(sources, cache.path());
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().message,
            patterns.path("a.yaml") + ":1 (t.rule): rule has no 'kind'\n" +
                patterns.path("a.yaml") + ":1 (t.rule): rule has no 'signals'");
  EXPECT_TRUE(cache_files(cache).empty());
}

}  // namespace
}  // namespace kdx::cli
