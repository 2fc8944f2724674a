// How a sluice column is stored in Parquet: the physical type, the logical
// type annotation, the legacy converted type (for older readers such as
// Redshift COPY and Spectrum) and the repetition. The encoder writes
// exactly what ParquetTypeFor returns; `schema show` prints it.
//
//   DataType                 physical               logical                      converted
//   boolean                  BOOLEAN                -                            -
//   int8 / int16 / int32     INT32                  INT(8|16|32, signed)         INT_8 / INT_16 / INT_32
//   int64                    INT64                  INT(64, signed)              INT_64
//   uint8 / uint16 / uint32  INT32                  INT(8|16|32, unsigned)       UINT_8 / UINT_16 / UINT_32
//   uint64                   INT64                  INT(64, unsigned)            UINT_64
//   float32 / float64        FLOAT / DOUBLE         -                            -
//   decimal(p<=9,s)          INT32                  DECIMAL(p,s)                 DECIMAL
//   decimal(p<=18,s)         INT64                  DECIMAL(p,s)                 DECIMAL
//   decimal(p<=38,s)         FIXED_LEN_BYTE_ARRAY   DECIMAL(p,s)                 DECIMAL
//                            (DecimalByteLength(p) bytes, big-endian two's complement)
//   decimal(p>38 or p=0)     BYTE_ARRAY             STRING (the exact text)      UTF8
//   date                     INT32                  DATE                         DATE
//   time                     INT64                  TIME(MICROS, utc=false)      -
//   timestamp                INT64                  TIMESTAMP(MICROS, utc=false) -
//   timestamptz              INT64                  TIMESTAMP(MICROS, utc=true)  TIMESTAMP_MICROS
//   string / json            BYTE_ARRAY             STRING                       UTF8
//   binary                   BYTE_ARRAY             -                            -
//
// A converted type is set only where it means exactly the logical type
// (TIMESTAMP_MICROS and TIME_MICROS imply adjusted-to-UTC, so a wall-clock
// timestamp or time carries none). Field.nullable = false is REQUIRED,
// else OPTIONAL. Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "types/schema.h"

namespace sluice::parquet {

// Values are those of parquet.thrift.
enum class PhysicalType : int32_t {
  kBoolean = 0,
  kInt32 = 1,
  kInt64 = 2,
  kInt96 = 3,
  kFloat = 4,
  kDouble = 5,
  kByteArray = 6,
  kFixedLenByteArray = 7,
};

enum class ConvertedType : int32_t {
  kNone = -1,  // not in parquet.thrift: the field is left unset
  kUtf8 = 0,
  kDecimal = 5,
  kDate = 6,
  kTimeMicros = 8,
  kTimestampMicros = 10,
  kUInt8 = 11,
  kUInt16 = 12,
  kUInt32 = 13,
  kUInt64 = 14,
  kInt8 = 15,
  kInt16 = 16,
  kInt32 = 17,
  kInt64 = 18,
};

struct LogicalType {
  enum class Kind { kNone, kString, kInteger, kDecimal, kDate, kTime, kTimestamp };
  Kind kind = Kind::kNone;
  int bit_width = 0;             // kInteger: 8, 16, 32 or 64
  bool is_signed = true;         // kInteger
  int precision = 0;             // kDecimal
  int scale = 0;                 // kDecimal
  bool adjusted_to_utc = false;  // kTime, kTimestamp; the unit is always MICROS
};

struct ParquetColumnType {
  PhysicalType physical_type = PhysicalType::kByteArray;
  LogicalType logical_type;
  ConvertedType converted_type = ConvertedType::kNone;
  int type_length = 0;  // kFixedLenByteArray only
  bool required = false;

  // e.g. "FIXED_LEN_BYTE_ARRAY(9) DECIMAL(20,0) [DECIMAL] OPTIONAL",
  // "INT64 TIMESTAMP(MICROS,utc=true) [TIMESTAMP_MICROS] REQUIRED".
  std::string ToString() const;
};

ParquetColumnType ParquetTypeFor(const Field& field);

// Bytes of the smallest big-endian two's complement integer that holds
// every value of DECIMAL(precision, s). REQUIRES: 1 <= precision <= 38.
int DecimalByteLength(int precision);

std::string_view PhysicalTypeName(PhysicalType type);
std::string_view ConvertedTypeName(ConvertedType type);  // "" for kNone

}  // namespace sluice::parquet
