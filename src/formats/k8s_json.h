// formats/k8s_json.h — internal: simdjson On-Demand access shared by events_json.cc and
// pods_json.cc. A JsonReader walks the top-level JSON values of one SplitInput (in place when
// the input is padded, else in one padded copy), maps string values back to views of the input
// (copying into the batch arena only to unescape), and turns bad input into Problems that name
// the line: invalid JSON, nesting deeper than kMaxJsonDepth, fields of the wrong type. A value
// cut short (a truncated file) still yields what came before the cut.
// One reader per split call; not thread-safe. Views it returns live as long as the batch.
#pragma once

#include <cstdint>
#include <functional>
#include <string_view>
#include <vector>

#include <simdjson.h>

#include "formats/k8s_util.h"

namespace kdx::formats::detail {

namespace od = simdjson::ondemand;

// Names the object a field belongs to in problems: "event 3: field 'count' is not a number".
struct JsonItem {
  std::string_view noun;  // "event", "pod"
  size_t index = 1;       // 1-based position in its list (1 for a lone object)
  uint64_t line = 0;      // where the object starts
};

class JsonReader {
 public:
  JsonReader(const SplitInput& in, RecordBatch& batch, Problems& problems);
  JsonReader(const JsonReader&) = delete;
  JsonReader& operator=(const JsonReader&) = delete;

  // Calls visit(root, line) for each top-level object or array. visit returns false once the
  // document turned out broken (already reported); the reader then goes on with the next one.
  void for_each_document(const std::function<bool(od::value root, uint64_t line)>& visit);

  // Iterates an object's fields / an array's elements; false when the document is broken.
  template <class Fn>
  bool fields(od::object obj, Fn&& fn) {
    for (auto field : obj) {
      std::string_view key;
      if (auto e = field.unescaped_key().get(key)) return fail(e);
      od::value v;
      if (auto e = field.value().get(v)) return fail(e);
      if (!fn(key, v)) return false;
    }
    return !broken_;
  }
  template <class Fn>
  bool elements(od::array arr, Fn&& fn) {
    for (auto element : arr) {
      od::value v;
      if (auto e = element.get(v)) return fail(e);
      if (!fn(v)) return false;
    }
    return !broken_;
  }

  // Typed reads. null leaves `out` alone; a wrong type is reported against `item` and leaves
  // `out` alone too. Each returns false only when the document is broken.
  bool string(od::value v, const JsonItem& item, std::string_view field, std::string_view& out);
  bool integer(od::value v, const JsonItem& item, std::string_view field, int64_t& out);
  bool timestamp(od::value v, const JsonItem& item, std::string_view field, Timestamp& out);
  // `found` tells whether `out` holds an object/array (false for null or a wrong type).
  bool object(od::value v, const JsonItem& item, std::string_view field, od::object& out,
              bool& found);
  bool array(od::value v, const JsonItem& item, std::string_view field, od::array& out,
             bool& found);
  // The type of a value, or nullopt when the document is broken.
  std::optional<od::json_type> type_of(od::value v);

  uint64_t line_of(od::value v);
  // False for an object or array that a cut (a value cut short) went through: its closing
  // bracket was made up, so its fields are partial and it is not reported.
  bool whole(od::value v);
  // Reports a parse error at the parser's position; false, for `return fail(e)`.
  bool fail(simdjson::error_code e);

 private:
  void parse_value(const JsonScan& scan, const std::function<bool(od::value, uint64_t)>& visit);
  void parse_cut_short(const JsonScan& scan,
                       const std::function<bool(od::value, uint64_t)>& visit);
  void run(const char* buf, size_t len, size_t capacity, size_t begin,
           const std::function<bool(od::value, uint64_t)>& visit);
  void wrong_type(const JsonItem& item, std::string_view field, std::string_view expected);
  size_t offset_of(const char* p) const { return static_cast<size_t>(p - cur_buf_) + cur_begin_; }

  const SplitInput& in_;
  RecordBatch& batch_;
  Problems& problems_;
  LineCounter lines_;
  od::parser parser_;
  simdjson::padded_string copy_;  // the input, when it is not padded itself
  const char* base_ = nullptr;    // maps to in.bytes[0]
  size_t capacity_ = 0;           // readable bytes from base_
  od::document* doc_ = nullptr;   // the document being visited
  const char* cur_buf_ = nullptr;  // its buffer, which maps to in.bytes[cur_begin_]
  size_t cur_begin_ = 0;
  size_t cur_error_at_ = 0;       // where to report an error the parser cannot place
  bool broken_ = false;
  std::vector<size_t> cut_open_;  // offsets of the brackets a cut closed, while parsing a prefix
};

}  // namespace kdx::formats::detail
