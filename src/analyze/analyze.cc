// Conditions, correlation and ranking: single-threaded, over the merged Collector.
#include <algorithm>
#include <unordered_map>
#include <bit>
#include <set>

#include "analyze/analyze.h"

namespace kdx::analyze {
namespace {

using rules::Rule;
using rules::RuleKind;

// One (rule, resource) group on its way to a finding.
struct Item {
  const GroupKey* key = nullptr;
  const Group* group = nullptr;
  const Rule* rule = nullptr;
  bool met = false;
  bool absorbed = false;
  std::vector<const Item*> explained;  // symptom items this cause absorbed
};

// Whether `min_count` hits fall within some `window` (hits without a time cannot be placed,
// so with too few timed hits the count alone decides).
bool condition_met(const Rule& rule, const Group& g) {
  const auto& c = rule.condition;
  if (g.count < c.min_count) return false;
  if (c.all_signals) {
    const size_t n = std::min<size_t>(rule.signals.size(), 64);
    const uint64_t all = n == 64 ? ~0ull : (1ull << n) - 1;
    if ((g.signal_mask & all) != all) return false;
  }
  if (c.window_ns == 0 || g.times.size() < c.min_count) return true;
  std::vector<int64_t> t = g.times;
  std::sort(t.begin(), t.end());
  for (size_t i = 0, j = 0; j < t.size(); ++j) {
    while (t[j] - t[i] > c.window_ns) ++i;
    if (j - i + 1 >= c.min_count) return true;
  }
  return false;
}

bool overlaps(const Group& a, const Group& b, int64_t window) {
  if (!a.first.known() || !b.first.known()) return true;
  const int64_t a0 = a.first.unix_ns, a1 = a.last.known() ? a.last.unix_ns : a0;
  const int64_t b0 = b.first.unix_ns, b1 = b.last.known() ? b.last.unix_ns : b0;
  return a0 - window <= b1 && b0 - window <= a1;
}

// A cause explains a symptom on the same pod/unit/node. Host-level records (units, nodes)
// on the same node, and records that name no resource at all, are related when their times
// overlap: a cause in one unit (systemd-networkd taking docker0) breaks another (docker).
bool related(const Item& cause, const Item& symptom, int64_t window) {
  const auto& a = cause.key->resource;
  const auto& b = symptom.key->resource;
  if (a.empty() || b.empty()) return overlaps(*cause.group, *symptom.group, window);
  if (a == b) return true;
  const bool same_host = a.pod.empty() && b.pod.empty() && !a.node.empty() && a.node == b.node;
  return same_host && overlaps(*cause.group, *symptom.group, window);
}

Severity effective_severity(const Item& it) { return it.met ? it.rule->severity : Severity::info; }

// Causes absorb in a fixed order (most severe first, then id and resource) so the outcome
// does not depend on map or thread order.
void correlate(std::vector<Item>& items, const rules::RuleSet& rules, int64_t window) {
  std::vector<Item*> causes;
  for (auto& it : items)
    if (it.rule->kind == RuleKind::root_cause && it.met && !it.rule->explains.empty())
      causes.push_back(&it);
  std::stable_sort(causes.begin(), causes.end(), [](const Item* a, const Item* b) {
    return effective_severity(*a) > effective_severity(*b);
  });
  // The items of each rule, in item order: a cause looks only at the rules it explains, not
  // at every item (a big bundle has tens of thousands of (rule, resource) groups).
  std::unordered_map<rules::RuleIx, std::vector<Item*>> by_rule;
  for (auto& it : items) by_rule[it.key->rule].push_back(&it);
  for (Item* cause : causes) {
    for (const auto& sid : cause->rule->explains) {
      auto six = rules.find(sid);
      if (!six) continue;
      auto group = by_rule.find(*six);
      if (group == by_rule.end()) continue;
      for (Item* it : group->second) {
        if (it->absorbed || !related(*cause, *it, window)) continue;
        it->absorbed = true;
        cause->explained.push_back(it);
      }
    }
  }
}

int confidence_of(uint64_t signal_mask, uint32_t kind_mask, uint64_t count) {
  const int signals = std::min(std::popcount(signal_mask), 3);
  const int kinds = std::min(std::popcount(kind_mask), 2);
  return signals + kinds + (count >= 3 ? 1 : 0);
}

void add_explained(Finding& f, const Item& symptom) {
  auto it = std::find_if(f.explains.begin(), f.explains.end(),
                         [&](const Explained& e) { return e.id == symptom.rule->id; });
  if (it == f.explains.end()) {
    f.explains.push_back({symptom.rule->id, 0, {}});
    it = f.explains.end() - 1;
  }
  it->count += symptom.group->count;
  const std::string res = symptom.key->resource.display();
  if (!res.empty() && std::find(it->resources.begin(), it->resources.end(), res) == it->resources.end())
    it->resources.push_back(res);
}

Finding build_finding(const std::vector<const Item*>& its, const FileTable& files,
                      const CaptureFn& read_captures) {
  const Rule& rule = *its.front()->rule;
  Finding f;
  f.id = rule.id;
  f.title = rule.title;
  f.category = rule.category;
  f.kind = rule.kind;
  f.references = rule.references;
  bool any_met = false;
  uint64_t signal_mask = 0;
  uint32_t kind_mask = 0;
  std::vector<Evidence> evidence;
  for (const Item* it : its) {
    const Group& g = *it->group;
    any_met |= it->met;
    f.count += g.count;
    signal_mask |= g.signal_mask;
    kind_mask |= g.kind_mask;
    if (g.first.known() && (!f.first_seen.known() || g.first < f.first_seen)) f.first_seen = g.first;
    if (g.last.known() && (!f.last_seen.known() || g.last > f.last_seen)) f.last_seen = g.last;
    const std::string res = it->key->resource.display();
    if (!res.empty()) f.resources.push_back(res);
    for (const Item* s : it->explained) add_explained(f, *s);
  }
  std::sort(f.resources.begin(), f.resources.end());
  f.resources.erase(std::unique(f.resources.begin(), f.resources.end()), f.resources.end());
  std::sort(f.explains.begin(), f.explains.end(),
            [](const Explained& a, const Explained& b) { return a.id < b.id; });
  for (auto& e : f.explains) std::sort(e.resources.begin(), e.resources.end());
  // Evidence shows every resource before it shows more of one: the first evidence of each
  // group (in time order), then the rest.
  std::vector<Evidence> firsts, rest;
  for (const Item* it : its)
    for (size_t i = 0; i < it->group->evidence.size(); ++i)
      (i == 0 ? firsts : rest).push_back(it->group->evidence[i]);
  std::sort(firsts.begin(), firsts.end(), evidence_before);
  std::sort(rest.begin(), rest.end(), evidence_before);
  evidence = std::move(firsts);
  evidence.insert(evidence.end(), rest.begin(), rest.end());
  if (evidence.size() > kEvidencePerGroup) evidence.resize(kEvidencePerGroup);
  const rules::RuleIx rule_ix = its.front()->key->rule;
  for (const auto& e : evidence) {
    f.evidence.push_back({files.get(e.file).display, e.line, e.ts, e.text});
    if (!f.captures.empty()) continue;
    f.captures = !e.message.empty() && read_captures ? read_captures(rule_ix, e.signal, e.message)
                                                    : e.captures;
  }
  f.severity = any_met ? rule.severity : Severity::info;
  f.transient = !any_met;
  f.confidence = confidence_of(signal_mask, kind_mask, f.count);
  f.fix = fill_placeholders(rule.fix, f.captures);
  return f;
}

uint64_t explained_count(const Finding& f) {
  uint64_t n = 0;
  for (const auto& e : f.explains) n += e.count;
  return n;
}

// Severity, then causes before symptoms, then confidence, then how much it explains, then
// the earliest first-seen (the first failure in a cascade is usually the cause), then id.
bool ranks_before(const Finding& a, const Finding& b) {
  if (a.severity != b.severity) return a.severity > b.severity;
  if (a.kind != b.kind) return a.kind == RuleKind::root_cause;
  if (a.confidence != b.confidence) return a.confidence > b.confidence;
  const uint64_t ea = explained_count(a), eb = explained_count(b);
  if (ea != eb) return ea > eb;
  if (a.first_seen.known() != b.first_seen.known()) return a.first_seen.known();
  if (a.first_seen != b.first_seen) return a.first_seen < b.first_seen;
  return a.id < b.id;
}

}  // namespace

std::string fill_placeholders(const std::string& text, const Captures& captures) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '{') {
      size_t end = text.find('}', i);
      if (end != std::string::npos) {
        std::string name = text.substr(i + 1, end - i - 1);
        bool ident = !name.empty() &&
                     name.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                            "0123456789_") == std::string::npos;
        if (ident) {
          auto it = std::find_if(captures.begin(), captures.end(),
                                 [&](const auto& c) { return c.first == name; });
          out += it != captures.end() ? it->second : "<" + name + ">";
          i = end;
          continue;
        }
      }
    }
    out += text[i];
  }
  return out;
}

