// Refusals and warnings of the embedded path, through the real `sluice`
// binary: a cursor that could never advance, a hand-edited or stale
// watermark, and `schema show` over names that are not ASCII. Each test
// shows the run that used to go wrong silently (rows doubled, nothing read
// with exit 0) now stopping or warning, and the target never wrong.
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "common/display_width.h"
#include "harness.h"

namespace sluice::testing {
namespace {

bool Contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

std::vector<std::string> Count(EmbeddedProject& project, const std::string& table) {
  return JoinAll(project.TargetRows("SELECT COUNT(*) FROM " + table));
}

// The watermark document of `table`, as the local store keeps it.
std::string WatermarkPath(const EmbeddedProject& project, const std::string& table) {
  return project.dir() + "/stage/test/watermarks/test/" + table + ".json";
}

nlohmann::json ReadJson(const std::string& path) {
  std::ifstream in(path);
  return nlohmann::json::parse(in);
}

void WriteJson(const std::string& path, const nlohmann::json& document) {
  std::ofstream out(path, std::ios::trunc);
  out << document.dump(2);
}

constexpr const char* kEvents = R"(
CREATE TABLE {t} (id INTEGER, updated_at {type}, note TEXT);
INSERT INTO {t} WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 11)
  SELECT i, datetime('2025-01-01', '+' || i || ' minutes'), 'event ' || i FROM n;
)";

std::string Events(const std::string& table, const std::string& type) {
  std::string sql = kEvents;
  for (size_t at; (at = sql.find("{t}")) != std::string::npos;) sql.replace(at, 3, table);
  sql.replace(sql.find("{type}"), 6, type);
  return sql;
}

std::string CustomTable(const std::string& table) {
  return "  " + table + ":\n    cdc_strategy: custom_sql\n    cdc_timestamp_column: updated_at\n" +
         "    custom_sql: SELECT * FROM " + table + " WHERE updated_at > {{last_timestamp}}\n";
}

TEST(EmbeddedSyncChecks, ACustomSqlCursorOnATextColumnStopsTheTableInsteadOfDuplicatingRows) {
  EmbeddedProject project("custom_text_cursor");
  project.Source(Events("as_text", "TEXT"));          // the cursor never parses: every run would append all 11
  project.Source(Events("as_datetime", "DATETIME"));  // the remedy: a column declared with a timestamp type
  project.WriteConfig(CustomTable("as_text") + CustomTable("as_datetime"));
  for (int run = 1; run <= 2; ++run) {
    nlohmann::json report = project.Sync({}, 1);
    ASSERT_EQ(report.value("status", ""), "partial") << report.dump(2);
    const nlohmann::json& refused = report.at("table_results").at("as_text");
    EXPECT_EQ(refused.at("status"), "failed");
    EXPECT_EQ(refused.at("rows_extracted"), 0);
    std::string error = refused.at("error").get<std::string>();
    EXPECT_TRUE(Contains(error, "cdc_timestamp_column 'updated_at' is string (TEXT) in the custom_sql query's "
                                "result"))
        << error;
    EXPECT_TRUE(Contains(error, "declare it DATETIME")) << error;
    EXPECT_EQ(report.at("table_results").at("as_datetime").at("status"), "success") << run;
    EXPECT_EQ(Count(project, "as_datetime"), std::vector<std::string>{"11"}) << "run " << run;
  }
  // Refused before anything was staged, so nothing was appended twice.
  EXPECT_EQ(JoinAll(project.TargetRows("SELECT count(*) FROM duckdb_tables() WHERE table_name = 'as_text'")),
            std::vector<std::string>{"0"});
  CommandResult tables = project.Sluice({"sync", "-p", "test", "--dry-run", "-t", "as_text"});
  EXPECT_TRUE(Contains(tables.out, "error: table as_text: cdc_timestamp_column 'updated_at' is string")) << tables.out;
}

constexpr const char* kOrders = R"(
CREATE TABLE orders (id INTEGER PRIMARY KEY, updated_at DATETIME NOT NULL, note TEXT);
INSERT INTO orders WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 50)
  SELECT i, datetime('2025-01-01', '+' || i || ' minutes'), 'order ' || i FROM n;
)";

