// The MySQL source through the Source API against the private MariaDB:
// every type of SPEC §5 read exactly (checked in the ColumnBatch itself),
// zero dates, streaming, custom SQL binding, snapshots and errors.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "mysql_client.h"
#include "mysql_test_util.h"
#include "connect/open.h"
#include "source/mysql/mysql_types.h"
#include "types/temporal.h"

namespace sluice::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;

class MySqlSourceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_ = MySqlServer();
    ASSERT_FALSE(server_.host.empty());
    client_ = std::make_unique<MySqlClient>(server_);
  }

  std::unique_ptr<source::Source> Open() {
    auto opened = source::OpenSource(server_.Connection(config::SourceType::kMySql));
    EXPECT_TRUE(opened.has_value()) << opened.error().ToString();
    return opened ? std::move(*opened) : nullptr;
  }

  // Reads the whole table (by its primary key) with the described schema.
  ColumnBatch MustRead(source::Source& source, const std::string& table, const source::ReadOptions& options = {},
                       source::ReadStats* stats = nullptr) {
    auto schema = source.DescribeTable(table);
    EXPECT_TRUE(schema.has_value()) << schema.error().ToString();
    if (!schema) return ColumnBatch(std::make_shared<Schema>());
    auto batch = ReadAll(source, WholeTable(table, **schema, (*schema)->primary_key), *schema, options, stats);
    EXPECT_TRUE(batch.has_value()) << batch.error().ToString();
    return batch ? std::move(*batch) : ColumnBatch(*schema);
  }

  ServerEnv server_;
  std::unique_ptr<MySqlClient> client_;
};

constexpr const char* kAllTypesTable = R"(
CREATE TABLE all_types (
  id INT PRIMARY KEY,
  c_tiny TINYINT, c_tiny_u TINYINT UNSIGNED, c_small SMALLINT, c_small_u SMALLINT UNSIGNED,
  c_medium MEDIUMINT, c_medium_u MEDIUMINT UNSIGNED, c_int INT, c_int_u INT UNSIGNED,
  c_big BIGINT, c_big_u BIGINT UNSIGNED,
  c_dec DECIMAL(12,2), c_dec38 DECIMAL(38,10), c_dec65 DECIMAL(65,30),
  c_float FLOAT, c_double DOUBLE,
  c_bit1 BIT(1), c_bit12 BIT(12), c_bit64 BIT(64),
  c_date DATE, c_datetime DATETIME(6), c_timestamp TIMESTAMP(6) NULL, c_time TIME(6), c_year YEAR,
  c_char CHAR(5), c_varchar VARCHAR(20) NOT NULL DEFAULT '', c_text TEXT, c_enum ENUM('small','large'),
  c_set SET('a','b','c'), c_json JSON, c_binary BINARY(4), c_varbinary VARBINARY(10), c_blob LONGBLOB,
  c_geometry GEOMETRY, c_uuid UUID
) CHARACTER SET utf8mb4)";

constexpr const char* kAllTypesRows = R"(
INSERT INTO all_types VALUES
 (1, 127, 255, 32767, 65535, 8388607, 16777215, 2147483647, 4294967295,
  9223372036854775807, 18446744073709551615,
  9999999999.99, 9999999999999999999999999999.9999999999,
  99999999999999999999999999999999999.999999999999999999999999999999,
  0.1, 1.7976931348623157e308,
  b'1', b'101010101010', b'1111111111111111111111111111111111111111111111111111111111111111',
  '9999-12-31', '9999-12-31 23:59:59.999999', '2038-01-19 03:14:07.999999', '838:59:59.000000', 2155,
  'abc', 'x😀y ünï', 'line1\nline2\t"q"', 'large', 'a,c', '{"k": [1, 2.5, "😀"], "n": null}',
  x'00FF0000', x'00', x'DEADBEEF', ST_GeomFromText('POINT(1 2)'), '123e4567-e89b-12d3-a456-426614174000'),
 (2, -128, 0, -32768, 0, -8388608, 0, -2147483648, 0,
  -9223372036854775808, 0,
  -9999999999.99, -9999999999999999999999999999.9999999999,
  -0.000000000000000000000000000001,
  -0.25, 2.2250738585072014e-308,
  b'0', b'000000000001', x'0123456789ABCDEF',
  '0001-01-01', '1000-01-01 00:00:00.000001', '1970-01-01 00:00:01.000001', '-838:59:59.000000', 1901,
  '', '', '', 'small', '', '[]', x'00000000', x'', x'', NULL, NULL),
 (3, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
  NULL, NULL, NULL, '-00:00:00.000001', 0, NULL, 'z', NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL),
 (4, 0, 1, 0, 1, 0, 1, 0, 1, 0, 9223372036854775808, 0.00, 0, 0, 0, 0, b'0', b'0', b'0',
  '2024-02-29', '2024-02-29 12:00:00', '2024-02-29 12:00:00.5', '25:00:00.25', 1970,
  'a', 'a', 'a', NULL, 'a,b,c', '{}', x'01020304', x'FF', REPEAT(x'00FF7F80', 4194304), NULL, NULL))";

