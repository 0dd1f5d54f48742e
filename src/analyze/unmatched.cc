// Unrecognised errors: candidate detection, variable masking, the bounded per-thread miner,
// and the single-threaded Drain grouping and ranking.
#include "analyze/unmatched.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <map>
#include <set>

#include <fmt/format.h>

namespace kdx::analyze {
namespace {

using Example = UnmatchedMiner::Example;
using Stats = UnmatchedMiner::Stats;

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_upper(char c) { return c >= 'A' && c <= 'Z'; }
bool is_letter(char c) { return is_upper(c) || (c >= 'a' && c <= 'z'); }
bool is_hex(char c) { return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }
char lower(char c) { return is_upper(c) ? static_cast<char>(c - 'A' + 'a') : c; }
bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f'; }

// Eight bytes at a time, little-endian whatever the machine (ids are printed), then a
// splitmix64 finaliser so the leading bits (used for sampling) are well mixed.
uint64_t hash64(std::string_view s) {
  uint64_t h = 0x9e3779b97f4a7c15ull ^ s.size();
  size_t i = 0;
  auto mix = [&h](uint64_t w) {
    h = (h ^ w) * 0xff51afd7ed558ccdull;
    h ^= h >> 32;
  };
  for (; i + 8 <= s.size(); i += 8) {
    uint64_t w = 0;
    for (int b = 7; b >= 0; --b)
      w = (w << 8) | static_cast<unsigned char>(s[i + static_cast<size_t>(b)]);
    mix(w);
  }
  uint64_t tail = 0;
  for (size_t b = s.size(); b > i; --b) tail = (tail << 8) | static_cast<unsigned char>(s[b - 1]);
  mix(tail);
  h ^= h >> 30;
  h *= 0xbf58476d1ce4e5b9ull;
  h ^= h >> 27;
  h *= 0x94d049bb133111ebull;
  return h ^ (h >> 31);
}

// ---- error words ----

constexpr std::array<std::string_view, 10> kErrorWords = {
    "err",   "error",     "failed",  "failure", "fatal",
    "panic", "exception", "refused", "denied",  "timeout"};

bool error_word(std::string_view w) {
  if (w.size() < 3 || w.size() > 9) return false;
  char buf[9];
  for (size_t i = 0; i < w.size(); ++i) buf[i] = lower(w[i]);
  const std::string_view l(buf, w.size());
  return std::find(kErrorWords.begin(), kErrorWords.end(), l) != kErrorWords.end();
}

// ---- masking ----

bool all_of(std::string_view s, bool (*pred)(char)) {
  return !s.empty() && std::all_of(s.begin(), s.end(), pred);
}

bool is_uuid(std::string_view s) {
  if (s.size() != 36) return false;
  for (size_t i = 0; i < 36; ++i) {
    const bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash ? s[i] != '-' : !is_hex(s[i])) return false;
  }
  return true;
}

bool is_url(std::string_view s) {
  const size_t p = s.find("://");
  if (p == std::string_view::npos || p == 0 || !is_letter(s[0])) return false;
  for (char c : s.substr(0, p))
    if (!is_letter(c) && !is_digit(c) && c != '+' && c != '.' && c != '-') return false;
  return true;
}

bool is_path(std::string_view s) {
  if (s.size() < 2) return false;
  if (s[0] == '/') return true;
  if (s[0] == '~' || (s[0] == '.' && s[1] == '/')) return s[1] == '/';
  return s[0] == '.' && s[1] == '.' && s.size() > 2 && s[2] == '/';
}

size_t digits_at(std::string_view s, size_t i) {
  size_t j = i;
  while (j < s.size() && is_digit(s[j])) ++j;
  return j - i;
}

// "2026-06-04", "2026/06/04T10:00:00.1Z", "10:00:00", "10:00:00.123+02:00".
bool is_time(std::string_view s) {
  size_t rest = 0;
  if (s.size() >= 10 && digits_at(s, 0) == 4 && (s[4] == '-' || s[4] == '/') &&
      digits_at(s, 5) == 2 && s[7] == s[4] && digits_at(s, 8) == 2) {
    rest = 10;
    if (rest < s.size() && s[rest] != 'T') return false;
  } else {
    const size_t h = digits_at(s, 0);
    if (h < 1 || h > 2 || h + 6 > s.size() || s[h] != ':' || digits_at(s, h + 1) != 2 ||
        s[h + 3] != ':' || digits_at(s, h + 4) != 2)
      return false;
    rest = h + 6;
  }
  for (char c : s.substr(rest))
    if (!is_digit(c) && c != ':' && c != '.' && c != ',' && c != 'T' && c != 'Z' && c != '+' &&
        c != '-')
      return false;
  return true;
}

bool is_ipv4(std::string_view s) {
  size_t i = 0;
  for (int octet = 0; octet < 4; ++octet) {
    if (octet > 0) {
      if (i >= s.size() || s[i] != '.') return false;
      ++i;
    }
    const size_t n = digits_at(s, i);
    if (n < 1 || n > 3) return false;
    i += n;
  }
  for (char sep : {':', '/'}) {  // ":port", "/prefix"
    if (i < s.size() && s[i] == sep) {
      const size_t n = digits_at(s, i + 1);
      if (n == 0) return false;
      i += 1 + n;
    }
  }
  return i == s.size();
}

// "fe80::1", "2001:db8::/32", "fd00::1]:443" (the '[' is punctuation kept outside).
bool is_ipv6(std::string_view s) {
  const size_t close = s.find(']');
  if (close != std::string_view::npos) {
    const std::string_view port = s.substr(close + 1);
    if (!port.empty() && (port[0] != ':' || !all_of(port.substr(1), is_digit))) return false;
    s = s.substr(0, close);
  }
  if (const size_t slash = s.find('/'); slash != std::string_view::npos) {
    if (!all_of(s.substr(slash + 1), is_digit)) return false;
    s = s.substr(0, slash);
  }
  int colons = 0, group = 0;
  bool hex = false;
  for (char c : s) {
    if (c == ':') {
      ++colons;
      group = 0;
    } else if (is_hex(c)) {
      hex = true;
      if (++group > 4) return false;
    } else if (c != '.') {
      return false;
    }
  }
  return colons >= 2 && hex;
}

// Go durations: "30s", "1.5ms", "1m30s", "2h0m0s", "250µs".
bool is_duration(std::string_view s) {
  size_t i = 0;
  int groups = 0;
  while (i < s.size()) {
    size_t n = digits_at(s, i);
    if (n == 0) return false;
    i += n;
    if (i < s.size() && s[i] == '.') {
      n = digits_at(s, i + 1);
      if (n == 0) return false;
      i += 1 + n;
    }
    const std::string_view u = s.substr(i);
    if (u.starts_with("ns") || u.starts_with("us") || u.starts_with("ms"))
      i += 2;
    else if (u.starts_with("\xC2\xB5s"))
      i += 3;
    else if (!u.empty() && (u[0] == 's' || u[0] == 'm' || u[0] == 'h' || u[0] == 'd'))
      i += 1;
    else
      return false;
    ++groups;
  }
  return groups > 0;
}

bool is_num(std::string_view s) {
  if (!s.empty() && (s[0] == '-' || s[0] == '+')) s.remove_prefix(1);
  if (!s.empty() && s.back() == '%') s.remove_suffix(1);
  size_t i = digits_at(s, 0);
  if (i == 0) return false;
  while (i < s.size()) {
    if (s[i] != '.') return false;
    const size_t n = digits_at(s, i + 1);
    if (n == 0) return false;
    i += 1 + n;
  }
  return true;
}

bool is_hex_id(std::string_view s) {
  if (s.size() > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
    return all_of(s.substr(2), is_hex);
  return s.size() >= 8 && all_of(s, is_hex) && std::any_of(s.begin(), s.end(), is_digit);
}

// Kubernetes' generated names use this alphabet (no vowels, no 0 1 3): a ReplicaSet's
// pod-template-hash and the 5-character pod suffix ("web-5d9b8c7f6-hk7jd", "proxy-x2bzl").
bool generated(std::string_view seg, size_t min, size_t max) {
  constexpr std::string_view kAlphabet = "bcdfghjklmnpqrstvwxz2456789";
  if (seg.size() < min || seg.size() > max) return false;
  for (char c : seg)
    if (kAlphabet.find(c) == std::string_view::npos) return false;
  return std::any_of(seg.begin(), seg.end(), is_letter);
}

bool is_pod(std::string_view s) {
  for (char c : s)
    if (!is_digit(c) && !(c >= 'a' && c <= 'z') && c != '-' && c != '.') return false;
  const size_t d1 = s.rfind('-');
  if (d1 == std::string_view::npos || d1 == 0) return false;
  const std::string_view last = s.substr(d1 + 1), head = s.substr(0, d1);
  if (generated(last, 5, 5)) return head.back() != '-';
  // A ReplicaSet's own name: "web-5d9b8c7f6".
  return generated(last, 6, 10) && std::any_of(last.begin(), last.end(), is_digit) &&
         head.back() != '-';
}

std::string_view classify(std::string_view s) {
  bool digit = false, dash = false, colon = false;
  for (char c : s) {
    digit |= is_digit(c);
    dash |= c == '-';
    colon |= c == ':';
  }
  if (s.empty()) return {};
  if (colon && is_url(s)) return "<url>";
  if (is_path(s)) return "<path>";
  // Most tokens are words: without a digit only a pod name is left.
  if (!digit) return dash && is_pod(s) ? "<pod>" : std::string_view();
  if (is_uuid(s)) return "<uuid>";
  if (is_time(s)) return "<time>";
  if (is_ipv4(s) || is_ipv6(s)) return "<ip>";
  if (is_duration(s)) return "<duration>";
  if (is_num(s)) return "<num>";
  if (is_hex_id(s)) return "<hex>";
  if (dash && is_pod(s)) return "<pod>";
  return {};
}

// Byte classes for the token scanner: a table, not a string search per byte.
enum : uint8_t { kOpenChar = 1, kCloseChar = 2, kSeparator = 4 };
constexpr std::array<uint8_t, 256> kByteClass = [] {
  std::array<uint8_t, 256> t{};
  for (char c : std::string_view("\"'([{<")) t[static_cast<unsigned char>(c)] |= kOpenChar;
  for (char c : std::string_view("\"')]}>,;.!?:")) t[static_cast<unsigned char>(c)] |= kCloseChar;
  for (char c : std::string_view("=:,/@-_")) t[static_cast<unsigned char>(c)] |= kSeparator;
  return t;
}();
bool has_class(char c, uint8_t cls) { return kByteClass[static_cast<unsigned char>(c)] & cls; }

// A token: its quotes and brackets kept, its core masked whole or part by part.
void mask_token(std::string_view tok, std::string& out) {
  size_t b = 0, e = tok.size();
  while (b < e && has_class(tok[b], kOpenChar)) ++b;
  while (e > b && has_class(tok[e - 1], kCloseChar)) --e;
  out.append(tok.substr(0, b));
  const std::string_view core = tok.substr(b, e - b);
  size_t sep = core.size();
  bool digit = false;
  for (size_t i = 0; i < core.size(); ++i) {
    digit |= is_digit(core[i]);
    if (sep == core.size() && has_class(core[i], kSeparator)) sep = i;
  }
  // Plain words ("failed", "to") are the most common tokens: no digit, no separator, no path.
  const bool word = !digit && sep == core.size() && !is_path(core);
  if (const std::string_view type = word ? std::string_view() : classify(core); !type.empty()) {
    out.append(type);
  } else if (sep == core.size()) {
    out.append(core);
  } else {  // "key=value", "image:tag", "ns/name": the head alone, the tail as a token
    const std::string_view head = core.substr(0, sep), type_of_head = classify(head);
    out.append(type_of_head.empty() ? head : type_of_head);
    out.push_back(core[sep]);
    mask_token(core.substr(sep + 1), out);
  }
  out.append(tok.substr(e));
}

// Appends the masked tokens of `line`, joined by one space.
void mask_into(std::string_view line, std::string& out) {
  size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && is_space(line[i])) ++i;
    const size_t start = i;
    while (i < line.size() && !is_space(line[i])) ++i;
    if (i == start) break;
    if (!out.empty()) out.push_back(' ');
    mask_token(line.substr(start, i - start), out);
  }
}

