// Path helpers and content sniffing.
#include "ingest/names.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <string>

#include "ingest/sniff.h"
#include "support/make_archive.h"

namespace kdx::ingest {
namespace {

TEST(Names, NormalizeMemberDropsDotsAndFlagsOnlyUnsafePaths) {
  bool unsafe = true;
  EXPECT_EQ(normalize_member("./bundle//a/./b.log", &unsafe), "bundle/a/b.log");
  EXPECT_FALSE(unsafe);
  EXPECT_EQ(normalize_member("/etc/passwd", &unsafe), "etc/passwd");
  EXPECT_TRUE(unsafe);
  EXPECT_EQ(normalize_member("a/../../b", &unsafe), "a/b");
  EXPECT_TRUE(unsafe);
  EXPECT_EQ(normalize_member("..", &unsafe), "");
  EXPECT_TRUE(unsafe);
}

TEST(Names, NormalizeDisplayKeepsTheUsersOwnPath) {
  EXPECT_EQ(normalize_display("./dump//a/./b.log"), "dump/a/b.log");
  EXPECT_EQ(normalize_display("/tmp/x/./"), "/tmp/x");
  EXPECT_EQ(normalize_display("../up/x"), "../up/x");
  EXPECT_EQ(normalize_display("./"), ".");
  EXPECT_EQ(normalize_display("/"), "/");
}

TEST(Names, BaseDirAndJoin) {
  EXPECT_EQ(base_name("a/b/c.log"), "c.log");
  EXPECT_EQ(base_name("c.log"), "c.log");
  EXPECT_EQ(base_name("a/b/"), "b");
  EXPECT_EQ(dir_name("a/b/c.log"), "a/b");
  EXPECT_EQ(dir_name("c.log"), "");
  EXPECT_EQ(dir_name("/c.log"), "/");
  EXPECT_EQ(join_path("a", "b"), "a/b");
  EXPECT_EQ(join_path("a/", "b"), "a/b");
  EXPECT_EQ(join_path("", "b"), "b");
}

TEST(Names, Suffixes) {
  EXPECT_EQ(strip_compression_suffix("x.log.gz"), "x.log");
  EXPECT_EQ(strip_compression_suffix("x.ZST"), "x");
  EXPECT_EQ(strip_compression_suffix("x.log"), "x.log");
  EXPECT_EQ(strip_compression_suffix(".gz"), ".gz");
  EXPECT_EQ(strip_archive_suffix("sos-node1.tar.xz"), "sos-node1");
  EXPECT_EQ(strip_archive_suffix("b.tgz"), "b");
  EXPECT_EQ(strip_archive_suffix("b.zip"), "b");
  EXPECT_EQ(strip_archive_suffix("b.log.gz"), "b.log.gz");
}

TEST(Sniff, MagicNumbers) {
  EXPECT_EQ(sniff(kdx::test::gzip_bytes("x")), Container::gzip);
  EXPECT_EQ(sniff(kdx::test::zstd_bytes("x")), Container::zstd);
  EXPECT_EQ(sniff(std::string("\xfd"
                              "7zXZ\0\0",
                              7)),
            Container::xz);
  EXPECT_EQ(sniff("BZh91AY&SY"), Container::bzip2);
  EXPECT_EQ(sniff("BZh is not bzip2"), Container::plain);
  EXPECT_EQ(sniff("PK\x03\x04rest"), Container::zip);
  EXPECT_EQ(sniff("2026-06-04T10:00:00Z stderr F hello\n"), Container::plain);
  EXPECT_EQ(sniff(""), Container::plain);
}

TEST(Sniff, TarByMagicOrByV7Checksum) {
  std::string ustar = kdx::test::make_archive(kdx::test::ArchiveFormat::tar, {{"a.log", "a"}});
  EXPECT_EQ(sniff(ustar), Container::tar);
  // A v7 header: no magic, only the checksum over the block (checksum field read as spaces).
  std::string v7(512, '\0');
  v7.replace(0, 5, "a.log");
  v7.replace(100, 7, "0000644");
  v7.replace(124, 11, "00000000001");
  v7.replace(148, 8, "        ");
  unsigned sum = 0;
  for (unsigned char c : v7) sum += c;
  char field[8];
  std::snprintf(field, sizeof field, "%06o", sum);
  v7.replace(148, 7, std::string(field, 6) + '\0');
  EXPECT_EQ(sniff(v7), Container::tar);
  v7[0] = 'b';  // the checksum no longer adds up
  EXPECT_EQ(sniff(v7), Container::plain);
  EXPECT_EQ(sniff(std::string(512, 'x')), Container::plain);
}

}  // namespace
}  // namespace kdx::ingest
