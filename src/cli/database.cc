#include "cli/commands.h"

#include <cstdlib>

#include <fmt/format.h>

#include "match/hs_cache.h"
#include "match/match.h"

namespace kdx::cli {

void print_problem(std::FILE* err, const Problem& p) {
  size_t start = 0;
  const std::string& m = p.message;
  while (start <= m.size()) {
    size_t nl = m.find('\n', start);
    const std::string line = m.substr(start, nl == std::string::npos ? std::string::npos : nl - start);
    if (p.where.empty() || p.where == "usage") std::fprintf(err, "kdx: %s\n", line.c_str());
    else std::fprintf(err, "kdx: %s: %s\n", p.where.c_str(), line.c_str());
    if (nl == std::string::npos) break;
    start = nl + 1;
  }
}

namespace {

// Everything a loaded rule set depends on: kdx's version, the bytes' format and every file's
// name and text, in order.
std::string rules_cache_key(const std::vector<rules::RuleText>& texts) {
  std::string key = fmt::format("kdx-rules-cache {} {}\n{}\n", rules::kRuleBytesFormat,
                                KDX_VERSION, texts.size());
  for (const auto& t : texts)
    key += fmt::format("{}:{}\n{}:{}\n", t.name.size(), t.name, t.text.size(), t.text);
  return key;
}

}  // namespace

std::string cache_dir_from_environment(bool no_cache) {
  if (no_cache) return {};
  return match::hyperscan_cache_dir(std::getenv("KDX_CACHE_DIR"), std::getenv("XDG_CACHE_HOME"),
                                    std::getenv("HOME"));
}

Expected<rules::RuleSet> load_database(const RuleSources& sources, const std::string& cache_dir) {
  std::vector<rules::RuleText> texts;
  if (sources.patterns_dirs.empty()) {
    texts = rules::embedded_rule_texts();
  }
  for (const auto* dirs : {&sources.patterns_dirs, &sources.extra_dirs}) {
    for (const auto& dir : *dirs) {
      auto more = rules::read_rule_dir(dir);
      if (!more) return more.error();
      texts.insert(texts.end(), more->begin(), more->end());
    }
  }
  // Parsing YAML and checking every regex is most of kdx's start-up (0.3 s for 1000 rules): a
  // rule set loaded before from the same texts comes back from the cache in milliseconds. Only
  // a set that loaded without problems is stored; a miss or a bad file just parses.
  std::string key, path;
  if (!cache_dir.empty()) {
    key = rules_cache_key(texts);
    path = match::detail::cache_path(cache_dir, key, "rules");
    if (auto cached = match::detail::read_cache(path, key))
      if (auto set = rules::rule_set_from_bytes(cached->db)) return std::move(*set);
  }
  auto set = rules::load_rules(texts);
  if (set && !cache_dir.empty())
    (void)match::detail::write_cache(path, key, {rules::rule_set_bytes(*set), {}, {}});
  return set;
}

}  // namespace kdx::cli
