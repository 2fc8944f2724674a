// `sync --dry-run`: prints the TablePlan the run would execute, touching nothing.
#include <fmt/format.h>
#include <fmt/ranges.h>

#include "common/redact.h"
#include "sync/pipeline.h"
#include "sync/table_plan.h"
#include "types/temporal.h"

namespace sluice::sync {
namespace {

std::string CursorText(const Cursor& cursor) {
  if (cursor.empty()) return "none (first run: everything up to the ceiling)";
  // "first copy in primary-key order after 42 up to ..."
  if (cursor.copy) return fmt::format("first copy {}", ToString(*cursor.copy));
  std::vector<std::string> parts;
  if (cursor.timestamp_micros) parts.push_back("timestamp " + FormatTimestampIso(*cursor.timestamp_micros));
  if (!cursor.id.is_null()) parts.push_back("id " + cursor.id.ToString());
  return fmt::format("{}", fmt::join(parts, ", "));
}

std::string_view ModeText(target::LoadMode mode) {
  switch (mode) {
    case target::LoadMode::kMerge: return "merge";
    case target::LoadMode::kAppend: return "append";
    case target::LoadMode::kReplace: return "replace";
  }
  return "merge";
}

// "merge (2 staged files waiting, then what the extract stages, if it reads rows)", "none (...)".
std::string LoadText(const TablePlan& plan, const config::TableConfig& table, const SyncOptions& options) {
  if (options.backup_only) return "none (--backup-only)";
  if (!plan.Loads()) {
    return options.load_only ? "none (--load-only and no staged files)"
                             : "none (no staged files and nothing new to read)";
  }
  std::vector<std::string> what;
  if (plan.waiting_files > 0) what.push_back(fmt::format("{} staged files waiting", plan.waiting_files));
  if (plan.extract_stages) {
    what.push_back(table.cdc_strategy == config::CdcStrategy::kFullSync ? "the copy the extract stages"
                                                                        : "what the extract stages, if it reads rows");
  }
  return fmt::format("{} ({})", ModeText(plan.load_mode), fmt::join(what, ", then "));
}

void PrintExtract(const TablePlan& plan, source::Source& source, std::ostream& out) {
  for (const std::string& note : plan.ceiling_notes) out << "  ceiling: " << note << "\n";
  for (const std::string& note : plan.null_cursor_notes) out << "  warning: " << note << "\n";
  for (const std::string& warning : plan.warnings) out << "  warning: " << warning << "\n";
  out << fmt::format("  window:  {}\n", plan.window);
  if (plan.first_query) {
    out << "  first query:\n    " << source.Explain(*plan.first_query) << "\n";
  } else {
    out << "  nothing to read\n";
  }
}

Status DryRunTable(PipelineContext& context, const config::TableConfig& table, const SyncOptions& options,
                   std::ostream& out) {
  out << fmt::format("table {} ({} -> {})\n", table.name, config::ToString(table.cdc_strategy), table.target_name);
  SLUICE_ASSIGN_OR_RETURN(state::VersionedWatermark stored,
                          context.watermarks().Load(context.pipeline().name, table.name));
  out << fmt::format("  cursor:  {}\n", CursorText(stored.watermark.cursor));
  PlanInputs inputs{&context.pipeline(),
                    &table,
                    &stored.watermark,
                    &options,
                    [&context] { return context.source(); },
                    [&context] { return context.target(); }};
  TablePlan plan;
  Status planned = PlanTableRun(inputs, plan);
  // What was planned before an error is shown with it.
  if (plan.planner) {
    SLUICE_ASSIGN_OR_RETURN(source::Source * source, context.source());
    PrintExtract(plan, *source, out);
  }
  SLUICE_RETURN_IF_ERROR(planned);
  out << fmt::format("  load:    {}\n", LoadText(plan, table, options));
  if (plan.target_unreachable) {
    // The run extracts all the same; its load fails with this, and only a load needs the target.
    if (plan.Loads()) {
      return plan.target_unreachable->WithContext("the run would stage its rows, but not load them");
    }
    out << "  target:  cannot be read now (" << Redact(plan.target_unreachable->message())
        << "); nothing loads, so the run does not need it\n";
  }
  if (plan.ddl) {
    if (plan.ddl->empty()) out << "  target:  table exists and matches; no DDL\n";
    for (const std::string& statement : *plan.ddl) out << "  target DDL:\n    " << statement << "\n";
  }
  out << fmt::format("  staged files waiting to load: {}\n", stored.watermark.staged_files.size());
  return Status::Ok();
}

}  // namespace

Result<std::vector<Status>> DryRun(const config::Config& config, const std::string& pipeline,
                                   const SyncOptions& options, std::ostream& out) {
  SLUICE_ASSIGN_OR_RETURN(std::unique_ptr<PipelineContext> context,
                          PipelineContext::Open(config, pipeline, target::TargetAccess::kPlanOnly));
  SLUICE_ASSIGN_OR_RETURN(std::vector<const config::TableConfig*> tables, SelectTables(context->pipeline(), options));
  out << fmt::format("dry run of pipeline {} (nothing is written)\n", pipeline);
  std::vector<Status> table_failures;
  for (const config::TableConfig* table : tables) {
    Status status = DryRunTable(*context, *table, options, out);
    if (!status.ok()) {
      out << "  error: " << Redact(status.message()) << "\n";
      table_failures.push_back(std::move(status));
    }
  }
  return table_failures;
}

}  // namespace sluice::sync
