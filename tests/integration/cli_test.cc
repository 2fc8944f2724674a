// The command line as a user meets it: help that teaches, exit codes of
// SPEC §1, and no secret in any output, log line or report.
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include <gtest/gtest.h>

#include "common/display_width.h"
#include "harness.h"

namespace sluice::testing {
namespace {

bool Contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

TEST(Cli, HelpListsEveryCommandWithExamples) {
  EmbeddedProject project("help");
  CommandResult help = project.Sluice({"--help"});
  EXPECT_EQ(help.exit_code, 0);
  for (const char* command : {"sync", "watermark", "files", "status", "config", "connections", "schema", "verify",
                              "demo"}) {
    EXPECT_TRUE(Contains(help.out, command)) << command;
  }
  EXPECT_TRUE(Contains(help.out, "Exit codes"));
  CommandResult sync_help = project.Sluice({"sync", "--help"});
  EXPECT_EQ(sync_help.exit_code, 0);
  EXPECT_TRUE(Contains(sync_help.out, "--dry-run"));
  EXPECT_TRUE(Contains(sync_help.out, "Examples:"));
  EXPECT_EQ(project.Sluice({"--version"}).exit_code, 0);
}

TEST(Cli, UsageErrorsExitTwo) {
  EmbeddedProject project("usage");
  EXPECT_EQ(project.Sluice({"no-such-command"}).exit_code, 2);
  EXPECT_EQ(project.Sluice({"sync"}).exit_code, 2);  // -p is required
  CommandResult missing = project.Sluice({"config", "validate"});
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_TRUE(Contains(missing.err, "configuration directory")) << missing.err;
  EXPECT_TRUE(Contains(missing.err, "--config-dir")) << missing.err;
}

TEST(Cli, AnUnknownCommandIsNamedWithTheCommandsThereAre) {
  EmbeddedProject project("unknown_command");
  CommandResult bogus = project.Sluice({"bogus"});
  EXPECT_EQ(bogus.exit_code, 2);
  EXPECT_TRUE(Contains(bogus.err, "error: 'bogus' is not a sluice command; commands: sync, watermark, files, status, "
                                  "config, connections, schema, verify, demo"))
      << bogus.err;
  EXPECT_FALSE(Contains(bogus.err, "A subcommand is required")) << bogus.err;
  CommandResult typo = project.Sluice({"--quiet", "synk", "-p", "test"});
  EXPECT_EQ(typo.exit_code, 2);
  EXPECT_TRUE(Contains(typo.err, "error: 'synk' is not a sluice command; close names: sync")) << typo.err;
  CommandResult nested = project.Sluice({"watermark", "gte", "-p", "test", "-t", "orders"});
  EXPECT_EQ(nested.exit_code, 2);
  EXPECT_TRUE(Contains(nested.err, "error: 'gte' is not a sluice watermark command; close names: get")) << nested.err;
  // No command at all still says one is needed, and help still works.
  CommandResult none = project.Sluice({});
  EXPECT_EQ(none.exit_code, 2);
  EXPECT_TRUE(Contains(none.err, "A subcommand is required")) << none.err;
  EXPECT_EQ(project.Sluice({"--help"}).exit_code, 0);
  EXPECT_EQ(project.Sluice({"watermark", "--help"}).exit_code, 0);
}

TEST(Cli, BadOptionsOfAValidProjectExitTwoNamingTheOptionBeforeAnythingRuns) {
  EmbeddedProject project("bad_options");
  project.Source("CREATE TABLE orders (id INTEGER PRIMARY KEY)");
  project.Source("INSERT INTO orders VALUES (1), (2)");
  project.WriteConfig("  orders: {cdc_strategy: id_only, cdc_id_column: id}\n");
  CommandResult both = project.Sluice({"sync", "-p", "test", "--backup-only", "--load-only"});
  EXPECT_EQ(both.exit_code, 2);
  EXPECT_TRUE(Contains(both.err, "--backup-only excludes --load-only")) << both.err;
  CommandResult zero = project.Sluice({"sync", "-p", "test", "--limit", "0"});
  EXPECT_EQ(zero.exit_code, 2);
  EXPECT_TRUE(Contains(zero.err, "--limit must be a whole number of rows, at least 1")) << zero.err;
  EXPECT_FALSE(Contains(zero.err, "e+308")) << zero.err;
  CommandResult log_dir = project.Sluice({"--log-file", project.dir() + "/no/such/dir/sluice.log", "status"});
  EXPECT_EQ(log_dir.exit_code, 2);
  EXPECT_TRUE(Contains(log_dir.err, "does not exist")) << log_dir.err;
  EXPECT_FALSE(std::filesystem::exists(project.dir() + "/no"));
  CommandResult report = project.Sluice({"sync", "-p", "test", "--json-output", project.dir() + "/no/report.json"});
  EXPECT_EQ(report.exit_code, 2);
  EXPECT_TRUE(Contains(report.err, "nothing was run")) << report.err;
  EXPECT_TRUE(project.StagedObjects().empty()) << "the report path is checked before the run";
}

TEST(Cli, AnUnknownPipelineOrTableExitsTwoNamingWhatExists) {
  EmbeddedProject project("unknown_names");
  project.Source("CREATE TABLE orders (id INTEGER PRIMARY KEY)");
  project.WriteConfig("  orders: {cdc_strategy: id_only, cdc_id_column: id}\n");
  CommandResult pipeline = project.Sluice({"sync", "-p", "nope"});
  EXPECT_EQ(pipeline.exit_code, 2);
  EXPECT_TRUE(Contains(pipeline.err, "pipeline 'nope'")) << pipeline.err;
  EXPECT_TRUE(Contains(pipeline.err, "test")) << pipeline.err;
  CommandResult table = project.Sluice({"sync", "-p", "test", "-t", "nope"});
  EXPECT_EQ(table.exit_code, 2);
  EXPECT_TRUE(Contains(table.err, "table 'nope' is not in pipeline 'test' (tables: orders)")) << table.err;
  EXPECT_TRUE(project.StagedObjects().empty());
}

TEST(Cli, ConfigErrorsNameFileLineAndKey) {
  EmbeddedProject project("config_error");
  project.WriteConfig("  orders: {cdc_strategy: hybird, cdc_timestamp_column: updated_at, cdc_id_column: id}\n");
  CommandResult result = project.Sluice({"config", "validate"});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_TRUE(Contains(result.err, "pipelines/test.yml:")) << result.err;
  EXPECT_TRUE(Contains(result.err, "cdc_strategy")) << result.err;
  EXPECT_TRUE(Contains(result.err, "hybird")) << result.err;
}

TEST(Cli, DemoRefusesADirectoryItDidNotMake) {
  EmbeddedProject project("demo_guard");
  project.WriteConfig("  orders: {cdc_strategy: id_only, cdc_id_column: id}\n");
  CommandResult result = project.Sluice({"demo", "--dir", project.dir()});
  EXPECT_EQ(result.exit_code, 2) << result.err;
  EXPECT_NE(result.err.find("was not made by `sluice demo`"), std::string::npos) << result.err;
  EXPECT_TRUE(std::filesystem::exists(project.dir() + "/config/pipelines/test.yml")) << "the user's config survives";
}

// Where the words of a printed line start and end, in terminal columns.
struct WordEdges {
  std::set<size_t> starts;
  std::set<size_t> ends;  // the column just past a word's last character
};

WordEdges EdgesOf(const std::string& line) {
  WordEdges edges;
  size_t column = 0;
  bool in_word = false;
  for (size_t at = 0; at < line.size();) {
    size_t length = 1;
    while (at + length < line.size() && (static_cast<unsigned char>(line[at + length]) & 0xC0) == 0x80) ++length;
    bool space = line[at] == ' ';
    if (!space && !in_word) edges.starts.insert(column);
    if (space && in_word) edges.ends.insert(column);
    in_word = !space;
    column += DisplayWidth(std::string_view(line).substr(at, length));
    at += length;
  }
  if (in_word) edges.ends.insert(column);
  return edges;
}

TEST(Cli, StatusColumnsLineUpWhateverEachTablesStateAndName) {
  EmbeddedProject project("status_columns");
  project.Source("CREATE TABLE orders (id INTEGER PRIMARY KEY, note TEXT)");
  project.Source("INSERT INTO orders VALUES (1, 'a'), (2, 'b'), (3, 'c')");
  project.Source("CREATE TABLE \"commandes_été_東京\" (id INTEGER PRIMARY KEY)");
  project.Source("INSERT INTO \"commandes_été_東京\" VALUES (7)");
  project.WriteConfig(
      "  orders: {cdc_strategy: id_only, cdc_id_column: id}\n"
      "  commandes_été_東京: {cdc_strategy: id_only, cdc_id_column: id}\n"
      "  broken:\n    cdc_strategy: custom_sql\n    cdc_id_column: id\n"
      "    custom_sql: SELECT id, id FROM orders WHERE id > {{last_id}}\n"
      "  a_table_whose_name_is_longer_than_the_column_was: {cdc_strategy: full_sync}\n");
  project.Sluice({"-q", "sync", "-p", "test", "-t", "orders", "-t", "commandes_été_東京", "-t", "broken"});
  CommandResult status = project.Sluice({"status"});
  ASSERT_EQ(status.exit_code, 0) << status.err;
  std::vector<std::string> lines;
  std::istringstream text(status.out);
  for (std::string line; std::getline(text, line);) lines.push_back(line);
  ASSERT_EQ(lines.size(), 5u) << status.out;
  const std::string& header = lines[0];
  for (size_t row = 1; row < lines.size(); ++row) {
    WordEdges edges = EdgesOf(lines[row]);
    for (const char* label : {"PIPELINE", "TABLE", "EXTRACT", "LAST SUCCESS", "CURSOR"}) {
      EXPECT_TRUE(edges.starts.contains(header.find(label))) << label << " is not where row " << row
                                                              << " has it:\n" << status.out;
    }
    for (const char* label : {"ROWS", "FILES"}) {  // numbers are right-aligned
      EXPECT_TRUE(edges.ends.contains(header.find(label) + std::string(label).size()))
          << label << " is not where row " << row << " has it:\n" << status.out;
    }
  }
  // The failed table's error is in its column.
  EXPECT_TRUE(EdgesOf(lines[3]).starts.contains(header.find("LAST ERROR"))) << status.out;
  EXPECT_TRUE(Contains(lines[3], "two columns named 'id'")) << status.out;
}

// The summary line of each table says what the run did, in the words of what happened.
TEST(Cli, SyncSummarySaysWhatWasExtractedAndWhatWasLoaded) {
  EmbeddedProject project("sync_summary");
  project.Source("CREATE TABLE orders (id INTEGER PRIMARY KEY, note TEXT)");
  project.Source("INSERT INTO orders VALUES (1, 'a'), (2, 'b'), (3, 'c')");
  project.WriteConfig("  orders: {cdc_strategy: id_only, cdc_id_column: id}\n");
  CommandResult backup = project.Sluice({"sync", "-p", "test", "--backup-only"});
  ASSERT_EQ(backup.exit_code, 0) << backup.err;
  EXPECT_TRUE(Contains(backup.err, "orders: success, 3 rows extracted into 1 file, nothing loaded (--backup-only)"))
      << backup.err;
  // --load-only reads the staged file's rows and loads them; it extracts nothing.
  CommandResult load = project.Sluice({"sync", "-p", "test", "--load-only"});
  ASSERT_EQ(load.exit_code, 0) << load.err;
  EXPECT_TRUE(Contains(load.err, "orders: success, nothing extracted (--load-only), 1 staged file of 3 rows loaded"))
      << load.err;
  project.Source("INSERT INTO orders VALUES (4, 'd')");
  CommandResult both = project.Sluice({"sync", "-p", "test"});
  ASSERT_EQ(both.exit_code, 0) << both.err;
  EXPECT_TRUE(Contains(both.err, "orders: success, 1 row extracted into 1 file, 1 staged file of 1 row loaded"))
      << both.err;
}

TEST(Cli, VerifyIsNotSupportedYetAndSaysSo) {
  EmbeddedProject project("verify");
  project.WriteConfig("  orders: {cdc_strategy: id_only, cdc_id_column: id}\n");
  CommandResult result = project.Sluice({"verify", "-p", "test"});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_TRUE(Contains(result.err, "not supported yet")) << result.err;
  CommandResult help = project.Sluice({"verify", "--help"});
  EXPECT_TRUE(Contains(help.out, "Not built yet")) << help.out;
}

TEST(Cli, SecretsNeverReachOutputLogsOrReports) {
  EmbeddedProject project("secrets");
  const std::string secret = "Sup3r-Secret-Pa55";
  std::filesystem::create_directories(project.dir() + "/config/pipelines");
  std::ofstream(project.dir() + "/config/.env") << "DB_PASSWORD=" << secret << "\n";
  std::ofstream(project.dir() + "/config/connections.yml") << R"(connections:
  sources:
    prod: {type: mysql, host: 127.0.0.1, port: 1, database: shop, username: app, password: ${DB_PASSWORD}}
  targets:
    dw: {type: duckdb, path: ./warehouse.duckdb}
stores:
  stage: {type: local, path: ./stage}
)";
  std::ofstream(project.dir() + "/config/pipelines/test.yml") << R"(pipeline: {name: test, source: prod, target: dw, store: stage}
tables:
  orders: {cdc_strategy: id_only, cdc_id_column: id}
)";
  std::string log = project.dir() + "/sluice.log";
  std::vector<CommandResult> results = {
      project.Sluice({"config", "show", "-p", "test"}),
      project.Sluice({"connections", "test"}),
      project.Sluice({"--debug", "--json-logs", "--log-file", log, "sync", "-p", "test", "--json-output", "-"}),
      project.Sluice({"--debug", "sync", "-p", "test", "--dry-run"}),
      project.Sluice({"--debug", "status", "-p", "test"}),
      project.Sluice({"--debug", "watermark", "get", "-p", "test", "-t", "orders"}),
      project.Sluice({"--debug", "config", "validate"}),
  };
  EXPECT_TRUE(Contains(results[0].out, "***")) << results[0].out;
  EXPECT_NE(results[2].exit_code, 0);
  EXPECT_TRUE(Contains(results[2].out, "\"status\"")) << results[2].out;
  std::ifstream log_file(log);
  std::string log_text((std::istreambuf_iterator<char>(log_file)), std::istreambuf_iterator<char>());
  EXPECT_FALSE(log_text.empty());
  EXPECT_FALSE(Contains(log_text, secret));
  for (const CommandResult& result : results) {
    EXPECT_FALSE(Contains(result.out, secret)) << result.out;
    EXPECT_FALSE(Contains(result.err, secret)) << result.err;
  }
}

}  // namespace
}  // namespace sluice::testing
