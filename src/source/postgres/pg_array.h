// Internal to the PostgreSQL source: a binary array (array_send) as JSON
// text, for the json column every PostgreSQL array maps to.
//
// Wire form: int32 ndim, int32 has-nulls flag, uint32 element type OID,
// ndim × (int32 length, int32 lower bound), then the elements in row-major
// order, each an int32 byte length (-1: NULL) and its binary value.
//
// JSON form: nested arrays, one level per dimension ({{1,2},{3,4}} ->
// [[1,2],[3,4]]; the empty array -> []; lower bounds are dropped). NULL
// elements are null. Numbers (integers, numeric, float) are JSON numbers
// with their exact digits; the non-numbers NaN, Infinity and -Infinity
// become the strings "NaN", "Infinity", "-Infinity". Booleans are
// true/false; json/jsonb elements are embedded as JSON. Everything else is
// a JSON string: text as is (escaped), dates "2025-01-31", timestamps
// "2025-01-31T10:00:00.000000" (timestamptz with "Z"), times
// "10:00:00.000000", uuids in canonical form, bytea as "\x0a0b" hex, and
// date/timestamp ±infinity as "infinity" / "-infinity". Pure; thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "common/status.h"
#include "source/postgres/pg_types.h"

namespace sluice::source::postgres {

// Appends the JSON text of the binary array `value` whose elements are of `element_kind`.
// DataError when the array is malformed.
Status AppendArrayJson(std::string_view value, PgKind element_kind, std::string* out);

// Appends `text` as a JSON string literal (quoted, escaped).
void AppendJsonString(std::string_view text, std::string* out);

// Appends the 36-character canonical text of a 16-byte uuid.
void AppendUuidText(std::string_view uuid_bytes, std::string* out);

}  // namespace sluice::source::postgres
