// formats/formats.h — from bytes to records.
// Takes: a file's first bytes (to detect its format) and Chunks of its bytes cut at record
// boundaries. Gives: Records (message, time, level, resource, location) in a RecordBatch.
// Knows nothing about archives or rules. Every function here is pure or works only on the
// objects passed in: safe to call from many threads at once on different batches.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/arena.h"
#include "core/file_table.h"
#include "core/problem.h"
#include "core/resource.h"
#include "core/severity.h"
#include "core/time.h"

namespace kdx::formats {

enum class FormatId : uint8_t {
  text,             // generic text: every line a record (indented continuations joined)
  kubectl_ts,       // `kubectl logs --timestamps`: RFC 3339 timestamp, space, message
  cri,              // containerd/CRI-O: "<ts> stdout|stderr P|F <msg>", P partials joined
  docker_json,      // docker json-file: {"log":"...\n","stream":"stderr","time":"..."} per line
  events_json,      // `kubectl get events -o json` (v1 EventList, events.k8s.io/v1), one Event
  events_yaml,      // `kubectl get events -o yaml`
  events_table,     // `kubectl get events [-A] [-o wide]`
  describe,         // `kubectl describe pod/node/pvc/deploy ...`
  pods_json,        // `kubectl get pods -o json` (PodList or one Pod): container statuses
  journald_export,  // `journalctl -o export`
  journald_json,    // `journalctl -o json`
  syslog,           // journalctl short/short-iso/short-precise, /var/log/syslog, messages
  cluster_dump,     // `kubectl cluster-info dump` to stdout: JSON objects + ==== log blocks
  binary,           // not text: skipped, reported as a problem
};
inline constexpr int kFormatCount = 14;

std::string_view format_name(FormatId f);

struct Detection {
  FormatId format = FormatId::text;
  int confidence = 0;    // 0..100
  std::string_view why;  // a static string: what in the content decided it
};

// Detects a file's format from its first bytes (at most 64 KiB are looked at). The path is a
// tie-breaker only (".json" does not make a file JSON).
Detection detect(std::string_view path, std::string_view head);

// Line formats may be cut into many chunks at line boundaries; the others (JSON and YAML
// documents, events tables (rows need their header), describe, journald export, cluster dump)
// are one chunk per file.
bool splits_by_line(FormatId f);

// For line formats: the largest n such that buf[0, n) ends with '\n' and a new record starts at
// buf[n] — a stack trace or a CRI P run never straddles two chunks. 0 if there is no such cut.
size_t safe_cut(FormatId f, std::string_view buf);

inline constexpr size_t kMaxRecordBytes = 1 << 20;  // longer records are cut and reported
inline constexpr size_t kChunkPadding = 64;          // bytes.capacity() >= size() + padding

// A contiguous piece of one file, cut at record boundaries by the serial chunker.
struct Chunk {
  const FileInfo* file = nullptr;  // stable for the whole run
  FormatId format = FormatId::text;
  uint64_t first_line = 1;         // line number of bytes[0], 1-based
  std::string bytes;               // owned; capacity() >= size() + kChunkPadding (simdjson)
};

// What split() left for complete_meta() (SplitMeta::when_needed).
enum class DeferredMeta : uint8_t {
  none,                // ts and level are final
  level_of_message,    // level = parse_line_meta(message).level
  meta_of_first_line,  // ts and level = parse_line_meta(first line of text)
};

// One log line, event, status or journal entry. Views borrow from the Chunk or from the
// batch's arena: valid until the batch is cleared or the chunk freed.
struct Record {
  std::string_view text;     // as printed, for evidence (one line; joined lines for partials)
  std::string_view message;  // the payload rules match: no timestamp/stream/level prefixes
  Timestamp ts;              // when; for events the last time seen; unknown if none
  Timestamp first_ts;        // first time seen (events with count/series); else == ts
  uint32_t repeat = 1;       // occurrences this record stands for (event count, series)
  Level level = Level::unknown;
  SourceKind kind = SourceKind::text;
  ResourceRef res;           // from the record (involvedObject, _SYSTEMD_UNIT) or the file
  std::string_view reason;   // event reason, or a container status reason (CrashLoopBackOff)
  std::string_view type;     // event type: "Warning", "Normal"; empty for others
  uint64_t line = 0;         // 1-based line in the file where the record starts
  DeferredMeta deferred = DeferredMeta::none;
};

struct RecordBatch {
  const Chunk* chunk = nullptr;
  std::vector<Record> records;
  Arena arena;
  uint64_t left_out = 0;  // records split() found but did not keep (see split()'s `hot`)