// ---- regex of a template ----

struct Placeholder {
  std::string_view name, group, pattern;
};
constexpr std::array<Placeholder, 10> kPlaceholders = {{
    {"<uuid>", "uuid",
     "[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}"},
    {"<url>", "url", "[A-Za-z][A-Za-z0-9+.-]*://\\S*"},
    {"<path>", "path", "[./~]\\S*"},
    {"<time>", "time", "[0-9][0-9TZ:.,+/-]*"},
    {"<ip>", "ip", "[0-9A-Fa-f:.\\]/]+"},
    {"<duration>", "duration",
     "[0-9][0-9.]*(?:ns|us|µs|ms|s|m|h|d)(?:[0-9.]+(?:ns|us|µs|ms|s|m|h|d))*"},
    {"<num>", "num", "[-+]?[0-9]+(?:\\.[0-9]+)*%?"},
    {"<hex>", "hex", "(?:0[xX])?[0-9A-Fa-f]+"},
    {"<pod>", "pod", "[a-z0-9][a-z0-9.-]*"},
    {"<*>", "var", "\\S+"},
}};

void append_literal(std::string& out, std::string_view s) {
  for (char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (std::string_view("\\.+*?()|[]{}^$").find(c) != std::string_view::npos) {
      out.push_back('\\');
      out.push_back(c);
    } else if (u < 0x20 || u == 0x7F) {
      out += fmt::format("\\x{:02x}", u);
    } else {
      out.push_back(c);
    }
  }
}

