// ParquetTypeFor: the mapping table of SPEC §5 as `schema show` prints it,
// and the FIXED_LEN_BYTE_ARRAY widths of decimals (computed by hand:
// the smallest n with 2^(8n-1) - 1 >= 10^p - 1).
#include "format/parquet/type_mapping.h"

#include <gtest/gtest.h>

namespace sluice::parquet {
namespace {

std::string Describe(DataType type, bool nullable = true) {
  Field field;
  field.name = "c";
  field.type = type;
  field.nullable = nullable;
  return ParquetTypeFor(field).ToString();
}

TEST(TypeMapping, EveryTypeMapsAsSpecified) {
  EXPECT_EQ(Describe(DataType::Of(TypeId::kBoolean)), "BOOLEAN OPTIONAL");
  EXPECT_EQ(Describe(DataType::Of(TypeId::kInt8)), "INT32 INT(8,signed) [INT_8] OPTIONAL");
  EXPECT_EQ(Describe(DataType::Of(TypeId::kInt16)), "INT32 INT(16,signed) [INT_16] OPTIONAL");
  EXPECT_EQ(Describe(DataType::Of(TypeId::kInt32)), "INT32 INT(32,signed) [INT_32] OPTIONAL");
  EXPECT_EQ(Describe(DataType::Of(TypeId::kInt64), false), "INT64 INT(64,signed) [INT_64] REQUIRED");
  EXPECT_EQ(Describe(DataType::Of(TypeId::kUInt8)), "INT32 INT(8,unsigned) [UINT_8] OPTIONAL");
  EXPECT_EQ(Describe(DataType::Of(TypeId::kUInt16)), "INT32 INT(16,unsigned) [UINT_16] OPTIONAL");
  EXPECT_EQ(Describe(DataType::Of(TypeId::kUInt32)), "INT32 INT(32,unsigned) [UINT_32] OPTIONAL");
  EXPECT_EQ(Describe(DataType::Of(TypeId::kUInt64)), "INT64 INT(64,unsigned) [UINT_64] OPTIONAL");
  EXPECT_EQ(Describe(DataType::Of(TypeId::kFloat32)), "FLOAT OPTIONAL");
  EXPECT_EQ(Describe(DataType::Of(TypeId::kFloat64)), "DOUBLE OPTIONAL");
  EXPECT_EQ(Describe(DataType::Decimal(1, 0)), "INT32 DECIMAL(1,0) [DECIMAL] OPTIONAL");
  EXPECT_EQ(Describe(DataType::Decimal(9, 9)), "INT32 DECIMAL(9,9) [DECIMAL] OPTIONAL");
  EXPECT_EQ(Describe(DataType::Decimal(10, 2)), "INT64 DECIMAL(10,2) [DECIMAL] OPTIONAL");
  EXPECT_EQ(Describe(DataType::Decimal(18, 0)), "INT64 DECIMAL(18,0) [DECIMAL] OPTIONAL");
  EXPECT_EQ(Describe(DataType::Decimal(19, 0)), "FIXED_LEN_BYTE_ARRAY(9) DECIMAL(19,0) [DECIMAL] OPTIONAL");
  EXPECT_EQ(Describe(DataType::Decimal(20, 0)), "FIXED_LEN_BYTE_ARRAY(9) DECIMAL(20,0) [DECIMAL] OPTIONAL");
  EXPECT_EQ(Describe(DataType::Decimal(38, 10)), "FIXED_LEN_BYTE_ARRAY(16) DECIMAL(38,10) [DECIMAL] OPTIONAL");
  EXPECT_EQ(Describe(DataType::Decimal(39, 0)), "BYTE_ARRAY STRING [UTF8] OPTIONAL");
  EXPECT_EQ(Describe(DataType::Decimal(65, 30)), "BYTE_ARRAY STRING [UTF8] OPTIONAL");
  EXPECT_EQ(Describe(DataType::Decimal(0, 0)), "BYTE_ARRAY STRING [UTF8] OPTIONAL");
  EXPECT_EQ(Describe(DataType::Of(TypeId::kDate)), "INT32 DATE [DATE] OPTIONAL");
  EXPECT_EQ(Describe(DataType::Of(TypeId::kTime)), "INT64 TIME(MICROS,utc=false) OPTIONAL");
  EXPECT_EQ(Describe(DataType::Of(TypeId::kTimestamp)), "INT64 TIMESTAMP(MICROS,utc=false) OPTIONAL");
  EXPECT_EQ(Describe(DataType::Of(TypeId::kTimestampTz)),
            "INT64 TIMESTAMP(MICROS,utc=true) [TIMESTAMP_MICROS] OPTIONAL");
  EXPECT_EQ(Describe(DataType::Of(TypeId::kString)), "BYTE_ARRAY STRING [UTF8] OPTIONAL");
  EXPECT_EQ(Describe(DataType::Of(TypeId::kJson)), "BYTE_ARRAY STRING [UTF8] OPTIONAL");
  EXPECT_EQ(Describe(DataType::Of(TypeId::kBinary), false), "BYTE_ARRAY REQUIRED");
}

TEST(TypeMapping, StructuredFieldsOfADecimal) {
  Field field;
  field.type = DataType::Decimal(38, 10);
  ParquetColumnType type = ParquetTypeFor(field);
  EXPECT_EQ(type.physical_type, PhysicalType::kFixedLenByteArray);
  EXPECT_EQ(type.type_length, 16);
  EXPECT_EQ(type.logical_type.kind, LogicalType::Kind::kDecimal);
  EXPECT_EQ(type.logical_type.precision, 38);
  EXPECT_EQ(type.logical_type.scale, 10);
  EXPECT_EQ(type.converted_type, ConvertedType::kDecimal);
  EXPECT_FALSE(type.required);
}

TEST(TypeMapping, DecimalByteLengthIsTheSmallestThatHoldsThePrecision) {
  // precision: 1-2 -> 1, 3-4 -> 2, 5-6 -> 3, 7-9 -> 4, 10-11 -> 5, 12-14 -> 6, 15-16 -> 7, 17-18 -> 8,
  // 19-21 -> 9, 22-23 -> 10, 24-26 -> 11, 27-28 -> 12, 29-31 -> 13, 32-33 -> 14, 34-35 -> 15, 36-38 -> 16.
  const int kLengths[39] = {0, 1, 1,  2,  2,  3,  3,  4,  4,  4,  5,  5,  6,  6,  6,  7,  7,  8,  8, 9,
                            9, 9, 10, 10, 11, 11, 11, 12, 12, 13, 13, 13, 14, 14, 15, 15, 16, 16, 16};
  for (int precision = 1; precision <= 38; ++precision) {
    EXPECT_EQ(DecimalByteLength(precision), kLengths[precision]) << "precision " << precision;
  }
}

}  // namespace
}  // namespace sluice::parquet
