// Archives and compressed streams through libarchive, streamed and never extracted.
//
// Levels: level 0 reads the input stream (tar, zip, or one compressed file via the "raw"
// format). When a member's first bytes are themselves compressed or an archive (rotated
// `0.log.20231102-061208.gz`, a sosreport .tar.xz inside a bundle), a nested reader is pushed
// whose read callback pulls the outer member's blocks; kMaxLevels bounds the nesting.
// Blocks borrow libarchive's buffers: valid until the next archive_read_data_block, which only
// the next call to next() makes.
//
// gzip (the usual bundle, and rotated logs inside it) is inflated by ISA-L when the build has
// it: the level's read callback hands libarchive ISA-L's output and libarchive runs with its
// formats only, no filter. Names, mtimes and damage messages stay what libarchive's own gzip
// filter (zlib), the fallback, gives.
#include <archive.h>
#include <archive_entry.h>
#include <fmt/format.h>

#include <cerrno>
#include <cstring>

#include "core/assert.h"
#include "ingest/gzip_isal.h"
#include "ingest/names.h"
#include "ingest/sources.h"

namespace kdx::ingest {
namespace {

// The input itself plus two nested levels: a .gz inside a .tar.xz inside a bundle.
constexpr size_t kMaxLevels = 3;
// ARCHIVE_FAILED headers in a row before a level is given up (each one is a Problem).
constexpr int kMaxHeaderFailures = 16;
// libarchive's raw format names its single entry "data" when the stream carries no name.
constexpr std::string_view kRawNoName = "data";

struct ArchiveFree {
  void operator()(archive* a) const { archive_read_free(a); }
};
using ArchivePtr = std::unique_ptr<archive, ArchiveFree>;

struct Level {
  ArchivePtr a;
  StreamNames names;
  Container kind = Container::plain;
  uint64_t delivered = 0;  // file bytes handed out from this level and the levels inside it
  bool emitted = false;    // an entry was seen
  // A nested level reads its parent's current member, starting with the block already read.
  archive* parent = nullptr;
  std::string_view peek;
  bool peek_pending = false;
  bool parent_failed = false;  // the parent hit a fatal error while this level read from it
  std::unique_ptr<GzipInflater> gz;  // ISA-L inflating this level's stream, if it is gzip
  std::optional<std::string_view> first_inflated;  // gz's first block, read before bidding
  bool first_inflated_pending = false;
};

std::string error_text(archive* a) {
  const char* s = archive_error_string(a);
  return s && *s ? s : "damaged or unrecognised data";
}

la_ssize_t read_stream(archive* a, void* client, const void** buf) {
  auto* stream = static_cast<InputStream*>(client);
  auto got = stream->read();
  if (!got) {
    archive_set_error(a, stream->error(), "%s", std::strerror(stream->error()));
    return -1;
  }
  *buf = got->data();
  return static_cast<la_ssize_t>(got->size());
}

la_int64_t seek_stream(archive*, void* client, la_int64_t offset, int whence) {
  return static_cast<InputStream*>(client)->seek(offset, whence);
}

// The parent's current member, block by block (the first one was read while sniffing).
bool pull_parent(Level* level, std::string_view* bytes, std::string* error) {
  if (level->peek_pending) {
    level->peek_pending = false;
    *bytes = level->peek;
    return true;
  }
  const void* data = nullptr;
  size_t size = 0;
  la_int64_t offset = 0;
  int r;
  do {
    r = archive_read_data_block(level->parent, &data, &size, &offset);
  } while ((r == ARCHIVE_OK || r == ARCHIVE_WARN) && size == 0);
  if (r == ARCHIVE_EOF) {
    *bytes = {};
    return true;
  }
  if (r < ARCHIVE_WARN) {
    level->parent_failed = r == ARCHIVE_FATAL;
    *error = error_text(level->parent);
    return false;
  }
  *bytes = std::string_view(static_cast<const char*>(data), size);
  return true;
}

la_ssize_t read_parent_member(archive* a, void* client, const void** buf) {
  std::string_view bytes;
  std::string error;
  if (!pull_parent(static_cast<Level*>(client), &bytes, &error)) {
    archive_set_error(a, EIO, "%s", error.c_str());
    return -1;
  }
  *buf = bytes.data();
  return static_cast<la_ssize_t>(bytes.size());
}

// A level whose stream ISA-L inflates: libarchive reads the inflated bytes.
la_ssize_t read_inflated(archive* a, void* client, const void** buf) {
  Level& l = *static_cast<Level*>(client);
  GzipInflater& gz = *l.gz;
  std::optional<std::string_view> got;
  if (l.first_inflated_pending) {
    l.first_inflated_pending = false;
    got = l.first_inflated;
  } else {
    got = gz.read();
  }
  if (!got) {
    archive_set_error(a, EIO, "%s", gz.error().c_str());
    return -1;
  }
  *buf = got->data();
  return static_cast<la_ssize_t>(got->size());
}

// Reads the first inflated block of a gzip level before libarchive bids on it, and says
// whether it may be a tar. libarchive's tar bidder takes a leading all-zero block for an end
// of archive, so a gzipped log that starts with a run of NULs (the hole a copytruncate leaves
// when the writer does not append) would read as an empty tar. A tar's end is followed by
// nothing but zeros; a zero block followed by data in the same block is no tar.
bool peek_inflated(Level& l) {
  l.first_inflated = l.gz->read();
  l.first_inflated_pending = true;
  if (!l.first_inflated || l.first_inflated->empty()) return true;
  const std::string_view block = *l.first_inflated;
  const size_t data = block.find_first_not_of('\0');
  return data < 512 || data == std::string_view::npos;
}

void configure(archive* a, Container kind, bool inflated, bool may_be_tar = true) {
  if (inflated) {
    // Already decompressed: a tar, a zip or one file. A compressed file inside comes out as
    // one raw entry, and on_entry opens a nested level for it.
    if (may_be_tar) archive_read_support_format_tar(a);
    archive_read_support_format_zip(a);
    archive_read_support_format_raw(a);
    archive_read_support_format_empty(a);
    return;
  }
  // Only the filters sniff() knows, not archive_read_support_filter_all: that one adds
  // uudecode, whose bidder reads 128 KiB ahead (a truncated small .gz would fail before its
  // first byte), and lrzip/grzip/lzop, which run external programs on untrusted input.
  archive_read_support_filter_gzip(a);
  archive_read_support_filter_zstd(a);
  archive_read_support_filter_xz(a);
  archive_read_support_filter_bzip2(a);
  if (kind == Container::tar) {
    archive_read_support_format_tar(a);
  } else if (kind == Container::zip) {
    archive_read_support_format_zip(a);
  } else {
    // A compressed stream holds a tar, a zip, or just one file (raw); "empty" accepts a
    // compressed stream of zero bytes.
    archive_read_support_format_tar(a);
    archive_read_support_format_zip(a);
    archive_read_support_format_raw(a);
    archive_read_support_format_empty(a);
  }
}

// Why an entry is not read as a file; null for regular files.
const char* skipped_kind(archive_entry* e) {
  if (archive_entry_hardlink(e)) return "hardlink";
  switch (archive_entry_filetype(e)) {
    case AE_IFREG:
      return nullptr;
    case AE_IFLNK:
      return "symlink";
    case AE_IFCHR:
      return "character device";
    case AE_IFBLK:
      return "block device";
    case AE_IFIFO:
      return "fifo";
    case AE_IFSOCK:
      return "socket";
    default:
      return "unknown";
  }
}

std::string entry_path(archive_entry* e) {
  const char* p = archive_entry_pathname(e);
  if (!p) p = archive_entry_pathname_utf8(e);
  return p ? p : "";
}

Timestamp entry_mtime(archive_entry* e, Timestamp fallback) {
  if (!archive_entry_mtime_is_set(e) || archive_entry_mtime(e) <= 0) return fallback;
  return Timestamp{static_cast<int64_t>(archive_entry_mtime(e)) * kNsPerSecond +
                   archive_entry_mtime_nsec(e)};
}

// What one entry is called: as a file, and as the stream a nested level reads.
struct EntryNames {
  std::string member, display, layout;
  std::string where;  // the entry as the archive names it, for Problems about the stream
  Timestamp mtime;
};

// The names of a nested level's files, from the entry that holds them.
StreamNames nested_names(const Level& parent, const EntryNames& entry, std::string_view path) {
  const StreamNames& p = parent.names;
  StreamNames n;
  n.where = entry.where;
  n.raw_member = p.member_prefix + std::string(strip_compression_suffix(path));
  n.raw_display = p.display_prefix + std::string(strip_compression_suffix(path));
  n.raw_layout = p.layout_prefix + n.raw_member;
  std::string stem(strip_archive_suffix(path));
  n.member_prefix = p.member_prefix + stem + "/";
  n.display_prefix = p.display_prefix + stem + "/";
  n.layout_prefix = p.layout_prefix;
  n.mtime = entry.mtime;
  return n;
}

class ArchiveSource final : public Source {
 public:
  ArchiveSource(Input& in, InputStream stream, StreamNames names, Container kind);
  std::optional<Block> next() override;

