// Internal to the MySQL source: how MySQL/MariaDB column types map to
// DataTypes (SPEC §5; docs/sources.md has the user-facing table), from the
// catalog (information_schema.COLUMNS) for tables and from result metadata
// (MYSQL_FIELD) for custom SQL. Both paths give a column the same type.
//
//   TINYINT                                      int8
//   SMALLINT, YEAR                               int16
//   TINYINT/SMALLINT UNSIGNED, MEDIUMINT [UNSIGNED], INT   int32
//   INT UNSIGNED, BIGINT                         int64
//   BIGINT UNSIGNED                              decimal(20,0)
//   DECIMAL(p,s)                                 decimal(p,s) (p > 38: exact text)
//   FLOAT / DOUBLE                               float32 / float64
//   BIT(1) / BIT(n>1)                            boolean / int64 (the bits as a number)
//   DATE, DATETIME, TIMESTAMP, TIME              date, timestamp, timestamptz, time
//   CHAR, VARCHAR, TEXT types, ENUM, SET         string (max_length in characters)
//   UUID, INET4, INET6 (MariaDB)                 string
//   JSON (MySQL's type; MariaDB's LONGTEXT with CHECK (json_valid(c)))   json
//   BINARY, VARBINARY, BLOB types                binary
//   GEOMETRY and its subtypes                    binary (WKB)
//
// Pure functions; thread-safe.
#pragma once

#include <mysql.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/status.h"
#include "types/schema.h"

namespace sluice::source::mysql {

// One row of information_schema.COLUMNS, plus what the catalog knows beside it.
struct CatalogColumn {
  std::string name;
  std::string data_type;    // DATA_TYPE, lower case: "int", "varchar", ...
  std::string column_type;  // COLUMN_TYPE: "int(10) unsigned", "enum('a','b')", ...
  std::optional<int64_t> numeric_precision;
  std::optional<int64_t> numeric_scale;
  std::optional<int64_t> character_maximum_length;
  bool nullable = true;
  bool json_checked = false;  // MariaDB: a CHECK (json_valid(`name`)) constraint
};

struct ColumnMapping {
  DataType type;
  int64_t max_length = 0;  // character columns: declared length in characters; 0 unbounded
  bool geometry = false;   // read through ST_AsBinary()
};

// NotSupported for a type sluice does not know, naming it.
Result<ColumnMapping> MapCatalogColumn(const CatalogColumn& column);

// DATE, DATETIME and TIMESTAMP: a zero date ('0000-00-00') fits even a NOT
// NULL column and arrives as NULL, so these map to nullable fields.
bool MayHoldZeroDates(TypeId type);

// The SQL condition that selects a column's rows with no cursor value: NULL,
// or a zero date. `quoted` is the column's quoted name. The bound is a
// value of the column's own range (TIMESTAMP starts at 1970 in the
// session's UTC), so an index on the column serves it as a range: a bound
// outside the range ('0001-01-01' on a TIMESTAMP) makes MariaDB scan the
// whole index, seconds per run on a 10M-row table.
std::string NoCursorValueCondition(TypeId type, std::string_view quoted);

// The field a result column maps to. `json_format`: MariaDB's extended
// metadata says the column holds JSON.
Field FieldFromResultMetadata(const MYSQL_FIELD& field, bool json_format);

// "bigint unsigned", "varchar", "decimal", ...: a result column's type for messages.
std::string WireTypeName(const MYSQL_FIELD& field);

// True for a byte-string result column with the binary character set.
inline bool IsBinaryCharset(const MYSQL_FIELD& field) { return field.charsetnr == 63; }

}  // namespace sluice::source::mysql
