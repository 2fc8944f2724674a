// Every sluice type, REQUIRED and OPTIONAL, with extreme values and NULLs,
// written by FileWriter and read back by DuckDB value by value, under every
// compression with dictionary encoding on and off; plus the Parquet types
// DuckDB infers from the footer.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include "format/parquet/compression.h"
#include "format/parquet/file_writer.h"
#include "parquet_all_types.h"
#include "parquet_test_util.h"

namespace sluice::parquet::testing {
namespace {

struct RoundTripParam {
  Compression compression;
  bool dictionary;
  size_t data_page_bytes;
};

std::string ParamName(const ::testing::TestParamInfo<RoundTripParam>& info) {
  return fmt::format("{}_{}_{}", CompressionName(info.param.compression),
                     info.param.dictionary ? "Dictionary" : "Plain",
                     info.param.data_page_bytes >= 1024 ? "DefaultPages" : "TinyPages");
}

class AllTypesRoundTrip : public ::testing::TestWithParam<RoundTripParam> {};

TEST_P(AllTypesRoundTrip, DuckDbReadsBackEveryValue) {
  TempDir dir;
  AllTypesTable table = MakeAllTypesTable(AllTypeCases(), 100);
  auto batch = MakeBatch(table.schema, table.rows);
  WriterOptions options;
  options.compression = GetParam().compression;
  options.enable_dictionary = GetParam().dictionary;
  options.data_page_bytes = GetParam().data_page_bytes;
  std::string path = dir.File("all_types.parquet");
  ASSERT_TRUE(WriteParquetFile(path, table.schema, {batch.get()}, options).ok());
  EXPECT_TRUE(VerifyRoundTrip(path, *table.schema, table.rows));
}

INSTANTIATE_TEST_SUITE_P(Encodings, AllTypesRoundTrip,
                         ::testing::Values(RoundTripParam{Compression::kNone, false, 1 << 20},
                                           RoundTripParam{Compression::kNone, true, 1 << 20},
                                           RoundTripParam{Compression::kSnappy, false, 1 << 20},
                                           RoundTripParam{Compression::kSnappy, true, 1 << 20},
                                           RoundTripParam{Compression::kZstd, false, 1 << 20},
                                           RoundTripParam{Compression::kZstd, true, 1 << 20},
                                           RoundTripParam{Compression::kZstd, true, 64},
                                           RoundTripParam{Compression::kSnappy, false, 64}),
                         ParamName);

TEST(ParquetTypes, DuckDbInfersTheMappedTypes) {
  TempDir dir;
  std::vector<TypeCase> cases = AllTypeCases();
  AllTypesTable table = MakeAllTypesTable(cases, 10);
  auto batch = MakeBatch(table.schema, table.rows);
  std::string path = dir.File("types.parquet");
  ASSERT_TRUE(WriteParquetFile(path, table.schema, {batch.get()}).ok());
  QueryResult described = Query("DESCRIBE SELECT * FROM " + ReadParquet(path));
  ASSERT_EQ(described.rows.size(), cases.size() * 2);
  for (size_t case_idx = 0; case_idx < cases.size(); ++case_idx) {
    for (size_t variant = 0; variant < 2; ++variant) {
      const Row& row = described.rows[case_idx * 2 + variant];
      EXPECT_EQ(row[0], table.schema->fields[case_idx * 2 + variant].name);
      EXPECT_EQ(row[1], cases[case_idx].duckdb_type) << cases[case_idx].name;
    }
  }
}

// parquet_schema() reports the footer's SchemaElements as written.
TEST(ParquetTypes, FooterCarriesLogicalAndLegacyConvertedTypes) {
  TempDir dir;
  AllTypesTable table = MakeAllTypesTable(AllTypeCases(), 10);
  auto batch = MakeBatch(table.schema, table.rows);
  std::string path = dir.File("schema.parquet");
  ASSERT_TRUE(WriteParquetFile(path, table.schema, {batch.get()}).ok());
  QueryResult schema = Query(
      "SELECT name, type, coalesce(CAST(type_length AS VARCHAR), '-'), repetition_type, coalesce(converted_type, '-'), "
      "coalesce(CAST(scale AS VARCHAR), '-'), coalesce(CAST(precision AS VARCHAR), '-'), coalesce(logical_type, '-') "
      "FROM parquet_schema(" +
      sluice::testing::SqlQuote(path) + ") WHERE name LIKE '%_req' OR name = 'uint64_opt'");
  std::map<std::string, std::vector<std::string>> by_name;
  for (const Row& row : schema.rows) {
    std::vector<std::string> text;
    for (size_t column_idx = 1; column_idx < row.size(); ++column_idx) text.push_back(row[column_idx].value_or("NULL"));
    by_name[*row[0]] = text;
  }
  using Expected = std::vector<std::string>;
  EXPECT_EQ(by_name["bool_req"], (Expected{"BOOLEAN", "-", "REQUIRED", "-", "-", "-", "-"}));
  EXPECT_EQ(by_name["int8_req"][3], "INT_8");
  EXPECT_EQ(by_name["int16_req"][3], "INT_16");
  EXPECT_EQ(by_name["int32_req"][3], "INT_32");
  EXPECT_EQ(by_name["int64_req"][3], "INT_64");
  EXPECT_EQ(by_name["uint8_req"][3], "UINT_8");
  EXPECT_EQ(by_name["uint16_req"][3], "UINT_16");
  EXPECT_EQ(by_name["uint32_req"][0], "INT32");
  EXPECT_EQ(by_name["uint32_req"][3], "UINT_32");
  EXPECT_EQ(by_name["uint64_req"][0], "INT64");
  EXPECT_EQ(by_name["uint64_req"][3], "UINT_64");
  EXPECT_EQ(by_name["uint64_opt"][2], "OPTIONAL");
  EXPECT_EQ(by_name["float32_req"], (Expected{"FLOAT", "-", "REQUIRED", "-", "-", "-", "-"}));
  EXPECT_EQ(by_name["float64_req"], (Expected{"DOUBLE", "-", "REQUIRED", "-", "-", "-", "-"}));
  EXPECT_EQ(by_name["dec9_4_req"],
            (Expected{"INT32", "-", "REQUIRED", "DECIMAL", "4", "9", "DecimalType(scale=4, precision=9)"}));
  EXPECT_EQ(by_name["dec18_6_req"],
            (Expected{"INT64", "-", "REQUIRED", "DECIMAL", "6", "18", "DecimalType(scale=6, precision=18)"}));
  EXPECT_EQ(by_name["dec20_0_req"], (Expected{"FIXED_LEN_BYTE_ARRAY", "9", "REQUIRED", "DECIMAL", "0", "20",
                                              "DecimalType(scale=0, precision=20)"}));
  EXPECT_EQ(by_name["dec38_10_req"], (Expected{"FIXED_LEN_BYTE_ARRAY", "16", "REQUIRED", "DECIMAL", "10", "38",
                                               "DecimalType(scale=10, precision=38)"}));
  EXPECT_EQ(by_name["dec65_30_req"], (Expected{"BYTE_ARRAY", "-", "REQUIRED", "UTF8", "-", "-", "StringType()"}));
  EXPECT_EQ(by_name["date_req"], (Expected{"INT32", "-", "REQUIRED", "DATE", "-", "-", "DateType()"}));
  EXPECT_EQ(by_name["string_req"], (Expected{"BYTE_ARRAY", "-", "REQUIRED", "UTF8", "-", "-", "StringType()"}));
  EXPECT_EQ(by_name["json_req"], (Expected{"BYTE_ARRAY", "-", "REQUIRED", "UTF8", "-", "-", "StringType()"}));
  EXPECT_EQ(by_name["binary_req"], (Expected{"BYTE_ARRAY", "-", "REQUIRED", "-", "-", "-", "-"}));
  // Wall-clock time and timestamp: logical type only (TIME_MICROS/TIMESTAMP_MICROS imply UTC).
  EXPECT_EQ(by_name["time_req"][3], "-");
  EXPECT_NE(by_name["time_req"][6].find("TimeType(isAdjustedToUTC=0"), std::string::npos) << by_name["time_req"][6];
  EXPECT_NE(by_name["time_req"][6].find("MICROS=MicroSeconds()"), std::string::npos);
  EXPECT_EQ(by_name["ts_req"][3], "-");
  EXPECT_NE(by_name["ts_req"][6].find("TimestampType(isAdjustedToUTC=0"), std::string::npos) << by_name["ts_req"][6];
  EXPECT_EQ(by_name["tstz_req"][3], "TIMESTAMP_MICROS");
  EXPECT_NE(by_name["tstz_req"][6].find("TimestampType(isAdjustedToUTC=1"), std::string::npos);
  // DuckDB prints IntType's i8 bitWidth as a raw character.
  EXPECT_EQ(by_name["int8_req"][6], "IntType(bitWidth=\x08, isSigned=1)");
  EXPECT_EQ(by_name["uint16_req"][6], "IntType(bitWidth=\x10, isSigned=0)");
  EXPECT_EQ(by_name["uint64_req"][6], "IntType(bitWidth=@, isSigned=0)");  // '@' is 64
}

}  // namespace
}  // namespace sluice::parquet::testing
