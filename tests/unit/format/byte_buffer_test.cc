// BlockBuffer: the pages of a column chunk, kept in blocks that are reused
// from chunk to chunk. A writer clears it after every row group, so what it
// keeps must be bounded by the largest chunk, not grow with the file.
#include "format/parquet/byte_buffer.h"

#include <gtest/gtest.h>

#include <string>

namespace sluice::parquet {
namespace {

std::string Joined(const BlockBuffer& buffer) {
  std::string bytes;
  for (size_t block_idx = 0; block_idx < buffer.block_count(); ++block_idx) bytes += buffer.block(block_idx);
  return bytes;
}

TEST(BlockBufferTest, KeepsPartsInOrderAcrossBlocks) {
  BlockBuffer buffer;
  std::string expected;
  for (int part_idx = 0; part_idx < 200; ++part_idx) {
    std::string header(7, static_cast<char>('a' + part_idx % 26));
    std::string body(static_cast<size_t>(1000 + part_idx * 97), static_cast<char>(part_idx));
    buffer.Append({header, body});
    expected += header + body;
  }
  EXPECT_EQ(buffer.size(), expected.size());
  EXPECT_EQ(Joined(buffer), expected);
  EXPECT_GT(buffer.block_count(), 1u);
}

// A chunk's pages differ in size from row group to row group (compressed
// sizes vary; an incompressible page plus its header passes the 1 MiB block
// cap). Blocks kept from earlier chunks that are too small for a page used
// to get a fresh block inserted in front of them, so a long file grew the
// writer by about a block per row group.
TEST(BlockBufferTest, MemoryStaysBoundedWhenChunkSizesVary) {
  BlockBuffer buffer;
  constexpr size_t kPagesPerChunk = 6;
  constexpr size_t kLargestPage = 3 << 19;  // a third of the pages pass the 1 MiB block cap
  uint64_t state = 12345;
  auto next_size = [&state] {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    return static_cast<size_t>(64 << 10) + static_cast<size_t>(state >> 33) % (kLargestPage - (64 << 10));
  };
  for (int chunk_idx = 0; chunk_idx < 300; ++chunk_idx) {
    buffer.Clear();
    std::string expected;
    for (size_t page_idx = 0; page_idx < kPagesPerChunk; ++page_idx) {
      std::string page(next_size(), static_cast<char>('a' + page_idx));
      buffer.Append({"hdr", page});
      expected += "hdr" + page;
    }
    ASSERT_EQ(buffer.size(), expected.size());
    if (chunk_idx % 50 == 0) {
      ASSERT_EQ(Joined(buffer), expected) << "chunk " << chunk_idx;
    }
    // Each page fits in at most two blocks' worth of the largest page.
    ASSERT_LE(buffer.capacity(), 2 * kPagesPerChunk * (kLargestPage + 3)) << "chunk " << chunk_idx;
  }
}

}  // namespace
}  // namespace sluice::parquet
