// Checks a table's plan makes before anything is read: columns the warehouse
// cannot tell apart, and custom_sql cursors that could never advance.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "cdc/planner.h"

namespace sluice::cdc {
namespace {

using config::CdcStrategy;
using ::testing::HasSubstr;

SchemaPtr MakeSchema(std::vector<Field> fields, std::vector<std::string> primary_key = {"id"}) {
  auto schema = std::make_shared<Schema>();
  schema->fields = std::move(fields);
  schema->primary_key = std::move(primary_key);
  return schema;
}

Field Column(std::string name, TypeId type, std::string source_type = "") {
  return Field{std::move(name), DataType::Of(type), true, std::move(source_type), 0};
}

config::TableConfig Table(CdcStrategy strategy) {
  config::TableConfig table;
  table.name = "shop.orders";
  table.cdc_strategy = strategy;
  if (strategy == CdcStrategy::kHybrid || strategy == CdcStrategy::kTimestampOnly) {
    table.cdc_timestamp_column = "updated_at";
  }
  if (strategy == CdcStrategy::kHybrid || strategy == CdcStrategy::kIdOnly) table.cdc_id_column = "id";
  return table;
}

config::TableConfig CustomTable(std::string timestamp_column) {
  config::TableConfig table;
  table.name = "events";
  table.cdc_strategy = CdcStrategy::kCustomSql;
  table.cdc_timestamp_column = std::move(timestamp_column);
  table.custom_sql = "SELECT * FROM events WHERE updated_at > {{last_timestamp}}";
  return table;
}

TEST(TableSpecChecks, ColumnsThatDifferOnlyInCaseAreRefusedNamingBothAndTheRemedy) {
  SchemaPtr schema = MakeSchema({Column("id", TypeId::kInt64), Column("a", TypeId::kString),
                                 Column("A", TypeId::kString)});
  Result<TableSpec> spec = MakeTableSpec(Table(CdcStrategy::kIdOnly), schema);
  ASSERT_FALSE(spec.has_value());
  EXPECT_EQ(spec.error().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(spec.error().message(),
              HasSubstr("table shop.orders: columns \"a\" and \"A\" differ only in case, and the warehouse compares "
                        "column names ignoring case, so it cannot hold both; nothing was read or written"));
  EXPECT_THAT(spec.error().message(), HasSubstr("ALTER TABLE shop.orders RENAME COLUMN \"A\" TO a_2"));
  EXPECT_THAT(spec.error().message(), HasSubstr("cdc_strategy: custom_sql"));

  config::TableConfig custom = CustomTable("");
  custom.custom_sql = "SELECT * FROM events WHERE id > {{last_id}}";
  custom.cdc_id_column = "id";
  Result<TableSpec> custom_spec = MakeTableSpec(custom, schema);
  ASSERT_FALSE(custom_spec.has_value());
  EXPECT_THAT(custom_spec.error().message(), HasSubstr("give one of them another name in custom_sql"));
}

TEST(CustomSqlCursor, ATextCursorColumnInTheResultIsRefusedBeforeAnythingIsRead) {
  SchemaPtr result = MakeSchema({Column("id", TypeId::kInt64, "INTEGER"), Column("updated_at", TypeId::kString,
                                                                                 "TEXT")});
  Result<TableSpec> spec = MakeTableSpec(CustomTable("updated_at"), result);
  ASSERT_FALSE(spec.has_value());
  EXPECT_EQ(spec.error().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(spec.error().message(),
              HasSubstr("table events: cdc_timestamp_column 'updated_at' is string (TEXT) in the custom_sql query's "
                        "result, which is not a date or timestamp, so the cursor could never advance and every run "
                        "would read the same rows again; nothing was read"));
  EXPECT_THAT(spec.error().message(), HasSubstr("CAST(updated_at AS TIMESTAMP) AS updated_at"));
  EXPECT_THAT(spec.error().message(), HasSubstr("declare it DATETIME"));
}

TEST(CustomSqlCursor, ATextTableColumnBehindACursorTheQueryDoesNotReturnIsRefused) {
  SchemaPtr result = MakeSchema({Column("id", TypeId::kInt64)});  // the query returns no updated_at
  Result<TableSpec> spec = MakeTableSpec(CustomTable("updated_at"), result);
  ASSERT_TRUE(spec.has_value()) << spec.error().ToString();
  Ceiling ceiling{Value::Text("2025-01-01 10:00:00"), Value(), std::nullopt};  // MAX of a TEXT column
  Result<ChunkPlanner> planner = ChunkPlanner::Create(*spec, Cursor(), ceiling);
  ASSERT_FALSE(planner.has_value());
  EXPECT_THAT(planner.error().message(),
              HasSubstr("table events: the custom_sql query does not return cdc_timestamp_column 'updated_at', so "
                        "the cursor follows the table's own column, which holds text (MAX = '2025-01-01 "
                        "10:00:00'), not a date or timestamp"));
}

TEST(CustomSqlCursor, RowsThatGiveTheCursorNoValueStopTheRun) {
  SchemaPtr result = MakeSchema({Column("id", TypeId::kInt64), Column("updated_at", TypeId::kTimestamp)});
  Result<TableSpec> spec = MakeTableSpec(CustomTable("updated_at"), result);
  ASSERT_TRUE(spec.has_value()) << spec.error().ToString();
  Result<ChunkPlanner> planner = ChunkPlanner::Create(*spec, Cursor(), Ceiling());  // the column is all NULL
  ASSERT_TRUE(planner.has_value()) << planner.error().ToString();
  ASSERT_TRUE(planner->NextQuery().has_value());
  ColumnBatch batch(result);
  batch.column(0).Append<int64_t>(1);
  batch.column(1).AppendNull();
  Result<size_t> accepted = planner->AcceptBatch(batch);
  ASSERT_FALSE(accepted.has_value());
  EXPECT_EQ(accepted.error().code(), StatusCode::kDataError);
  EXPECT_THAT(accepted.error().message(),
              HasSubstr("table events: the custom_sql query returned rows, but neither they nor the table give "
                        "'updated_at' a value"));
}

}  // namespace
}  // namespace sluice::cdc
