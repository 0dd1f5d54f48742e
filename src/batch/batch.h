// batch/batch.h — many bundles, one NDJSON line each, and the fleet summary.
// Takes: PATH arguments (archives and bundle directories below them), a compiled Matcher, an
// output file descriptor. Gives: the bundles found (discover), their fingerprints and shard
// hashes, one NDJSON line per bundle (each the schema-1 report on one line), resume state read
// back from an earlier output, and a fleet summary (Markdown and JSON) computed from lines alone.
// Never prints: notes come back as Problems for the CLI to print. Functions are thread-safe;
// run_batch is the only one that starts threads (through pipeline's oneTBB).
#pragma once

#include <atomic>
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>

#include "analyze/analyze.h"
#include "core/expected.h"
#include "core/problem.h"
#include "core/severity.h"
#include "core/time.h"
#include "match/match.h"

namespace kdx::batch {

// ---- Discovery (discover.cc) --------------------------------------------------------------

struct Bundle {
  std::string path;     // what the line and the report call it: PATH argument + "/" + rel
  std::string rel;      // relative to the PATH argument (its base name when PATH is the bundle)
  std::string cluster;  // see cluster_name()
  bool is_dir = false;
  uint64_t size = 0;    // file size; directory: sum of its regular files
  Timestamp mtime;      // file mtime; directory: the newest of its regular files
};

struct Discovery {
  std::vector<Bundle> bundles;  // sorted by path, each path once
  Problems missing;             // PATH arguments that do not exist or cannot be read
};

// A PATH that is a file, or a bundle directory, is one bundle. A directory is walked in sorted
// order (symlinks and entries whose names start with '.' are skipped): a file whose first bytes
// are an archive or compressed stream (gzip, zstd, xz, bzip2, zip, tar) is a bundle; a
// subdirectory that is a bundle directory is a bundle; any other subdirectory is walked the same
// way, and when nothing below it is an archive or a bundle directory but it holds files, it is
// one bundle itself. A bundle directory has a layout at its top: cluster-resources/ (troubleshoot),
// namespaces/ or cluster-scoped-resources/ (must-gather), sos_commands/ (sosreport), nodes.json
// or <ns>/events.json (cluster-info dump), var/log/ (a node's logs).
Discovery discover(const std::vector<std::string>& paths);

// The first directory of `rel` when it has one ("prod-eu1/2026-11-21.tgz" -> "prod-eu1"), else
// rel's name without archive extensions and a trailing date/time stamp
// ("prod-eu1-2026-11-21.tar.gz" -> "prod-eu1", "node-3_20261121T0300Z.tgz" -> "node-3").
std::string cluster_name(std::string_view rel);

// ---- Fingerprints and shards (fingerprint.cc) --------------------------------------------

// XXH3-128 as 32 lower-case hex digits: of a file's bytes; of a directory's regular files in
// sorted relative-path order, each as (path, NUL, size as 8 little-endian bytes, content).
// Fails with {path, "cannot read: reason"}.
Expected<std::string> fingerprint(const Bundle& bundle);

struct Shard {
  uint64_t index = 0, count = 1;
};
// "K/N" with 0 <= K < N; nullopt otherwise.
std::optional<Shard> parse_shard(std::string_view text);
// XXH64 (seed 0) of bundle.rel, modulo count == index.
bool in_shard(const Bundle& bundle, const Shard& shard);

// ---- Lines (ndjson.cc) --------------------------------------------------------------------

// One line, '\n' included: {"kdx_batch":1,"path","cluster","size","mtime","fingerprint",
// "report":{schema-1}}. Nothing in it varies from run to run.
std::string make_line(const Bundle& bundle, std::string_view fingerprint,
                      const analyze::Analysis& analysis, std::string_view kdx_version);

struct FindingDigest {
  std::string id, title;
  Severity severity = Severity::info;
  std::vector<std::string> namespaces;  // sorted, unique: from the finding's resources
  Timestamp first_seen, last_seen;
};
struct TemplateDigest {
  std::string text;
  uint64_t count = 0;
};
// What the summary, resume and merge need from a line.
struct BundleDigest {
  std::string path, cluster, fingerprint, mtime_text;
  uint64_t size = 0;
  Timestamp mtime;
  size_t problems = 0;
  std::string first_problem;  // "where: message" of the first problem
  bool unreadable = false;    // no file of it could be read
  std::vector<FindingDigest> findings;
  std::vector<TemplateDigest> templates;
};

// Parses and validates one line (without its '\n'); the error says what is wrong.
Expected<BundleDigest> parse_line(std::string_view line);

// An NDJSON file read back: every complete line, with where it is.
struct LineRef {
  uint64_t offset = 0, length = 0;  // the line without its '\n'
  size_t number = 0;                // 1-based
  BundleDigest digest;
};
struct NdjsonFile {
  std::vector<LineRef> lines;  // the valid ones
  Problems bad;                // "FILE:LINE" / what is wrong, for lines that are not valid
  uint64_t valid_bytes = 0;    // the length of the file up to the end of its last complete line
  bool torn = false;           // the last line has no '\n', or it is not valid: not in `lines`
};
// Reads `path`. A last line without '\n', or not valid, is torn (not counted in valid_bytes);
// other invalid lines are listed in `bad`. Fails only when the file cannot be read.
Expected<NdjsonFile> read_ndjson(const std::string& path);

// Orders lines by path; same path: by mtime, then fingerprint. Stable.
bool line_before(const BundleDigest& a, const BundleDigest& b);

// One digest per path: exact duplicates (same fingerprint) are dropped, and of two different
// bundles with the same path the later mtime is kept ("notes" says so). Sorted by path.
std::vector<size_t> dedup_lines(const std::vector<const BundleDigest*>& digests,
                                Problems* notes);

// ---- Fleet summary (summary.cc) -----------------------------------------------------------

struct Previous {
  bool present = false;
  std::set<std::string> causes;     // rule ids of the earlier run's root causes
  std::set<std::string> templates;  // the earlier run's unrecognised-error templates
};
// An earlier NDJSON output or an earlier --summary-json.
Expected<Previous> read_previous(const std::string& path);

// The Markdown and the JSON summary of the (deduplicated) bundles.
void render_summary_md(const std::vector<const BundleDigest*>& bundles, const Previous& previous,
                       fmt::memory_buffer& out);
void render_summary_json(const std::vector<const BundleDigest*>& bundles,
                         const Previous& previous, fmt::memory_buffer& out);

// ---- The parallel run (run_batch.cc) ------------------------------------------------------

struct Progress {
  size_t done = 0, total = 0;        // bundles handled (analysed or skipped) of those to handle
  uint64_t bytes_done = 0, bytes_total = 0;
};
class ProgressSink {
 public:
  virtual ~ProgressSink() = default;
  virtual void on_progress(const Progress& p) = 0;  // called from one thread at a time
};

struct BatchOptions {
  int jobs = 0;  // bundles in flight, 0 = one per core
  std::string kdx_version;
  uint64_t max_bytes = 0;                 // ingest limit per bundle, 0 = default
  const std::atomic<bool>* stop = nullptr;  // set (by a signal): start no more bundles
  ProgressSink* progress = nullptr;
};

// The bundles an earlier output already holds (read by open_resume from --out).
struct Resume {
  std::vector<BundleDigest> done;  // its valid lines, in file order
  Problems notes;                  // "FILE: torn last line truncated at byte N"
};
// Reads `path` if it exists (missing: empty Resume), truncates a torn last line. An invalid line
// before the last fails ("FILE:LINE: ..."): it was not written by kdx batch.
Expected<Resume> open_resume(const std::string& path);

struct BatchResult {
  size_t analysed = 0, skipped = 0;
  bool stopped = false;                  // the stop flag cut the run short
  std::vector<BundleDigest> written;     // the lines written by this run, in order
  Problems problems;                     // write failures ("cannot write 'FILE': ...")
};
// Analyses every bundle not already in `resume` (same path, size and mtime; or the same
// fingerprint as a line whose path no longer exists: a renamed bundle), appending one line each to `out_fd` in bundle order, one write(2) per line.
// `out_path` (empty for stdout) gets an fdatasync at most once a second and at the end.
BatchResult run_batch(const std::vector<Bundle>& bundles, const Resume& resume,
                      const match::Matcher& matcher, const BatchOptions& options, int out_fd,
                      const std::string& out_path);

// ---- Output files (output.cc) --------------------------------------------------------------

// Rewrites `path` in path order (stable; temp file + rename) when its lines are not: a resumed
// run whose new bundles sort before old ones. True when it was rewritten.
Expected<bool> sort_file(const std::string& path);

// Writes `data` to `path` atomically: a temp file beside it (named after host and pid, so two
// writers never share one), fsync, rename; the file is the old one or the new one, never half.
Expected<bool> write_atomic(const std::string& path, std::string_view data);

struct MergeResult {
  std::vector<BundleDigest> kept;  // one per path, sorted: what was written
  Problems bad;     // "FILE:LINE": lines that are not valid (skipped), files that cannot be read
  Problems notes;   // "PATH": same path, different bundles: which one was kept
  Problems errors;  // the output could not be written
  size_t files_read = 0;
};
// Joins NDJSON outputs (shards): every line validated, exact duplicates dropped, one bundle per
// path (the later mtime), sorted by path; written to `out_path` atomically, or to `out_fd`
// when out_path is empty. Lines are copied byte for byte.
MergeResult merge_files(const std::vector<std::string>& files, const std::string& out_path,
                        int out_fd);

}  // namespace kdx::batch