TEST_F(MySqlSourceTest, DescribesEveryTypeAsTheSpecMapsIt) {
  client_->Exec("DROP TABLE IF EXISTS all_types");
  client_->Exec(kAllTypesTable);
  auto source = Open();
  ASSERT_NE(source, nullptr);
  auto schema = source->DescribeTable("all_types");
  ASSERT_TRUE(schema.has_value()) << schema.error().ToString();
  std::vector<std::string> described;
  for (const Field& field : (*schema)->fields) {
    described.push_back(fmt::format("{} {}{}{}", field.name, field.type.ToString(), field.nullable ? "" : " not null",
                                    field.max_length ? fmt::format(" ({})", field.max_length) : ""));
  }
  EXPECT_THAT(described,
              ElementsAre("id int32 not null", "c_tiny int8", "c_tiny_u int32", "c_small int16", "c_small_u int32",
                          "c_medium int32", "c_medium_u int32", "c_int int32", "c_int_u int64", "c_big int64",
                          "c_big_u decimal(20,0)", "c_dec decimal(12,2)", "c_dec38 decimal(38,10)",
                          "c_dec65 decimal(65,30)", "c_float float32", "c_double float64", "c_bit1 boolean",
                          "c_bit12 int64", "c_bit64 int64", "c_date date", "c_datetime timestamp",
                          "c_timestamp timestamptz", "c_time time", "c_year int16", "c_char string (5)",
                          "c_varchar string not null (20)", "c_text string (65535)", "c_enum string (5)",
                          "c_set string (5)", "c_json json", "c_binary binary", "c_varbinary binary",
                          "c_blob binary", "c_geometry binary", "c_uuid string (36)"));
  EXPECT_THAT((*schema)->primary_key, ElementsAre("id"));
  EXPECT_EQ((*schema)->fields[10].source_type, "bigint(20) unsigned");

  // Custom SQL over the same columns maps each result column to the same type.
  SelectQuery query;
  query.custom_sql = "SELECT * FROM all_types";
  auto described_query = source->DescribeQuery(query);
  ASSERT_TRUE(described_query.has_value()) << described_query.error().ToString();
  ASSERT_EQ((*described_query)->fields.size(), (*schema)->fields.size());
  for (size_t column_idx = 0; column_idx < (*schema)->fields.size(); ++column_idx) {
    const Field& from_table = (*schema)->fields[column_idx];
    const Field& from_query = (*described_query)->fields[column_idx];
    EXPECT_EQ(from_query.type, from_table.type) << from_table.name;
    EXPECT_EQ(from_query.nullable, from_table.nullable) << from_table.name;
    EXPECT_EQ(from_query.max_length, from_table.max_length) << from_table.name;
  }
}

