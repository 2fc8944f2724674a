#include "sync/table_plan.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <map>

#include "sync/layout.h"

namespace sluice::sync {
namespace {

bool IsWholeCopy(config::CdcStrategy strategy) {
  return strategy == config::CdcStrategy::kFullSync || strategy == config::CdcStrategy::kCustomSql;
}

std::vector<std::string> OrderColumns(const cdc::TableSpec& spec) {
  std::vector<std::string> columns;
  if (!spec.timestamp_column.empty()) columns.push_back(spec.timestamp_column);
  if (!spec.id_column.empty()) columns.push_back(spec.id_column);
  return columns;
}

// full_sync: replace swaps the table, append adds the copy; incremental
// tables merge on their key, or append without one.
target::LoadMode ModeFor(const config::TableConfig& table, const cdc::TableSpec& spec) {
  if (table.cdc_strategy == config::CdcStrategy::kFullSync) {
    return table.full_sync_mode == config::FullSyncMode::kReplace ? target::LoadMode::kReplace
                                                                  : target::LoadMode::kAppend;
  }
  return spec.primary_key.empty() ? target::LoadMode::kAppend : target::LoadMode::kMerge;
}

// The schema the run works with, and its spec; the strategy check.
Status PlanSchema(const PlanInputs& inputs, TablePlan& plan) {
  const config::TableConfig& table = *inputs.table;
  const state::Watermark& watermark = *inputs.watermark;
  if (inputs.options->load_only && watermark.schema) {
    // Load what was staged, as it was staged: no source needed.
    plan.schema = std::make_shared<Schema>(*watermark.schema);
  } else {
    if (!inputs.options->load_only) SLUICE_RETURN_IF_ERROR(CheckStrategyUnchanged(table, watermark));
    SLUICE_ASSIGN_OR_RETURN(source::Source * source, inputs.source());
    if (table.cdc_strategy == config::CdcStrategy::kCustomSql) {
      SLUICE_ASSIGN_OR_RETURN(plan.schema,
                              source->DescribeQuery(cdc::CustomQueryForDescribe(table.name, table.custom_sql)));
    } else {
      SLUICE_ASSIGN_OR_RETURN(plan.schema, source->DescribeTable(table.name));
    }
  }
  Result<cdc::TableSpec> spec = cdc::MakeTableSpec(table, plan.schema);
  if (!spec.has_value()) {
    plan.schema.reset();  // a schema without a spec cannot load anything
    return spec.error();
  }
  plan.spec = std::move(*spec);
  return Status::Ok();
}

// Where the extract starts: the stored cursor, unless columns the source
// added already hold values the rows loaded before lack.
Status PlanStart(const PlanInputs& inputs, source::Source& source, TablePlan& plan) {
  const config::TableConfig& table = *inputs.table;
  const state::Watermark& watermark = *inputs.watermark;
  plan.start_cursor = watermark.cursor;
  plan.lookback = watermark.lookback;
  if (watermark.cursor.empty()) return Status::Ok();
  SLUICE_ASSIGN_OR_RETURN(plan.added_columns, AddedColumnsWithValues(source, table, watermark.schema, *plan.schema));
  if (plan.added_columns.empty()) return Status::Ok();
  std::string names = fmt::format("'{}'", fmt::join(plan.added_columns, "', '"));
  if (plan.spec.primary_key.empty()) {
    return SchemaMismatch(
        "table {}: column(s) {} were added in the source and already hold values that the rows loaded before "
        "lack; without a primary key those rows cannot be merged again. Remedy: drop the target table {} and run "
        "`sluice watermark reset -p {} -t {} --yes` to reload it",
        table.name, names, table.target_name, inputs.pipeline->name, table.name);
  }
  plan.warnings.push_back(fmt::format(
      "table {}: column(s) {} were added in the source and already hold values (a default or a backfill) that "
      "the rows loaded before lack; this run reads the whole table again so the target gets them",
      table.name, names));
  plan.start_cursor = Cursor();
  plan.lookback = Lookback();
  return Status::Ok();
}

// id_only over a column that is not the primary key: the planner leaves
// the rows of the newest id for a later run (more rows may still join
// them), which a user otherwise sees as rows that never arrive.
std::optional<std::string> HeldBackIdNote(const config::TableConfig& table, const cdc::TableSpec& spec,
                                          const cdc::Ceiling& ceiling) {
  if (spec.strategy != config::CdcStrategy::kIdOnly || spec.IdIsUnique() || ceiling.id.is_null()) {
    return std::nullopt;
  }
  return fmt::format(
      "table {}: cdc_id_column {} is not the table's primary key, so the rows with the newest id ({}) are held "
      "back until a larger id arrives, since more rows could still join them (docs/data-gaps.md). Declare the "
      "column the primary key, or set primary_key: [{}]",
      table.name, spec.id_column, ceiling.id.ToString(), spec.id_column);
}

Status PlanExtract(const PlanInputs& inputs, TablePlan& plan) {
  const config::TableConfig& table = *inputs.table;
  SLUICE_ASSIGN_OR_RETURN(source::Source * source, inputs.source());
  SLUICE_ASSIGN_OR_RETURN(plan.ceiling, ReadCeiling(*source, table, plan.spec, &plan.ceiling_notes));
  SLUICE_ASSIGN_OR_RETURN(plan.null_cursor_rows,
                          CountNullCursorRows(*source, table, plan.spec, &plan.null_cursor_notes));
  for (std::string& warning : cdc::SpecWarnings(table, plan.spec)) plan.warnings.push_back(std::move(warning));
  SLUICE_RETURN_IF_ERROR(PlanStart(inputs, *source, plan));
  std::optional<HeapLayout> heap;  // a first copy reads in heap order where the source can
  if (cdc::MayCopyFirst(plan.spec, plan.start_cursor)) {
    SLUICE_ASSIGN_OR_RETURN(heap, source->DescribeHeap(table.name));
  }
  SLUICE_ASSIGN_OR_RETURN(cdc::ChunkPlanner planner,
                          cdc::ChunkPlanner::Create(plan.spec, plan.start_cursor, plan.ceiling, inputs.options->limit,
                                                    plan.lookback, std::move(heap)));
  for (const std::string& warning : planner.warnings()) plan.warnings.push_back(warning);
  if (std::optional<std::string> held_back = HeldBackIdNote(table, plan.spec, plan.ceiling)) {
    plan.warnings.push_back(std::move(*held_back));
  }
  plan.window = planner.DescribeWindow();
  cdc::ChunkPlanner probe = planner;  // the plan keeps its planner unconsumed
  plan.first_query = probe.NextQuery();
  plan.planner = std::move(planner);
  return Status::Ok();
}

// Whether a target's error is its verdict on the table's rows (they cannot
// load as configured: a column the source dropped, a type it cannot hold),
// rather than the target being out of reach for now.
bool IsVerdictOnTheRows(const Status& error) {
  switch (error.code()) {
    case StatusCode::kSchemaMismatch:
    case StatusCode::kInvalidArgument:
    case StatusCode::kNotSupported: return true;
    default: return false;
  }
}

// Asked also when nothing loads: a target that cannot take the source's rows
// stops the table now, not at whichever later run first reads a row. A
// target out of reach stops nothing yet: the extract stages, the load fails.
Status PlanTarget(const PlanInputs& inputs, const target::LoadRequest& request, TablePlan& plan) {
  Result<target::Target*> target = inputs.target();
  Result<std::vector<std::string>> ddl =
      target.has_value() ? (*target)->PlanDdl(request) : Result<std::vector<std::string>>(target.error());
  if (!ddl.has_value()) {
    if (IsVerdictOnTheRows(ddl.error())) return ddl.error();
    plan.target_unreachable = ddl.error();
    return Status::Ok();
  }
  if (plan.Loads()) plan.ddl = std::move(*ddl);
  return Status::Ok();
}

}  // namespace

Result<const config::TableConfig*> FindTable(const config::PipelineConfig& pipeline, const std::string& name) {
  std::vector<std::string> names;
  for (const config::TableConfig& candidate : pipeline.tables) {
    if (candidate.name == name) return &candidate;
    names.push_back(candidate.name);
  }
  return NotFound("table '{}' is not in pipeline '{}' (tables: {})", name, pipeline.name,
                  fmt::format("{}", fmt::join(names, ", ")));
}


Result<std::vector<const config::TableConfig*>> SelectTables(const config::PipelineConfig& pipeline,
                                                             const SyncOptions& options) {
  if (options.backup_only && options.load_only) {
    return InvalidArgument("--backup-only and --load-only exclude each other");
  }
  // Data file names carry the table's key-safe name; two tables must not share one.
  std::map<std::string, std::string> safe_names;
  for (const config::TableConfig& table : pipeline.tables) {
    auto [existing, inserted] = safe_names.emplace(KeySafeName(table.name), table.name);
    if (!inserted) {
      return InvalidArgument(
          "tables '{}' and '{}' of pipeline {} would share data file names ('{}'); rename one "
          "(the table key) so they differ in more than spaces or punctuation",
          existing->second, table.name, pipeline.name, existing->first);
    }
  }
  std::vector<const config::TableConfig*> selected;
  if (options.tables.empty()) {
    for (const config::TableConfig& table : pipeline.tables) selected.push_back(&table);
  } else {
    for (const std::string& name : options.tables) {
      SLUICE_ASSIGN_OR_RETURN(const config::TableConfig* table, FindTable(pipeline, name));
      if (std::find(selected.begin(), selected.end(), table) == selected.end()) selected.push_back(table);
    }
  }
  if (options.limit) {
    std::vector<std::string> whole_copies;
    for (const config::TableConfig* table : selected) {
      if (IsWholeCopy(table->cdc_strategy)) whole_copies.push_back(table->name);
    }
    if (!whole_copies.empty()) {
      return InvalidArgument(
          "--limit cannot apply to {} (full_sync and custom_sql read everything in one go: a partial copy would "
          "replace the whole table or skip rows). Select the incremental tables with -t",
          fmt::join(whole_copies, ", "));
    }
  }
  return selected;
}

target::LoadRequest LoadRequestFor(const config::PipelineConfig& pipeline, const config::TableConfig& table,
                                   const SchemaPtr& schema, const cdc::TableSpec& spec, const std::string& run_id) {
  target::LoadRequest request;
  request.pipeline = pipeline.name;
  request.source_table = table.name;
  request.target_table = table.target_name;
  request.schema = schema;
  request.primary_key = spec.primary_key;
  request.order_columns = OrderColumns(spec);
  request.mode = ModeFor(table, spec);
  request.run_id = run_id;
  return request;
}

Status PlanTableRun(const PlanInputs& inputs, TablePlan& plan) {
  const config::TableConfig& table = *inputs.table;
  plan.strategy = table.cdc_strategy;
  plan.stored_cursor = inputs.watermark->cursor;
  plan.start_cursor = plan.stored_cursor;
  plan.lookback = inputs.watermark->lookback;
  SLUICE_RETURN_IF_ERROR(PlanSchema(inputs, plan));
  target::LoadRequest request = LoadRequestFor(*inputs.pipeline, table, plan.schema, plan.spec, "");
  plan.load_mode = request.mode;
  plan.primary_key = request.primary_key;
  plan.order_columns = request.order_columns;
  if (!inputs.options->load_only) SLUICE_RETURN_IF_ERROR(PlanExtract(inputs, plan));
  if (inputs.options->backup_only) return Status::Ok();
  plan.waiting_files = inputs.watermark->staged_files.size();
  plan.extract_stages = plan.first_query.has_value();
  return inputs.target ? PlanTarget(inputs, request, plan) : Status::Ok();
}

}  // namespace sluice::sync
