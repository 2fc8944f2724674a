// Internal to the PostgreSQL source: its SQL dialect (sql_render.h).
//
// Identifiers are double-quoted. Custom SQL gets `$1, $2, ...` placeholders
// and its values are bound as typed parameters (see ParamTypeFor). Keyset
// chunks run inside COPY, which takes no parameters: their bound values
// (sluice's own cursor and ceiling, never user input) are written as
// PQescapeLiteral-quoted literals with an explicit cast to the key
// column's type, e.g. `"id" > '41'::bigint`, `"ts" <= '2025-01-01
// 00:00:00.000000+00'::timestamp with time zone`. A page range (a first
// copy in heap order) is a TID range, `ctid >= '(1000,0)'::tid AND ctid <
// '(1500,0)'::tid`. Columns sluice reads as
// text are selected through their output function, arrays of such types as
// JSON (pg_types.h).
#pragma once

#include <libpq-fe.h>

#include <optional>
#include <string>

#include "source/postgres/pg_catalog.h"
#include "source/sql_render.h"
#include "types/value.h"

namespace sluice::source::postgres {

// Custom SQL: double quotes, $n placeholders.
SqlDialect PostgresDialect();

// Keyset reads of `table` inside COPY. The literal hook records in
// `*failure` a value it cannot quote (check it after rendering).
// REQUIRES: conn, table and failure outlive the dialect.
SqlDialect PostgresCopyDialect(PGconn* conn, const PgTable& table, Status* failure);

// What a select list reads in place of `column` (pg_types.h PgCast).
std::string SelectExpression(const PgColumn& column, std::string_view quoted_column);

// The text form of `value` as a parameter or literal: 42, 2025-01-31
// 10:00:00.000000, 2025-01-31, the text; nullopt for NULL.
std::optional<std::string> ValueText(const Value& value);

// The parameter type a value is bound as: int8 for integers, numeric for
// unsigned ones past int8, timestamp, date, and unknown (0: inferred from
// the context, like a quoted literal) for text and NULL.
Oid ParamTypeFor(const Value& value);

}  // namespace sluice::source::postgres