TEST(EmbeddedSyncChecks, AHandEditedIdCursorThatIsNoIdStopsTheTableNamingValueAndRemedy) {
  EmbeddedProject project("bad_id_cursor");
  project.Source(kOrders);
  project.WriteConfig("  orders: {cdc_strategy: id_only, cdc_id_column: id}\n");
  ASSERT_EQ(project.Sync().value("status", ""), "success");
  nlohmann::json watermark = ReadJson(WatermarkPath(project, "orders"));
  ASSERT_EQ(watermark.at("cursor").at("id"), 50) << watermark.dump(2);
  watermark["cursor"]["id"] = "abc";
  WriteJson(WatermarkPath(project, "orders"), watermark);
  project.Source("INSERT INTO orders VALUES (51, '2025-02-01 00:00:00', 'new')");

  nlohmann::json report = project.Sync({}, 1);
  const nlohmann::json& result = report.at("table_results").at("orders");
  EXPECT_EQ(result.at("status"), "failed");
  std::string error = result.at("error").get<std::string>();
  EXPECT_TRUE(Contains(error, "table orders: the watermark's cursor id 'abc' is not a value of cdc_id_column 'id'"))
      << error;
  EXPECT_TRUE(Contains(error, "sluice watermark set -p <pipeline> -t orders")) << error;
  EXPECT_TRUE(Contains(error, "sluice watermark reset -p <pipeline> -t orders --yes")) << error;
  EXPECT_EQ(Count(project, "orders"), std::vector<std::string>{"50"});

  // `watermark set` refuses the same value, and takes a real one.
  CommandResult refused = project.Sluice({"watermark", "set", "-p", "test", "-t", "orders", "--id", "abc", "--yes"});
  EXPECT_EQ(refused.exit_code, 2) << refused.err;
  EXPECT_TRUE(Contains(refused.err, "--id: table orders: id 'abc' is not a value of cdc_id_column 'id'"))
      << refused.err;
  CommandResult set = project.Sluice({"watermark", "set", "-p", "test", "-t", "orders", "--id", "50", "--yes"});
  ASSERT_EQ(set.exit_code, 0) << set.err;
  EXPECT_EQ(ReadJson(WatermarkPath(project, "orders")).at("cursor").at("id"), 50);
  ASSERT_EQ(project.Sync().value("status", ""), "success");
  EXPECT_EQ(Count(project, "orders"), std::vector<std::string>{"51"});
}

TEST(EmbeddedSyncChecks, WatermarkSetRefusesACursorPartTheStrategyDoesNotFollow) {
  EmbeddedProject project("set_unused_part");
  project.Source(kOrders);
  project.WriteConfig(
      "  orders: {cdc_strategy: id_only, cdc_id_column: id}\n"
      "  copy: {cdc_strategy: full_sync}\n");
  CommandResult timestamp = project.Sluice(
      {"watermark", "set", "-p", "test", "-t", "orders", "--timestamp", "2025-01-01T00:00:00Z", "--yes"});
  EXPECT_EQ(timestamp.exit_code, 2);
  EXPECT_TRUE(Contains(timestamp.err, "--timestamp: table orders (cdc_strategy id_only) sets no "
                                      "cdc_timestamp_column"))
      << timestamp.err;
  CommandResult full = project.Sluice({"watermark", "set", "-p", "test", "-t", "copy", "--id", "3", "--yes"});
  EXPECT_EQ(full.exit_code, 2);
  EXPECT_TRUE(Contains(full.err, "keeps no cursor")) << full.err;
  EXPECT_FALSE(std::filesystem::exists(WatermarkPath(project, "orders")));
}

TEST(EmbeddedSyncChecks, WatermarkSetWithATimestampAloneSetsTheCursorWholeAndWaitsForTheLease) {
  EmbeddedProject project("set_whole");
  project.Source("CREATE TABLE orders (id INTEGER PRIMARY KEY, updated_at DATETIME NOT NULL, note TEXT)");
  project.Source("INSERT INTO orders VALUES (1, '2025-01-01 00:00:00', 'a'), (2, '2025-01-01 00:00:05', 'b'), "
                 "(3, '2025-01-01 00:00:05', 'c'), (4, '2025-01-01 00:00:09', 'd')");
  // No lookback, so the second run reads exactly from the cursor that was set.
  project.WriteConfig(
      "  orders: {cdc_strategy: hybrid, cdc_timestamp_column: updated_at, cdc_id_column: id, lookback_seconds: 0}\n");
  ASSERT_EQ(project.Sync().value("status", ""), "success");
  // Back to 00:00:05: its rows (ids 2 and 3) are read again, whatever the old cursor id (4) was.
  CommandResult set = project.Sluice(
      {"watermark", "set", "-p", "test", "-t", "orders", "--timestamp", "2025-01-01T00:00:05Z", "--yes"});
  ASSERT_EQ(set.exit_code, 0) << set.err;
  nlohmann::json again = project.Sync();
  EXPECT_EQ(again.at("table_results").at("orders").at("rows_extracted"), 3) << again.dump(2);

  // A live run holds the lease: set refuses with 75 and changes nothing.
  project.HoldLease("orders", "sync_other", 99);
  CommandResult held = project.Sluice({"watermark", "set", "-p", "test", "-t", "orders", "--id", "1", "--yes"});
  EXPECT_EQ(held.exit_code, 75) << held.err;
  CommandResult reset = project.Sluice({"watermark", "reset", "-p", "test", "-t", "orders", "--yes"});
  EXPECT_EQ(reset.exit_code, 75) << reset.err;
}

