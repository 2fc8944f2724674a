// The paths by which rows went missing or wrong while every run exited 0
// (issue "no silent loss"), on the embedded path: SQLite -> Parquet ->
// DuckDB through the real binary. Each test compares every row of the
// target with the source, and fails when its safeguard is removed.
#include <sqlite3.h>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "harness.h"

namespace sluice::testing {
namespace {

using ::testing::HasSubstr;

// orders stamped by this machine's clock: `count` rows from `oldest_seconds` ago, one a second.
void CreateOrders(EmbeddedProject& project, int count, int oldest_seconds) {
  project.Source("CREATE TABLE orders (id INTEGER PRIMARY KEY, updated_at DATETIME NOT NULL, note TEXT)");
  project.Source(fmt::format("INSERT INTO orders WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n "
                             "WHERE i < {}) SELECT i, datetime('now', '-' || ({} - i) || ' seconds'), 'note ' || i "
                             "FROM n",
                             count, oldest_seconds));
}

std::vector<std::string> Rows(std::vector<Row> rows) { return JoinAll(std::move(rows)); }

std::vector<std::string> SourceRows(EmbeddedProject& project, const std::string& columns = "id, updated_at, note") {
  return Rows(project.SourceRows("SELECT " + columns + " FROM orders ORDER BY id"));
}

std::vector<std::string> TargetRows(EmbeddedProject& project, const std::string& columns = "id, updated_at, note") {
  std::string target_columns = columns;
  if (size_t at = target_columns.find("updated_at"); at != std::string::npos) {
    target_columns.replace(at, 10, "strftime(updated_at, '%Y-%m-%d %H:%M:%S')");
  }
  return Rows(project.TargetRows("SELECT " + target_columns + " FROM orders ORDER BY id"));
}

// A transaction of another connection, open until Commit().
class OpenTransaction {
 public:
  explicit OpenTransaction(const std::string& path) {
    EXPECT_EQ(sqlite3_open(path.c_str(), &db_), SQLITE_OK);
    sqlite3_busy_timeout(db_, 20000);
    Exec("BEGIN IMMEDIATE");
  }
  ~OpenTransaction() { sqlite3_close(db_); }
  void Exec(const std::string& sql) {
    char* error = nullptr;
    EXPECT_EQ(sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &error), SQLITE_OK) << (error ? error : "") << sql;
    sqlite3_free(error);
  }
  void Commit() { Exec("COMMIT"); }

