#include "formats/k8s_json.h"

#include <algorithm>
#include <cctype>

#include <fmt/format.h>

namespace kdx::formats::detail {
namespace {

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

// The start of the next line whose first non-blank byte can open a JSON document.
size_t next_document_line(std::string_view text, size_t pos) {
  while (true) {
    const size_t nl = text.find('\n', pos);
    if (nl == std::string_view::npos) return text.size();
    pos = nl + 1;
    size_t i = pos;
    while (i < text.size() && (text[i] == ' ' || text[i] == '\t')) ++i;
    if (i < text.size() && (text[i] == '{' || text[i] == '[')) return pos;
  }
}

std::string describe_byte(char c) {
  const auto u = static_cast<unsigned char>(c);
  return std::isprint(u) ? fmt::format("'{}'", c) : fmt::format("byte 0x{:02x}", u);
}

}  // namespace

JsonReader::JsonReader(const SplitInput& in, RecordBatch& batch, Problems& problems)
    : in_(in), batch_(batch), problems_(problems), lines_(in.bytes, in.first_line) {
  if (in.padded) {
    base_ = in.bytes.data();
    capacity_ = in.bytes.size() + kChunkPadding;
  } else {
    copy_ = simdjson::padded_string(in.bytes);
    base_ = copy_.data();
    capacity_ = copy_.size() + simdjson::SIMDJSON_PADDING;
  }
}

void JsonReader::for_each_document(const std::function<bool(od::value, uint64_t)>& visit) {
  const std::string_view text = in_.bytes;
  size_t pos = text.starts_with("\xEF\xBB\xBF") ? 3 : 0;  // a UTF-8 byte order mark
  while (true) {
    while (pos < text.size() && is_space(text[pos])) ++pos;
    if (pos >= text.size()) return;
    if (text[pos] != '{' && text[pos] != '[') {
      problems_.push_back({where(in_, lines_.line_at(pos)),
                           fmt::format("invalid JSON: expected '{{' or '[', found {}",
                                       describe_byte(text[pos]))});
      pos = next_document_line(text, pos);
      continue;
    }
    const JsonScan scan = scan_json_value(text, pos);
    if (scan.too_deep) {
      problems_.push_back({where(in_, lines_.line_at(scan.too_deep_at)),
                           fmt::format("invalid JSON: nesting deeper than {} levels",
                                       kMaxJsonDepth)});
    } else if (scan.complete) {
      parse_value(scan, visit);
    } else {
      parse_cut_short(scan, visit);
    }
    pos = scan.end;
  }
}

void JsonReader::parse_value(const JsonScan& scan,
                             const std::function<bool(od::value, uint64_t)>& visit) {
  cur_error_at_ = scan.error_at;
  run(base_ + scan.begin, scan.end - scan.begin, capacity_ - scan.begin, scan.begin, visit);
}

// A value that never closes (a truncated file) or closes with the wrong bracket: report it,
// then parse the longest prefix that ends at a comma, closed, so what came before is kept.
void JsonReader::parse_cut_short(const JsonScan& scan,
                                 const std::function<bool(od::value, uint64_t)>& visit) {
  const std::string_view text = in_.bytes;
  const simdjson::error_code code = scan.mismatch      ? simdjson::TAPE_ERROR
                                    : scan.open_string ? simdjson::UNCLOSED_STRING
                                                       : simdjson::INCOMPLETE_ARRAY_OR_OBJECT;
  problems_.push_back({where(in_, lines_.line_at(scan.error_at)),
                       fmt::format("invalid JSON: {}", simdjson::error_message(code))});
  if (scan.last_comma <= scan.begin) return;
  cut_open_ = open_brackets(text, scan.begin, scan.last_comma);
  std::string repaired(text.substr(scan.begin, scan.last_comma - scan.begin));
  for (auto it = cut_open_.rbegin(); it != cut_open_.rend(); ++it)
    repaired.push_back(text[*it] == '{' ? '}' : ']');
  const simdjson::padded_string padded(repaired);
  cur_error_at_ = scan.begin;
  run(padded.data(), padded.size(), padded.size() + simdjson::SIMDJSON_PADDING, scan.begin, visit);
  cut_open_.clear();
}

void JsonReader::run(const char* buf, size_t len, size_t capacity, size_t begin,
                     const std::function<bool(od::value, uint64_t)>& visit) {
  cur_buf_ = buf;
  cur_begin_ = begin;
  broken_ = false;
  doc_ = nullptr;
  od::document doc;
  if (auto e = parser_.iterate(buf, len, capacity).get(doc)) {
    fail(e);
    return;
  }
  doc_ = &doc;
  od::value root;
  if (auto e = doc.get_value().get(root)) {
    fail(e);
  } else {
    visit(root, lines_.line_at(begin));
  }
  doc_ = nullptr;
}

bool JsonReader::fail(simdjson::error_code e) {
  if (broken_) return false;
  broken_ = true;
  size_t at = cur_error_at_;
  const char* p = nullptr;
  if (doc_ && !doc_->current_location().get(p) && p >= cur_buf_) at = offset_of(p);
  problems_.push_back({where(in_, lines_.line_at(at)),
                       fmt::format("invalid JSON: {}", simdjson::error_message(e))});
  return false;
}

void JsonReader::wrong_type(const JsonItem& item, std::string_view field,
                            std::string_view expected) {
  problems_.push_back({where(in_, item.line), fmt::format("{} {}: field '{}' is not {}",
                                                          item.noun, item.index, field, expected)});
}

std::optional<od::json_type> JsonReader::type_of(od::value v) {
  od::json_type t;
  if (auto e = v.type().get(t)) {
    fail(e);
    return std::nullopt;
  }
  return t;
}

bool JsonReader::whole(od::value v) {
  const size_t at = offset_of(v.raw_json_token().data());
  return std::find(cut_open_.begin(), cut_open_.end(), at) == cut_open_.end();
}

uint64_t JsonReader::line_of(od::value v) {
  return lines_.line_at(offset_of(v.raw_json_token().data()));
}

bool JsonReader::string(od::value v, const JsonItem& item, std::string_view field,
                        std::string_view& out) {
  const auto t = type_of(v);
  if (!t) return false;
  if (*t == od::json_type::null) return true;
  if (*t != od::json_type::string) {
    wrong_type(item, field, "a string");
    return true;
  }
  // Most strings have no escapes: view them in the input instead of copying.
  const std::string_view raw = v.raw_json_token();
  const std::string_view body = raw.substr(1, raw.rfind('"') - 1);
  if (body.find('\\') == std::string_view::npos) {
    out = in_.bytes.substr(offset_of(body.data()), body.size());
    return true;
  }
  std::string_view unescaped;
  if (auto e = v.get_string().get(unescaped)) return fail(e);
  out = batch_.arena.keep(unescaped);
  return true;
}

bool JsonReader::integer(od::value v, const JsonItem& item, std::string_view field,
                         int64_t& out) {
  const auto t = type_of(v);
  if (!t) return false;
  if (*t == od::json_type::null) return true;
  if (*t != od::json_type::number) {
    wrong_type(item, field, "a number");
    return true;
  }
  const std::string_view raw = v.raw_json_token();
  if (raw.find_first_of(".eE") == std::string_view::npos) {
    if (auto e = v.get_int64().get(out)) return fail(e);
    return true;
  }
  double d = 0;
  if (auto e = v.get_double().get(d)) return fail(e);
  out = d >= 9.2e18 ? INT64_MAX : d <= -9.2e18 ? INT64_MIN : static_cast<int64_t>(d);
  return true;
}

bool JsonReader::timestamp(od::value v, const JsonItem& item, std::string_view field,
                           Timestamp& out) {
  const auto t = type_of(v);
  if (!t) return false;
  if (*t == od::json_type::null) return true;
  std::string_view s;
  if (*t == od::json_type::string) {
    if (!string(v, item, field, s)) return false;
    if (s.empty()) return true;  // "" is how some clients spell "never"
    if (auto ts = parse_rfc3339(s)) {
      out = *ts;
      return true;
    }
  }
  wrong_type(item, field, "a timestamp");
  return true;
}

bool JsonReader::object(od::value v, const JsonItem& item, std::string_view field,
                        od::object& out, bool& found) {
  found = false;
  const auto t = type_of(v);
  if (!t) return false;
  if (*t == od::json_type::null) return true;
  if (*t != od::json_type::object) {
    wrong_type(item, field, "an object");
    return true;
  }
  if (auto e = v.get_object().get(out)) return fail(e);
  found = true;
  return true;
}

bool JsonReader::array(od::value v, const JsonItem& item, std::string_view field, od::array& out,
                       bool& found) {
  found = false;
  const auto t = type_of(v);
  if (!t) return false;
  if (*t == od::json_type::null) return true;
  if (*t != od::json_type::array) {
    wrong_type(item, field, "an array");
    return true;
  }
  if (auto e = v.get_array().get(out)) return fail(e);
  found = true;
  return true;
}

}  // namespace kdx::formats::detail
