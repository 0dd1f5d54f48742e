#include <algorithm>

#include <re2/re2.h>
#include <re2/set.h>

#include <fmt/format.h>

#include "match/match.h"

namespace kdx::match {

namespace {

// A signal's compiled form: its regex with captures, and its selectors.
struct CompiledSignal {
  rules::RuleIx rule = 0;
  uint16_t index = 0;
  std::unique_ptr<RE2> regex;
  std::unique_ptr<RE2> unless;
  std::unique_ptr<RE2> reason, container, unit;
  std::string type;
  uint32_t source_mask = 0;  // bit per SourceKind; 0 = any
  std::vector<std::string> group_names;  // index = capture group number; "" if unnamed
};

RE2::Options quiet_options() {
  RE2::Options o;
  o.set_log_errors(false);
  return o;
}

std::unique_ptr<RE2> compile_opt(const std::string& re) {
  if (re.empty()) return nullptr;
  return std::make_unique<RE2>(re, quiet_options());
}

uint64_t signal_bit(uint16_t index) { return index < 64 ? 1ull << index : 0; }

bool full_match(const std::unique_ptr<RE2>& re, std::string_view s) {
  return !re || RE2::FullMatch(re2::StringPiece(s.data(), s.size()), *re);
}

}  // namespace

struct MatchScratch::Impl {
  std::vector<int> set_hits;
  std::vector<re2::StringPiece> groups;
  std::vector<Capture> captures;
};

MatchScratch::MatchScratch() : impl_(std::make_unique<Impl>()) {}
MatchScratch::~MatchScratch() = default;
MatchScratch::MatchScratch(MatchScratch&&) noexcept = default;
MatchScratch& MatchScratch::operator=(MatchScratch&&) noexcept = default;

struct Matcher::Impl {
  const rules::RuleSet* rules = nullptr;
  std::vector<CompiledSignal> signals;         // set index -> signal
  std::vector<std::vector<size_t>> by_rule;    // rule -> set indices of its signals
  std::unique_ptr<RE2::Set> set;

  bool selectors_pass(const CompiledSignal& s, const formats::Record& r) const {
    if (s.source_mask && !(s.source_mask & (1u << static_cast<unsigned>(r.kind)))) return false;
    if (!s.type.empty() && r.type != s.type) return false;
    return full_match(s.reason, r.reason) && full_match(s.container, r.res.container) &&
           full_match(s.unit, r.res.unit);
  }

  // Runs the signal's own regex; on a hit fills scratch.captures.
  bool confirm(const CompiledSignal& s, std::string_view msg, MatchScratch::Impl& sc,
               bool want_captures) const {
    const int ngroups = s.regex->NumberOfCapturingGroups() + 1;
    sc.groups.assign(static_cast<size_t>(ngroups), re2::StringPiece());
    re2::StringPiece text(msg.data(), msg.size());
    if (!s.regex->Match(text, 0, text.size(), RE2::UNANCHORED, sc.groups.data(), ngroups))
      return false;
    if (s.unless && RE2::PartialMatch(text, *s.unless)) return false;
    if (!want_captures) return true;
    sc.captures.clear();
    for (int g = 1; g < ngroups; ++g) {
      const auto& name = s.group_names[static_cast<size_t>(g)];
      if (name.empty() || sc.groups[g].data() == nullptr) continue;
      sc.captures.push_back({name, std::string_view(sc.groups[g].data(), sc.groups[g].size())});
    }
    return true;
  }

