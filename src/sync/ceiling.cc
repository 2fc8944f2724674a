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

}  // namespace sluice::sync
