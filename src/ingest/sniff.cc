#include "ingest/sniff.h"

#include <optional>

namespace kdx::ingest {
namespace {

constexpr size_t kTarBlock = 512;
constexpr size_t kChecksumOffset = 148;
constexpr size_t kChecksumLength = 8;
constexpr size_t kMagicOffset = 257;

bool has_prefix(std::string_view s, std::string_view magic) {
  return s.size() >= magic.size() && s.substr(0, magic.size()) == magic;
}

// An octal field as tar writes it: optional leading spaces, digits, then NUL/space or the end.
std::optional<uint64_t> octal_field(std::string_view field) {
  size_t i = 0;
  while (i < field.size() && field[i] == ' ') ++i;
  uint64_t value = 0;
  size_t digits = 0;
  for (; i < field.size() && field[i] >= '0' && field[i] <= '7'; ++i, ++digits)
    value = value * 8 + static_cast<uint64_t>(field[i] - '0');
  if (digits == 0) return std::nullopt;
  for (; i < field.size(); ++i)
    if (field[i] != ' ' && field[i] != '\0') return std::nullopt;
  return value;
}

// A pre-POSIX (v7) tar has no magic; its header checksum is the only sign. Old tars summed
// signed chars, so both sums are accepted.
bool valid_v7_header(std::string_view block) {
  if (block.size() < kTarBlock || block[0] == '\0') return false;
  auto stored = octal_field(block.substr(kChecksumOffset, kChecksumLength));
  if (!stored) return false;
  uint64_t unsigned_sum = 0;
  int64_t signed_sum = 0;
  for (size_t i = 0; i < kTarBlock; ++i) {
    bool in_checksum = i >= kChecksumOffset && i < kChecksumOffset + kChecksumLength;
    char c = in_checksum ? ' ' : block[i];
    unsigned_sum += static_cast<unsigned char>(c);
    signed_sum += static_cast<signed char>(c);
  }
  return *stored == unsigned_sum || static_cast<int64_t>(*stored) == signed_sum;
}

}  // namespace

Container sniff(std::string_view head) {
  if (has_prefix(head, "\x1f\x8b")) return Container::gzip;
  if (has_prefix(head, "\x28\xb5\x2f\xfd")) return Container::zstd;
  if (has_prefix(head, std::string_view("\xfd"
                                        "7zXZ\0",
                                        6)))
    return Container::xz;
  if (has_prefix(head, "BZh") && head.size() >= 4 && head[3] >= '1' && head[3] <= '9')
    return Container::bzip2;
  if (has_prefix(head, "PK\x03\x04") || has_prefix(head, "PK\x05\x06")) return Container::zip;
  if (head.size() >= kTarBlock && has_prefix(head.substr(kMagicOffset), "ustar"))
    return Container::tar;
  if (valid_v7_header(head)) return Container::tar;
  return Container::plain;
}

bool is_compressed(Container c) {
  return c == Container::gzip || c == Container::zstd || c == Container::xz ||
         c == Container::bzip2;
}

}  // namespace kdx::ingest
