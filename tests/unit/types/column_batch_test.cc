#include "types/column_batch.h"

#include <gtest/gtest.h>

namespace sluice {
namespace {

SchemaPtr MakeSchema() {
  auto schema = std::make_shared<Schema>();
  schema->fields = {
      {"id", DataType::Of(TypeId::kInt64), false, "bigint", 0},
      {"name", DataType::Of(TypeId::kString), true, "varchar(20)", 20},
      {"amount", DataType::Decimal(38, 2), true, "decimal(38,2)", 0},
  };
  schema->primary_key = {"id"};
  return schema;
}

TEST(ColumnBatch, AppendsValuesAndNullsInRowOrder) {
  ColumnBatch batch(MakeSchema());
  batch.column(0).Append<int64_t>(1);
  batch.column(1).AppendBytes("a");
  batch.column(2).AppendNull();
  batch.column(0).Append<int64_t>(2);
  batch.column(1).AppendNull();
  batch.column(2).Append<int128_t>(static_cast<int128_t>(-5));
  ASSERT_TRUE(batch.ColumnsHaveEqualLength());
  EXPECT_EQ(batch.num_rows(), 2u);
  EXPECT_EQ(batch.column(0).Value<int64_t>(1), 2);
  EXPECT_EQ(batch.column(1).Bytes(0), "a");
  EXPECT_TRUE(batch.column(1).IsNull(1));
  EXPECT_EQ(batch.column(1).Bytes(1), "");
  EXPECT_TRUE(batch.column(2).IsNull(0));
  EXPECT_EQ(batch.column(2).Value<int128_t>(1), -5);
  EXPECT_EQ(batch.column(2).null_count(), 1u);
}

TEST(ColumnBatch, ClearKeepsSchemaAndEmptiesColumns) {
  ColumnBatch batch(MakeSchema());
  batch.column(1).AppendBytes("xyz");
  batch.Clear();
  EXPECT_EQ(batch.column(1).size(), 0u);
  batch.column(1).AppendBytes("q");
  EXPECT_EQ(batch.column(1).Bytes(0), "q");
}

// A cleared column keeps its room: values appended after Clear() are the
// new ones only, a NULL reads as zero where an old value was, and the
// values survive the room growing (past Reserve) many times over.
TEST(ColumnBatch, AppendsAfterClearAndPastTheReservedRoom) {
  ColumnBatch batch(MakeSchema());
  ColumnVector& ids = batch.column(0);
  ids.Reserve(4);
  for (int64_t value = 0; value < 10000; ++value) ids.Append<int64_t>(value * 3);
  ASSERT_EQ(ids.size(), 10000u);
  for (size_t row = 0; row < 10000; ++row) ASSERT_EQ(ids.Value<int64_t>(row), static_cast<int64_t>(row) * 3);
  EXPECT_EQ(ids.data<int64_t>()[9999], 29997);
  size_t full = ids.ByteSize();
  ids.Clear();
  EXPECT_EQ(ids.size(), 0u);
  EXPECT_LT(ids.ByteSize(), full);
  ids.AppendNull();
  ids.Append<int64_t>(-7);
  ASSERT_EQ(ids.size(), 2u);
  EXPECT_TRUE(ids.IsNull(0));
  EXPECT_EQ(ids.Value<int64_t>(0), 0) << "a NULL stores a zero, not the value there before Clear()";
  EXPECT_EQ(ids.Value<int64_t>(1), -7);
  EXPECT_EQ(ids.ByteSize(), 2u + 2 * sizeof(int64_t));
}

TEST(Schema, FingerprintChangesWithShape) {
  Schema a = *MakeSchema();
  Schema b = a;
  EXPECT_EQ(a.Fingerprint(), b.Fingerprint());
  b.fields[2].type = DataType::Decimal(38, 3);
  EXPECT_NE(a.Fingerprint(), b.Fingerprint());
  EXPECT_EQ(*a.FieldIndex("amount"), 2u);
  EXPECT_FALSE(a.FieldIndex("missing").has_value());
}

TEST(DataType, StorageFollowsPrecision) {
  EXPECT_EQ(DataType::Decimal(18, 2).storage(), Storage::kInt64);
  EXPECT_EQ(DataType::Decimal(20, 0).storage(), Storage::kInt128);
  EXPECT_EQ(DataType::Decimal(65, 30).storage(), Storage::kBytes);
  EXPECT_EQ(DataType::Of(TypeId::kUInt64).storage(), Storage::kUInt64);
  EXPECT_EQ(DataType::Of(TypeId::kUInt32).storage(), Storage::kInt64);
}

}  // namespace
}  // namespace sluice
