#include "sync/ceiling.h"

#include <fmt/format.h>

#include "common/logging.h"

namespace sluice::sync {

Result<cdc::Ceiling> ReadCeiling(source::Source& source, const config::TableConfig& table,
                                 const cdc::TableSpec& spec, std::vector<std::string>* notes) {
  cdc::CeilingColumns columns = cdc::CeilingColumnsFor(spec);
  cdc::Ceiling ceiling;
  if (columns.timestamp_column.empty() && columns.id_column.empty()) return ceiling;
  // custom_sql reads its ceiling from the configured table, like every other strategy.
  SLUICE_ASSIGN_OR_RETURN(SchemaPtr schema, source.DescribeTable(table.name));
  auto type_of = [&](const std::string& column) -> Result<DataType> {
    auto index = schema->FieldIndex(column);
    if (!index) return InvalidArgument("table {}: column '{}' is not in the table", table.name, column);
    return schema->fields[*index].type;
  };
  if (!columns.timestamp_column.empty()) {
    SLUICE_ASSIGN_OR_RETURN(DataType type, type_of(columns.timestamp_column));
    SLUICE_ASSIGN_OR_RETURN(Value max, source.MaxValue(table.name, columns.timestamp_column, type));
    ceiling.timestamp = max;
    std::string note = fmt::format("MAX({}) = {}", columns.timestamp_column, max.ToString());
    if (max.kind() == Value::Kind::kTimestamp || max.kind() == Value::Kind::kDate) {
      SLUICE_ASSIGN_OR_RETURN(source::SourceClock clock, source.Clock());
      ceiling.timestamp = cdc::CapTimestampCeiling(max, type.id, clock.utc_micros, clock.local_micros);
      if (ceiling.timestamp != max) {
        note += fmt::format(", capped at {} (the source's clock: rows stamped now may still be committing; "
                            "they are read next run)",
                            ceiling.timestamp.ToString());
        SLUICE_LOG_DEBUG("table {}: {}", table.name, note);
      }
    }
    if (notes) notes->push_back(std::move(note));
  }
  if (!columns.id_column.empty()) {
    SLUICE_ASSIGN_OR_RETURN(DataType type, type_of(columns.id_column));
    SLUICE_ASSIGN_OR_RETURN(ceiling.id, source.MaxValue(table.name, columns.id_column, type));
    if (notes) notes->push_back(fmt::format("MAX({}) = {}", columns.id_column, ceiling.id.ToString()));
  }
  return ceiling;
}

Result<NullCursorRows> CountNullCursorRows(source::Source& source, const config::TableConfig& table,
                                          const cdc::TableSpec& spec, std::vector<std::string>* notes) {
  if (table.processing.null_cursor == config::NullCursor::kIgnore) return NullCursorRows{};
  NullCursorRows found;
  switch (spec.strategy) {
    // hybrid reads a row with a timestamp and a NULL id (it fails on it
    // loudly), so only its timestamp column hides rows.
    case config::CdcStrategy::kHybrid:
    case config::CdcStrategy::kTimestampOnly: found.column = spec.timestamp_column; break;
    case config::CdcStrategy::kIdOnly: found.column = spec.id_column; break;
    case config::CdcStrategy::kFullSync:
    case config::CdcStrategy::kCustomSql: return found;
  }
  auto index = spec.schema->FieldIndex(found.column);
  if (!index) return InvalidArgument("table {}: column '{}' is not in the table", table.name, found.column);
  SLUICE_ASSIGN_OR_RETURN(found.rows, source.CountNullKeys(table.name, spec.schema->fields[*index]));
  if (notes && found.rows > 0) {
    bool stops = table.processing.null_cursor == config::NullCursor::kError;
    notes->push_back(fmt::format("{} rows have no {} value and are never read by {} (processing.null_cursor: {}{})",
                                 found.rows, found.column, config::ToString(spec.strategy),
                                 config::ToString(table.processing.null_cursor),
                                 stops ? ": the run would stop this table" : ""));
  }
  return found;
}

Status CheckNullCursorRows(const config::TableConfig& table, const cdc::TableSpec& spec,
                           const NullCursorRows& found) {
  if (found.rows == 0) return Status::Ok();  // also with null_cursor: ignore, which counts nothing
  std::string what = fmt::format(
      "table {}: {} rows have {} NULL (or a MySQL zero date), which {} cannot order: it does not read them or "
      "their changes (a zero date is read once, by the table's first run). Give them a value (e.g. set {} from "
      "another column), or read the table with full_sync or with a custom_sql that COALESCEs the column",
      table.name, found.rows, found.column, config::ToString(spec.strategy), found.column);
  if (table.processing.null_cursor == config::NullCursor::kError) {
    return DataError("{}; nothing was read (processing.null_cursor: error; warn lets the run go on)", what);
  }
  SLUICE_LOG_WARN("{} (processing.null_cursor: ignore silences this)", what);
  return Status::Ok();
}

}  // namespace sluice::sync