TEST_F(MySqlSourceTest, ReadsEveryTypeExactly) {
  client_->Exec("DROP TABLE IF EXISTS all_types");
  client_->Exec(kAllTypesTable);
  client_->Exec(kAllTypesRows);
  auto source = Open();
  ASSERT_NE(source, nullptr);
  ColumnBatch batch = MustRead(*source, "all_types");
  ASSERT_EQ(batch.num_rows(), 4u);
  auto row = [&](size_t row_idx, size_t first, size_t count) {
    std::vector<std::string> cells;
    for (size_t column_idx = first; column_idx < first + count; ++column_idx) {
      cells.push_back(CellText(batch.column(column_idx), row_idx));
    }
    return cells;
  };
  // Integers.
  EXPECT_THAT(row(0, 0, 11), ElementsAre("1", "127", "255", "32767", "65535", "8388607", "16777215", "2147483647",
                                         "4294967295", "9223372036854775807", "18446744073709551615"));
  EXPECT_THAT(row(1, 0, 11), ElementsAre("2", "-128", "0", "-32768", "0", "-8388608", "0", "-2147483648", "0",
                                         "-9223372036854775808", "0"));
  EXPECT_THAT(row(2, 1, 10), ElementsAre("NULL", "NULL", "NULL", "NULL", "NULL", "NULL", "NULL", "NULL", "NULL", "NULL"));
  EXPECT_EQ(CellText(batch.column(10), 3), "9223372036854775808");
  // Decimals, floats, bits.
  EXPECT_THAT(row(0, 11, 8),
              ElementsAre("9999999999.99", "9999999999999999999999999999.9999999999",
                          "99999999999999999999999999999999999.999999999999999999999999999999", "0.1",
                          "1.7976931348623157e+308", "true", "2730", "-1"));
  EXPECT_THAT(row(1, 11, 8),
              ElementsAre("-9999999999.99", "-9999999999999999999999999999.9999999999",
                          "-0.000000000000000000000000000001", "-0.25", "2.2250738585072014e-308", "false", "1",
                          "81985529216486895"));
  EXPECT_THAT(row(3, 11, 3), ElementsAre("0.00", "0.0000000000", "0.000000000000000000000000000000"));
  EXPECT_EQ(batch.column(14).Value<float>(0), 0.1f);  // FLOAT keeps its single-precision value
  // Dates and times: microseconds exact, TIME negative and past 24 hours.
  EXPECT_THAT(row(0, 19, 5), ElementsAre("9999-12-31", "9999-12-31T23:59:59.999999Z", "2038-01-19T03:14:07.999999Z",
                                         "838:59:59.000000", "2155"));
  EXPECT_THAT(row(1, 19, 5), ElementsAre("0001-01-01", "1000-01-01T00:00:00.000001Z", "1970-01-01T00:00:01.000001Z",
                                         "-838:59:59.000000", "1901"));
  EXPECT_THAT(row(2, 22, 2), ElementsAre("-00:00:00.000001", "0"));
  EXPECT_THAT(row(3, 19, 5), ElementsAre("2024-02-29", "2024-02-29T12:00:00.000000Z", "2024-02-29T12:00:00.500000Z",
                                         "25:00:00.250000", "1970"));
  constexpr int64_t kMaxTimeMicros = (838LL * 3600 + 59 * 60 + 59) * 1000000;
  EXPECT_EQ(batch.column(22).Value<int64_t>(0), kMaxTimeMicros);
  EXPECT_EQ(batch.column(22).Value<int64_t>(1), -kMaxTimeMicros);
  // Strings (4-byte UTF-8 kept), ENUM, SET, JSON, binary, WKB geometry, UUID.
  EXPECT_THAT(row(0, 24, 11),
              ElementsAre("abc", "x😀y ünï", "line1\nline2\t\"q\"", "large", "a,c", R"({"k": [1, 2.5, "😀"], "n": null})",
                          "x'00ff0000'", "x'00'", "x'deadbeef'", "x'0101000000000000000000f03f0000000000000040'",
                          "123e4567-e89b-12d3-a456-426614174000"));
  EXPECT_THAT(row(1, 24, 11), ElementsAre("", "", "", "small", "", "[]", "x'00000000'", "x''", "x''", "NULL", "NULL"));
  EXPECT_THAT(row(2, 24, 2), ElementsAre("NULL", "z"));
  // A 16 MiB BLOB, zero bytes included, arrives whole.
  std::string_view blob = batch.column(32).Bytes(3);
  ASSERT_EQ(blob.size(), 16u << 20);
  bool pattern_ok = true;
  for (size_t offset = 0; offset < blob.size(); offset += 4) {
    pattern_ok &= blob.substr(offset, 4) == std::string_view("\x00\xff\x7f\x80", 4);
  }
  EXPECT_TRUE(pattern_ok);
}

