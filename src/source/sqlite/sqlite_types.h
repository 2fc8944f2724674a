// How a SQLite column's declared type maps to a DataType (docs/sources.md
// has the user-facing table). SQLite stores any value in any column; the
// declared type only says what the column is meant to hold, so the mapping
// follows the declared name first and SQLite's affinity rules after:
//
//   BOOL, BOOLEAN                                   boolean
//   DATE                                            date
//   DATETIME, TIMESTAMP                             timestamp (wall clock)
//   TIMESTAMPTZ, TIMESTAMP WITH TIME ZONE           timestamptz
//   TIME                                            time
//   JSON, JSONB                                     json
//   UUID, STRING                                    string
//   DECIMAL(p,s), NUMERIC(p,s), DEC(p,s); (p)=(p,0) decimal(p,s)
//   DECIMAL, NUMERIC without (p,s)                  decimal, unconstrained (exact text)
//   then by affinity:
//   contains INT                                    int64
//   contains CHAR, CLOB, TEXT                       string, max_length from (n)
//   contains BLOB, or no type at all                binary
//   contains REAL, FLOA, DOUB                       float64
//   anything else (NUMERIC affinity: MONEY, ...)    decimal, unconstrained (exact text)
//
// Matching is case-insensitive. Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <string_view>

#include "common/status.h"
#include "types/data_type.h"

namespace sluice::source::sqlite {

struct ColumnTypeMapping {
  DataType type;
  int64_t max_length = 0;  // character columns: n of VARCHAR(n); 0 otherwise
};

// NotSupported for a DECIMAL whose precision is outside 1..1000 or whose
// scale exceeds its precision, naming the declared type.
Result<ColumnTypeMapping> MapDeclaredType(std::string_view declared_type);

}  // namespace sluice::source::sqlite
