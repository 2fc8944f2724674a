// The RLE / bit-packing hybrid encoder against byte sequences worked out by
// hand from parquet-format's Encodings.md, and against a reference decoder
// written here from the same document.
#include "format/parquet/rle_encoder.h"

#include <gtest/gtest.h>

#include <random>
#include <vector>

namespace sluice::parquet {
namespace {

std::vector<int> Bytes(const ByteBuffer& buffer) {
  std::vector<int> bytes;
  for (size_t byte_idx = 0; byte_idx < buffer.size(); ++byte_idx) bytes.push_back(buffer.data()[byte_idx]);
  return bytes;
}

std::vector<int> Encode(const std::vector<uint32_t>& values, int bit_width) {
  ByteBuffer out;
  EncodeRleHybrid(values.data(), values.size(), bit_width, &out);
  return Bytes(out);
}

// Decodes `count` values of the hybrid encoding (reference implementation).
std::vector<uint32_t> Decode(const ByteBuffer& encoded, size_t count, int bit_width) {
  std::vector<uint32_t> values;
  size_t position = 0;
  auto next_byte = [&]() -> uint64_t {
    EXPECT_LT(position, encoded.size());
    return position < encoded.size() ? encoded.data()[position++] : 0;
  };
  while (values.size() < count && position < encoded.size()) {
    uint64_t header = 0;
    for (int shift = 0;; shift += 7) {
      uint64_t byte = next_byte();
      header |= (byte & 0x7F) << shift;
      if ((byte & 0x80) == 0) break;
    }
    if ((header & 1) == 0) {
      uint64_t value = 0;
      for (int byte_idx = 0; byte_idx < (bit_width + 7) / 8; ++byte_idx) value |= next_byte() << (8 * byte_idx);
      for (uint64_t repeat = 0; repeat < (header >> 1); ++repeat) values.push_back(static_cast<uint32_t>(value));
    } else {
      size_t value_count = (header >> 1) * 8;
      size_t bit_count = value_count * static_cast<size_t>(bit_width);
      std::vector<uint8_t> packed;
      for (size_t byte_idx = 0; byte_idx < bit_count / 8; ++byte_idx)
        packed.push_back(static_cast<uint8_t>(next_byte()));
      for (size_t value_idx = 0; value_idx < value_count; ++value_idx) {
        uint64_t value = 0;
        for (int bit = 0; bit < bit_width; ++bit) {
          size_t bit_position = value_idx * static_cast<size_t>(bit_width) + static_cast<size_t>(bit);
          value |= static_cast<uint64_t>((packed[bit_position / 8] >> (bit_position % 8)) & 1) << bit;
        }
        values.push_back(static_cast<uint32_t>(value));
      }
    }
  }
  EXPECT_EQ(position, encoded.size()) << "trailing bytes";
  EXPECT_GE(values.size(), count);
  values.resize(count);
  return values;
}

TEST(BitWidth, BitsNeededForTheLargestValue) {
  EXPECT_EQ(BitWidth(0), 0);
  EXPECT_EQ(BitWidth(1), 1);
  EXPECT_EQ(BitWidth(2), 2);
  EXPECT_EQ(BitWidth(3), 2);
  EXPECT_EQ(BitWidth(255), 8);
  EXPECT_EQ(BitWidth(256), 9);
  EXPECT_EQ(BitWidth(4294967295u), 32);
}

// The example of Encodings.md: 0..7 with bit width 3 pack into
// 10001000 11000110 11111010.
TEST(RleHybrid, BitPackedGroupMatchesTheSpecExample) {
  EXPECT_EQ(Encode({0, 1, 2, 3, 4, 5, 6, 7}, 3), (std::vector<int>{0x03, 0x88, 0xC6, 0xFA}));
}

TEST(RleHybrid, LongRepeatBecomesOneRleRun) {
  // 100 zeros: header 100 << 1 = 200 as ULEB128, then the value in one byte.
  EXPECT_EQ(Encode(std::vector<uint32_t>(100, 0), 1), (std::vector<int>{0xC8, 0x01, 0x00}));
  // Bit width 9: the value takes two bytes, little-endian.
  EXPECT_EQ(Encode(std::vector<uint32_t>(8, 300), 9), (std::vector<int>{0x10, 0x2C, 0x01}));
}

TEST(RleHybrid, ShortSequenceIsOneZeroPaddedGroup) { EXPECT_EQ(Encode({1, 0, 1}, 1), (std::vector<int>{0x03, 0x05})); }

TEST(RleHybrid, RunThenLiteralTail) {
  std::vector<uint32_t> values(10, 1);
  values.push_back(0);
  values.push_back(1);
  // RLE run of ten 1s (header 20), then one group holding 0, 1 (0b10).
  EXPECT_EQ(Encode(values, 1), (std::vector<int>{0x14, 0x01, 0x03, 0x02}));
}

TEST(RleHybrid, LiteralsBorrowFromTheFollowingRunToFillTheirGroup) {
  std::vector<uint32_t> values = {0, 1, 0};
  values.insert(values.end(), 20, 1);
  // Group 0,1,0,1,1,1,1,1 = 0b11111010, then an RLE run of the 15 remaining 1s.
  EXPECT_EQ(Encode(values, 1), (std::vector<int>{0x03, 0xFA, 0x1E, 0x01}));
}

TEST(RleHybrid, RunTooShortAfterBorrowingStaysLiteral) {
  std::vector<uint32_t> values = {0, 1, 0};
  values.insert(values.end(), 9, 1);  // 9 - 5 borrowed < 8
  // 12 values: two groups, 0,1,0,1,1,1,1,1 and 1,1,1,1 + four zero pads.
  EXPECT_EQ(Encode(values, 1), (std::vector<int>{0x05, 0xFA, 0x0F}));
}

TEST(BitPack, PacksLsbFirstAndPadsTheLastByte) {
  std::vector<uint8_t> bits = {1, 0, 1, 1, 0, 0, 0, 0, 1};
  ByteBuffer out;
  BitPack(bits.data(), bits.size(), 1, &out);
  EXPECT_EQ(Bytes(out), (std::vector<int>{0x0D, 0x01}));
}

TEST(RleHybrid, RandomRunsRoundTripThroughAReferenceDecoderAtEveryBitWidth) {
  std::mt19937_64 random(42);
  for (int bit_width = 1; bit_width <= 32; ++bit_width) {
    uint64_t max_value = bit_width == 32 ? 0xFFFFFFFFull : (1ull << bit_width) - 1;
    for (int trial = 0; trial < 20; ++trial) {
      std::vector<uint32_t> values;
      size_t count = random() % 300;
      while (values.size() < count) {
        uint32_t value = static_cast<uint32_t>(random() % 4 == 0 ? max_value : random() % (max_value + 1));
        size_t run = random() % 3 == 0 ? random() % 40 : 1;
        for (size_t repeat = 0; repeat < run && values.size() < count; ++repeat) values.push_back(value);
      }
      ByteBuffer out;
      EncodeRleHybrid(values.data(), values.size(), bit_width, &out);
      ASSERT_EQ(Decode(out, values.size(), bit_width), values) << "bit width " << bit_width << ", trial " << trial;
      if (bit_width <= 8) {
        std::vector<uint8_t> narrow(values.begin(), values.end());
        ByteBuffer narrow_out;
        EncodeRleHybrid(narrow.data(), narrow.size(), bit_width, &narrow_out);
        ASSERT_EQ(Bytes(narrow_out), Bytes(out));
      }
    }
  }
}

}  // namespace
}  // namespace sluice::parquet
