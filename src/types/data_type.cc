#include "types/data_type.h"

#include <cstdio>
#include <string>

#include <fmt/format.h>

namespace sluice {

Storage DataType::storage() const {
  switch (id) {
    case TypeId::kBoolean: return Storage::kUInt8;
    case TypeId::kInt8:
    case TypeId::kInt16:
    case TypeId::kInt32:
    case TypeId::kUInt8:
    case TypeId::kUInt16:
    case TypeId::kDate: return Storage::kInt32;
    case TypeId::kInt64:
    case TypeId::kUInt32:
    case TypeId::kTime:
    case TypeId::kTimestamp:
    case TypeId::kTimestampTz: return Storage::kInt64;
    case TypeId::kUInt64: return Storage::kUInt64;
    case TypeId::kFloat32: return Storage::kFloat32;
    case TypeId::kFloat64: return Storage::kFloat64;
    case TypeId::kDecimal:
      if (precision == 0) return Storage::kBytes;
      if (precision <= kMaxInt64DecimalPrecision) return Storage::kInt64;
      if (precision <= kMaxExactDecimalPrecision) return Storage::kInt128;
      return Storage::kBytes;
    case TypeId::kString:
    case TypeId::kJson:
    case TypeId::kBinary: return Storage::kBytes;
  }
  return Storage::kBytes;
}

size_t DataType::fixed_width() const {
  switch (storage()) {
    case Storage::kUInt8: return 1;
    case Storage::kInt32:
    case Storage::kFloat32: return 4;
    case Storage::kInt64:
    case Storage::kUInt64:
    case Storage::kFloat64: return 8;
    case Storage::kInt128: return 16;
    case Storage::kBytes: return 0;
  }
  return 0;
}

std::string_view TypeIdName(TypeId id) {
  switch (id) {
    case TypeId::kBoolean: return "boolean";
    case TypeId::kInt8: return "int8";
    case TypeId::kInt16: return "int16";
    case TypeId::kInt32: return "int32";
    case TypeId::kInt64: return "int64";
    case TypeId::kUInt8: return "uint8";
    case TypeId::kUInt16: return "uint16";
    case TypeId::kUInt32: return "uint32";
    case TypeId::kUInt64: return "uint64";
    case TypeId::kFloat32: return "float32";
    case TypeId::kFloat64: return "float64";
    case TypeId::kDecimal: return "decimal";
    case TypeId::kDate: return "date";
    case TypeId::kTime: return "time";
    case TypeId::kTimestamp: return "timestamp";
    case TypeId::kTimestampTz: return "timestamptz";
    case TypeId::kString: return "string";
    case TypeId::kJson: return "json";
    case TypeId::kBinary: return "binary";
  }
  return "unknown";
}

std::optional<DataType> ParseDataType(std::string_view text) {
  if (text.starts_with("decimal(") && text.ends_with(")")) {
    int precision = 0, scale = 0;
    std::string inner(text.substr(8, text.size() - 9));
    if (std::sscanf(inner.c_str(), "%d,%d", &precision, &scale) != 2 || precision < 1 || precision > 1000 ||
        scale < 0 || scale > precision) {
      return std::nullopt;
    }
    return DataType::Decimal(precision, scale);
  }
  for (int id = 0; id <= static_cast<int>(TypeId::kBinary); ++id) {
    if (TypeIdName(static_cast<TypeId>(id)) == text) return DataType::Of(static_cast<TypeId>(id));
  }
  return std::nullopt;
}

std::string DataType::ToString() const {
  if (id == TypeId::kDecimal) {
    return precision == 0 ? std::string("decimal") : fmt::format("decimal({},{})", precision, scale);
  }
  return std::string(TypeIdName(id));
}

bool IsIntegerType(TypeId id) {
  switch (id) {
    case TypeId::kInt8:
    case TypeId::kInt16:
    case TypeId::kInt32:
    case TypeId::kInt64:
    case TypeId::kUInt8:
    case TypeId::kUInt16:
    case TypeId::kUInt32:
    case TypeId::kUInt64: return true;
    default: return false;
  }
}

}  // namespace sluice