  void match_one(const formats::Record& r, const formats::Chunk* chunk, MatchScratch::Impl& sc,
                 HitSink& sink) const;
};

Matcher::Matcher(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Matcher::Matcher(Matcher&&) noexcept = default;
Matcher& Matcher::operator=(Matcher&&) noexcept = default;
Matcher::~Matcher() = default;

const rules::RuleSet& Matcher::rules() const { return *impl_->rules; }

Expected<Matcher> Matcher::compile(const rules::RuleSet& rules) {
  auto impl = std::make_unique<Impl>();
  impl->rules = &rules;
  impl->by_rule.resize(rules.size());
  RE2::Options set_opts = quiet_options();
  set_opts.set_max_mem(256 << 20);
  impl->set = std::make_unique<RE2::Set>(set_opts, RE2::UNANCHORED);
  for (rules::RuleIx ri = 0; ri < rules.size(); ++ri) {
    const auto& rule = rules[ri];
    for (size_t si = 0; si < rule.signals.size(); ++si) {
      const auto& sig = rule.signals[si];
      CompiledSignal cs;
      cs.rule = ri;
      cs.index = static_cast<uint16_t>(si);
      cs.regex = std::make_unique<RE2>(sig.regex, quiet_options());
      if (!cs.regex->ok())
        return Problem{fmt::format("{}:{} ({})", rule.file, sig.line, rule.id),
                       fmt::format("regex does not compile with RE2: {}", cs.regex->error())};
      cs.unless = compile_opt(sig.unless);
      cs.reason = compile_opt(sig.select.reason);
      cs.container = compile_opt(sig.select.container);
      cs.unit = compile_opt(sig.select.unit);
      cs.type = sig.select.type;
      for (auto k : sig.select.sources) cs.source_mask |= 1u << static_cast<unsigned>(k);
      cs.group_names.assign(static_cast<size_t>(cs.regex->NumberOfCapturingGroups()) + 1, "");
      for (const auto& [name, ix] : cs.regex->NamedCapturingGroups())
        cs.group_names[static_cast<size_t>(ix)] = name;
      std::string err;
      if (impl->set->Add(sig.regex, &err) < 0)
        return Problem{fmt::format("{}:{} ({})", rule.file, sig.line, rule.id),
                       fmt::format("regex rejected by the RE2 set: {}", err)};
      impl->by_rule[ri].push_back(impl->signals.size());
      impl->signals.push_back(std::move(cs));
    }
  }
  if (!impl->set->Compile())
    return Problem{"pattern database", "the RE2 set of all signals exceeds its memory budget"};
  return Matcher(std::move(impl));
}

void Matcher::match_record(const formats::Record& r, MatchScratch& scratch, HitSink& sink) const {
  impl_->match_one(r, nullptr, scratch.impl(), sink);
}

void Matcher::Impl::match_one(const formats::Record& r, const formats::Chunk* chunk,
                              MatchScratch::Impl& sc, HitSink& sink) const {
  if (r.message.empty()) return;
  sc.set_hits.clear();
  re2::StringPiece text(r.message.data(), r.message.size());
  if (!set->Match(text, &sc.set_hits)) return;
  std::sort(sc.set_hits.begin(), sc.set_hits.end());  // set order is unspecified
  // A rule's signals have adjacent set indices: emit one hit per rule with every signal that
  // confirmed in signal_mask, and the captures of the first.
  Hit hit;
  bool pending = false;
  for (int ix : sc.set_hits) {
    const auto& s = signals[static_cast<size_t>(ix)];
    if (pending && s.rule != hit.rule) {
      sink.on_hit(hit);
      pending = false;
    }
    if (!selectors_pass(s, r)) continue;
    if (pending) {  // a further signal of the same rule: only its bit is needed
      if (confirm(s, r.message, sc, /*want_captures=*/false)) hit.signal_mask |= signal_bit(s.index);
      continue;
    }
    if (!confirm(s, r.message, sc, /*want_captures=*/true)) continue;
    hit = Hit{};
    hit.rule = s.rule;
    hit.signal = s.index;
    hit.signal_mask = signal_bit(s.index);
    hit.record = &r;
    hit.chunk = chunk;
    hit.captures = sc.captures;
    pending = true;
  }
  if (pending) sink.on_hit(hit);
}

void Matcher::match(const formats::RecordBatch& batch, MatchScratch& scratch,
                    HitSink& sink) const {
  for (const auto& r : batch.records) impl_->match_one(r, batch.chunk, scratch.impl(), sink);
}

bool Matcher::signal_matches_text(rules::RuleIx rule, size_t signal,
                                  std::string_view message) const {
  const auto& s = impl_->signals[impl_->by_rule[rule][signal]];
  MatchScratch scratch;
  return impl_->confirm(s, message, scratch.impl(), false);
}

std::vector<ExampleFailure> check_examples(const Matcher& matcher) {
  std::vector<ExampleFailure> failures;
  const auto& rules = matcher.rules();
  for (rules::RuleIx ri = 0; ri < rules.size(); ++ri) {
    const auto& rule = rules[ri];
    for (const auto& ex : rule.examples) {
      bool hit = false;
      for (size_t si = 0; si < rule.signals.size() && !hit; ++si)
        hit = matcher.signal_matches_text(ri, si, ex.text);
      if (hit != ex.should_match)
        failures.push_back({rule.id, rule.file, ex.line, ex.text, ex.should_match});
    }
  }
  return failures;
}

}  // namespace kdx::match