TEST_F(MySqlSourceTest, ZeroAndInvalidDatesBecomeNullAndAreCounted) {
  client_->Exec("DROP TABLE IF EXISTS zero_dates");
  client_->Exec(
      "CREATE TABLE zero_dates (id INT PRIMARY KEY, d DATE, dt DATETIME(6), ts TIMESTAMP NULL);"
      "INSERT INTO zero_dates VALUES (1, '2024-01-02', '2024-01-02 03:04:05.000006', '2024-01-02 03:04:05'),"
      " (2, '0000-00-00', '0000-00-00 00:00:00', '0000-00-00 00:00:00'), (3, '2024-00-10', '2024-02-30 10:00:00', NULL),"
      " (4, '0000-01-01', '2023-02-29 00:00:00', NULL)");
  auto source = Open();
  ASSERT_NE(source, nullptr);
  source::ReadStats stats;
  ColumnBatch batch = MustRead(*source, "zero_dates", {}, &stats);
  EXPECT_THAT(BatchRows(batch), ElementsAre("1|2024-01-02|2024-01-02T03:04:05.000006Z|2024-01-02T03:04:05.000000Z",
                                            "2|NULL|NULL|NULL", "3|NULL|NULL|NULL", "4|NULL|NULL|NULL"));
  EXPECT_EQ(stats.zero_dates_nulled, 7);
  EXPECT_EQ(stats.rows, 4);
}

// The count of rows with no cursor value (NULL or a zero date) that every
// hybrid and timestamp_only run makes: an index on the column serves it as
// a range, whatever the column's type. A bound outside a TIMESTAMP's range
// ('0001-01-01') made MariaDB scan the whole index: 1.2-1.6 s per run, even
// with nothing changed, on a 10M-row table (bench/end_to_end.py).
TEST_F(MySqlSourceTest, RowsWithNoCursorValueAreCountedThroughTheColumnsIndex) {
  client_->Exec("DROP TABLE IF EXISTS no_cursor_value");
  client_->Exec(
      "CREATE TABLE no_cursor_value (id INT PRIMARY KEY, ts TIMESTAMP(6) NULL, dt DATETIME NULL, d DATE NULL, "
      "INDEX (ts), INDEX (dt), INDEX (d));"
      "INSERT INTO no_cursor_value SELECT seq, TIMESTAMP('2024-01-01') + INTERVAL seq SECOND, "
      "TIMESTAMP('2024-01-01') + INTERVAL seq SECOND, DATE('2024-01-01') + INTERVAL seq % 300 DAY "
      "FROM seq_1_to_20000;"
      "UPDATE no_cursor_value SET ts = '0000-00-00 00:00:00', dt = '0000-00-00 00:00:00', d = '0000-00-00' "
      "WHERE id IN (7, 8, 9);"
      "UPDATE no_cursor_value SET ts = NULL, dt = NULL, d = NULL WHERE id IN (10, 11);"
      "ANALYZE TABLE no_cursor_value");
  auto source = Open();
  ASSERT_NE(source, nullptr);
  auto schema = source->DescribeTable("no_cursor_value");
  ASSERT_TRUE(schema.has_value()) << schema.error().ToString();
  for (std::string column : {"ts", "dt", "d"}) {
    const Field& field = (*schema)->fields[*(*schema)->FieldIndex(column)];
    Result<int64_t> count = source->CountNullKeys("no_cursor_value", field);
    ASSERT_TRUE(count.has_value()) << count.error().ToString();
    EXPECT_EQ(*count, 5) << column << ": three zero dates and two NULLs";
    std::string condition = source::mysql::NoCursorValueCondition(field.type.id, "`" + column + "`");
    std::vector<Row> plan = client_->Rows("EXPLAIN SELECT COUNT(*) FROM no_cursor_value WHERE " + condition);
    ASSERT_EQ(plan.size(), 1u);
    ASSERT_GE(plan[0].size(), 9u);
    EXPECT_THAT(plan[0][3].value_or(""), Not(::testing::AnyOf("index", "ALL")))
        << column << " (" << condition << "): the count scans, " << plan[0][8].value_or("?") << " rows";
  }
}

TEST_F(MySqlSourceTest, ZeroDateInErrorModeNamesTableColumnAndKey) {
  client_->Exec("DROP TABLE IF EXISTS orders_zero");
  client_->Exec(
      "CREATE TABLE orders_zero (id INT, region CHAR(2), shipped_at DATE, PRIMARY KEY (region, id));"
      "INSERT INTO orders_zero VALUES (41, 'eu', '2024-01-01'), (42, 'us', '0000-00-00'), (43, 'us', '2024-00-10')");
  auto source = Open();
  ASSERT_NE(source, nullptr);
  auto schema = source->DescribeTable("orders_zero");
  ASSERT_TRUE(schema.has_value());
  source::ReadOptions options{config::ZeroDates::kError, "shop.orders_zero"};
  auto batch = ReadAll(*source, WholeTable("orders_zero", **schema, {"region", "id"}), *schema, options);
  ASSERT_FALSE(batch.has_value());
  EXPECT_EQ(batch.error().code(), StatusCode::kDataError);
  EXPECT_THAT(batch.error().message(),
              HasSubstr("table shop.orders_zero, column shipped_at, row region='us', id=42: zero date '0000-00-00'"));
  // The connection is usable after the failed read.
  auto max = source->MaxValue("orders_zero", "id", DataType::Of(TypeId::kInt32));
  ASSERT_TRUE(max.has_value()) << max.error().ToString();
  EXPECT_EQ(*max, Value::Int64(43));
}

