// The SQLite source: opening, declared types, DescribeTable and DescribeQuery.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>

#include "source/sqlite/sqlite_types.h"
#include "sqlite_test_db.h"

namespace sluice::source {
namespace {

using ::testing::HasSubstr;
using testing::TempSqliteDb;

struct TypeCase {
  const char* declared;
  DataType type;
  int64_t max_length;
};

TEST(SqliteDeclaredType, MapsEveryDeclaredTypeFamily) {
  const TypeCase cases[] = {
      {"INTEGER", DataType::Of(TypeId::kInt64), 0},
      {"int", DataType::Of(TypeId::kInt64), 0},
      {"BIGINT", DataType::Of(TypeId::kInt64), 0},
      {"tinyint(1)", DataType::Of(TypeId::kInt64), 0},
      {"UNSIGNED BIG INT", DataType::Of(TypeId::kInt64), 0},
      {"BOOLEAN", DataType::Of(TypeId::kBoolean), 0},
      {"bool", DataType::Of(TypeId::kBoolean), 0},
      {"REAL", DataType::Of(TypeId::kFloat64), 0},
      {"DOUBLE PRECISION", DataType::Of(TypeId::kFloat64), 0},
      {"float", DataType::Of(TypeId::kFloat64), 0},
      {"DECIMAL(12,2)", DataType::Decimal(12, 2), 0},
      {"numeric( 38 , 10 )", DataType::Decimal(38, 10), 0},
      {"DECIMAL(65,30)", DataType::Decimal(65, 30), 0},
      {"DECIMAL(10)", DataType::Decimal(10, 0), 0},
      {"NUMERIC", DataType::Decimal(0, 0), 0},
      {"MONEY", DataType::Decimal(0, 0), 0},
      {"DATE", DataType::Of(TypeId::kDate), 0},
      {"DATETIME", DataType::Of(TypeId::kTimestamp), 0},
      {"timestamp(6)", DataType::Of(TypeId::kTimestamp), 0},
      {"TIMESTAMPTZ", DataType::Of(TypeId::kTimestampTz), 0},
      {"timestamp  with time zone", DataType::Of(TypeId::kTimestampTz), 0},
      {"TIME", DataType::Of(TypeId::kTime), 0},
      {"JSON", DataType::Of(TypeId::kJson), 0},
      {"VARCHAR(255)", DataType::Of(TypeId::kString), 255},
      {"NVARCHAR(20)", DataType::Of(TypeId::kString), 20},
      {"CHARACTER(3)", DataType::Of(TypeId::kString), 3},
      {"TEXT", DataType::Of(TypeId::kString), 0},
      {"CLOB", DataType::Of(TypeId::kString), 0},
      {"UUID", DataType::Of(TypeId::kString), 0},
      {"BLOB", DataType::Of(TypeId::kBinary), 0},
      {"", DataType::Of(TypeId::kBinary), 0},
  };
  for (const TypeCase& type_case : cases) {
    auto mapping = sqlite::MapDeclaredType(type_case.declared);
    ASSERT_TRUE(mapping.has_value()) << type_case.declared;
    EXPECT_EQ(mapping->type, type_case.type) << type_case.declared << " -> " << mapping->type.ToString();
    EXPECT_EQ(mapping->max_length, type_case.max_length) << type_case.declared;
  }
}

TEST(SqliteDeclaredType, ImpossibleDecimalsAreNotSupported) {
  for (const char* declared : {"DECIMAL(5,7)", "DECIMAL(0,0)", "DECIMAL(2000,2)", "DECIMAL(p,s)", "DECIMAL(1,2,3)"}) {
    auto mapping = sqlite::MapDeclaredType(declared);
    ASSERT_FALSE(mapping.has_value()) << declared;
    EXPECT_EQ(mapping.error().code(), StatusCode::kNotSupported);
    EXPECT_THAT(mapping.error().message(), HasSubstr(declared));
  }
}

TEST(SqliteSource, DescribeTableGivesColumnsTypesNullabilityAndKeyOrder) {
  TempSqliteDb db(
      "CREATE TABLE lines (note TEXT, line INTEGER NOT NULL, \"order\" VARCHAR(12) NOT NULL, amount DECIMAL(12,2), "
      "PRIMARY KEY (\"order\", line))");
  auto source = db.Open();
  auto schema = source->DescribeTable("lines");
  ASSERT_TRUE(schema.has_value()) << schema.error().ToString();
  const auto& fields = (*schema)->fields;
  ASSERT_EQ(fields.size(), 4u);
  EXPECT_EQ(fields[0], (Field{"note", DataType::Of(TypeId::kString), true, "TEXT", 0}));
  EXPECT_EQ(fields[1], (Field{"line", DataType::Of(TypeId::kInt64), false, "INTEGER", 0}));
  EXPECT_EQ(fields[2], (Field{"order", DataType::Of(TypeId::kString), false, "VARCHAR(12)", 12}));
  EXPECT_EQ(fields[3], (Field{"amount", DataType::Decimal(12, 2), true, "DECIMAL(12,2)", 0}));
  EXPECT_EQ((*schema)->primary_key, (std::vector<std::string>{"order", "line"}));
}

TEST(SqliteSource, IntegerPrimaryKeyIsNotNullAndARowidTableWithoutKeyHasNone) {
  TempSqliteDb db("CREATE TABLE a (id INTEGER PRIMARY KEY, v); CREATE TABLE b (x INT, y);");
  auto source = db.Open();
  auto a = source->DescribeTable("main.a");
  ASSERT_TRUE(a.has_value()) << a.error().ToString();
  EXPECT_FALSE((*a)->fields[0].nullable);
  EXPECT_EQ((*a)->fields[1].type, DataType::Of(TypeId::kBinary));
  EXPECT_EQ((*a)->primary_key, std::vector<std::string>{"id"});
  auto b = source->DescribeTable("B");
  ASSERT_TRUE(b.has_value()) << b.error().ToString();
  EXPECT_TRUE((*b)->primary_key.empty());
  EXPECT_EQ((*b)->fields.size(), 2u);
}

TEST(SqliteSource, DescribeTableReadsViewsAndGeneratedColumns) {
  TempSqliteDb db(
      "CREATE TABLE t (id INTEGER PRIMARY KEY, price DECIMAL(8,2), total DECIMAL(9,2) AS (price * 2) STORED);"
      "CREATE VIEW v AS SELECT id, price FROM t;");
  auto source = db.Open();
  auto table = source->DescribeTable("t");
  ASSERT_TRUE(table.has_value()) << table.error().ToString();
  ASSERT_EQ((*table)->fields.size(), 3u);
  EXPECT_EQ((*table)->fields[2].type, DataType::Decimal(9, 2));
  auto view = source->DescribeTable("v");
  ASSERT_TRUE(view.has_value()) << view.error().ToString();
  ASSERT_EQ((*view)->fields.size(), 2u);
  EXPECT_EQ((*view)->fields[1].type, DataType::Decimal(8, 2));
  EXPECT_TRUE((*view)->primary_key.empty());
}

TEST(SqliteSource, UnknownTableIsNotFoundListingCloseNames) {
  TempSqliteDb db("CREATE TABLE orders (id INTEGER); CREATE TABLE order_items (id INTEGER); CREATE TABLE zebra (z);");
  auto source = db.Open();
  auto missing = source->DescribeTable("ordrs");
  ASSERT_FALSE(missing.has_value());
  EXPECT_EQ(missing.error().code(), StatusCode::kNotFound);
  EXPECT_EQ(missing.error().message(), "table 'ordrs' not found in database main; close names: orders");
  auto prefix = source->DescribeTable("order");
  ASSERT_FALSE(prefix.has_value());
  EXPECT_THAT(prefix.error().message(), HasSubstr("close names: orders, order_items"));
  auto far = source->DescribeTable("customers");
  ASSERT_FALSE(far.has_value());
  EXPECT_THAT(far.error().message(), HasSubstr("tables: order_items, orders, zebra"));
  auto bad_schema = source->DescribeTable("nope.orders");
  ASSERT_FALSE(bad_schema.has_value());
  EXPECT_EQ(bad_schema.error().code(), StatusCode::kNotFound);
  EXPECT_THAT(bad_schema.error().message(), HasSubstr("no attached database 'nope' (databases: main"));
}

TEST(SqliteSource, DescribeQueryTypesColumnsByDeclaredTypeAndExpressionsAsStrings) {
  TempSqliteDb db("CREATE TABLE t (id INTEGER PRIMARY KEY, ts DATETIME, amount DECIMAL(10,3))");
  auto source = db.Open();
  SelectQuery query;
  query.custom_sql = "SELECT id, ts, amount, amount * 2 AS doubled FROM t WHERE id > {{last_id}}";
  query.parameters = {{"last_id", Value::Int64(0)}};
  auto schema = source->DescribeQuery(query);
  ASSERT_TRUE(schema.has_value()) << schema.error().ToString();
  ASSERT_EQ((*schema)->fields.size(), 4u);
  EXPECT_EQ((*schema)->fields[0].type, DataType::Of(TypeId::kInt64));
  EXPECT_EQ((*schema)->fields[1].type, DataType::Of(TypeId::kTimestamp));
  EXPECT_EQ((*schema)->fields[2].type, DataType::Decimal(10, 3));
  EXPECT_EQ((*schema)->fields[3].name, "doubled");
  EXPECT_EQ((*schema)->fields[3].type, DataType::Of(TypeId::kString));
  EXPECT_TRUE((*schema)->primary_key.empty());

  query.custom_sql = "SELECT id, id FROM t";
  query.table = "shop.t";
  auto duplicate = source->DescribeQuery(query);
  ASSERT_FALSE(duplicate.has_value());
  EXPECT_EQ(duplicate.error().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(duplicate.error().message(),
            "table shop.t: the custom SQL returns two columns named 'id'; give one an alias (... AS another_name)");
  query.custom_sql = "SELECT nope FROM t";
  EXPECT_FALSE(source->DescribeQuery(query).has_value());
}

TEST(SqliteSource, OpeningAMissingFileIsNotFoundNamingThePath) {
  config::SourceConnection connection;
  connection.name = "demo";
  connection.type = config::SourceType::kSqlite;
  connection.path = "/nonexistent/dir/demo.db";
  auto source = OpenSource(connection);
  ASSERT_FALSE(source.has_value());
  EXPECT_EQ(source.error().code(), StatusCode::kNotFound);
  EXPECT_THAT(source.error().message(), HasSubstr("/nonexistent/dir/demo.db"));
  connection.path.clear();
  EXPECT_EQ(OpenSource(connection).error().code(), StatusCode::kInvalidArgument);
}

TEST(SqliteSource, OpeningAFileThatIsNoDatabaseIsADataError) {
  TempSqliteDb db;
  std::string path = db.dir() + "/not_a.db";
  std::ofstream(path) << "this is certainly not a SQLite database file, it is plain text of some length";
  config::SourceConnection connection;
  connection.type = config::SourceType::kSqlite;
  connection.path = path;
  auto source = OpenSource(connection);
  ASSERT_FALSE(source.has_value());
  EXPECT_EQ(source.error().code(), StatusCode::kDataError) << source.error().ToString();
}

TEST(SqliteSource, RefusesSqlThatWrites) {
  TempSqliteDb db("CREATE TABLE t (id INTEGER PRIMARY KEY)");
  auto source = db.Open();
  SelectQuery query;
  query.custom_sql = "INSERT INTO t VALUES (1) RETURNING id";
  auto schema = testing::MakeSchema({{"id", DataType::Of(TypeId::kInt64)}});
  auto read = testing::ReadAll(*source, query, schema);
  ASSERT_FALSE(read.has_value());
  EXPECT_EQ(read.error().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(read.error().message(), HasSubstr("the SQL would write"));
  EXPECT_FALSE(source->DescribeQuery(query).has_value());
}

TEST(SqliteSource, ReportsItsVersion) {
  TempSqliteDb db;
  auto version = db.Open()->ServerVersion();
  ASSERT_TRUE(version.has_value());
  EXPECT_THAT(*version, ::testing::StartsWith("SQLite 3."));
}

}  // namespace
}  // namespace sluice::source
