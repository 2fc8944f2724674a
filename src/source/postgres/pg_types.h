// Internal to the PostgreSQL source: how each PostgreSQL type maps to a
// sluice DataType (SPEC §5, docs/sources.md) and how its binary send format
// is decoded.
//
// A column's type is identified by its type OID and typmod. Built-in types
// have fixed OIDs; enums, domains, arrays and extension types (citext) are
// described by their pg_type row, which the catalog loads (pg_catalog.h)
// into a PgTypeCatalog before mapping. Types sluice cannot decode in binary
// (interval, timetz, inet, money, ranges, ...) are selected through their
// output function, i.e. as psql shows them (`format('%s', x)`), and read as
// strings; arrays of them are selected as `array_to_json(x)`.
//
// Pure functions over plain data; thread-safe.
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "common/status.h"
#include "types/data_type.h"

namespace sluice::source::postgres {

// Built-in type OIDs (src/include/catalog/pg_type.dat; stable across versions).
inline constexpr uint32_t kBoolOid = 16;
inline constexpr uint32_t kByteaOid = 17;
inline constexpr uint32_t kCharOid = 18;
inline constexpr uint32_t kNameOid = 19;
inline constexpr uint32_t kInt8Oid = 20;
inline constexpr uint32_t kInt2Oid = 21;
inline constexpr uint32_t kInt4Oid = 23;
inline constexpr uint32_t kTextOid = 25;
inline constexpr uint32_t kOidOid = 26;
inline constexpr uint32_t kJsonOid = 114;
inline constexpr uint32_t kFloat4Oid = 700;
inline constexpr uint32_t kFloat8Oid = 701;
inline constexpr uint32_t kBpcharOid = 1042;
inline constexpr uint32_t kVarcharOid = 1043;
inline constexpr uint32_t kDateOid = 1082;
inline constexpr uint32_t kTimeOid = 1083;
inline constexpr uint32_t kTimestampOid = 1114;
inline constexpr uint32_t kTimestampTzOid = 1184;
inline constexpr uint32_t kNumericOid = 1700;
inline constexpr uint32_t kUuidOid = 2950;
inline constexpr uint32_t kJsonbOid = 3802;

// How a value's binary form is decoded.
enum class PgKind : uint8_t {
  kInt2,
  kInt4,
  kInt8,
  kOid,
  kFloat4,
  kFloat8,
  kBool,
  kNumeric,
  kDate,
  kTimestamp,
  kTimestampTz,
  kTime,
  kText,   // raw UTF-8 bytes: text, varchar, char(n), name, citext, enums, and every `::text` cast
  kJson,   // raw JSON text
  kJsonb,  // version byte 1, then JSON text
  kBytea,  // raw bytes
  kUuid,   // 16 bytes
  kArray,  // binary array; elements decoded as `element_kind`
};

// What the select list does to a column before it is read.
enum class PgCast : uint8_t {
  kNone,
  kText,         // the type's output function: CASE WHEN x IS NULL THEN NULL ELSE format('%s', x) END
  kArrayToJson,  // array_to_json(x)
};

// One pg_type row, as far as mapping needs it.
struct PgTypeInfo {
  uint32_t oid = 0;
  std::string name;        // typname
  char type_type = 'b';    // typtype: b base, d domain, e enum, c composite, r range, m multirange, p pseudo
  char category = 'U';     // typcategory: 'A' for arrays
  uint32_t element_oid = 0;  // typelem (arrays)
  uint32_t base_oid = 0;     // typbasetype (domains)
  int32_t base_typmod = -1;  // typtypmod (domains)
  std::string send_function;  // typsend, e.g. "textsend"
};

// Type rows by OID; only non-built-in types need to be present.
using PgTypeCatalog = std::map<uint32_t, PgTypeInfo>;

struct PgColumnType {
  DataType type;
  int64_t max_length = 0;        // varchar(n)/char(n): n
  PgKind kind = PgKind::kText;
  PgKind element_kind = PgKind::kText;  // kArray only
  PgCast cast = PgCast::kNone;
  uint32_t oid = 0;              // of the value as read: the column's own type OID, or text/json after a cast
  std::string source_type;       // format_type() spelling, e.g. "numeric(12,2)"
};

// Maps a column of type `oid` with `typmod`. Domains map as their base type.
// NotFound when a non-built-in OID (or an array's element or a domain's
// base) is missing from `catalog`.
Result<PgColumnType> MapPgType(uint32_t oid, int32_t typmod, const PgTypeCatalog& catalog);

// True for the built-in scalar types MapPgType maps without the catalog;
// every other OID (arrays, domains, enums, extension types) needs its row.
bool IsBuiltinScalar(uint32_t oid);

// numeric typmod -> (precision, scale) as a DataType: decimal(p,s); a negative
// scale or one past the precision widens to a type that holds every value.
DataType NumericType(int32_t typmod);

}  // namespace sluice::source::postgres
