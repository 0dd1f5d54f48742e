#include "core/severity.h"

#include <array>

namespace kdx {
namespace {
constexpr std::array<std::string_view, 5> kSeverityNames = {"info", "low", "medium", "high",
                                                            "critical"};
constexpr std::array<std::string_view, 7> kLevelNames = {"unknown", "debug",   "info", "notice",
                                                         "warning", "error",   "fatal"};
constexpr std::array<std::string_view, kSourceKindCount> kSourceNames = {
    "log", "event", "pod_status", "describe", "journal", "text"};
}  // namespace

std::string_view to_string(Severity s) { return kSeverityNames[static_cast<size_t>(s)]; }

std::optional<Severity> parse_severity(std::string_view s) {
  for (size_t i = 0; i < kSeverityNames.size(); ++i)
    if (kSeverityNames[i] == s) return static_cast<Severity>(i);
  return std::nullopt;
}

std::string_view to_string(Level l) { return kLevelNames[static_cast<size_t>(l)]; }

std::string_view to_string(SourceKind k) { return kSourceNames[static_cast<size_t>(k)]; }

std::optional<SourceKind> parse_source_kind(std::string_view s) {
  for (size_t i = 0; i < kSourceNames.size(); ++i)
    if (kSourceNames[i] == s) return static_cast<SourceKind>(i);
  return std::nullopt;
}

}  // namespace kdx
