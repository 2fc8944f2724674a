// The embedded path end to end: SQLite -> Parquet in a local store ->
// DuckDB, through the real `sluice` binary. Each test ends by comparing
// every row of the target with the source.
#include <fcntl.h>
#include <sys/file.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "harness.h"

namespace sluice::testing {
namespace {

constexpr const char* kCreate = R"(
CREATE TABLE {t} (id INTEGER PRIMARY KEY, updated_at DATETIME NOT NULL, amount DECIMAL(12,2), note TEXT);
)";

// Rows first..last; 7 rows share each second, so ties straddle chunk edges.
std::string InsertRows(const std::string& table, int first, int last, const std::string& day = "2025-01-01") {
  return For("INSERT INTO {t} WITH RECURSIVE n(i) AS (SELECT " + std::to_string(first) +
                 " UNION ALL SELECT i + 1 FROM n WHERE i < " + std::to_string(last) + ") SELECT i, datetime('" + day +
                 "', '+' || (i / 7) || ' seconds'), CASE WHEN i % 11 = 0 THEN NULL ELSE round((i % 10000) / 100.0 + "
                 "0.25, 2) END, CASE WHEN i % 13 = 0 THEN NULL ELSE 'note ' || i END FROM n;",
             table);
}

std::vector<std::string> SourceOf(EmbeddedProject& project, const std::string& table) {
  return JoinAll(project.SourceRows(For(
      "SELECT id, updated_at, CASE WHEN amount IS NULL THEN NULL ELSE printf('%.2f', amount) END, note FROM {t} "
      "ORDER BY id",
      table)));
}

std::vector<std::string> TargetOf(EmbeddedProject& project, const std::string& table) {
  return JoinAll(project.TargetRows(For(
      "SELECT id, strftime(updated_at, '%Y-%m-%d %H:%M:%S'), CAST(amount AS VARCHAR), note FROM {t} ORDER BY id",
      table)));
}

const nlohmann::json& ResultOf(const nlohmann::json& report, const std::string& table) {
  return report.at("table_results").at(table);
}

TEST(EmbeddedSync, HybridInsertsAndUpdatesBetweenRunsEndWithTargetEqualToSource) {
  EmbeddedProject project("hybrid");
  project.Source(For(kCreate, "orders"));
  project.Source(InsertRows("orders", 1, 3000));
  project.WriteConfig(
      "  orders: {cdc_strategy: hybrid, cdc_timestamp_column: updated_at, cdc_id_column: id}\n");
  nlohmann::json first = project.Sync();
  EXPECT_EQ(first.at("status"), "success");
  EXPECT_EQ(ResultOf(first, "orders").at("rows_extracted"), 3000);
  EXPECT_EQ(ResultOf(first, "orders").at("rows_loaded"), 3000);
  EXPECT_TRUE(ResultOf(first, "orders").at("validation").at("ok").get<bool>());
  EXPECT_EQ(TargetOf(project, "orders"), SourceOf(project, "orders"));

  project.Source("UPDATE orders SET amount = 1.11, note = 'updated', updated_at = '2025-02-01 00:00:00' "
                 "WHERE id % 50 = 0");
  project.Source(InsertRows("orders", 3001, 3500, "2025-02-01"));
  nlohmann::json second = project.Sync();
  EXPECT_EQ(ResultOf(second, "orders").at("rows_extracted"), 60 + 500);
  EXPECT_EQ(TargetOf(project, "orders"), SourceOf(project, "orders"));
}

TEST(EmbeddedSync, ASecondRunWithNoChangeStagesNothingAndChangesNothing) {
  EmbeddedProject project("idle");
  for (const char* table : {"h", "t", "i"}) {
    project.Source(For(kCreate, table));
    project.Source(InsertRows(table, 1, 2000));
  }
  project.WriteConfig(
      "  h: {cdc_strategy: hybrid, cdc_timestamp_column: updated_at, cdc_id_column: id}\n"
      "  t: {cdc_strategy: timestamp_only, cdc_timestamp_column: updated_at}\n"
      "  i: {cdc_strategy: id_only, cdc_id_column: id}\n");
  project.Sync();
  std::vector<std::string> files = project.StagedObjects();
  std::vector<std::string> before = TargetOf(project, "h");
  nlohmann::json idle = project.Sync();
  for (const char* table : {"h", "t", "i"}) {
    EXPECT_EQ(ResultOf(idle, table).at("rows_extracted"), 0) << table;
    EXPECT_EQ(ResultOf(idle, table).at("files_created"), 0) << table;
    EXPECT_EQ(ResultOf(idle, table).at("rows_loaded"), 0) << table;
    EXPECT_EQ(TargetOf(project, table), SourceOf(project, table)) << table;
  }
  EXPECT_EQ(project.StagedObjects(), files);
  EXPECT_EQ(TargetOf(project, "h"), before);
}

TEST(EmbeddedSync, EveryStrategyEndsWithTargetEqualToSource) {
  EmbeddedProject project("strategies");
  for (const char* table : {"h", "t", "i", "f", "fa", "c"}) {
    project.Source(For(kCreate, table));
    project.Source(InsertRows(table, 1, 1500));
  }
  project.WriteConfig(
      "  h: {cdc_strategy: hybrid, cdc_timestamp_column: updated_at, cdc_id_column: id, lookback_seconds: 30}\n"
      "  t: {cdc_strategy: timestamp_only, cdc_timestamp_column: updated_at}\n"
      "  i: {cdc_strategy: id_only, cdc_id_column: id}\n"
      "  f: {cdc_strategy: full_sync, full_sync_mode: replace}\n"
      "  fa: {cdc_strategy: full_sync, full_sync_mode: append, primary_key: [id]}\n"
      "  c:\n    cdc_strategy: custom_sql\n    cdc_timestamp_column: updated_at\n    primary_key: [id]\n"
      "    custom_sql: SELECT * FROM c WHERE updated_at > {{last_timestamp}} AND updated_at <= "
      "{{ceiling_timestamp}}\n",
      "batch_size: 200");
  nlohmann::json first = project.Sync();
  ASSERT_EQ(first.at("status"), "success") << first.dump(2);
  for (const char* table : {"h", "t", "i", "f", "c"}) {
    EXPECT_EQ(TargetOf(project, table), SourceOf(project, table)) << table;
  }
  // Updates (not seen by id_only, which is for append-only tables), inserts, and deletes (seen by full copies).
  for (const char* table : {"h", "t", "f", "fa", "c"}) {
    project.Source(For("UPDATE {t} SET note = 'changed', updated_at = '2025-03-01 00:00:00' WHERE id % 7 = 3", table));
  }
  for (const char* table : {"h", "t", "i", "f", "fa", "c"}) project.Source(InsertRows(table, 1501, 1800, "2025-03-01"));
  project.Source("DELETE FROM f WHERE id % 10 = 0");
  nlohmann::json second = project.Sync();
  ASSERT_EQ(second.at("status"), "success") << second.dump(2);
  for (const char* table : {"h", "t", "i", "f", "c"}) {
    EXPECT_EQ(TargetOf(project, table), SourceOf(project, table)) << table;
  }
  // An appending full copy holds every row of both copies.
  EXPECT_EQ(project.TargetRows("SELECT count(*) FROM fa")[0][0], "3300");
}

TEST(EmbeddedSync, LimitedRunsAddUpToTheWholeTable) {
  EmbeddedProject project("limit");
  project.Source(For(kCreate, "orders"));
  project.Source(InsertRows("orders", 1, 2500));
  project.WriteConfig(
      "  orders: {cdc_strategy: hybrid, cdc_timestamp_column: updated_at, cdc_id_column: id}\n");
  int runs = 0;
  int64_t total = 0;
  while (runs < 20) {
    nlohmann::json report = project.Sync({"--limit", "700"});
    ++runs;
    int64_t rows = ResultOf(report, "orders").at("rows_extracted");
    EXPECT_LE(rows, 700);
    total += rows;
    if (rows == 0) break;
  }
  EXPECT_EQ(runs, 5);  // 700 + 700 + 700 + 400 + 0
  EXPECT_EQ(total, 2500);
  EXPECT_EQ(TargetOf(project, "orders"), SourceOf(project, "orders"));
}

TEST(EmbeddedSync, LimitOnAFullCopyIsAUsageError) {
  EmbeddedProject project("limit_full");
  project.Source(For(kCreate, "f"));
  project.WriteConfig("  f: {cdc_strategy: full_sync}\n");
  CommandResult result = project.Sluice({"sync", "-p", "test", "--limit", "10"});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_NE(result.err.find("--limit cannot apply to f"), std::string::npos) << result.err;
}

TEST(EmbeddedSync, AFullCopyRollsFilesInsideItsOneQueryAndLoadsThemTogether) {
  EmbeddedProject project("full_roll");
  project.Source("CREATE TABLE f (id INTEGER PRIMARY KEY, payload TEXT NOT NULL)");
  // ~4 MB of incompressible text: four files or more at target_file_mb 1.
  project.Source("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 30000) "
                 "INSERT INTO f SELECT i, hex(randomblob(64)) FROM n");
  project.WriteConfig("  f: {cdc_strategy: full_sync}\n", "batch_size: 1000",
                      "partition_strategy: table, target_file_mb: 1, compression: none");
  nlohmann::json report = project.Sync();
  ASSERT_EQ(report.value("status", ""), "success") << report.dump(2);
  EXPECT_EQ(ResultOf(report, "f").at("rows_loaded"), 30000);
  EXPECT_GE(ResultOf(report, "f").at("files_created").get<int>(), 4) << report.dump(2);
  EXPECT_EQ(JoinAll(project.TargetRows("SELECT COUNT(*), COUNT(DISTINCT id), SUM(length(payload)) FROM f")),
            (std::vector<std::string>{"30000|30000|3840000"}));
}

TEST(EmbeddedSync, RowsStampedAtOrAfterTheSourcesCurrentSecondWaitForALaterRun) {
  EmbeddedProject project("ceiling_clock");
  project.Source(For(kCreate, "orders"));
  project.Source(InsertRows("orders", 1, 50));
  // A writer whose clock runs ahead (or a row stamped in the current second,
  // whose tie group may still grow): held back by the ceiling, not skipped.
  project.Source("INSERT INTO orders VALUES (51, datetime('now', '+1 day'), 1.00, 'ahead')");
  project.WriteConfig("  orders: {cdc_strategy: timestamp_only, cdc_timestamp_column: updated_at}\n");
  nlohmann::json first = project.Sync();
  ASSERT_EQ(first.value("status", ""), "success") << first.dump(2);
  EXPECT_EQ(ResultOf(first, "orders").at("rows_loaded"), 50);
  CommandResult plan = project.Sluice({"sync", "-p", "test", "--dry-run"});
  EXPECT_NE(plan.out.find("capped at"), std::string::npos) << plan.out;
  // Once its stamp is in the past it is read like any other row.
  project.Source("UPDATE orders SET updated_at = datetime('now', '-1 hour') WHERE id = 51");
  nlohmann::json second = project.Sync();
  ASSERT_EQ(second.value("status", ""), "success") << second.dump(2);
  EXPECT_EQ(ResultOf(second, "orders").at("rows_loaded"), 1);
  EXPECT_EQ(TargetOf(project, "orders"), SourceOf(project, "orders"));
}

TEST(EmbeddedSync, BackupOnlyThenLoadOnly) {
  EmbeddedProject project("backup_load");
  project.Source(For(kCreate, "orders"));
  project.Source(InsertRows("orders", 1, 1000));
  project.WriteConfig("  orders: {cdc_strategy: id_only, cdc_id_column: id}\n");
  nlohmann::json staged = project.Sync({"--backup-only"});
  EXPECT_EQ(ResultOf(staged, "orders").at("rows_extracted"), 1000);
  EXPECT_EQ(ResultOf(staged, "orders").at("rows_loaded"), 0);
  EXPECT_FALSE(std::filesystem::exists(project.warehouse()));
  CommandResult listed = project.Sluice({"files", "list", "-p", "test"});
  EXPECT_NE(listed.out.find("staged"), std::string::npos) << listed.out;
  nlohmann::json loaded = project.Sync({"--load-only"});
  EXPECT_EQ(ResultOf(loaded, "orders").at("rows_extracted"), 0);
  EXPECT_EQ(ResultOf(loaded, "orders").at("rows_loaded"), 1000);
  EXPECT_EQ(TargetOf(project, "orders"), SourceOf(project, "orders"));
}

TEST(EmbeddedSync, DryRunWritesNothing) {
  EmbeddedProject project("dry_run");
  project.Source(For(kCreate, "orders"));
  project.Source(InsertRows("orders", 1, 100));
  project.WriteConfig("  orders: {cdc_strategy: hybrid, cdc_timestamp_column: updated_at, cdc_id_column: id}\n");
  CommandResult result = project.Sluice({"sync", "-p", "test", "--dry-run"});
  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_NE(result.out.find("CREATE TABLE"), std::string::npos) << result.out;
  // A first run copies the table in primary-key order, up to the ceiling, in one query.
  EXPECT_NE(result.out.find("first copy in primary-key order"), std::string::npos) << result.out;
  EXPECT_NE(result.out.find("ORDER BY"), std::string::npos) << result.out;
  EXPECT_TRUE(project.StagedObjects().empty());
  EXPECT_FALSE(std::filesystem::exists(project.dir() + "/stage/test/watermarks"));
  EXPECT_FALSE(std::filesystem::exists(project.warehouse())) << "planning must not create the warehouse";
  // Over an existing warehouse: read, never written.
  ASSERT_EQ(project.Sync().value("status", ""), "success");
  project.Source(InsertRows("orders", 101, 150));
  auto before = std::filesystem::last_write_time(project.warehouse());
  CommandResult again = project.Sluice({"sync", "-p", "test", "--dry-run"});
  EXPECT_EQ(again.exit_code, 0) << again.err;
  EXPECT_NE(again.out.find("table exists and matches"), std::string::npos) << again.out;
  EXPECT_EQ(std::filesystem::last_write_time(project.warehouse()), before);
  EXPECT_EQ(JoinAll(project.TargetRows("SELECT COUNT(*) FROM orders")), (std::vector<std::string>{"100"}));
}

TEST(EmbeddedSync, ConnectionsTestNeverCreatesTheWarehouse) {
  EmbeddedProject project("connections_test");
  project.Source(For(kCreate, "orders"));
  project.Source(InsertRows("orders", 1, 10));
  project.WriteConfig("  orders: {cdc_strategy: id_only, cdc_id_column: id}\n");
  CommandResult before = project.Sluice({"connections", "test"});
  EXPECT_EQ(before.exit_code, 0) << before.err;
  EXPECT_NE(before.out.find("does not exist yet; the first sync creates it"), std::string::npos) << before.out;
  EXPECT_FALSE(std::filesystem::exists(project.warehouse()));
  ASSERT_EQ(project.Sync().value("status", ""), "success");
  CommandResult after = project.Sluice({"connections", "test"});
  EXPECT_EQ(after.exit_code, 0) << after.err;
  EXPECT_NE(after.out.find("DuckDB"), std::string::npos) << after.out;
  EXPECT_EQ(after.out.find("does not exist yet"), std::string::npos) << after.out;
}

// A run killed with SIGKILL leaves its spool directory (partial Parquet
// files) behind; a later run removes it once its process is gone and
// nothing in it changed for an hour, and leaves every other one alone.
TEST(EmbeddedSync, SpoolsOfDeadRunsAreRemovedOnceAbandoned) {
  namespace fs = std::filesystem;
  EmbeddedProject project("spools");
  project.Source(For(kCreate, "orders"));
  project.Source(InsertRows("orders", 1, 100));
  project.WriteConfig("  orders: {cdc_strategy: id_only, cdc_id_column: id}\n");
  fs::path tmp = project.dir() + "/tmp";
  fs::create_directories(tmp);
  pid_t dead = fork();
  if (dead == 0) _exit(0);
  ASSERT_GT(dead, 0);
  ASSERT_EQ(waitpid(dead, nullptr, 0), dead);
  auto make_spool = [&](const std::string& name, std::chrono::hours age) {
    fs::path directory = tmp / name;
    fs::create_directories(directory);
    std::ofstream(directory / "orders_1.parquet") << "partial";
    auto when = fs::file_time_type::clock::now() - age;
    fs::last_write_time(directory / "orders_1.parquet", when);
    fs::last_write_time(directory, when);
    return directory;
  };
  std::string dead_prefix = "sluice-spool-" + std::to_string(dead) + "-";
  fs::path abandoned = make_spool(dead_prefix + "test", std::chrono::hours(2));
  fs::path recent = make_spool(dead_prefix + "other", std::chrono::hours(0));
  fs::path alive = make_spool("sluice-spool-" + std::to_string(getpid()) + "-test", std::chrono::hours(2));
  fs::path unrelated = make_spool("sluice-spoolish", std::chrono::hours(2));
  // With a lock file: free (its run died) and a few minutes old: removed;
  // held (a run in another PID namespace looks dead to kill()): kept.
  auto make_locked_spool = [&](const std::string& name, std::chrono::minutes age, bool hold) {
    fs::path directory = tmp / name;
    fs::create_directories(directory);
    int fd = open((directory / ".lock").c_str(), O_CREAT | O_RDWR | O_CLOEXEC, 0600);
    EXPECT_GE(fd, 0);
    if (hold) {
      EXPECT_EQ(flock(fd, LOCK_EX | LOCK_NB), 0);
    }
    auto when = fs::file_time_type::clock::now() - age;
    fs::last_write_time(directory / ".lock", when);
    fs::last_write_time(directory, when);
    if (!hold) close(fd);
    return std::make_pair(directory, hold ? fd : -1);
  };
  auto [unlocked, unused_fd] = make_locked_spool(dead_prefix + "unlocked", std::chrono::minutes(5), false);
  auto [held, held_fd] = make_locked_spool(dead_prefix + "held", std::chrono::minutes(120), true);

  CommandResult run = project.Sluice({"-q", "sync", "-p", "test"}, {{"TMPDIR", tmp.string()}});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_FALSE(fs::exists(abandoned));
  EXPECT_TRUE(fs::exists(recent)) << "touched within the hour: maybe a run in another PID namespace";
  EXPECT_TRUE(fs::exists(alive)) << "its process is alive";
  EXPECT_TRUE(fs::exists(unrelated));
  EXPECT_FALSE(fs::exists(unlocked)) << "its lock is free: its run is gone";
  EXPECT_TRUE(fs::exists(held)) << "its lock is held: a live run";
  close(held_fd);
  size_t spools = 0;
  for (const auto& entry : fs::directory_iterator(tmp)) spools += entry.is_directory() ? 1 : 0;
  EXPECT_EQ(spools, 4u) << "the run removes its own spool when it ends";
  EXPECT_EQ(JoinAll(project.TargetRows("SELECT COUNT(*) FROM orders")), (std::vector<std::string>{"100"}));
}

TEST(EmbeddedSync, ZeroDatesBecomeNullAndAreCounted) {
  EmbeddedProject project("zero_dates");
  project.Source("CREATE TABLE z (id INTEGER PRIMARY KEY, updated_at DATETIME NOT NULL, shipped DATE)");
  project.Source("INSERT INTO z VALUES (1, '2025-01-01 00:00:00', '0000-00-00'), (2, '2025-01-01 00:00:01', "
                 "'2024-00-10'), (3, '2025-01-01 00:00:02', '2024-05-06')");
  project.WriteConfig("  z: {cdc_strategy: id_only, cdc_id_column: id}\n");
  nlohmann::json report = project.Sync();
  EXPECT_EQ(ResultOf(report, "z").at("zero_dates_nulled"), 2);
  EXPECT_EQ(JoinAll(project.TargetRows("SELECT id, shipped FROM z ORDER BY id")),
            (std::vector<std::string>{"1|NULL", "2|NULL", "3|2024-05-06"}));
}

// Rows whose cursor column is NULL are never read by an incremental
// strategy; the run counts them, warns (default), stops (error) or stays
// quiet (ignore), and --dry-run shows them.
TEST(EmbeddedSync, RowsWithANullCursorAreCountedAndReported) {
  EmbeddedProject project("null_cursor");
  project.Source("CREATE TABLE t (id INTEGER PRIMARY KEY, updated_at DATETIME, v TEXT)");
  project.Source("INSERT INTO t VALUES (1, '2025-01-01 00:00:00', 'a'), (2, NULL, 'b'), (3, '2025-01-01 00:00:02', "
                 "'c'), (4, NULL, 'd'), (5, '2025-01-01 00:00:04', 'e')");
  const std::string hybrid = "  t: {cdc_strategy: hybrid, cdc_timestamp_column: updated_at, cdc_id_column: id";

  project.WriteConfig(hybrid + "}\n");
  CommandResult planned = project.Sluice({"sync", "-p", "test", "--dry-run"});
  EXPECT_EQ(planned.exit_code, 0) << planned.err;
  EXPECT_NE(planned.out.find("warning: 2 rows have no updated_at value and are never read by hybrid"),
            std::string::npos)
      << planned.out;
  EXPECT_EQ(planned.out.find("the run would stop"), std::string::npos) << planned.out;

  CommandResult warned = project.Sluice({"sync", "-p", "test"});
  EXPECT_EQ(warned.exit_code, 0) << warned.err;
  EXPECT_NE(warned.err.find("table t: 2 rows have updated_at NULL"), std::string::npos) << warned.err;
  EXPECT_NE(warned.err.find("null_cursor: ignore silences this"), std::string::npos) << warned.err;
  EXPECT_EQ(JoinAll(project.TargetRows("SELECT id FROM t ORDER BY id")), (std::vector<std::string>{"1", "3", "5"}));
  nlohmann::json again = project.Sync();
  EXPECT_EQ(ResultOf(again, "t").at("null_cursor_rows"), 2);
  EXPECT_EQ(ResultOf(again, "t").at("rows_extracted"), 0);

  // error: the table stops before reading; the message names column and remedies.
  project.Source("INSERT INTO t VALUES (6, '2025-01-01 00:00:06', 'f')");
  project.WriteConfig(hybrid + ", processing: {null_cursor: error}}\n");
  CommandResult would_stop = project.Sluice({"sync", "-p", "test", "--dry-run"});
  EXPECT_NE(would_stop.out.find("(processing.null_cursor: error: the run would stop this table)"), std::string::npos)
      << would_stop.out;
  size_t staged_before = project.StagedObjects().size();
  nlohmann::json refused = project.Sync({}, 1);
  EXPECT_EQ(ResultOf(refused, "t").at("status"), "failed");
  std::string error = ResultOf(refused, "t").at("error").get<std::string>();
  EXPECT_NE(error.find("table t: 2 rows have updated_at NULL"), std::string::npos) << error;
  EXPECT_NE(error.find("full_sync"), std::string::npos) << error;
  EXPECT_NE(error.find("null_cursor: error"), std::string::npos) << error;
  EXPECT_EQ(project.StagedObjects().size(), staged_before);

  // ignore: no count, no warning; the new row still arrives.
  project.WriteConfig(hybrid + ", processing: {null_cursor: ignore}}\n");
  CommandResult quiet = project.Sluice({"sync", "-p", "test"});
  EXPECT_EQ(quiet.exit_code, 0) << quiet.err;
  EXPECT_EQ(quiet.err.find("rows have"), std::string::npos) << quiet.err;
  EXPECT_EQ(JoinAll(project.TargetRows("SELECT COUNT(*) FROM t")), (std::vector<std::string>{"4"}));
  nlohmann::json ignored = project.Sync();
  EXPECT_EQ(ResultOf(ignored, "t").at("null_cursor_rows"), 0);

  // A NOT NULL cursor column is never counted (no query).
  project.Source("CREATE TABLE n (id INTEGER PRIMARY KEY, updated_at DATETIME NOT NULL)");
  project.Source("INSERT INTO n VALUES (1, '2025-01-01 00:00:00')");
  project.WriteConfig("  n: {cdc_strategy: timestamp_only, cdc_timestamp_column: updated_at}\n");
  EXPECT_EQ(ResultOf(project.Sync(), "n").at("null_cursor_rows"), 0);
}

}  // namespace
}  // namespace sluice::testing
