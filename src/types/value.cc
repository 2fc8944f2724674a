#include "types/value.h"

#include "types/decimal.h"
#include "types/temporal.h"

namespace sluice {

std::string Value::ToString() const {
  switch (kind()) {
    case Kind::kNull: return "NULL";
    case Kind::kInt64: return std::to_string(int64());
    case Kind::kUInt64: return std::to_string(uint64());
    case Kind::kTimestamp: return FormatTimestampIso(timestamp_micros());
    case Kind::kDate: return FormatDate(date_days());
    case Kind::kText: return text();
  }
  return "?";
}

std::optional<int64_t> Value::AsMicros() const {
  if (kind() == Kind::kTimestamp) return timestamp_micros();
  if (kind() == Kind::kDate) return static_cast<int64_t>(date_days()) * kMicrosPerDay;
  return std::nullopt;
}

std::partial_ordering operator<=>(const Value& a, const Value& b) {
  if (a.is_null() || b.is_null()) return !a.is_null() <=> !b.is_null();
  using Kind = Value::Kind;
  if (a.kind() == Kind::kInt64 && b.kind() == Kind::kUInt64) {
    return a.int64() < 0 ? std::partial_ordering::less : static_cast<uint64_t>(a.int64()) <=> b.uint64();
  }
  if (a.kind() == Kind::kUInt64 && b.kind() == Kind::kInt64) return 0 <=> (b <=> a);
  if (a.kind() != b.kind()) return std::partial_ordering::unordered;
  return a.storage_ <=> b.storage_;
}

Result<Value> ValueAt(const ColumnVector& column, size_t row) {
  if (column.IsNull(row)) return Value();
  const DataType& type = column.type();
  switch (type.id) {
    case TypeId::kBoolean: return Value::Int64(column.Value<uint8_t>(row));
    case TypeId::kInt8:
    case TypeId::kInt16:
    case TypeId::kInt32:
    case TypeId::kUInt8:
    case TypeId::kUInt16: return Value::Int64(column.Value<int32_t>(row));
    case TypeId::kInt64:
    case TypeId::kUInt32: return Value::Int64(column.Value<int64_t>(row));
    case TypeId::kUInt64: return Value::UInt64(column.Value<uint64_t>(row));
    case TypeId::kDate: return Value::Date(column.Value<int32_t>(row));
    case TypeId::kTimestamp:
    case TypeId::kTimestampTz: return Value::Timestamp(column.Value<int64_t>(row));
    case TypeId::kString: return Value::Text(std::string(column.Bytes(row)));
    case TypeId::kDecimal: {
      if (type.storage() == Storage::kBytes || type.scale != 0) {
        return Value::Text(type.storage() == Storage::kBytes
                               ? std::string(column.Bytes(row))
                               : FormatDecimal(type.storage() == Storage::kInt64 ? column.Value<int64_t>(row)
                                                                                 : column.Value<int128_t>(row),
                                               type.scale));
      }
      int128_t unscaled = type.storage() == Storage::kInt64 ? column.Value<int64_t>(row) : column.Value<int128_t>(row);
      if (unscaled >= INT64_MIN && unscaled <= INT64_MAX) return Value::Int64(static_cast<int64_t>(unscaled));
      if (unscaled > 0 && unscaled <= static_cast<int128_t>(UINT64_MAX)) {
        return Value::UInt64(static_cast<uint64_t>(unscaled));
      }
      return Value::Text(Int128ToString(unscaled));
    }
    case TypeId::kTime:
    case TypeId::kFloat32:
    case TypeId::kFloat64:
    case TypeId::kJson:
    case TypeId::kBinary: break;
  }
  return NotSupported("a {} column cannot be a cursor column", type.ToString());
}

}  // namespace sluice
