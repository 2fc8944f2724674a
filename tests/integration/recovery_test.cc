// Tables that must not get stuck, SQLite -> local store -> DuckDB through
// the real binary:
//   - a failed extract (source unreachable, table unreadable, no spool
//     directory, a data-quality stop) still loads the files already staged,
//     and the run still fails naming the extract's error;
// Each recovery ends by comparing every row of the target with the source.
#include <gtest/gtest.h>

#include "harness.h"

namespace sluice::testing {
namespace {

constexpr const char* kHybrid =
    "  orders: {cdc_strategy: hybrid, cdc_timestamp_column: updated_at, cdc_id_column: id}\n";
constexpr const char* kIdOnly = "  orders: {cdc_strategy: id_only, cdc_id_column: id}\n";

// Rows first..last of `orders`; 7 rows share each second.
void InsertOrders(EmbeddedProject& project, int first, int last, const std::string& day = "2025-01-01") {
  project.Source(
      "CREATE TABLE IF NOT EXISTS orders (id INTEGER PRIMARY KEY, updated_at DATETIME NOT NULL, "
      "amount DECIMAL(12,2), note TEXT)");
  project.Source("INSERT INTO orders WITH RECURSIVE n(i) AS (SELECT " + std::to_string(first) +
                 " UNION ALL SELECT i + 1 FROM n WHERE i < " + std::to_string(last) + ") SELECT i, datetime('" + day +
                 "', '+' || (i / 7) || ' seconds'), round((i % 9973) / 100.0, 2), 'note ' || i FROM n");
}

std::vector<std::string> SourceOrders(EmbeddedProject& project) {
  return JoinAll(project.SourceRows("SELECT id, updated_at, printf('%.2f', amount), note FROM orders ORDER BY id"));
}

std::vector<std::string> TargetOrders(EmbeddedProject& project) {
  return JoinAll(project.TargetRows(
      "SELECT id, strftime(updated_at, '%Y-%m-%d %H:%M:%S'), CAST(amount AS VARCHAR), note FROM orders ORDER BY id"));
}

void ExpectTargetEqualsSource(EmbeddedProject& project) {
  EXPECT_EQ(JoinAll(project.TargetRows("SELECT count(*) - count(DISTINCT id) FROM orders")),
            (std::vector<std::string>{"0"}))
      << "duplicate keys in the target";
  std::vector<std::string> source = SourceOrders(project);
  std::vector<std::string> target = TargetOrders(project);
  EXPECT_EQ(target.size(), source.size());
  EXPECT_TRUE(target == source) << "target differs from source";
}

const nlohmann::json& TableResult(const nlohmann::json& report) { return report.at("table_results").at("orders"); }

// ---- #10: a failed extract still loads what is staged ----

TEST(EmbeddedSyncFailedExtract, AnUnreachableSourceStillLoadsTheFilesWaitingFromAnEarlierRun) {
  EmbeddedProject project("failed_open");
  InsertOrders(project, 1, 1000);
  project.WriteConfig(kHybrid);
  project.Sync({"--backup-only"});
  std::vector<std::string> staged_rows = SourceOrders(project);

  // The source's database is gone (a wrong password on a server is the same case).
  project.WriteConfig(kHybrid, "batch_size: 500", "partition_strategy: table", "{type: sqlite, path: ./moved.db}");
  nlohmann::json report = project.Sync({}, 1);
  const nlohmann::json& result = TableResult(report);
  EXPECT_EQ(result.at("status"), "failed");
  EXPECT_NE(result.at("error").get<std::string>().find("moved.db"), std::string::npos) << result.dump(2);
  EXPECT_EQ(result.at("rows_loaded"), 1000) << result.dump(2);
  EXPECT_EQ(result.at("files_loaded"), 1) << result.dump(2);
  EXPECT_EQ(TargetOrders(project), staged_rows);

  CommandResult status = project.Sluice({"status", "-p", "test", "--json"});
  ASSERT_EQ(status.exit_code, 0) << status.err;
  nlohmann::json line = nlohmann::json::parse(status.out).at(0);
  EXPECT_EQ(line.at("files_waiting"), 0) << line.dump(2);
  EXPECT_EQ(line.at("load_status"), "success") << line.dump(2);
  EXPECT_NE(line.at("last_error").get<std::string>().find("moved.db"), std::string::npos) << line.dump(2);

  project.WriteConfig(kHybrid);
  InsertOrders(project, 1001, 1200, "2025-02-01");
  ASSERT_EQ(project.Sync().value("status", ""), "success");
  ExpectTargetEqualsSource(project);
}

TEST(EmbeddedSyncFailedExtract, ATableTheSourceCannotDescribeStillLoadsItsWaitingFiles) {
  EmbeddedProject project("failed_describe");
  InsertOrders(project, 1, 1000);
  project.WriteConfig(kIdOnly);
  project.Sync({"--backup-only"});
  std::vector<std::string> staged_rows = SourceOrders(project);
  project.Source("ALTER TABLE orders RENAME TO orders_moved");

  nlohmann::json report = project.Sync({}, 1);
  const nlohmann::json& result = TableResult(report);
  EXPECT_EQ(result.at("status"), "failed");
  EXPECT_NE(result.at("error").get<std::string>().find("orders"), std::string::npos) << result.dump(2);
  EXPECT_EQ(result.at("rows_loaded"), 1000) << result.dump(2);
  EXPECT_EQ(TargetOrders(project), staged_rows);
}

TEST(EmbeddedSyncFailedExtract, AnExtractWithoutASpoolDirectoryStillLoadsTheFilesWaitingFromAnEarlierRun) {
  EmbeddedProject project("failed_spool");
  InsertOrders(project, 1, 1000);
  project.WriteConfig(kHybrid);
  project.Sync({"--backup-only"});
  std::vector<std::string> staged_rows = SourceOrders(project);
  InsertOrders(project, 1001, 1500, "2025-02-01");

  // No one, not even root, can create a directory in /proc: the extract fails at its first file.
  std::string report_path = project.dir() + "/failed.json";
  CommandResult failed =
      project.Sluice({"-q", "sync", "-p", "test", "--json-output", report_path}, {{"TMPDIR", "/proc"}});
  EXPECT_EQ(failed.exit_code, 1) << failed.err;
  EXPECT_NE(failed.err.find("/proc/sluice-spool-"), std::string::npos) << failed.err;
  EXPECT_EQ(TargetOrders(project), staged_rows);

  ASSERT_EQ(project.Sync().value("status", ""), "success");
  ExpectTargetEqualsSource(project);
}

TEST(EmbeddedSyncFailedExtract, FilesStagedBeforeTheExtractStoppedAreLoadedAndTheRunStillFails) {
  EmbeddedProject project("failed_midway");
  // ~2.4 KB of incompressible text a row: every 500-row chunk fills a 1 MB file.
  auto insert = [&](int first, int last) {
    project.Source("INSERT INTO orders WITH RECURSIVE n(i) AS (SELECT " + std::to_string(first) +
                   " UNION ALL SELECT i + 1 FROM n WHERE i < " + std::to_string(last) +
                   ") SELECT i, hex(randomblob(1200)) FROM n");
  };
  project.Source("CREATE TABLE orders (id INTEGER PRIMARY KEY, note TEXT)");
  insert(1, 1000);
  project.WriteConfig(
      "  orders: {cdc_strategy: id_only, cdc_id_column: id, "
      "validation: {enable_data_quality_checks: true, max_null_percentage: 50}}\n",
      "batch_size: 500", "partition_strategy: table, target_file_mb: 1, compression: none");
  project.Sync({"--backup-only"});
  insert(1001, 3000);
  // The last chunk has no note at all: its file breaks the 50% limit.
  project.Source("UPDATE orders SET note = NULL WHERE id > 2500");

  nlohmann::json report = project.Sync({}, 1);
  const nlohmann::json& result = TableResult(report);
  EXPECT_EQ(result.at("status"), "failed");
  EXPECT_NE(result.at("error").get<std::string>().find("max_null_percentage"), std::string::npos) << result.dump(2);
  EXPECT_EQ(result.at("rows_loaded"), 2500) << "the waiting ids 1..1000 and this run's 1001..2500: " << result.dump(2);
  EXPECT_EQ(JoinAll(project.TargetRows("SELECT min(id), max(id), count(*), count(note) FROM orders")),
            (std::vector<std::string>{"1|2500|2500|2500"}));
}

}  // namespace
}  // namespace sluice::testing
