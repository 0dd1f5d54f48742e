// The ISA-L gzip inflater: whatever the compressed blocks' sizes, the bytes, header name and
// mtime come out as gzip(1) wrote them; members are read through; damage keeps what came
// before it and reads like libarchive's messages.
#include "ingest/gzip_isal.h"

#include <gtest/gtest.h>

#include "ingest/drain.h"
#include "support/make_archive.h"
#include "support/temp_dir.h"

namespace kdx::ingest {
namespace {

struct Inflated {
  std::string bytes;
  std::string error;  // "" when the stream ended cleanly
  std::string name;
  uint32_t mtime = 0;
  size_t reads = 0;
};

// Feeds `gz` in blocks of `block` bytes and reads until the end or damage.
Inflated inflate(const std::string& gz, size_t block) {
  size_t pos = 0;
  GzipInflater inf([&](std::string_view* bytes, std::string*) {
    *bytes = std::string_view(gz).substr(pos, block);
    pos += bytes->size();
    return true;
  });
  Inflated out;
  while (true) {
    auto got = inf.read();
    if (!got) {
      out.error = inf.error();
      break;
    }
    if (got->empty()) break;
    out.bytes.append(*got);
    ++out.reads;
  }
  out.name = inf.name();
  out.mtime = inf.mtime();
  return out;
}

class GzipInflaterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!GzipInflater::available()) GTEST_SKIP() << "built without ISA-L";
  }
};

TEST_F(GzipInflaterTest, AnyBlockSizeGivesTheSameBytesNameAndMtime) {
  const std::string text = kdx::test::noise_text(700000, 11);
  const std::string gz = kdx::test::gzip_bytes(text, "kubelet.log", 1780000000);
  for (size_t block : {size_t{1}, size_t{7}, size_t{4096}, size_t{1} << 20}) {
    Inflated got = inflate(gz, block);
    EXPECT_EQ(got.error, "") << block;
    EXPECT_EQ(got.bytes, text) << block;
    EXPECT_EQ(got.name, "kubelet.log") << block;
    EXPECT_EQ(got.mtime, 1780000000u) << block;
  }
  // 700000 bytes in 256 KiB reads.
  EXPECT_EQ(inflate(gz, 1 << 20).reads, 3u);
}

TEST_F(GzipInflaterTest, MembersAreReadThroughAndTrailingJunkIsIgnored) {
  const std::string a = kdx::test::noise_text(5000, 1), b = kdx::test::noise_text(3000, 2);
  const std::string two = kdx::test::gzip_bytes(a, "a.log", 1) + kdx::test::gzip_bytes(b, "b.log", 2);
  for (size_t block : {size_t{1}, size_t{100}, size_t{1} << 16}) {
    Inflated got = inflate(two, block);
    EXPECT_EQ(got.error, "");
    EXPECT_EQ(got.bytes, a + b);
    EXPECT_EQ(got.name, "a.log");  // the first member's
    EXPECT_EQ(got.mtime, 1u);
    EXPECT_EQ(inflate(two + std::string(512, '\0'), block).bytes, a + b);
    EXPECT_EQ(inflate(two + "\x1f", block).bytes, a + b);
    EXPECT_EQ(inflate(two + "\x1f junk", block).error, "");
  }
}

TEST_F(GzipInflaterTest, EmptyStreamAndNamelessHeader) {
  Inflated got = inflate(kdx::test::gzip_bytes(""), 64);
  EXPECT_EQ(got.error, "");
  EXPECT_EQ(got.bytes, "");
  EXPECT_EQ(got.name, "");
  EXPECT_EQ(got.mtime, 0u);
}

TEST_F(GzipInflaterTest, TruncationKeepsEverythingBeforeIt) {
  const std::string text = kdx::test::noise_text(400000, 5);
  const std::string gz = kdx::test::gzip_bytes(text);
  for (size_t cut : {gz.size() / 2, gz.size() - 4, size_t{5}}) {
    Inflated got = inflate(gz.substr(0, cut), 1000);
    EXPECT_EQ(got.error, "truncated gzip input") << cut;
    EXPECT_EQ(got.bytes, text.substr(0, got.bytes.size())) << cut;
  }
  EXPECT_GT(inflate(gz.substr(0, gz.size() / 2), 1000).bytes.size(), 100000u);
  // Only the 8-byte trailer missing: every byte is out, and still it is truncated.
  EXPECT_EQ(inflate(gz.substr(0, gz.size() - 8), 1000).bytes, text);
}

TEST_F(GzipInflaterTest, CorruptDataAndChecksumAreDamage) {
  const std::string text = kdx::test::noise_text(200000, 9);
  std::string gz = kdx::test::gzip_bytes(text);
  std::string bad_crc = gz;
  bad_crc[bad_crc.size() - 8] ^= 0x55;  // the trailer's CRC-32
  Inflated crc = inflate(bad_crc, 4096);
  EXPECT_EQ(crc.error, "gzip checksum mismatch");
  EXPECT_EQ(crc.bytes, text);
  std::string bad_header = gz;
  bad_header[2] = 7;  // compression method: not deflate
  EXPECT_EQ(inflate(bad_header, 4096).error, "damaged gzip header");
  std::string bad_block = gz;
  for (size_t i = gz.size() / 2; i < gz.size() / 2 + 64; ++i) bad_block[i] = '\xff';
  // Damaged deflate data may still decode for a while (into wrong bytes): only the CRC-32 or
  // an invalid code can tell, and either ends the stream.
  Inflated junk = inflate(bad_block, 4096);
  EXPECT_TRUE(junk.error == "gzip decompression failed" || junk.error == "gzip checksum mismatch")
      << junk.error;
  // Noise barely compresses: the bytes before the damage (about half) come out intact.
  ASSERT_GT(junk.bytes.size(), text.size() / 4);
  EXPECT_EQ(junk.bytes.substr(0, text.size() / 4), text.substr(0, text.size() / 4));
}

TEST_F(GzipInflaterTest, PullErrorsArePassedOn) {
  GzipInflater inf([](std::string_view*, std::string* error) {
    *error = "Input/output error";
    return false;
  });
  EXPECT_FALSE(inf.read().has_value());
  EXPECT_EQ(inf.error(), "Input/output error");
}

TEST_F(GzipInflaterTest, ConcatenatedGzipFileIsOneFileThroughOpenInput) {
  kdx::test::TempDir dir;
  const std::string gz = kdx::test::gzip_bytes("first\n", "app.log", 1780000000) +
                         kdx::test::gzip_bytes("second\n", "other.log", 1);
  const std::string arg = dir.write("app.log.gz", gz);
  auto out = test::open_and_drain(arg);
  EXPECT_EQ(test::problem_texts(out->problems), std::vector<std::string>{});
  EXPECT_EQ(test::summary(out->read), std::vector<std::string>({arg + "|app.log|first\nsecond\n"}));
}

}  // namespace
}  // namespace kdx::ingest
