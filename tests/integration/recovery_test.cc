// Tables that must not get stuck, SQLite -> local store -> DuckDB through
// the real binary:
//   - a failed extract (source unreachable, table unreadable, no spool
//     directory, a data-quality stop) still loads the files already staged,
//     and the run still fails naming the extract's error;
//   - a staged file deleted or damaged in the store is read again from the
//     source (the cursor goes back to where its rows begin), by the next
//     sync on its own or by `files clean` / `watermark reset`.
// Each recovery ends by comparing every row of the target with the source.
#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "harness.h"

namespace sluice::testing {
namespace {

namespace fs = std::filesystem;

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

nlohmann::json WatermarkOf(EmbeddedProject& project, const std::string& table = "orders") {
  CommandResult result = project.Sluice({"watermark", "get", "-p", "test", "-t", table, "--json"});
  EXPECT_EQ(result.exit_code, 0) << result.err;
  return result.exit_code == 0 ? nlohmann::json::parse(result.out) : nlohmann::json();
}

std::vector<std::string> StagedKeys(const nlohmann::json& watermark) {
  std::vector<std::string> keys;
  for (const nlohmann::json& entry : watermark.at("staged_files")) keys.push_back(entry.at("key"));
  return keys;
}

// Where the local store keeps `key` (the pipeline's staging prefix is "test/").
std::string PathOf(EmbeddedProject& project, const std::string& key) { return project.dir() + "/stage/test/" + key; }

const nlohmann::json& TableResult(const nlohmann::json& report) { return report.at("table_results").at("orders"); }

// Four backup-only runs of 1,000 rows each: four files waiting to load.
std::vector<std::string> StageFourFiles(EmbeddedProject& project) {
  for (int run = 0; run < 4; ++run) project.Sync({"--backup-only", "--limit", "1000"});
  std::vector<std::string> keys = StagedKeys(WatermarkOf(project));
  EXPECT_EQ(keys.size(), 4u);
  return keys;
}

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

// ---- #11: a staged file missing or damaged in the store ----

TEST(EmbeddedSyncUnloadableFile, AStagedFileDeletedFromTheStoreIsReadAgainFromTheSource) {
  EmbeddedProject project("file_deleted");
  InsertOrders(project, 1, 4000);
  project.WriteConfig(kHybrid);
  std::vector<std::string> keys = StageFourFiles(project);
  ASSERT_TRUE(fs::remove(PathOf(project, keys[1])));
  project.Source("UPDATE orders SET note = 'changed', updated_at = '2025-03-01 00:00:00' WHERE id % 50 = 0");
  InsertOrders(project, 4001, 4500, "2025-03-01");

  nlohmann::json report = project.Sync();
  ASSERT_EQ(report.value("status", ""), "success") << report.dump(2);
  ExpectTargetEqualsSource(project);
  const nlohmann::json& rewinds = TableResult(report).at("rewinds");
  ASSERT_EQ(rewinds.size(), 1u) << report.dump(2);
  EXPECT_EQ(rewinds[0].at("key"), keys[1]);
  EXPECT_EQ(rewinds[0].at("files_dropped"), 3);
  EXPECT_NE(rewinds[0].at("reason").get<std::string>().find("missing"), std::string::npos) << rewinds.dump(2);
  nlohmann::json watermark = WatermarkOf(project);
  EXPECT_EQ(watermark.at("last_rewind").at("key"), keys[1]) << watermark.dump(2);
  EXPECT_TRUE(watermark.at("staged_files").empty());
  EXPECT_FALSE(fs::exists(PathOf(project, keys[2]))) << "files after the missing one are read again, not kept";
  EXPECT_FALSE(fs::exists(PathOf(project, keys[3])));
  EXPECT_EQ(TableResult(project.Sync()).at("rows_loaded"), 0);
}

TEST(EmbeddedSyncUnloadableFile, ATruncatedStagedFileIsReadAgainFromTheSource) {
  EmbeddedProject project("file_truncated");
  InsertOrders(project, 1, 4000);
  project.WriteConfig(kIdOnly);
  std::vector<std::string> keys = StageFourFiles(project);
  fs::resize_file(PathOf(project, keys[2]), fs::file_size(PathOf(project, keys[2])) / 2);
  InsertOrders(project, 4001, 4200, "2025-03-01");

  nlohmann::json report = project.Sync();
  ASSERT_EQ(report.value("status", ""), "success") << report.dump(2);
  ExpectTargetEqualsSource(project);
  const nlohmann::json& rewinds = TableResult(report).at("rewinds");
  ASSERT_EQ(rewinds.size(), 1u) << report.dump(2);
  EXPECT_EQ(rewinds[0].at("key"), keys[2]);
  EXPECT_NE(rewinds[0].at("reason").get<std::string>().find("bytes"), std::string::npos) << rewinds.dump(2);
}

TEST(EmbeddedSyncUnloadableFile, AStagedFileOverwrittenWithJunkOfTheSameSizeIsReadAgainFromTheSource) {
  EmbeddedProject project("file_junk");
  InsertOrders(project, 1, 4000);
  project.WriteConfig(kHybrid);
  std::vector<std::string> keys = StageFourFiles(project);
  // Right size, so only the target notices; the run then looks inside the files.
  std::string path = PathOf(project, keys[3]);
  std::string junk(fs::file_size(path), 'x');
  std::ofstream(path, std::ios::trunc | std::ios::binary) << junk;

  nlohmann::json report = project.Sync();
  ASSERT_EQ(report.value("status", ""), "success") << report.dump(2);
  ExpectTargetEqualsSource(project);
  const nlohmann::json& rewinds = TableResult(report).at("rewinds");
  ASSERT_EQ(rewinds.size(), 1u) << report.dump(2);
  EXPECT_EQ(rewinds[0].at("key"), keys[3]);
  EXPECT_NE(rewinds[0].at("reason").get<std::string>().find("not a Parquet file"), std::string::npos)
      << rewinds.dump(2);
}

// An appending full copy loads every staged copy, so a bad one would block it.
TEST(EmbeddedSyncUnloadableFile, AFullCopyWithADeletedFileIsForgottenAndCopiedAgain) {
  EmbeddedProject project("full_deleted");
  project.Source("CREATE TABLE f (id INTEGER PRIMARY KEY, payload TEXT NOT NULL)");
  // ~4 MB of incompressible text: four files or more at target_file_mb 1.
  project.Source(
      "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 30000) "
      "INSERT INTO f SELECT i, hex(randomblob(64)) FROM n");
  project.WriteConfig("  f: {cdc_strategy: full_sync, full_sync_mode: append}\n", "batch_size: 1000",
                      "partition_strategy: table, target_file_mb: 1, compression: none");
  project.Sync({"--backup-only"});
  std::vector<std::string> keys = StagedKeys(WatermarkOf(project, "f"));
  ASSERT_GE(keys.size(), 2u);
  ASSERT_TRUE(fs::remove(PathOf(project, keys[1])));
  project.Source("DELETE FROM f WHERE id % 10 = 0");

  nlohmann::json report = project.Sync();
  ASSERT_EQ(report.value("status", ""), "success") << report.dump(2);
  const nlohmann::json& rewinds = report.at("table_results").at("f").at("rewinds");
  ASSERT_EQ(rewinds.size(), 1u) << report.dump(2);
  EXPECT_EQ(rewinds[0].at("files_dropped"), keys.size()) << "the whole copy";
  for (const std::string& key : keys) EXPECT_FALSE(fs::exists(PathOf(project, key))) << key;
  // Only the new copy was appended: the target holds each source row once.
  EXPECT_EQ(JoinAll(project.TargetRows("SELECT id, payload FROM f ORDER BY id")),
            JoinAll(project.SourceRows("SELECT id, payload FROM f ORDER BY id")));
}

TEST(EmbeddedSyncUnloadableFile, FilesCleanIncludeStagedForgetsAMissingFileAndReadsTheCleanedRowsAgain) {
  EmbeddedProject project("clean_missing");
  InsertOrders(project, 1, 4000);
  project.WriteConfig(kHybrid);
  std::vector<std::string> keys = StageFourFiles(project);
  ASSERT_TRUE(fs::remove(PathOf(project, keys[1])));
  CommandResult listed = project.Sluice({"files", "list", "-p", "test"});
  EXPECT_NE(listed.out.find("missing"), std::string::npos) << listed.out;

  CommandResult cleaned =
      project.Sluice({"files", "clean", "-p", "test", "-t", "orders", "--include-staged", "--force"});
  ASSERT_EQ(cleaned.exit_code, 0) << cleaned.err << cleaned.out;
  nlohmann::json watermark = WatermarkOf(project);
  EXPECT_TRUE(watermark.at("staged_files").empty()) << watermark.dump(2);
  EXPECT_TRUE(project.StagedObjects().empty());
  EXPECT_EQ(watermark.at("cursor"), nlohmann::json({{"timestamp", nullptr}, {"id", nullptr}}))
      << "the cleaned files' rows are read again from where the first began";

  nlohmann::json report = project.Sync();
  ASSERT_EQ(report.value("status", ""), "success") << report.dump(2);
  ExpectTargetEqualsSource(project);
}

TEST(EmbeddedSyncUnloadableFile, FilesCleanIncludeStagedOfATruncatedFileLosesNoRows) {
  EmbeddedProject project("clean_truncated");
  InsertOrders(project, 1, 4000);
  project.WriteConfig(kIdOnly);
  std::vector<std::string> keys = StageFourFiles(project);
  project.Sync({"--load-only"});  // the first four files are loaded; four more wait
  InsertOrders(project, 4001, 8000, "2025-02-01");
  keys = StageFourFiles(project);
  fs::resize_file(PathOf(project, keys[3]), 100);

  CommandResult cleaned =
      project.Sluice({"files", "clean", "-p", "test", "-t", "orders", "--include-staged", "--force"});
  ASSERT_EQ(cleaned.exit_code, 0) << cleaned.err << cleaned.out;
  EXPECT_EQ(WatermarkOf(project).at("cursor").at("id"), 4000) << "back to where the first cleaned file began";
  nlohmann::json report = project.Sync();
  ASSERT_EQ(report.value("status", ""), "success") << report.dump(2);
  ExpectTargetEqualsSource(project);
}

TEST(EmbeddedSyncUnloadableFile, WatermarkResetForgetsAMissingStagedFile) {
  EmbeddedProject project("reset_missing");
  InsertOrders(project, 1, 4000);
  project.WriteConfig(kHybrid);
  std::vector<std::string> keys = StageFourFiles(project);
  ASSERT_TRUE(fs::remove(PathOf(project, keys[2])));

  CommandResult reset = project.Sluice({"watermark", "reset", "-p", "test", "-t", "orders", "--yes"});
  ASSERT_EQ(reset.exit_code, 0) << reset.err;
  EXPECT_NE(reset.out.find(keys[2]), std::string::npos) << reset.out;
  std::vector<std::string> still_staged = StagedKeys(WatermarkOf(project));
  EXPECT_EQ(std::count(still_staged.begin(), still_staged.end(), keys[2]), 0) << reset.out;

  nlohmann::json report = project.Sync();
  ASSERT_EQ(report.value("status", ""), "success") << report.dump(2);
  ExpectTargetEqualsSource(project);
}

}  // namespace
}  // namespace sluice::testing