// ---- Drain ----

constexpr size_t kPrefixTokens = 2;   // tree depth below the token-count layer
constexpr size_t kMaxChildren = 100;  // per node; further tokens share the <*> child
constexpr size_t kMaxSearched = 100;  // clusters of a leaf a key is compared with (bounds time)
constexpr double kSimilarity = 0.5;   // share of equal tokens to join a cluster

struct Cluster {
  std::vector<std::string> tokens;
  Stats stats;
};

void absorb(Stats& into, const Stats& s) {
  into.count += s.count;
  if (s.first.known() && (!into.first.known() || s.first < into.first)) into.first = s.first;
  if (s.last.known() && (!into.last.known() || s.last > into.last)) into.last = s.last;
  into.weight = std::max(into.weight, s.weight);
  std::vector<std::string> res;
  std::set_union(into.resources.begin(), into.resources.end(), s.resources.begin(),
                 s.resources.end(), std::back_inserter(res));
  if (res.size() > kUnmatchedResources) res.resize(kUnmatchedResources);
  into.resources = std::move(res);
  std::vector<Example> ex = into.examples;
  ex.insert(ex.end(), s.examples.begin(), s.examples.end());
  std::sort(ex.begin(), ex.end(), [](const Example& a, const Example& b) {
    return std::tie(a.file, a.line, a.text) < std::tie(b.file, b.line, b.text);
  });
  if (ex.size() > kUnmatchedExamples) ex.resize(kUnmatchedExamples);
  into.examples = std::move(ex);
}

