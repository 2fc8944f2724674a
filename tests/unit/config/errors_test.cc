// Configuration mistakes: each is reported as "file:line: key.path: what is
// wrong (remedy)", and all of them at once.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "config_test_util.h"

namespace sluice::config {
namespace {

using ::sluice::config::testing::kLocalConnections;
using ::sluice::config::testing::LocalPipeline;
using ::sluice::config::testing::ScopedEnv;
using ::sluice::config::testing::TempProject;
using ::testing::HasSubstr;

std::vector<std::string> Lines(const std::string& message) {
  std::vector<std::string> lines;
  size_t start = 0;
  while (start <= message.size()) {
    size_t end = message.find('\n', start);
    if (end == std::string::npos) end = message.size();
    lines.push_back(message.substr(start, end - start));
    start = end + 1;
  }
  return lines;
}

class ConfigErrorTest : public ::testing::Test {
 protected:
  void SetUp() override { project_.Write("connections.yml", kLocalConnections); }

  // The full path of config/<relative>, as messages show it.
  std::string File(const std::string& relative) const { return project_.config_dir() + "/" + relative; }
  // Loads with pipelines/p.yml = `pipeline` and returns the error lines.
  std::vector<std::string> PipelineErrors(std::string_view pipeline) {
    project_.Write("pipelines/p.yml", pipeline);
    Result<Config> config = project_.Load();
    EXPECT_FALSE(config.has_value());
    if (config.has_value()) return {};
    EXPECT_EQ(config.error().code(), StatusCode::kInvalidArgument);
    return Lines(config.error().message());
  }
  std::vector<std::string> ConnectionErrors(std::string_view connections) {
    project_.Write("connections.yml", connections);
    return Lines(project_.LoadError());
  }

