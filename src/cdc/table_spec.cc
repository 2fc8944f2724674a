#include "cdc/table_spec.h"

#include <fmt/ranges.h>

#include <map>

#include "common/spelling.h"
#include "types/metadata_columns.h"

namespace sluice::cdc {
namespace {

bool IsTimestampType(TypeId id) {
  return id == TypeId::kTimestamp || id == TypeId::kTimestampTz || id == TypeId::kDate;
}

bool IsIdType(const DataType& type) {
  if (IsIntegerType(type.id) || type.id == TypeId::kString) return true;
  return type.id == TypeId::kDecimal && type.scale == 0 && type.storage() != Storage::kBytes;
}

std::string ColumnList(const Schema& schema) {
  std::vector<std::string> names;
  for (const Field& field : schema.fields) names.push_back(field.name);
  return fmt::format("{}", fmt::join(names, ", "));
}

Status CheckColumn(const TableSpec& spec, const std::string& key, const std::string& column, bool timestamp) {
  std::optional<size_t> index = spec.schema->FieldIndex(column);
  if (!index) {
    return InvalidArgument("table {}: {} '{}' is not a column of the table (columns: {})", spec.table, key, column,
                           ColumnList(*spec.schema));
  }
  const Field& field = spec.schema->fields[*index];
  if (timestamp && !IsTimestampType(field.type.id)) {
    return InvalidArgument(
        "table {}: {} '{}' is {} ({}); it must be a DATE, DATETIME or TIMESTAMP column (or use cdc_strategy: id_only)",
        spec.table, key, column, field.type.ToString(), field.source_type);
  }
  if (!timestamp && !IsIdType(field.type)) {
    return InvalidArgument("table {}: {} '{}' is {} ({}); it must be an integer or string column", spec.table, key,
                           column, field.type.ToString(), field.source_type);
  }
  return Status::Ok();
}

// lookback_seconds as configured, else the default where re-reads can be
// merged away; an explicit lookback without a key would append every
// re-read row again each run, so it is refused.
Status ResolveLookback(const config::TableConfig& table, TableSpec& spec) {
  using config::CdcStrategy;
  if (table.lookback_seconds) {
    spec.lookback_seconds = *table.lookback_seconds;
    if (spec.lookback_seconds > 0 && spec.primary_key.empty()) {
      return InvalidArgument(
          "table {}: lookback_seconds: {} re-reads rows already loaded, and without a primary key they cannot be "
          "merged, so every run would append them again. Set primary_key: [...] to the columns that identify a row, "
          "or remove lookback_seconds (a transaction committing after a run read past it is then missed)",
          spec.table, spec.lookback_seconds);
    }
    return Status::Ok();
  }
  bool incremental = spec.strategy == CdcStrategy::kHybrid || spec.strategy == CdcStrategy::kTimestampOnly ||
                     spec.strategy == CdcStrategy::kIdOnly;
  spec.lookback_seconds = incremental && !spec.primary_key.empty() ? kDefaultLookbackSeconds : 0;
  return Status::Ok();
}

// DuckDB and Redshift compare column names ignoring case, so "a" and "A"
// would land in one target column.
Status CheckNamesDifferBeyondCase(const TableSpec& spec, bool custom_sql) {
  std::map<std::string, const Field*> seen;  // lower case -> first field
  for (const Field& field : spec.schema->fields) {
    auto [first, inserted] = seen.emplace(AsciiLower(field.name), &field);
    if (inserted) continue;
    std::string remedy =
        custom_sql ? fmt::format("give one of them another name in custom_sql (e.g. SELECT \"{}\" AS {}_2)",
                                 field.name, AsciiLower(field.name))
                   : fmt::format("rename one of them in the source (e.g. ALTER TABLE {} RENAME COLUMN \"{}\" TO "
                                 "{}_2), or read the table with cdc_strategy: custom_sql and select one under another "
                                 "name (SELECT ..., \"{}\" AS {}_2)",
                                 spec.table, field.name, AsciiLower(field.name), field.name, AsciiLower(field.name));
    return InvalidArgument(
        "table {}: columns \"{}\" and \"{}\" differ only in case, and the warehouse compares column names "
        "ignoring case, so it cannot hold both; nothing was read or written. To sync the table, {}",
        spec.table, first->second->name, field.name, remedy);
  }
  return Status::Ok();
}

// custom_sql: a cursor column the query returns must be able to advance the
// cursor, or every run would read (and append) the same rows again.
Status CheckCustomCursorColumn(const TableSpec& spec, const std::string& key, const std::string& column,
                               bool timestamp) {
  std::optional<size_t> index = spec.schema->FieldIndex(column);
  if (!index) return Status::Ok();  // not returned: the ceiling gives the cursor
  const Field& field = spec.schema->fields[*index];
  if (timestamp ? IsTimestampType(field.type.id) : IsIdType(field.type)) return Status::Ok();
  std::string type = field.source_type.empty() ? field.type.ToString()
                                               : fmt::format("{} ({})", field.type.ToString(), field.source_type);
  return InvalidArgument(
      "table {}: {} '{}' is {} in the custom_sql query's result, which {}, so the cursor could never advance and "
      "every run would read the same rows again; nothing was read. Follow a column whose type is {} (CAST it in "
      "the query on MySQL and PostgreSQL, e.g. CAST({} AS {}) AS {}; SQLite takes a column's type from its "
      "declaration only: declare it {}){}",
      spec.table, key, column, type, timestamp ? "is not a date or timestamp" : "cannot be ordered as an id",
      timestamp ? "DATE, DATETIME or TIMESTAMP" : "an integer or a string", column,
      timestamp ? "TIMESTAMP" : "BIGINT", column, timestamp ? "DATETIME" : "INTEGER",
      timestamp ? ", or use cdc_id_column with an integer column" : "");
}

}  // namespace

Result<TableSpec> MakeTableSpec(const config::TableConfig& table, SchemaPtr schema) {
  TableSpec spec;
  spec.strategy = table.cdc_strategy;
  spec.table = table.name;
  spec.schema = std::move(schema);
  spec.batch_size = table.processing.batch_size;
  spec.custom_sql = table.custom_sql;
  spec.primary_key = table.primary_key.empty() ? spec.schema->primary_key : table.primary_key;
  SLUICE_RETURN_IF_ERROR(CheckNamesDifferBeyondCase(spec, table.cdc_strategy == config::CdcStrategy::kCustomSql));
  SLUICE_RETURN_IF_ERROR(
      CheckNoMetadataColumns(spec.table, *spec.schema, table.cdc_strategy == config::CdcStrategy::kCustomSql));
  for (const std::string& column : spec.primary_key) {
    if (!spec.schema->FieldIndex(column)) {
      return InvalidArgument("table {}: primary_key column '{}' is not a column of the table (columns: {})",
                             spec.table, column, ColumnList(*spec.schema));
    }
  }
  using config::CdcStrategy;
  bool uses_timestamp = spec.strategy == CdcStrategy::kHybrid || spec.strategy == CdcStrategy::kTimestampOnly;
  bool uses_id = spec.strategy == CdcStrategy::kHybrid || spec.strategy == CdcStrategy::kIdOnly;
  if (spec.strategy == CdcStrategy::kCustomSql) {
    // custom_sql: the columns are optional; when set they give the ceiling and the cursor.
    uses_timestamp = !table.cdc_timestamp_column.empty();
    uses_id = !table.cdc_id_column.empty();
  }
  if (uses_timestamp) {
    spec.timestamp_column = table.cdc_timestamp_column;
    SLUICE_RETURN_IF_ERROR(spec.strategy == CdcStrategy::kCustomSql
                               ? CheckCustomCursorColumn(spec, "cdc_timestamp_column", spec.timestamp_column, true)
                               : CheckColumn(spec, "cdc_timestamp_column", spec.timestamp_column, true));
  }
  if (uses_id) {
    spec.id_column = table.cdc_id_column;
    SLUICE_RETURN_IF_ERROR(spec.strategy == CdcStrategy::kCustomSql
                               ? CheckCustomCursorColumn(spec, "cdc_id_column", spec.id_column, false)
                               : CheckColumn(spec, "cdc_id_column", spec.id_column, false));
  }
  // Paging by (timestamp, id) skips rows when two share both values: the id must be unique.
  if (spec.strategy == CdcStrategy::kHybrid && !spec.IdIsUnique()) {
    return InvalidArgument(
        "table {}: hybrid pages by ({}, {}), so {} must be unique, but the primary key is {}. If {} is unique, "
        "set primary_key: [{}]; otherwise use cdc_strategy: timestamp_only (it reads ties whole and merges by the "
        "primary key)",
        spec.table, spec.timestamp_column, spec.id_column, spec.id_column,
        spec.primary_key.empty() ? std::string("(none)") : fmt::format("({})", fmt::join(spec.primary_key, ", ")),
        spec.id_column, spec.id_column);
  }
  SLUICE_RETURN_IF_ERROR(ResolveLookback(table, spec));
  return spec;
}

std::vector<std::string> SpecWarnings(const config::TableConfig& table, const TableSpec& spec) {
  using config::CdcStrategy;
  std::vector<std::string> warnings;
  if (!table.primary_key.empty() && table.primary_key != spec.schema->primary_key &&
      spec.strategy != CdcStrategy::kFullSync) {
    warnings.push_back(fmt::format(
        "table {}: primary_key [{}] is not the source's primary key{}: sluice refuses a run whose rows repeat it, "
        "but cannot tell a later row with the same key from an update of the first, and would merge the two. "
        "Declare the key unique in the source, or configure the source's own key",
        spec.table, fmt::join(table.primary_key, ", "),
        spec.schema->primary_key.empty() ? std::string(" (it declares none)")
                                         : fmt::format(" ({})", fmt::join(spec.schema->primary_key, ", "))));
  }
  if (spec.lookback_seconds > 0 || spec.strategy == CdcStrategy::kFullSync) return warnings;
  if (table.lookback_seconds) {
    warnings.push_back(fmt::format(
        "table {}: lookback_seconds is 0, so a transaction that commits after a run has read past its rows is never "
        "read (its rows stay missing or stale in the target); remove the setting to use the default of {} s",
        spec.table, kDefaultLookbackSeconds));
  } else if (spec.strategy != CdcStrategy::kCustomSql) {
    warnings.push_back(fmt::format(
        "table {}: no primary key, so rows are appended and nothing is re-read behind the cursor: a transaction "
        "that commits after a run has read past its rows is never read. Set primary_key: [...] to the columns that "
        "identify a row, which merges re-reads and turns on the default lookback of {} s",
        spec.table, kDefaultLookbackSeconds));
  }
  return warnings;
}

}  // namespace sluice::cdc
