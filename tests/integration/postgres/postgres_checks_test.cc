// What a PostgreSQL source can hold that the warehouse cannot, refused
// before anything is read or written; and the server's notices, which go
// to the log in its format instead of raw to stderr.
#include <sstream>

#include <gtest/gtest.h>

#include "harness.h"
#include "pg_fixture.h"

namespace sluice::testing {
namespace {

bool Contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

class PostgresChecks : public ::testing::Test {
 protected:
  void SetUp() override {
    server_ = PostgresServer();
    ASSERT_FALSE(::testing::Test::HasFailure());
    fixture_ = std::make_unique<PgFixture>(server_);
  }
  void Configure(EmbeddedProject& project, const std::string& tables) {
    project.WriteConfig(tables, "batch_size: 500", "partition_strategy: table",
                        server_.SourceYaml("postgres", "ssl: {mode: disabled}"));
  }

  ServerEnv server_;
  std::unique_ptr<PgFixture> fixture_;
};

TEST_F(PostgresChecks, ColumnsThatDifferOnlyInCaseAreRefusedBeforeAnythingIsReadOrWritten) {
  std::string table = UniqueName("mixed_case");
  fixture_->Exec("CREATE TABLE " + table + " (id bigint PRIMARY KEY, \"a\" text, \"A\" text);" + "INSERT INTO " +
                 table + " SELECT i, 'lower ' || i, 'upper ' || i FROM generate_series(1, 20) i;");
  EmbeddedProject project("pg_mixed_case");
  Configure(project, "  " + table + ": {cdc_strategy: id_only, cdc_id_column: id}\n");
  const std::string refusal = "table " + table + ": columns \"a\" and \"A\" differ only in case";

  CommandResult shown = project.Sluice({"schema", "show", "-p", "test", "-t", table});
  EXPECT_EQ(shown.exit_code, 2) << shown.out << shown.err;
  EXPECT_TRUE(Contains(shown.err, refusal)) << shown.err;
  EXPECT_TRUE(Contains(shown.err, "RENAME COLUMN \"A\" TO a_2")) << shown.err;
  EXPECT_FALSE(Contains(shown.out, "CREATE TABLE")) << shown.out;

  CommandResult dry_run = project.Sluice({"sync", "-p", "test", "--dry-run"});
  EXPECT_NE(dry_run.exit_code, 0);
  EXPECT_TRUE(Contains(dry_run.out, "error: " + refusal)) << dry_run.out;

  nlohmann::json report = project.Sync({}, 1);
  const nlohmann::json& result = report.at("table_results").at(table);
  EXPECT_EQ(result.at("status"), "failed");
  EXPECT_TRUE(Contains(result.at("error").get<std::string>(), refusal)) << result.dump(2);
  EXPECT_TRUE(project.StagedObjects().empty());
  EXPECT_EQ(JoinAll(project.TargetRows("SELECT count(*) FROM duckdb_tables() WHERE table_name = '" + table + "'")),
            std::vector<std::string>{"0"});

  // The remedy the refusal names: select one of them under another name.
  EmbeddedProject renamed("pg_mixed_case_custom");
  Configure(renamed, "  " + table + ":\n    cdc_strategy: custom_sql\n    cdc_id_column: id\n    primary_key: [id]\n" +
                         "    custom_sql: SELECT id, \"a\", \"A\" AS a_upper FROM " + table +
                         " WHERE id > {{last_id}}\n");
  nlohmann::json custom = renamed.Sync();
  ASSERT_EQ(custom.value("status", ""), "success") << custom.dump(2);
  EXPECT_EQ(JoinAll(renamed.TargetRows("SELECT id, a, a_upper FROM " + table + " WHERE id IN (1, 20) ORDER BY id")),
            (std::vector<std::string>{"1|lower 1|upper 1", "20|lower 20|upper 20"}));
}

TEST_F(PostgresChecks, ServerNoticesGoToTheLogInItsFormat) {
  std::string table = UniqueName("noisy");
  fixture_->Exec("CREATE TABLE " + table + " (id bigint PRIMARY KEY, note text);" + "INSERT INTO " + table +
                 " VALUES (1, 'one'), (2, 'two');" + "CREATE FUNCTION " + table +
                 "_warn(id bigint) RETURNS bigint LANGUAGE plpgsql AS $$ BEGIN "
                 "RAISE WARNING 'terminating connection because of crash of another server process (test %)', id; "
                 "RETURN id; END $$;");
  EmbeddedProject project("pg_notices");
  Configure(project, "  " + table + ":\n    cdc_strategy: custom_sql\n    cdc_id_column: id\n    primary_key: [id]\n" +
                         "    custom_sql: SELECT " + table + "_warn(id) AS id, note FROM " + table +
                         " WHERE id > {{last_id}}\n");
  CommandResult run = project.Sluice({"--json-logs", "sync", "-p", "test"});
  EXPECT_EQ(run.exit_code, 0) << run.err;
  std::istringstream lines(run.err);
  std::string line;
  int warnings = 0;
  while (std::getline(lines, line)) {
    if (!Contains(line, "terminating connection")) continue;
    nlohmann::json entry = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
    ASSERT_FALSE(entry.is_discarded()) << "not a JSON log line (libpq's raw notice?): " << line;
    EXPECT_EQ(entry.value("level", ""), "warning") << line;
    std::string message = entry.value("msg", "");
    EXPECT_TRUE(Contains(message, "postgres at ")) << line;
    EXPECT_TRUE(Contains(message, "server warning: terminating connection because of crash of another server "
                                  "process (test "))
        << line;
    ++warnings;
  }
  EXPECT_GE(warnings, 1) << run.err;
}

}  // namespace
}  // namespace sluice::testing