  TempProject project_;
};

TEST_F(ConfigErrorTest, YamlSyntaxErrorNamesTheLine) {
  EXPECT_THAT(PipelineErrors("pipeline:\n  name: p\n  source: app_db: x\n"),
              ::testing::ElementsAre(File("pipelines/p.yml") +
                                     ":3: YAML syntax error: illegal map value (check the indentation and quoting on "
                                     "this line and the lines just above it)"));
}

TEST_F(ConfigErrorTest, SecondYamlDocumentIsRejected) {
  EXPECT_THAT(PipelineErrors(LocalPipeline("p") + "---\npipeline: {name: q}\n"),
              ::testing::ElementsAre(HasSubstr(File("pipelines/p.yml") + ":11: the file holds 2 YAML documents")));
}

TEST_F(ConfigErrorTest, EmptyPipelineFileIsReported) {
  EXPECT_THAT(PipelineErrors("# nothing yet\n"),
              ::testing::ElementsAre(File("pipelines/p.yml") +
                                     ": the file is empty (a pipeline file holds pipeline: {name, source, target, "
                                     "store} and tables:; see docs/configuration.md)"));
}

TEST_F(ConfigErrorTest, UnknownKeySuggestsTheClosestKnownKey) {
  std::vector<std::string> lines = PipelineErrors(R"(pipeline:
  name: p
  source: app_db
  target: warehouse
  store: stage
  processing:
    batchsize: 10
tables:
  orders:
    cdc_strategy: full_sync
    batch_size: 5
    colour: blue
)");
  std::string file = File("pipelines/p.yml");
  EXPECT_THAT(lines, ::testing::ElementsAre(
                         file + ":7: pipeline.processing.batchsize: unknown key (did you mean 'batch_size'?)",
                         file + ":11: tables.orders.batch_size: unknown key (batch_size belongs under processing: "
                                "write processing: {batch_size: ...})",
                         file + ":12: tables.orders.colour: unknown key (known keys here: cdc_strategy, "
                                "cdc_timestamp_column, cdc_id_column, lookback_seconds, target_name, primary_key, "
                                "full_sync_mode, custom_sql, processing, validation)"));
}

TEST_F(ConfigErrorTest, WrongTypesAreNamed) {
  std::vector<std::string> lines = PipelineErrors(R"(pipeline:
  name: p
  source: app_db
  target: warehouse
  store: stage
  processing: [1, 2]
  staging:
    target_file_mb: big
  validation:
    enable_data_quality_checks: yes
tables:
  orders:
    cdc_strategy: {a: b}
    primary_key: id
)");
  std::string file = File("pipelines/p.yml");
  EXPECT_THAT(lines,
              ::testing::ElementsAre(
                  file + ":6: pipeline.processing: expected a map of key: value lines, got a list (indent the "
                         "settings under 'processing:', one key: value per line)",
                  file + ":8: pipeline.staging.target_file_mb: expected a whole number, got 'big' (use a whole "
                         "number from 1 to 1048576)",
                  file + ":10: pipeline.validation.enable_data_quality_checks: expected true or false, got 'yes' "
                         "(write true or false; yes/no/on/off are not accepted)",
                  file + ":13: tables.orders.cdc_strategy: expected one of hybrid, timestamp_only, id_only, "
                         "full_sync or custom_sql, got a map (give cdc_strategy one value, on the same line)",
                  file + ":14: tables.orders.primary_key: expected a list, got a single value (write "
                         "primary_key: [id])"));
}

TEST_F(ConfigErrorTest, ValuesOutOfRangeSayWhatIsAllowed) {
  project_.Write("connections.yml", R"(connections:
  sources:
    app_db: {type: mysql, host: h, port: 70000}
  targets:
    warehouse: {type: duckdb, path: ./w.duckdb}
stores:
  stage: {type: local, path: ./stage}
)");
  std::vector<std::string> lines = PipelineErrors(R"(pipeline:
  name: p
  source: app_db
  target: warehouse
  store: stage
  processing: {batch_size: 0}
  staging: {target_file_mb: 0}
tables:
  orders:
    cdc_strategy: timestamp_only
    cdc_timestamp_column: ts
    lookback_seconds: -1
    validation: {max_null_percentage: 100.5}
)");
  std::string file = File("pipelines/p.yml");
  EXPECT_THAT(lines,
              ::testing::ElementsAre(
                  File("connections.yml") + ":3: connections.sources.app_db.port: 70000 is out of range (use a "
                                            "whole number from 1 to 65535)",
                  file + ":6: pipeline.processing.batch_size: 0 is out of range (use a whole number from 1 to "
                         "100000000)",
                  file + ":7: pipeline.staging.target_file_mb: 0 is out of range (use a whole number from 1 to "
                         "1048576)",
                  file + ":12: tables.orders.lookback_seconds: -1 is out of range (use a whole number from 0 to "
                         "31536000)",
                  file + ":13: tables.orders.validation.max_null_percentage: 100.5 is out of range (use a number "
                         "from 0 to 100)"));
}

TEST_F(ConfigErrorTest, BadChoiceListsTheAllowedValues) {
  project_.Write("connections.yml", R"(connections:
  sources:
    app_db: {type: oracle, host: h}
  targets:
    warehouse: {type: duckdb, path: ./w.duckdb}
stores:
  stage: {type: local, path: ./stage}
)");
  std::vector<std::string> lines = PipelineErrors(R"(pipeline:
  name: p
  source: app_db
  target: warehouse
  store: stage
  staging: {compression: Snappy}
tables:
  orders: {cdc_strategy: hybird, cdc_timestamp_column: ts, cdc_id_column: id}
)");
  std::string file = File("pipelines/p.yml");
  EXPECT_THAT(lines, ::testing::ElementsAre(
                         File("connections.yml") + ":3: connections.sources.app_db.type: 'oracle' is not one of "
                                                   "mysql, postgres, sqlite (use one of these, spelled exactly)",
                         file + ":6: pipeline.staging.compression: 'Snappy' is not one of zstd, snappy, none (did "
                                "you mean 'snappy'?)",
                         file + ":8: tables.orders.cdc_strategy: 'hybird' is not one of hybrid, timestamp_only, "
                                "id_only, full_sync, custom_sql (did you mean 'hybrid'?)"));
}

TEST_F(ConfigErrorTest, MissingRequiredConnectionKeys) {
  std::vector<std::string> lines = ConnectionErrors(R"(connections:
  sources:
    notype: {host: h}
    my: {type: mysql}
    lite: {type: sqlite}
  targets:
    duck: {type: duckdb}
    rs: {type: redshift}
stores:
  loc: {type: local}
  s3: {type: s3}
)");
  std::string file = File("connections.yml");
  EXPECT_THAT(lines, ::testing::ElementsAre(
                         file + ":3: connections.sources.notype.type: missing (set type: to mysql, postgres or sqlite)",
                         file + ":4: connections.sources.my.host: missing (a mysql source needs host: the database "
                                "server's name or address)",
                         file + ":5: connections.sources.lite.path: missing (a sqlite source needs path: the database "
                                "file, e.g. ./app.db)",
                         file + ":7: connections.targets.duck.path: missing (a duckdb target needs path: the database "
                                "file, e.g. ./warehouse.duckdb)",
                         file + ":8: connections.targets.rs.host: missing (a redshift target needs host: the warehouse "
                                "server's name or address)",
                         file + ":10: stores.loc.path: missing (a local store needs path: the directory to stage files "
                                "in, e.g. ./stage)",
                         file + ":11: stores.s3.bucket: missing (an s3 store needs bucket: the bucket's name)"));
}

TEST_F(ConfigErrorTest, MissingRequiredPipelineKeys) {
  std::vector<std::string> lines = PipelineErrors(R"(pipeline:
  source: app_db
  target: warehouse
  name:
)");
  std::string file = File("pipelines/p.yml");
  EXPECT_THAT(lines, ::testing::ElementsAre(
                         file + ": tables: missing (list the tables to sync, e.g. tables: {orders: {cdc_strategy: "
                                "full_sync}})",
                         file + ":1: pipeline.store: missing (name the store to stage files in, one of stores)",
                         file + ":4: pipeline.name: is empty (name the pipeline, e.g. name: us_dw; sync -p NAME "
                                "uses it)"));
}

TEST_F(ConfigErrorTest, KeysThatDoNotApplyToTheTypeAreRejected) {
  std::vector<std::string> lines = ConnectionErrors(R"(connections:
  sources:
    lite: {type: sqlite, path: ./a.db, host: db.internal}
stores:
  loc: {type: local, path: ./stage, bucket: b}
)");
  std::string file = File("connections.yml");
  EXPECT_THAT(lines, ::testing::ElementsAre(
                         file + ":3: connections.sources.lite.host: does not apply to a sqlite source (remove it; a "
                                "sqlite source reads the file at path)",
                         file + ":5: stores.loc.bucket: does not apply to a local store (remove it; a local store "
                                "writes under the directory at path)"));
}

TEST_F(ConfigErrorTest, BadDuckDbBoundsAreRefusedNamingTheKey) {
  std::vector<std::string> lines = ConnectionErrors(R"(connections:
  targets:
    duck: {type: duckdb, path: ./w.duckdb, memory_limit: lots, threads: 0}
    small: {type: duckdb, path: ./s.duckdb, memory_limit: 32MiB}
    busy: {type: duckdb, path: ./t.duckdb, threads: 3}
    bare: {type: duckdb, path: ./b.duckdb, memory_limit: 536870912}
    pg: {type: postgres, host: h, memory_limit: 1GB, temp_directory: /tmp, threads: 2}
stores:
  loc: {type: local, path: ./stage}
)");
  std::string file = File("connections.yml");
  std::string remedy =
      "(write a number and a unit, e.g. 512MiB or 2GB; KB, MB, GB, TB count 1000s, KiB, MiB, GiB, "
      "TiB 1024s)";
  EXPECT_THAT(lines,
              ::testing::ElementsAre(
                  file + ":3: connections.targets.duck.memory_limit: 'lots' is not a memory size " + remedy,
                  file + ":3: connections.targets.duck.threads: 0 is out of range (use a whole number from 1 to 1024)",
                  file + ":4: connections.targets.small.memory_limit: 32MiB is less than a load needs (set at least "
                         "128MiB; the default is 256MiB)",
                  file + ":5: connections.targets.busy.threads: 3 threads need a memory_limit of at least 384MiB "
                         "(128MiB each; memory_limit is 256MiB): lower threads or raise memory_limit",
                  file + ":6: connections.targets.bare.memory_limit: '536870912' is not a memory size " + remedy,
                  file + ":7: connections.targets.pg.memory_limit: does not apply to a postgres target (remove it; "
                         "they bound the DuckDB that a duckdb target runs in process)",
                  file + ":7: connections.targets.pg.temp_directory: does not apply to a postgres target (remove it; "
                         "they bound the DuckDB that a duckdb target runs in process)",
                  file + ":7: connections.targets.pg.threads: does not apply to a postgres target (remove it; they "
                         "bound the DuckDB that a duckdb target runs in process)"));
}

TEST_F(ConfigErrorTest, DanglingReferencesListWhatExists) {
  std::vector<std::string> lines = PipelineErrors(R"(pipeline:
  name: p
  source: app_dv
  target: warehouse
  store: nowhere
tables:
  orders: {cdc_strategy: full_sync}
)");
  std::string file = File("pipelines/p.yml");
  std::string connections = File("connections.yml");
  EXPECT_THAT(lines, ::testing::ElementsAre(file + ":3: pipeline.source: no source named 'app_dv' in " + connections +
                                                " (configured: app_db; did you mean 'app_db'?)",
                                            file + ":5: pipeline.store: no store named 'nowhere' in " + connections +
                                                " (configured: stage; add it under stores: or use one of those)"));
}

TEST_F(ConfigErrorTest, RedshiftNeedsAnS3Store) {
  project_.Write("connections.yml", R"(connections:
  sources:
    app_db: {type: sqlite, path: ./app.db}
  targets:
    rs: {type: redshift, host: r}
stores:
  stage: {type: local, path: ./stage}
)");
  EXPECT_THAT(PipelineErrors("pipeline: {name: p, source: app_db, target: rs, store: stage}\n"
                             "tables: {orders: {cdc_strategy: full_sync}}\n"),
              ::testing::ElementsAre(File("pipelines/p.yml") +
                                     ":1: pipeline.store: 'stage' is a local store, but target 'rs' is redshift, "
                                     "which loads with COPY from S3 (use an s3 store)"));
}

TEST_F(ConfigErrorTest, DuplicateTablesAndConnectionsAreRejected) {
  project_.Write("connections.yml", R"(connections:
  sources:
    app_db: {type: sqlite, path: ./app.db}
    app_db: {type: sqlite, path: ./other.db}
  targets:
    warehouse: {type: duckdb, path: ./w.duckdb, path: ./x.duckdb}
stores:
  stage: {type: local, path: ./stage}
)");
  std::vector<std::string> lines =
      PipelineErrors(R"(pipeline: {name: p, source: app_db, target: warehouse, store: stage}
tables:
  orders: {cdc_strategy: full_sync}
  orders: {cdc_strategy: id_only, cdc_id_column: id}
)");
  std::string connections = File("connections.yml");
  EXPECT_THAT(lines, ::testing::ElementsAre(
                         connections + ":4: connections.sources.app_db: set twice (first on line 3; keep one, or "
                                       "rename one)",
                         connections + ":6: connections.targets.warehouse.path: set twice (first on line 6; keep "
                                       "one, or rename one)",
                         File("pipelines/p.yml") + ":4: tables.orders: set twice (first on line 3; keep one, or "
                                                   "rename one)"));
}

TEST_F(ConfigErrorTest, DuplicatePipelineNamesAcrossFiles) {
  project_.Write("pipelines/a.yml", LocalPipeline("same"));
  project_.Write("pipelines/b.yml", LocalPipeline("same", "invoices"));
  std::vector<std::string> lines = Lines(project_.LoadError());
  EXPECT_THAT(lines, ::testing::ElementsAre(
                         File("pipelines/a.yml") + ":2: pipeline.name: 'same' is also the name of the pipeline in " +
                             File("pipelines/b.yml") + " (pipeline names must be unique; rename one)",
                         File("pipelines/b.yml") + ":2: pipeline.name: 'same' is also the name of the pipeline in " +
                             File("pipelines/a.yml") + " (pipeline names must be unique; rename one)"));
}

TEST_F(ConfigErrorTest, TwoTablesCannotShareATargetTable) {
  std::vector<std::string> lines =
      PipelineErrors(R"(pipeline: {name: p, source: app_db, target: warehouse, store: stage}
tables:
  shop.orders: {cdc_strategy: full_sync}
  archive.orders: {cdc_strategy: full_sync}
  legacy: {cdc_strategy: full_sync, target_name: Orders}
)");
  std::string file = File("pipelines/p.yml");
  EXPECT_THAT(lines, ::testing::ElementsAre(
                         file + ":4: tables.archive.orders.target_name: 'orders' (the default: the name after the "
                                "last '.') is also the target of table shop.orders (line 3) (two tables cannot load "
                                "into one target table; set a different target_name for one of them)",
                         file + ":5: tables.legacy.target_name: 'Orders' is also the target of table shop.orders "
                                "(line 3) (two tables cannot load into one target table; set a different "
                                "target_name for one of them)"));
}

TEST_F(ConfigErrorTest, TwoPipelinesCannotLoadOneTargetTable) {
  project_.Write("pipelines/a.yml", LocalPipeline("a"));
  project_.Write("pipelines/b.yml", R"(pipeline: {name: b, source: app_db, target: warehouse, store: stage}
tables:
  invoices: {cdc_strategy: full_sync}
  legacy_orders:
    cdc_strategy: full_sync
    target_name: ORDERS
)");
  std::vector<std::string> lines = Lines(project_.LoadError());
  std::string a = File("pipelines/a.yml");
  std::string b = File("pipelines/b.yml");
  EXPECT_THAT(lines, ::testing::ElementsAre(
                         a + ":7: tables.orders.target_name: 'orders' (the default: the name after the last '.') "
                             "is also the target of table legacy_orders of pipeline b (" + b + ":6): both load "
                             "main.orders of target warehouse (two tables cannot load into one target table, each "
                             "run would overwrite or duplicate the other's rows; set a different target_name for "
                             "one of them)",
                         b + ":6: tables.legacy_orders.target_name: 'ORDERS' is also the target of table orders of "
                             "pipeline a (" + a + ":7): both load main.orders of target warehouse (two tables "
                             "cannot load into one target table, each run would overwrite or duplicate the other's "
                             "rows; set a different target_name for one of them)"));
  // Loading only one of the pipelines refuses it too: every command sees the conflict.
  LoadOptions only_a;
  only_a.only_pipeline = "a";
  EXPECT_THAT(project_.LoadError(only_a), HasSubstr("is also the target of table legacy_orders of pipeline b"));
}

TEST_F(ConfigErrorTest, TwoConnectionsToOneDuckDbFileShareItsTables) {
  project_.Write("connections.yml", R"(connections:
  sources:
    app_db: {type: sqlite, path: ./app.db}
  targets:
    warehouse: {type: duckdb, path: ./warehouse.duckdb}
    same_file: {type: duckdb, path: ./warehouse.duckdb}
    analytics: {type: duckdb, path: ./warehouse.duckdb, schema: analytics}
    other_file: {type: duckdb, path: ./other.duckdb}
stores:
  stage: {type: local, path: ./stage}
)");
  project_.Write("pipelines/a.yml", LocalPipeline("a"));
  for (const char* target : {"analytics", "other_file"}) {
    std::string pipeline = LocalPipeline("b");
    pipeline.replace(pipeline.find("target: warehouse"), 17, std::string("target: ") + target);
    project_.Write("pipelines/b.yml", pipeline);
    Result<Config> config = project_.Load();
    EXPECT_TRUE(config.has_value()) << target << ": " << config.error().message();
  }
  std::string pipeline = LocalPipeline("b");
  pipeline.replace(pipeline.find("target: warehouse"), 17, "target: same_file");
  project_.Write("pipelines/b.yml", pipeline);
  EXPECT_THAT(project_.LoadError(), HasSubstr("is also the target of table orders of pipeline b (" +
                                              File("pipelines/b.yml") + ":7): both load main.orders of target "
                                              "warehouse (target same_file is the same database)"));
}

TEST_F(ConfigErrorTest, TheLedgerAndSluicesHelperTablesCannotBeTargets) {
  std::string file = File("pipelines/p.yml");
  EXPECT_THAT(PipelineErrors(R"(pipeline: {name: p, source: app_db, target: warehouse, store: stage}
tables:
  shop._sluice_loaded_files: {cdc_strategy: full_sync}
  orders: {cdc_strategy: full_sync, target_name: orders__sluice_new}
)"),
              ::testing::ElementsAre(
                  file + ":3: tables.shop._sluice_loaded_files.target_name: '_sluice_loaded_files' (the default: the "
                         "name after the last '.') is the name of sluice's ledger of loaded files, kept in the target "
                         "schema (set target_name: to another name, e.g. loaded_files)",
                  file + ":4: tables.orders.target_name: 'orders__sluice_new' is reserved: target tables whose names "
                         "contain '__sluice_' are sluice's own helpers (set target_name: to another name, e.g. a "
                         "name without '__sluice_')"));
  EXPECT_THAT(PipelineErrors(R"(pipeline: {name: p, source: app_db, target: warehouse, store: stage}
tables:
  audit:
    cdc_strategy: full_sync
    target_name: _Sluice_Loaded_Files
)"),
              ::testing::ElementsAre(file + ":5: tables.audit.target_name: '_Sluice_Loaded_Files' is the name of "
                                            "sluice's ledger of loaded files, kept in the target schema (set "
                                            "target_name: to another name, e.g. loaded_files)"));
}

// The table's name is a segment of its store keys (watermarks/<pipeline>/<table>.json, ...).
TEST_F(ConfigErrorTest, ATableKeyWithASlashIsRefusedNamingIt) {
  std::string file = File("pipelines/p.yml");
  EXPECT_THAT(PipelineErrors(R"(pipeline: {name: p, source: app_db, target: warehouse, store: stage}
tables:
  shop/orders: {cdc_strategy: full_sync}
  shop.customers: {cdc_strategy: full_sync}
)"),
              ::testing::ElementsAre(file + ":3: tables.shop/orders: the table name 'shop/orders' contains '/', "
                                            "which cannot be part of the store keys the name becomes (its watermark, "
                                            "lease and staged files); write a schema-qualified name with '.', e.g. "
                                            "shop.orders"));
}

TEST_F(ConfigErrorTest, EachStrategyNeedsItsColumns) {
  std::vector<std::string> lines =
      PipelineErrors(R"(pipeline: {name: p, source: app_db, target: warehouse, store: stage}
tables:
  h: {cdc_strategy: hybrid}
  t: {cdc_strategy: timestamp_only}
  i: {cdc_strategy: id_only}
  y: {cdc_strategy: id_only, cdc_id_column: id, cdc_timestamp_column: ts}
  f: {cdc_strategy: hybrid, cdc_timestamp_column: ts, cdc_id_column: id, full_sync_mode: append}
  s: {cdc_strategy: full_sync, custom_sql: "SELECT 1"}
)");
  std::string file = File("pipelines/p.yml");
  EXPECT_THAT(
      lines,
      ::testing::ElementsAre(
          file + ":3: tables.h.cdc_timestamp_column: missing (hybrid reads in (timestamp, id) order; e.g. "
                 "cdc_timestamp_column: updated_at, a column set on every change)",
          file + ":3: tables.h.cdc_id_column: missing (hybrid reads in (timestamp, id) order; e.g. cdc_id_column: "
                 "id, a unique increasing column)",
          file + ":4: tables.t.cdc_timestamp_column: missing (timestamp_only reads by a timestamp; e.g. "
                 "cdc_timestamp_column: updated_at, a column set on every change)",
          file + ":5: tables.i.cdc_id_column: missing (id_only reads by an increasing id; e.g. cdc_id_column: id, "
                 "a unique increasing column)",
          file + ":6: tables.y.cdc_timestamp_column: does not apply to cdc_strategy id_only (remove it, or use "
                 "cdc_strategy: hybrid)",
          file + ":7: tables.f.full_sync_mode: does not apply to cdc_strategy hybrid (it is only for "
                 "cdc_strategy: full_sync; remove it)",
          file + ":8: tables.s.custom_sql: does not apply to cdc_strategy full_sync (remove it, or set "
                 "cdc_strategy: custom_sql)"));
}

TEST_F(ConfigErrorTest, CustomSqlNeedsKnownPlaceholders) {
  std::vector<std::string> lines =
      PipelineErrors(R"(pipeline: {name: p, source: app_db, target: warehouse, store: stage}
tables:
  missing: {cdc_strategy: custom_sql}
  none: {cdc_strategy: custom_sql, custom_sql: "SELECT * FROM n"}
  typo:
    cdc_strategy: custom_sql
    cdc_timestamp_column: ts
    custom_sql: "SELECT * FROM u WHERE ts > {{last_ts}} AND ts <= {{ ceiling_timestamp }}"
  no_id: {cdc_strategy: custom_sql, custom_sql: "SELECT * FROM x WHERE id > {{last_id}}"}
  fine: {cdc_strategy: custom_sql, cdc_id_column: id, custom_sql: "SELECT * FROM x WHERE id > {{ last_id }}"}
)");
  std::string file = File("pipelines/p.yml");
  EXPECT_THAT(
      lines,
      ::testing::ElementsAre(
          file + ":3: tables.missing.custom_sql: missing (write the query, with {{last_timestamp}} or {{last_id}} "
                 "where the cursor goes)",
          file + ":4: tables.none.custom_sql: has no placeholder (put {{last_timestamp}} or {{last_id}} where the "
                 "cursor goes, e.g. WHERE updated_at > {{last_timestamp}}; to copy the whole table every run, use "
                 "cdc_strategy: full_sync)",
          file + ":8: tables.typo.custom_sql: unknown placeholder {{last_ts}} (did you mean {{last_timestamp}}? "
                 "use {{last_timestamp}}, {{last_id}}, {{ceiling_timestamp}} or {{ceiling_id}})",
          file + ":9: tables.no_id.cdc_id_column: missing (the query uses an id placeholder: set cdc_id_column: to "
                 "the result column the cursor follows, e.g. id)"));
}

// A {{...}} inside a string literal or a comment is the query's own text,
// as the pipeline's source reads it (SQLite here, where # starts no
// comment): it is neither a placeholder nor an unknown one, and needs no
// cursor column; a query with none outside says where they are.
TEST_F(ConfigErrorTest, CustomSqlPlaceholdersInsideLiteralsAndCommentsAreText) {
  std::vector<std::string> lines =
      PipelineErrors(R"(pipeline: {name: p, source: app_db, target: warehouse, store: stage}
tables:
  quoted: {cdc_strategy: custom_sql, custom_sql: "SELECT * FROM q WHERE note <> '{{last_id}}' -- {{ceiling_id}}"}
  text_beside:
    cdc_strategy: custom_sql
    cdc_id_column: id
    custom_sql: "SELECT * FROM c /* {{last_timestamp}} */ WHERE id > {{last_id}} AND note <> '{{ last_ts }}'"
  hash: {cdc_strategy: custom_sql, custom_sql: "SELECT * FROM h # {{last_id}}"}
)");
  std::string file = File("pipelines/p.yml");
  EXPECT_THAT(lines, ::testing::ElementsAre(
                         ::testing::AllOf(HasSubstr(file + ":3: tables.quoted.custom_sql: has no placeholder (put"),
                                          HasSubstr("full_sync); {{last_id}}, {{ceiling_id}} stand inside a quoted "
                                                    "string or a comment, where the database reads them as text: "
                                                    "write them without quotes (sluice binds the value)")),
                         HasSubstr(file + ":8: tables.hash.cdc_id_column: missing (the query uses an id placeholder")));
}

// MySQL reads # as a comment, so there the same query has no placeholder.
TEST_F(ConfigErrorTest, CustomSqlIsReadAsTheSourceDatabaseReadsIt) {
  project_.Write("connections.yml", R"(connections:
  sources:
    app_db: {type: mysql, host: localhost, username: u, database: d}
  targets:
    warehouse: {type: duckdb, path: ./warehouse.duckdb}
stores:
  stage: {type: local, path: ./stage}
)");
  std::vector<std::string> lines =
      PipelineErrors(R"(pipeline: {name: p, source: app_db, target: warehouse, store: stage}
tables:
  hash: {cdc_strategy: custom_sql, custom_sql: "SELECT * FROM h # {{last_id}}"}
)");
  EXPECT_THAT(lines, ::testing::ElementsAre(HasSubstr(":3: tables.hash.custom_sql: has no placeholder")));
}

TEST_F(ConfigErrorTest, MissingEnvironmentVariableNamesItTheFileLineAndKey) {
  ScopedEnv unset("SLUICE_TEST_MISSING_PASSWORD", std::nullopt);
  std::vector<std::string> lines = ConnectionErrors(R"(connections:
  sources:
    db:
      type: mysql
      host: h
      password: ${SLUICE_TEST_MISSING_PASSWORD}
)");
  EXPECT_THAT(lines, ::testing::ElementsAre(
                         File("connections.yml") +
                         ":6: connections.sources.db.password: environment variable SLUICE_TEST_MISSING_PASSWORD is "
                         "not set (export it, add SLUICE_TEST_MISSING_PASSWORD=... to " +
                         File(".env") + ", or give a default with ${SLUICE_TEST_MISSING_PASSWORD:-default})"));
}

TEST_F(ConfigErrorTest, MalformedDotEnvLineIsReported) {
  project_.Write(".env", "OK=1\nthis line has no equals\n");
  EXPECT_THAT(Lines(project_.LoadError()),
              ::testing::ElementsAre(File(".env") + ":2: expected KEY=VALUE (KEY is letters, digits and _, e.g. "
                                                    "DB_PASSWORD=secret; comments start with #)"));
}

TEST_F(ConfigErrorTest, MissingConnectionsFileSaysWhereItLookedAndHowToChoose) {
  project_.Remove("connections.yml");
  EXPECT_EQ(project_.LoadError(),
            File("connections.yml") + ": not found (looked for connections.yml in " + project_.config_dir() +
                "; the configuration directory is chosen with --config-dir DIR or SLUICE_CONFIG_DIR, default "
                "./config; `sluice demo` writes an example)");
}

TEST_F(ConfigErrorTest, MissingConfigDirSaysHowToChoose) {
  std::string missing = project_.root() + "/nope";
  Result<Config> config = LoadConfig(missing);
  ASSERT_FALSE(config.has_value());
  EXPECT_EQ(config.error().message(),
            "configuration directory '" + missing + "' not found (looked at " + missing +
                "; the configuration directory is chosen with --config-dir DIR or SLUICE_CONFIG_DIR, default "
                "./config; `sluice demo` writes an example)");
}

TEST_F(ConfigErrorTest, MissingPipelinesDirIsReported) {
  project_.Remove("pipelines");
  EXPECT_EQ(project_.LoadError(), File("pipelines") +
                                      ": directory not found (create it and add one <name>.yml per "
                                      "pipeline; see docs/configuration.md)");
}

TEST_F(ConfigErrorTest, EveryProblemIsReportedInFileAndLineOrder) {
  project_.Write("connections.yml", R"(connections:
  sources:
    app_db: {type: sqlite, path: ./app.db, port: 1}
  targets:
    warehouse: {type: duckdb}
stores:
  stage: {type: local, path: ./stage}
)");
  project_.Write("pipelines/b.yml",
                 "pipeline: {name: b, source: app_db, target: warehouse, store: stage}\n"
                 "tables: {orders: {cdc_strategy: id_only, lookback: 5}}\n");
  project_.Write("pipelines/a.yml",
                 "pipeline: {name: a, source: nope, target: warehouse, store: stage}\n"
                 "tables: {orders: {cdc_strategy: full_sync}}\n");
  std::vector<std::string> lines = Lines(project_.LoadError());
  ASSERT_EQ(lines.size(), 5u) << ::testing::PrintToString(lines);
  EXPECT_THAT(lines[0], HasSubstr("connections.yml:3: connections.sources.app_db.port: does not apply"));
  EXPECT_THAT(lines[1], HasSubstr("connections.yml:5: connections.targets.warehouse.path: missing"));
  EXPECT_THAT(lines[2], HasSubstr("a.yml:1: pipeline.source: no source named 'nope'"));
  EXPECT_THAT(lines[3], HasSubstr("b.yml:2: tables.orders.lookback: unknown key (did you mean 'lookback_seconds'?)"));
  EXPECT_THAT(lines[4], HasSubstr("b.yml:2: tables.orders.cdc_id_column: missing"));
}

}  // namespace
}  // namespace sluice::config
