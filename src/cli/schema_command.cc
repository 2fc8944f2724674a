// sluice schema show: source columns, their Parquet types, the target DDL.
#include <cstdio>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "cdc/planner.h"
#include "cli/store_commands.h"
#include "common/display_width.h"
#include "format/parquet/type_mapping.h"

namespace sluice::cli {
namespace {

struct SchemaArgs {
  std::string pipeline;
  std::string table;
};

// One row of the columns table; names are padded by display width, so
// non-ASCII names (größe, 金额) line up with ASCII ones.
void PrintColumnsRow(std::string_view column, std::string_view source_type, std::string_view sluice_type,
                     std::string_view parquet_type) {
  std::printf("%s %s %s %.*s\n", PadToWidth(column, 28).c_str(), PadToWidth(source_type, 28).c_str(),
              PadToWidth(sluice_type, 14).c_str(), static_cast<int>(parquet_type.size()), parquet_type.data());
}

int Show(const Cli& cli, const SchemaArgs& args) {
  // Only reads: the target is opened read-only, and no warehouse file is created.
  Result<OpenedPipeline> opened = OpenPipeline(cli, args.pipeline, target::TargetAccess::kPlanOnly);
  if (!opened.has_value()) return ReportError(opened.error());
  sync::PipelineContext& context = *opened->context;
  Result<const config::TableConfig*> table = context.FindTable(args.table);
  if (!table.has_value()) return ReportError(table.error());
  Result<source::Source*> source = context.source();
  if (!source.has_value()) return ReportError(source.error());
  Result<SchemaPtr> schema = (*table)->cdc_strategy == config::CdcStrategy::kCustomSql
                                 ? (*source)->DescribeQuery(cdc::CustomQueryForDescribe(args.table, (*table)->custom_sql))
                                 : (*source)->DescribeTable(args.table);
  if (!schema.has_value()) return ReportError(schema.error());
  PrintColumnsRow("COLUMN", "SOURCE TYPE", "SLUICE TYPE", "PARQUET");
  for (const Field& field : (*schema)->fields) {
    PrintColumnsRow(field.name, field.source_type, field.type.ToString(), parquet::ParquetTypeFor(field).ToString());
  }
  Result<cdc::TableSpec> spec = cdc::MakeTableSpec(**table, *schema);
  if (!spec.has_value()) return ReportError(spec.error());
  std::printf("\nprimary key: %s\n",
              spec->primary_key.empty() ? "(none: rows are appended)" : fmt::format("{}", fmt::join(spec->primary_key, ", ")).c_str());
  Result<target::Target*> target = context.target();
  if (!target.has_value()) return ReportError(target.error());
  target::LoadRequest request;
  request.pipeline = args.pipeline;
  request.source_table = args.table;
  request.target_table = (*table)->target_name;
  request.schema = *schema;
  request.primary_key = spec->primary_key;
  Result<std::vector<std::string>> ddl = (*target)->PlanDdl(request);
  if (!ddl.has_value()) return ReportError(ddl.error());
  if (ddl->empty()) std::printf("target table %s exists and matches: no DDL\n", request.target_table.c_str());
  for (const std::string& statement : *ddl) std::printf("\n%s\n", statement.c_str());
  return kExitSuccess;
}

}  // namespace

void AddSchemaCommand(CLI::App& app, Cli& cli) {
  auto args = std::make_shared<SchemaArgs>();
  CLI::App* group = app.add_subcommand("schema", "How a table's columns map: source -> Parquet -> target");
  group->require_subcommand(1);
  CLI::App* show = group->add_subcommand("show", "Source columns, the Parquet type of each, and the target DDL");
  show->add_option("-p,--pipeline", args->pipeline, "Pipeline name")->required();
  show->add_option("-t,--table", args->table, "Table, as named in the pipeline")->required();
  show->footer("\nExample:\n  sluice schema show -p us_dw -t settlement.orders");
  show->callback([&cli, args] { cli.action = [&cli, args] { return Show(cli, *args); }; });
}

}  // namespace sluice::cli
