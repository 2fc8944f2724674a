// The SQLite source: every value conversion, exact or an error naming table, column and row.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <limits>

#include "sqlite_test_db.h"
#include "types/decimal.h"
#include "types/temporal.h"

namespace sluice::source {
namespace {

using ::testing::HasSubstr;
using testing::KeysetQuery;
using testing::MakeSchema;
using testing::ReadAll;
using testing::TempSqliteDb;

// Reads `columns` of `table` (ordered by id) with the table's described schema.
Result<ColumnBatch> ReadTable(Source& source, const std::string& table, const ReadOptions& options = {},
                              ReadStats* stats = nullptr) {
  SLUICE_ASSIGN_OR_RETURN(SchemaPtr schema, source.DescribeTable(table));
  std::vector<std::string> columns;
  for (const Field& field : schema->fields) columns.push_back(field.name);
  return ReadAll(source, KeysetQuery(table, columns, {"id"}), schema, options, stats);
}

ColumnBatch MustRead(Source& source, const std::string& table, const ReadOptions& options = {},
                     ReadStats* stats = nullptr) {
  auto batch = ReadTable(source, table, options, stats);
  EXPECT_TRUE(batch.has_value()) << batch.error().ToString();
  return batch ? std::move(*batch) : ColumnBatch(std::make_shared<Schema>());
}

// Reads one column of `table`, typed as `type`, by a custom query.
Result<ColumnBatch> ReadAs(Source& source, const std::string& table, const std::string& column, DataType type) {
  SelectQuery query;
  query.custom_sql = "SELECT id, \"" + column + "\" FROM " + table + " ORDER BY id";
  return ReadAll(source, query, MakeSchema({{"id", DataType::Of(TypeId::kInt64)}, {column, type}}, {"id"}));
}

std::string Decimal(const ColumnVector& column, size_t row) {
  if (column.IsNull(row)) return "NULL";
  switch (column.type().storage()) {
    case Storage::kInt64: return FormatDecimal(column.Value<int64_t>(row), column.type().scale);
    case Storage::kInt128: return FormatDecimal(column.Value<int128_t>(row), column.type().scale);
    default: return std::string(column.Bytes(row));
  }
}

TEST(SqliteRead, IntegersIncludingExtremesAndNulls) {
  TempSqliteDb db(
      "CREATE TABLE t (id INTEGER PRIMARY KEY, n BIGINT);"
      "INSERT INTO t VALUES (1, -9223372036854775808), (2, 9223372036854775807), (3, NULL), (4, 0),"
      " (5, 2.0), (6, '17');");
  auto source = db.Open();
  ColumnBatch batch = MustRead(*source, "t");
  ASSERT_EQ(batch.num_rows(), 6u);
  const ColumnVector& n = batch.column(1);
  EXPECT_EQ(n.Value<int64_t>(0), std::numeric_limits<int64_t>::min());
  EXPECT_EQ(n.Value<int64_t>(1), std::numeric_limits<int64_t>::max());
  EXPECT_TRUE(n.IsNull(2));
  EXPECT_EQ(n.Value<int64_t>(3), 0);
  EXPECT_EQ(n.Value<int64_t>(4), 2);
  EXPECT_EQ(n.Value<int64_t>(5), 17);
  EXPECT_EQ(n.null_count(), 1u);
}

TEST(SqliteRead, NonIntegersInAnIntegerColumnAreDataErrorsNamingTableColumnAndRow) {
  TempSqliteDb db(
      "CREATE TABLE orders (id INTEGER PRIMARY KEY, qty INTEGER);"
      "INSERT INTO orders VALUES (41, 1), (42, 'abc');");
  auto source = db.Open();
  ReadOptions options;
  options.table_for_errors = "orders";
  auto batch = ReadTable(*source, "orders", options);
  ASSERT_FALSE(batch.has_value());
  EXPECT_EQ(batch.error().code(), StatusCode::kDataError);
  EXPECT_EQ(batch.error().message(), "table orders, column qty, row id=42: 'abc' is not a int64");
  db.Exec("UPDATE orders SET qty = 1.5 WHERE id = 42");
  EXPECT_THAT(ReadTable(*source, "orders", options).error().message(), HasSubstr("the real 1.5 is not a int64"));
}

TEST(SqliteRead, NarrowIntegerTypesCheckTheirRange) {
  TempSqliteDb db("CREATE TABLE t (id INTEGER PRIMARY KEY, n INTEGER); INSERT INTO t VALUES (1, 127), (2, -128);");
  auto source = db.Open();
  auto fits = ReadAs(*source, "t", "n", DataType::Of(TypeId::kInt8));
  ASSERT_TRUE(fits.has_value()) << fits.error().ToString();
  EXPECT_EQ(fits->column(1).Value<int32_t>(0), 127);
  EXPECT_EQ(fits->column(1).Value<int32_t>(1), -128);
  auto unsigned_read = ReadAs(*source, "t", "n", DataType::Of(TypeId::kUInt8));
  ASSERT_FALSE(unsigned_read.has_value());
  EXPECT_EQ(unsigned_read.error().message(), "column n, row id=2: -128 is out of range for uint8 (0..255)");
  // An INTEGER column turns '18446744073709551615' into a REAL (2^64), which is no uint64; a TEXT column keeps it.
  db.Exec(
      "CREATE TABLE u (id INTEGER PRIMARY KEY, n INTEGER, s TEXT);"
      "INSERT INTO u VALUES (1, '18446744073709551615', '18446744073709551615')");
  EXPECT_THAT(ReadAs(*source, "u", "n", DataType::Of(TypeId::kUInt64)).error().message(),
              HasSubstr("the real 18446744073709551616 is not a uint64"));
  auto big = ReadAs(*source, "u", "s", DataType::Of(TypeId::kUInt64));
  ASSERT_TRUE(big.has_value()) << big.error().ToString();
  EXPECT_EQ(big->column(1).Value<uint64_t>(0), std::numeric_limits<uint64_t>::max());
}

TEST(SqliteRead, BooleansFromZeroOneAndWords) {
  TempSqliteDb db(
      "CREATE TABLE t (id INTEGER PRIMARY KEY, b BOOLEAN);"
      "INSERT INTO t VALUES (1, 0), (2, 1), (3, 'true'), (4, 'FALSE'), (5, NULL);");
  auto source = db.Open();
  ColumnBatch batch = MustRead(*source, "t");
  ASSERT_EQ(batch.num_rows(), 5u);
  const ColumnVector& b = batch.column(1);
  EXPECT_EQ(b.Value<uint8_t>(0), 0);
  EXPECT_EQ(b.Value<uint8_t>(1), 1);
  EXPECT_EQ(b.Value<uint8_t>(2), 1);
  EXPECT_EQ(b.Value<uint8_t>(3), 0);
  EXPECT_TRUE(b.IsNull(4));
  db.Exec("INSERT INTO t VALUES (6, 2)");
  EXPECT_THAT(ReadTable(*source, "t").error().message(),
              HasSubstr("row id=6: the integer 2 is not a boolean (0, 1, 'true' or 'false')"));
}

TEST(SqliteRead, FloatsAndExactIntegers) {
  TempSqliteDb db(
      "CREATE TABLE t (id INTEGER PRIMARY KEY, x DOUBLE);"
      "INSERT INTO t VALUES (1, 0.1), (2, -1e300), (3, 3), (4, NULL);");
  auto source = db.Open();
  ColumnBatch batch = MustRead(*source, "t");
  ASSERT_EQ(batch.num_rows(), 4u);
  EXPECT_EQ(batch.column(1).Value<double>(0), 0.1);
  EXPECT_EQ(batch.column(1).Value<double>(1), -1e300);
  EXPECT_EQ(batch.column(1).Value<double>(2), 3.0);
  EXPECT_TRUE(batch.column(1).IsNull(3));
  TempSqliteDb ints("CREATE TABLE t (id INTEGER PRIMARY KEY, n INTEGER); INSERT INTO t VALUES (1, 9007199254740993);");
  auto inexact = ReadAs(*ints.Open(), "t", "n", DataType::Of(TypeId::kFloat64));
  ASSERT_FALSE(inexact.has_value());
  EXPECT_THAT(inexact.error().message(), HasSubstr("the integer 9007199254740993 has no exact float64 value"));
}

TEST(SqliteRead, DecimalsAreExactFromIntegersRealsAndText) {
  // DECIMAL columns have NUMERIC affinity: SQLite stores '1234567890.12' as the REAL 1234567890.12.
  TempSqliteDb db(
      "CREATE TABLE t (id INTEGER PRIMARY KEY, amount DECIMAL(12,2), big DECIMAL(38,10), "
      "wide DECIMAL(50,5), free NUMERIC);"
      "INSERT INTO t VALUES (1, '1234567890.12', '-1234567890123456789.5', 12, 0.1),"
      " (2, 5, 7, '-0.5', 3), (3, -0.07, NULL, NULL, '2.50'), (4, NULL, 0, 0, NULL);");
  auto source = db.Open();
  ColumnBatch batch = MustRead(*source, "t");
  ASSERT_EQ(batch.num_rows(), 4u);
  EXPECT_EQ(Decimal(batch.column(1), 0), "1234567890.12");
  EXPECT_EQ(Decimal(batch.column(1), 1), "5.00");
  EXPECT_EQ(Decimal(batch.column(1), 2), "-0.07");
  EXPECT_EQ(Decimal(batch.column(1), 3), "NULL");
  EXPECT_EQ(Decimal(batch.column(2), 0), "-1234567890123456768.0000000000");  // as SQLite stored it (a REAL)
  EXPECT_EQ(Decimal(batch.column(2), 1), "7.0000000000");
  EXPECT_EQ(Decimal(batch.column(3), 0), "12.00000");
  EXPECT_EQ(Decimal(batch.column(3), 1), "-0.50000");
  EXPECT_EQ(Decimal(batch.column(4), 0), "0.1");
  EXPECT_EQ(Decimal(batch.column(4), 1), "3");
  EXPECT_EQ(Decimal(batch.column(4), 2), "2.5");
}

TEST(SqliteRead, ExactDecimalTextKeepsEveryDigit) {
  TempSqliteDb db(
      "CREATE TABLE t (id INTEGER PRIMARY KEY, d TEXT);"
      "INSERT INTO t VALUES (1, '12345678901234567890123456.123456789012'), (2, '-0.000000000001');");
  auto source = db.Open();
  auto batch = ReadAs(*source, "t", "d", DataType::Decimal(38, 12));
  ASSERT_TRUE(batch.has_value()) << batch.error().ToString();
  EXPECT_EQ(Decimal(batch->column(1), 0), "12345678901234567890123456.123456789012");
  EXPECT_EQ(Decimal(batch->column(1), 1), "-0.000000000001");
}

TEST(SqliteRead, RealThatIsNotExactAtTheScaleIsAnErrorNotARounding) {
  TempSqliteDb db(
      "CREATE TABLE orders (id INTEGER PRIMARY KEY, amount DECIMAL(12,2));"
      "INSERT INTO orders VALUES (1, 0.125);");
  auto source = db.Open();
  ReadOptions options;
  options.table_for_errors = "orders";
  auto batch = ReadTable(*source, "orders", options);
  ASSERT_FALSE(batch.has_value());
  EXPECT_EQ(batch.error().code(), StatusCode::kDataError);
  EXPECT_EQ(batch.error().message(),
            "table orders, column amount, row id=1: '0.125' is not a decimal(12,2): more fraction digits than the "
            "scale (would round)");
  db.Exec("UPDATE orders SET amount = 'abc'");
  EXPECT_EQ(ReadTable(*source, "orders", options).error().message(),
            "table orders, column amount, row id=1: 'abc' is not a decimal(12,2): unexpected character");
  db.Exec("UPDATE orders SET amount = 12345678901.5");
  EXPECT_THAT(ReadTable(*source, "orders", options).error().message(), HasSubstr("too many integer digits"));
}

TEST(SqliteRead, ZeroAndInvalidDatesBecomeNullAndAreCounted) {
  TempSqliteDb db(
      "CREATE TABLE t (id INTEGER PRIMARY KEY, d DATE, ts DATETIME);"
      "INSERT INTO t VALUES (1, '2024-02-29', '2024-02-29 23:59:59.999999'),"
      " (2, '0000-00-00', '0000-00-00 00:00:00'), (3, '2024-00-10', '2023-02-29T10:00:00'),"
      " (4, NULL, NULL);");
  auto source = db.Open();
  ReadStats stats;
  ColumnBatch batch = MustRead(*source, "t", {}, &stats);
  ASSERT_EQ(batch.num_rows(), 4u);
  EXPECT_EQ(FormatDate(batch.column(1).Value<int32_t>(0)), "2024-02-29");
  EXPECT_EQ(FormatTimestampIso(batch.column(2).Value<int64_t>(0)), "2024-02-29T23:59:59.999999Z");
  for (size_t row : {1, 2, 3}) {
    EXPECT_TRUE(batch.column(1).IsNull(row));
    EXPECT_TRUE(batch.column(2).IsNull(row));
  }
  EXPECT_EQ(stats.zero_dates_nulled, 4);
  EXPECT_EQ(stats.rows, 4);
}

TEST(SqliteRead, ZeroDatesAreAnErrorNamingTheRowWhenConfigured) {
  TempSqliteDb db(
      "CREATE TABLE events (id INTEGER PRIMARY KEY, created_at DATETIME);"
      "INSERT INTO events VALUES (7, '2025-01-01 00:00:00'), (8, '0000-00-00 00:00:00');");
  auto source = db.Open();
  ReadOptions options;
  options.zero_dates = config::ZeroDates::kError;
  options.table_for_errors = "events";
  auto batch = ReadTable(*source, "events", options);
  ASSERT_FALSE(batch.has_value());
  EXPECT_EQ(batch.error().code(), StatusCode::kDataError);
  EXPECT_THAT(batch.error().message(), ::testing::StartsWith("table events, column created_at, row id=8: "
                                                             "'0000-00-00 00:00:00' is a zero or invalid date"));
}

TEST(SqliteRead, TimestampsFromEveryAcceptedForm) {
  TempSqliteDb db(
      "CREATE TABLE t (id INTEGER PRIMARY KEY, ts TIMESTAMP);"
      "INSERT INTO t VALUES (1, '2025-01-01 10:00:00'), (2, '2025-01-01T10:00:00.123456Z'),"
      " (3, '2025-01-01 10:00:00.5'), (4, '2025-01-01'), (5, 1735725600), (6, 1735725600.25),"
      " (7, '2025-01-01 10:00:00+00:00'), (8, -62135596800), (9, '9999-12-31 23:59:59.999999');");
  auto source = db.Open();
  ColumnBatch batch = MustRead(*source, "t");
  ASSERT_EQ(batch.num_rows(), 9u);
  const char* expected[] = {
      "2025-01-01T10:00:00.000000Z", "2025-01-01T10:00:00.123456Z", "2025-01-01T10:00:00.500000Z",
      "2025-01-01T00:00:00.000000Z", "2025-01-01T10:00:00.000000Z", "2025-01-01T10:00:00.250000Z",
      "2025-01-01T10:00:00.000000Z", "0001-01-01T00:00:00.000000Z", "9999-12-31T23:59:59.999999Z"};
  for (size_t row = 0; row < 9; ++row) {
    EXPECT_EQ(FormatTimestampIso(batch.column(1).Value<int64_t>(row)), expected[row]) << "row " << row;
  }
}

TEST(SqliteRead, TimestamptzConvertsZoneOffsetsToUtc) {
  TempSqliteDb db(
      "CREATE TABLE t (id INTEGER PRIMARY KEY, ts TIMESTAMPTZ);"
      "INSERT INTO t VALUES (1, '2025-01-01 12:00:00+02:00'), (2, '2025-01-01T10:00:00Z'), (3, 1735725600);");
  auto source = db.Open();
  ColumnBatch batch = MustRead(*source, "t");
  ASSERT_EQ(batch.num_rows(), 3u);
  for (size_t row = 0; row < 3; ++row) {
    EXPECT_EQ(FormatTimestampIso(batch.column(1).Value<int64_t>(row)), "2025-01-01T10:00:00.000000Z") << row;
  }
}

TEST(SqliteRead, TimestampsThatCannotBeReadExactlyAreErrors) {
  TempSqliteDb db("CREATE TABLE t (id INTEGER PRIMARY KEY, ts TIMESTAMP); INSERT INTO t VALUES (1, 'noon');");
  auto source = db.Open();
  EXPECT_THAT(ReadTable(*source, "t").error().message(), HasSubstr("row id=1: 'noon' is not a timestamp"));
  db.Exec("UPDATE t SET ts = '2025-01-01 10:00:00+02:00'");
  EXPECT_THAT(ReadTable(*source, "t").error().message(), HasSubstr("zone offset other than UTC"));
  db.Exec("UPDATE t SET ts = 1735725600.1234567");
  EXPECT_THAT(ReadTable(*source, "t").error().message(), HasSubstr("finer than a microsecond"));
  db.Exec("UPDATE t SET ts = 99999999999999");
  EXPECT_THAT(ReadTable(*source, "t").error().message(), HasSubstr("outside the timestamp range"));
}

TEST(SqliteRead, TimesAndTheirErrors) {
  TempSqliteDb db(
      "CREATE TABLE t (id INTEGER PRIMARY KEY, t TIME);"
      "INSERT INTO t VALUES (1, '10:11:12.5'), (2, '-838:59:59'), (3, NULL);");
  auto source = db.Open();
  ColumnBatch batch = MustRead(*source, "t");
  EXPECT_EQ(FormatTime(batch.column(1).Value<int64_t>(0)), "10:11:12.500000");
  EXPECT_EQ(FormatTime(batch.column(1).Value<int64_t>(1)), "-838:59:59.000000");
  EXPECT_TRUE(batch.column(1).IsNull(2));
  db.Exec("INSERT INTO t VALUES (4, 36000)");
  EXPECT_THAT(ReadTable(*source, "t").error().message(), HasSubstr("row id=4: the integer 36000 is not a time"));
}

TEST(SqliteRead, StringsKeepFourByteUtf8AndBlobsKeepZeroBytes) {
  TempSqliteDb db(
      "CREATE TABLE t (id INTEGER PRIMARY KEY, s VARCHAR(10), j JSON, b BLOB);"
      "INSERT INTO t VALUES (1, 'emoji 😀 𝄞', '{\"a\": [1, \"😀\"]}', x'00ff0000'),"
      " (2, '', '[]', x''), (3, NULL, NULL, NULL);");
  auto source = db.Open();
  ColumnBatch batch = MustRead(*source, "t");
  ASSERT_EQ(batch.num_rows(), 3u);
  EXPECT_EQ(batch.column(1).Bytes(0), "emoji 😀 𝄞");
  EXPECT_EQ(batch.column(2).Bytes(0), "{\"a\": [1, \"😀\"]}");
  EXPECT_EQ(batch.column(3).Bytes(0), std::string_view("\0\xff\0\0", 4));
  EXPECT_EQ(batch.column(1).Bytes(1), "");
  EXPECT_FALSE(batch.column(1).IsNull(1));
  EXPECT_EQ(batch.column(3).Bytes(1), "");
  EXPECT_FALSE(batch.column(3).IsNull(1));
  EXPECT_TRUE(batch.column(1).IsNull(2));
  EXPECT_TRUE(batch.column(3).IsNull(2));
}

TEST(SqliteRead, TextThatIsNotUtf8IsAnErrorAndNumbersAreNotBinary) {
  TempSqliteDb db(
      "CREATE TABLE t (id INTEGER PRIMARY KEY, s TEXT, b); INSERT INTO t VALUES (1, CAST(x'ff' AS TEXT), 'x');");
  auto source = db.Open();
  EXPECT_THAT(ReadTable(*source, "t").error().message(),
              HasSubstr("column s, row id=1: a text of 1 bytes is not valid UTF-8"));
  db.Exec("UPDATE t SET s = 'ok', b = 42");
  EXPECT_THAT(ReadTable(*source, "t").error().message(),
              HasSubstr("column b, row id=1: the integer 42 is not binary data"));
}

TEST(SqliteRead, NumbersReadAsStringsInTheirExactText) {
  TempSqliteDb db("CREATE TABLE t (id INTEGER PRIMARY KEY, v); INSERT INTO t VALUES (1, 42), (2, 0.1), (3, 'x');");
  auto source = db.Open();
  auto batch = ReadAs(*source, "t", "v", DataType::Of(TypeId::kString));
  ASSERT_TRUE(batch.has_value()) << batch.error().ToString();
  EXPECT_EQ(batch->column(1).Bytes(0), "42");
  EXPECT_EQ(batch->column(1).Bytes(1), "0.1");
  EXPECT_EQ(batch->column(1).Bytes(2), "x");
}

TEST(SqliteRead, RowsWithoutAKeyInTheSelectListAreNamedByRowidOrPosition) {
  TempSqliteDb db(
      "CREATE TABLE t (a INTEGER, b TEXT, n INTEGER);"
      "INSERT INTO t VALUES (1, 'x', 1), (1, 'y', 'bad');"
      "CREATE TABLE k (a INTEGER, b TEXT, n INTEGER, PRIMARY KEY (a, b));"
      "INSERT INTO k VALUES (1, 'x', 1), (1, 'it''s', 'bad');");
  auto source = db.Open();
  auto schema = MakeSchema({{"n", DataType::Of(TypeId::kInt64)}});
  auto by_rowid = ReadAll(*source, KeysetQuery("t", {"n"}, {"a"}), schema);
  ASSERT_FALSE(by_rowid.has_value());
  EXPECT_EQ(by_rowid.error().message(), "table t, column n, row rowid=2: 'bad' is not a int64");
  auto key_schema = MakeSchema(
      {{"a", DataType::Of(TypeId::kInt64)}, {"b", DataType::Of(TypeId::kString)}, {"n", DataType::Of(TypeId::kInt64)}},
      {"a", "b"});
  auto by_key = ReadAll(*source, KeysetQuery("k", {"a", "b", "n"}, {"a", "b"}), key_schema);
  ASSERT_FALSE(by_key.has_value());
  EXPECT_EQ(by_key.error().message(), "table k, column n, row a=1, b='it's': 'bad' is not a int64");
  SelectQuery custom;
  custom.custom_sql = "SELECT n FROM t ORDER BY b";
  auto by_position = ReadAll(*source, custom, schema);
  ASSERT_FALSE(by_position.has_value());
  EXPECT_EQ(by_position.error().message(), "column n, row 2 of the result: 'bad' is not a int64");
}

TEST(SqliteRead, NextFillsBatchesOfAtMostMaxRowsThenReportsTheEnd) {
  TempSqliteDb db(
      "CREATE TABLE t (id INTEGER PRIMARY KEY);"
      "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 25) "
      "INSERT INTO t SELECT i FROM n;");
  auto source = db.Open();
  auto schema = MakeSchema({{"id", DataType::Of(TypeId::kInt64)}});
  auto reader = source->Read(KeysetQuery("t", {"id"}, {"id"}), schema, {});
  ASSERT_TRUE(reader.has_value()) << reader.error().ToString();
  ColumnBatch batch(schema);
  std::vector<size_t> sizes;
  int64_t expected_id = 1;
  while (true) {
    auto rows = (*reader)->Next(&batch, 10);
    ASSERT_TRUE(rows.has_value()) << rows.error().ToString();
    if (*rows == 0) break;
    sizes.push_back(*rows);
    ASSERT_EQ(batch.num_rows(), *rows);
    for (size_t row = 0; row < *rows; ++row) EXPECT_EQ(batch.column(0).Value<int64_t>(row), expected_id++);
  }
  EXPECT_EQ(sizes, (std::vector<size_t>{10, 10, 5}));
  EXPECT_EQ((*reader)->stats().rows, 25);
  EXPECT_EQ(*(*reader)->Next(&batch, 10), 0u);
  EXPECT_EQ(batch.num_rows(), 0u);
}

TEST(SqliteRead, ASchemaThatDoesNotMatchTheSelectListIsRejected) {
  TempSqliteDb db("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)");
  auto source = db.Open();
  SelectQuery query;
  query.custom_sql = "SELECT id, v FROM t";
  auto reader = source->Read(query, MakeSchema({{"id", DataType::Of(TypeId::kInt64)}}), {});
  ASSERT_FALSE(reader.has_value());
  EXPECT_EQ(reader.error().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace sluice::source