bool wild(std::string_view tok) {
  return std::any_of(tok.begin(), tok.end(), is_digit) ||
         (tok.find('<') != std::string_view::npos && tok.find('>') != std::string_view::npos);
}

class Drain {
 public:
  void add(std::vector<std::string> tokens, const Stats& stats) {
    Node& leaf = nodes_[leaf_for(tokens)];
    Cluster* best = nullptr;
    double best_sim = -1;
    size_t best_params = 0;
    for (size_t n = 0; n < std::min(leaf.clusters.size(), kMaxSearched); ++n) {
      Cluster& c = clusters_[leaf.clusters[n]];
      size_t same = 0, params = 0;
      for (size_t i = 0; i < tokens.size(); ++i) {
        if (c.tokens[i] == "<*>")
          ++params;
        else if (c.tokens[i] == tokens[i])
          ++same;
      }
      const double sim = static_cast<double>(same) / static_cast<double>(tokens.size());
      if (sim > best_sim || (sim == best_sim && params > best_params)) {
        best = &c;
        best_sim = sim;
        best_params = params;
      }
    }
    if (best && best_sim >= kSimilarity) {
      for (size_t i = 0; i < tokens.size(); ++i)
        if (best->tokens[i] != tokens[i]) best->tokens[i] = "<*>";
      absorb(best->stats, stats);
      return;
    }
    leaf.clusters.push_back(clusters_.size());
    clusters_.push_back({std::move(tokens), stats});
  }
  std::vector<Cluster>& clusters() { return clusters_; }

 private:
  struct Node {
    std::map<std::string, size_t, std::less<>> children;
    std::vector<size_t> clusters;
  };