TEST_F(MySqlSourceTest, AReaderDroppedMidResultLeavesTheConnectionUsable) {
  client_->Exec("DROP TABLE IF EXISTS many_rows");
  client_->Exec("CREATE TABLE many_rows (id INT PRIMARY KEY, payload VARCHAR(100))");
  client_->Exec(
      "INSERT INTO many_rows SELECT seq, REPEAT('x', 100) FROM seq_1_to_50000");
  auto source = Open();
  ASSERT_NE(source, nullptr);
  auto schema = source->DescribeTable("many_rows");
  ASSERT_TRUE(schema.has_value());
  {
    auto reader = source->Read(WholeTable("many_rows", **schema, {"id"}), *schema, {});
    ASSERT_TRUE(reader.has_value()) << reader.error().ToString();
    ColumnBatch batch(*schema);
    auto rows = (*reader)->Next(&batch, 100);
    ASSERT_TRUE(rows.has_value());
    EXPECT_EQ(*rows, 100u);
    // While a reader is open, the source refuses other statements instead of corrupting the stream.
    auto busy = source->MaxValue("many_rows", "id", DataType::Of(TypeId::kInt32));
    EXPECT_FALSE(busy.has_value());
  }
  auto max = source->MaxValue("many_rows", "id", DataType::Of(TypeId::kInt32));
  ASSERT_TRUE(max.has_value()) << max.error().ToString();
  EXPECT_EQ(*max, Value::Int64(50000));
  SelectQuery tail = WholeTable("many_rows", **schema, {"id"});
  tail.lower = {Value::Int64(49990)};
  auto batch = ReadAll(*source, tail, *schema);
  ASSERT_TRUE(batch.has_value()) << batch.error().ToString();
  EXPECT_EQ(batch->num_rows(), 10u);
  EXPECT_EQ(batch->column(0).Value<int32_t>(0), 49991);
}

TEST_F(MySqlSourceTest, CustomSqlBindsAParameterWithAQuoteInsteadOfPastingIt) {
  client_->Exec("DROP TABLE IF EXISTS people");
  client_->Exec(
      "CREATE TABLE people (id INT PRIMARY KEY, name VARCHAR(40));"
      "INSERT INTO people VALUES (1, 'O''Brien'), (2, 'Smith'), (3, 'x'' OR ''1''=''1')");
  auto source = Open();
  ASSERT_NE(source, nullptr);
  SelectQuery query;
  query.custom_sql = "SELECT id, name FROM people WHERE name = {{ last_id }} ORDER BY id";
  query.parameters["last_id"] = Value::Text("O'Brien");
  std::string explained = source->Explain(query);
  EXPECT_THAT(explained, HasSubstr("WHERE name = ? ORDER BY id"));
  auto schema = source->DescribeQuery(query);
  ASSERT_TRUE(schema.has_value()) << schema.error().ToString();
  auto batch = ReadAll(*source, query, *schema);
  ASSERT_TRUE(batch.has_value()) << batch.error().ToString();
  EXPECT_THAT(BatchRows(*batch), ElementsAre("1|O'Brien"));
  // A value shaped like an injection is one string compared as a whole.
  query.parameters["last_id"] = Value::Text("x' OR '1'='1");
  batch = ReadAll(*source, query, *schema);
  ASSERT_TRUE(batch.has_value()) << batch.error().ToString();
  EXPECT_THAT(BatchRows(*batch), ElementsAre("3|x' OR '1'='1"));
}

