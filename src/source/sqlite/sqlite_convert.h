// Internal to the SQLite source: converting one result value (any storage
// class: INTEGER, REAL, TEXT, BLOB, NULL) into a column of a given DataType,
// exactly or not at all (docs/sources.md lists what each type accepts).
//
// A converter appends exactly one value (or NULL) to the column, or returns
// a DataError that says what the value is and why it does not fit
// ("'abc' is not a decimal(12,2): unexpected character"); the reader adds
// table, column and row. No allocation per value beyond the column's own
// buffers. Thread-safety: as the statement.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <string>

#include "common/status.h"
#include "config/config.h"
#include "types/column_batch.h"

namespace sluice::source::sqlite {

struct ConvertContext {
  config::ZeroDates zero_dates = config::ZeroDates::kNull;
  int64_t zero_dates_nulled = 0;  // incremented per zero/invalid date turned into NULL
  std::string scratch;            // reused buffer for byte-held decimals
};

// Converts the value in `column_idx` of the statement's current row and appends it to `out`.
using ColumnConverter = Status (*)(sqlite3_stmt* statement, int column_idx, ColumnVector* out, ConvertContext* context);

// The converter for columns of `type`.
ColumnConverter ConverterFor(const DataType& type);

}  // namespace sluice::source::sqlite
