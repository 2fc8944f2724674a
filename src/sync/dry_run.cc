// `sync --dry-run`: the plan of a run, touching nothing.
#include <fmt/format.h>
#include <fmt/ranges.h>

#include "cdc/planner.h"
#include "common/redact.h"
#include "sync/ceiling.h"
#include "sync/pipeline.h"
#include "types/temporal.h"

namespace sluice::sync {
namespace {

std::string CursorText(const Cursor& cursor) {
  if (cursor.empty()) return "none (first run: everything up to the ceiling)";
  std::vector<std::string> parts;
  if (cursor.timestamp_micros) parts.push_back("timestamp " + FormatTimestampIso(*cursor.timestamp_micros));
  if (!cursor.id.is_null()) parts.push_back("id " + cursor.id.ToString());
  return fmt::format("{}", fmt::join(parts, ", "));
}

Status DryRunTable(PipelineContext& context, const config::TableConfig& table, const SyncOptions& options,
                   std::ostream& out) {
  out << fmt::format("table {} ({} -> {})\n", table.name, config::ToString(table.cdc_strategy), table.target_name);
  SLUICE_ASSIGN_OR_RETURN(state::VersionedWatermark stored,
                          context.watermarks().Load(context.pipeline().name, table.name));
  out << fmt::format("  cursor:  {}\n", CursorText(stored.watermark.cursor));
  if (!options.load_only) SLUICE_RETURN_IF_ERROR(CheckStrategyUnchanged(table, stored.watermark));
  SLUICE_ASSIGN_OR_RETURN(source::Source * source, context.source());
  SchemaPtr schema;
  if (table.cdc_strategy == config::CdcStrategy::kCustomSql) {
    SLUICE_ASSIGN_OR_RETURN(schema, source->DescribeQuery(cdc::CustomQueryForDescribe(table.name, table.custom_sql)));
  } else {
    SLUICE_ASSIGN_OR_RETURN(schema, source->DescribeTable(table.name));
  }
  SLUICE_ASSIGN_OR_RETURN(cdc::TableSpec spec, cdc::MakeTableSpec(table, schema));
  if (!options.load_only) {
    std::vector<std::string> notes;
    SLUICE_ASSIGN_OR_RETURN(cdc::Ceiling ceiling, ReadCeiling(*source, table, spec, &notes));
    for (const std::string& note : notes) out << "  ceiling: " << note << "\n";
    std::vector<std::string> warnings;
    SLUICE_RETURN_IF_ERROR(CountNullCursorRows(*source, table, spec, &warnings).status());
    for (const std::string& warning : warnings) out << "  warning: " << warning << "\n";
    for (const std::string& warning : cdc::SpecWarnings(table, spec)) out << "  warning: " << warning << "\n";
    Cursor start = stored.watermark.cursor;
    Lookback lookback = stored.watermark.lookback;
    if (!start.empty()) {
      SLUICE_ASSIGN_OR_RETURN(std::vector<std::string> added,
                              AddedColumnsWithValues(*source, table, stored.watermark.schema, *schema));
      if (!added.empty()) {
        out << fmt::format("  warning: column(s) {} were added in the source and already hold values that the rows "
                           "loaded before lack; the run reads the whole table again{}\n",
                           fmt::join(added, ", "), spec.primary_key.empty() ? " (refused: no primary key)" : "");
        start = Cursor();
        lookback = Lookback();
      }
    }
    SLUICE_ASSIGN_OR_RETURN(cdc::ChunkPlanner planner,
                            cdc::ChunkPlanner::Create(spec, start, ceiling, options.limit, lookback));
    for (const std::string& warning : planner.warnings()) out << "  warning: " << warning << "\n";
    out << fmt::format("  window:  {}\n", planner.DescribeWindow());
    if (std::optional<SelectQuery> query = planner.NextQuery()) {
      out << "  first query:\n    " << source->Explain(*query) << "\n";
    } else {
      out << "  nothing to read\n";
    }
  }
  if (!options.backup_only) {
    SLUICE_ASSIGN_OR_RETURN(target::Target * target, context.target());
    target::LoadRequest request;
    request.pipeline = context.pipeline().name;
    request.source_table = table.name;
    request.target_table = table.target_name;
    request.schema = schema;
    request.primary_key = spec.primary_key;
    SLUICE_ASSIGN_OR_RETURN(std::vector<std::string> ddl, target->PlanDdl(request));
    if (ddl.empty()) out << "  target:  table exists and matches; no DDL\n";
    for (const std::string& statement : ddl) out << "  target DDL:\n    " << statement << "\n";
  }
  out << fmt::format("  staged files waiting to load: {}\n", stored.watermark.staged_files.size());
  return Status::Ok();
}

}  // namespace

Status DryRun(const config::Config& config, const std::string& pipeline, const SyncOptions& options,
              std::ostream& out) {
  SLUICE_ASSIGN_OR_RETURN(std::unique_ptr<PipelineContext> context, PipelineContext::Open(config, pipeline, target::TargetAccess::kPlanOnly));
  std::vector<const config::TableConfig*> tables;
  if (options.tables.empty()) {
    for (const config::TableConfig& table : context->pipeline().tables) tables.push_back(&table);
  } else {
    for (const std::string& name : options.tables) {
      SLUICE_ASSIGN_OR_RETURN(const config::TableConfig* table, context->FindTable(name));
      tables.push_back(table);
    }
  }
  out << fmt::format("dry run of pipeline {} (nothing is written)\n", pipeline);
  Status first_error;
  for (const config::TableConfig* table : tables) {
    Status status = DryRunTable(*context, *table, options, out);
    if (!status.ok()) {
      out << "  error: " << Redact(status.message()) << "\n";
      if (first_error.ok()) first_error = status;
    }
  }
  return first_error;
}

}  // namespace sluice::sync