TEST_F(MySqlSourceTest, CustomSqlReturningTwoColumnsOfOneNameIsRefusedNamingTheTable) {
  client_->Exec("DROP TABLE IF EXISTS twin_ids");
  client_->Exec("CREATE TABLE twin_ids (id INT PRIMARY KEY, other INT)");
  auto source = Open();
  ASSERT_NE(source, nullptr);
  SelectQuery query;
  query.table = "twin_ids";
  query.custom_sql = "SELECT a.id, b.id FROM twin_ids a JOIN twin_ids b ON b.id = a.other";
  auto schema = source->DescribeQuery(query);
  ASSERT_FALSE(schema.has_value());
  EXPECT_EQ(schema.error().message(),
            "table twin_ids: the custom SQL returns two columns named 'id'; give one an alias (... AS another_name)");
}

TEST_F(MySqlSourceTest, CustomSqlThatWouldWriteIsRefused) {
  client_->Exec("DROP TABLE IF EXISTS guarded");
  client_->Exec("CREATE TABLE guarded (id INT PRIMARY KEY); INSERT INTO guarded VALUES (1)");
  auto source = Open();
  ASSERT_NE(source, nullptr);
  SelectQuery query;
  query.custom_sql = "DELETE FROM guarded";
  EXPECT_FALSE(source->DescribeQuery(query).has_value());
  auto schema = std::make_shared<Schema>();
  schema->fields.push_back(Field{"id", DataType::Of(TypeId::kInt32), true, "int", 0});
  EXPECT_FALSE(source->Read(query, schema, {}).has_value());
  EXPECT_EQ(client_->Scalar("SELECT COUNT(*) FROM guarded"), "1");
}

TEST_F(MySqlSourceTest, KeysetBoundsAndCeilingOnTimestampAndUnsignedKeys) {
  client_->Exec("DROP TABLE IF EXISTS keyed");
  client_->Exec(
      "CREATE TABLE keyed (id BIGINT UNSIGNED PRIMARY KEY, updated_at TIMESTAMP(6) NOT NULL, INDEX (updated_at, id));"
      "INSERT INTO keyed VALUES (1, '2025-01-01 00:00:00'), (18446744073709551615, '2025-01-01 00:00:00'),"
      " (9223372036854775808, '2025-01-01 00:00:00.000001'), (5, '2025-01-02 00:00:00')");
  auto source = Open();
  ASSERT_NE(source, nullptr);
  auto schema = source->DescribeTable("keyed");
  ASSERT_TRUE(schema.has_value());
  auto max_id = source->MaxValue("keyed", "id", (*schema)->fields[0].type);
  ASSERT_TRUE(max_id.has_value()) << max_id.error().ToString();
  EXPECT_EQ(*max_id, Value::UInt64(18446744073709551615ULL));
  auto max_ts = source->MaxValue("keyed", "updated_at", (*schema)->fields[1].type);
  ASSERT_TRUE(max_ts.has_value()) << max_ts.error().ToString();
  EXPECT_EQ(max_ts->ToString(), "2025-01-02T00:00:00.000000Z");

  SelectQuery query = WholeTable("keyed", **schema, {"updated_at", "id"});
  auto start = ParseTimestamp("2025-01-01 00:00:00");
  ASSERT_TRUE(start.has_value());
  query.lower = {Value::Timestamp(*start), Value::Int64(1)};
  query.upper = Value::Timestamp(*start + 1);
  query.limit = 10;
  auto batch = ReadAll(*source, query, *schema);
  ASSERT_TRUE(batch.has_value()) << batch.error().ToString();
  EXPECT_THAT(BatchRows(*batch), ElementsAre("18446744073709551615|2025-01-01T00:00:00.000000Z",
                                             "9223372036854775808|2025-01-01T00:00:00.000001Z"));
  SelectQuery by_id = WholeTable("keyed", **schema, {"id"});
  by_id.lower = {Value::UInt64(9223372036854775808ULL)};
  batch = ReadAll(*source, by_id, *schema);
  ASSERT_TRUE(batch.has_value()) << batch.error().ToString();
  EXPECT_THAT(BatchRows(*batch), ElementsAre("18446744073709551615|2025-01-01T00:00:00.000000Z"));
}

