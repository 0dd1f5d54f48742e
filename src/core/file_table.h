// core/file_table.h — every file kdx reads gets a FileId and a FileInfo: its display path
// ("bundle.tar.gz:cluster-resources/pods/logs/db/postgres-0/postgres.log"), the resource its
// layout path implies, and a year hint for year-less timestamps.
// Files are added by the one serial reader; FileInfo addresses are stable (std::deque), so
// workers hold `const FileInfo*` while the reader keeps adding. Not otherwise thread-safe.
#pragma once

#include <cstdint>
#include <deque>
#include <string>

#include "core/resource.h"
#include "core/time.h"

namespace kdx {

using FileId = uint32_t;

struct FileInfo {
  FileId id = 0;
  std::string input;        // the command-line argument it came from ("bundle.tar.gz", "-")
  std::string member;       // path inside the input (archive member, or relative to the dir)
  std::string display;      // what reports print: "input:member", or the file path itself
  ResourceKey resource;     // from the bundle layout (namespace/pod/container/node/unit)
  Timestamp mtime;          // member or file modification time, when known
  int year_hint = 0;        // year for year-less timestamps (syslog, klog); 0 = unknown
  std::string format_hint;  // a layout's word on the format ("events", "pods"), else empty
};

class FileTable {
 public:
  FileInfo& add(FileInfo info) {
    info.id = static_cast<FileId>(files_.size());
    files_.push_back(std::move(info));
    return files_.back();
  }
  const FileInfo& get(FileId id) const { return files_.at(id); }
  size_t size() const { return files_.size(); }

 private:
  std::deque<FileInfo> files_;
};

}  // namespace kdx
