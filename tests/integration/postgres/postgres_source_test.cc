// The PostgreSQL source through the Source API against the private test
// server: table lookup, keyset reads, ceilings, custom SQL binding,
// snapshots, and a reader dropped in the middle of its result.
#include <gtest/gtest.h>

#include "pg_fixture.h"
#include "source_reading.h"
#include "types/temporal.h"

namespace sluice::testing {
namespace {

using Cells = std::vector<std::string>;

class PostgresSource : public PostgresSourceTest {
 protected:
  // Creates `table` (id bigint key, updated_at timestamptz, note text) with `rows` rows,
  // 7 rows per second from 2025-01-01.
  void CreateEvents(const std::string& table, int rows) {
    fixture_->Exec("DROP TABLE IF EXISTS " + table + "; CREATE TABLE " + table +
                   " (id bigint PRIMARY KEY, updated_at timestamptz NOT NULL, note text);"
                   "INSERT INTO " + table + " SELECT i, timestamptz '2025-01-01 00:00:00+00' + (i / 7) * interval "
                   "'1 second', 'note ' || i FROM generate_series(1, " + std::to_string(rows) + ") i;");
  }

  SchemaPtr Describe(const std::string& table) {
    auto schema = source_->DescribeTable(table);
    EXPECT_TRUE(schema.has_value()) << schema.error().ToString();
    return schema.has_value() ? *schema : std::make_shared<Schema>();
  }

