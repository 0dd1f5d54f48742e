#include "support/make_archive.h"

#include <archive.h>
#include <archive_entry.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

namespace kdx::test {
namespace {

la_ssize_t append(archive*, void* client, const void* buf, size_t n) {
  static_cast<std::string*>(client)->append(static_cast<const char*>(buf), n);
  return static_cast<la_ssize_t>(n);
}

bool set_format(archive* a, ArchiveFormat format) {
  int r = ARCHIVE_OK;
  switch (format) {
    case ArchiveFormat::tar:
      r = archive_write_set_format_pax_restricted(a);
      break;
    case ArchiveFormat::tar_gz:
      r = archive_write_set_format_pax_restricted(a);
      if (r == ARCHIVE_OK) r = archive_write_add_filter_gzip(a);
      break;
    case ArchiveFormat::tar_zst:
      r = archive_write_set_format_pax_restricted(a);
      if (r == ARCHIVE_OK) r = archive_write_add_filter_zstd(a);
      break;
    case ArchiveFormat::tar_xz:
      r = archive_write_set_format_pax_restricted(a);
      if (r == ARCHIVE_OK) r = archive_write_add_filter_xz(a);
      break;
    case ArchiveFormat::zip:
      r = archive_write_set_format_zip(a);
      break;
    case ArchiveFormat::gz:
      r = archive_write_set_format_raw(a);
      if (r == ARCHIVE_OK) r = archive_write_add_filter_gzip(a);
      break;
    case ArchiveFormat::zst:
      r = archive_write_set_format_raw(a);
      if (r == ARCHIVE_OK) r = archive_write_add_filter_zstd(a);
      break;
  }
  return r == ARCHIVE_OK;
}

void fill_entry(archive_entry* e, const ArchiveEntry& in) {
  archive_entry_set_pathname(e, in.path.c_str());
  archive_entry_set_mtime(e, in.mtime, 0);
  archive_entry_set_perm(e, in.type == EntryType::dir ? 0755 : 0644);
  archive_entry_set_size(e, 0);
  switch (in.type) {
    case EntryType::file:
      archive_entry_set_filetype(e, AE_IFREG);
      archive_entry_set_size(e, static_cast<la_int64_t>(in.content.size()));
      break;
    case EntryType::symlink:
      archive_entry_set_filetype(e, AE_IFLNK);
      archive_entry_set_symlink(e, in.content.c_str());
      break;
    case EntryType::hardlink:
      archive_entry_set_filetype(e, AE_IFREG);
      archive_entry_set_hardlink(e, in.content.c_str());
      break;
    case EntryType::dir:
      archive_entry_set_filetype(e, AE_IFDIR);
      break;
    case EntryType::fifo:
      archive_entry_set_filetype(e, AE_IFIFO);
      break;
    case EntryType::char_device:
      archive_entry_set_filetype(e, AE_IFCHR);
      archive_entry_set_rdev(e, makedev(1, 3));
      break;
  }
}

bool write_entry(archive* a, const ArchiveEntry& in) {
  archive_entry* e = archive_entry_new();
  fill_entry(e, in);
  bool ok = archive_write_header(a, e) == ARCHIVE_OK;
  if (ok && in.type == EntryType::file && !in.content.empty())
    ok = archive_write_data(a, in.content.data(), in.content.size()) ==
         static_cast<la_ssize_t>(in.content.size());
  if (!ok) ADD_FAILURE() << "libarchive: " << in.path << ": " << archive_error_string(a);
  archive_entry_free(e);
  return ok;
}

// gzip(1) writes FNAME and MTIME; libarchive's writer does neither, so patch the header.
std::string patch_gzip_header(std::string gz, std::string_view name, int64_t mtime) {
  constexpr size_t kFlagsOffset = 3, kMtimeOffset = 4, kFixedHeader = 10;
  constexpr char kFname = 0x08;
  if (gz.size() < kFixedHeader) return gz;
  auto t = static_cast<uint32_t>(mtime);
  for (size_t i = 0; i < 4; ++i) gz[kMtimeOffset + i] = static_cast<char>((t >> (8 * i)) & 0xff);
  if (!name.empty()) {
    gz[kFlagsOffset] = static_cast<char>(gz[kFlagsOffset] | kFname);
    gz.insert(kFixedHeader, std::string(name) + '\0');
  }
  return gz;
}

}  // namespace

std::string make_archive(ArchiveFormat format, const std::vector<ArchiveEntry>& entries) {
  std::string out;
  archive* a = archive_write_new();
  bool ok = set_format(a, format);
  // No padding of the last block: trailing zeros after a gzip stream would be junk.
  ok = ok && archive_write_set_bytes_in_last_block(a, 1) == ARCHIVE_OK;
  ok = ok && archive_write_open2(a, &out, nullptr, append, nullptr, nullptr) == ARCHIVE_OK;
  if (!ok) ADD_FAILURE() << "libarchive: " << archive_error_string(a);
  for (const ArchiveEntry& entry : entries)
    if (ok) ok = write_entry(a, entry);
  if (archive_write_close(a) != ARCHIVE_OK)
    ADD_FAILURE() << "libarchive close: " << archive_error_string(a);
  archive_write_free(a);
  if (format == ArchiveFormat::gz && entries.size() == 1) {
    std::string_view path = entries[0].path;
    std::string_view base = path.substr(path.rfind('/') + 1);  // npos + 1 == 0
    out = patch_gzip_header(std::move(out), base, base.empty() ? 0 : entries[0].mtime);
  }
  return out;
}

std::string write_archive(const TempDir& dir, std::string_view name, ArchiveFormat format,
                          const std::vector<ArchiveEntry>& entries) {
  return dir.write(name, make_archive(format, entries));
}

std::string gzip_bytes(std::string_view data, std::string_view name, int64_t mtime) {
  std::string gz = make_archive(ArchiveFormat::gz, {{"", std::string(data)}});
  return patch_gzip_header(std::move(gz), name, mtime);
}

std::string zstd_bytes(std::string_view data) {
  return make_archive(ArchiveFormat::zst, {{"", std::string(data)}});
}

std::string noise_text(size_t bytes, uint64_t seed) {
  static constexpr std::string_view kAlphabet = "abcdefghijklmnopqrstuvwxyz0123456789 ";
  std::string out;
  out.reserve(bytes);
  uint64_t x = seed;
  while (out.size() < bytes) {
    x = x * 6364136223846793005ull + 1442695040888963407ull;
    out += (out.size() % 80 == 79) ? '\n' : kAlphabet[(x >> 33) % kAlphabet.size()];
  }
  return out;
}

}  // namespace kdx::test
