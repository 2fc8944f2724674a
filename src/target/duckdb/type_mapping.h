// DuckDB column types for sluice's DataTypes (SPEC §5, the DuckDB column)
// and the rule that decides a schema change (SPEC §5a): which existing
// column can take the new values as it is, which must be widened first,
// and which cannot change without losing data.
//
//   kBoolean                      BOOLEAN
//   kInt8 kInt16                  SMALLINT
//   kInt32 kUInt8 kUInt16         INTEGER
//   kInt64 kUInt32                BIGINT
//   kUInt64                       DECIMAL(20,0)   (as on Redshift and PostgreSQL, and a
//                                                  lossless widening of BIGINT; DuckDB
//                                                  stores it as a 128-bit integer)
//   kFloat32 / kFloat64           FLOAT / DOUBLE
//   kDecimal 1 <= p <= 38         DECIMAL(p,s)
//   kDecimal p > 38 or p = 0      VARCHAR (the exact decimal text)
//   kDate kTime                   DATE TIME
//   kTimestamp / kTimestampTz     TIMESTAMP / TIMESTAMPTZ
//   kString                       VARCHAR
//   kJson                         JSON (VARCHAR when this libduckdb lacks the json extension)
//   kBinary                       BLOB
//
// Pure functions; thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "types/data_type.h"

namespace sluice::target::duckdb {

struct ColumnType {
  enum class Kind {
    kBoolean,
    kSmallInt,
    kInteger,
    kBigInt,
    kHugeInt,
    kDecimal,
    kFloat,
    kDouble,
    kVarchar,
    kJson,
    kDate,
    kTime,
    kTimestamp,
    kTimestampTz,
    kBlob,
    kOther,  // a type sluice never creates (a user's ALTER): only equal types match
  };

  Kind kind = Kind::kVarchar;
  int precision = 0;  // kDecimal
  int scale = 0;      // kDecimal
  std::string other;  // kOther: DuckDB's spelling

  // The type as written in DDL: "DECIMAL(20,0)", "TIMESTAMPTZ", ...
  std::string ToSql() const;

  friend bool operator==(const ColumnType&, const ColumnType&) = default;
};

ColumnType ColumnTypeFor(const DataType& type, bool json_available);

// Parses DuckDB's spelling of a column's type, as duckdb_columns().data_type
// reports it ("INTEGER", "DECIMAL(18,2)", "TIMESTAMP WITH TIME ZONE").
ColumnType ParseColumnType(std::string_view duckdb_type);

// Whether every value of type `values` fits in a column of type `column`
// unchanged: equal types, wider integers, DECIMALs with at least as many
// integer and fraction digits, DOUBLE for FLOAT, VARCHAR for JSON text.
bool CanHold(const ColumnType& column, const ColumnType& values);

}  // namespace sluice::target::duckdb
