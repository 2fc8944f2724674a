// Every type of the DuckDB mapping (SPEC §5) survives Parquet -> DuckDB at
// its extremes, and names that need quoting work everywhere.
#include <gmock/gmock.h>

#include "target_test_util.h"

namespace sluice::target::testing_util {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

struct TypeCase {
  std::string column;
  DataType type;
  std::string duckdb_type;  // as duckdb_columns() reports it
  std::string low;          // SQL expressions staged in rows 1 and 2 (row 3 is all NULL)
  std::string high;
};

std::vector<TypeCase> TypeCases() {
  auto cast = [](std::string value, std::string type) { return fmt::format("CAST('{}' AS {})", value, type); };
  return {
      {"b", DataType::Of(TypeId::kBoolean), "BOOLEAN", "false", "true"},
      {"i8", DataType::Of(TypeId::kInt8), "SMALLINT", cast("-128", "TINYINT"), cast("127", "TINYINT")},
      {"i16", DataType::Of(TypeId::kInt16), "SMALLINT", cast("-32768", "SMALLINT"), cast("32767", "SMALLINT")},
      {"i32", DataType::Of(TypeId::kInt32), "INTEGER", cast("-2147483648", "INTEGER"), cast("2147483647", "INTEGER")},
      {"i64", DataType::Of(TypeId::kInt64), "BIGINT", cast("-9223372036854775808", "BIGINT"),
       cast("9223372036854775807", "BIGINT")},
      {"u8", DataType::Of(TypeId::kUInt8), "INTEGER", cast("0", "UTINYINT"), cast("255", "UTINYINT")},
      {"u16", DataType::Of(TypeId::kUInt16), "INTEGER", cast("0", "USMALLINT"), cast("65535", "USMALLINT")},
      {"u32", DataType::Of(TypeId::kUInt32), "BIGINT", cast("0", "UINTEGER"), cast("4294967295", "UINTEGER")},
      {"u64", DataType::Of(TypeId::kUInt64), "DECIMAL(20,0)", cast("0", "UBIGINT"),
       cast("18446744073709551615", "UBIGINT")},
      {"f32", DataType::Of(TypeId::kFloat32), "FLOAT", cast("-3.4028235e38", "FLOAT"), cast("1.17549435e-38", "FLOAT")},
      {"f64", DataType::Of(TypeId::kFloat64), "DOUBLE", cast("-1.7976931348623157e308", "DOUBLE"),
       cast("4.9e-324", "DOUBLE")},
      {"d18", DataType::Decimal(18, 4), "DECIMAL(18,4)", cast("-99999999999999.9999", "DECIMAL(18,4)"),
       cast("99999999999999.9999", "DECIMAL(18,4)")},
      {"d38", DataType::Decimal(38, 10), "DECIMAL(38,10)",
       cast("-9999999999999999999999999999.9999999999", "DECIMAL(38,10)"),
       cast("9999999999999999999999999999.9999999999", "DECIMAL(38,10)")},
      {"d50", DataType::Decimal(50, 5), "VARCHAR", "'-123456789012345678901234567890123456789012345.12345'",
       "'0.00001'"},
      {"dfree", DataType::Decimal(0, 0), "VARCHAR", "'-1e-1000'",
       "'3.14159265358979323846264338327950288419716939937'"},
      {"dt", DataType::Of(TypeId::kDate), "DATE", "DATE '0001-01-01'", "DATE '9999-12-31'"},
      {"tm", DataType::Of(TypeId::kTime), "TIME", "TIME '00:00:00'", "TIME '23:59:59.999999'"},
      {"ts", DataType::Of(TypeId::kTimestamp), "TIMESTAMP", "TIMESTAMP '0001-01-01 00:00:00'",
       "TIMESTAMP '9999-12-31 23:59:59.999999'"},
      {"tz", DataType::Of(TypeId::kTimestampTz), "TIMESTAMP WITH TIME ZONE", "TIMESTAMPTZ '0001-01-01 00:00:00+00'",
       "TIMESTAMPTZ '9999-12-31 23:59:59.999999+00'"},
      {"s", DataType::Of(TypeId::kString), "VARCHAR", "''", "'𝄞 😀 ü \"quoted\" ''single'''"},
      {"j", DataType::Of(TypeId::kJson), "JSON", "'[]'", "'{\"a\":[1,2,{\"b\":null}],\"é\":\"😀\"}'"},
      {"bin", DataType::Of(TypeId::kBinary), "BLOB", "''::BLOB", "'\\x00\\xFF\\x00abc'::BLOB"},
  };
}

class DuckDbTypesTest : public DuckDbTargetTest {};

TEST_F(DuckDbTypesTest, EveryMappedTypeRoundTripsAtItsExtremes) {
  std::vector<TypeCase> cases = TypeCases();
  std::vector<Field> fields = {MakeField("n", DataType::Of(TypeId::kInt32), false)};
  std::vector<std::string> names = {"n"};
  std::vector<std::string> low = {"1"}, high = {"2"}, nulls = {"3"};
  for (const TypeCase& type_case : cases) {
    fields.push_back(MakeField(type_case.column, type_case.type));
    names.push_back(type_case.column);
    low.push_back(type_case.low);
    high.push_back(type_case.high);
    nulls.push_back("NULL");
  }
  std::string column_list = fmt::format("{}", fmt::join(names, ", "));
  StagedFile file =
      Stage("types/all.parquet", fmt::format("SELECT * FROM (VALUES ({}), ({}), ({})) AS t({})", fmt::join(low, ", "),
                                             fmt::join(high, ", "), fmt::join(nulls, ", "), column_list));
  LoadRequest request = Request(MakeSchema(fields, {"n"}), LoadMode::kMerge, {file});

  Result<LoadResult> loaded = Load(request);

  ASSERT_TRUE(loaded.has_value()) << loaded.error().ToString();
  TextRows types = Rows(
      "SELECT column_name, data_type FROM duckdb_columns() WHERE table_name = 'orders' "
      "ORDER BY column_index");
  ASSERT_EQ(types.size(), cases.size() + 1);
  for (size_t case_idx = 0; case_idx < cases.size(); ++case_idx) {
    EXPECT_THAT(types[case_idx + 1], ElementsAre(cases[case_idx].column, cases[case_idx].duckdb_type));
  }
  // An independent read of the file and the table agree value by value, both ways (NULLs included).
  std::string file_sql = fmt::format("SELECT {} FROM read_parquet('{}')", column_list, store_->PathOf(file.key));
  std::string table_sql = fmt::format("SELECT {} FROM orders", column_list);
  EXPECT_THAT(
      Rows(fmt::format("SELECT count(*) FROM (({0} EXCEPT {1}) UNION ALL ({1} EXCEPT {0}))", file_sql, table_sql)),
      ElementsAre(ElementsAre("0")));
  EXPECT_THAT(Rows("SELECT u64, d38, ts, tz::VARCHAR, s, bin, j, dt, i64 FROM orders ORDER BY n"),
              ElementsAre(ElementsAre("0", "-9999999999999999999999999999.9999999999", "0001-01-01 00:00:00",
                                      "0001-01-01 00:00:00+00", "", "", "[]", "0001-01-01", "-9223372036854775808"),
                          ElementsAre("18446744073709551615", "9999999999999999999999999999.9999999999",
                                      "9999-12-31 23:59:59.999999", "9999-12-31 23:59:59.999999+00",
                                      "𝄞 😀 ü \"quoted\" 'single'", "\\x00\\xFF\\x00abc",
                                      "{\"a\":[1,2,{\"b\":null}],\"é\":\"😀\"}", "9999-12-31", "9223372036854775807"),
                          ::testing::Each("NULL")));
}

TEST_F(DuckDbTypesTest, NamesThatNeedQuotingWorkEverywhere) {
  auto schema = MakeSchema(
      {MakeField("select", DataType::Of(TypeId::kInt64), false), MakeField("my col", DataType::Of(TypeId::kTimestamp)),
       MakeField("quo\"te", DataType::Of(TypeId::kString)), MakeField("Mixed Case", DataType::Of(TypeId::kInt32))},
      {"select"});
  auto request_for = [&](std::vector<StagedFile> files) {
    LoadRequest request = Request(schema, LoadMode::kMerge, std::move(files));
    request.target_table = "order items";
    request.order_columns = {"my col"};
    return request;
  };
  std::string columns = "AS t(\"select\", \"my col\", \"quo\"\"te\", \"Mixed Case\")";
  StagedFile first = Stage("k/1.parquet",
                           "SELECT * FROM (VALUES (1::BIGINT, TIMESTAMP '2025-01-01', 'a', 10), "
                           "(2::BIGINT, TIMESTAMP '2025-01-01', 'b', 20)) " +
                               columns);
  StagedFile second = Stage("k/2.parquet",
                            "SELECT * FROM (VALUES (1::BIGINT, TIMESTAMP '2025-01-02', 'a2', 11), "
                            "(1::BIGINT, TIMESTAMP '2024-01-01', 'stale', 0)) " +
                                columns);

  ASSERT_TRUE(Load(request_for({first})).has_value());
  Result<LoadResult> merged = Load(request_for({first, second}));

  ASSERT_TRUE(merged.has_value()) << merged.error().ToString();
  EXPECT_THAT(TableRows("\"select\", \"quo\"\"te\", \"Mixed Case\"", "\"select\"", "order items"),
              ElementsAre(ElementsAre("1", "a2", "11"), ElementsAre("2", "b", "20")));
  EXPECT_THAT(
      Rows("SELECT column_name FROM duckdb_columns() WHERE table_name = 'order items' ORDER BY column_index"),
      ElementsAre(ElementsAre("select"), ElementsAre("my col"), ElementsAre("quo\"te"), ElementsAre("Mixed Case")));
  EXPECT_THAT(*target().PlanDdl(request_for({})), IsEmpty());
}

TEST_F(DuckDbTypesTest, AColumnNamedFileRowNumberMergesFromFilesWithSeqButNotFromOlderFiles) {
  auto schema = MakeSchema({MakeField("id", DataType::Of(TypeId::kInt64), false),
                            MakeField("file_row_number", DataType::Of(TypeId::kInt64))},
                           {"id"});
  // Staged before files carried `_seq`: merge would need DuckDB's row number, whose name the column takes.
  StagedFile old_file = Stage("k/1.parquet", "SELECT 1::BIGINT AS id, 7::BIGINT AS file_row_number");
  StagedFile new_file = StageRows("k/2.parquet", schema, {{"1", "8"}, {"2", "9"}, {"1", "10"}});

  Result<LoadResult> old_merged = Load(Request(schema, LoadMode::kMerge, {old_file}));
  Result<LoadResult> appended = Load(Request(schema, LoadMode::kAppend, {old_file}));
  Result<LoadResult> new_merged = Load(Request(schema, LoadMode::kMerge, {new_file}));

  ASSERT_FALSE(old_merged.has_value());
  EXPECT_EQ(old_merged.error().code(), StatusCode::kNotSupported);
  EXPECT_THAT(old_merged.error().message(), HasSubstr("main.orders: the staged files were written by a sluice older "
                                                      "than `_seq` and have a column named \"file_row_number\""));
  EXPECT_THAT(old_merged.error().message(), HasSubstr("sluice watermark reset -p p -t shop.orders --yes"));
  ASSERT_TRUE(appended.has_value()) << appended.error().ToString();
  ASSERT_TRUE(new_merged.has_value()) << new_merged.error().ToString();
  EXPECT_THAT(TableRows("id, file_row_number", "id"), ElementsAre(ElementsAre("1", "10"), ElementsAre("2", "9")));
}

}  // namespace
}  // namespace sluice::target::testing_util