// A cursor set by hand during an unfinished first copy ends the copy: the
// watermark no longer holds both (the next run would not know which to follow).
TEST(EmbeddedSyncChecks, WatermarkSetDuringAFirstCopyGivesTheCopyUpAndSaysSo) {
  EmbeddedProject project("set_during_copy");
  project.Source("CREATE TABLE orders (id INTEGER PRIMARY KEY, updated_at DATETIME NOT NULL, note TEXT)");
  project.Source("INSERT INTO orders WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 50) "
                 "SELECT i, datetime('2025-01-01', '+' || i || ' seconds'), 'n' || i FROM n");
  project.WriteConfig(
      "  orders: {cdc_strategy: hybrid, cdc_timestamp_column: updated_at, cdc_id_column: id, lookback_seconds: 0}\n",
      "batch_size: 10");
  ASSERT_EQ(project.Sync({"--limit", "20"}).value("status", ""), "success");
  CommandResult copying = project.Sluice({"watermark", "get", "-p", "test", "-t", "orders", "--json"});
  ASSERT_EQ(copying.exit_code, 0) << copying.err;
  ASSERT_TRUE(nlohmann::json::parse(copying.out).at("cursor").contains("copy")) << copying.out;

  CommandResult set = project.Sluice(
      {"watermark", "set", "-p", "test", "-t", "orders", "--timestamp", "2025-01-01T00:00:40Z", "--yes"});
  ASSERT_EQ(set.exit_code, 0) << set.err;
  EXPECT_TRUE(Contains(set.out, "the unfinished first copy (in primary-key order after 20 up to")) << set.out;
  CommandResult after = project.Sluice({"watermark", "get", "-p", "test", "-t", "orders", "--json"});
  nlohmann::json cursor = nlohmann::json::parse(after.out).at("cursor");
  EXPECT_FALSE(cursor.contains("copy") && !cursor.at("copy").is_null()) << after.out;
  // The next run reads on from the cursor set: rows stamped 00:00:40 and later (ids 40..50), no warning.
  CommandResult run = project.Sluice({"sync", "-p", "test", "--json-output", "-"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_FALSE(Contains(run.err, "first copy")) << run.err;
  EXPECT_EQ(nlohmann::json::parse(run.out).at("table_results").at("orders").at("rows_extracted"), 11) << run.out;
}

TEST(EmbeddedSyncChecks, ACursorAheadOfTheSourceIsWarnedInTheLogAndTheDryRun) {
  EmbeddedProject project("cursor_ahead");
  project.Source(kOrders);
  project.WriteConfig("  orders: {cdc_strategy: timestamp_only, cdc_timestamp_column: updated_at}\n");
  ASSERT_EQ(project.Sync().value("status", ""), "success");
  CommandResult set = project.Sluice(
      {"watermark", "set", "-p", "test", "-t", "orders", "--timestamp", "2099-01-01T00:00:00Z", "--yes"});
  ASSERT_EQ(set.exit_code, 0) << set.err;
  project.Source("INSERT INTO orders VALUES (51, '2025-02-01 00:00:00', 'new')");

  const std::string warning = "table orders: the cursor (updated_at 2099-01-01T00:00:00.000000Z) is ahead of the "
                              "source";
  CommandResult dry_run = project.Sluice({"sync", "-p", "test", "--dry-run"});
  EXPECT_EQ(dry_run.exit_code, 0) << dry_run.err;
  EXPECT_TRUE(Contains(dry_run.out, "  warning: " + warning)) << dry_run.out;
  // orders has a primary key, so the default lookback still re-reads its window; nothing older is read.
  EXPECT_TRUE(Contains(dry_run.out, "Until the source has rows with updated_at past 2099-01-01T00:00:00.000000Z, the "
                                    "cursor does not move and only rows inside the lookback window"))
      << dry_run.out;

  CommandResult run = project.Sluice({"sync", "-p", "test"});
  EXPECT_EQ(run.exit_code, 0) << run.err;
  EXPECT_TRUE(Contains(run.err, warning)) << run.err;
  EXPECT_TRUE(Contains(run.err, "sluice watermark reset -p <pipeline> -t orders --yes")) << run.err;
  EXPECT_EQ(Count(project, "orders"), std::vector<std::string>{"50"});
}

TEST(CliSchemaShow, ColumnsLineUpWhateverScriptTheirNamesAreIn) {
  EmbeddedProject project("schema_show_width");
  project.Source("CREATE TABLE orders (id INTEGER PRIMARY KEY, \"金额\" DECIMAL(12,2), \"größe\" TEXT, "
                 "\"e\u0301tat\" TEXT, \"注文😀\" INTEGER)");
  project.WriteConfig("  orders: {cdc_strategy: id_only, cdc_id_column: id}\n");
  CommandResult shown = project.Sluice({"schema", "show", "-p", "test", "-t", "orders"});
  ASSERT_EQ(shown.exit_code, 0) << shown.err;
  std::istringstream lines(shown.out);
  std::string line;
  int rows = 0;
  while (std::getline(lines, line) && !line.empty()) {
    // The second column (SOURCE TYPE, or the declared type) starts 29 columns in on every row.
    size_t name_end = line.find(' ');
    size_t type_start = line.find_first_not_of(' ', name_end);
    ASSERT_NE(type_start, std::string::npos) << line;
    EXPECT_EQ(DisplayWidth(line.substr(0, type_start)), 29u) << line;
    ++rows;
  }
  EXPECT_EQ(rows, 6) << shown.out;  // the header and five columns
}

}  // namespace
}  // namespace sluice::testing
