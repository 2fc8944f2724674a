// Checks of a table's stored cursor against the columns it follows, made
// before a run reads anything, so a hand-edited or stale watermark never
// runs silently: an id that is no value of its column is an error, and a
// cursor past the source's maximum (a run that can read nothing new) is a
// warning.
//
// Pure functions; thread-safe.
#pragma once

#include <string>
#include <vector>

#include "cdc/planner.h"
#include "cdc/table_spec.h"
#include "types/cursor.h"

namespace sluice::cdc {

// `id` as the id column compares: text for a string column; an integer
// for an integer column (text that spells one is converted). InvalidArgument
// "id 'abc' is not a value of cdc_id_column 'id' (int64 (bigint): a whole
// number)" when it cannot be one, and "id 9223372036854775808 is outside
// the range of cdc_id_column 'id' (int64 (bigint): -9223372036854775808 to
// 9223372036854775807)" when the column cannot hold it: the range of its
// type (decimal(p,0): p digits), with none below 0 when the source spells
// the type unsigned and at most 2^64-1 for MySQL's BIGINT UNSIGNED. A column
// the schema does not have (custom_sql) takes any id.
Result<Value> IdForColumn(const TableSpec& spec, const Value& id);

// The cursor with its id as IdForColumn makes it; the error names the table,
// the value and the remedy (`sluice watermark set` / `watermark reset`).
// REQUIRES: `spec` from MakeTableSpec.
Result<Cursor> CursorForColumns(const TableSpec& spec, Cursor cursor);

// One line per cursor column the cursor is ahead of: past the ceiling (the
// column's MAX at run start, capped at the source's clock), or set while
// the column holds no value at all. Such a run reads nothing past the
// cursor (a lookback still re-reads its window); the line says until when
// and what to do if the cursor was set by hand.
std::vector<std::string> CursorAheadWarnings(const TableSpec& spec, const Cursor& cursor, const Ceiling& ceiling);

}  // namespace sluice::cdc