Analysis analyze(const rules::RuleSet& rules, const Collector& collector, const FileTable& files,
                 const AnalyzeOptions& options, const CaptureFn& captures) {
  std::vector<Item> items;
  items.reserve(collector.groups().size());
  for (const auto& [key, group] : collector.groups()) {
    Item it;
    it.key = &key;
    it.group = &group;
    it.rule = &rules[key.rule];
    it.met = condition_met(*it.rule, group);
    items.push_back(std::move(it));
  }
  correlate(items, rules, options.correlation_window_ns);

  // Items arrive sorted by (rule, resource): gather each rule's unabsorbed items.
  Analysis out;
  for (size_t i = 0; i < items.size();) {
    size_t j = i;
    std::vector<const Item*> its;
    bool any_met = false;
    for (; j < items.size() && items[j].key->rule == items[i].key->rule; ++j)
      if (!items[j].absorbed) {
        its.push_back(&items[j]);
        any_met |= items[j].met;
      }
    // Where the rule's condition holds somewhere, one-off occurrences elsewhere are noise.
    if (any_met) std::erase_if(its, [](const Item* it) { return !it->met; });
    if (!its.empty()) out.findings.push_back(build_finding(its, files, captures));
    i = j;
  }
  std::sort(out.findings.begin(), out.findings.end(), ranks_before);
  for (size_t i = 0; i < out.findings.size(); ++i) {
    Finding& f = out.findings[i];
    f.rank = static_cast<int>(i) + 1;
    f.score = static_cast<int>(f.severity) * 1000 + (f.kind == RuleKind::root_cause ? 500 : 0) +
              f.confidence * 50 + static_cast<int>(std::min<uint64_t>(explained_count(f), 49));
  }
  return out;
}

}  // namespace kdx::analyze
