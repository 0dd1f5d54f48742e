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

// Walks a Kubernetes JSON document: one object, an array of objects, or list objects whose
// "items" hold more (at any depth). Each object's fields go to `field`, except "kind" and a
// list's "items", which the walker handles; `done` then sees every whole object with its
// kind. Objects a cut went through (see JsonReader::whole) are not handed to `done`.
template <class Obj>
class ObjectWalker {
 public:
  using FieldFn = std::function<bool(std::string_view key, od::value v, const JsonItem& item, Obj&)>;
  using DoneFn = std::function<void(Obj&, std::string_view kind, const JsonItem& item)>;

  ObjectWalker(JsonReader& reader, std::string_view noun, FieldFn field, DoneFn done)
      : r_(reader), noun_(noun), field_(std::move(field)), done_(std::move(done)) {}

  bool document(od::value root, uint64_t line) {
    const auto type = r_.type_of(root);
    if (!type) return false;
    if (*type == od::json_type::object) return object(root, {noun_, 1, line}, true);
    od::array arr;
    if (auto e = root.get_array().get(arr)) return r_.fail(e);
    return each(arr);
  }

 private:
  bool each(od::array arr) {
    size_t index = 0;
    return r_.elements(arr, [&](od::value v) { return object(v, {noun_, ++index, r_.line_of(v)}, false); });
  }

  // `top` also accepts a list's "items"; non-objects are skipped.
  bool object(od::value v, const JsonItem& item, bool top) {
    const auto type = r_.type_of(v);
    if (!type) return false;
    if (*type != od::json_type::object) return true;
    // A list cut short is still read for its items; an item the cut went through is not.
    const bool whole = r_.whole(v);
    if (!whole && !top) return true;
    od::object obj;
    if (auto e = v.get_object().get(obj)) return r_.fail(e);
    Obj state{};
    std::string_view kind;
    const bool ok = r_.fields(obj, [&](std::string_view key, od::value val) {
      if (key == "kind") return r_.string(val, item, key, kind);
      if (key == "items" && top) return items(val, item);
      return field_(key, val, item, state);
    });
    if (!ok) return false;
    if (whole) done_(state, kind, item);
    return true;
  }

  bool items(od::value v, const JsonItem& item) {
    od::array arr;
    bool found = false;
    if (!r_.array(v, item, "items", arr, found)) return false;
    return !found || each(arr);
  }

  JsonReader& r_;
  std::string_view noun_;
  FieldFn field_;
  DoneFn done_;
};

}  // namespace kdx::formats::detail
