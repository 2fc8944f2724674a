#include "format/parquet/type_mapping.h"

#include <fmt/format.h>

#include <cassert>

namespace sluice::parquet {
namespace {

ParquetColumnType Integer(PhysicalType physical, int bit_width, bool is_signed, ConvertedType converted) {
  ParquetColumnType type;
  type.physical_type = physical;
  type.logical_type.kind = LogicalType::Kind::kInteger;
  type.logical_type.bit_width = bit_width;
  type.logical_type.is_signed = is_signed;
  type.converted_type = converted;
  return type;
}

ParquetColumnType Plain(PhysicalType physical) {
  ParquetColumnType type;
  type.physical_type = physical;
  return type;
}

ParquetColumnType Utf8String() {
  ParquetColumnType type;
  type.physical_type = PhysicalType::kByteArray;
  type.logical_type.kind = LogicalType::Kind::kString;
  type.converted_type = ConvertedType::kUtf8;
  return type;
}

ParquetColumnType Temporal(LogicalType::Kind kind, bool adjusted_to_utc, ConvertedType converted) {
  ParquetColumnType type;
  type.physical_type = PhysicalType::kInt64;
  type.logical_type.kind = kind;
  type.logical_type.adjusted_to_utc = adjusted_to_utc;
  type.converted_type = converted;
  return type;
}

ParquetColumnType Decimal(int precision, int scale) {
  if (precision == 0 || precision > kMaxExactDecimalPrecision) return Utf8String();
  ParquetColumnType type;
  if (precision <= 9) {
    type.physical_type = PhysicalType::kInt32;
  } else if (precision <= kMaxInt64DecimalPrecision) {
    type.physical_type = PhysicalType::kInt64;
  } else {
    type.physical_type = PhysicalType::kFixedLenByteArray;
    type.type_length = DecimalByteLength(precision);
  }
  type.logical_type.kind = LogicalType::Kind::kDecimal;
  type.logical_type.precision = precision;
  type.logical_type.scale = scale;
  type.converted_type = ConvertedType::kDecimal;
  return type;
}

ParquetColumnType MapType(const DataType& type) {
  switch (type.id) {
    case TypeId::kBoolean: return Plain(PhysicalType::kBoolean);
    case TypeId::kInt8: return Integer(PhysicalType::kInt32, 8, true, ConvertedType::kInt8);
    case TypeId::kInt16: return Integer(PhysicalType::kInt32, 16, true, ConvertedType::kInt16);
    case TypeId::kInt32: return Integer(PhysicalType::kInt32, 32, true, ConvertedType::kInt32);
    case TypeId::kInt64: return Integer(PhysicalType::kInt64, 64, true, ConvertedType::kInt64);
    case TypeId::kUInt8: return Integer(PhysicalType::kInt32, 8, false, ConvertedType::kUInt8);
    case TypeId::kUInt16: return Integer(PhysicalType::kInt32, 16, false, ConvertedType::kUInt16);
    case TypeId::kUInt32: return Integer(PhysicalType::kInt32, 32, false, ConvertedType::kUInt32);
    case TypeId::kUInt64: return Integer(PhysicalType::kInt64, 64, false, ConvertedType::kUInt64);
    case TypeId::kFloat32: return Plain(PhysicalType::kFloat);
    case TypeId::kFloat64: return Plain(PhysicalType::kDouble);
    case TypeId::kDecimal: return Decimal(type.precision, type.scale);
    case TypeId::kDate: {
      ParquetColumnType date = Plain(PhysicalType::kInt32);
      date.logical_type.kind = LogicalType::Kind::kDate;
      date.converted_type = ConvertedType::kDate;
      return date;
    }
    case TypeId::kTime: return Temporal(LogicalType::Kind::kTime, false, ConvertedType::kNone);
    case TypeId::kTimestamp: return Temporal(LogicalType::Kind::kTimestamp, false, ConvertedType::kNone);
    case TypeId::kTimestampTz: return Temporal(LogicalType::Kind::kTimestamp, true, ConvertedType::kTimestampMicros);
    case TypeId::kString:
    case TypeId::kJson: return Utf8String();
    case TypeId::kBinary: return Plain(PhysicalType::kByteArray);
  }
  return Plain(PhysicalType::kByteArray);
}

std::string LogicalTypeToString(const LogicalType& logical) {
  switch (logical.kind) {
    case LogicalType::Kind::kNone: return "";
    case LogicalType::Kind::kString: return "STRING";
    case LogicalType::Kind::kInteger:
      return fmt::format("INT({},{})", logical.bit_width, logical.is_signed ? "signed" : "unsigned");
    case LogicalType::Kind::kDecimal: return fmt::format("DECIMAL({},{})", logical.precision, logical.scale);
    case LogicalType::Kind::kDate: return "DATE";
    case LogicalType::Kind::kTime: return fmt::format("TIME(MICROS,utc={})", logical.adjusted_to_utc);
    case LogicalType::Kind::kTimestamp: return fmt::format("TIMESTAMP(MICROS,utc={})", logical.adjusted_to_utc);
  }
  return "";
}

}  // namespace

ParquetColumnType ParquetTypeFor(const Field& field) {
  ParquetColumnType type = MapType(field.type);
  type.required = !field.nullable;
  return type;
}

int DecimalByteLength(int precision) {
  assert(precision >= 1 && precision <= kMaxExactDecimalPrecision);
  unsigned __int128 largest_value = 1;  // becomes 10^precision - 1
  for (int digit = 0; digit < precision; ++digit) largest_value *= 10;
  largest_value -= 1;
  for (int byte_length = 1; byte_length < 16; ++byte_length) {
    unsigned __int128 largest_signed = (static_cast<unsigned __int128>(1) << (8 * byte_length - 1)) - 1;
    if (largest_value <= largest_signed) return byte_length;
  }
  return 16;
}

std::string_view PhysicalTypeName(PhysicalType type) {
  switch (type) {
    case PhysicalType::kBoolean: return "BOOLEAN";
    case PhysicalType::kInt32: return "INT32";
    case PhysicalType::kInt64: return "INT64";
    case PhysicalType::kInt96: return "INT96";
    case PhysicalType::kFloat: return "FLOAT";
    case PhysicalType::kDouble: return "DOUBLE";
    case PhysicalType::kByteArray: return "BYTE_ARRAY";
    case PhysicalType::kFixedLenByteArray: return "FIXED_LEN_BYTE_ARRAY";
  }
  return "UNKNOWN";
}

std::string_view ConvertedTypeName(ConvertedType type) {
  switch (type) {
    case ConvertedType::kNone: return "";
    case ConvertedType::kUtf8: return "UTF8";
    case ConvertedType::kDecimal: return "DECIMAL";
    case ConvertedType::kDate: return "DATE";
    case ConvertedType::kTimeMicros: return "TIME_MICROS";
    case ConvertedType::kTimestampMicros: return "TIMESTAMP_MICROS";
    case ConvertedType::kUInt8: return "UINT_8";
    case ConvertedType::kUInt16: return "UINT_16";
    case ConvertedType::kUInt32: return "UINT_32";
    case ConvertedType::kUInt64: return "UINT_64";
    case ConvertedType::kInt8: return "INT_8";
    case ConvertedType::kInt16: return "INT_16";
    case ConvertedType::kInt32: return "INT_32";
    case ConvertedType::kInt64: return "INT_64";
  }
  return "";
}

std::string ParquetColumnType::ToString() const {
  std::string text(PhysicalTypeName(physical_type));
  if (physical_type == PhysicalType::kFixedLenByteArray) text += fmt::format("({})", type_length);
  std::string logical = LogicalTypeToString(logical_type);
  if (!logical.empty()) text += " " + logical;
  if (converted_type != ConvertedType::kNone) text += fmt::format(" [{}]", ConvertedTypeName(converted_type));
  text += required ? " REQUIRED" : " OPTIONAL";
  return text;
}

}  // namespace sluice::parquet
