// DataType: the logical type of a column as it flows through sluice,
// independent of any source or target. Sources map their column types to
// these (SPEC §5); the Parquet encoder and the targets map from them.
//
// Each type has one in-memory representation in a ColumnVector (Storage):
//
//   kBoolean                       uint8_t (0/1)
//   kInt8 kInt16 kInt32            int32_t
//   kUInt8 kUInt16                 int32_t
//   kInt64 kUInt32                 int64_t
//   kUInt64                        uint64_t
//   kFloat32 / kFloat64            float / double
//   kDecimal p <= 18               int64_t, unscaled (value * 10^scale)
//   kDecimal 19 <= p <= 38         __int128, unscaled
//   kDecimal p > 38 or p = 0       bytes: the exact decimal text ("-12.340")
//   kDate                          int32_t days since 1970-01-01
//   kTime                          int64_t microseconds (may be negative or past 24h)
//   kTimestamp / kTimestampTz      int64_t microseconds since 1970-01-01T00:00:00
//                                  (kTimestampTz: an instant in UTC; kTimestamp: wall clock)
//   kString kJson kBinary          bytes (kString and kJson hold UTF-8)
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace sluice {

enum class TypeId : uint8_t {
  kBoolean,
  kInt8,
  kInt16,
  kInt32,
  kInt64,
  kUInt8,
  kUInt16,
  kUInt32,
  kUInt64,
  kFloat32,
  kFloat64,
  kDecimal,
  kDate,
  kTime,
  kTimestamp,
  kTimestampTz,
  kString,
  kJson,
  kBinary,
};

enum class Storage : uint8_t { kUInt8, kInt32, kInt64, kUInt64, kInt128, kFloat32, kFloat64, kBytes };

inline constexpr int kMaxExactDecimalPrecision = 38;  // beyond: exact text
inline constexpr int kMaxInt64DecimalPrecision = 18;

struct DataType {
  TypeId id = TypeId::kString;
  // kDecimal only: precision 1..1000 (MySQL allows 65, PostgreSQL 1000), or 0
  // for PostgreSQL's unconstrained numeric (held as exact text); scale 0..precision.
  uint16_t precision = 0;
  uint16_t scale = 0;

  static constexpr DataType Of(TypeId id) { return DataType{id, 0, 0}; }
  static constexpr DataType Decimal(int precision, int scale) {
    return DataType{TypeId::kDecimal, static_cast<uint16_t>(precision), static_cast<uint16_t>(scale)};
  }

  Storage storage() const;
  // Bytes per value for fixed-width storage; 0 for kBytes.
  size_t fixed_width() const;
  bool is_bytes() const { return storage() == Storage::kBytes; }
  // "decimal(20,0)", "timestamptz", ...
  std::string ToString() const;

  friend bool operator==(const DataType&, const DataType&) = default;
};

std::string_view TypeIdName(TypeId id);

// The signed and unsigned integer types (not BOOLEAN, not DECIMAL).
bool IsIntegerType(TypeId id);

// The inverse of DataType::ToString(): "int64", "decimal(20,0)", "decimal", ...
// nullopt for text that names no type.
std::optional<DataType> ParseDataType(std::string_view text);

}  // namespace sluice
