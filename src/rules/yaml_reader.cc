// Reads rule documents with yaml-cpp (whose exceptions are caught here) into Rules, and
// validates them. Every problem is collected before failing, like a compiler.
#include <re2/re2.h>
#include <tbb/parallel_for.h>
#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/yaml.h>

#include <map>
#include <optional>
#include <set>
#include <sstream>

#include <fmt/format.h>

#include "core/time.h"
#include "rules/rules.h"

namespace kdx::rules {
namespace {

class Loader {
 public:
  void load_file(const RuleText& text);
  // Appends what `other` read (a later file's rules and errors) after this one's.
  void append(Loader&& other);
  Expected<RuleSet> finish();

 private:
  void error(const std::string& file, int line, const std::string& id, const std::string& msg) {
    errors_.push_back(id.empty() ? fmt::format("{}:{}: {}", file, line, msg)
                                 : fmt::format("{}:{} ({}): {}", file, line, id, msg));
  }
  void read_rule(const YAML::Node& doc, const std::string& file);
  std::string scalar(const YAML::Node& node, const char* field, Rule& r);
  std::vector<std::string> string_list(const YAML::Node& node, const char* field, Rule& r);
  void read_signals(const YAML::Node& node, Rule& r);
  void read_signal(const YAML::Node& node, Rule& r);
  void read_condition(const YAML::Node& node, Rule& r);
  void read_examples(const YAML::Node& node, Rule& r);
  void check_regex(const std::string& re, const Rule& r, int line, const char* what,
                   std::set<std::string>* captures);
  void check_fix(const Rule& r, const std::set<std::string>& captures);

