// SplitMeta::when_needed leaves the time and level a line states to complete_meta(): split
// that way and completed, every record must equal the one SplitMeta::now gives, in every line
// format that defers (text, CRI, kubectl --timestamps, docker) and for records over the size
// limit, which are read at once.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "formats/formats.h"

namespace kdx::formats {
namespace {

std::string dump(const Record& r) {
  return fmt::format("{}|{}|{}|{}|{}|{}", r.line, format_rfc3339(r.ts), format_rfc3339(r.first_ts),
                     to_string(r.level), r.text, r.message);
}

struct Sample {
  FormatId format;
  std::string bytes;
};

std::vector<Sample> samples() {
  const std::string big(kMaxRecordBytes + 10, 'x');
  return {
      {FormatId::text,
       "E0604 10:00:00.123456       1 file.go:12] boom\n"
       "2026-06-04 10:00:00.123 ERROR [main] c.e.App - failed\n\tat a.b(C.java:1)\r\n\tat d\n"
       "{\"level\":\"warn\",\"ts\":1780567200.5,\"msg\":\"slow\"}\n"
       "time=\"2026-06-04T10:00:00Z\" level=info msg=ok\n"
       "\xe2\x94\x82 FATAL: framed \xe2\x94\x82\n"
       "plain words\r\n" +
           std::string("W0604 10:00:01.000000 1 x.go:1] ") + big + "\n"},
      {FormatId::cri,
       "2026-06-04T10:00:00.000000001Z stdout F I0604 10:00:00.000000 1 a.go:1] ok\n"
       "2026-06-04T10:00:01Z stderr P {\"level\":\"error\",\n"
       "2026-06-04T10:00:01.1Z stdout F level=warning msg=x\n"
       "2026-06-04T10:00:01.2Z stderr F \"msg\":\"joined\"}\n"
       "stray ERROR line\n"
       "2026-06-04T10:00:02Z stdout F " + big + " FATAL\n"},
      {FormatId::kubectl_ts,
       "2026-06-04T10:00:00.000000000Z E0604 10:00:00.000000 1 a.go:1] bad\n"
       "2026-06-04T10:00:01.000000000Z panic: oops\ncontinued\n"},
      {FormatId::docker_json,
       "{\"log\":\"W0604 10:00:00.000000 1 a.go:1] careful\\n\",\"stream\":\"stderr\","
       "\"time\":\"2026-06-04T10:00:00Z\"}\n"
       "{\"log\":\"part \",\"stream\":\"stdout\",\"time\":\"2026-06-04T10:00:01Z\"}\n"
       "{\"log\":\"ERROR end\\n\",\"stream\":\"stdout\",\"time\":\"2026-06-04T10:00:02Z\"}\n"},
  };
}

TEST(DeferredMeta, CompletedRecordsEqualRecordsReadAtOnce) {
  FileInfo file;
  file.display = "f.log";
  file.year_hint = 2026;
  int deferred = 0;
  for (const auto& s : samples()) {
    Chunk chunk;
    chunk.file = &file;
    chunk.format = s.format;
    chunk.bytes.reserve(s.bytes.size() + kChunkPadding);
    chunk.bytes = s.bytes;
    RecordBatch now, later;
    Problems p1, p2;
    split(chunk, now, p1, SplitMeta::now);
    split(chunk, later, p2, SplitMeta::when_needed);
    EXPECT_EQ(p1, p2) << format_name(s.format);
    ASSERT_EQ(now.records.size(), later.records.size()) << format_name(s.format);
    for (size_t i = 0; i < now.records.size(); ++i) {
      EXPECT_EQ(now.records[i].deferred, DeferredMeta::none);
      Record r = later.records[i];
      deferred += r.deferred != DeferredMeta::none;
      complete_meta(r, file.year_hint);
      EXPECT_EQ(r.deferred, DeferredMeta::none);
      EXPECT_EQ(dump(r), dump(now.records[i])) << format_name(s.format) << " record " << i;
    }
  }
  EXPECT_GE(deferred, 12);
}

}  // namespace
}  // namespace kdx::formats
