// Loading valid configurations: the SPEC §2 example, defaults, table
// overrides, path resolution, ${VAR} and .env, only_pipeline.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "common/redact.h"
#include "config_test_util.h"

namespace sluice::config {
namespace {

using ::sluice::config::testing::kLocalConnections;
using ::sluice::config::testing::kSpecConnections;
using ::sluice::config::testing::kSpecPipeline;
using ::sluice::config::testing::LocalPipeline;
using ::sluice::config::testing::ScopedEnv;
using ::sluice::config::testing::TempProject;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;

class SpecExampleTest : public ::testing::Test {
 protected:
  void SetUp() override {
    project_.Write("connections.yml", kSpecConnections);
    project_.Write("pipelines/us_dw.yml", kSpecPipeline);
  }
  void TearDown() override { ClearSecretsForTesting(); }

  TempProject project_;
  ScopedEnv home_{"HOME", "/home/tester"};
  ScopedEnv db_user_{"DB_USER", "etl_reader"};
  ScopedEnv db_password_{"DB_PASSWORD", "Db-s3cret-91"};
  ScopedEnv ssh_user_{"SSH_USER", "jump"};
  ScopedEnv ssh_key_{"SSH_KEY", "/keys/id_ed25519"};
  ScopedEnv rs_user_{"RS_USER", "loader"};
  ScopedEnv rs_password_{"RS_PASSWORD", "Rs-s3cret-42"};
};

TEST_F(SpecExampleTest, ConnectionsLoadWithTheirValues) {
  Result<Config> config = project_.Load();
  ASSERT_TRUE(config.has_value()) << config.error().message();
  const SourceConnection& mysql = config->connections.sources.at("US_DW_RO");
  EXPECT_EQ(mysql.name, "US_DW_RO");
  EXPECT_EQ(mysql.type, SourceType::kMySql);
  EXPECT_EQ(mysql.host, "db.internal");
  EXPECT_EQ(mysql.port, 3306);
  EXPECT_EQ(mysql.database, "settlement");
  EXPECT_EQ(mysql.username, "etl_reader");
  EXPECT_EQ(mysql.password, "Db-s3cret-91");
  EXPECT_EQ(mysql.ssl.mode, SslMode::kRequired);
  EXPECT_FALSE(mysql.ssh_tunnel.enabled);
  EXPECT_EQ(mysql.ssh_tunnel.host, "bastion");
  EXPECT_EQ(mysql.ssh_tunnel.port, 22);
  EXPECT_EQ(mysql.ssh_tunnel.username, "jump");
  EXPECT_EQ(mysql.ssh_tunnel.private_key_path, "/keys/id_ed25519");
  EXPECT_EQ(mysql.ssh_tunnel.known_hosts, "/home/tester/.ssh/known_hosts");
  EXPECT_EQ(mysql.origin, project_.config_dir() + "/connections.yml:4");
  EXPECT_EQ(config->connections.sources.at("demo_sqlite").path, project_.root() + "/demo.db");

  const TargetConnection& redshift = config->connections.targets.at("redshift_default");
  EXPECT_EQ(redshift.type, TargetType::kRedshift);
  EXPECT_EQ(redshift.host, "dw.example.com");
  EXPECT_EQ(redshift.port, 5439);
  EXPECT_EQ(redshift.database, "dw");
  EXPECT_EQ(redshift.schema, "public");
  EXPECT_EQ(redshift.username, "loader");
  EXPECT_EQ(redshift.password, "Rs-s3cret-42");
  EXPECT_EQ(redshift.iam_role, "arn:aws:iam::123456789012:role/redshift-copy");
  const TargetConnection& duckdb = config->connections.targets.at("local_duckdb");
  EXPECT_EQ(duckdb.type, TargetType::kDuckDb);
  EXPECT_EQ(duckdb.path, project_.root() + "/warehouse.duckdb");
  EXPECT_EQ(duckdb.schema, "main");

  const StoreConfig& s3 = config->connections.stores.at("s3_qa");
  EXPECT_EQ(s3.type, StoreType::kS3);
  EXPECT_EQ(s3.bucket, "my-bucket");
  EXPECT_EQ(s3.region, "us-west-2");
  EXPECT_EQ(s3.prefix, "sluice/");
  EXPECT_EQ(s3.endpoint_url, "");
  EXPECT_FALSE(s3.path_style);
  EXPECT_EQ(s3.expected_bucket_owner, "123456789012");
  EXPECT_EQ(s3.sse.type, "aws:kms");
  EXPECT_EQ(s3.sse.kms_key_id, "alias/dw");
  EXPECT_EQ(config->connections.stores.at("local_stage").type, StoreType::kLocal);
  EXPECT_EQ(config->connections.stores.at("local_stage").path, project_.root() + "/stage");
  EXPECT_EQ(config->connections.file, project_.config_dir() + "/connections.yml");
}

TEST_F(SpecExampleTest, PipelineLoadsWithItsValues) {
  Result<Config> config = project_.Load();
  ASSERT_TRUE(config.has_value()) << config.error().message();
  ASSERT_EQ(config->pipelines.size(), 1u);
  const PipelineConfig* pipeline = config->FindPipeline("us_dw");
  ASSERT_NE(pipeline, nullptr);
  EXPECT_EQ(config->FindPipeline("nope"), nullptr);
  EXPECT_EQ(pipeline->file, project_.config_dir() + "/pipelines/us_dw.yml");
  EXPECT_EQ(config->SourceOf(*pipeline).name, "US_DW_RO");
  EXPECT_EQ(config->TargetOf(*pipeline).name, "redshift_default");
  EXPECT_EQ(config->StoreOf(*pipeline).name, "s3_qa");
  EXPECT_EQ(pipeline->processing.batch_size, 50000);
  EXPECT_EQ(pipeline->processing.timeout_minutes, 240);
  EXPECT_EQ(pipeline->staging.prefix, "us_dw/");
  EXPECT_EQ(pipeline->staging.partition_strategy, PartitionStrategy::kDatetime);
  EXPECT_EQ(pipeline->staging.compression, Compression::kZstd);
  EXPECT_EQ(pipeline->staging.target_file_mb, 128);
  ASSERT_EQ(pipeline->tables.size(), 3u);

  const TableConfig& orders = pipeline->tables[0];
  EXPECT_EQ(orders.name, "settlement.settle_orders");
  EXPECT_EQ(orders.cdc_strategy, CdcStrategy::kHybrid);
  EXPECT_EQ(orders.cdc_timestamp_column, "updated_at");
  EXPECT_EQ(orders.cdc_id_column, "id");
  EXPECT_EQ(orders.lookback_seconds, 300);
  EXPECT_EQ(orders.target_name, "settle_orders");
  EXPECT_THAT(orders.primary_key, ElementsAre("id"));
  EXPECT_EQ(orders.processing.batch_size, 100000);
  EXPECT_EQ(orders.processing.timeout_minutes, 240);
  EXPECT_TRUE(orders.validation.enable_data_quality_checks);
  EXPECT_EQ(orders.validation.max_null_percentage, 2.0);
  EXPECT_EQ(orders.origin, project_.config_dir() + "/pipelines/us_dw.yml:16");

  const TableConfig& currencies = pipeline->tables[1];
  EXPECT_EQ(currencies.name, "settlement.currencies");
  EXPECT_EQ(currencies.cdc_strategy, CdcStrategy::kFullSync);
  EXPECT_EQ(currencies.full_sync_mode, FullSyncMode::kReplace);
  EXPECT_EQ(currencies.target_name, "currencies");
  EXPECT_EQ(currencies.processing.batch_size, 50000);

  const TableConfig& totals = pipeline->tables[2];
  EXPECT_EQ(totals.cdc_strategy, CdcStrategy::kCustomSql);
  EXPECT_EQ(totals.custom_sql,
            "SELECT * FROM settlement.daily_totals WHERE updated_at > {{last_timestamp}} AND updated_at <= "
            "{{ceiling_timestamp}}\n");
  EXPECT_EQ(totals.cdc_timestamp_column, "updated_at");
}

TEST_F(SpecExampleTest, LoadingRegistersNothingAndTheConfigurationCarriesItsSecrets) {
  ClearSecretsForTesting();
  Result<Config> config = project_.Load();
  ASSERT_TRUE(config.has_value()) << config.error().message();
  EXPECT_EQ(Redact("mysql password Db-s3cret-91"), "mysql password Db-s3cret-91");  // no side effect
  std::vector<std::string> secrets = SecretsOf(*config);
  EXPECT_THAT(secrets, ::testing::UnorderedElementsAre("Db-s3cret-91", "Rs-s3cret-42"));
  for (const std::string& secret : secrets) RegisterSecret(secret);
  EXPECT_EQ(Redact("mysql password Db-s3cret-91, redshift Rs-s3cret-42"), "mysql password ***, redshift ***");
  EXPECT_EQ(Redact("user etl_reader"), "user etl_reader");
}

TEST_F(SpecExampleTest, ShowPipelineRedactsSecretsAndListsTheConnectionsUsed) {
  Result<Config> config = project_.Load();
  ASSERT_TRUE(config.has_value()) << config.error().message();
  std::string shown = ShowPipeline(*config, *config->FindPipeline("us_dw"));
  EXPECT_THAT(shown, Not(HasSubstr("Db-s3cret-91")));
  EXPECT_THAT(shown, Not(HasSubstr("Rs-s3cret-42")));
  EXPECT_THAT(shown, HasSubstr("password: \"***\""));
  EXPECT_THAT(shown, HasSubstr("US_DW_RO:"));
  EXPECT_THAT(shown, HasSubstr("redshift_default:"));
  EXPECT_THAT(shown, HasSubstr("s3_qa:"));
  EXPECT_THAT(shown, Not(HasSubstr("demo_sqlite")));  // not used by us_dw
  EXPECT_THAT(shown, Not(HasSubstr("local_stage")));
  EXPECT_THAT(shown, HasSubstr("expected_bucket_owner: \"123456789012\""));
}

TEST(LoaderTest, DefaultsApplyWhereNothingIsSet) {
  TempProject project;
  project.Write("connections.yml", R"(connections:
  sources:
    my: {type: mysql, host: m.internal}
    pg: {type: postgres, host: p.internal}
  targets:
    rs: {type: redshift, host: r.internal}
    pgt: {type: postgres, host: pt.internal}
    duck: {type: duckdb, path: w.duckdb}
stores:
  bucket: {type: s3, bucket: b}
)");
  project.Write("pipelines/p.yml", R"(pipeline: {name: p, source: my, target: rs, store: bucket}
tables:
  shop.orders: {cdc_strategy: id_only, cdc_id_column: id}
)");
  Result<Config> config = project.Load();
  ASSERT_TRUE(config.has_value()) << config.error().message();
  const Connections& connections = config->connections;
  EXPECT_EQ(connections.sources.at("my").port, 3306);
  EXPECT_EQ(connections.sources.at("my").ssl.mode, SslMode::kPreferred);
  EXPECT_EQ(connections.sources.at("my").connect_timeout_seconds, 10);
  EXPECT_FALSE(connections.sources.at("my").ssh_tunnel.enabled);
  EXPECT_EQ(connections.sources.at("pg").port, 5432);
  EXPECT_EQ(connections.targets.at("rs").port, 5439);
  EXPECT_EQ(connections.targets.at("rs").schema, "public");
  EXPECT_EQ(connections.targets.at("pgt").port, 5432);
  EXPECT_EQ(connections.targets.at("pgt").schema, "public");
  EXPECT_EQ(connections.targets.at("duck").schema, "main");
  const PipelineConfig& pipeline = config->pipelines.at(0);
  EXPECT_EQ(pipeline.processing.batch_size, 50000);
  EXPECT_EQ(pipeline.processing.timeout_minutes, 240);
  EXPECT_EQ(pipeline.processing.zero_dates, ZeroDates::kNull);
  EXPECT_EQ(pipeline.processing.lease_seconds, 300);
  EXPECT_EQ(pipeline.staging.prefix, "p/");
  EXPECT_EQ(pipeline.staging.partition_strategy, PartitionStrategy::kDatetime);
  EXPECT_EQ(pipeline.staging.compression, Compression::kZstd);
  EXPECT_EQ(pipeline.staging.target_file_mb, 128);
  EXPECT_FALSE(pipeline.validation.enable_data_quality_checks);
  EXPECT_FALSE(pipeline.validation.max_null_percentage.has_value());
  const TableConfig& table = pipeline.tables.at(0);
  EXPECT_EQ(table.target_name, "orders");
  EXPECT_FALSE(table.lookback_seconds.has_value());  // resolved per run: the default needs the primary key
  EXPECT_TRUE(table.primary_key.empty());
  EXPECT_EQ(table.processing.batch_size, 50000);
}

TEST(LoaderTest, TableSettingsOverrideOnlyTheKeysTheyName) {
  TempProject project;
  project.Write("connections.yml", kLocalConnections);
  project.Write("pipelines/p.yml", R"(pipeline:
  name: p
  source: app_db
  target: warehouse
  store: stage
  processing: {batch_size: 1000, timeout_minutes: 30, zero_dates: error, lease_seconds: 60}
  validation: {enable_data_quality_checks: true, max_null_percentage: 5}
tables:
  a:
    cdc_strategy: full_sync
    processing: {batch_size: 10}
    validation: {max_null_percentage: 1.5}
  b: {cdc_strategy: full_sync}
  c:
    cdc_strategy: full_sync
    processing: {zero_dates: null}
    validation: {enable_data_quality_checks: false}
)");
  Result<Config> config = project.Load();
  ASSERT_TRUE(config.has_value()) << config.error().message();
  const std::vector<TableConfig>& tables = config->pipelines.at(0).tables;
  ASSERT_EQ(tables.size(), 3u);
  EXPECT_EQ(tables[0].processing.batch_size, 10);
  EXPECT_EQ(tables[0].processing.timeout_minutes, 30);
  EXPECT_EQ(tables[0].processing.zero_dates, ZeroDates::kError);
  EXPECT_EQ(tables[0].processing.lease_seconds, 60);
  EXPECT_TRUE(tables[0].validation.enable_data_quality_checks);
  EXPECT_EQ(tables[0].validation.max_null_percentage, 1.5);
  EXPECT_EQ(tables[1].processing.batch_size, 1000);
  EXPECT_EQ(tables[1].processing.zero_dates, ZeroDates::kError);
  EXPECT_EQ(tables[1].validation.max_null_percentage, 5.0);
  EXPECT_EQ(tables[2].processing.zero_dates, ZeroDates::kNull);
  EXPECT_EQ(tables[2].processing.batch_size, 1000);
  EXPECT_FALSE(tables[2].validation.enable_data_quality_checks);
  EXPECT_EQ(tables[2].validation.max_null_percentage, 5.0);
}

TEST(LoaderTest, RelativePathsAreRelativeToTheParentOfTheConfigDir) {
  TempProject project;
  project.Write("connections.yml", R"(connections:
  sources:
    rel: {type: sqlite, path: ./app.db}
    nested: {type: sqlite, path: data/../data/x.db}
    absolute: {type: sqlite, path: /var/lib/app.db}
    memory: {type: sqlite, path: ":memory:"}
  targets:
    warehouse: {type: duckdb, path: warehouse.duckdb}
stores:
  stage: {type: local, path: ./stage}
)");
  for (std::string config_dir : {project.config_dir(), project.config_dir() + "/"}) {
    Result<Config> config = LoadConfig(config_dir);
    ASSERT_TRUE(config.has_value()) << config.error().message();
    EXPECT_EQ(config->connections.sources.at("rel").path, project.root() + "/app.db");
    EXPECT_EQ(config->connections.sources.at("nested").path, project.root() + "/data/x.db");
    EXPECT_EQ(config->connections.sources.at("absolute").path, "/var/lib/app.db");
    EXPECT_EQ(config->connections.sources.at("memory").path, ":memory:");
    EXPECT_EQ(config->connections.targets.at("warehouse").path, project.root() + "/warehouse.duckdb");
    EXPECT_EQ(config->connections.stores.at("stage").path, project.root() + "/stage");
  }
}

TEST(LoaderTest, ARelativeConfigDirIsResolvedFromTheWorkingDirectory) {
  TempProject project;
  project.Write("connections.yml", kLocalConnections);
  std::filesystem::path previous = std::filesystem::current_path();
  std::filesystem::current_path(project.root());
  Result<Config> config = LoadConfig("config");
  std::filesystem::current_path(previous);
  ASSERT_TRUE(config.has_value()) << config.error().message();
  EXPECT_EQ(config->connections.sources.at("app_db").path,
            std::filesystem::canonical(project.root()).string() + "/app.db");
  EXPECT_EQ(config->dir, "config");
}

TEST(LoaderTest, PipelinesAreSortedByNameAndOnlyYamlFilesAreRead) {
  TempProject project;
  project.Write("connections.yml", kLocalConnections);
  project.Write("pipelines/zeta.yml", LocalPipeline("alpha"));
  project.Write("pipelines/beta.yaml", LocalPipeline("beta", "invoices"));
  project.Write("pipelines/README.md", "not a pipeline: [");
  project.Write("pipelines/.draft.yml", "not: [valid");
  Result<Config> config = project.Load();
  ASSERT_TRUE(config.has_value()) << config.error().message();
  ASSERT_EQ(config->pipelines.size(), 2u);
  EXPECT_EQ(config->pipelines[0].name, "alpha");
  EXPECT_EQ(config->pipelines[1].name, "beta");
}

TEST(LoaderTest, AnchorsAndMergeKeysShareSettings) {
  TempProject project;
  project.Write("connections.yml", kLocalConnections);
  project.Write("pipelines/p.yml", R"(pipeline: {name: p, source: app_db, target: warehouse, store: stage}
tables:
  a: &incremental {cdc_strategy: hybrid, cdc_timestamp_column: updated_at, cdc_id_column: id}
  b:
    <<: *incremental
    cdc_id_column: b_id
)");
  Result<Config> config = project.Load();
  ASSERT_TRUE(config.has_value()) << config.error().message();
  const TableConfig& b = config->pipelines.at(0).tables.at(1);
  EXPECT_EQ(b.cdc_strategy, CdcStrategy::kHybrid);
  EXPECT_EQ(b.cdc_timestamp_column, "updated_at");
  EXPECT_EQ(b.cdc_id_column, "b_id");
}

}  // namespace
}  // namespace sluice::config
