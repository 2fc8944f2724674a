#include "cdc/cursor_check.h"

#include <charconv>

#include <fmt/format.h>

#include "types/temporal.h"

namespace sluice::cdc {
namespace {

constexpr std::string_view kRemedy =
    "move it with `sluice watermark set -p <pipeline> -t {} --timestamp TS --id N --yes` (the parts the strategy "
    "uses) or start over with `sluice watermark reset -p <pipeline> -t {} --yes`";

std::string Remedy(const TableSpec& spec) { return fmt::format(fmt::runtime(kRemedy), spec.table, spec.table); }

// "42" -> Int64, "18446744073709551615" -> UInt64; nullopt when not an integer that fits.
std::optional<Value> ParseInteger(const std::string& text) {
  const char* end = text.data() + text.size();
  int64_t signed_value = 0;
  auto [signed_end, signed_error] = std::from_chars(text.data(), end, signed_value);
  if (!text.empty() && signed_error == std::errc() && signed_end == end) return Value::Int64(signed_value);
  uint64_t unsigned_value = 0;
  auto [unsigned_end, unsigned_error] = std::from_chars(text.data(), end, unsigned_value);
  if (!text.empty() && unsigned_error == std::errc() && unsigned_end == end) return Value::UInt64(unsigned_value);
  return std::nullopt;
}

bool AllDigits(const std::string& text) {
  std::string_view digits = text;
  if (digits.starts_with('-')) digits.remove_prefix(1);
  return !digits.empty() && digits.find_first_not_of("0123456789") == std::string_view::npos;
}

std::string ColumnType(const Field& field) {
  return field.source_type.empty() ? field.type.ToString()
                                   : fmt::format("{} ({})", field.type.ToString(), field.source_type);
}

std::string CursorText(const Value& value) {
  return value.kind() == Value::Kind::kText ? fmt::format("'{}'", value.text()) : value.ToString();
}

}  // namespace

Result<Value> IdForColumn(const TableSpec& spec, const Value& id) {
  std::optional<size_t> index = spec.id_column.empty() ? std::nullopt : spec.schema->FieldIndex(spec.id_column);
  if (id.is_null() || !index) return id;
  const Field& field = spec.schema->fields[*index];
  if (field.type.id == TypeId::kString) return id.kind() == Value::Kind::kText ? id : Value::Text(id.ToString());
  bool integer = IsIntegerType(field.type.id);
  bool whole_decimal = field.type.id == TypeId::kDecimal && field.type.scale == 0;
  if (!integer && !whole_decimal) return id;  // MakeTableSpec refuses other id columns
  if (id.kind() == Value::Kind::kInt64 || id.kind() == Value::Kind::kUInt64) return id;
  if (id.kind() == Value::Kind::kText) {
    if (std::optional<Value> number = ParseInteger(id.text())) return *number;
    if (whole_decimal && AllDigits(id.text())) return id;  // wider than 64 bits: compared as the column's text
  }
  return InvalidArgument("id {} is not a value of cdc_id_column '{}' ({}: a whole number)", CursorText(id),
                         spec.id_column, ColumnType(field));
}

Result<Cursor> CursorForColumns(const TableSpec& spec, Cursor cursor) {
  Result<Value> id = IdForColumn(spec, cursor.id);
  if (!id.has_value()) {
    return InvalidArgument("table {}: the watermark's cursor {}, so the run cannot tell which rows are new; "
                           "nothing was read. The cursor was set by hand or the column changed type: {}",
                           spec.table, id.error().message(), Remedy(spec));
  }
  cursor.id = std::move(*id);
  return cursor;
}

std::vector<std::string> CursorAheadWarnings(const TableSpec& spec, const Cursor& cursor, const Ceiling& ceiling) {
  CeilingColumns columns = CeilingColumnsFor(spec);
  std::vector<std::string> warnings;
  auto warn = [&](const std::string& column, const std::string& at, const Value& max) {
    std::string source = max.is_null() ? fmt::format("the table has no {} value (it is empty, or the column is "
                                                     "all NULL)",
                                                     column)
                                       : fmt::format("this run's ceiling, MAX({}) at its start, is {}", column,
                                                     max.ToString());
    // A lookback still re-reads its window (rows written in the last lookback_seconds), but nothing older.
    std::string effect =
        spec.lookback_seconds > 0
            ? fmt::format("Until the source has rows with {} past {}, the cursor does not move and only rows inside "
                          "the lookback window (the last {} s) are read",
                          column, at, spec.lookback_seconds)
            : fmt::format("Nothing will be read until the source has rows with {} past {}", column, at);
    warnings.push_back(fmt::format("table {}: the cursor ({} {}) is ahead of the source: {}. {}; if the cursor was "
                                   "set by hand or is stale, {}",
                                   spec.table, column, at, source, effect, Remedy(spec)));
  };
  if (!columns.timestamp_column.empty() && cursor.timestamp_micros) {
    std::optional<int64_t> max_micros = ceiling.timestamp.AsMicros();
    bool no_value = ceiling.timestamp.is_null();
    if (no_value || (max_micros && *max_micros < *cursor.timestamp_micros)) {
      warn(columns.timestamp_column, FormatTimestampIso(*cursor.timestamp_micros), ceiling.timestamp);
    }
  }
  if (!columns.id_column.empty() && !cursor.id.is_null()) {
    if (ceiling.id.is_null() || (cursor.id <=> ceiling.id) == std::partial_ordering::greater) {
      warn(columns.id_column, cursor.id.ToString(), ceiling.id);
    }
  }
  return warnings;
}

}  // namespace sluice::cdc
