// Column chunk statistics as DuckDB reads them from the footer
// (parquet_metadata): signed, unsigned and decimal orderings, NaN and
// signed zeros, byte-string order and the length limit, NULL counts; the
// footer's column orders; and DuckDB's row group pruning trusting them.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <map>

#include "common/file.h"
#include "format/parquet/file_writer.h"
#include "parquet_test_util.h"
#include "types/decimal.h"
#include "types/temporal.h"

namespace sluice::parquet::testing {
namespace {

constexpr float kFloatNan = std::numeric_limits<float>::quiet_NaN();
constexpr double kNan = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kNegativeInfinity = -kInf;

struct StatsCase {
  std::string name;
  DataType type;
  std::vector<TestValue> values;
  // Expected stats_min_value / stats_max_value as DuckDB prints them; nullopt: absent.
  std::optional<std::string> min;
  std::optional<std::string> max;
};

std::vector<StatsCase> Cases() {
  __int128 largest38 = PowerOfTen(38) - 1;
  std::string long_value(5000, 'x');
  std::string limit_value(4096, 'y');
  return {
      {"i32", DataType::Of(TypeId::kInt32), {int64_t{5}, int64_t{-7}, Null(), int64_t{3}}, "-7", "5"},
      {"i8", DataType::Of(TypeId::kInt8), {int64_t{127}, int64_t{-128}}, "-128", "127"},
      {"i64",
       DataType::Of(TypeId::kInt64),
       {int64_t{0}, std::numeric_limits<int64_t>::max(), std::numeric_limits<int64_t>::min()},
       "-9223372036854775808",
       "9223372036854775807"},
      // Signed order of the INT32 bits would give min 2147483648 (-2^31) and max 1.
      {"u32",
       DataType::Of(TypeId::kUInt32),
       {int64_t{1}, int64_t{4294967295}, int64_t{2147483648}, Null()},
       "1",
       "4294967295"},
      {"u8", DataType::Of(TypeId::kUInt8), {int64_t{7}, int64_t{255}, int64_t{0}}, "0", "255"},
      {"u16", DataType::Of(TypeId::kUInt16), {int64_t{65535}, int64_t{1}}, "1", "65535"},
      {"u64",
       DataType::Of(TypeId::kUInt64),
       {uint64_t{1}, ~uint64_t{0}, uint64_t{1} << 63, Null()},
       "1",
       "18446744073709551615"},
      // FIXED_LEN_BYTE_ARRAY decimals order as signed numbers, not as bytes.
      {"dec20_0",
       DataType::Decimal(20, 0),
       {static_cast<__int128>(~uint64_t{0}), __int128{-5}, __int128{7}},
       "-5",
       "18446744073709551615"},
      {"dec38_10",
       DataType::Decimal(38, 10),
       {-largest38, largest38, __int128{0}},
       "-9999999999999999999999999999.9999999999",
       "9999999999999999999999999999.9999999999"},
      {"dec9_2", DataType::Decimal(9, 2), {int64_t{-100}, int64_t{50}, Null()}, "-1.00", "0.50"},
      {"dec18_4",
       DataType::Decimal(18, 4),
       {int64_t{-1}, int64_t{123456789012345678}},
       "-0.0001",
       "12345678901234.5678"},
      {"f32_nan", DataType::Of(TypeId::kFloat32), {kFloatNan, 1.5f, -2.5f}, "-2.5", "1.5"},
      {"f32_zeros", DataType::Of(TypeId::kFloat32), {0.0f, 0.0f}, "-0.0", "0.0"},
      {"f64_neg_zero_max", DataType::Of(TypeId::kFloat64), {-0.0, -1.0}, "-1.0", "0.0"},
      {"f64_pos_zero_min", DataType::Of(TypeId::kFloat64), {1.0, 0.0}, "-0.0", "1.0"},
      {"f64_all_nan", DataType::Of(TypeId::kFloat64), {kNan, Null(), -kNan}, std::nullopt, std::nullopt},
      // DuckDB does not report infinite float statistics (not even for files
      // it writes); the footer test below checks these bytes directly.
      {"f64_inf", DataType::Of(TypeId::kFloat64), {kInf, kNan, -kInf}, std::nullopt, std::nullopt},
      // Bytes compare unsigned: 0xC3 (the first byte of "é") sorts after 'z'.
      {"str",
       DataType::Of(TypeId::kString),
       {Bytes("b"), Bytes("a"), Bytes("\xC3\xA9"), Bytes("z"), Null()},
       "a",
       "\xC3\xA9"},
      {"str_empty_min", DataType::Of(TypeId::kString), {Bytes("q"), Bytes("")}, "", "q"},
      {"str_too_long", DataType::Of(TypeId::kString), {Bytes("a"), Bytes(long_value)}, std::nullopt, std::nullopt},
      {"str_at_limit", DataType::Of(TypeId::kString), {Bytes("a"), Bytes(limit_value)}, "a", limit_value},
      {"bool", DataType::Of(TypeId::kBoolean), {true, false, Null()}, "false", "true"},
      {"bool_true", DataType::Of(TypeId::kBoolean), {true, true}, "true", "true"},
      {"date",
       DataType::Of(TypeId::kDate),
       {DaysFromCivil(9999, 12, 31), DaysFromCivil(1, 1, 1)},
       "0001-01-01",
       "9999-12-31"},
      {"all_null", DataType::Of(TypeId::kInt64), {Null(), Null()}, std::nullopt, std::nullopt},
  };
}

// One file with a column per case, each padded to the longest case by
// repeating its first value (which leaves its min/max unchanged).
struct StatsFile {
  SchemaPtr schema;
  std::vector<std::vector<TestValue>> rows;
};

StatsFile MakeStatsFile(const std::vector<StatsCase>& cases) {
  size_t row_count = 0;
  std::vector<Field> fields;
  for (const StatsCase& stats_case : cases) {
    row_count = std::max(row_count, stats_case.values.size());
    fields.push_back(MakeField(stats_case.name, stats_case.type));
  }
  StatsFile file{MakeSchema(std::move(fields)), {}};
  for (size_t row_idx = 0; row_idx < row_count; ++row_idx) {
    std::vector<TestValue> row;
    for (const StatsCase& stats_case : cases) {
      row.push_back(row_idx < stats_case.values.size() ? stats_case.values[row_idx] : stats_case.values[0]);
    }
    file.rows.push_back(std::move(row));
  }
  return file;
}

int64_t ExpectedNulls(const StatsFile& file, size_t column_idx) {
  int64_t nulls = 0;
  for (const auto& row : file.rows) nulls += row[column_idx].is_null() ? 1 : 0;
  return nulls;
}

class ChunkStatistics : public ::testing::TestWithParam<bool> {};

TEST_P(ChunkStatistics, DuckDbReadsTheExpectedMinMaxAndNullCount) {
  TempDir dir;
  std::vector<StatsCase> cases = Cases();
  StatsFile file = MakeStatsFile(cases);
  auto batch = MakeBatch(file.schema, file.rows);
  WriterOptions options;
  options.enable_dictionary = GetParam();
  std::string path = dir.File("stats.parquet");
  ASSERT_TRUE(WriteParquetFile(path, file.schema, {batch.get()}, options).ok());
  ASSERT_TRUE(VerifyRoundTrip(path, *file.schema, file.rows));
  QueryResult stats = Query(
      "SELECT path_in_schema, stats_min_value, stats_max_value, stats_null_count FROM "
      "parquet_metadata(" +
      sluice::testing::SqlQuote(path) + ") ORDER BY column_id");
  ASSERT_EQ(stats.rows.size(), cases.size());
  for (size_t column_idx = 0; column_idx < cases.size(); ++column_idx) {
    const Row& row = stats.rows[column_idx];
    const StatsCase& expected = cases[column_idx];
    EXPECT_EQ(row[0], expected.name);
    EXPECT_EQ(row[1], expected.min) << expected.name;
    EXPECT_EQ(row[2], expected.max) << expected.name;
    EXPECT_EQ(row[3], std::to_string(ExpectedNulls(file, column_idx))) << expected.name;
  }
}

INSTANTIATE_TEST_SUITE_P(DictionaryOnAndOff, ChunkStatistics, ::testing::Bool(),
                         [](const auto& info) { return info.param ? "Dictionary" : "Plain"; });

// min_value/max_value (fields 6/5) are trusted only with a column order;
// the deprecated min/max (fields 2/1) are not written.
TEST(ChunkStatistics, FooterHasTypeDefinedOrdersAndOnlyTheNewStatisticsFields) {
  TempDir dir;
  StatsFile file = MakeStatsFile(Cases());
  auto batch = MakeBatch(file.schema, file.rows);
  std::string path = dir.File("orders.parquet");
  ASSERT_TRUE(WriteParquetFile(path, file.schema, {batch.get()}).ok());
  Result<std::string> bytes = ReadFileToString(path);
  ASSERT_TRUE(bytes.has_value());
  Result<ThriftStruct> footer = ParseFooter(*bytes);
  ASSERT_TRUE(footer.has_value()) << footer.error().ToString();
  ASSERT_EQ(footer->count(7), 1u);
  const auto& orders = footer->at(7).list();
  ASSERT_EQ(orders.size(), file.schema->fields.size());
  for (const ThriftValue& order : orders) {
    ASSERT_EQ(order.st().count(1), 1u);  // TYPE_ORDER
    EXPECT_TRUE(order.st().at(1).st().empty());
  }
  EXPECT_EQ(footer->count(5), 0u) << "no key-value metadata";
  const ThriftStruct& i32_chunk = footer->at(4).list().at(0).st().at(1).list().at(0).st();
  const ThriftStruct& statistics = i32_chunk.at(3).st().at(12).st();
  EXPECT_EQ(statistics.count(1), 0u);
  EXPECT_EQ(statistics.count(2), 0u);
  int32_t min_bits = -7;
  int32_t max_bits = 5;
  EXPECT_EQ(statistics.at(6).s(), std::string(reinterpret_cast<const char*>(&min_bits), 4));
  EXPECT_EQ(statistics.at(5).s(), std::string(reinterpret_cast<const char*>(&max_bits), 4));
  EXPECT_EQ(statistics.at(3).i(), 1);  // null_count

  std::vector<StatsCase> cases = Cases();
  auto column_statistics = [&](const std::string& name) -> const ThriftStruct& {
    size_t column_idx = 0;
    while (cases[column_idx].name != name) ++column_idx;
    return footer->at(4).list().at(0).st().at(1).list().at(column_idx).st().at(3).st().at(12).st();
  };
  const ThriftStruct& infinities = column_statistics("f64_inf");
  EXPECT_EQ(infinities.at(6).s(), std::string(reinterpret_cast<const char*>(&kNegativeInfinity), 8));
  EXPECT_EQ(infinities.at(5).s(), std::string(reinterpret_cast<const char*>(&kInf), 8));
  const ThriftStruct& zeros = column_statistics("f32_zeros");
  float negative_zero = -0.0f;
  float positive_zero = 0.0f;
  EXPECT_EQ(zeros.at(6).s(), std::string(reinterpret_cast<const char*>(&negative_zero), 4));
  EXPECT_EQ(zeros.at(5).s(), std::string(reinterpret_cast<const char*>(&positive_zero), 4));
  const ThriftStruct& all_nan = column_statistics("f64_all_nan");
  EXPECT_EQ(all_nan.count(5) + all_nan.count(6), 0u);
  EXPECT_EQ(all_nan.at(3).i(), 1);
}

// Row groups hold disjoint ranges; DuckDB skips row groups by their
// statistics, so wrong (e.g. signed) statistics would lose rows here.
TEST(ChunkStatistics, DuckDbPrunesRowGroupsCorrectlyWithUnsignedAndDecimalStatistics) {
  TempDir dir;
  SchemaPtr schema =
      MakeSchema({MakeField("u64", DataType::Of(TypeId::kUInt64)), MakeField("u32", DataType::Of(TypeId::kUInt32)),
                  MakeField("dec", DataType::Decimal(30, 2))});
  std::vector<std::vector<TestValue>> rows;
  for (uint64_t group = 0; group < 4; ++group) {
    for (uint64_t row = 0; row < 100; ++row) {
      uint64_t u64 = group * (uint64_t{1} << 62) + row;  // groups 2 and 3 have the top bit set
      int64_t u32 = static_cast<int64_t>(group * (uint64_t{1} << 30) + row);
      __int128 dec = (static_cast<__int128>(group) - 2) * PowerOfTen(27) + row;  // negative and positive groups
      rows.push_back({u64, u32, dec});
    }
  }
  auto batch = MakeBatch(schema, rows);
  WriterOptions options;
  options.max_row_group_rows = 100;
  std::string path = dir.File("pruning.parquet");
  ASSERT_TRUE(WriteParquetFile(path, schema, {batch.get()}, options).ok());
  EXPECT_EQ(
      QueryValue("SELECT count(*) FROM parquet_metadata(" + sluice::testing::SqlQuote(path) + ") WHERE column_id = 0"),
      "4");
  std::string source = ReadParquet(path);
  EXPECT_EQ(QueryValue("SELECT count(*) FROM " + source + " WHERE u64 >= 9223372036854775808"), "200");
  EXPECT_EQ(QueryValue("SELECT count(*) FROM " + source + " WHERE u64 > 13835058055282163712"), "99");
  EXPECT_EQ(QueryValue("SELECT count(*) FROM " + source + " WHERE u32 >= 2147483648"), "200");
  EXPECT_EQ(QueryValue("SELECT count(*) FROM " + source + " WHERE dec < 0"), "200");
  EXPECT_EQ(QueryValue("SELECT count(*) FROM " + source + " WHERE dec >= 10000000000000000000000000.00"), "100");
}

}  // namespace
}  // namespace sluice::parquet::testing
