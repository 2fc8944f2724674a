// sluice demo: a self-contained tour. Builds a SQLite shop, syncs it to
// Parquet files and a DuckDB warehouse, changes rows, syncs again, and
// shows that the warehouse matches the source.
#include <duckdb.h>

#include <cstdio>
#include <filesystem>

#include <fmt/format.h>

#include "cli/cli.h"
#include "common/logging.h"
#include "cli/demo_data.h"
#include "config/loader.h"
#include "sync/pipeline.h"

namespace sluice::cli {
namespace {

// The single value `sql` yields in the DuckDB file at `path`, as text.
Result<std::string> QueryWarehouse(const std::string& path, const std::string& sql) {
  duckdb_database database = nullptr;
  duckdb_config config = nullptr;
  duckdb_create_config(&config);
  duckdb_set_config(config, "access_mode", "READ_ONLY");
  char* open_error = nullptr;
  if (duckdb_open_ext(path.c_str(), &database, config, &open_error) != DuckDBSuccess) {
    std::string message = open_error ? open_error : "unknown error";
    duckdb_free(open_error);
    duckdb_destroy_config(&config);
    return IoError("cannot open the warehouse '{}': {}", path, message);
  }
  duckdb_destroy_config(&config);
  duckdb_connection connection = nullptr;
  duckdb_connect(database, &connection);
  duckdb_result result;
  std::string value;
  Status status;
  if (duckdb_query(connection, sql.c_str(), &result) != DuckDBSuccess) {
    status = Internal("warehouse query failed: {}", duckdb_result_error(&result));
  } else if (duckdb_row_count(&result) > 0 && !duckdb_value_is_null(&result, 0, 0)) {
    char* text = duckdb_value_varchar(&result, 0, 0);
    value = text ? text : "";
    duckdb_free(text);
  }
  duckdb_destroy_result(&result);
  duckdb_disconnect(&connection);
  duckdb_close(&database);
  if (!status.ok()) return status;
  return value;
}

void PrintRun(const char* title, const sync::RunReport& report, const config::PipelineConfig& pipeline) {
  std::printf("\n%s (%s, %.1f s):\n", title, report.execution_id.c_str(), report.duration_seconds);
  for (const auto& [table, result] : report.table_results) {
    std::string strategy;
    for (const config::TableConfig& config : pipeline.tables) {
      if (config.name == table) strategy = std::string(config::ToString(config.cdc_strategy));
    }
    if (result.status != sync::TableStatus::kSuccess) {
      std::printf("  %-13s %-15s %s: %s\n", table.c_str(), strategy.c_str(),
                  std::string(ToString(result.status)).c_str(),
                  result.error.message().c_str());
      continue;
    }
    std::printf("  %-13s %-15s %5lld rows read -> %lld Parquet file(s) -> %5lld rows loaded%s\n", table.c_str(),
                strategy.c_str(), static_cast<long long>(result.rows_extracted),
                static_cast<long long>(result.files_created), static_cast<long long>(result.rows_loaded),
                result.validation.ok() ? "" : "  (validation FAILED)");
  }
}

Result<sync::RunReport> SyncDemo(const std::string& dir) {
  SLUICE_ASSIGN_OR_RETURN(config::Config config, config::LoadConfig(dir + "/config"));
  sync::SyncOptions options;
  CancelToken never_cancelled;  // the demo runs to the end
  return sync::RunPipeline(config, "demo", options, never_cancelled);
}

// Compares each table in the source and the warehouse; true when all match.
Result<bool> Compare(const std::string& dir) {
  std::printf("\nsource (SQLite) vs warehouse (DuckDB):\n");
  std::printf("  %-13s %-34s %-14s %-14s %s\n", "table", "measure", "source", "warehouse", "match");
  struct Check {
    const char* table;
    const char* measure;
    std::string source_sql;
    std::string warehouse_sql;
  };
  std::vector<Check> checks = {
      {"orders", "rows", "SELECT count(*) FROM orders", "SELECT count(*) FROM orders"},
      {"orders", "sum(amount)", "SELECT printf('%.2f', sum(amount)) FROM orders",
       "SELECT printf('%.2f', sum(amount)) FROM orders"},
      {"orders", "refunded", "SELECT count(*) FROM orders WHERE status = 'refunded'",
       "SELECT count(*) FROM orders WHERE status = 'refunded'"},
      {"order_events", "rows", "SELECT count(*) FROM order_events", "SELECT count(*) FROM order_events"},
      {"shipments", "rows", "SELECT count(*) FROM shipments", "SELECT count(*) FROM shipments"},
      {"customers", "rows", "SELECT count(*) FROM customers", "SELECT count(*) FROM customers"},
      {"customers", "renamed", "SELECT count(*) FROM customers WHERE name LIKE '%(renamed)'",
       "SELECT count(*) FROM customers WHERE name LIKE '%(renamed)'"},
  };
  bool all_match = true;
  for (const Check& check : checks) {
    SLUICE_ASSIGN_OR_RETURN(std::string source, demo::QuerySource(dir, check.source_sql));
    SLUICE_ASSIGN_OR_RETURN(std::string warehouse, QueryWarehouse(dir + "/warehouse.duckdb", check.warehouse_sql));
    bool match = source == warehouse;
    all_match = all_match && match;
    std::printf("  %-13s %-34s %-14s %-14s %s\n", check.table, check.measure, source.c_str(), warehouse.c_str(),
                match ? "yes" : "NO");
  }
  return all_match;
}

int RunDemo(const Cli& cli, const std::string& dir_argument) {
  // The demo prints its own story on stdout; routine log lines would drown it.
  if (!cli.global.debug) spdlog::set_level(spdlog::level::warn);
  std::string dir = std::filesystem::absolute(dir_argument).lexically_normal().string();
  if (!dir.empty() && dir.back() == '/') dir.pop_back();
  std::printf("sluice demo in %s\n", dir.c_str());
  Status created = demo::CreateDemo(dir);
  if (!created.ok()) return ReportError(created);
  std::printf("  source:    %s/demo.db (SQLite: customers, orders with ids 1-2000 and 60001-62000,\n"
              "             order_events, shipments)\n"
              "  config:    %s/config (connections.yml, pipelines/demo.yml)\n"
              "  staging:   %s/stage (Parquet files and watermarks)\n"
              "  warehouse: %s/warehouse.duckdb (DuckDB)\n",
              dir.c_str(), dir.c_str(), dir.c_str(), dir.c_str());
  Result<config::Config> config = config::LoadConfig(dir + "/config");
  if (!config.has_value()) return ReportError(config.error());
  const config::PipelineConfig& pipeline = *config->FindPipeline("demo");

  Result<sync::RunReport> first = SyncDemo(dir);
  if (!first.has_value()) return ReportError(first.error());
  PrintRun("first sync: everything", *first, pipeline);
  if (first->ExitCode() != 0) return first->ExitCode();

  Result<std::string> changed = demo::ChangeRows(dir);
  if (!changed.has_value()) return ReportError(changed.error());
  std::printf("\n%s\n", changed->c_str());

  Result<sync::RunReport> second = SyncDemo(dir);
  if (!second.has_value()) return ReportError(second.error());
  PrintRun("second sync: only what changed", *second, pipeline);
  if (second->ExitCode() != 0) return second->ExitCode();

  Result<bool> match = Compare(dir);
  if (!match.has_value()) return ReportError(match.error());
  std::error_code error;
  std::string self = std::filesystem::read_symlink("/proc/self/exe", error).string();
  if (error) self = "sluice";
  std::string prefix = fmt::format("{} --config-dir {}/config", self, dir);
  std::printf(R"DEMO(
Try it yourself:
  %s status
  %s watermark get -p demo -t orders --show-files
  %s files list -p demo -t customers
  %s sync -p demo --dry-run
  %s sync -p demo     # nothing changed: customers is copied whole, order_events re-reads recent ids (lookback)
With the DuckDB CLI (https://duckdb.org), query the warehouse or the staged files:
  duckdb %s/warehouse.duckdb "SELECT status, count(*), sum(amount) FROM orders GROUP BY 1 ORDER BY 1"
  duckdb -c "SELECT count(*) FROM read_parquet('%s/stage/demo/incremental/table=orders/**/*.parquet')"
)DEMO",
              prefix.c_str(), prefix.c_str(), prefix.c_str(), prefix.c_str(), prefix.c_str(), dir.c_str(),
              dir.c_str());
  if (!*match) {
    std::printf("\nthe warehouse does NOT match the source: this is a bug, please report it\n");
    return kExitFailed;
  }
  std::printf("\nthe warehouse matches the source.\n");
  return kExitSuccess;
}

}  // namespace

void AddDemoCommand(CLI::App& app, Cli& cli) {
  auto dir = std::make_shared<std::string>("./sluice-demo");
  CLI::App* command = app.add_subcommand(
      "demo", "A self-contained tour: SQLite -> Parquet -> DuckDB, change rows, sync again (needs no server)");
  command->add_option("--dir", *dir, "Where to put the demo: a new or empty directory, or an earlier demo (which is replaced)")->capture_default_str();
  command->footer("\nExample:\n  sluice demo && sluice --config-dir sluice-demo/config status");
  command->callback([&cli, dir] { cli.action = [&cli, dir] { return RunDemo(cli, *dir); }; });
}

}  // namespace sluice::cli
