// The compiled-database cache: where it lives, its file format (round trip, damage, another
// key), and the Matcher on a cold, warm, damaged, unwritable and disabled cache — a cached
// database must give exactly the hits of the RE2::Set on every rule example.
#include <gtest/gtest.h>

#include <fmt/format.h>

#include "match/hs_cache.h"
#include "match/match.h"
#include "match/prefilter.h"
#include "rules/embedded.h"
#include "support/rule_fixture.h"
#include "support/temp_dir.h"

namespace kdx::match {
namespace {

using Lines = std::vector<std::string>;

struct DumpSink final : HitSink {
  const rules::RuleSet* rules = nullptr;
  Lines lines;
  void on_hit(const Hit& h) override {
    std::string line = fmt::format("{} {} s{} m{:x}", h.record->line, (*rules)[h.rule].id,
                                   h.signal, h.signal_mask);
    for (const auto& c : h.captures()) line += fmt::format(" {}={}", c.name, c.value);
    lines.push_back(std::move(line));
  }
};

rules::RuleSet embedded_rules() {
  auto texts = rules::embedded_rule_texts();
  auto rules = rules::load_rules(texts);
  EXPECT_TRUE(rules) << rules.error().message;
  return rules ? std::move(*rules) : rules::RuleSet();
}

// Every rule example as one batch, matched by `m`'s batch path.
Lines example_hits(const Matcher& m) {
  formats::RecordBatch batch;
  for (const auto& rule : m.rules().rules())
    for (const auto& ex : rule.examples)
      batch.records.push_back(test::record(ex.text, SourceKind::log, batch.records.size() + 1));
  DumpSink sink;
  sink.rules = &m.rules();
  MatchScratch scratch;
  m.match(batch, scratch, sink);
  return sink.lines;
}

TEST(HsCacheDir, FromTheEnvironment) {
  EXPECT_EQ(hyperscan_cache_dir("/c", "/x", "/h"), "/c");
  EXPECT_EQ(hyperscan_cache_dir("off", "/x", "/h"), "");
  EXPECT_EQ(hyperscan_cache_dir("", "/x", "/h"), "/x/kdx");
  EXPECT_EQ(hyperscan_cache_dir(nullptr, "/x", "/h"), "/x/kdx");
  EXPECT_EQ(hyperscan_cache_dir(nullptr, "relative", "/h"), "/h/.cache/kdx");
  EXPECT_EQ(hyperscan_cache_dir(nullptr, nullptr, "/h"), "/h/.cache/kdx");
  EXPECT_EQ(hyperscan_cache_dir(nullptr, nullptr, nullptr), "");
}

TEST(HsCacheFile, RoundTripAndEveryKindOfDamageIsAMiss) {
  test::TempDir dir;
  const std::string key = detail::cache_key("env 1\n", {"a+", "b(c)"});
  EXPECT_EQ(key, detail::cache_key("env 1\n", {"a+", "b(c)"}));
  EXPECT_NE(key, detail::cache_key("env 2\n", {"a+", "b(c)"}));
  EXPECT_NE(key, detail::cache_key("env 1\n", {"a+b", "(c)"}));  // lengths keep them apart
  const std::string path = detail::cache_path(dir.path("sub"), key);
  EXPECT_EQ(path, fmt::format("{}/hs-{:016x}.db", dir.path("sub"), detail::cache_hash(key)));
  EXPECT_FALSE(detail::read_cache(path, key));  // missing

  ASSERT_TRUE(detail::write_cache(path, key, {"database bytes", {1, 7}, {3}}));
  const std::string name = path.substr(path.rfind('/') + 1);
  EXPECT_EQ(dir.list(), (std::vector<std::string>{"sub", "sub/" + name}));
  auto back = detail::read_cache(path, key);
  ASSERT_TRUE(back);
  EXPECT_EQ(back->db, "database bytes");
  EXPECT_EQ(back->rejected, (std::vector<uint32_t>{1, 7}));
  EXPECT_EQ(back->approximate, (std::vector<uint32_t>{3}));
  EXPECT_FALSE(detail::read_cache(path, detail::cache_key("env 2\n", {"a+", "b(c)"})));

  const std::string good = test::read_file(path);
  for (size_t at : {size_t{0}, good.size() / 2, good.size() - 1}) {
    std::string bad = good;
    bad[at] ^= 0x20;
    dir.write("sub/" + name, bad);
    EXPECT_FALSE(detail::read_cache(path, key)) << "byte " << at << " flipped";
  }
  dir.write("sub/" + name, good.substr(0, good.size() - 3));
  EXPECT_FALSE(detail::read_cache(path, key)) << "truncated";
  dir.write("sub/" + name, "");
  EXPECT_FALSE(detail::read_cache(path, key)) << "empty";
}

TEST(HsCacheFile, AnUnwritableDirectoryIsSkipped) {
  test::TempDir dir;
  dir.write("file", "x");
  EXPECT_FALSE(detail::write_cache(dir.path("file/sub/hs-1.db"), "k", {"db", {}, {}}));
  EXPECT_EQ(dir.list(), std::vector<std::string>{"file"});
}

TEST(HsCacheMatcher, AWarmCacheGivesTheSameHitsFromTheFirstBatch) {
  if (!hyperscan_available()) GTEST_SKIP() << "built without Hyperscan";
  const rules::RuleSet rules = embedded_rules();
  test::TempDir dir;
  auto reference = Matcher::compile(rules, Engine::re2_set);
  ASSERT_TRUE(reference);
  const Lines want = example_hits(*reference);
  EXPECT_GT(want.size(), 150u);

  // Cold: compiled here, stored.
  auto cold = Matcher::compile(rules, Engine::hyperscan, dir.path());
  ASSERT_TRUE(cold);
  EXPECT_FALSE(cold->hyperscan_from_cache());
  const std::vector<std::string> files = dir.list();
  ASSERT_EQ(files.size(), 1u);
  EXPECT_TRUE(files[0].starts_with("hs-") && files[0].ends_with(".db")) << files[0];
  EXPECT_EQ(example_hits(*cold), want);

  // Warm, with the default (lazy) engine: Hyperscan from the cache, no RE2::Set warm-up.
  auto warm = Matcher::compile(rules, Engine::automatic, dir.path());
  ASSERT_TRUE(warm);
  EXPECT_TRUE(warm->hyperscan_from_cache());
  EXPECT_EQ(warm->engine(), Engine::hyperscan);
  EXPECT_EQ(example_hits(*warm), want);
  EXPECT_EQ(dir.list(), files);

  // Other rules: another file, the first one untouched.
  auto fewer = test::rules_from_yaml("id: a.b\ntitle: t\nseverity: low\nkind: symptom\n"
                                     "signals: ['disk full']\n");
  auto other = Matcher::compile(fewer, Engine::hyperscan, dir.path());
  ASSERT_TRUE(other);
  EXPECT_FALSE(other->hyperscan_from_cache());
  EXPECT_EQ(dir.list().size(), 2u);
}

TEST(HsCacheMatcher, ADamagedCacheFileIsIgnoredAndReplaced) {
  if (!hyperscan_available()) GTEST_SKIP() << "built without Hyperscan";
  const rules::RuleSet rules = embedded_rules();
  test::TempDir dir;
  auto reference = Matcher::compile(rules, Engine::re2_set);
  ASSERT_TRUE(reference);
  const Lines want = example_hits(*reference);
  ASSERT_TRUE(Matcher::compile(rules, Engine::hyperscan, dir.path()));
  ASSERT_EQ(dir.list().size(), 1u);
  const std::string name = dir.list()[0];
  std::string bytes = test::read_file(dir.path(name));
  bytes[bytes.size() / 2] ^= 0x01;  // inside the database
  dir.write(name, bytes);

  auto damaged = Matcher::compile(rules, Engine::hyperscan, dir.path());
  ASSERT_TRUE(damaged);
  EXPECT_FALSE(damaged->hyperscan_from_cache());
  EXPECT_EQ(example_hits(*damaged), want);
  // Rebuilt and stored again: the next run reads it.
  EXPECT_EQ(dir.list(), std::vector<std::string>{name});
  auto again = Matcher::compile(rules, Engine::automatic, dir.path());
  ASSERT_TRUE(again);
  EXPECT_TRUE(again->hyperscan_from_cache());
  EXPECT_EQ(example_hits(*again), want);

  dir.write(name, "not a database at all");
  auto garbage = Matcher::compile(rules, Engine::automatic, dir.path());
  ASSERT_TRUE(garbage);
  EXPECT_FALSE(garbage->hyperscan_from_cache());
  EXPECT_EQ(example_hits(*garbage), want);
}

TEST(HsCacheMatcher, NoCacheDirectoryWritesNothing) {
  if (!hyperscan_available()) GTEST_SKIP() << "built without Hyperscan";
  const rules::RuleSet rules = embedded_rules();
  test::TempDir dir;
  // What KDX_CACHE_DIR=off and --no-cache give the Matcher: no directory at all.
  const std::string off = hyperscan_cache_dir("off", dir.path().c_str(), dir.path().c_str());
  ASSERT_EQ(off, "");
  auto m = Matcher::compile(rules, Engine::hyperscan, off);
  ASSERT_TRUE(m);
  EXPECT_FALSE(m->hyperscan_from_cache());
  EXPECT_TRUE(dir.list().empty());
  // An unwritable directory: compiled, nothing stored, nothing fails.
  dir.write("file", "x");
  auto unwritable = Matcher::compile(rules, Engine::hyperscan, dir.path("file/kdx"));
  ASSERT_TRUE(unwritable);
  EXPECT_FALSE(unwritable->hyperscan_from_cache());
  EXPECT_EQ(dir.list(), std::vector<std::string>{"file"});
}

}  // namespace
}  // namespace kdx::match