TEST_F(MySqlSourceTest, SnapshotReadsIgnoreLaterCommits) {
  client_->Exec("DROP TABLE IF EXISTS snap");
  client_->Exec("CREATE TABLE snap (id INT PRIMARY KEY) ENGINE=InnoDB; INSERT INTO snap VALUES (1), (2)");
  auto source = Open();
  ASSERT_NE(source, nullptr);
  auto schema = source->DescribeTable("snap");
  ASSERT_TRUE(schema.has_value());
  ASSERT_TRUE(source->BeginSnapshot().ok());
  EXPECT_EQ(ReadAll(*source, WholeTable("snap", **schema, {"id"}), *schema)->num_rows(), 2u);
  client_->Exec("INSERT INTO snap VALUES (3)");
  EXPECT_EQ(ReadAll(*source, WholeTable("snap", **schema, {"id"}), *schema)->num_rows(), 2u);
  ASSERT_TRUE(source->EndSnapshot().ok());
  EXPECT_EQ(ReadAll(*source, WholeTable("snap", **schema, {"id"}), *schema)->num_rows(), 3u);
}

TEST_F(MySqlSourceTest, MissingTableIsNotFoundWithCloseNames) {
  client_->Exec("DROP TABLE IF EXISTS customer_orders; CREATE TABLE customer_orders (id INT PRIMARY KEY)");
  auto source = Open();
  ASSERT_NE(source, nullptr);
  auto schema = source->DescribeTable("customer_order");
  ASSERT_FALSE(schema.has_value());
  EXPECT_EQ(schema.error().code(), StatusCode::kNotFound);
  EXPECT_THAT(schema.error().message(), HasSubstr("table 'customer_order' not found in database sluice_test"));
  EXPECT_THAT(schema.error().message(), HasSubstr("customer_orders"));
  auto other_db = source->DescribeTable("no_such_db.customer_orders");
  ASSERT_FALSE(other_db.has_value());
  EXPECT_THAT(other_db.error().message(), HasSubstr("there is no database 'no_such_db'"));
  // "db.table" names the database explicitly.
  EXPECT_TRUE(source->DescribeTable(server_.database + ".customer_orders").has_value());
}

TEST_F(MySqlSourceTest, ReportsTheServerVersion) {
  auto source = Open();
  ASSERT_NE(source, nullptr);
  auto version = source->ServerVersion();
  ASSERT_TRUE(version.has_value());
  EXPECT_THAT(*version, ::testing::MatchesRegex(R"(MariaDB 1[0-9]\.[0-9]+\.[0-9]+)"));
}

TEST_F(MySqlSourceTest, SessionIsUtcUtf8mb4AndReadOnly) {
  auto source = Open();
  ASSERT_NE(source, nullptr);
  SelectQuery query;
  query.custom_sql =
      "SELECT @@session.time_zone AS tz, @@character_set_results AS cs, @@session.tx_read_only AS ro, "
      "@@session.net_write_timeout AS nwt";
  auto schema = source->DescribeQuery(query);
  ASSERT_TRUE(schema.has_value()) << schema.error().ToString();
  auto batch = ReadAll(*source, query, *schema);
  ASSERT_TRUE(batch.has_value()) << batch.error().ToString();
  EXPECT_THAT(BatchRows(*batch), ElementsAre("+00:00|utf8mb4|1|3600"));
}

TEST_F(MySqlSourceTest, ConnectionErrorsNameTheServerButNeverThePassword) {
  config::SourceConnection connection = server_.Connection(config::SourceType::kMySql);
  connection.password = "wrong-Secret-123";
  auto opened = source::OpenSource(connection);
  ASSERT_FALSE(opened.has_value());
  EXPECT_EQ(opened.error().code(), StatusCode::kUnavailable);
  EXPECT_THAT(opened.error().message(), HasSubstr(server_.host + ":" + std::to_string(server_.port)));
  EXPECT_THAT(opened.error().message(), HasSubstr("Access denied"));
  EXPECT_THAT(opened.error().message(), Not(HasSubstr("wrong-Secret-123")));

  connection = server_.Connection(config::SourceType::kMySql);
  connection.port = 1;  // nothing listens there
  connection.connect_timeout_seconds = 2;
  opened = source::OpenSource(connection);
  ASSERT_FALSE(opened.has_value());
  EXPECT_EQ(opened.error().code(), StatusCode::kUnavailable);
  EXPECT_THAT(opened.error().message(), HasSubstr(server_.host + ":1"));

  connection = server_.Connection(config::SourceType::kMySql);
  connection.ssh_tunnel.enabled = true;
  opened = source::OpenSource(connection);
  ASSERT_FALSE(opened.has_value());
  EXPECT_EQ(opened.error().code(), StatusCode::kNotSupported);
  EXPECT_THAT(opened.error().message(), HasSubstr("ssh_tunnel"));
}

}  // namespace
}  // namespace sluice::testing
