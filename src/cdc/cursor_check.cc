#include "cdc/cursor_check.h"

#include <algorithm>
#include <charconv>
#include <limits>

#include <fmt/format.h>

#include "common/spelling.h"
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

// A whole number in canonical decimal text: an optional '-', then digits without leading zeros ("0" for zero).
using WholeText = std::string;

// `value` as canonical whole-number text: integers, and text of digits (a
// DECIMAL(p,0) wider than 64 bits); nullopt for anything else.
std::optional<WholeText> AsWholeText(const Value& value) {
  if (value.kind() == Value::Kind::kInt64 || value.kind() == Value::Kind::kUInt64) return value.ToString();
  if (value.kind() != Value::Kind::kText || !AllDigits(value.text())) return std::nullopt;
  std::string_view digits = value.text();
  bool negative = digits.starts_with('-');
  if (negative) digits.remove_prefix(1);
  digits.remove_prefix(std::min(digits.find_first_not_of('0'), digits.size() - 1));
  return digits == "0" || !negative ? std::string(digits) : "-" + std::string(digits);
}

std::strong_ordering CompareWhole(std::string_view a, std::string_view b) {
  bool a_negative = a.starts_with('-');
  bool b_negative = b.starts_with('-');
  if (a_negative != b_negative) return a_negative ? std::strong_ordering::less : std::strong_ordering::greater;
  if (a_negative) {
    a.remove_prefix(1);
    b.remove_prefix(1);
    std::swap(a, b);  // the larger magnitude is the smaller number
  }
  if (a.size() != b.size()) return a.size() <=> b.size();
  return a.compare(b) <=> 0;
}

// The whole numbers a column holds, as canonical text; nullopt: unbounded.
struct WholeRange {
  std::optional<WholeText> min;
  std::optional<WholeText> max;
};

template <typename T>
WholeRange RangeOf() {
  return {std::to_string(std::numeric_limits<T>::min()), std::to_string(std::numeric_limits<T>::max())};
}

// The type's range, narrowed where the source's type is narrower than the
// sluice type it maps to and says so in its spelling: "unsigned" holds no
// negative number, and MySQL's BIGINT UNSIGNED (a decimal(20,0)) at most
// 2^64-1. (Other unsigned MySQL integers map to the next wider integer
// type; a cursor past their maximum is past the source's too, which the
// run warns about.)
WholeRange RangeOf(const Field& field) {
  WholeRange range;
  switch (field.type.id) {
    case TypeId::kInt8: range = RangeOf<int8_t>(); break;
    case TypeId::kInt16: range = RangeOf<int16_t>(); break;
    case TypeId::kInt32: range = RangeOf<int32_t>(); break;
    case TypeId::kInt64: range = RangeOf<int64_t>(); break;
    case TypeId::kUInt8: range = RangeOf<uint8_t>(); break;
    case TypeId::kUInt16: range = RangeOf<uint16_t>(); break;
    case TypeId::kUInt32: range = RangeOf<uint32_t>(); break;
    case TypeId::kUInt64: range = RangeOf<uint64_t>(); break;
    case TypeId::kDecimal:
      // precision 0: PostgreSQL's unconstrained numeric, any size.
      if (field.type.precision > 0) {
        range.max = std::string(field.type.precision, '9');
        range.min = "-" + *range.max;
      }
      break;
    default: break;
  }
  std::string spelled = AsciiLower(field.source_type);
  if (spelled.find("unsigned") != std::string::npos) {
    range.min = "0";
    if (spelled.starts_with("bigint")) range.max = std::to_string(std::numeric_limits<uint64_t>::max());
  }
  return range;
}

// InvalidArgument unless `id` (canonical) lies in the range of `field`, the id column.
Status CheckInRange(const TableSpec& spec, const Field& field, const WholeText& id) {
  WholeRange range = RangeOf(field);
  bool below = range.min && CompareWhole(id, *range.min) < 0;
  bool above = range.max && CompareWhole(id, *range.max) > 0;
  if (!below && !above) return Status::Ok();
  return InvalidArgument("id {} is outside the range of cdc_id_column '{}' ({}: {} to {})", id, spec.id_column,
                         ColumnType(field), range.min.value_or("any"), range.max.value_or("any"));
}

// Orders two ids as the id column does: whole numbers by value, whatever
// their kind (a DECIMAL(p,0) past 64 bits is text of digits), text as text.
std::partial_ordering CompareIds(const TableSpec& spec, const Value& a, const Value& b) {
  std::optional<size_t> index = spec.id_column.empty() ? std::nullopt : spec.schema->FieldIndex(spec.id_column);
  bool text_column = index && spec.schema->fields[*index].type.id == TypeId::kString;
  std::optional<WholeText> a_whole = AsWholeText(a);
  std::optional<WholeText> b_whole = AsWholeText(b);
  if (text_column || !a_whole || !b_whole) return a <=> b;
  return CompareWhole(*a_whole, *b_whole);
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
  std::optional<Value> number;
  if (id.kind() == Value::Kind::kInt64 || id.kind() == Value::Kind::kUInt64) {
    number = id;
  } else if (id.kind() == Value::Kind::kText) {
    number = ParseInteger(id.text());
    // Past 64 bits: kept as its digits (a wide DECIMAL(p,0) holds it; the range check refuses it for others).
    if (!number && AllDigits(id.text())) number = id;
  }
  if (number) {
    SLUICE_RETURN_IF_ERROR(CheckInRange(spec, field, *AsWholeText(*number)));
    return *number;
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
    if (ceiling.id.is_null() || CompareIds(spec, cursor.id, ceiling.id) == std::partial_ordering::greater) {
      warn(columns.id_column, cursor.id.ToString(), ceiling.id);
    }
  }
  return warnings;
}

}  // namespace sluice::cdc
