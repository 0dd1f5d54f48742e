// report/json_writer.h — a small streaming JSON writer with stable output: keys in the order
// written, two-space indentation, strings escaped so the output is valid JSON whatever the
// bytes (invalid UTF-8 bytes become \u00XX). Not thread-safe; one per render.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include <fmt/format.h>

namespace kdx::report {

class JsonWriter {
 public:
  // pretty: two-space indentation, one value per line; compact: no whitespace (one line).
  enum class Layout { pretty, compact };
  explicit JsonWriter(fmt::memory_buffer& out, Layout layout = Layout::pretty)
      : out_(out), compact_(layout == Layout::compact) {}

  JsonWriter& begin_object();
  JsonWriter& end_object();
  JsonWriter& begin_array();
  JsonWriter& end_array();
  JsonWriter& key(std::string_view k);
  JsonWriter& value(std::string_view s);
  JsonWriter& value(const char* s) { return value(std::string_view(s)); }
  JsonWriter& value(int64_t n);
  JsonWriter& value(uint64_t n);
  JsonWriter& value(int n) { return value(static_cast<int64_t>(n)); }
  JsonWriter& value(bool b);
  JsonWriter& null();

 private:
  void before_value();
  void newline();

  fmt::memory_buffer& out_;
  struct Level {
    bool first = true;
  };
  std::vector<Level> stack_;
  bool after_key_ = false;
  bool compact_ = false;
};

// Appends `s` as a JSON string literal (with quotes).
void append_json_string(fmt::memory_buffer& out, std::string_view s);

}  // namespace kdx::report