  size_t child(size_t node, const std::string& key) {
    auto it = nodes_[node].children.find(key);
    if (it != nodes_[node].children.end()) return it->second;
    const bool full = nodes_[node].children.size() >= kMaxChildren && key != "<*>";
    if (full) return child(node, "<*>");
    nodes_.emplace_back();
    nodes_[node].children.emplace(key, nodes_.size() - 1);
    return nodes_.size() - 1;
  }

  size_t leaf_for(const std::vector<std::string>& tokens) {
    size_t node = child(0, fmt::format("#{}", tokens.size()));
    for (size_t d = 0; d < std::min(kPrefixTokens, tokens.size()); ++d)
      node = child(node, wild(tokens[d]) ? "<*>" : tokens[d]);
    return node;
  }

  std::vector<Node> nodes_ = std::vector<Node>(1);
  std::vector<Cluster> clusters_;
};

std::vector<std::string> tokens_of(std::string_view key) {
  std::vector<std::string> out;
  for (size_t start = 0; start <= key.size();) {
    size_t sp = key.find(' ', start);
    if (sp == std::string_view::npos) sp = key.size();
    out.emplace_back(key.substr(start, sp - start));
    start = sp + 1;
  }
  return out;
}

std::string join(const std::vector<std::string>& tokens) {
  std::string out;
  for (const auto& t : tokens) out += (out.empty() ? "" : " ") + t;
  return out;
}

// 1 at `start`; 1/2 an hour before it or five minutes after it, 1/3 at twice that, and so on.
double nearness(Timestamp first, Timestamp start) {
  if (!first.known() || !start.known()) return 0;
  const double d = static_cast<double>(first.unix_ns - start.unix_ns) / kNsPerSecond;
  return d <= 0 ? 1 / (1 - d / 3600) : 1 / (1 + d / 300);
}

}  // namespace

bool valid_utf8(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    size_t len = 0;
    if (c < 0x80)
      len = 1;
    else if (c >= 0xC2 && c <= 0xDF)
      len = 2;
    else if ((c & 0xF0) == 0xE0)
      len = 3;
    else if (c >= 0xF0 && c <= 0xF4)
      len = 4;
    else
      return false;
    if (i + len > s.size()) return false;
    for (size_t k = 1; k < len; ++k)
      if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return false;
    i += len;
  }
  return true;
}

bool has_error_word(std::string_view text) {
  const char* p = text.data();
  const char* const end = p + text.size();
  while (p < end) {
    while (p < end && !is_letter(*p)) ++p;
    const char* const w = p;
    while (p < end && is_letter(*p)) ++p;
    const auto len = static_cast<size_t>(p - w);
    if (len < 3) continue;
    // Every error word starts with one of these letters: most words end the check here.
    const char c0 = lower(*w);
    const bool may = c0 == 'e' || c0 == 'f' || c0 == 'p' || c0 == 'r' || c0 == 'd' || c0 == 't';
    if (may && error_word({w, len})) return true;
    // CamelCase names: "NullPointerException", "ValueError".
    const std::string_view word(w, len);
    if ((len > 5 && word.ends_with("Error")) || (len > 9 && word.ends_with("Exception")))
      return true;
  }
  return false;
}

const std::string& error_word_marker() {
  static const std::string marker = [] {
    std::string rx = "(?i:";
    for (size_t i = 0; i < kErrorWords.size(); ++i) (rx += i ? "|" : "") += kErrorWords[i];
    return rx + ")";  // "...Error" and "...Exception" names hold "error" and "exception"
  }();
  return marker;
}

bool is_unmatched_candidate(const formats::Record& r, bool may_have_error_word) {
  switch (r.level) {
    case Level::warning:
    case Level::error:
    case Level::fatal:
      return true;
    case Level::unknown:
      break;
    default:
      return false;
  }
  if (r.kind == SourceKind::event) return r.type == "Warning";
  if (r.kind != SourceKind::log && r.kind != SourceKind::text && r.kind != SourceKind::journal)
    return false;
  if (!may_have_error_word) return false;
  return has_error_word(r.message.substr(0, std::min(r.message.find('\n'), kUnmatchedLineBytes)));
}

