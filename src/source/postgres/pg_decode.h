// Internal to the PostgreSQL source: decoding one value in PostgreSQL's
// binary send format into a ColumnVector (storage per data_type.h), used
// by both readers (COPY BINARY and single-row results share the format).
//
//   int2 / int4 / int8 / oid   big-endian integers
//   float4 / float8            IEEE 754, NaN, ±Infinity and -0 kept
//   bool                       one byte
//   numeric                    pg_numeric.h: exact; NaN/±Infinity are a DataError
//                              for a decimal(p,s), p <= 38, and "NaN", "Infinity",
//                              "-Infinity" where the column is exact text
//   date                       int32 days since 2000-01-01
//   timestamp, timestamptz     int64 µs since 2000-01-01 (timestamptz in UTC)
//   time                       int64 µs since midnight
//   text family, json, bytea   raw bytes (jsonb: a version byte 1 first)
//   uuid                       16 bytes -> "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx"
//   arrays                     pg_array.h -> JSON text
//
// date/timestamp ±infinity have no sluice equivalent: like MySQL's zero
// dates they become NULL and are counted (zero_dates: null), or are a
// DataError (zero_dates: error). Dates outside 0001-01-01..9999-12-31 are a
// DataError. Messages say what the value is; the reader adds table, column
// and row. Pure functions; thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "common/status.h"
#include "config/config.h"
#include "source/postgres/pg_types.h"
#include "types/column_batch.h"

namespace sluice::source::postgres {

struct DecodeContext {
  config::ZeroDates zero_dates = config::ZeroDates::kNull;
  int64_t zero_dates_nulled = 0;
  std::string scratch;  // reused by decoders that build text
  Status error;         // why the last decoder returned false
};

// Decodes the non-NULL binary `value` of a `column` and appends it to `out`.
// False on failure, with the reason in context->error (the hot path builds
// no Status).
using FieldDecoder = bool (*)(std::string_view value, const PgColumnType& column, ColumnVector* out,
                              DecodeContext* context);

// The decoder for `column`. REQUIRES: column.type is what MapPgType gave for column.kind.
FieldDecoder DecoderFor(const PgColumnType& column);

// A short text naming the binary `value` of `column` in messages: 42,
// 'abc', 2025-01-01T00:00:00.000000Z, or "a <type> value" when it does not decode.
std::string DescribeValue(std::string_view value, const PgColumnType& column);

}  // namespace sluice::source::postgres
