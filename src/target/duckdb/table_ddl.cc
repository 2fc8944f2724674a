#include "target/duckdb/table_ddl.h"

#include <fmt/format.h>

#include <algorithm>

#include "target/duckdb/duckdb_api.h"

namespace sluice::target::duckdb {
namespace {

const ExistingColumn* FindColumn(const std::vector<ExistingColumn>& columns, std::string_view name) {
  for (const ExistingColumn& column : columns) {
    if (SameIdentifier(column.name, name)) return &column;
  }
  return nullptr;
}

bool HasField(const Schema& schema, std::string_view name) {
  for (const Field& field : schema.fields) {
    if (SameIdentifier(field.name, name)) return true;
  }
  return false;
}

// A source column the table lacks whose values `dropped` can hold: what a
// rename in the source looks like from here. Each is offered once.
const Field* RenameCandidate(const ExistingColumn& dropped, const std::vector<ExistingColumn>& existing,
                             const Schema& schema, const std::vector<const Field*>& taken, bool json_available) {
  for (const Field& field : schema.fields) {
    if (FindColumn(existing, field.name) != nullptr || std::ranges::find(taken, &field) != taken.end()) continue;
    if (CanHold(dropped.type, ColumnTypeFor(field.type, json_available))) return &field;
  }
  return nullptr;
}

std::string SourceTypeLabel(const Field& field) {
  return field.source_type.empty() ? field.type.ToString() : field.source_type;
}

std::string MismatchMessage(const TableRef& table, const std::vector<std::string>& problems,
                            const std::string& example_fix) {
  return fmt::format(
      "table {} (pipeline {}, source table {}): the target cannot take the new source schema without losing "
      "data; nothing was changed. {}. Remedy: change the column in the target yourself if its values convert "
      "(e.g. {}), or drop the target table and run `sluice watermark reset -p {} -t {} --yes` to reload it in full",
      table.Label(), table.pipeline, table.source_table, fmt::join(problems, "; "), example_fix, table.pipeline,
      table.source_table);
}

}  // namespace

std::string TableRef::QualifiedName() const { return duckdb::QualifiedName(schema, table); }
std::string TableRef::Label() const { return schema + "." + table; }

std::string CreateTableSql(std::string_view qualified_name, const Schema& schema, bool json_available) {
  std::vector<std::string> columns;
  columns.reserve(schema.fields.size());
  for (const Field& field : schema.fields) {
    columns.push_back(fmt::format("{} {}{}", QuoteIdentifier(field.name),
                                  ColumnTypeFor(field.type, json_available).ToSql(),
                                  field.nullable ? "" : " NOT NULL"));
  }
  return fmt::format("CREATE TABLE {} ({})", qualified_name, fmt::join(columns, ", "));
}

Result<std::vector<std::string>> AlterTableSql(const TableRef& table, const std::vector<ExistingColumn>& existing,
                                               const Schema& schema, bool json_available) {
  const std::string qualified_name = table.QualifiedName();
  std::vector<std::string> statements;
  std::vector<std::string> problems;
  std::string example_fix;
  for (const Field& field : schema.fields) {
    ColumnType wanted = ColumnTypeFor(field.type, json_available);
    const std::string column_name = QuoteIdentifier(field.name);
    const ExistingColumn* column = FindColumn(existing, field.name);
    if (column == nullptr) {
      statements.push_back(fmt::format("ALTER TABLE {} ADD COLUMN {} {}", qualified_name, column_name, wanted.ToSql()));
      continue;
    }
    if (!CanHold(column->type, wanted)) {
      if (!CanHold(wanted, column->type)) {
        problems.push_back(fmt::format("column {}: the target has {}, the source now sends {} ({} in DuckDB)",
                                       column_name, column->type.ToSql(), SourceTypeLabel(field), wanted.ToSql()));
        if (example_fix.empty()) {
          example_fix = fmt::format("ALTER TABLE {} ALTER COLUMN {} SET DATA TYPE {}", qualified_name,
                                    QuoteIdentifier(column->name), wanted.ToSql());
        }
        continue;
      }
      statements.push_back(fmt::format("ALTER TABLE {} ALTER COLUMN {} SET DATA TYPE {}", qualified_name,
                                       QuoteIdentifier(column->name), wanted.ToSql()));
    }
    if (!column->nullable && field.nullable) {
      statements.push_back(
          fmt::format("ALTER TABLE {} ALTER COLUMN {} DROP NOT NULL", qualified_name, QuoteIdentifier(column->name)));
    }
  }
  // SPEC §5a: a column the source dropped stops the table; filling it with
  // NULLs from now on would quietly change what the column means. It may
  // have been renamed: renaming it in the target keeps its values, so that
  // comes first; DROP COLUMN loses them.
  std::vector<const Field*> renamed_to;  // new source columns already offered as a rename
  for (const ExistingColumn& column : existing) {
    if (HasField(schema, column.name)) continue;
    const Field* candidate = RenameCandidate(column, existing, schema, renamed_to, json_available);
    std::string rename = fmt::format("ALTER TABLE {} RENAME COLUMN {} TO {}", qualified_name,
                                     QuoteIdentifier(column.name),
                                     candidate ? QuoteIdentifier(candidate->name) : std::string("<its new name>"));
    if (candidate) renamed_to.push_back(candidate);
    problems.push_back(fmt::format(
        "column {} is in the target but the source no longer has it{}: if the source renamed it, rename it in the "
        "target to keep its values ({}); otherwise restore it in the source, or, only if its values are not needed, "
        "ALTER TABLE {} DROP COLUMN {}",
        QuoteIdentifier(column.name),
        candidate ? fmt::format(" and has a new column {}", QuoteIdentifier(candidate->name)) : "", rename,
        qualified_name, QuoteIdentifier(column.name)));
    if (example_fix.empty()) example_fix = rename;
  }
  if (!problems.empty()) return SchemaMismatch(MismatchMessage(table, problems, example_fix));
  return statements;
}

}  // namespace sluice::target::duckdb