std::string_view mined_line(std::string_view message) {
  std::string_view s = message.substr(0, message.find('\n'));
  // klog: "E0604 10:00:00.123456    1 file.go:12] msg" keeps "file.go:12] msg".
  if (s.size() > 15 && std::string_view("IWEF").find(s[0]) != std::string_view::npos &&
      digits_at(s, 1) == 4 && s[5] == ' ' && is_time(s.substr(6, s.find(' ', 6) - 6))) {
    size_t i = s.find(' ', 6);
    while (i < s.size() && s[i] == ' ') ++i;
    const size_t pid = digits_at(s, i);
    if (pid > 0 && i + pid < s.size() && s[i + pid] == ' ') s.remove_prefix(i + pid + 1);
  }
  while (!s.empty() && (is_space(s.front()) || s.front() == '\v')) s.remove_prefix(1);
  if (s.size() > kUnmatchedLineBytes) {
    size_t cut = kUnmatchedLineBytes;
    while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) --cut;
    s = s.substr(0, cut);
  }
  while (!s.empty() && (is_space(s.back()) || s.back() == '\v')) s.remove_suffix(1);
  return s;
}

std::string mask_line(std::string_view line) {
  std::string out;
  mask_into(line, out);
  return out;
}

std::string template_regex(std::string_view template_text) {
  std::string out;
  std::map<std::string_view, int> used;
  bool first = true;
  for (const std::string& tok : tokens_of(template_text)) {
    if (tok.empty()) continue;
    if (!first) out += "\\s+";
    first = false;
    std::string_view rest = valid_utf8(tok) ? std::string_view(tok) : std::string_view("<*>");
    while (!rest.empty()) {
      const Placeholder* hit = nullptr;
      size_t at = std::string_view::npos;
      for (const auto& p : kPlaceholders) {
        const size_t pos = rest.find(p.name);
        if (pos < at) {
          at = pos;
          hit = &p;
        }
      }
      append_literal(out, rest.substr(0, at));
      if (!hit) break;
      out += fmt::format("(?P<{}{}>{})", hit->group, ++used[hit->group], hit->pattern);
      rest.remove_prefix(at + hit->name.size());
    }
  }
  return out;
}

size_t UnmatchedMiner::KeyHash::operator()(std::string_view s) const {
  return static_cast<size_t>(hash64(s));
}

bool UnmatchedMiner::kept(uint64_t hash) const {
  return sample_bits_ == 0 || (hash >> (64 - sample_bits_)) == 0;
}

void UnmatchedMiner::raise_sampling() {
  ++sample_bits_;
  std::erase_if(keys_, [this](const auto& kv) { return !kept(kv.second.hash); });
}

const std::string& UnmatchedMiner::resource_name(const ResourceRef& r) {
  // Records of one file share their resource: name it once.
  const ResourceKey& k = last_resource_;
  if (r.ns == k.ns && r.pod == k.pod && r.node == k.node && r.unit == k.unit) return last_name_;
  last_resource_ = ResourceKey{
      std::string(r.ns), std::string(r.pod), {}, std::string(r.node), std::string(r.unit)};
  // As ResourceKey::display prints the pod-level key a finding is reported on.
  ResourceKey shown;
  if (!r.pod.empty()) {
    shown.ns = r.ns;
    shown.pod = r.pod;
  } else if (!r.unit.empty()) {
    shown.node = r.node;
    shown.unit = r.unit;
  } else {
    shown.node = r.node;
    if (r.node.empty()) shown.ns = r.ns;
  }
  last_name_ = shown.display();
  return last_name_;
}

