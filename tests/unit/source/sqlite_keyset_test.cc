// The SQLite source: keyset reads, ceilings, tie groups, custom SQL and snapshots.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "sqlite_test_db.h"
#include "types/temporal.h"

namespace sluice::source {
namespace {

using ::testing::HasSubstr;
using testing::KeysetQuery;
using testing::MakeSchema;
using testing::ReadAll;
using testing::TempSqliteDb;

int64_t Micros(std::string_view text) { return *ParseTimestamp(text); }

std::vector<int64_t> Ids(const ColumnBatch& batch, size_t column_idx = 0) {
  std::vector<int64_t> ids;
  for (size_t row = 0; row < batch.num_rows(); ++row) ids.push_back(batch.column(column_idx).Value<int64_t>(row));
  return ids;
}

TEST(SqliteKeyset, IdGapsOfAnySizeAreReadCompletelyInRowsOverBatchQueries) {
  TempSqliteDb db(
      "CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT);"
      "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 100000) "
      "INSERT INTO t SELECT i, 'v' || i FROM n WHERE i <= 1000 OR i >= 50000;");
  auto source = db.Open();
  auto schema = source->DescribeTable("t");
  ASSERT_TRUE(schema.has_value());
  auto ceiling = source->MaxValue("t", "id", DataType::Of(TypeId::kInt64));
  ASSERT_TRUE(ceiling.has_value()) << ceiling.error().ToString();
  EXPECT_EQ(*ceiling, Value::Int64(100000));

  const int64_t kBatch = 1000;
  SelectQuery query = KeysetQuery("t", {"id", "v"}, {"id"});
  query.upper = *ceiling;
  query.limit = kBatch;
  std::vector<int64_t> all_ids;
  int queries = 0;
  while (true) {
    auto chunk = ReadAll(*source, query, *schema);
    ++queries;
    ASSERT_TRUE(chunk.has_value()) << chunk.error().ToString();
    std::vector<int64_t> ids = Ids(*chunk);
    all_ids.insert(all_ids.end(), ids.begin(), ids.end());
    if (static_cast<int64_t>(ids.size()) < kBatch) break;
    query.lower = {Value::Int64(ids.back())};
  }
  ASSERT_EQ(all_ids.size(), 1000u + 50001u);
  EXPECT_EQ(queries, 52);  // 51 full chunks and one of one row
  EXPECT_TRUE(std::is_sorted(all_ids.begin(), all_ids.end()));
  EXPECT_EQ(std::adjacent_find(all_ids.begin(), all_ids.end()), all_ids.end());
  EXPECT_EQ(all_ids[999], 1000);
  EXPECT_EQ(all_ids[1000], 50000);
}

// Rows 1-4 hold the same instant in four stored forms.
constexpr const char* kMixedForms =
    "CREATE TABLE events (id INTEGER PRIMARY KEY, updated_at DATETIME, day DATE);"
    "INSERT INTO events VALUES (1, '2025-01-01 10:00:00', '2025-01-02'), (2, '2025-01-01 10:00:00.000', '2025-01-01'),"
    " (3, '2025-01-01T10:00:00Z', '2025-01-01'), (4, 1735725600, '2025-01-03'), (5, '2025-01-01 09:59:59.999', NULL),"
    " (6, '2025-01-01 10:00:00.001', '2024-12-31'), (7, NULL, '2025-01-01');";

TEST(SqliteKeyset, TimestampTiesInMixedStoredFormsAreNeverSplitOrSkipped) {
  TempSqliteDb db(kMixedForms);
  auto source = db.Open();
  auto schema =
      MakeSchema({{"id", DataType::Of(TypeId::kInt64)}, {"updated_at", DataType::Of(TypeId::kTimestamp)}}, {"id"});
  SelectQuery query = KeysetQuery("events", {"id", "updated_at"}, {"updated_at", "id"});
  query.lower = {Value::Timestamp(Micros("2025-01-01 00:00:00"))};
  query.limit = 2;
  std::vector<int64_t> order;
  for (int chunk_idx = 0; chunk_idx < 10; ++chunk_idx) {
    auto chunk = ReadAll(*source, query, schema);
    ASSERT_TRUE(chunk.has_value()) << chunk.error().ToString();
    if (chunk->num_rows() == 0) break;
    std::vector<int64_t> ids = Ids(*chunk);
    order.insert(order.end(), ids.begin(), ids.end());
    size_t last = chunk->num_rows() - 1;
    query.lower = {Value::Timestamp(chunk->column(1).Value<int64_t>(last)), Value::Int64(ids.back())};
  }
  EXPECT_EQ(order, (std::vector<int64_t>{5, 1, 2, 3, 4, 6}));
}

TEST(SqliteKeyset, EqualToReadsAWholeTieGroupAcrossStoredForms) {
  TempSqliteDb db(kMixedForms);
  auto source = db.Open();
  auto schema = MakeSchema({{"id", DataType::Of(TypeId::kInt64)}});
  SelectQuery query = KeysetQuery("events", {"id"}, {"updated_at", "id"});
  query.equal_to = Value::Timestamp(Micros("2025-01-01 10:00:00"));
  auto group = ReadAll(*source, query, schema);
  ASSERT_TRUE(group.has_value()) << group.error().ToString();
  EXPECT_EQ(Ids(*group), (std::vector<int64_t>{1, 2, 3, 4}));
}

TEST(SqliteKeyset, InclusiveTupleLowerBoundStartsAtTheBoundRow) {
  TempSqliteDb db(kMixedForms);
  auto source = db.Open();
  auto schema = MakeSchema({{"id", DataType::Of(TypeId::kInt64)}});
  SelectQuery query = KeysetQuery("events", {"id"}, {"updated_at", "id"});
  query.lower = {Value::Timestamp(Micros("2025-01-01T10:00:00Z")), Value::Int64(3)};
  query.lower_inclusive = true;
  auto rows = ReadAll(*source, query, schema);
  ASSERT_TRUE(rows.has_value()) << rows.error().ToString();
  EXPECT_EQ(Ids(*rows), (std::vector<int64_t>{3, 4, 6}));
  query.lower_inclusive = false;
  EXPECT_EQ(Ids(*ReadAll(*source, query, schema)), (std::vector<int64_t>{4, 6}));
}

TEST(SqliteKeyset, TheCeilingIsTheMaximumInTheComparisonDomainAndBoundsTheRead) {
  TempSqliteDb db(kMixedForms);
  auto source = db.Open();
  auto ceiling = source->MaxValue("events", "updated_at", DataType::Of(TypeId::kTimestamp));
  ASSERT_TRUE(ceiling.has_value()) << ceiling.error().ToString();
  EXPECT_EQ(*ceiling, Value::Timestamp(Micros("2025-01-01 10:00:00.001")));
  auto day = source->MaxValue("events", "day", DataType::Of(TypeId::kDate));
  ASSERT_TRUE(day.has_value()) << day.error().ToString();
  EXPECT_EQ(*day, Value::Date(*ParseDate("2025-01-03")));

  db.Exec("INSERT INTO events VALUES (8, '2025-01-01 10:00:01', NULL), (9, '2025-01-01 10:00:00.0012', NULL)");
  auto schema = MakeSchema({{"id", DataType::Of(TypeId::kInt64)}});
  SelectQuery query = KeysetQuery("events", {"id"}, {"updated_at", "id"});
  query.lower = {Value::Timestamp(Micros("2025-01-01 10:00:00"))};
  query.upper = *ceiling;
  auto rows = ReadAll(*source, query, schema);
  ASSERT_TRUE(rows.has_value()) << rows.error().ToString();
  // Row 8 arrived after the ceiling. Row 9 (10:00:00.0012) is 10:00:00.001 in SQLite's millisecond
  // domain: it ties with the ceiling and is read.
  EXPECT_EQ(Ids(*rows), (std::vector<int64_t>{6, 9}));
}

TEST(SqliteKeyset, CeilingOfAnEmptyTableIsNullAndUnreadableMaximaAreErrors) {
  TempSqliteDb db("CREATE TABLE t (id INTEGER PRIMARY KEY, ts DATETIME, n INTEGER, name TEXT)");
  auto source = db.Open();
  for (auto [column, type] : std::vector<std::pair<std::string, TypeId>>{
           {"id", TypeId::kInt64}, {"ts", TypeId::kTimestamp}, {"name", TypeId::kString}}) {
    auto ceiling = source->MaxValue("t", column, DataType::Of(type));
    ASSERT_TRUE(ceiling.has_value()) << ceiling.error().ToString();
    EXPECT_TRUE(ceiling->is_null()) << column;
  }
  db.Exec("INSERT INTO t VALUES (1, 'soon', 'abc', 'z'), (2, '2025-01-01', 5, 'a')");
  auto ts = source->MaxValue("t", "ts", DataType::Of(TypeId::kTimestamp));
  ASSERT_FALSE(ts.has_value());
  EXPECT_EQ(ts.error().code(), StatusCode::kDataError);
  EXPECT_EQ(ts.error().message(), "table t, column ts: the largest value 'soon' is not a timestamp");
  EXPECT_THAT(source->MaxValue("t", "n", DataType::Of(TypeId::kInt64)).error().message(),
              HasSubstr("the largest value 'abc' is not a int64"));
  EXPECT_EQ(*source->MaxValue("t", "name", DataType::Of(TypeId::kString)), Value::Text("z"));
  EXPECT_EQ(source->MaxValue("nope", "id", DataType::Of(TypeId::kInt64)).error().code(), StatusCode::kNotFound);
  EXPECT_EQ(source->MaxValue("t", "nope", DataType::Of(TypeId::kInt64)).error().code(), StatusCode::kNotFound);
}

TEST(SqliteKeyset, CustomSqlBindsParametersAndNeverPastesThem) {
  TempSqliteDb db(
      "CREATE TABLE t (id INTEGER PRIMARY KEY, note TEXT, ts DATETIME);"
      "INSERT INTO t VALUES (1, 'plain', '2025-01-01 00:00:00'), (2, 'x''; DROP TABLE t; --', "
      "'2025-01-02 00:00:00'), (3, 'plain', '2025-01-03 00:00:00');");
  auto source = db.Open();
  auto schema = MakeSchema({{"id", DataType::Of(TypeId::kInt64)}, {"note", DataType::Of(TypeId::kString)}});
  SelectQuery query;
  query.custom_sql =
      "SELECT id, note FROM t WHERE (note = {{ evil }} OR id > {{last_id}}) AND ts <= {{ceiling_timestamp}} "
      "ORDER BY id";
  query.parameters = {{"evil", Value::Text("x'; DROP TABLE t; --")},
                      {"last_id", Value::Int64(2)},
                      {"ceiling_timestamp", Value::Timestamp(Micros("2025-01-02 12:00:00"))}};
  auto rows = ReadAll(*source, query, schema);
  ASSERT_TRUE(rows.has_value()) << rows.error().ToString();
  EXPECT_EQ(Ids(*rows), std::vector<int64_t>{2});
  EXPECT_EQ(rows->column(1).Bytes(0), "x'; DROP TABLE t; --");
  EXPECT_EQ(source->Explain(query),
            "SELECT id, note FROM t WHERE (note = ? OR id > ?) AND ts <= ? ORDER BY id\n"
            "-- params, one per ? in order: 'x''; DROP TABLE t; --', 2, '2025-01-02 12:00:00.000000'");
}

// A {{...}} inside a string literal or a comment is the query's text: it
// reaches SQLite as written and binds nothing.
TEST(SqliteKeyset, CustomPlaceholderInsideAQuotedStringOrCommentIsTextNotBound) {
  TempSqliteDb db(
      "CREATE TABLE t (id INTEGER PRIMARY KEY, note TEXT); "
      "INSERT INTO t VALUES (1, '{{last_id}}'), (2, 'x'), (3, '{{last_id}}');");
  auto source = db.Open();
  SelectQuery query;
  query.custom_sql = "SELECT id, note FROM t WHERE note = '{{last_id}}' AND id > {{last_id}} -- {{ceiling_id}}";
  query.parameters = {{"last_id", Value::Int64(1)}, {"ceiling_id", Value::Int64(3)}};
  auto rows = ReadAll(*source, query,
                      MakeSchema({{"id", DataType::Of(TypeId::kInt64)}, {"note", DataType::Of(TypeId::kString)}}));
  ASSERT_TRUE(rows.has_value()) << rows.error().ToString();
  EXPECT_EQ(Ids(*rows), std::vector<int64_t>{3});
  EXPECT_EQ(source->Explain(query),
            "SELECT id, note FROM t WHERE note = '{{last_id}}' AND id > ? -- {{ceiling_id}}\n"
            "-- params, one per ? in order: 1");
}

TEST(SqliteKeyset, ExplainShowsTheCanonicalTimestampComparison) {
  TempSqliteDb db(kMixedForms);
  auto source = db.Open();
  SelectQuery query = KeysetQuery("events", {"id"}, {"updated_at", "id"});
  query.upper = Value::Timestamp(0);
  query.limit = 10;
  std::string canonical =
      "coalesce(CASE WHEN typeof(\"updated_at\") IN ('integer', 'real') THEN strftime('%Y-%m-%d %H:%M:%f', "
      "\"updated_at\", 'unixepoch') ELSE strftime('%Y-%m-%d %H:%M:%f', \"updated_at\") END, \"updated_at\")";
  EXPECT_EQ(source->Explain(query), "SELECT \"id\" FROM \"events\" WHERE " + canonical +
                                        " <= strftime('%Y-%m-%d %H:%M:%f', ?) ORDER BY " + canonical +
                                        ", \"id\" LIMIT 10\n-- params, one per ? in order: '1970-01-01 00:00:00.000000'");
  query.columns = {};
  EXPECT_THAT(source->Explain(query), ::testing::StartsWith("-- cannot render the query: "));
}

TEST(SqliteKeyset, SnapshotKeepsReadsConsistentUntilItEnds) {
  TempSqliteDb db("PRAGMA journal_mode = WAL; CREATE TABLE t (id INTEGER PRIMARY KEY); INSERT INTO t VALUES (1), (2);");
  auto source = db.Open();
  auto count = [&]() {
    auto ceiling = source->MaxValue("t", "id", DataType::Of(TypeId::kInt64));
    EXPECT_TRUE(ceiling.has_value()) << ceiling.error().ToString();
    return ceiling ? ceiling->int64() : -1;
  };
  ASSERT_TRUE(source->BeginSnapshot().ok());
  db.Exec("INSERT INTO t VALUES (3)");
  EXPECT_EQ(count(), 2);
  auto rows = ReadAll(*source, KeysetQuery("t", {"id"}, {"id"}), MakeSchema({{"id", DataType::Of(TypeId::kInt64)}}));
  ASSERT_TRUE(rows.has_value());
  EXPECT_EQ(rows->num_rows(), 2u);
  EXPECT_EQ(source->BeginSnapshot().code(), StatusCode::kInternal);
  ASSERT_TRUE(source->EndSnapshot().ok());
  EXPECT_EQ(count(), 3);
  EXPECT_TRUE(source->EndSnapshot().ok());
}

TEST(SqliteKeyset, UnsignedBoundsPastInt64KeepTheirMeaningOnIntegerKeys) {
  TempSqliteDb db("CREATE TABLE t (id INTEGER PRIMARY KEY); INSERT INTO t VALUES (-5), (1), (9223372036854775807);");
  auto source = db.Open();
  auto schema = MakeSchema({{"id", DataType::Of(TypeId::kInt64)}});
  SelectQuery query = KeysetQuery("t", {"id"}, {"id"});
  query.upper = Value::UInt64(18446744073709551615u);
  EXPECT_EQ(Ids(*ReadAll(*source, query, schema)), (std::vector<int64_t>{-5, 1, 9223372036854775807}));
  query.lower = {Value::UInt64(9223372036854775808u)};
  EXPECT_EQ(ReadAll(*source, query, schema)->num_rows(), 0u);
  query.lower = {Value::UInt64(1)};
  EXPECT_EQ(Ids(*ReadAll(*source, query, schema)), (std::vector<int64_t>{9223372036854775807}));
}

TEST(SqliteKeyset, DataErrorsNameTheConfiguredTableByDefault) {
  TempSqliteDb db("CREATE TABLE orders (id INTEGER PRIMARY KEY, qty INTEGER); INSERT INTO orders VALUES (42, 'x');");
  auto source = db.Open();
  auto schema = MakeSchema({{"id", DataType::Of(TypeId::kInt64)}, {"qty", DataType::Of(TypeId::kInt64)}}, {"id"});
  auto rows = ReadAll(*source, KeysetQuery("orders", {"id", "qty"}, {"id"}), schema);
  ASSERT_FALSE(rows.has_value());
  EXPECT_EQ(rows.error().message(), "table orders, column qty, row id=42: 'x' is not a int64");
}

TEST(SqliteKeyset, ReadsSchemaQualifiedTablesWithOddNames) {
  TempSqliteDb db(
      "CREATE TABLE \"select\" (\"order\" INTEGER PRIMARY KEY, \"unit \"\"price\"\"\" DECIMAL(6,2));"
      "INSERT INTO \"select\" VALUES (1, 2.5), (2, 3);");
  auto source = db.Open();
  auto schema = source->DescribeTable("main.select");
  ASSERT_TRUE(schema.has_value()) << schema.error().ToString();
  ASSERT_EQ((*schema)->fields[1].name, "unit \"price\"");
  SelectQuery query = KeysetQuery("main.select", {"order", "unit \"price\""}, {"order"});
  query.lower = {Value::Int64(1)};
  auto rows = ReadAll(*source, query, *schema);
  ASSERT_TRUE(rows.has_value()) << rows.error().ToString();
  EXPECT_EQ(Ids(*rows), std::vector<int64_t>{2});
  EXPECT_EQ(rows->column(1).Value<int64_t>(0), 300);
}

}  // namespace
}  // namespace sluice::source
