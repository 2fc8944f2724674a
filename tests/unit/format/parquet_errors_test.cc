// What the writers refuse, and that an error sticks: NULLs in REQUIRED
// columns, values outside their Parquet type, mismatched schemas, bad
// slices and options, a failing sink.
#include <gtest/gtest.h>

#include <cctype>

#include "format/parquet/file_writer.h"
#include "parquet_test_util.h"
#include "types/decimal.h"

namespace sluice::parquet::testing {
namespace {

// A sink that fails once more than `capacity_bytes` have been appended.
class FailingWritableFile final : public WritableFile {
 public:
  explicit FailingWritableFile(uint64_t capacity_bytes) : capacity_bytes_(capacity_bytes) {}
  Status Append(std::string_view data) override {
    if (size_ + data.size() > capacity_bytes_) return IoError("disk full (test)");
    size_ += data.size();
    return Status::Ok();
  }
  Status Sync() override { return Status::Ok(); }
  Status Close() override { return Status::Ok(); }
  uint64_t Size() const override { return size_; }

 private:
  uint64_t capacity_bytes_;
  uint64_t size_ = 0;
};

std::unique_ptr<FileWriter> OpenOrDie(const SchemaPtr& schema, WritableFile* sink, WriterOptions options = {}) {
  Result<std::unique_ptr<FileWriter>> writer = FileWriter::Open(schema, options, sink);
  EXPECT_TRUE(writer.has_value()) << writer.error().ToString();
  return writer.has_value() ? std::move(*writer) : nullptr;
}

TEST(ParquetErrors, NullInRequiredColumnIsADataErrorNamingTheColumn) {
  SchemaPtr schema = MakeSchema({MakeField("id", DataType::Of(TypeId::kInt64), false)});
  auto batch = MakeBatch(schema, {{int64_t{1}}, {Null()}});
  StringWritableFile sink;
  auto writer = OpenOrDie(schema, &sink);
  Status status = writer->Write(*batch);
  EXPECT_EQ(status.code(), StatusCode::kDataError);
  EXPECT_NE(status.message().find("'id'"), std::string::npos) << status.message();
  // Nothing was encoded, so the writer is still usable for valid rows.
  EXPECT_TRUE(writer->Write(*batch, 0, 1).ok());
  EXPECT_TRUE(writer->Close().ok());
}

struct OutOfRangeCase {
  DataType type;
  TestValue value;
};

// Names the case in test output (instead of gtest's byte dump).
void PrintTo(const OutOfRangeCase& range_case, std::ostream* out) { *out << range_case.type.ToString(); }

class ValueOutOfRange : public ::testing::TestWithParam<OutOfRangeCase> {};

TEST_P(ValueOutOfRange, IsADataErrorAndTheWriterStaysFailed) {
  for (bool dictionary : {true, false}) {
    SchemaPtr schema = MakeSchema({MakeField("v", GetParam().type)});
    auto batch = MakeBatch(schema, {{Null()}, {GetParam().value}});
    StringWritableFile sink;
    WriterOptions options;
    options.enable_dictionary = dictionary;
    auto writer = OpenOrDie(schema, &sink, options);
    Status status = writer->Write(*batch);
    EXPECT_EQ(status.code(), StatusCode::kDataError) << status.ToString();
    EXPECT_EQ(writer->Close(), status) << "the error sticks";
  }
}

INSTANTIATE_TEST_SUITE_P(
    NarrowTypes, ValueOutOfRange,
    ::testing::Values(OutOfRangeCase{DataType::Of(TypeId::kInt8), int64_t{128}},
                      OutOfRangeCase{DataType::Of(TypeId::kInt8), int64_t{-129}},
                      OutOfRangeCase{DataType::Of(TypeId::kInt16), int64_t{40000}},
                      OutOfRangeCase{DataType::Of(TypeId::kUInt8), int64_t{256}},
                      OutOfRangeCase{DataType::Of(TypeId::kUInt16), int64_t{-1}},
                      OutOfRangeCase{DataType::Of(TypeId::kUInt32), int64_t{4294967296}},
                      OutOfRangeCase{DataType::Of(TypeId::kUInt32), int64_t{-1}},
                      OutOfRangeCase{DataType::Decimal(9, 2), int64_t{1000000000}},
                      OutOfRangeCase{DataType::Decimal(4, 0), int64_t{-10000}},
                      OutOfRangeCase{DataType::Decimal(18, 0), int64_t{1000000000000000000}},
                      OutOfRangeCase{DataType::Decimal(20, 0), static_cast<__int128>(1) << 70},
                      OutOfRangeCase{DataType::Decimal(38, 0), -PowerOfTen(38)}),
    [](const ::testing::TestParamInfo<OutOfRangeCase>& info) {
      std::string name = info.param.type.ToString() + "_" + std::to_string(info.index);
      for (char& c : name) c = std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
      return name;
    });

TEST(ParquetErrors, BatchWithAnotherSchemaIsASchemaMismatch) {
  SchemaPtr schema = MakeSchema({MakeField("id", DataType::Of(TypeId::kInt64))});
  SchemaPtr other = MakeSchema({MakeField("id", DataType::Of(TypeId::kInt32))});
  SchemaPtr equal_copy = MakeSchema({MakeField("id", DataType::Of(TypeId::kInt64))});
  StringWritableFile sink;
  auto writer = OpenOrDie(schema, &sink);
  EXPECT_EQ(writer->Write(*MakeBatch(other, {{int64_t{1}}})).code(), StatusCode::kSchemaMismatch);
  EXPECT_TRUE(writer->Write(*MakeBatch(equal_copy, {{int64_t{1}}})).ok()) << "an equal schema is accepted";
}

TEST(ParquetErrors, SliceOutsideTheBatchIsInvalid) {
  SchemaPtr schema = MakeSchema({MakeField("id", DataType::Of(TypeId::kInt64))});
  auto batch = MakeBatch(schema, {{int64_t{1}}, {int64_t{2}}});
  StringWritableFile sink;
  auto writer = OpenOrDie(schema, &sink);
  EXPECT_EQ(writer->Write(*batch, 1, 2).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(writer->Write(*batch, 3, 0).code(), StatusCode::kInvalidArgument);
  EXPECT_TRUE(writer->Write(*batch, 2, 0).ok());
}

TEST(ParquetErrors, WriteOrCloseAfterCloseIsAnError) {
  SchemaPtr schema = MakeSchema({MakeField("id", DataType::Of(TypeId::kInt64))});
  StringWritableFile sink;
  auto writer = OpenOrDie(schema, &sink);
  ASSERT_TRUE(writer->Close().ok());
  EXPECT_FALSE(writer->Write(*MakeBatch(schema, {{int64_t{1}}})).ok());
  EXPECT_FALSE(writer->Close().ok());
}

TEST(ParquetErrors, BadOptionsAndEmptySchemaAreRejectedAtOpen) {
  SchemaPtr schema = MakeSchema({MakeField("id", DataType::Of(TypeId::kInt64))});
  StringWritableFile sink;
  auto open = [&](WriterOptions options, SchemaPtr open_schema) {
    return FileWriter::Open(std::move(open_schema), std::move(options), &sink).status().code();
  };
  WriterOptions options;
  options.data_page_bytes = 0;
  EXPECT_EQ(open(options, schema), StatusCode::kInvalidArgument);
  options = WriterOptions();
  options.zstd_level = 1000;
  EXPECT_EQ(open(options, schema), StatusCode::kInvalidArgument);
  options = WriterOptions();
  options.max_row_group_rows = 0;
  EXPECT_EQ(open(options, schema), StatusCode::kInvalidArgument);
  options = WriterOptions();
  options.dictionary_page_bytes = size_t{4} << 30;
  EXPECT_EQ(open(options, schema), StatusCode::kInvalidArgument);
  EXPECT_EQ(open(WriterOptions(), MakeSchema({})), StatusCode::kInvalidArgument);
  EXPECT_EQ(sink.Size(), 0u) << "nothing written by a refused Open";
}

TEST(ParquetErrors, SinkFailurePropagatesAndSticks) {
  SchemaPtr schema = MakeSchema({MakeField("id", DataType::Of(TypeId::kInt64), false)});
  std::vector<std::vector<TestValue>> rows;
  for (int64_t row = 0; row < 10000; ++row) rows.push_back({row});
  auto batch = MakeBatch(schema, rows);
  FailingWritableFile sink(1000);
  WriterOptions options;
  options.max_row_group_rows = 1000;
  auto writer = OpenOrDie(schema, &sink, options);
  Status status = writer->Write(*batch);
  EXPECT_EQ(status.code(), StatusCode::kIoError);
  EXPECT_EQ(writer->Close(), status);
  FailingWritableFile no_room(0);
  EXPECT_EQ(FileWriter::Open(schema, WriterOptions(), &no_room).status().code(), StatusCode::kIoError);
}

}  // namespace
}  // namespace sluice::parquet::testing
