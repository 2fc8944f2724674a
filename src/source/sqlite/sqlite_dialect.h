// SQLite's SqlDialect: double-quoted identifiers, `?` placeholders, and
// timestamp/date key columns compared in a canonical text domain.
//
// SQLite has no timestamp type: a DATETIME column holds text in whatever
// form was written ('2025-01-01 10:00:00', '...T10:00:00.000Z') or unix
// epoch numbers, and compares them as text or numbers, so the raw column
// does not order by time. A timestamp (or timestamptz) key column is
// therefore compared and ordered as
//
//   coalesce(CASE WHEN typeof(c) IN ('integer', 'real')
//                 THEN strftime('%Y-%m-%d %H:%M:%f', c, 'unixepoch')
//                 ELSE strftime('%Y-%m-%d %H:%M:%f', c) END, c)
//
// and each parameter compared with it as strftime('%Y-%m-%d %H:%M:%f', ?),
// so both sides pass through the same function: comparisons are exact in
// that domain, which has millisecond precision (SQLite rounds fractions to
// the millisecond; rows within one millisecond tie). A date key column
// uses '%Y-%m-%d'. Values strftime cannot read (zero dates, garbage) fall
// back to the raw value and order before (text '0000-...') or after
// ('abc') every real timestamp. The expression cannot use an index on the
// raw column; an index on the exact expression can serve it.
// Integer, text and other keys compare natively.
#pragma once

#include <string>
#include <string_view>

#include "source/sql_render.h"
#include "types/data_type.h"

namespace sluice::source::sqlite {

SqlDialect SqliteDialect();

// The expression a key column `quoted_column` of `type` is compared as
// (the column itself for non-temporal types).
std::string SqliteKeyExpression(std::string_view quoted_column, const DataType& type);

// True for the types compared in the canonical text domain.
bool IsCanonicalTextKey(TypeId id);

}  // namespace sluice::source::sqlite