 private:
  sqlite3* db_ = nullptr;
};

// A transaction writes a row stamped 2 minutes ago and commits only after a
// run has read rows stamped later: with `lookback` (a YAML fragment) the
// next run finds it.
std::vector<std::string> TargetAfterALateCommit(EmbeddedProject& project, const std::string& lookback) {
  CreateOrders(project, 100, 600);
  project.Source("INSERT INTO orders VALUES (200, datetime('now', '-60 seconds'), 'later')");
  project.WriteConfig("  orders: {cdc_strategy: hybrid, cdc_timestamp_column: updated_at, cdc_id_column: id" +
                      lookback + "}\n");
  project.Sync();
  {
    OpenTransaction writer(project.dir() + "/source.db");
    // Stamped before row 200, which is already committed: the run reads past it.
    writer.Exec("INSERT INTO orders VALUES (500, datetime('now', '-120 seconds'), 'late')");
    nlohmann::json during = project.Sync();
    EXPECT_EQ(during.value("status", ""), "success") << during.dump(2);
    writer.Commit();
  }
  nlohmann::json after = project.Sync();
  EXPECT_EQ(after.value("status", ""), "success") << after.dump(2);
  return TargetRows(project);
}

TEST(NoSilentLoss, ALateCommitIsReadByTheDefaultLookbackOfATableWithAPrimaryKey) {
  EmbeddedProject project("late_default");
  std::vector<std::string> target = TargetAfterALateCommit(project, "");
  EXPECT_EQ(target, SourceRows(project));
  EXPECT_EQ(target.size(), 102u);
}

TEST(NoSilentLoss, ALookbackOfZeroLosesTheLateCommitAndSaysSoInTheDryRun) {
  EmbeddedProject project("late_zero");
  std::vector<std::string> target = TargetAfterALateCommit(project, ", lookback_seconds: 0");
  EXPECT_EQ(target.size(), 101u) << "the late row sits behind the cursor: what the default lookback is for";
  CommandResult plan = project.Sluice({"sync", "-p", "test", "--dry-run"});
  EXPECT_THAT(plan.out, HasSubstr("lookback_seconds is 0, so a transaction that commits after a run"));
}

TEST(NoSilentLoss, ALookbackOnATableWithoutAPrimaryKeyIsRefusedBeforeAnythingIsRead) {
  EmbeddedProject project("nokey_lookback");
  project.Source("CREATE TABLE orders (id INTEGER, updated_at DATETIME NOT NULL, note TEXT)");
  project.Source("INSERT INTO orders VALUES (1, '2025-01-01 00:00:00', 'a'), (2, '2025-01-01 00:00:01', 'b')");
  project.WriteConfig("  orders: {cdc_strategy: timestamp_only, cdc_timestamp_column: updated_at, "
                      "lookback_seconds: 60}\n");
  nlohmann::json report = project.Sync({}, 1);
  std::string error = report.at("table_results").at("orders").at("error").get<std::string>();
  EXPECT_THAT(error, HasSubstr("lookback_seconds: 60 re-reads rows already loaded"));
  EXPECT_THAT(error, HasSubstr("primary_key"));
  EXPECT_TRUE(project.StagedObjects().empty());
  CommandResult plan = project.Sluice({"sync", "-p", "test", "--dry-run"});
  EXPECT_NE(plan.exit_code, 0);
  EXPECT_THAT(plan.err + plan.out, HasSubstr("lookback_seconds: 60 re-reads rows already loaded"));

  // Without the setting the table syncs, appended, with a warning that names the gap and the remedy.
  project.WriteConfig("  orders: {cdc_strategy: timestamp_only, cdc_timestamp_column: updated_at}\n");
  CommandResult run = project.Sluice({"sync", "-p", "test"});
  EXPECT_EQ(run.exit_code, 0) << run.err;
  EXPECT_THAT(run.err, HasSubstr("no primary key, so rows are appended and nothing is re-read"));
  EXPECT_EQ(TargetRows(project), SourceRows(project));
  // Run again: nothing re-read, nothing appended twice.
  EXPECT_EQ(project.Sluice({"sync", "-p", "test"}).exit_code, 0);
  EXPECT_EQ(TargetRows(project), SourceRows(project));
}

TEST(NoSilentLoss, ANewColumnWithADefaultReachesTheRowsLoadedBefore) {
  EmbeddedProject project("added_default");
  CreateOrders(project, 50, 3600);
  project.WriteConfig("  orders: {cdc_strategy: hybrid, cdc_timestamp_column: updated_at, cdc_id_column: id}\n");
  project.Sync();
  project.Source("ALTER TABLE orders ADD COLUMN extra VARCHAR(10) DEFAULT 'x'");
  project.Source("INSERT INTO orders VALUES (51, datetime('now', '-10 seconds'), 'new', 'y')");
  nlohmann::json second = project.Sync();
  ASSERT_EQ(second.value("status", ""), "success") << second.dump(2);
  EXPECT_EQ(TargetRows(project, "id, updated_at, note, extra"), SourceRows(project, "id, updated_at, note, extra"));
  // A column added without values (NULL everywhere) needs no re-read of the table (row 51, written
  // within the lookback of the last run, is all that is read again).
  project.Source("ALTER TABLE orders ADD COLUMN empty TEXT");
  nlohmann::json third = project.Sync();
  EXPECT_LE(third.at("table_results").at("orders").at("rows_extracted"), 1);
  EXPECT_EQ(TargetRows(project, "id, note, extra, empty"), SourceRows(project, "id, note, extra, empty"));
}

TEST(NoSilentLoss, AConfiguredPrimaryKeyThatIsNotUniqueFailsTheLoadInsteadOfDroppingRows) {
  EmbeddedProject project("not_unique");
  project.Source("CREATE TABLE orders (id INTEGER PRIMARY KEY, customer INTEGER, updated_at DATETIME NOT NULL, "
                 "note TEXT)");
  project.Source("INSERT INTO orders VALUES (1, 7, '2025-01-01 00:00:00', 'a'), (2, 7, '2025-01-01 00:00:01', 'b'), "
                 "(3, 8, '2025-01-01 00:00:02', 'c')");
  project.WriteConfig("  orders: {cdc_strategy: timestamp_only, cdc_timestamp_column: updated_at, "
                      "primary_key: [customer]}\n");
  nlohmann::json report = project.Sync({}, 1);
  const nlohmann::json& result = report.at("table_results").at("orders");
  EXPECT_EQ(result.at("status"), "failed");
  EXPECT_THAT(result.at("error").get<std::string>(), HasSubstr("share the configured primary key (customer = 7)"));
  EXPECT_FALSE(result.at("validation").at("ok").get<bool>());
}

TEST(NoSilentLoss, AStrategyChangedSinceTheCursorWasKeptIsRefusedWithTheRemedy) {
  EmbeddedProject project("strategy_changed");
  CreateOrders(project, 20, 3600);
  project.WriteConfig("  orders: {cdc_strategy: hybrid, cdc_timestamp_column: updated_at, cdc_id_column: id}\n");
  ASSERT_EQ(project.Sync().value("status", ""), "success");
  // The hybrid cursor's id (20) would silently become id_only's position.
  project.Source("INSERT INTO orders VALUES (21, datetime('now', '-1 hour'), 'new')");
  project.WriteConfig("  orders: {cdc_strategy: id_only, cdc_id_column: id}\n");
  for (int run = 0; run < 2; ++run) {  // refused every time, not only once
    nlohmann::json refused = project.Sync({}, 1);
    EXPECT_THAT(refused.at("table_results").at("orders").at("error").get<std::string>(),
                HasSubstr("kept by cdc_strategy hybrid, but the configuration now says id_only"));
  }
  CommandResult plan = project.Sluice({"sync", "-p", "test", "--dry-run"});
  EXPECT_THAT(plan.err, HasSubstr("watermark reset -p test -t orders --yes"));
  ASSERT_EQ(project.Sluice({"watermark", "reset", "-p", "test", "-t", "orders", "--yes"}).exit_code, 0);
  ASSERT_EQ(project.Sync().value("status", ""), "success");
  EXPECT_EQ(TargetRows(project), SourceRows(project));
}

}  // namespace
}  // namespace sluice::testing
