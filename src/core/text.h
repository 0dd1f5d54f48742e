// core/text.h — small string helpers shared by every stage. Pure; thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace kdx {

std::string_view trim(std::string_view s);
bool starts_with_icase(std::string_view s, std::string_view prefix);
std::vector<std::string_view> split(std::string_view s, char sep);
// Cuts `s` to at most `max` bytes without splitting a UTF-8 sequence; appends "…" if cut.
std::string truncate_utf8(std::string_view s, size_t max);

}  // namespace kdx