 private:
  void advance();
  void end_level();
  void on_entry(Level& l, archive_entry* e);
  std::optional<EntryNames> name_entry(Level& l, archive_entry* e, std::string* path);
  void start_file(const EntryNames& names, int64_t size, std::string_view first, bool eof);
  void open_nested(Level& parent, const EntryNames& entry, std::string_view path,
                   std::string_view first, Container kind);
  Block read_data();
  Block deliver(std::string_view bytes, bool eof);
  void fail_top();

  Input& in_;
  InputStream stream_;
  std::vector<std::unique_ptr<Level>> levels_;  // unique_ptr: callbacks hold Level*
  const FileInfo* file_ = nullptr;              // the file being handed out
  int64_t size_ = -1;                           // its size from the header, when known
  uint64_t file_delivered_ = 0;
  std::string_view pending_;  // its first block, read while sniffing, not yet handed out
  bool has_pending_ = false;
  bool pending_eof_ = false;
  int header_failures_ = 0;
  bool done_ = false;
};

ArchiveSource::ArchiveSource(Input& in, InputStream stream, StreamNames names, Container kind)
    : in_(in), stream_(std::move(stream)) {
  auto level = std::make_unique<Level>();
  level->names = std::move(names);
  level->kind = kind;
  level->a.reset(archive_read_new());
  KDX_ASSERT(level->a != nullptr);
  archive* a = level->a.get();
  if (kind == Container::gzip && GzipInflater::available()) {
    level->gz = std::make_unique<GzipInflater>([this](std::string_view* bytes, std::string* error) {
      auto got = stream_.read();
      if (!got) {
        *error = std::strerror(stream_.error());
        return false;
      }
      *bytes = *got;
      return true;
    });
    configure(a, kind, true, peek_inflated(*level));
    archive_read_set_read_callback(a, read_inflated);
    archive_read_set_callback_data(a, level.get());
  } else {
    configure(a, kind, false);
    archive_read_set_read_callback(a, read_stream);
    if (stream_.seekable()) archive_read_set_seek_callback(a, seek_stream);
    archive_read_set_callback_data(a, &stream_);
  }
  if (archive_read_open1(a) != ARCHIVE_OK) {
    in_.problems.push_back({level->names.where, fmt::format("{} (after 0 bytes)", error_text(a))});
    done_ = true;
    return;
  }
  levels_.push_back(std::move(level));
}

std::optional<Block> ArchiveSource::next() {
  while (true) {
    if (file_) return read_data();
    if (done_) return std::nullopt;
    advance();
  }
}

void ArchiveSource::advance() {
  Level& l = *levels_.back();
  archive_entry* e = nullptr;
  int r = archive_read_next_header(l.a.get(), &e);
  if (r == ARCHIVE_EOF) return end_level();
  // RETRY is a damaged header (bad checksum): tar rarely finds its way back, so stop here.
  if (r == ARCHIVE_FATAL || r == ARCHIVE_RETRY || e == nullptr) return fail_top();
  if (r == ARCHIVE_FAILED || r == ARCHIVE_WARN) {
    std::string where = l.names.display_prefix + normalize_member(entry_path(e));
    in_.problems.push_back({where, error_text(l.a.get())});
    if (r == ARCHIVE_FAILED) {
      if (++header_failures_ >= kMaxHeaderFailures) fail_top();
      return;
    }
  }
  header_failures_ = 0;
  on_entry(l, e);
}

void ArchiveSource::end_level() {
  Level& l = *levels_.back();
  // A compressed stream of zero bytes is still one (empty) file.
  if (is_compressed(l.kind) && !l.emitted && archive_format(l.a.get()) == ARCHIVE_FORMAT_EMPTY) {
    l.emitted = true;
    EntryNames names{
        l.names.raw_member, l.names.raw_display, l.names.raw_layout, {}, l.names.mtime};
    start_file(names, 0, {}, true);
  }
  levels_.pop_back();
  if (levels_.empty()) done_ = true;
}

std::optional<EntryNames> ArchiveSource::name_entry(Level& l, archive_entry* e, std::string* path) {
  const StreamNames& n = l.names;
  std::string raw = entry_path(e);
  EntryNames out;
  out.mtime = entry_mtime(e, n.mtime);
  if (archive_format(l.a.get()) == ARCHIVE_FORMAT_RAW) {
    // One compressed file: its name is the stream's, or what the gzip header says it was.
    if (l.gz) {  // libarchive saw no gzip header: take what ISA-L read from it
      raw = l.gz->name().empty() ? std::string(kRawNoName) : l.gz->name();
      if (l.gz->mtime() > 0) out.mtime = Timestamp{int64_t{l.gz->mtime()} * kNsPerSecond};
    }
    out.member = n.raw_member;
    out.layout = n.raw_layout;
    if (n.name_from_stream && !raw.empty() && raw != kRawNoName) {
      out.member = std::string(base_name(raw));
      out.layout = join_path(dir_name(n.raw_layout), out.member);
    }
    out.display = n.raw_display;
    out.where = n.where;
    *path = out.member;
    return out;
  }
  bool unsafe = false;
  *path = normalize_member(raw, &unsafe);
  if (archive_entry_filetype(e) == AE_IFDIR && !archive_entry_hardlink(e)) return std::nullopt;
  if (const char* kind = skipped_kind(e)) {
    in_.problems.push_back({n.display_prefix + *path, fmt::format("skipped {} entry", kind)});
    return std::nullopt;
  }
  if (unsafe) in_.problems.push_back({n.display_prefix + raw, "unsafe path normalised"});
  if (path->empty()) {
    in_.problems.push_back({n.display_prefix + raw, "skipped entry with an empty path"});
    return std::nullopt;
  }
  out.member = n.member_prefix + *path;
  out.display = n.display_prefix + *path;
  out.layout = n.layout_prefix + out.member;
  out.where = n.display_prefix + raw;
  return out;
}

void ArchiveSource::on_entry(Level& l, archive_entry* e) {
  std::string path;
  auto names = name_entry(l, e, &path);
  if (!names) return;
  l.emitted = true;
  int64_t size = archive_entry_size_is_set(e) ? archive_entry_size(e) : -1;
  // The first block decides whether the member is itself compressed or an archive.
  const void* data = nullptr;
  size_t n = 0;
  la_int64_t offset = 0;
  int r;
  do {
    r = archive_read_data_block(l.a.get(), &data, &n, &offset);
  } while ((r == ARCHIVE_OK || r == ARCHIVE_WARN) && n == 0);
  if (r == ARCHIVE_FATAL) return fail_top();
  if (r == ARCHIVE_FAILED || r == ARCHIVE_RETRY) {
    // This member cannot be read (encrypted, unsupported method); the next one may be.
    in_.problems.push_back({names->display, error_text(l.a.get())});
    return;
  }
  bool eof = r == ARCHIVE_EOF;
  std::string_view first =
      eof ? std::string_view() : std::string_view(static_cast<const char*>(data), n);
  Container kind = eof ? Container::plain : sniff(first);
  if (kind != Container::plain) {
    if (levels_.size() < kMaxLevels) return open_nested(l, *names, path, first, kind);
    // Compressed bytes would only reach the formats stage as binary junk.
    in_.problems.push_back({names->display, "skipped archive nested too deep"});
    return;
  }
  start_file(*names, size, first, eof);
}

void ArchiveSource::start_file(const EntryNames& names, int64_t size, std::string_view first,
                               bool eof) {
  file_ = in_.add_file(names.member, names.display, names.mtime, names.layout);
  size_ = size;
  file_delivered_ = 0;
  pending_ = first;
  has_pending_ = true;
  pending_eof_ = eof;
}

void ArchiveSource::open_nested(Level& parent, const EntryNames& entry, std::string_view path,
                                std::string_view first, Container kind) {
  auto level = std::make_unique<Level>();
  level->names = nested_names(parent, entry, path);
  level->kind = kind;
  level->parent = parent.a.get();
  level->peek = first;
  level->peek_pending = true;
  level->a.reset(archive_read_new());
  KDX_ASSERT(level->a != nullptr);
  archive* a = level->a.get();
  if (kind == Container::gzip && GzipInflater::available()) {
    Level* self = level.get();
    level->gz = std::make_unique<GzipInflater>([self](std::string_view* bytes, std::string* error) {
      return pull_parent(self, bytes, error);
    });
    configure(a, kind, true, peek_inflated(*level));
    archive_read_set_read_callback(a, read_inflated);
  } else {
    configure(a, kind, false);
    archive_read_set_read_callback(a, read_parent_member);
  }
  archive_read_set_callback_data(a, level.get());
  int r = archive_read_open1(a);
  levels_.push_back(std::move(level));
  if (r != ARCHIVE_OK) fail_top();  // reports it (or the parent that took it down)
}

Block ArchiveSource::read_data() {
  if (has_pending_) {
    has_pending_ = false;
    return deliver(pending_, pending_eof_);
  }
  Level& l = *levels_.back();
  const void* data = nullptr;
  size_t n = 0;
  la_int64_t offset = 0;
  int r;
  do {
    r = archive_read_data_block(l.a.get(), &data, &n, &offset);
  } while ((r == ARCHIVE_OK || r == ARCHIVE_WARN) && n == 0);
  if (r == ARCHIVE_OK || r == ARCHIVE_WARN)
    return deliver(std::string_view(static_cast<const char*>(data), n), false);
  if (r == ARCHIVE_EOF) return deliver({}, true);
  if (r == ARCHIVE_FATAL) {
    fail_top();
    return deliver({}, true);
  }
  // This member is damaged but the archive may go on (zip: a bad CRC, a missing method).
  in_.problems.push_back(
      {file_->display, fmt::format("{} (after {} bytes)", error_text(l.a.get()), file_delivered_)});
  return deliver({}, true);
}

Block ArchiveSource::deliver(std::string_view bytes, bool eof) {
  size_t allowed = in_.budget.admit(bytes.size());
  if (allowed < bytes.size()) {
    // A limit was hit: the input stops here. The levels stay alive until the Source dies,
    // since `bytes` may point into their buffers.
    bytes = bytes.substr(0, allowed);
    eof = true;
    done_ = true;
  }
  file_delivered_ += bytes.size();
  for (auto& level : levels_) level->delivered += bytes.size();
  if (size_ >= 0 && file_delivered_ >= static_cast<uint64_t>(size_)) eof = true;
  Block block{file_, std::span<const char>(bytes.data(), bytes.size()), eof};
  if (eof) file_ = nullptr;
  return block;
}

void ArchiveSource::fail_top() {
  // Damage ends the top level. If it came from the parent's stream (a truncated outer gzip
  // seen while reading a nested member), the parent is reported and ended as well.
  while (!levels_.empty()) {
    Level& l = *levels_.back();
    bool from_parent = l.parent_failed;
    if (!from_parent) {
      in_.problems.push_back(
          {l.names.where, fmt::format("{} (after {} bytes)", error_text(l.a.get()), l.delivered)});
    }
    levels_.pop_back();
    if (!from_parent) break;
  }
  if (levels_.empty()) done_ = true;
}

}  // namespace

std::unique_ptr<Source> make_archive_source(Input& in, InputStream stream, StreamNames names,
                                            Container kind) {
  return std::make_unique<ArchiveSource>(in, std::move(stream), std::move(names), kind);
}

}  // namespace kdx::ingest
