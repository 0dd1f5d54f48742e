// match/hs_cache.h — the on-disk cache of compiled Hyperscan databases (internal to match and
// its tests; the CLI keeps loaded rule sets the same way, cli/database.cc). Takes: a
// directory, the key a database was built from (Hyperscan's version and platform and every
// regex in order), the serialized database and the regexes it rejected or approximated.
// Gives: them back on a later run when the key is the same, byte for byte. A missing, damaged,
// foreign or unreadable file reads as a miss; a write goes to a temp file renamed into place, so
// concurrent kdx processes never read half a file; an unwritable directory is skipped. Pure
// functions over the file system; safe to call from any thread.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kdx::match::detail {

struct CachedDb {
  std::string db;                  // hs_serialize_database's bytes (or a rule set's)
  std::vector<uint32_t> rejected;     // indices of the regexes Hyperscan did not take
  std::vector<uint32_t> approximate;  // ... and of those it took as a prefilter approximation
};

// Everything a database depends on: the cache format, `environment`
// (HyperscanPrefilter::build_environment()) and each regex, length-prefixed, in order.
std::string cache_key(std::string_view environment, const std::vector<std::string>& regexes);

// "<dir>/<stem>-<16 hex digits of the key's hash>.db".
std::string cache_path(std::string_view dir, std::string_view key, std::string_view stem = "hs");

// The database stored for `key` at `path`; nullopt when the file is missing or unreadable,
// fails its checksum, is truncated, or was written for another key.
std::optional<CachedDb> read_cache(const std::string& path, std::string_view key);

// Stores `db` for `key` at `path` (creating its directory); false when that cannot be done.
bool write_cache(const std::string& path, std::string_view key, const CachedDb& db);

// A 64-bit hash of `s` (not cryptographic): file names and checksums.
uint64_t cache_hash(std::string_view s);

}  // namespace kdx::match::detail