  std::vector<std::string> Column(const ReadResult& read, size_t column) {
    std::vector<std::string> values;
    for (const Cells& row : read.rows) values.push_back(row[column]);
    return values;
  }
};

TEST_F(PostgresSource, ServerVersionNamesPostgreSql) {
  auto version = source_->ServerVersion();
  ASSERT_TRUE(version.has_value()) << version.error().ToString();
  EXPECT_EQ(version->rfind("PostgreSQL 15.", 0), 0u) << *version;
}

TEST_F(PostgresSource, HybridKeysetReadsFromATupleBoundUpToTheCeiling) {
  std::string table = UniqueName("events");
  CreateEvents(table, 100);
  SchemaPtr schema = Describe(table);
  SelectQuery query = WholeTable(table, *schema);
  query.key_columns = {"updated_at", "id"};
  int64_t second_2 = *ParseTimestamp("2025-01-01 00:00:02");
  query.lower = {Value::Timestamp(second_2), Value::Int64(16)};  // (ts, id) > (00:00:02, 16)
  query.upper = Value::Timestamp(*ParseTimestamp("2025-01-01 00:00:03"));
  query.limit = 100;
  std::string explained = source_->Explain(query);
  EXPECT_NE(explained.find("COPY (SELECT \"id\", \"updated_at\", \"note\" FROM \"public\".\"" + table + "\" WHERE "),
            std::string::npos)
      << explained;
  EXPECT_NE(explained.find("\"updated_at\" >= '2025-01-01 00:00:02.000000+00'::timestamp with time zone"),
            std::string::npos)
      << explained;
  EXPECT_NE(explained.find("\"id\" > '16'::bigint"), std::string::npos) << explained;
  EXPECT_NE(explained.find(") TO STDOUT (FORMAT binary)"), std::string::npos) << explained;
  ReadResult read = ReadAllRows(*source_, query, schema);
  ASSERT_TRUE(read.status.ok()) << read.status.ToString();
  // Second 2 holds ids 14..20, second 3 ids 21..27.
  EXPECT_EQ(Column(read, 0), (std::vector<std::string>{"17", "18", "19", "20", "21", "22", "23", "24", "25", "26",
                                                        "27"}));
  query.limit = 4;
  read = ReadAllRows(*source_, query, schema);
  EXPECT_EQ(Column(read, 0), (std::vector<std::string>{"17", "18", "19", "20"}));
}

TEST_F(PostgresSource, TextKeysWithQuotesAreQuotedLiterals) {
  std::string table = UniqueName("codes");
  fixture_->Exec("DROP TABLE IF EXISTS " + table + "; CREATE TABLE " + table +
                 " (code varchar(10) PRIMARY KEY); INSERT INTO " + table +
                 " VALUES ('a'), ('it''s'), ('it''t'), ('z\\'), ('zz');");
  SchemaPtr schema = Describe(table);
  SelectQuery query = WholeTable(table, *schema);
  query.lower = {Value::Text("it's")};
  query.upper = Value::Text("z\\");
  ReadResult read = ReadAllRows(*source_, query, schema);
  ASSERT_TRUE(read.status.ok()) << read.status.ToString();
  EXPECT_EQ(Column(read, 0), (std::vector<std::string>{"it't", "z\\"}));
}

TEST_F(PostgresSource, FindsTablesBySchemaAndIgnoringCase) {
  std::string schema_name = UniqueName("sales");
  fixture_->Exec("DROP SCHEMA IF EXISTS " + schema_name + " CASCADE; CREATE SCHEMA " + schema_name +
                 "; CREATE TABLE " + schema_name + ".\"Orders\" (id int PRIMARY KEY, \"Total\" numeric(8,2));"
                 "INSERT INTO " + schema_name + ".\"Orders\" VALUES (1, 2.50);");
  SchemaPtr schema = Describe(schema_name + ".orders");
  ASSERT_EQ(schema->fields.size(), 2u);
  EXPECT_EQ(schema->fields[1].name, "Total");
  ReadResult read = ReadAllRows(*source_, WholeTable(schema_name + ".orders", *schema), schema);
  ASSERT_TRUE(read.status.ok()) << read.status.ToString();
  EXPECT_EQ(read.rows, (std::vector<Cells>{{"1", "2.50"}}));

  auto missing = source_->DescribeTable(schema_name + ".ordrs");
  ASSERT_FALSE(missing.has_value());
  EXPECT_EQ(missing.error().code(), StatusCode::kNotFound);
  EXPECT_EQ(missing.error().message(),
            "table '" + schema_name + ".ordrs' not found in schema " + schema_name + "; close names: Orders");
  // Not on the search path (public): not found, with what is there.
  auto elsewhere = source_->DescribeTable("Orders_" + schema_name);
  ASSERT_FALSE(elsewhere.has_value());
  EXPECT_EQ(elsewhere.error().code(), StatusCode::kNotFound);
  EXPECT_NE(elsewhere.error().message().find("not found on the search_path"), std::string::npos)
      << elsewhere.error().message();
}

TEST_F(PostgresSource, MaxValueIsTheCeilingAndRefusesInfinity) {
  std::string table = UniqueName("ceilings");
  fixture_->Exec("DROP TABLE IF EXISTS " + table + "; CREATE TABLE " + table +
                 " (id bigint PRIMARY KEY, at timestamptz, day date, code text, big numeric(30,0));");
  auto empty = source_->MaxValue(table, "id", DataType::Of(TypeId::kInt64));
  ASSERT_TRUE(empty.has_value()) << empty.error().ToString();
  EXPECT_TRUE(empty->is_null());
  fixture_->Exec("INSERT INTO " + table + " VALUES (1, '2025-03-01 10:00:00.5+00', '2025-03-01', 'it''s', "
                 "123456789012345678901234567890), (2, NULL, NULL, NULL, 5);");
  EXPECT_EQ(*source_->MaxValue(table, "id", DataType::Of(TypeId::kInt64)), Value::Int64(2));
  EXPECT_EQ(*source_->MaxValue(table, "at", DataType::Of(TypeId::kTimestampTz)),
            Value::Timestamp(*ParseTimestamp("2025-03-01 10:00:00.5")));
  EXPECT_EQ(*source_->MaxValue(table, "day", DataType::Of(TypeId::kDate)), Value::Date(*ParseDate("2025-03-01")));
  EXPECT_EQ(*source_->MaxValue(table, "code", DataType::Of(TypeId::kString)), Value::Text("it's"));
  EXPECT_EQ(*source_->MaxValue(table, "big", DataType::Decimal(30, 0)),
            Value::Text("123456789012345678901234567890"));
  fixture_->Exec("INSERT INTO " + table + " VALUES (3, 'infinity', NULL, NULL, NULL);");
  auto infinite = source_->MaxValue(table, "at", DataType::Of(TypeId::kTimestampTz));
  ASSERT_FALSE(infinite.has_value());
  EXPECT_EQ(infinite.error().code(), StatusCode::kDataError);
  EXPECT_NE(infinite.error().message().find("table " + table + ", column at: the largest value cannot be the run's "
                                            "ceiling: 'infinity'"),
            std::string::npos)
      << infinite.error().message();
}

TEST_F(PostgresSource, CustomSqlBindsAQuoteInsteadOfPastingIt) {
  std::string table = UniqueName("notes");
  fixture_->Exec("DROP TABLE IF EXISTS " + table + "; CREATE TABLE " + table +
                 " (id int PRIMARY KEY, note text); INSERT INTO " + table +
                 " VALUES (1, 'plain'), (2, 'it''s'), (3, $$x' OR '1'='1$$);");
  SelectQuery query;
  query.table = table;
  query.custom_sql = "SELECT id, note FROM " + table + " WHERE note = {{last_id}} OR note = {{ ceiling_id }} ORDER BY id";
  query.parameters["last_id"] = Value::Text("x' OR '1'='1");
  query.parameters["ceiling_id"] = Value::Text("it's");
  std::string explained = source_->Explain(query);
  EXPECT_EQ(explained, "SELECT id, note FROM " + table +
                           " WHERE note = $1 OR note = $2 ORDER BY id\n-- params: $1='x'' OR ''1''=''1', $2='it''s'");
  auto schema = source_->DescribeQuery(query);
  ASSERT_TRUE(schema.has_value()) << schema.error().ToString();
  ReadResult read = ReadAllRows(*source_, query, *schema);
  ASSERT_TRUE(read.status.ok()) << read.status.ToString();
  EXPECT_EQ(read.rows, (std::vector<Cells>{{"2", "it's"}, {"3", "x' OR '1'='1"}}));
}

TEST_F(PostgresSource, CustomSqlBindsCursorValuesAsTypedParameters) {
  std::string table = UniqueName("typed");
  CreateEvents(table, 50);
  SelectQuery query;
  query.table = table;
  query.custom_sql = "SELECT id, updated_at FROM " + table +
                     " WHERE updated_at > {{last_timestamp}} - interval '1 second' AND id > {{last_id}} "
                     "AND updated_at <= {{ceiling_timestamp}} ORDER BY id";
  query.parameters["last_timestamp"] = Value::Timestamp(*ParseTimestamp("2025-01-01 00:00:05"));
  query.parameters["last_id"] = Value::Int64(30);
  query.parameters["ceiling_timestamp"] = Value::Timestamp(*ParseTimestamp("2025-01-01 00:00:05"));
  auto schema = source_->DescribeQuery(query);
  ASSERT_TRUE(schema.has_value()) << schema.error().ToString();
  ReadResult read = ReadAllRows(*source_, query, *schema);
  ASSERT_TRUE(read.status.ok()) << read.status.ToString();
  // updated_at in (00:00:04, 00:00:05]: second 5 holds ids 35..41 (all > 30). A `timestamp - interval`
  // expression works because the parameter is typed, not an unknown literal.
  EXPECT_EQ(Column(read, 0), (std::vector<std::string>{"35", "36", "37", "38", "39", "40", "41"}));
}

TEST_F(PostgresSource, ReaderDroppedMidCopyLeavesTheConnectionUsable) {
  std::string table = UniqueName("long_copy");
  CreateEvents(table, 200000);
  SchemaPtr schema = Describe(table);
  for (std::optional<int64_t> limit : {std::optional<int64_t>(), std::optional<int64_t>(150000)}) {
    SelectQuery query = WholeTable(table, *schema);
    query.limit = limit;  // unbounded: cancelled; bounded: drained
    auto reader = source_->Read(query, schema, {});
    ASSERT_TRUE(reader.has_value()) << reader.error().ToString();
    ColumnBatch batch(schema);
    auto rows = (*reader)->Next(&batch, 1000);
    ASSERT_TRUE(rows.has_value()) << rows.error().ToString();
    EXPECT_EQ(*rows, 1000u);
    reader->reset();
    auto max_id = source_->MaxValue(table, "id", DataType::Of(TypeId::kInt64));
    ASSERT_TRUE(max_id.has_value()) << max_id.error().ToString();
    EXPECT_EQ(*max_id, Value::Int64(200000));
    SelectQuery tail = WholeTable(table, *schema);
    tail.lower = {Value::Int64(199990)};
    ReadResult read = ReadAllRows(*source_, tail, schema);
    ASSERT_TRUE(read.status.ok()) << read.status.ToString();
    EXPECT_EQ(read.rows.size(), 10u);
  }
  // Nothing of this test still runs on the server (other tests' sluice sessions may, in parallel).
  EXPECT_EQ(fixture_->Value("SELECT count(*) FROM pg_stat_activity WHERE application_name = 'sluice' AND "
                            "state <> 'idle' AND query LIKE '%" + table + "%'"),
            "0");
}

TEST_F(PostgresSource, SnapshotSeesOneStateUntilItEnds) {
  std::string table = UniqueName("snap");
  CreateEvents(table, 10);
  SchemaPtr schema = Describe(table);
  ASSERT_TRUE(source_->BeginSnapshot().ok());
  EXPECT_EQ(ReadAllRows(*source_, WholeTable(table, *schema), schema).rows.size(), 10u);
  fixture_->Exec("INSERT INTO " + table + " VALUES (11, now(), 'late')");
  EXPECT_EQ(ReadAllRows(*source_, WholeTable(table, *schema), schema).rows.size(), 10u);
  ASSERT_TRUE(source_->EndSnapshot().ok());
  EXPECT_EQ(ReadAllRows(*source_, WholeTable(table, *schema), schema).rows.size(), 11u);
}

TEST_F(PostgresSource, AReadCancelledInsideASnapshotReportsTheLostSnapshot) {
  std::string table = UniqueName("snap_cancel");
  // Far more rows than the socket buffers hold, so the COPY is still running when the reader is dropped.
  CreateEvents(table, 400000);
  SchemaPtr schema = Describe(table);
  ASSERT_TRUE(source_->BeginSnapshot().ok());
  {
    auto reader = source_->Read(WholeTable(table, *schema), schema, {});
    ASSERT_TRUE(reader.has_value()) << reader.error().ToString();
    ColumnBatch batch(schema);
    ASSERT_TRUE((*reader)->Next(&batch, 100).has_value());
  }
  Status ended = source_->EndSnapshot();
  EXPECT_EQ(ended.code(), StatusCode::kUnavailable);
  EXPECT_NE(ended.message().find("the snapshot ended early because a read was cancelled"), std::string::npos)
      << ended.message();
  EXPECT_EQ(ReadAllRows(*source_, WholeTable(table, *schema), schema, {}, 50000).rows.size(), 400000u);
  EXPECT_TRUE(source_->BeginSnapshot().ok());
  EXPECT_TRUE(source_->EndSnapshot().ok());
}

TEST_F(PostgresSource, CustomSqlReturningTwoColumnsOfOneNameIsRefusedNamingTheTable) {
  std::string table = UniqueName("twin_ids");
  CreateEvents(table, 3);
  SelectQuery query;
  query.table = table;
  query.custom_sql = "SELECT a.id, b.id FROM " + table + " a JOIN " + table + " b ON b.id = a.id";
  auto schema = source_->DescribeQuery(query);
  ASSERT_FALSE(schema.has_value());
  EXPECT_EQ(schema.error().message(), "table " + table +
                                          ": the custom SQL returns two columns named 'id'; give one an alias (... AS "
                                          "another_name)");
}

TEST_F(PostgresSource, ReadsAreReadOnly) {
  SelectQuery query;
  query.custom_sql = "INSERT INTO " + UniqueName("nowhere") + " VALUES (1) RETURNING 1";
  fixture_->Exec("CREATE TABLE IF NOT EXISTS " + UniqueName("nowhere") + " (id int)");
  auto schema = source_->DescribeQuery(query);
  ASSERT_TRUE(schema.has_value()) << schema.error().ToString();
  ReadResult read = ReadAllRows(*source_, query, *schema);
  EXPECT_FALSE(read.status.ok());
  EXPECT_NE(read.status.message().find("read-only transaction"), std::string::npos) << read.status.message();
  EXPECT_EQ(fixture_->Value("SELECT count(*) FROM " + UniqueName("nowhere")), "0");
}

}  // namespace
}  // namespace sluice::testing
