#include "sync/ceiling.h"

#include <fmt/format.h>

#include "common/logging.h"
#include "types/temporal.h"

namespace sluice::sync {
namespace {

// A naive ceiling further ahead of the writers' clock than this suggests
// they write another time zone than the one sluice assumes.
constexpr int64_t kAheadWarningMicros = 120 * kMicrosPerSecond;

}  // namespace

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
      bool naive = type.id != TypeId::kTimestampTz;
      int64_t writers_now = naive ? clock.local_micros : clock.utc_micros;
      ceiling.clock_micros = writers_now;
      note += naive ? fmt::format("; the writers' clock (time zone {}) reads {}", clock.zone,
                                  FormatTimestampIso(writers_now))
                    : fmt::format("; the source's clock reads {} UTC", FormatTimestampIso(writers_now));
      if (ceiling.timestamp != max) {
        note += fmt::format(", so the ceiling is capped at {} (rows stamped in the current {} may still be "
                            "committing; they are read next run)",
                            ceiling.timestamp.ToString(), type.id == TypeId::kDate ? "day" : "second");
      }
      SLUICE_LOG_DEBUG("table {}: {}", table.name, note);
      std::optional<int64_t> max_micros = max.AsMicros();
      if (naive && max_micros && *max_micros > writers_now + kAheadWarningMicros) {
        SLUICE_LOG_WARN("table {}: MAX({}) = {} is ahead of the writers' clock ({} in time zone {}); rows stamped "
                        "after it wait for a later run. If the application writes {} in another zone, set "
                        "time_zone: on the source connection to that zone",
                        table.name, columns.timestamp_column, max.ToString(), FormatTimestampIso(writers_now),
                        clock.zone, columns.timestamp_column);
      }
    }
    if (notes) notes->push_back(std::move(note));
  }
  if (!columns.id_column.empty()) {
    SLUICE_ASSIGN_OR_RETURN(DataType type, type_of(columns.id_column));
    SLUICE_ASSIGN_OR_RETURN(ceiling.id, source.MaxValue(table.name, columns.id_column, type));
    if (notes) notes->push_back(fmt::format("MAX({}) = {}", columns.id_column, ceiling.id.ToString()));
    if (spec.strategy == config::CdcStrategy::kIdOnly && spec.lookback_seconds > 0) {
      // The id lookback samples MAX(id) against the source's clock.
      SLUICE_ASSIGN_OR_RETURN(source::SourceClock clock, source.Clock());
      ceiling.clock_micros = clock.utc_micros;
    }
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

Result<std::vector<std::string>> AddedColumnsWithValues(source::Source& source, const config::TableConfig& table,
                                                        const std::optional<Schema>& recorded, const Schema& schema) {
  std::vector<std::string> added;
  if (!recorded || table.cdc_strategy == config::CdcStrategy::kFullSync ||
      table.cdc_strategy == config::CdcStrategy::kCustomSql) {
    return added;
  }
  for (const Field& field : schema.fields) {
    if (recorded->FieldIndex(field.name)) continue;
    SLUICE_ASSIGN_OR_RETURN(int64_t rows, source.CountValues(table.name, field));
    if (rows > 0) added.push_back(field.name);
  }
  return added;
}

Status CheckStrategyUnchanged(const config::TableConfig& table, const state::Watermark& watermark) {
  std::string_view configured = config::ToString(table.cdc_strategy);
  if (watermark.cdc_strategy.empty() || watermark.cdc_strategy == configured || watermark.cursor.empty() ||
      table.cdc_strategy == config::CdcStrategy::kFullSync) {
    return Status::Ok();
  }
  return InvalidArgument(
      "table {}: its watermark was kept by cdc_strategy {}, but the configuration now says {}, to which the cursor "
      "means something else; nothing was read. Run `sluice watermark reset -p {} -t {} --yes` to start {} from the "
      "beginning (the merge keeps the target right), or set cdc_strategy back to {}",
      table.name, watermark.cdc_strategy, configured, watermark.pipeline, table.name, configured,
      watermark.cdc_strategy);
}

}  // namespace sluice::sync
