#include <algorithm>
#include <dirent.h>
#include <fstream>
#include <sstream>

#include "rules/rules.h"

namespace kdx::rules {

std::string_view to_string(RuleKind k) {
  return k == RuleKind::root_cause ? "root-cause" : "symptom";
}

RuleSet::RuleSet(std::vector<Rule> rules) : rules_(std::move(rules)) {
  std::sort(rules_.begin(), rules_.end(),
            [](const Rule& a, const Rule& b) { return a.id < b.id; });
}

std::optional<RuleIx> RuleSet::find(std::string_view id) const {
  auto it = std::lower_bound(rules_.begin(), rules_.end(), id,
                             [](const Rule& r, std::string_view v) { return r.id < v; });
  if (it == rules_.end() || it->id != id) return std::nullopt;
  return static_cast<RuleIx>(it - rules_.begin());
}

Expected<std::vector<RuleText>> read_rule_dir(const std::string& dir) {
  DIR* d = opendir(dir.c_str());
  if (!d) return Problem{dir, "cannot read pattern directory '" + dir + "'"};
  std::vector<std::string> names;
  while (dirent* e = readdir(d)) {
    std::string name = e->d_name;
    if (name.size() > 5 && (name.ends_with(".yaml") || name.ends_with(".yml")))
      names.push_back(name);
  }
  closedir(d);
  std::sort(names.begin(), names.end());
  std::vector<RuleText> out;
  for (const auto& name : names) {
    std::string path = dir + "/" + name;
    std::ifstream in(path, std::ios::binary);
    if (!in) return Problem{path, "cannot read pattern file '" + path + "'"};
    std::ostringstream ss;
    ss << in.rdbuf();
    out.push_back({path, ss.str()});
  }
  if (out.empty()) return Problem{dir, "no *.yaml pattern files in '" + dir + "'"};
  return out;
}

}  // namespace kdx::rules
