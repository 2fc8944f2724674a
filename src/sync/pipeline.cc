#include "sync/pipeline.h"

#include <algorithm>
#include <map>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "common/logging.h"
#include "types/temporal.h"

namespace sluice::sync {
namespace {

// The tables a run covers, in config order, or an error naming what is wrong.
Result<std::vector<const config::TableConfig*>> SelectTables(PipelineContext& context, const SyncOptions& options) {
  // Data file names carry the table's key-safe name; two tables must not share one.
  std::map<std::string, std::string> safe_names;
  for (const config::TableConfig& table : context.pipeline().tables) {
    auto [existing, inserted] = safe_names.emplace(KeySafeName(table.name), table.name);
    if (!inserted) {
      return InvalidArgument("tables '{}' and '{}' of pipeline {} would share data file names ('{}'); rename one "
                             "(the table key) so they differ in more than spaces or punctuation",
                             existing->second, table.name, context.pipeline().name, existing->first);
    }
  }
  std::vector<const config::TableConfig*> selected;
  if (options.tables.empty()) {
    for (const config::TableConfig& table : context.pipeline().tables) selected.push_back(&table);
  } else {
    for (const std::string& name : options.tables) {
      SLUICE_ASSIGN_OR_RETURN(const config::TableConfig* table, context.FindTable(name));
      if (std::find(selected.begin(), selected.end(), table) == selected.end()) selected.push_back(table);
    }
  }
  if (options.limit) {
    std::vector<std::string> whole_copies;
    for (const config::TableConfig* table : selected) {
      if (table->cdc_strategy == config::CdcStrategy::kFullSync ||
          table->cdc_strategy == config::CdcStrategy::kCustomSql) {
        whole_copies.push_back(table->name);
      }
    }
    if (!whole_copies.empty()) {
      return InvalidArgument(
          "--limit cannot apply to {} (full_sync and custom_sql read everything in one go: a partial copy would "
          "replace the whole table or skip rows). Select the incremental tables with -t",
          fmt::join(whole_copies, ", "));
    }
  }
  if (options.backup_only && options.load_only) {
    return InvalidArgument("--backup-only and --load-only exclude each other");
  }
  return selected;
}

}  // namespace

Result<RunReport> RunPipeline(const config::Config& config, const std::string& pipeline, const SyncOptions& options) {
  SLUICE_ASSIGN_OR_RETURN(std::unique_ptr<PipelineContext> context, PipelineContext::Open(config, pipeline));
  SLUICE_ASSIGN_OR_RETURN(std::vector<const config::TableConfig*> tables, SelectTables(*context, options));
  int64_t started = NowMicros();
  RunId run = NewRunId(started);
  RunReport report;
  report.execution_id = run.ExecutionId();
  report.pipeline = pipeline;
  report.started_at = FormatTimestampIso(started);
  for (const config::TableConfig* table : tables) report.tables_requested.push_back(table->name);
  SLUICE_LOG_INFO("run {}: pipeline {}, {} tables", report.execution_id, pipeline, tables.size());
  for (const config::TableConfig* table : tables) {
    if (StopRequested()) {
      TableResult skipped;
      skipped.status = TableStatus::kSkipped;
      skipped.error = Cancelled("interrupted before this table started");
      report.table_results.emplace_back(table->name, std::move(skipped));
      continue;
    }
    TableSync table_sync(*context, *table, options, run);
    report.table_results.emplace_back(table->name, table_sync.Run());
  }
  int64_t finished = NowMicros();
  report.finished_at = FormatTimestampIso(finished);
  report.duration_seconds = static_cast<double>(finished - started) / 1e6;
  return report;
}

}  // namespace sluice::sync
