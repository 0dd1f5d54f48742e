// formats/k8s_util.h — internal helpers shared by the Kubernetes document splitters (events
// JSON/YAML/table, describe, pods JSON, cluster dump): line bookkeeping, a JSON value scanner,
// involved object -> resource mapping, and the record shapes every format must agree on so one
// rule regex matches events and container states whichever way they were captured.
// Pure functions and per-call values: safe to use from many threads on different batches.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "formats/splitters.h"

namespace kdx::formats::detail {

inline constexpr int kMaxJsonDepth = 64;  // deeper JSON is reported, never parsed

// Line numbers of byte offsets in one text. Cheap when offsets come in increasing order.
class LineCounter {
 public:
  LineCounter(std::string_view text, uint64_t first_line)
      : text_(text), first_line_(first_line), line_(first_line) {}
  uint64_t line_at(size_t offset);

 private:
  std::string_view text_;
  uint64_t first_line_;
  size_t pos_ = 0;
  uint64_t line_;
};

// One physical line: without its '\n' and a trailing '\r'.
struct TextLine {
  std::string_view text;
  size_t offset = 0;  // of text[0] in the split text
  uint64_t line = 0;  // 1-based line number in the file
};
std::vector<TextLine> split_lines(std::string_view bytes, uint64_t first_line);
size_t indent_of(std::string_view line);

// A table header's cells: runs of text separated by two or more blanks ("LAST SEEN" is one),
// which is how kubectl's tabwriter (padding 3) lays columns out.
struct Cell {
  std::string_view text;
  size_t start = 0;
};
std::vector<Cell> header_cells(std::string_view line);
// line[start, end) trimmed; empty past the end of the line.
std::string_view cell_text(std::string_view line, size_t start, size_t end);

// One top-level JSON value found by bracket matching (strings and escapes aware).
struct JsonScan {
  size_t begin = 0, end = 0;     // [begin, end) in the scanned text
  bool complete = false;         // the matching closing bracket was found
  bool mismatch = false;         // ... or a closing bracket of the other kind ended it
  bool open_string = false;      // ... or a string never closed
  size_t too_deep_at = 0;        // offset of the bracket opening level kMaxJsonDepth + 1, or 0
  bool too_deep = false;
  size_t error_at = 0;           // where a parse error without a location is reported
  std::string_view kind;         // the top-level "kind" string (if seen, without escapes)
  size_t last_comma = 0;         // the last comma seen (see open_brackets), or 0
};
// `text[begin]` must be '{' or '['.
JsonScan scan_json_value(std::string_view text, size_t begin);
// Offsets of the brackets still open at `end` in text[begin, end), outermost first. For a
// value cut short, text[begin, last_comma) closed by the brackets open there is the longest
// well-formed prefix; the objects those brackets open are the ones the cut went through.
std::vector<size_t> open_brackets(std::string_view text, size_t begin, size_t end);

// Kubernetes kinds as the API spells them, from kubectl's lower-case object column
// ("persistentvolumeclaim" -> "PersistentVolumeClaim"). Unknown kinds get a capital first letter.
std::string canonical_kind(std::string_view lower_kind);
// "spec.containers{postgres}" -> "postgres"; "" when the path names no container.
std::string_view container_from_field_path(std::string_view field_path);
// The resource an event is about: Pod -> ns/pod(/container), Node -> node, anything else ->
// ns + pod "<Kind>/<name>" (e.g. "PersistentVolumeClaim/data-postgres-0") so findings name it.
ResourceRef object_resource(std::string_view kind, std::string_view ns, std::string_view name,
                            std::string_view field_path, Arena& arena);
Level level_of_event_type(std::string_view type);
// "3m (x14 over 20m)" -> 14; ages without a repeat count -> 1.
uint32_t repeat_from_age(std::string_view age);
uint32_t clamp_repeat(int64_t n);
// `s` with line breaks turned into spaces, so evidence stays one line.
std::string one_line(std::string_view s);
// "Thu, 04 Jun 2026 10:04:41 +0000" (RFC 1123 with numeric zone, as kubectl describe prints).
std::optional<Timestamp> parse_rfc1123z(std::string_view s);

// An event as every events format reads it; views must outlive the batch (input or arena).
struct EventFields {
  uint64_t line = 0;
  std::string_view obj_kind, obj_ns, obj_name, field_path;  // involvedObject / regarding
  std::string_view meta_ns;                                 // metadata.namespace
  std::string_view reason, message, type;
  int64_t count = 0, series_count = 0;                      // 0: absent
  bool has_series = false;
  Timestamp first, last, event_time, series_last, created;
};
// Appends the event record: kind event, text "<ts> <Type> <Reason> <kind>/<name> (xN): <msg>".
void push_event(const EventFields& ev, const SplitInput& in, RecordBatch& batch,
                Problems& problems);

// Container states, shaped the same for pods JSON and describe:
//   container "<c>" waiting: <reason>[: <message>]
//   container "<c>" terminated: <reason> (exit code <n>)[: <message>]
//   container "<c>" last terminated: <reason> (exit code <n>)[: <message>]
// each followed by " (restarts <n>)" when the container restarted.
enum class StateKind : uint8_t { waiting, terminated, last_terminated };
struct ContainerState {
  StateKind kind = StateKind::waiting;
  std::string_view container, reason, message;
  int64_t exit_code = 0;
  int64_t restarts = 0;
};
// Waiting with a reason, terminated other than Completed/exit 0, and any last termination.
bool state_is_interesting(const ContainerState& s);
std::string container_state_message(const ContainerState& s);
// "pod condition <type>: <reason>: <message>" (": <reason>" only when known).
std::string pod_condition_message(std::string_view type, std::string_view reason,
                                  std::string_view message);
// "pod <reason>: <message>" (each part only when known).
std::string pod_reason_message(std::string_view reason, std::string_view message);

// Appends `r`, first cutting a text or message over kMaxRecordBytes (reported as a Problem).
void push_record(Record r, const SplitInput& in, RecordBatch& batch, Problems& problems);

}  // namespace kdx::formats::detail
