// The DuckDB type mapping and the schema-change rules, without a database.
#include "target/duckdb/type_mapping.h"

#include <gmock/gmock.h>

#include "target/duckdb/duckdb_api.h"
#include "target/duckdb/table_ddl.h"

namespace sluice::target::duckdb {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

std::string SqlOf(DataType type, bool json_available = true) { return ColumnTypeFor(type, json_available).ToSql(); }

TEST(DuckDbTypeMapping, FollowsTheSpecTable) {
  EXPECT_EQ(SqlOf(DataType::Of(TypeId::kBoolean)), "BOOLEAN");
  EXPECT_EQ(SqlOf(DataType::Of(TypeId::kInt8)), "SMALLINT");
  EXPECT_EQ(SqlOf(DataType::Of(TypeId::kInt16)), "SMALLINT");
  EXPECT_EQ(SqlOf(DataType::Of(TypeId::kInt32)), "INTEGER");
  EXPECT_EQ(SqlOf(DataType::Of(TypeId::kUInt8)), "INTEGER");
  EXPECT_EQ(SqlOf(DataType::Of(TypeId::kUInt16)), "INTEGER");
  EXPECT_EQ(SqlOf(DataType::Of(TypeId::kInt64)), "BIGINT");
  EXPECT_EQ(SqlOf(DataType::Of(TypeId::kUInt32)), "BIGINT");
  EXPECT_EQ(SqlOf(DataType::Of(TypeId::kUInt64)), "DECIMAL(20,0)");
  EXPECT_EQ(SqlOf(DataType::Of(TypeId::kFloat32)), "FLOAT");
  EXPECT_EQ(SqlOf(DataType::Of(TypeId::kFloat64)), "DOUBLE");
  EXPECT_EQ(SqlOf(DataType::Decimal(1, 0)), "DECIMAL(1,0)");
  EXPECT_EQ(SqlOf(DataType::Decimal(38, 38)), "DECIMAL(38,38)");
  EXPECT_EQ(SqlOf(DataType::Decimal(39, 2)), "VARCHAR");
  EXPECT_EQ(SqlOf(DataType::Decimal(0, 0)), "VARCHAR");
  EXPECT_EQ(SqlOf(DataType::Of(TypeId::kDate)), "DATE");
  EXPECT_EQ(SqlOf(DataType::Of(TypeId::kTime)), "TIME");
  EXPECT_EQ(SqlOf(DataType::Of(TypeId::kTimestamp)), "TIMESTAMP");
  EXPECT_EQ(SqlOf(DataType::Of(TypeId::kTimestampTz)), "TIMESTAMPTZ");
  EXPECT_EQ(SqlOf(DataType::Of(TypeId::kString)), "VARCHAR");
  EXPECT_EQ(SqlOf(DataType::Of(TypeId::kJson)), "JSON");
  EXPECT_EQ(SqlOf(DataType::Of(TypeId::kJson), /*json_available=*/false), "VARCHAR");
  EXPECT_EQ(SqlOf(DataType::Of(TypeId::kBinary)), "BLOB");
}

TEST(DuckDbTypeMapping, ParsesWhatTheCatalogReports) {
  for (std::string_view name :
       {"BOOLEAN", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "FLOAT", "DOUBLE", "VARCHAR", "JSON", "DATE", "TIME",
        "TIMESTAMP", "TIMESTAMPTZ", "BLOB", "DECIMAL(20,0)", "DECIMAL(38,10)"}) {
    EXPECT_EQ(ParseColumnType(name).ToSql(), name);
  }
  EXPECT_EQ(ParseColumnType("TIMESTAMP WITH TIME ZONE").ToSql(), "TIMESTAMPTZ");
  EXPECT_EQ(ParseColumnType("TINYINT").kind, ColumnType::Kind::kOther);
  EXPECT_EQ(ParseColumnType("TINYINT").ToSql(), "TINYINT");
  EXPECT_EQ(ParseColumnType("DECIMAL(x,1)").kind, ColumnType::Kind::kOther);
}

bool Holds(std::string_view column, std::string_view values) {
  return CanHold(ParseColumnType(column), ParseColumnType(values));
}

TEST(DuckDbTypeMapping, WiderColumnsHoldNarrowerValues) {
  EXPECT_TRUE(Holds("BIGINT", "INTEGER"));
  EXPECT_TRUE(Holds("INTEGER", "SMALLINT"));
  EXPECT_TRUE(Holds("HUGEINT", "BIGINT"));
  EXPECT_FALSE(Holds("INTEGER", "BIGINT"));
  EXPECT_FALSE(Holds("SMALLINT", "INTEGER"));
  EXPECT_TRUE(Holds("DECIMAL(20,0)", "BIGINT"));
  EXPECT_TRUE(Holds("DECIMAL(19,0)", "BIGINT"));
  EXPECT_FALSE(Holds("DECIMAL(18,0)", "BIGINT"));
  EXPECT_FALSE(Holds("DECIMAL(19,1)", "BIGINT"));
  EXPECT_TRUE(Holds("BIGINT", "DECIMAL(18,0)"));
  EXPECT_FALSE(Holds("BIGINT", "DECIMAL(19,0)"));
  EXPECT_FALSE(Holds("BIGINT", "DECIMAL(20,0)"));
  EXPECT_FALSE(Holds("BIGINT", "DECIMAL(5,1)"));
  EXPECT_TRUE(Holds("DECIMAL(12,2)", "DECIMAL(10,2)"));
  EXPECT_TRUE(Holds("DECIMAL(12,4)", "DECIMAL(10,2)"));
  EXPECT_FALSE(Holds("DECIMAL(12,4)", "DECIMAL(11,2)"));
  EXPECT_FALSE(Holds("DECIMAL(10,2)", "DECIMAL(12,2)"));
  EXPECT_FALSE(Holds("DECIMAL(12,1)", "DECIMAL(10,2)"));
  EXPECT_TRUE(Holds("DOUBLE", "FLOAT"));
  EXPECT_FALSE(Holds("FLOAT", "DOUBLE"));
  EXPECT_TRUE(Holds("VARCHAR", "JSON"));
  EXPECT_FALSE(Holds("JSON", "VARCHAR"));
  EXPECT_FALSE(Holds("VARCHAR", "INTEGER"));
  EXPECT_FALSE(Holds("TIMESTAMP", "TIMESTAMPTZ"));
  EXPECT_FALSE(Holds("TIMESTAMPTZ", "TIMESTAMP"));
  EXPECT_FALSE(Holds("TIMESTAMP", "DATE"));
  EXPECT_FALSE(Holds("DECIMAL(38,0)", "VARCHAR"));
  EXPECT_TRUE(Holds("TINYINT", "TINYINT"));
  EXPECT_FALSE(Holds("SMALLINT", "TINYINT"));
}

TEST(DuckDbQuoting, DoublesQuotesAndKeepsEverythingElse) {
  EXPECT_EQ(QuoteIdentifier("select"), "\"select\"");
  EXPECT_EQ(QuoteIdentifier("my col"), "\"my col\"");
  EXPECT_EQ(QuoteIdentifier("quo\"te"), "\"quo\"\"te\"");
  EXPECT_EQ(QuoteLiteral("it's"), "'it''s'");
  EXPECT_EQ(QualifiedName("main", "a.b"), "\"main\".\"a.b\"");
  EXPECT_TRUE(SameIdentifier("Mixed", "mIXED"));
  EXPECT_FALSE(SameIdentifier("a", "ab"));
}

TableRef Orders() { return TableRef{"main", "orders", "p", "shop.orders"}; }

Schema SchemaOf(std::vector<Field> fields) {
  Schema schema;
  schema.fields = std::move(fields);
  return schema;
}

TEST(DuckDbTableDdl, CreateQuotesNamesAndKeepsNotNull) {
  Schema schema = SchemaOf({{"id", DataType::Of(TypeId::kInt64), false, "", 0},
                            {"select", DataType::Decimal(10, 2), true, "", 0},
                            {"quo\"te", DataType::Of(TypeId::kJson), true, "", 0}});

  EXPECT_EQ(CreateTableSql("\"main\".\"t\"", schema, /*json_available=*/false),
            "CREATE TABLE \"main\".\"t\" (\"id\" BIGINT NOT NULL, \"select\" DECIMAL(10,2), \"quo\"\"te\" VARCHAR)");
}

TEST(DuckDbTableDdl, AMatchingTableNeedsNothingWhateverTheCaseOfItsNames) {
  std::vector<ExistingColumn> existing = {{"ID", ParseColumnType("BIGINT"), false},
                                          {"Name", ParseColumnType("VARCHAR"), true}};
  Schema schema = SchemaOf(
      {{"id", DataType::Of(TypeId::kInt64), false, "", 0}, {"name", DataType::Of(TypeId::kString), true, "", 0}});

  Result<std::vector<std::string>> statements = AlterTableSql(Orders(), existing, schema, true);

  ASSERT_TRUE(statements.has_value()) << statements.error().ToString();
  EXPECT_THAT(*statements, IsEmpty());
}

TEST(DuckDbTableDdl, NullableSourceColumnsDropNotNull) {
  std::vector<ExistingColumn> existing = {{"id", ParseColumnType("INTEGER"), false}};
  Schema schema = SchemaOf({{"id", DataType::Of(TypeId::kInt64), true, "", 0}});

  Result<std::vector<std::string>> statements = AlterTableSql(Orders(), existing, schema, true);

  ASSERT_TRUE(statements.has_value());
  EXPECT_THAT(*statements, ElementsAre("ALTER TABLE \"main\".\"orders\" ALTER COLUMN \"id\" SET DATA TYPE BIGINT",
                                       "ALTER TABLE \"main\".\"orders\" ALTER COLUMN \"id\" DROP NOT NULL"));
}

TEST(DuckDbTableDdl, AnIncompatibleColumnReturnsOnlyTheError) {
  std::vector<ExistingColumn> existing = {{"amount", ParseColumnType("DECIMAL(38,2)"), true}};
  Schema schema = SchemaOf({{"amount", DataType::Decimal(50, 2), true, "decimal(50,2)", 0},
                            {"added", DataType::Of(TypeId::kString), true, "", 0}});

  Result<std::vector<std::string>> statements = AlterTableSql(Orders(), existing, schema, true);

  ASSERT_FALSE(statements.has_value());
  EXPECT_EQ(statements.error().code(), StatusCode::kSchemaMismatch);
  EXPECT_THAT(statements.error().message(),
              HasSubstr("column \"amount\": the target has DECIMAL(38,2), the source now sends decimal(50,2) "
                        "(VARCHAR in DuckDB)"));
  EXPECT_THAT(statements.error().message(), HasSubstr("nothing was changed"));
}

}  // namespace
}  // namespace sluice::target::duckdb
