// Refusals of the embedded path, through the real `sluice` binary: a
// cursor that could never advance. Each test shows the run that used to go
// wrong silently (rows doubled with exit 0) now stopping, and the target
// never wrong.
#include <gtest/gtest.h>

#include "harness.h"

namespace sluice::testing {
namespace {

bool Contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

std::vector<std::string> Count(EmbeddedProject& project, const std::string& table) {
  return JoinAll(project.TargetRows("SELECT COUNT(*) FROM " + table));
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

}  // namespace
}  // namespace sluice::testing