  void clear() {
    chunk = nullptr;
    records.clear();
    arena.clear();
    left_out = 0;
  }
};

// When split() reads the time and level a log line states about itself (parse_line_meta).
enum class SplitMeta : uint8_t {
  now,          // every record complete
  when_needed,  // text, CRI, kubectl --timestamps and docker records leave it to
                // complete_meta(): a caller that needs it for few records (the pipeline: those
                // a rule hit or warning_level_marker() marked) skips it for the rest
};

// Splits one chunk into records (appended to batch.records; batch.chunk is set). Bad input
// (invalid JSON, a record over kMaxRecordBytes, binary junk) becomes a Problem naming
// "<file display>:<line>" and splitting goes on with the rest.
//
// With `hot` (only for a chunk text_scannable() accepts, with SplitMeta::when_needed): the
// sorted offsets, into chunk.bytes, of the last byte of every match a scanner found in the
// chunk. Then only the records holding one (a record holds its lines and their newlines) are
// kept, with those whose time and level are read at once or that are cut (a caller may want
// them whatever they say); batch.left_out counts the others. The records kept are exactly as
// without `hot`.
void split(const Chunk& chunk, RecordBatch& batch, Problems& problems,
           SplitMeta meta = SplitMeta::now, const std::vector<uint32_t>* hot = nullptr);

// The bytes of a text chunk less a leading byte-order mark, for a scan of the whole chunk;
// empty for chunks of other formats. A record's message is its lines as they stand there,
// unless it holds a carriage return (not part of a message at a line's end) or a byte past
// ASCII (a frame is cut off; a matcher reads such bytes otherwise): their offsets (into
// chunk.bytes, ascending) are appended to `special`. So a regex's match in any other message
// is a match at the same place in these bytes, with the same neighbours (a newline or the
// edge): the ends of a whole-chunk scan, with `special`, are a split()'s `hot` that keeps
// every record a scan of the messages would find.
std::string_view text_scannable(const Chunk& chunk, std::vector<uint32_t>& special);

// Reads what split() deferred (r.deferred), as SplitMeta::now would have; `year_hint` is the
// chunk's file's. A no-op for complete records.
void complete_meta(Record& r, int year_hint);

// A regex that matches, somewhere in its message, every record whose deferred level can come
// out warning, error or fatal (and more): the level words in any case and a klog W/E/F
// header. A record it does not match needs no level to be known not to be one.
const std::string& warning_level_marker();

// Whether split() reads a line's time and level at once even with SplitMeta::when_needed: a
// JSON line with a number 40, 50 or 60 after a colon, which may be a JSON logger's numeric
// level. The marker leaves those out: its key ("level") is in every JSON line, and looking
// for it there made the matcher's whole scan 4% dearer than this check.
bool meta_read_at_once(std::string_view line);

// What a single log line says about itself: klog "E0604 10:00:00.123456 1 file.go:12] msg",
// logrus `time="..." level=error msg="..."`, JSON loggers {"level":"error","ts":...,"msg":...},
// or a leading RFC 3339 / "2026/06/04 10:00:00" timestamp. Fields stay default when unknown.
struct LineMeta {
  Timestamp ts;
  Level level = Level::unknown;
};
LineMeta parse_line_meta(std::string_view line, int year_hint);

}  // namespace kdx::formats
