#include "sync/pipeline.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "common/logging.h"
#include "types/temporal.h"

namespace sluice::sync {
Result<RunReport> RunPipeline(const config::Config& config, const std::string& pipeline, const SyncOptions& options,
                              const CancelToken& cancel) {
  SLUICE_ASSIGN_OR_RETURN(std::unique_ptr<PipelineContext> context, PipelineContext::Open(config, pipeline));
  SLUICE_ASSIGN_OR_RETURN(std::vector<const config::TableConfig*> tables, SelectTables(context->pipeline(), options));
  SystemClock clock;
  int64_t started = clock.NowMicros();
  RunId run = NewRunId(started);
  RunReport report;
  report.execution_id = run.ExecutionId();
  report.pipeline = pipeline;
  report.started_at = FormatTimestampIso(started);
  for (const config::TableConfig* table : tables) report.tables_requested.push_back(table->name);
  SLUICE_LOG_INFO("run {}: pipeline {}, {} tables", report.execution_id, pipeline, tables.size());
  for (const config::TableConfig* table : tables) {
    if (cancel.cancelled()) {
      TableResult skipped;
      skipped.status = TableStatus::kSkipped;
      skipped.error = Cancelled("interrupted before this table started");
      report.table_results.emplace_back(table->name, std::move(skipped));
      continue;
    }
    // Each table run reads through its own connection, closed when it ends.
    std::unique_ptr<source::Source> source;
    TableSync table_sync(context->PartsForTableRun(source, clock, cancel), *table, options, run);
    report.table_results.emplace_back(table->name, table_sync.Run());
  }
  int64_t finished = clock.NowMicros();
  report.finished_at = FormatTimestampIso(finished);
  report.duration_seconds = static_cast<double>(finished - started) / 1e6;
  return report;
}

}  // namespace sluice::sync
