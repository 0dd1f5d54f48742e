// tests/support/split_fixture.h — one file's bytes split the way the chunker hands them over
// (a padded Chunk), keeping the FileInfo, batch and problems alive for the assertions.
#pragma once

#include <memory>
#include <string_view>

#include "formats/formats.h"

namespace kdx::test {

struct Split {
  FileInfo file;
  formats::Chunk chunk;
  formats::RecordBatch batch;
  Problems problems;
};

inline std::unique_ptr<Split> split_as(formats::FormatId format, std::string_view bytes,
                                       FileInfo file, uint64_t first_line = 1) {
  auto s = std::make_unique<Split>();
  s->file = std::move(file);
  s->chunk.file = &s->file;
  s->chunk.format = format;
  s->chunk.first_line = first_line;
  s->chunk.bytes.reserve(bytes.size() + formats::kChunkPadding);
  s->chunk.bytes.assign(bytes);
  formats::split(s->chunk, s->batch, s->problems);
  return s;
}

}  // namespace kdx::test
