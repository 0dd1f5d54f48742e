// report::redact: masks addresses and secrets in the text a report prints, consistently, so a
// redacted report can be pasted into a ticket and still reads ("<ip-1> refused" twice means the
// same host). Detectors are RE2 patterns plus checks RE2 cannot express (no look-around): octet
// ranges, what may stand around an address, IPv6 validity (inet_pton). At each position the
// leftmost hit wins, ties going to the more specific detector (a URL's password before the
// e-mail-like "pass@host" inside it). Masks are numbered in the order redact() visits text.
#include <arpa/inet.h>
#include <re2/re2.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <map>
#include <memory>
#include <optional>

#include "core/assert.h"
#include "report/report.h"

namespace kdx::report {
namespace {

enum class Mask { ip, email, token, password, key };
constexpr std::array<std::string_view, 5> kMaskNames = {"ip", "email", "token", "password", "key"};

// Detectors, most specific first (the order breaks ties between hits at the same position).
enum class Det { url_password, bearer, jwt, json_pair, pair, env, cloud_key, email, ipv6, ipv4 };
constexpr int kDetectors = 10;

// The names of keys whose value is a secret: "password=", "db_password=", "K3S_TOKEN=", ...
constexpr std::string_view kSecretKey =
    "[A-Za-z0-9_.-]*(?:password|passwd|passphrase|secret|token|api[_-]?key|access[_-]?key|"
    "secret[_-]?key|private[_-]?key)";

std::array<std::string, kDetectors> patterns() {
  const std::string key(kSecretKey);
  return {
      // scheme://user:password@host
      R"re(\b[A-Za-z][A-Za-z0-9+.\-]*://[^\s:/@]*:([^\s@/]+)@)re",
      // Authorization: Bearer x / Basic x (the header makes a short value a token too)
      R"re((?i)(authorization\s*[:=]\s*)?\b(?:bearer|basic)\s+([A-Za-z0-9\-._~+/]+=*))re",
      R"re(\beyJ[A-Za-z0-9_\-]{4,}\.eyJ[A-Za-z0-9_\-]{4,}\.[A-Za-z0-9_\-]*)re",
      // "password": "x", also inside an escaped JSON string (\"password\":\"x\")
      R"re((?i)\\?"()re" + key + R"re()\\?"\s*:\s*\\?"([^"\\]+))re",
      // password=x, token='x', secret="x"
      R"re((?i)()re" + key + R"re()\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'&,;<][^\s"'&,;]*)))re",
      // POSTGRES_PASSWORD:  x (environment listings in kubectl describe)
      R"re(\b([A-Z0-9_]*(?:PASSWORD|PASSWD|SECRET|TOKEN)[A-Z0-9_]*):[ \t]+([^\s<]\S*))re",
      R"re(\b(?:(?:AKIA|ASIA|AGPA|AIDA|AROA|AIPA|ANPA|ANVA|ABIA|ACCA)[A-Z0-9]{16}|)re"
      R"re(AIza[0-9A-Za-z_\-]{35}|(?:ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9]{36,255}|)re"
      R"re(github_pat_[A-Za-z0-9_]{22,255}|xox[bpars]-[A-Za-z0-9\-]{10,}))re",
      R"re(\b[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}\b)re",
      R"re([0-9A-Fa-f]{0,4}(?::[0-9A-Fa-f]{0,4}){2,7}(?:\.[0-9]{1,3}){0,3})re",
      R"re(\b[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}\b)re",
  };
}

struct Hit {
  size_t begin = 0, end = 0;          // the whole match: the scan resumes at end
  size_t secret = 0, secret_end = 0;  // the part replaced by the mask
  Mask kind = Mask::token;
};

bool word_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }
bool digit(char c) { return c >= '0' && c <= '9'; }

// A dotted quad must stand alone: not part of a longer dotted run ("v1.2.3.4", "1.2.3.4.5"),
// though a "." ending a sentence and a ":port" are fine.
bool ipv4_stands_alone(std::string_view s, size_t b, size_t e) {
  if (b > 0 && (word_char(s[b - 1]) || s[b - 1] == '.')) return false;
  if (e < s.size() && word_char(s[e])) return false;
  return !(e + 1 < s.size() && s[e] == '.' && digit(s[e + 1]));
}

bool valid_ipv4(std::string_view ip) {
  int octet = 0, digits = 0;
  for (size_t i = 0; i <= ip.size(); ++i) {
    if (i == ip.size() || ip[i] == '.') {
      if (digits == 0 || octet > 255) return false;
      octet = digits = 0;
      continue;
    }
    if (digits == 1 && octet == 0) return false;  // a leading zero: not an address ("01")
    octet = octet * 10 + (ip[i] - '0');
    ++digits;
  }
  return true;
}

bool valid_ipv6(std::string_view ip) {
  if (ip.size() > 45) return false;
  const std::string z(ip);
  in6_addr addr;
  return inet_pton(AF_INET6, z.c_str(), &addr) == 1;
}

// Addresses that identify no one keep their meaning ("refused on 127.0.0.1:6443").
bool kept_address(std::string_view ip) {
  return ip == "127.0.0.1" || ip == "0.0.0.0" || ip == "::1" || ip == "::";
}

// A Bearer/Basic word in prose ("invalid bearer token") is no credential: without the
// Authorization header a value counts only if it looks generated (long or with digits).
bool looks_like_credential(std::string_view v) {
  if (v.size() >= 16) return true;
  return std::any_of(v.begin(), v.end(), [](char c) { return digit(c); }) && v.size() >= 6;
}

Mask key_kind(std::string_view key) {
  std::string k(key);
  for (char& c : k) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (k.ends_with("key")) return Mask::key;
  if (k.find("pass") != std::string::npos || k.ends_with("secret")) return Mask::password;
  return Mask::token;
}

class Redactor {
 public:
  Redactor() {
    const auto p = patterns();
    for (int d = 0; d < kDetectors; ++d) {
      re_[d] = std::make_unique<RE2>(p[d], RE2::Quiet);
      KDX_ASSERT(re_[d]->ok());  // the patterns are constants: a failure is a kdx bug
    }
  }

  // Masks every hit in `s`, leftmost first.
  void apply(std::string& s) {
    std::string out;
    size_t pos = 0, copied = 0;
    while (pos < s.size()) {
      std::optional<Hit> best;
      for (int d = 0; d < kDetectors; ++d) {
        auto h = find(static_cast<Det>(d), s, pos);
        if (h && (!best || h->begin < best->begin)) best = h;
      }
      if (!best) break;
      out.append(s, copied, best->secret - copied);
      out += mask(s.substr(best->secret, best->secret_end - best->secret), best->kind);
      copied = best->secret_end;
      pos = std::max({best->end, best->secret_end, pos + 1});
    }
    if (copied == 0) return;
    out.append(s, copied);
    s = std::move(out);
  }

  // A captured value that is exactly a secret already seen gets its mask ("{password}").
  void apply_capture(std::string& v) {
    if (auto it = masks_.find(v); it != masks_.end()) {
      v = it->second;
      return;
    }
    apply(v);
  }

 private:
  std::optional<Hit> find(Det d, std::string_view s, size_t pos) const {
    const RE2& re = *re_[static_cast<int>(d)];
    re2::StringPiece m[5];
    const int groups = std::min(5, re.NumberOfCapturingGroups() + 1);
    while (pos <= s.size() && re.Match(s, pos, s.size(), RE2::UNANCHORED, m, groups)) {
      const size_t b = m[0].data() - s.data(), e = b + m[0].size();
      if (auto h = check(d, s, b, e, m)) return h;
      pos = b + 1;
    }
    return std::nullopt;
  }

  // The detector-specific checks, and where the secret is inside the match.
  std::optional<Hit> check(Det d, std::string_view s, size_t b, size_t e,
                           const re2::StringPiece* m) const {
    auto at = [&](const re2::StringPiece& g, Mask k) -> std::optional<Hit> {
      if (g.data() == nullptr || g.empty()) return std::nullopt;
      const size_t gb = g.data() - s.data();
      return Hit{b, e, gb, gb + g.size(), k};
    };
    switch (d) {
      case Det::url_password:
        return at(m[1], Mask::password);
      case Det::bearer:
        if (m[1].empty() && !looks_like_credential(m[2])) return std::nullopt;
        return at(m[2], Mask::token);
      case Det::jwt:
        return Hit{b, e, b, e, Mask::token};
      case Det::json_pair:
        return at(m[2], key_kind(m[1]));
      case Det::pair:
        for (int g = 2; g <= 4; ++g)
          if (m[g].data() != nullptr) return at(m[g], key_kind(m[1]));
        return std::nullopt;
      case Det::env:
        return at(m[2], key_kind(m[1]));
      case Det::cloud_key:
        if (e < s.size() && word_char(s[e])) return std::nullopt;
        return Hit{b, e, b, e, Mask::key};
      case Det::email:
        return Hit{b, e, b, e, Mask::email};
      case Det::ipv6:
        return check_ipv6(s, b, e);
      case Det::ipv4: {
        const std::string_view ip = s.substr(b, e - b);
        if (!valid_ipv4(ip) || kept_address(ip) || !ipv4_stands_alone(s, b, e)) return std::nullopt;
        return Hit{b, e, b, e, Mask::ip};
      }
    }
    return std::nullopt;
  }

  // RFC 4291/5952 shapes: at least two colons and hex groups, valid as a whole (so times like
  // "10:00:00" and MAC addresses are not addresses). The regex is greedy, so a candidate that
  // stops at a letter, a digit group after '.', or a ':' (eight groups and more) is part of
  // something longer. A colon that ends a sentence ("fe80::1: no route") is dropped.
  static std::optional<Hit> check_ipv6(std::string_view s, size_t b, size_t e) {
    if (b > 0 && (word_char(s[b - 1]) || s[b - 1] == ':' || s[b - 1] == '.')) return std::nullopt;
    if (e < s.size() && (word_char(s[e]) || s[e] == ':')) return std::nullopt;
    if (e + 1 < s.size() && s[e] == '.' && digit(s[e + 1])) return std::nullopt;
    while (e > b + 2 && s[e - 1] == ':' && s[e - 2] != ':') --e;
    const std::string_view ip = s.substr(b, e - b);
    if (std::count(ip.begin(), ip.end(), ':') < 2 || !valid_ipv6(ip) || kept_address(ip))
      return std::nullopt;
    return Hit{b, e, b, e, Mask::ip};
  }

  const std::string& mask(const std::string& value, Mask kind) {
    auto it = masks_.find(value);
    if (it == masks_.end()) {
      const int n = ++counts_[static_cast<int>(kind)];
      it = masks_.emplace(value, fmt::format("<{}-{}>", kMaskNames[static_cast<int>(kind)], n))
               .first;
    }
    return it->second;
  }

  std::array<std::unique_ptr<RE2>, kDetectors> re_;
  std::map<std::string, std::string> masks_;  // value -> mask, for the whole report
  std::array<int, 5> counts_{};
};

}  // namespace

void redact(analyze::Analysis& a) {
  Redactor r;
  for (auto& f : a.findings) {  // in rank order, as every report prints them
    for (auto& e : f.evidence) r.apply(e.text);
    for (auto& [name, value] : f.captures) r.apply_capture(value);
    r.apply(f.fix);
  }
  for (auto& u : a.unmatched) {
    r.apply(u.text);
    for (auto& e : u.examples) r.apply(e.text);
  }
  for (auto& p : a.problems) r.apply(p.message);
}

}  // namespace kdx::report
