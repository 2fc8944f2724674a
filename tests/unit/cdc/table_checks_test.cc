// Checks a table's plan makes before anything is read: columns the warehouse
// cannot tell apart, custom_sql cursors that could never advance, and
// stored cursors that are no value of their column or ahead of the source.
#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "cdc/cursor_check.h"
#include "cdc/planner.h"
#include "types/temporal.h"

namespace sluice::cdc {
namespace {

using config::CdcStrategy;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

SchemaPtr MakeSchema(std::vector<Field> fields, std::vector<std::string> primary_key = {"id"}) {
  auto schema = std::make_shared<Schema>();
  schema->fields = std::move(fields);
  schema->primary_key = std::move(primary_key);
  return schema;
}

Field Column(std::string name, TypeId type, std::string source_type = "") {
  return Field{std::move(name), DataType::Of(type), true, std::move(source_type), 0};
}

SchemaPtr Orders() {
  return MakeSchema({Column("id", TypeId::kInt64, "bigint"), Column("updated_at", TypeId::kTimestamp, "timestamp"),
                     Column("code", TypeId::kString, "text")});
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

int64_t At(const char* text) { return *ParseTimestamp(text); }

TEST(TableSpecChecks, AColumnNamedLikeSluicesMetadataColumnsIsRefusedNamingItAndTheRemedy) {
  for (const char* name : {"_seq", "_OP", "_commit_ts", "_tx", "_deleted_at", "_valid_from", "_valid_to",
                           "_is_current"}) {
    SchemaPtr schema = MakeSchema({Column("id", TypeId::kInt64), Column(name, TypeId::kString)});
    Result<TableSpec> spec = MakeTableSpec(Table(CdcStrategy::kIdOnly), schema);
    ASSERT_FALSE(spec.has_value()) << name;
    EXPECT_EQ(spec.error().code(), StatusCode::kInvalidArgument);
    EXPECT_THAT(spec.error().message(),
                HasSubstr(fmt::format("table shop.orders: column \"{}\" has the name of a column sluice writes "
                                      "itself",
                                      name)));
    EXPECT_THAT(spec.error().message(), HasSubstr("rename it in the source, or read the table with cdc_strategy: "
                                                  "custom_sql and select it under another name"));
  }
  config::TableConfig custom = CustomTable("");
  Result<TableSpec> custom_spec =
      MakeTableSpec(custom, MakeSchema({Column("id", TypeId::kInt64), Column("_seq", TypeId::kInt64)}));
  ASSERT_FALSE(custom_spec.has_value());
  EXPECT_THAT(custom_spec.error().message(),
              HasSubstr("select it under another name in custom_sql (SELECT ..., \"_seq\" AS seq_value)"));
  // A name that only starts like one is the table's own.
  EXPECT_TRUE(MakeTableSpec(Table(CdcStrategy::kIdOnly),
                            MakeSchema({Column("id", TypeId::kInt64), Column("_sequence", TypeId::kInt64)}))
                  .has_value());
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

TEST(CursorCheck, AnIdThatIsNotAValueOfAnIntegerColumnIsRefusedNamingTheRemedy) {
  Result<TableSpec> spec = MakeTableSpec(Table(CdcStrategy::kIdOnly), Orders());
  ASSERT_TRUE(spec.has_value());
  Cursor cursor;
  cursor.id = Value::Text("abc");
  Result<ChunkPlanner> planner = ChunkPlanner::Create(*spec, cursor, Ceiling{Value(), Value::Int64(100), std::nullopt});
  ASSERT_FALSE(planner.has_value());
  EXPECT_EQ(planner.error().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(planner.error().message(),
              HasSubstr("table shop.orders: the watermark's cursor id 'abc' is not a value of cdc_id_column 'id' "
                        "(int64 (bigint): a whole number)"));
  EXPECT_THAT(planner.error().message(), HasSubstr("nothing was read"));
  EXPECT_THAT(planner.error().message(), HasSubstr("sluice watermark set -p <pipeline> -t shop.orders"));
  EXPECT_THAT(planner.error().message(), HasSubstr("sluice watermark reset -p <pipeline> -t shop.orders --yes"));
}

TEST(CursorCheck, AnIdIsComparedAsItsColumnCompares) {
  Result<TableSpec> spec = MakeTableSpec(Table(CdcStrategy::kIdOnly), Orders());
  ASSERT_TRUE(spec.has_value());
  EXPECT_EQ(*IdForColumn(*spec, Value::Text("42")), Value::Int64(42));
  EXPECT_EQ(*IdForColumn(*spec, Value::Text("9223372036854775807")), Value::Int64(9223372036854775807LL));
  EXPECT_EQ(*IdForColumn(*spec, Value::Int64(-3)), Value::Int64(-3));
  EXPECT_FALSE(IdForColumn(*spec, Value::Text("4.5")).has_value());
  EXPECT_FALSE(IdForColumn(*spec, Value::Text("99999999999999999999999")).has_value());
  EXPECT_FALSE(IdForColumn(*spec, Value::Timestamp(0)).has_value());

  config::TableConfig by_code = Table(CdcStrategy::kIdOnly);
  by_code.cdc_id_column = "code";
  Result<TableSpec> text_spec = MakeTableSpec(by_code, Orders());
  ASSERT_TRUE(text_spec.has_value());
  EXPECT_EQ(*IdForColumn(*text_spec, Value::Int64(7)), Value::Text("7"));
  EXPECT_EQ(*IdForColumn(*text_spec, Value::Text("abc")), Value::Text("abc"));
}

// An id column of `type`, spelled `source_type` by its source.
Result<TableSpec> IdColumnSpec(DataType type, std::string source_type) {
  Field id{"id", type, false, std::move(source_type), 0};
  return MakeTableSpec(Table(CdcStrategy::kIdOnly), MakeSchema({id}));
}

TEST(CursorCheck, AnIdOutsideTheColumnsRangeIsRefusedNamingTheColumnItsTypeAndTheRange) {
  struct Case {
    DataType type;
    std::string source_type;
    std::string id;
    std::string message;
  };
  const std::vector<Case> cases = {
      {DataType::Of(TypeId::kInt64), "bigint", "9223372036854775808",
       "id 9223372036854775808 is outside the range of cdc_id_column 'id' (int64 (bigint): -9223372036854775808 to "
       "9223372036854775807)"},
      {DataType::Of(TypeId::kInt64), "bigint", "-9223372036854775809", "(int64 (bigint): -9223372036854775808 to"},
      {DataType::Of(TypeId::kInt32), "int(11)", "2147483648",
       "id 2147483648 is outside the range of cdc_id_column 'id' (int32 (int(11)): -2147483648 to 2147483647)"},
      {DataType::Of(TypeId::kInt16), "smallint", "-32769", "(int16 (smallint): -32768 to 32767)"},
      {DataType::Decimal(20, 0), "bigint(20) unsigned", "18446744073709551616",
       "id 18446744073709551616 is outside the range of cdc_id_column 'id' (decimal(20,0) (bigint(20) unsigned): 0 "
       "to 18446744073709551615)"},
      {DataType::Decimal(20, 0), "bigint unsigned", "-1",
       "(decimal(20,0) (bigint unsigned): 0 to 18446744073709551615)"},
      {DataType::Of(TypeId::kInt64), "int(10) unsigned", "-5", "(int64 (int(10) unsigned): 0 to 9223372036854775807)"},
      {DataType::Decimal(25, 0), "numeric(25,0)", "10000000000000000000000000",
       "(decimal(25,0) (numeric(25,0)): -9999999999999999999999999 to 9999999999999999999999999)"},
  };
  for (const Case& test : cases) {
    Result<TableSpec> spec = IdColumnSpec(test.type, test.source_type);
    ASSERT_TRUE(spec.has_value()) << spec.error().ToString();
    Result<Value> id = IdForColumn(*spec, Value::Text(test.id));
    ASSERT_FALSE(id.has_value()) << test.source_type << " took " << test.id;
    EXPECT_EQ(id.error().code(), StatusCode::kInvalidArgument);
    EXPECT_THAT(id.error().message(), HasSubstr(test.message));
  }
  // The ends of each range are values of the column.
  EXPECT_EQ(
      *IdForColumn(*IdColumnSpec(DataType::Decimal(20, 0), "bigint(20) unsigned"), Value::Text("18446744073709551615")),
      Value::UInt64(18446744073709551615ULL));
  EXPECT_EQ(*IdForColumn(*IdColumnSpec(DataType::Of(TypeId::kInt32), "int"), Value::Text("-2147483648")),
            Value::Int64(-2147483648LL));
  EXPECT_EQ(*IdForColumn(*IdColumnSpec(DataType::Decimal(25, 0), "numeric(25,0)"),
                         Value::Text("0009999999999999999999999999")),
            Value::Text("0009999999999999999999999999"));
  // PostgreSQL's unconstrained numeric holds any whole number.
  EXPECT_TRUE(
      IdForColumn(*IdColumnSpec(DataType::Decimal(0, 0), "numeric"), Value::Text(std::string(60, '9'))).has_value());
  // A stored cursor the column cannot hold stops the run before it reads, as `watermark set` refuses it.
  Cursor cursor;
  cursor.id = Value::UInt64(9223372036854775808ULL);
  Result<ChunkPlanner> planner = ChunkPlanner::Create(*IdColumnSpec(DataType::Of(TypeId::kInt64), "bigint"), cursor,
                                                      Ceiling{Value(), Value::Int64(100), std::nullopt});
  ASSERT_FALSE(planner.has_value());
  EXPECT_THAT(planner.error().message(), HasSubstr("table shop.orders: the watermark's cursor id "
                                                   "9223372036854775808 is outside the range of cdc_id_column 'id'"));
}

TEST(CursorCheck, AWholeNumberCursorAheadOfTheSourceIsWarnedWhateverItsSize) {
  // PostgreSQL numeric(30,0): ids past 64 bits are held as their digits; they compare by value.
  Result<TableSpec> spec = IdColumnSpec(DataType::Decimal(30, 0), "numeric(30,0)");
  ASSERT_TRUE(spec.has_value()) << spec.error().ToString();
  Cursor cursor;
  cursor.id = Value::Text("100000000000000000000000");
  std::vector<std::string> warnings =
      CursorAheadWarnings(*spec, cursor, Ceiling{Value(), Value::Int64(20), std::nullopt});
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_THAT(warnings[0], HasSubstr("the cursor (id 100000000000000000000000) is ahead of the source: this run's "
                                     "ceiling, MAX(id) at its start, is 20"));
  // Digits compare by value, not as text ("9..." sorts after "1..." as text).
  cursor.id = Value::Text("99999999999999999999");
  EXPECT_THAT(CursorAheadWarnings(*spec, cursor, Ceiling{Value(), Value::Text("100000000000000000000"), std::nullopt}),
              IsEmpty());
  EXPECT_THAT(CursorAheadWarnings(*spec, cursor, Ceiling{Value(), Value::Text("9999999999999999999"), std::nullopt}),
              ::testing::SizeIs(1));
  // MySQL's BIGINT UNSIGNED: a cursor at its maximum, past the table's.
  Result<TableSpec> unsigned_spec = IdColumnSpec(DataType::Decimal(20, 0), "bigint(20) unsigned");
  cursor.id = Value::UInt64(18446744073709551615ULL);
  EXPECT_THAT(CursorAheadWarnings(*unsigned_spec, cursor, Ceiling{Value(), Value::Int64(3), std::nullopt}),
              ::testing::SizeIs(1));
}

TEST(CursorCheck, ACursorAheadOfTheSourceIsWarnedWithWhatToDo) {
  config::TableConfig table = Table(CdcStrategy::kTimestampOnly);
  table.lookback_seconds = 0;
  Result<TableSpec> spec = MakeTableSpec(table, Orders());
  ASSERT_TRUE(spec.has_value());
  Cursor cursor;
  cursor.timestamp_micros = At("2099-01-01");
  Ceiling ceiling{Value::Timestamp(At("2025-06-01 12:00:00")), Value(), std::nullopt};
  Result<ChunkPlanner> planner = ChunkPlanner::Create(*spec, cursor, ceiling);
  ASSERT_TRUE(planner.has_value()) << planner.error().ToString();
  ASSERT_EQ(planner->warnings().size(), 1u);
  const std::string& warning = planner->warnings()[0];
  EXPECT_THAT(warning, HasSubstr("table shop.orders: the cursor (updated_at 2099-01-01T00:00:00.000000Z) is ahead "
                                 "of the source: this run's ceiling, MAX(updated_at) at its start, is "
                                 "2025-06-01T12:00:00.000000Z. Nothing will be read until the source has rows with "
                                 "updated_at past 2099-01-01T00:00:00.000000Z"));
  EXPECT_THAT(warning, HasSubstr("sluice watermark set -p <pipeline> -t shop.orders"));
  EXPECT_THAT(warning, HasSubstr("sluice watermark reset -p <pipeline> -t shop.orders --yes"));

  // With a lookback (the default with a primary key) its window is still read, nothing older.
  Result<TableSpec> with_lookback = MakeTableSpec(Table(CdcStrategy::kTimestampOnly), Orders());
  ASSERT_TRUE(with_lookback.has_value());
  std::vector<std::string> warnings = CursorAheadWarnings(*with_lookback, cursor, ceiling);
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_THAT(warnings[0], HasSubstr(". Until the source has rows with updated_at past 2099-01-01T00:00:00.000000Z, "
                                     "the cursor does not move and only rows inside the lookback window (the last "
                                     "300 s) are read; if the cursor was set by hand"));

  cursor.timestamp_micros = At("2025-06-01 12:00:00");  // at the ceiling: a normal idle run
  EXPECT_THAT(ChunkPlanner::Create(*spec, cursor, ceiling)->warnings(), IsEmpty());
}

TEST(CursorCheck, AnIdCursorOverAnEmptyTableIsWarned) {
  Result<TableSpec> spec = MakeTableSpec(Table(CdcStrategy::kIdOnly), Orders());
  ASSERT_TRUE(spec.has_value());
  Cursor cursor;
  cursor.id = Value::Int64(500);
  EXPECT_THAT(CursorAheadWarnings(*spec, cursor, Ceiling{Value(), Value::Int64(500), std::nullopt}), IsEmpty());
  EXPECT_THAT(CursorAheadWarnings(*spec, cursor, Ceiling{Value(), Value::Int64(900), std::nullopt}), IsEmpty());
  std::vector<std::string> warnings =
      CursorAheadWarnings(*spec, cursor, Ceiling{Value(), Value::Int64(20), std::nullopt});
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_THAT(warnings[0], HasSubstr("the cursor (id 500) is ahead of the source: this run's ceiling, MAX(id) at "
                                     "its start, is 20"));
  warnings = CursorAheadWarnings(*spec, cursor, Ceiling());
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_THAT(warnings[0], HasSubstr("the table has no id value (it is empty, or the column is all NULL)"));
  // hybrid's ceiling is its timestamp alone: its id is not compared.
  Result<TableSpec> hybrid = MakeTableSpec(Table(CdcStrategy::kHybrid), Orders());
  ASSERT_TRUE(hybrid.has_value()) << hybrid.error().ToString();
  cursor.timestamp_micros = At("2025-01-01");
  Ceiling later{Value::Timestamp(At("2025-02-01")), Value(), std::nullopt};
  EXPECT_THAT(CursorAheadWarnings(*hybrid, cursor, later), IsEmpty());
}

}  // namespace
}  // namespace sluice::cdc