void UnmatchedMiner::add(const formats::Record& r, FileId file, bool may_have_error_word) {
  if (!is_unmatched_candidate(r, may_have_error_word)) return;
  const std::string_view line = mined_line(r.message);
  if (line.empty()) return;
  scratch_.clear();
  mask_into(line, scratch_);
  const uint64_t h = hash64(scratch_);
  auto it = keys_.find(Hashed{scratch_, h});
  if (it == keys_.end()) {
    // The kept set must not depend on arrival order: sample more only when the keys kept at
    // this level (this one included) exceed the cap.
    while (kept(h) && keys_.size() + 1 > max_keys_ && sample_bits_ < 63) raise_sampling();
    if (!kept(h)) return;
    it = keys_.emplace(scratch_, Stats{}).first;
    it->second.hash = h;
  }
  Stats& s = it->second;
  s.count += r.repeat;
  const Timestamp first = r.first_ts.known() ? r.first_ts : r.ts;
  if (first.known() && (!s.first.known() || first < s.first)) s.first = first;
  if (r.ts.known() && (!s.last.known() || r.ts > s.last)) s.last = r.ts;
  s.weight = std::max(s.weight, r.level == Level::fatal ? 3 : r.level == Level::error ? 2 : 1);
  if (!r.res.empty()) {
    const std::string& name = resource_name(r.res);
    auto pos = std::lower_bound(s.resources.begin(), s.resources.end(), name);
    const bool fresh = pos == s.resources.end() || *pos != name;
    if (fresh && static_cast<size_t>(pos - s.resources.begin()) < kUnmatchedResources) {
      s.resources.insert(pos, name);
      if (s.resources.size() > kUnmatchedResources) s.resources.pop_back();
    }
  }
  if (s.examples.size() >= kUnmatchedExamples) {
    const Example& last = s.examples.back();
    if (std::tie(file, r.line, line) >=
        std::make_tuple(last.file, last.line, std::string_view(last.text)))
      return;
  }
  Example e{file, r.line, std::string(line)};
  auto before = [](const Example& a, const Example& b) {
    return std::tie(a.file, a.line, a.text) < std::tie(b.file, b.line, b.text);
  };
  s.examples.insert(std::lower_bound(s.examples.begin(), s.examples.end(), e, before),
                    std::move(e));
  if (s.examples.size() > kUnmatchedExamples) s.examples.pop_back();
}

void UnmatchedMiner::merge(UnmatchedMiner&& other) {
  while (sample_bits_ < other.sample_bits_) raise_sampling();
  for (auto& [key, st] : other.keys_) {
    if (!kept(st.hash)) continue;
    auto [it, inserted] = keys_.try_emplace(key, std::move(st));
    if (!inserted) absorb(it->second, st);
  }
  while (keys_.size() > max_keys_ && sample_bits_ < 63) raise_sampling();
  other.keys_.clear();
}

Timestamp trouble_start(const std::vector<Finding>& findings) {
  if (findings.empty()) return {};
  if (findings.front().first_seen.known()) return findings.front().first_seen;
  Timestamp t;
  for (const auto& f : findings)
    if (f.first_seen.known() && (!t.known() || f.first_seen < t)) t = f.first_seen;
  return t;
}

std::vector<UnmatchedTemplate> mine_templates(const UnmatchedMiner& miner, const FileTable& files,
                                              Timestamp start) {
  // Drain over the keys in content order, so the grouping never depends on arrival order.
  std::vector<const std::pair<const std::string, Stats>*> keys;
  keys.reserve(miner.stats().size());
  for (const auto& kv : miner.stats()) keys.push_back(&kv);
  std::sort(keys.begin(), keys.end(), [](auto* a, auto* b) { return a->first < b->first; });
  Drain drain;
  for (const auto* kv : keys) drain.add(tokens_of(kv->first), kv->second);

  // Clusters from different leaves can end with the same template: one template each.
  std::map<std::string, Stats> by_text;
  for (auto& c : drain.clusters()) {
    auto [it, inserted] = by_text.try_emplace(join(c.tokens), c.stats);
    if (!inserted) absorb(it->second, c.stats);
  }
  if (!start.known())
    for (const auto& [text, s] : by_text)
      if (s.first.known() && (!start.known() || s.first < start)) start = s.first;

  std::vector<UnmatchedTemplate> out;
  std::set<std::string> ids;
  for (const auto& [text, s] : by_text) {
    UnmatchedTemplate t;
    t.id = fmt::format("u{:08x}", hash64(text) >> 32);
    for (int n = 2; !ids.insert(t.id).second; ++n)
      t.id = fmt::format("u{:08x}-{}", hash64(text) >> 32, n);
    t.text = text;
    t.count = s.count;
    t.first_seen = s.first;
    t.last_seen = s.last;
    t.resources = s.resources;
    for (const auto& e : s.examples)
      t.examples.push_back({files.get(e.file).display, e.line, e.text});
    const double points = 100 * std::log2(1.0 + static_cast<double>(s.count)) +
                          100 * std::log2(1.0 + static_cast<double>(s.resources.size())) +
                          50 * s.weight + 300 * nearness(s.first, start);
    t.score = std::round(points);
    out.push_back(std::move(t));
  }
  std::stable_sort(out.begin(), out.end(), [](const auto& a, const auto& b) {
    return a.score > b.score;  // ties stay in template text order
  });
  if (out.size() > kUnmatchedTemplates) out.resize(kUnmatchedTemplates);
  return out;
}

}  // namespace kdx::analyze
