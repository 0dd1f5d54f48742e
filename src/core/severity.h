// core/severity.h — rule severity (how bad), record level (what the log line says), and the
// kind of source a record came from (rules select on it). Plain enums; thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace kdx {

// Ordered: a higher value is more severe.
enum class Severity : uint8_t { info, low, medium, high, critical };

std::string_view to_string(Severity s);
std::optional<Severity> parse_severity(std::string_view s);

// The level a record carries, when its format has one (klog E/W/I, logrus level=, PRIORITY=).
enum class Level : uint8_t { unknown, debug, info, notice, warning, error, fatal };

std::string_view to_string(Level l);

// Where a record came from. Rules select signals by these (`sources: [event, describe]`).
enum class SourceKind : uint8_t {
  log,         // a container's log line (plain, kubectl --timestamps, CRI, docker json-file)
  event,       // a Kubernetes Event (JSON, YAML, table, or a describe Events: row)
  pod_status,  // a container status from pods JSON or describe State/Last State
  describe,    // other lines of `kubectl describe` output (Conditions, Message:, ...)
  journal,     // a journald entry (export, JSON) or a syslog/journalctl text line
  text,        // generic text: a paste, a terminal transcript, anything else
};
inline constexpr int kSourceKindCount = 6;

std::string_view to_string(SourceKind k);
std::optional<SourceKind> parse_source_kind(std::string_view s);

}  // namespace kdx
