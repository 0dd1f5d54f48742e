// A loaded RuleSet as bytes and back, for the start-up cache (cli/database.cc): every field of
// every rule, length-prefixed, in order. Reading checks every length against what is left,
// every number and enumerator against its range and the rules' order, so it takes exactly what
// rule_set_bytes writes: damaged bytes give nullopt, never a half-read rule set.
#include "core/byte_io.h"
#include "rules/rules.h"

namespace kdx::rules {
namespace {

// A field added to these structs must be added below (and kRuleBytesFormat bumped): their
// sizes catch that at compile time on the 64-bit platforms kdx is built for.
static_assert(sizeof(void*) != 8 || sizeof(Rule) == 328, "a Rule field changed: see rule_bytes.cc");
static_assert(sizeof(void*) != 8 || sizeof(Signal) == 256,
              "a Signal field changed: see rule_bytes.cc");
static_assert(sizeof(void*) != 8 || sizeof(Example) == 40,
              "an Example field changed: see rule_bytes.cc");

// Reads on top of ByteReader for what rule_set_bytes writes: every value is a u64.
class Reader {
 public:
  explicit Reader(std::string_view in) : in_(in) {}
  bool u64(uint64_t* v) { return in_.u64(v); }
  bool str(std::string* s) {
    std::string_view v;
    if (!in_.str(&v)) return false;
    s->assign(v);
    return true;
  }
  // An enumerator up to `last`.
  template <class E>
  bool enumerator(E* e, E last) {
    uint64_t v = 0;
    if (!u64(&v) || v > static_cast<uint64_t>(last)) return false;
    *e = static_cast<E>(v);
    return true;
  }
  // An integer of type I, as written: a value I cannot hold is refused.
  template <class I>
  bool integer(I* v) {
    uint64_t raw = 0;
    if (!u64(&raw)) return false;
    *v = static_cast<I>(raw);
    return static_cast<uint64_t>(*v) == raw;
  }
  // A count of items that each take at least 8 bytes: no more than the bytes left allow.
  bool count(size_t* n) {
    uint64_t v = 0;
    if (!u64(&v) || v > in_.left() / 8) return false;
    *n = static_cast<size_t>(v);
    return true;
  }
  bool at_end() const { return in_.at_end(); }

 private:
  ByteReader in_;
};

template <class E>
void write_enumerator(ByteWriter& w, E e) {
  w.u64(static_cast<uint64_t>(e));
}

void write_strings(ByteWriter& w, const std::vector<std::string>& v) {
  w.u64(v.size());
  for (const auto& s : v) w.str(s);
}

bool read_strings(Reader& r, std::vector<std::string>* v) {
  size_t n = 0;
  if (!r.count(&n)) return false;
  v->resize(n);
  for (auto& s : *v)
    if (!r.str(&s)) return false;
  return true;
}

void write_signal(ByteWriter& w, const Signal& s) {
  w.str(s.name);
  w.str(s.regex);
  w.str(s.unless);
  w.u64(s.select.sources.size());
  for (auto k : s.select.sources) write_enumerator(w, k);
  w.str(s.select.reason);
  w.str(s.select.type);
  w.str(s.select.container);
  w.str(s.select.unit);
  w.u64(static_cast<uint64_t>(s.line));
}

bool read_signal(Reader& r, Signal* s) {
  size_t sources = 0;
  if (!r.str(&s->name) || !r.str(&s->regex) || !r.str(&s->unless) || !r.count(&sources))
    return false;
  s->select.sources.resize(sources);
  for (auto& k : s->select.sources)
    if (!r.enumerator(&k, SourceKind::text)) return false;
  return r.str(&s->select.reason) && r.str(&s->select.type) && r.str(&s->select.container) &&
         r.str(&s->select.unit) && r.integer(&s->line);
}

}  // namespace

std::string rule_set_bytes(const RuleSet& rules) {
  ByteWriter w;
  w.u64(kRuleBytesFormat);
  w.u64(rules.size());
  for (const Rule& r : rules.rules()) {
    for (const auto* s : {&r.id, &r.title, &r.description, &r.category}) w.str(*s);
    write_enumerator(w, r.severity);
    write_enumerator(w, r.kind);
    w.u64(r.signals.size());
    for (const auto& s : r.signals) write_signal(w, s);
    w.u64(r.condition.min_count);
    w.u64(static_cast<uint64_t>(r.condition.window_ns));
    w.u64(r.condition.all_signals);
    write_strings(w, r.explains);
    w.str(r.fix);
    write_strings(w, r.references);
    w.u64(r.examples.size());
    for (const auto& e : r.examples) {
      w.str(e.text);
      w.u64(e.should_match);
      w.u64(static_cast<uint64_t>(e.line));
    }
    w.str(r.file);
    w.u64(static_cast<uint64_t>(r.line));
  }
  return w.take();
}

std::optional<RuleSet> rule_set_from_bytes(std::string_view bytes) {
  Reader r(bytes);
  uint64_t format = 0;
  size_t n = 0;
  if (!r.u64(&format) || format != kRuleBytesFormat || !r.count(&n)) return std::nullopt;
  std::vector<Rule> rules(n);
  for (Rule& rule : rules) {
    for (auto* s : {&rule.id, &rule.title, &rule.description, &rule.category})
      if (!r.str(s)) return std::nullopt;
    size_t signals = 0;
    if (!r.enumerator(&rule.severity, Severity::critical) ||
        !r.enumerator(&rule.kind, RuleKind::symptom) || !r.count(&signals))
      return std::nullopt;
    rule.signals.resize(signals);
    for (auto& s : rule.signals)
      if (!read_signal(r, &s)) return std::nullopt;
    uint64_t all_signals = 0;
    size_t examples = 0;
    if (!r.integer(&rule.condition.min_count) || !r.integer(&rule.condition.window_ns) ||
        !r.u64(&all_signals) || all_signals > 1 || !read_strings(r, &rule.explains) ||
        !r.str(&rule.fix) || !read_strings(r, &rule.references) || !r.count(&examples))
      return std::nullopt;
    rule.condition.all_signals = all_signals == 1;
    rule.examples.resize(examples);
    for (auto& e : rule.examples) {
      uint64_t should = 0;
      if (!r.str(&e.text) || !r.u64(&should) || should > 1 || !r.integer(&e.line))
        return std::nullopt;
      e.should_match = should == 1;
    }
    if (!r.str(&rule.file) || !r.integer(&rule.line)) return std::nullopt;
    // Written sorted by id, each once (a RuleSet's order): anything else is not ours.
    if (&rule != &rules.front() && !((&rule)[-1].id < rule.id)) return std::nullopt;
  }
  if (!r.at_end()) return std::nullopt;
  return RuleSet(std::move(rules));
}

}  // namespace kdx::rules
