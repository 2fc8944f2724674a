// Schema changes (SPEC §5a), PlanDdl, opening the database, and the
// OpenTarget factory.
#include <gmock/gmock.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <thread>

#include "target/duckdb/duckdb_target.h"
#include "target_test_util.h"

namespace sluice::target::testing_util {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

Field Column(std::string name, TypeId type, bool nullable = true) {
  return MakeField(std::move(name), DataType::Of(type), nullable);
}

class DuckDbSchemaTest : public DuckDbTargetTest {
 protected:
  // Loads one file of `select_sql` rows under `schema` (append: no key needed), asserting success.
  LoadResult LoadRows(SchemaPtr schema, const std::string& select_sql) {
    StagedFile file = Stage(fmt::format("k/{}.parquet", ++file_count_), select_sql);
    Result<LoadResult> loaded = Load(Request(std::move(schema), LoadMode::kAppend, {file}));
    EXPECT_TRUE(loaded.has_value()) << loaded.error().ToString();
    return loaded.has_value() ? *loaded : LoadResult{};
  }
  TextRows ColumnTypes() {
    return Rows(
        "SELECT column_name, data_type, is_nullable FROM duckdb_columns() WHERE table_name = 'orders' "
        "ORDER BY column_index");
  }
  int file_count_ = 0;
};

TEST_F(DuckDbSchemaTest, ANewSourceColumnIsAddedAndOlderRowsReadNull) {
  LoadRows(MakeSchema({Column("id", TypeId::kInt64, false)}), "SELECT 1::BIGINT AS id");
  auto with_email = MakeSchema({Column("id", TypeId::kInt64, false), Column("email", TypeId::kString)});

  LoadResult loaded = LoadRows(with_email, "SELECT 2::BIGINT AS id, 'b@example.com' AS email");

  EXPECT_THAT(loaded.ddl, ElementsAre("ALTER TABLE \"main\".\"orders\" ADD COLUMN \"email\" VARCHAR"));
  EXPECT_THAT(TableRows("id, email", "id"), ElementsAre(ElementsAre("1", "NULL"), ElementsAre("2", "b@example.com")));
}

TEST_F(DuckDbSchemaTest, IntegerAndDecimalColumnsAreWidened) {
  LoadRows(MakeSchema({Column("id", TypeId::kInt32, false), MakeField("amount", DataType::Decimal(10, 2)),
                       Column("ratio", TypeId::kFloat32)}),
           "SELECT 1 AS id, 12345678.91::DECIMAL(10,2) AS amount, 0.5::FLOAT AS ratio");
  auto wider = MakeSchema({Column("id", TypeId::kInt64, false), MakeField("amount", DataType::Decimal(14, 2)),
                           Column("ratio", TypeId::kFloat64)});

  LoadResult loaded = LoadRows(wider,
                               "SELECT 5000000000::BIGINT AS id, 123456789012.34::DECIMAL(14,2) AS amount, "
                               "0.1::DOUBLE AS ratio");

  EXPECT_THAT(loaded.ddl,
              ElementsAre("ALTER TABLE \"main\".\"orders\" ALTER COLUMN \"id\" SET DATA TYPE BIGINT",
                          "ALTER TABLE \"main\".\"orders\" ALTER COLUMN \"amount\" SET DATA TYPE DECIMAL(14,2)",
                          "ALTER TABLE \"main\".\"orders\" ALTER COLUMN \"ratio\" SET DATA TYPE DOUBLE"));
  EXPECT_THAT(ColumnTypes(),
              ElementsAre(ElementsAre("id", "BIGINT", "false"), ElementsAre("amount", "DECIMAL(14,2)", "true"),
                          ElementsAre("ratio", "DOUBLE", "true")));
  EXPECT_THAT(TableRows("id, amount, ratio", "id"),
              ElementsAre(ElementsAre("1", "12345678.91", "0.5"), ElementsAre("5000000000", "123456789012.34", "0.1")));
}

TEST_F(DuckDbSchemaTest, ASourceBigintBecomingUnsignedWidensToDecimal20) {
  LoadRows(MakeSchema({Column("id", TypeId::kInt64, false)}), "SELECT -1::BIGINT AS id");

  LoadResult loaded =
      LoadRows(MakeSchema({Column("id", TypeId::kUInt64, false)}), "SELECT 18446744073709551615::UBIGINT AS id");

  EXPECT_THAT(loaded.ddl,
              ElementsAre("ALTER TABLE \"main\".\"orders\" ALTER COLUMN \"id\" SET DATA TYPE DECIMAL(20,0)"));
  EXPECT_THAT(TableRows("id", "id"), ElementsAre(ElementsAre("-1"), ElementsAre("18446744073709551615")));
}

TEST_F(DuckDbSchemaTest, AWiderTargetColumnTakesANarrowerSourceAsItIs) {
  LoadRows(MakeSchema({Column("id", TypeId::kInt64, false), Column("doc", TypeId::kString)}),
           "SELECT 5000000000::BIGINT AS id, 'text' AS doc");

  LoadResult loaded = LoadRows(MakeSchema({Column("id", TypeId::kInt32, false), Column("doc", TypeId::kJson)}),
                               "SELECT 7 AS id, '{\"a\":1}' AS doc");

  EXPECT_THAT(loaded.ddl, IsEmpty());
  EXPECT_THAT(ColumnTypes(), ElementsAre(ElementsAre("id", "BIGINT", "false"), ElementsAre("doc", "VARCHAR", "true")));
}

TEST_F(DuckDbSchemaTest, AnIncompatibleChangeIsRefusedBeforeAnythingChanges) {
  StagedFile first = Stage("k/1.parquet", "SELECT 1::BIGINT AS id, 'A-1' AS code, TIMESTAMP '2025-01-01' AS seen");
  auto v1 = MakeSchema(
      {Column("id", TypeId::kInt64, false), Column("code", TypeId::kString), Column("seen", TypeId::kTimestamp)});
  ASSERT_TRUE(Load(Request(v1, LoadMode::kAppend, {first})).has_value());
  // code becomes an integer, seen a timestamptz, and a column is added: nothing of it may happen.
  Field code = Column("code", TypeId::kInt32);
  code.source_type = "int(11)";
  auto v2 = MakeSchema({Column("id", TypeId::kInt64, false), code, Column("seen", TypeId::kTimestampTz),
                        Column("added", TypeId::kString)});
  StagedFile second = Stage("k/2.parquet",
                            "SELECT 2::BIGINT AS id, 7 AS code, TIMESTAMPTZ '2025-01-01 00:00:00+00' "
                            "AS seen, 'x' AS added");
  LoadRequest request = Request(v2, LoadMode::kAppend, {second});

  Result<LoadResult> loaded = Load(request);
  Result<std::vector<std::string>> planned = target().PlanDdl(request);

  ASSERT_FALSE(loaded.has_value());
  EXPECT_EQ(loaded.error().code(), StatusCode::kSchemaMismatch);
  const std::string& message = loaded.error().message();
  EXPECT_THAT(message, HasSubstr("table main.orders (pipeline p, source table shop.orders)"));
  EXPECT_THAT(message, HasSubstr("column \"code\": the target has VARCHAR, the source now sends int(11) (INTEGER in "
                                 "DuckDB)"));
  EXPECT_THAT(message, HasSubstr("column \"seen\": the target has TIMESTAMP, the source now sends timestamptz "
                                 "(TIMESTAMPTZ in DuckDB)"));
  EXPECT_THAT(message, HasSubstr("ALTER TABLE \"main\".\"orders\" ALTER COLUMN \"code\" SET DATA TYPE INTEGER"));
  EXPECT_THAT(message, HasSubstr("sluice watermark reset -p p -t shop.orders --yes"));
  ASSERT_FALSE(planned.has_value());
  EXPECT_EQ(planned.error(), loaded.error());
  EXPECT_THAT(ColumnTypes(), ElementsAre(ElementsAre("id", "BIGINT", "false"), ElementsAre("code", "VARCHAR", "true"),
                                         ElementsAre("seen", "TIMESTAMP", "true")));
  EXPECT_THAT(LedgerKeys(), ElementsAre(first.key));
}

TEST_F(DuckDbSchemaTest, AColumnTheSourceDroppedStopsTheTableNamingTheColumnAndTheRemedy) {
  StagedFile first = Stage("k/1.parquet", "SELECT 1::BIGINT AS id, 'old' AS legacy");
  auto v1 = MakeSchema({Column("id", TypeId::kInt64, false), Column("legacy", TypeId::kString, false)});
  ASSERT_TRUE(Load(Request(v1, LoadMode::kAppend, {first})).has_value());

  StagedFile second = Stage("k/2.parquet", "SELECT 2::BIGINT AS id");
  Result<LoadResult> loaded = Load(Request(MakeSchema({Column("id", TypeId::kInt64, false)}), LoadMode::kAppend,
                                           {second}));

  ASSERT_FALSE(loaded.has_value());
  EXPECT_EQ(loaded.error().code(), StatusCode::kSchemaMismatch);
  EXPECT_THAT(loaded.error().message(), HasSubstr("column \"legacy\" is in the target but the source no longer has it"));
  EXPECT_THAT(loaded.error().message(), HasSubstr("ALTER TABLE \"main\".\"orders\" DROP COLUMN \"legacy\""));
  EXPECT_THAT(TableRows("id, legacy", "id"), ElementsAre(ElementsAre("1", "old")));
  EXPECT_THAT(LedgerKeys(), ElementsAre(first.key));
}

TEST_F(DuckDbSchemaTest, ARenamedSourceColumnIsRefusedSuggestingTheRenameThatKeepsItsValues) {
  LoadRows(MakeSchema({Column("id", TypeId::kInt64, false), Column("old_name", TypeId::kString)}),
           "SELECT 1::BIGINT AS id, 'kept' AS old_name");
  auto renamed = MakeSchema({Column("id", TypeId::kInt64, false), Column("new_name", TypeId::kString)});
  StagedFile second = Stage("k/renamed.parquet", "SELECT 2::BIGINT AS id, 'new' AS new_name");

  Result<LoadResult> loaded = Load(Request(renamed, LoadMode::kAppend, {second}));

  ASSERT_FALSE(loaded.has_value());
  EXPECT_EQ(loaded.error().code(), StatusCode::kSchemaMismatch);
  const std::string& message = loaded.error().message();
  EXPECT_THAT(message, HasSubstr("column \"old_name\" is in the target but the source no longer has it and has a "
                                 "new column \"new_name\": if the source renamed it, rename it in the target to keep "
                                 "its values (ALTER TABLE \"main\".\"orders\" RENAME COLUMN \"old_name\" TO "
                                 "\"new_name\")"));
  EXPECT_THAT(message, HasSubstr("only if its values are not needed, ALTER TABLE \"main\".\"orders\" DROP COLUMN "
                                 "\"old_name\""));
  // The remedy's first example is the rename, not the DROP that loses the values.
  EXPECT_THAT(message, HasSubstr("(e.g. ALTER TABLE \"main\".\"orders\" RENAME COLUMN \"old_name\" TO "
                                 "\"new_name\")"));

  // Following it keeps the old rows' values and loads the new ones.
  Rows("ALTER TABLE main.orders RENAME COLUMN old_name TO new_name");
  ASSERT_TRUE(Load(Request(renamed, LoadMode::kAppend, {second})).has_value());
  EXPECT_THAT(TableRows("id, new_name", "id"), ElementsAre(ElementsAre("1", "kept"), ElementsAre("2", "new")));
}

TEST_F(DuckDbSchemaTest, PlanDdlSaysWhatLoadWouldRunAndWritesNothing) {
  schema_name_ = "analytics";
  auto v1 = MakeSchema({Column("id", TypeId::kInt64, false), MakeField("amount", DataType::Decimal(12, 3)),
                        Column("payload", TypeId::kJson), Column("raw", TypeId::kBinary)},
                       {"id"});
  LoadRequest request = Request(v1, LoadMode::kMerge, {});

  Result<std::vector<std::string>> planned = target().PlanDdl(request);

  ASSERT_TRUE(planned.has_value()) << planned.error().ToString();
  EXPECT_THAT(*planned, ElementsAre("CREATE SCHEMA IF NOT EXISTS \"analytics\"",
                                    "CREATE TABLE \"analytics\".\"orders\" (\"id\" BIGINT NOT NULL, \"amount\" "
                                    "DECIMAL(12,3), \"payload\" JSON, \"raw\" BLOB)"));
  EXPECT_THAT(Rows("SELECT count(*) FROM duckdb_schemas() WHERE schema_name = 'analytics'"),
              ElementsAre(ElementsAre("0")));

  StagedFile file = Stage("k/1.parquet",
                          "SELECT 1::BIGINT AS id, 1.5::DECIMAL(12,3) AS amount, '{}' AS payload, "
                          "'x'::BLOB AS raw");
  request.files = {file};
  Result<LoadResult> loaded = Load(request);
  ASSERT_TRUE(loaded.has_value()) << loaded.error().ToString();
  EXPECT_EQ(loaded->ddl, *planned);
  EXPECT_THAT(LedgerKeys(), ElementsAre(file.key));
  EXPECT_THAT(*target().PlanDdl(request), IsEmpty());

  auto v2 = std::make_shared<Schema>(*v1);
  v2->fields.push_back(Column("note", TypeId::kString));
  request.schema = v2;
  EXPECT_THAT(*target().PlanDdl(request),
              ElementsAre("ALTER TABLE \"analytics\".\"orders\" ADD COLUMN \"note\" VARCHAR"));
  request.mode = LoadMode::kReplace;
  EXPECT_THAT(*target().PlanDdl(request),
              ElementsAre("CREATE TABLE \"analytics\".\"orders__sluice_new\" (\"id\" BIGINT NOT NULL, \"amount\" "
                          "DECIMAL(12,3), \"payload\" JSON, \"raw\" BLOB, \"note\" VARCHAR)",
                          "DROP TABLE IF EXISTS \"analytics\".\"orders\"",
                          "ALTER TABLE \"analytics\".\"orders__sluice_new\" RENAME TO \"orders\""));
}

// The database file is created by the first load, so a run that loads nothing leaves none behind.
TEST_F(DuckDbSchemaTest, AFreshDatabaseHasNoRowsNoFilesAndAVersionAndItsFileComesWithTheFirstLoad) {
  EXPECT_EQ(*target().CountRows("orders"), 0);
  EXPECT_THAT(*target().LoadedFiles("p", "shop.orders"), IsEmpty());
  EXPECT_EQ(*target().ServerVersion(), "DuckDB v1.4.4");
  EXPECT_TRUE(target().PlanDdl(Request(MakeSchema({Column("id", TypeId::kInt64, false)}), LoadMode::kAppend, {}))
                  .has_value());
  EXPECT_FALSE(std::filesystem::exists(database_path_));
  LoadRows(MakeSchema({Column("id", TypeId::kInt64, false)}), "SELECT 1::BIGINT AS id");
  EXPECT_TRUE(std::filesystem::exists(database_path_));
  EXPECT_EQ(*target().CountRows("orders"), 1);
}

TEST_F(DuckDbSchemaTest, OpeningNeedsAnExistingDirectory) {
  config::TargetConnection connection = Connection();
  connection.path = scratch_ + "/no/such/dir/warehouse.duckdb";
  connection.origin = "connections.yml:7";

  Result<std::unique_ptr<Target>> opened = OpenTarget(connection);

  ASSERT_FALSE(opened.has_value());
  EXPECT_EQ(opened.error().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(opened.error().message(), HasSubstr("connections.yml:7: duckdb target 'warehouse'"));
  EXPECT_THAT(opened.error().message(), HasSubstr("the directory " + scratch_ + "/no/such/dir of path"));
  EXPECT_FALSE(std::filesystem::exists(scratch_ + "/no"));
}

TEST_F(DuckDbSchemaTest, DuckDbRunsWithinTheConfiguredBounds) {
  config::TargetConnection connection = Connection();
  connection.memory_limit_bytes = int64_t{384} << 20;
  connection.threads = 1;
  connection.temp_directory = scratch_ + "/spill";

  Result<std::unique_ptr<DuckDbTarget>> opened = DuckDbTarget::Open(connection);

  ASSERT_TRUE(opened.has_value()) << opened.error().ToString();
  EXPECT_EQ(*(*opened)->Setting("memory_limit"), "384.0 MiB");
  EXPECT_EQ(*(*opened)->Setting("threads"), "1");
  EXPECT_EQ(*(*opened)->Setting("temp_directory"), scratch_ + "/spill");
}

TEST_F(DuckDbSchemaTest, ByDefaultDuckDbTakesAThreadPer128MiBOfItsLimitUpToTheCores) {
  config::TargetConnection connection = Connection();  // memory_limit 256 MiB, threads unset
  connection.path = ":memory:";
  int cores = std::max(1, static_cast<int>(std::thread::hardware_concurrency()));

  Result<std::unique_ptr<DuckDbTarget>> opened = DuckDbTarget::Open(connection);
  connection.memory_limit_bytes = int64_t{128} << 20;
  Result<std::unique_ptr<DuckDbTarget>> smaller = DuckDbTarget::Open(connection);

  ASSERT_TRUE(opened.has_value()) << opened.error().ToString();
  EXPECT_EQ(*(*opened)->Setting("memory_limit"), "256.0 MiB");
  EXPECT_EQ(*(*opened)->Setting("threads"), std::to_string(std::min(cores, 2)));
  ASSERT_TRUE(smaller.has_value()) << smaller.error().ToString();
  EXPECT_EQ(*(*smaller)->Setting("threads"), "1");
}

TEST_F(DuckDbSchemaTest, ATempDirectoryThatIsAFileOrInNoDirectoryIsRefused) {
  config::TargetConnection connection = Connection();
  connection.origin = "connections.yml:7";
  connection.temp_directory = database_path_;
  std::ofstream(database_path_) << "";
  EXPECT_THAT(OpenTarget(connection).error().message(),
              HasSubstr("connections.yml:7: duckdb target 'warehouse': temp_directory " + database_path_ +
                        " is not a directory"));
  connection.temp_directory = scratch_ + "/no/spill";
  EXPECT_THAT(
      OpenTarget(connection).error().message(),
      HasSubstr("the directory " + scratch_ + "/no of temp_directory " + scratch_ + "/no/spill does not exist"));
}

TEST_F(DuckDbSchemaTest, OpeningADirectoryOrNothingIsRefused) {
  config::TargetConnection connection = Connection();
  connection.path = scratch_;
  EXPECT_THAT(OpenTarget(connection).error().message(), HasSubstr("is a directory"));
  connection.path = "";
  EXPECT_THAT(OpenTarget(connection).error().message(), HasSubstr("`path`"));
}

TEST_F(DuckDbSchemaTest, OtherTargetTypesAreNotSupportedYet) {
  for (config::TargetType type : {config::TargetType::kPostgres, config::TargetType::kRedshift}) {
    config::TargetConnection connection = Connection();
    connection.type = type;
    Result<std::unique_ptr<Target>> opened = OpenTarget(connection);
    ASSERT_FALSE(opened.has_value());
    EXPECT_EQ(opened.error().code(), StatusCode::kNotSupported);
    EXPECT_THAT(opened.error().message(), HasSubstr("not supported yet"));
  }
}

}  // namespace
}  // namespace sluice::target::testing_util
