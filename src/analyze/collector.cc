#include <algorithm>

#include "analyze/analyze.h"
#include "core/text.h"

namespace kdx::analyze {
namespace {

// Findings are per pod (its containers are one resource), else per unit on a node, else per
// node, else per namespace.
ResourceRef group_resource(const ResourceRef& r) {
  ResourceRef k;
  if (!r.pod.empty()) {
    k.ns = r.ns;
    k.pod = r.pod;
  } else if (!r.unit.empty()) {
    k.node = r.node;
    k.unit = r.unit;
  } else if (!r.node.empty()) {
    k.node = r.node;
  } else {
    k.ns = r.ns;
  }
  return k;
}

auto evidence_order_key(const Evidence& e) {
  return std::make_tuple(!e.ts.known(), e.ts.unix_ns, e.file, e.line, e.signal);
}

void trim_times(std::vector<int64_t>& times, size_t keep) {
  if (times.size() <= keep) return;
  std::nth_element(times.begin(), times.begin() + static_cast<long>(keep), times.end());
  times.resize(keep);
}

void add_container(std::vector<std::string>& cs, std::string_view c) {
  if (c.empty()) return;
  auto it = std::lower_bound(cs.begin(), cs.end(), c);
  if (it == cs.end() || *it != c) cs.insert(it, std::string(c));
}

void add_evidence(std::vector<Evidence>& ev, Evidence e) {
  auto it = std::lower_bound(ev.begin(), ev.end(), e, evidence_before);
  ev.insert(it, std::move(e));
  if (ev.size() > kEvidencePerGroup) ev.pop_back();
}

}  // namespace

bool evidence_before(const Evidence& a, const Evidence& b) {
  return evidence_order_key(a) < evidence_order_key(b);
}

Group& Collector::group_of(rules::RuleIx rule, const ResourceRef& resource) {
  if (rule >= recent_.size()) recent_.resize(static_cast<size_t>(rule) + 1);
  Recent& last = recent_[rule];
  if (last.group && last.key->resource.ref() == resource) return *last.group;
  auto it = groups_.try_emplace(GroupKey{rule, ResourceKey::from(resource)}).first;
  last = {&it->first, &it->second};
  return it->second;
}

void Collector::on_hit(const match::Hit& hit) {
  const formats::Record& r = *hit.record;
  Group& g = group_of(hit.rule, group_resource(r.res));
  g.signal_mask |= hit.signal_mask;
  g.count += r.repeat;
  g.kind_mask |= 1u << static_cast<unsigned>(r.kind);
  const Timestamp first = r.first_ts.known() ? r.first_ts : r.ts;
  if (first.known() && (!g.first.known() || first < g.first)) g.first = first;
  if (r.ts.known() && (!g.last.known() || r.ts > g.last)) g.last = r.ts;
  if (r.ts.known()) {
    g.times.insert(g.times.end(), std::min<uint32_t>(r.repeat, 64), r.ts.unix_ns);
    if (g.times.size() > 2 * kTimesPerGroup) trim_times(g.times, kTimesPerGroup);
  }
  add_container(g.containers, r.res.container);

  Evidence e;
  e.file = hit.chunk && hit.chunk->file ? hit.chunk->file->id : 0;
  e.line = r.line;
  e.ts = r.ts;
  e.signal = hit.signal;
  e.kind = r.kind;
  if (g.evidence.size() >= kEvidencePerGroup && !evidence_before(e, g.evidence.back())) return;
  e.text = truncate_utf8(r.text, kEvidenceLineBytes);
  if (mode_ == CaptureMode::when_shown && r.message.size() <= kDeferredCaptureBytes)
    e.message = r.message;
  else
    for (const auto& c : hit.captures()) e.captures.emplace_back(c.name, c.value);
  add_evidence(g.evidence, std::move(e));
}

void Collector::merge(Collector&& other) {
  for (auto& [key, og] : other.groups_) {
    auto [it, inserted] = groups_.try_emplace(key, std::move(og));
    if (inserted) continue;
    Group& g = it->second;
    g.count += og.count;
    if (og.first.known() && (!g.first.known() || og.first < g.first)) g.first = og.first;
    if (og.last.known() && (!g.last.known() || og.last > g.last)) g.last = og.last;
    g.signal_mask |= og.signal_mask;
    g.kind_mask |= og.kind_mask;
    for (auto& e : og.evidence) add_evidence(g.evidence, std::move(e));
    g.times.insert(g.times.end(), og.times.begin(), og.times.end());
    trim_times(g.times, kTimesPerGroup);
    for (const auto& c : og.containers) add_container(g.containers, c);
  }
  other.groups_.clear();
  other.recent_.clear();  // it pointed into other.groups_
}

}  // namespace kdx::analyze
