#include "target/duckdb/type_mapping.h"

#include <fmt/format.h>

#include <cctype>
#include <charconv>
#include <optional>
#include <utility>

namespace sluice::target::duckdb {
namespace {

using Kind = ColumnType::Kind;

ColumnType Of(Kind kind) { return ColumnType{kind, 0, 0, {}}; }
ColumnType Decimal(int precision, int scale) { return ColumnType{Kind::kDecimal, precision, scale, {}}; }

// Decimal digits every value of an integer column kind can need; nullopt
// for kinds that are not integers.
std::optional<int> IntegerDigits(Kind kind) {
  switch (kind) {
    case Kind::kSmallInt: return 5;
    case Kind::kInteger: return 10;
    case Kind::kBigInt: return 19;
    case Kind::kHugeInt: return 39;
    default: return std::nullopt;
  }
}

// Integer digits (precision - scale) of a decimal or integer type.
std::optional<int> WholeDigits(const ColumnType& type) {
  if (type.kind == Kind::kDecimal) return type.precision - type.scale;
  return IntegerDigits(type.kind);
}

int FractionDigits(const ColumnType& type) { return type.kind == Kind::kDecimal ? type.scale : 0; }

bool IsExactNumber(const ColumnType& type) { return WholeDigits(type).has_value(); }

// "DECIMAL(18,2)" -> {18, 2}.
std::optional<ColumnType> ParseDecimal(std::string_view text) {
  constexpr std::string_view kPrefix = "DECIMAL(";
  if (!text.starts_with(kPrefix) || !text.ends_with(")")) return std::nullopt;
  std::string_view arguments = text.substr(kPrefix.size(), text.size() - kPrefix.size() - 1);
  size_t comma = arguments.find(',');
  if (comma == std::string_view::npos) return std::nullopt;
  int precision = 0;
  int scale = 0;
  std::string_view precision_text = arguments.substr(0, comma);
  std::string_view scale_text = arguments.substr(comma + 1);
  if (std::from_chars(precision_text.data(), precision_text.data() + precision_text.size(), precision).ec !=
          std::errc() ||
      std::from_chars(scale_text.data(), scale_text.data() + scale_text.size(), scale).ec != std::errc()) {
    return std::nullopt;
  }
  return Decimal(precision, scale);
}

}  // namespace

std::string ColumnType::ToSql() const {
  switch (kind) {
    case Kind::kBoolean: return "BOOLEAN";
    case Kind::kSmallInt: return "SMALLINT";
    case Kind::kInteger: return "INTEGER";
    case Kind::kBigInt: return "BIGINT";
    case Kind::kHugeInt: return "HUGEINT";
    case Kind::kDecimal: return fmt::format("DECIMAL({},{})", precision, scale);
    case Kind::kFloat: return "FLOAT";
    case Kind::kDouble: return "DOUBLE";
    case Kind::kVarchar: return "VARCHAR";
    case Kind::kJson: return "JSON";
    case Kind::kDate: return "DATE";
    case Kind::kTime: return "TIME";
    case Kind::kTimestamp: return "TIMESTAMP";
    case Kind::kTimestampTz: return "TIMESTAMPTZ";
    case Kind::kBlob: return "BLOB";
    case Kind::kOther: return other;
  }
  return other;
}

ColumnType ColumnTypeFor(const DataType& type, bool json_available) {
  switch (type.id) {
    case TypeId::kBoolean: return Of(Kind::kBoolean);
    case TypeId::kInt8:
    case TypeId::kInt16: return Of(Kind::kSmallInt);
    case TypeId::kInt32:
    case TypeId::kUInt8:
    case TypeId::kUInt16: return Of(Kind::kInteger);
    case TypeId::kInt64:
    case TypeId::kUInt32: return Of(Kind::kBigInt);
    case TypeId::kUInt64: return Decimal(20, 0);
    case TypeId::kFloat32: return Of(Kind::kFloat);
    case TypeId::kFloat64: return Of(Kind::kDouble);
    case TypeId::kDecimal:
      if (type.precision == 0 || type.precision > kMaxExactDecimalPrecision) return Of(Kind::kVarchar);
      return Decimal(type.precision, type.scale);
    case TypeId::kDate: return Of(Kind::kDate);
    case TypeId::kTime: return Of(Kind::kTime);
    case TypeId::kTimestamp: return Of(Kind::kTimestamp);
    case TypeId::kTimestampTz: return Of(Kind::kTimestampTz);
    case TypeId::kString: return Of(Kind::kVarchar);
    case TypeId::kJson: return Of(json_available ? Kind::kJson : Kind::kVarchar);
    case TypeId::kBinary: return Of(Kind::kBlob);
  }
  return Of(Kind::kVarchar);
}

ColumnType ParseColumnType(std::string_view duckdb_type) {
  std::string upper(duckdb_type);
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  if (std::optional<ColumnType> decimal = ParseDecimal(upper)) return *decimal;
  static constexpr std::pair<std::string_view, Kind> kNames[] = {
      {"BOOLEAN", Kind::kBoolean},
      {"SMALLINT", Kind::kSmallInt},
      {"INTEGER", Kind::kInteger},
      {"BIGINT", Kind::kBigInt},
      {"HUGEINT", Kind::kHugeInt},
      {"FLOAT", Kind::kFloat},
      {"DOUBLE", Kind::kDouble},
      {"VARCHAR", Kind::kVarchar},
      {"JSON", Kind::kJson},
      {"DATE", Kind::kDate},
      {"TIME", Kind::kTime},
      {"TIMESTAMP", Kind::kTimestamp},
      {"TIMESTAMPTZ", Kind::kTimestampTz},
      {"TIMESTAMP WITH TIME ZONE", Kind::kTimestampTz},
      {"BLOB", Kind::kBlob},
  };
  for (const auto& [name, kind] : kNames) {
    if (upper == name) return Of(kind);
  }
  return ColumnType{Kind::kOther, 0, 0, std::string(duckdb_type)};
}

bool CanHold(const ColumnType& column, const ColumnType& values) {
  if (column == values) return true;
  if (IsExactNumber(column) && IsExactNumber(values)) {
    if (FractionDigits(column) < FractionDigits(values)) return false;
    // An integer column's range reaches into its widest digit count but does
    // not fill it (INTEGER: 10 digits, yet not 9999999999), so as a column it
    // holds one digit fewer than its own values may need.
    int column_digits = *WholeDigits(column) - (column.kind == Kind::kDecimal ? 0 : 1);
    return column_digits >= *WholeDigits(values);
  }
  if (column.kind == Kind::kDouble && values.kind == Kind::kFloat) return true;
  if (column.kind == Kind::kVarchar && values.kind == Kind::kJson) return true;
  return false;
}

}  // namespace sluice::target::duckdb
