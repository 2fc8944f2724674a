// The Thrift compact protocol writer against byte sequences worked out by
// hand from the protocol spec (thrift/doc/specs/thrift-compact-protocol.md).
#include "format/parquet/thrift_compact.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "format/parquet/metadata.h"

namespace sluice::parquet::thrift {
namespace {

std::vector<int> Bytes(const std::string& text) {
  std::vector<int> bytes;
  for (unsigned char c : text) bytes.push_back(c);
  return bytes;
}

TEST(CompactWriter, ZigZagMapsSignedToUnsigned) {
  EXPECT_EQ(CompactWriter::ZigZag32(0), 0u);
  EXPECT_EQ(CompactWriter::ZigZag32(-1), 1u);
  EXPECT_EQ(CompactWriter::ZigZag32(1), 2u);
  EXPECT_EQ(CompactWriter::ZigZag32(-2), 3u);
  EXPECT_EQ(CompactWriter::ZigZag32(2147483647), 4294967294u);
  EXPECT_EQ(CompactWriter::ZigZag32(-2147483647 - 1), 4294967295u);
  EXPECT_EQ(CompactWriter::ZigZag64(-9223372036854775807LL - 1), 18446744073709551615ULL);
}

TEST(CompactWriter, ShortFieldHeaderCarriesDeltaAndType) {
  std::string out;
  CompactWriter writer(&out);
  writer.BeginStruct();
  writer.FieldI32(1, 1);
  writer.EndStruct();
  EXPECT_EQ(Bytes(out), (std::vector<int>{0x15, 0x02, 0x00}));
}

TEST(CompactWriter, VarintsSpanBytesLowGroupFirst) {
  std::string out;
  CompactWriter writer(&out);
  writer.BeginStruct();
  writer.FieldI32(1, 300);        // zigzag 600 = 0b100_1011000
  writer.FieldI32(2, -1);         // zigzag 1
  writer.FieldI64(3, 1LL << 40);  // zigzag 2^41: five 7-bit groups of 0, then bit 6 of the sixth
  writer.EndStruct();
  EXPECT_EQ(Bytes(out),
            (std::vector<int>{0x15, 0xD8, 0x04, 0x15, 0x01, 0x16, 0x80, 0x80, 0x80, 0x80, 0x80, 0x40, 0x00}));
}

TEST(CompactWriter, LongFieldHeaderWhenDeltaExceeds15OrIsNotPositive) {
  std::string out;
  CompactWriter writer(&out);
  writer.BeginStruct();
  writer.FieldI32(1, 5);
  writer.FieldI64(20, -2);  // delta 19: type byte, then id 20 as zigzag varint (40)
  writer.FieldI32(3, 0);    // delta negative: long form, id 3 -> 6
  writer.EndStruct();
  EXPECT_EQ(Bytes(out), (std::vector<int>{0x15, 0x0A, 0x06, 0x28, 0x03, 0x05, 0x06, 0x00, 0x00}));
}

TEST(CompactWriter, BoolValueLivesInTheTypeNibble) {
  std::string out;
  CompactWriter writer(&out);
  writer.BeginStruct();
  writer.FieldBool(1, true);
  writer.FieldBool(2, false);
  writer.EndStruct();
  EXPECT_EQ(Bytes(out), (std::vector<int>{0x11, 0x12, 0x00}));  // deltas 1 and 1; types 1 (true), 2 (false)
}

TEST(CompactWriter, BinaryAndI8AndI16) {
  std::string out;
  CompactWriter writer(&out);
  writer.BeginStruct();
  writer.FieldI8(1, -8);
  writer.FieldI16(2, 64);
  writer.FieldBinary(4, "ab");
  writer.EndStruct();
  EXPECT_EQ(Bytes(out), (std::vector<int>{0x13, 0xF8, 0x14, 0x80, 0x01, 0x28, 0x02, 'a', 'b', 0x00}));
}

TEST(CompactWriter, NestedStructRestoresTheOuterFieldId) {
  std::string out;
  CompactWriter writer(&out);
  writer.BeginStruct();
  writer.BeginFieldStruct(1);
  writer.FieldI32(1, 1);
  writer.EndStruct();
  writer.FieldI32(2, 2);  // delta 1 from the outer field 1, not from the inner one
  writer.FieldEmptyStruct(3);
  writer.EndStruct();
  EXPECT_EQ(Bytes(out), (std::vector<int>{0x1C, 0x15, 0x02, 0x00, 0x15, 0x04, 0x1C, 0x00, 0x00}));
}

TEST(CompactWriter, ListHeaderShortAndLongForms) {
  std::string out;
  CompactWriter writer(&out);
  writer.BeginStruct();
  writer.BeginFieldList(2, CompactType::kI32, 3);
  for (int value : {1, 2, 3}) writer.ElementI32(value);
  writer.BeginFieldList(3, CompactType::kBinary, 15);
  for (int element = 0; element < 15; ++element) writer.ElementBinary("x");
  writer.BeginFieldList(4, CompactType::kStruct, 1);
  writer.BeginStruct();
  writer.FieldI32(1, 7);
  writer.EndStruct();
  writer.EndStruct();
  std::vector<int> expected = {0x29, 0x35, 0x02, 0x04, 0x06, 0x19, 0xF8, 0x0F};
  for (int element = 0; element < 15; ++element) {
    expected.push_back(0x01);
    expected.push_back('x');
  }
  for (int byte : {0x19, 0x1C, 0x15, 0x0E, 0x00, 0x00}) expected.push_back(byte);
  EXPECT_EQ(Bytes(out), expected);
}

// A whole data page header, assembled by hand from parquet.thrift:
// PageHeader{1: type=DATA_PAGE(0), 2: uncompressed=100, 3: compressed=50,
// 5: DataPageHeader{1: num_values=10, 2: encoding=PLAIN(0), 3: RLE(3), 4: RLE(3)}}.
TEST(CompactWriter, DataPageHeaderBytes) {
  std::string out;
  SerializeDataPageHeader(DataPageHeader{100, 50, 10, Encoding::kPlain}, &out);
  EXPECT_EQ(Bytes(out), (std::vector<int>{0x15, 0x00, 0x15, 0xC8, 0x01, 0x15, 0x64, 0x2C, 0x15, 0x14, 0x15, 0x00, 0x15,
                                          0x06, 0x15, 0x06, 0x00, 0x00}));
}

// PageHeader{1: DICTIONARY_PAGE(2), 2: 7, 3: 7, 7: DictionaryPageHeader{1: 3, 2: PLAIN(0)}}.
TEST(CompactWriter, DictionaryPageHeaderBytes) {
  std::string out;
  SerializeDictionaryPageHeader(DictionaryPageHeader{7, 7, 3}, &out);
  EXPECT_EQ(Bytes(out),
            (std::vector<int>{0x15, 0x04, 0x15, 0x0E, 0x15, 0x0E, 0x4C, 0x15, 0x06, 0x15, 0x00, 0x00, 0x00}));
}

}  // namespace
}  // namespace sluice::parquet::thrift
