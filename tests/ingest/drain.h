// tests/ingest/drain.h — reads an ingest Source to the end for tests, checking the Block
// contract on the way: every block names a file, a file's blocks are contiguous and end with
// exactly one eof block, and next() stays exhausted once it returned nullopt. Not thread-safe.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "core/file_table.h"
#include "core/problem.h"
#include "ingest/ingest.h"

namespace kdx::ingest::test {

struct DrainedFile {
  const FileInfo* info = nullptr;
  std::string bytes;
  size_t blocks = 0;
};

inline std::vector<DrainedFile> drain(Source& source) {
  std::vector<DrainedFile> files;
  bool open = false;
  while (auto block = source.next()) {
    EXPECT_NE(block->file, nullptr);
    if (!open) {
      for (const DrainedFile& f : files) EXPECT_NE(f.info, block->file) << "file came back";
      files.push_back({block->file, {}, 0});
      open = true;
    } else {
      EXPECT_EQ(block->file, files.back().info) << "a new file began before eof";
    }
    files.back().bytes.append(block->bytes.data(), block->bytes.size());
    ++files.back().blocks;
    if (block->eof) open = false;
  }
  EXPECT_FALSE(open) << "the last file never saw eof";
  EXPECT_FALSE(source.next().has_value()) << "next() returned a block after the end";
  return files;
}

// One open_input call and what it produced.
struct Opened {
  FileTable files;
  Problems problems;
  std::vector<DrainedFile> read;
  std::string error;  // "where: message" when open_input itself failed
};

inline std::unique_ptr<Opened> open_and_drain(const std::string& arg, const Limits& limits = {}) {
  auto out = std::make_unique<Opened>();
  auto source = open_input(arg, limits, out->files, out->problems);
  if (!source) {
    out->error = source.error().where + ": " + source.error().message;
    return out;
  }
  out->read = drain(**source);
  return out;
}

// "display|member|bytes" per file, for whole-result comparisons.
inline std::vector<std::string> summary(const std::vector<DrainedFile>& files) {
  std::vector<std::string> out;
  for (const DrainedFile& f : files)
    out.push_back(f.info->display + "|" + f.info->member + "|" + f.bytes);
  return out;
}

inline std::vector<std::string> problem_texts(const Problems& problems) {
  std::vector<std::string> out;
  for (const Problem& p : problems) out.push_back(p.where + ": " + p.message);
  return out;
}

}  // namespace kdx::ingest::test
