// Fuzz target for the whole analysis: the bytes as one input file, run through the pipeline
// with the embedded pattern database, rendered as JSON and as text. The JSON must parse
// (valid UTF-8 included, whatever bytes the input had) and, without colour, the text report
// must be valid UTF-8 with no control character but '\n': a hostile log can neither corrupt
// nor drive the terminal. With Hyperscan, kdx analyze's own matcher (with the miner's markers)
// must give the same JSON whether text chunks are split sparsely (RunOptions::sparse_text) or
// whole, and the same as that matcher on the RE2::Set (which confirms every hit with RE2,
// where Hyperscan trusts its own matches of regexes both engines read alike).
#include <fcntl.h>
#include <fmt/format.h>
#include <simdjson.h>
#include <sys/mman.h>
#include <unistd.h>

#include <memory>
#include <string>

#include "core/assert.h"
#include "fuzz/targets.h"
#include "pipeline/pipeline.h"
#include "report/report.h"

namespace kdx::fuzz {
namespace {

struct Database {
  rules::RuleSet rules;
  std::unique_ptr<match::Matcher> matcher;
  std::unique_ptr<match::Matcher> marked;  // Hyperscan with the markers, when in the build
  std::unique_ptr<match::Matcher> marked_re2;  // the same on the RE2::Set
};

const Database& database() {
  static const Database* db = [] {
    auto* d = new Database;
    auto texts = rules::embedded_rule_texts();
    auto set = rules::load_rules(texts);
    KDX_ASSERT(set.has_value());
    d->rules = std::move(*set);
    auto m = match::Matcher::compile(d->rules);
    KDX_ASSERT(m.has_value());
    d->matcher = std::make_unique<match::Matcher>(std::move(*m));
    if (match::hyperscan_available()) {
      auto hs = pipeline::compile_matcher(d->rules, match::Engine::hyperscan);
      KDX_ASSERT(hs.has_value());
      d->marked = std::make_unique<match::Matcher>(std::move(*hs));
      auto re2 = pipeline::compile_matcher(d->rules, match::Engine::re2_set);
      KDX_ASSERT(re2.has_value());
      d->marked_re2 = std::make_unique<match::Matcher>(std::move(*re2));
    }
    return d;
  }();
  return *db;
}

// Valid UTF-8 with no C1 control (U+0080..U+009F: CSI and friends drive terminals too).
bool valid_utf8_without_c1(std::string_view s) {
  for (size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    const size_t n = c < 0x80                 ? 1
                     : c >= 0xC2 && c <= 0xDF ? 2
                     : c >= 0xE0 && c <= 0xEF ? 3
                     : c >= 0xF0 && c <= 0xF4 ? 4
                                              : 0;
    if (n == 0 || i + n > s.size()) return false;
    for (size_t k = 1; k < n; ++k)
      if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return false;
    if (c == 0xC2 && static_cast<unsigned char>(s[i + 1]) <= 0x9F) return false;
    i += n;
  }
  return true;
}

}  // namespace

void fuzz_analyze(std::span<const uint8_t> data) {
  const Database& db = database();
  const int fd = memfd_create("kdx-fuzz", MFD_CLOEXEC);
  KDX_ASSERT(fd >= 0);
  size_t off = 0;
  while (off < data.size()) {
    const ssize_t n = ::write(fd, data.data() + off, data.size() - off);
    KDX_ASSERT(n > 0);
    off += static_cast<size_t>(n);
  }
  pipeline::RunOptions opts;
  opts.jobs = 1;
  opts.limits.max_total_bytes = 4u << 20;
  opts.chunker.chunk_bytes = 4096;  // several chunks per input: the cuts are exercised too
  const std::string path = fmt::format("/proc/self/fd/{}", fd);
  analyze::Analysis a = pipeline::analyze_inputs({path}, *db.matcher, opts);
  if (db.marked) {
    std::string json_of[3];  // Hyperscan whole, Hyperscan sparse, RE2::Set
    for (int run = 0; run < 3; ++run) {
      opts.sparse_text = run == 1;
      fmt::memory_buffer b;
      const match::Matcher& m = run < 2 ? *db.marked : *db.marked_re2;
      report::render_json(pipeline::analyze_inputs({path}, m, opts), {}, b);
      json_of[run] = fmt::to_string(b);
    }
    KDX_ASSERT(json_of[0] == json_of[1]);
    KDX_ASSERT(json_of[0] == json_of[2]);
  }
  ::close(fd);

  report::ReportCtx ctx;
  ctx.kdx_version = "fuzz";
  fmt::memory_buffer json;
  report::render_json(a, ctx, json);
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  KDX_ASSERT(parser.parse(json.data(), json.size()).get(root) == simdjson::SUCCESS);

  fmt::memory_buffer text;
  report::render_text(a, ctx, text);
  const std::string_view t(text.data(), text.size());
  for (char c : t) {
    const auto u = static_cast<unsigned char>(c);
    KDX_ASSERT(u == '\n' || (u >= 0x20 && u != 0x7F));
  }
  KDX_ASSERT(valid_utf8_without_c1(t));
}

}  // namespace kdx::fuzz