  std::vector<Rule> rules_;
  std::vector<std::string> errors_;
};

int line_of(const YAML::Node& n) { return n.Mark().line + 1; }

// Sees only where each document starts.
class DocumentStarts final : public YAML::EventHandler {
 public:
  void OnDocumentStart(const YAML::Mark& mark) override { last = mark; }
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark&, YAML::anchor_t) override {}
  void OnAlias(const YAML::Mark&, YAML::anchor_t) override {}
  void OnScalar(const YAML::Mark&, const std::string&, YAML::anchor_t,
                const std::string&) override {}
  void OnSequenceStart(const YAML::Mark&, const std::string&, YAML::anchor_t,
                       YAML::EmitterStyle::value) override {}
  void OnSequenceEnd() override {}
  void OnMapStart(const YAML::Mark&, const std::string&, YAML::anchor_t,
                  YAML::EmitterStyle::value) override {}
  void OnMapEnd() override {}
  YAML::Mark last;
};

// yaml-cpp 0.7's LoadAll never returns on a ',' at document level ("a: 1\n,"): it yields
// empty documents at the same place forever and allocates until memory runs out. A first pass
// over the document starts finds where the parser stops moving; null when it never does.
// May throw YAML::Exception, as LoadAll would.
std::optional<YAML::Mark> stall_of(const std::string& text) {
  std::istringstream in(text);
  YAML::Parser parser(in);
  DocumentStarts starts;
  int previous = -1;
  while (parser.HandleNextDocument(starts)) {
    if (starts.last.pos <= previous) return starts.last;
    previous = starts.last.pos;
  }
  return std::nullopt;
}

std::string Loader::scalar(const YAML::Node& node, const char* field, Rule& r) {
  if (!node.IsScalar()) {
    error(r.file, line_of(node), r.id, fmt::format("field '{}' must be a string", field));
    return "";
  }
  return node.Scalar();
}

std::vector<std::string> Loader::string_list(const YAML::Node& node, const char* field, Rule& r) {
  std::vector<std::string> out;
  if (node.IsScalar()) return {node.Scalar()};
  if (!node.IsSequence()) {
    error(r.file, line_of(node), r.id, fmt::format("field '{}' must be a list of strings", field));
    return out;
  }
  for (const auto& item : node) {
    if (!item.IsScalar()) {
      error(r.file, line_of(item), r.id, fmt::format("field '{}' must be a list of strings", field));
      continue;
    }
    out.push_back(item.Scalar());
  }
  return out;
}

void Loader::read_signal(const YAML::Node& node, Rule& r) {
  Signal s;
  s.line = line_of(node);
  s.name = fmt::format("s{}", r.signals.size() + 1);
  if (node.IsScalar()) {  // shorthand: a bare regex
    s.regex = node.Scalar();
    r.signals.push_back(std::move(s));
    return;
  }
  if (!node.IsMap()) {
    error(r.file, s.line, r.id, "a signal must be a map with a 'regex' (or a bare regex string)");
    return;
  }
  for (const auto& kv : node) {
    const std::string key = kv.first.Scalar();
    const YAML::Node& v = kv.second;
    if (key == "name") s.name = scalar(v, "name", r);
    else if (key == "regex") s.regex = scalar(v, "regex", r);
    else if (key == "unless") s.unless = scalar(v, "unless", r);
    else if (key == "reason") s.select.reason = scalar(v, "reason", r);
    else if (key == "type") s.select.type = scalar(v, "type", r);
    else if (key == "container") s.select.container = scalar(v, "container", r);
    else if (key == "unit") s.select.unit = scalar(v, "unit", r);
    else if (key == "sources") {
      for (const auto& name : string_list(v, "sources", r)) {
        if (auto k = parse_source_kind(name)) s.select.sources.push_back(*k);
        else
          error(r.file, line_of(v), r.id,
                fmt::format("unknown source '{}' (expected log, event, pod_status, describe, "
                            "journal or text)", name));
      }
    } else {
      error(r.file, line_of(kv.first), r.id, fmt::format("unknown field '{}' in signal", key));
    }
  }
  if (s.regex.empty()) error(r.file, s.line, r.id, "signal has no 'regex'");
  for (const auto& other : r.signals)
    if (other.name == s.name)
      error(r.file, s.line, r.id, fmt::format("duplicate signal name '{}'", s.name));
  r.signals.push_back(std::move(s));
}

void Loader::read_signals(const YAML::Node& node, Rule& r) {
  if (!node.IsSequence() || node.size() == 0) {
    error(r.file, line_of(node), r.id, "field 'signals' must be a non-empty list");
    return;
  }
  for (const auto& item : node) read_signal(item, r);
}

void Loader::read_condition(const YAML::Node& node, Rule& r) {
  if (!node.IsMap()) {
    error(r.file, line_of(node), r.id, "field 'condition' must be a map");
    return;
  }
  for (const auto& kv : node) {
    const std::string key = kv.first.Scalar();
    const std::string v = kv.second.IsScalar() ? kv.second.Scalar() : "";
    if (key == "min_count") {
      char* end = nullptr;
      long n = std::strtol(v.c_str(), &end, 10);
      if (v.empty() || *end != '\0' || n < 1 || n > 1000000)
        error(r.file, line_of(kv.second), r.id, "condition 'min_count' must be a whole number >= 1");
      else r.condition.min_count = static_cast<uint32_t>(n);
    } else if (key == "window") {
      if (auto d = parse_duration(v)) r.condition.window_ns = *d;
      else
        error(r.file, line_of(kv.second), r.id,
              fmt::format("condition 'window' must be a duration like 10m or 1h, not '{}'", v));
    } else if (key == "all_signals") {
      if (v != "true" && v != "false")
        error(r.file, line_of(kv.second), r.id, "condition 'all_signals' must be true or false");
      r.condition.all_signals = v == "true";
    } else {
      error(r.file, line_of(kv.first), r.id, fmt::format("unknown field '{}' in condition", key));
    }
  }
}

void Loader::read_examples(const YAML::Node& node, Rule& r) {
  if (!node.IsMap()) {
    error(r.file, line_of(node), r.id, "field 'examples' must be a map with 'match' and 'no_match'");
    return;
  }
  for (const auto& kv : node) {
    const std::string key = kv.first.Scalar();
    if (key != "match" && key != "no_match") {
      error(r.file, line_of(kv.first), r.id, fmt::format("unknown field '{}' in examples", key));
      continue;
    }
    if (!kv.second.IsSequence()) {
      error(r.file, line_of(kv.second), r.id, fmt::format("examples '{}' must be a list", key));
      continue;
    }
    for (const auto& item : kv.second) {
      if (!item.IsScalar()) {
        error(r.file, line_of(item), r.id, "an example must be a string");
        continue;
      }
      r.examples.push_back({item.Scalar(), key == "match", line_of(item)});
    }
  }
}

void Loader::check_regex(const std::string& re, const Rule& r, int line, const char* what,
                         std::set<std::string>* captures) {
  RE2::Options opts;
  opts.set_log_errors(false);
  RE2 compiled(re, opts);
  if (!compiled.ok()) {
    error(r.file, line, r.id,
          fmt::format("{} does not compile with RE2: {} (RE2 has no look-around or "
                      "back-references)", what, compiled.error()));
    return;
  }
  if (captures)
    for (const auto& [name, ix] : compiled.NamedCapturingGroups()) captures->insert(name);
}

void Loader::check_fix(const Rule& r, const std::set<std::string>& captures) {
  for (size_t pos = r.fix.find('{'); pos != std::string::npos; pos = r.fix.find('{', pos + 1)) {
    size_t end = r.fix.find('}', pos);
    if (end == std::string::npos) break;
    std::string name = r.fix.substr(pos + 1, end - pos - 1);
    bool ident = !name.empty() && name.find_first_not_of(
        "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_") == std::string::npos;
    if (ident && !captures.count(name))
      error(r.file, r.line, r.id,
            fmt::format("fix uses '{{{}}}' but no signal has a named capture '{}'", name, name));
  }
}

void Loader::read_rule(const YAML::Node& doc, const std::string& file) {
  Rule r;
  r.file = file;
  r.line = line_of(doc);
  if (!doc.IsMap()) {
    error(file, r.line, "", "a rule document must be a map");
    return;
  }
  if (doc["id"] && doc["id"].IsScalar()) r.id = doc["id"].Scalar();
  bool has_severity = false, has_kind = false;
  for (const auto& kv : doc) {
    const std::string key = kv.first.IsScalar() ? kv.first.Scalar() : "";
    const YAML::Node& v = kv.second;
    if (key == "id") r.id = scalar(v, "id", r);
    else if (key == "title") r.title = scalar(v, "title", r);
    else if (key == "description") r.description = scalar(v, "description", r);
    else if (key == "category") r.category = scalar(v, "category", r);
    else if (key == "fix") r.fix = scalar(v, "fix", r);
    else if (key == "severity") {
      has_severity = true;
      auto s = parse_severity(scalar(v, "severity", r));
      if (s) r.severity = *s;
      else
        error(file, line_of(v), r.id,
              "severity must be one of critical, high, medium, low, info");
    } else if (key == "kind") {
      has_kind = true;
      std::string k = scalar(v, "kind", r);
      if (k == "root-cause") r.kind = RuleKind::root_cause;
      else if (k == "symptom") r.kind = RuleKind::symptom;
      else error(file, line_of(v), r.id, "kind must be root-cause or symptom");
    } else if (key == "signals") read_signals(v, r);
    else if (key == "condition") read_condition(v, r);
    else if (key == "explains") r.explains = string_list(v, "explains", r);
    else if (key == "references") r.references = string_list(v, "references", r);
    else if (key == "examples") read_examples(v, r);
    else error(file, line_of(kv.first), r.id, fmt::format("unknown field '{}'", key));
  }
  if (r.id.empty()) error(file, r.line, "", "rule has no 'id'");
  if (r.title.empty()) error(file, r.line, r.id, "rule has no 'title'");
  if (!has_severity) error(file, r.line, r.id, "rule has no 'severity'");
  if (!has_kind) error(file, r.line, r.id, "rule has no 'kind'");
  if (!doc["signals"]) error(file, r.line, r.id, "rule has no 'signals'");
  if (r.kind == RuleKind::symptom && !r.explains.empty())
    error(file, r.line, r.id, "a symptom cannot explain other rules (only root causes do)");
  std::set<std::string> captures;
  for (const auto& s : r.signals) {
    if (!s.regex.empty()) check_regex(s.regex, r, s.line, "regex", &captures);
    if (!s.unless.empty()) check_regex(s.unless, r, s.line, "unless regex", nullptr);
    for (const auto* sel : {&s.select.reason, &s.select.container, &s.select.unit})
      if (!sel->empty()) check_regex(*sel, r, s.line, "selector regex", nullptr);
  }
  check_fix(r, captures);
  rules_.push_back(std::move(r));
}

void Loader::load_file(const RuleText& text) {
  std::vector<YAML::Node> docs;
  try {
    if (auto stall = stall_of(text.text)) {
      error(text.name, stall->line + 1, "", "invalid YAML: ',' outside a [ ] or { } collection");
      return;
    }
    docs = YAML::LoadAll(text.text);
  } catch (const YAML::Exception& e) {
    error(text.name, e.mark.line + 1, "", fmt::format("invalid YAML: {}", e.msg));
    return;
  }
  for (const auto& doc : docs) {
    if (doc.IsNull()) continue;
    try {
      read_rule(doc, text.name);
    } catch (const YAML::Exception& e) {
      error(text.name, e.mark.line + 1, "", fmt::format("invalid rule: {}", e.msg));
    }
  }
}

void Loader::append(Loader&& other) {
  for (auto& r : other.rules_) rules_.push_back(std::move(r));
  for (auto& e : other.errors_) errors_.push_back(std::move(e));
}

Expected<RuleSet> Loader::finish() {
  std::map<std::string, const Rule*> by_id;
  for (const auto& r : rules_) {
    if (r.id.empty()) continue;
    auto [it, inserted] = by_id.emplace(r.id, &r);
    if (!inserted)
      error(r.file, r.line, r.id,
            fmt::format("duplicate id (first defined at {}:{})", it->second->file, it->second->line));
  }
  for (const auto& r : rules_)
    for (const auto& ex : r.explains) {
      auto it = by_id.find(ex);
      if (it == by_id.end())
        error(r.file, r.line, r.id, fmt::format("explains unknown id '{}'", ex));
      else if (it->second->kind != RuleKind::symptom)
        error(r.file, r.line, r.id, fmt::format("explains '{}', which is not a symptom", ex));
    }
  if (!errors_.empty()) {
    std::string msg;
    for (const auto& e : errors_) msg += e + "\n";
    msg.pop_back();
    return Problem{"", msg};
  }
  return RuleSet(std::move(rules_));
}

}  // namespace

Expected<RuleSet> load_rules(std::span<const RuleText> texts) {
  // Files are read in parallel (parsing YAML and compiling each regex to check it is most of
  // kdx's start-up: 0.4 s for 1000 rules), then joined in their order: the same rules and
  // errors as reading them one after another.
  std::vector<Loader> per_file(texts.size());
  tbb::parallel_for(size_t{0}, texts.size(), [&](size_t i) { per_file[i].load_file(texts[i]); });
  Loader loader;
  for (auto& l : per_file) loader.append(std::move(l));
  return loader.finish();
}

}  // namespace kdx::rules
