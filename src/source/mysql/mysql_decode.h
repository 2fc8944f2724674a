// Internal to the MySQL source: decoding binary-protocol values straight
// from the row packet into ColumnVectors (see mysql_wire.h for the wire
// format), exactly or not at all.
//
// RowDecoder is the Connector/C result callback's target: for each
// column of a fetched row it appends one value (or NULL) to the matching
// column of the current batch through a decoder chosen once per read from
// the result column's wire type and the schema's DataType. No allocation
// per value beyond the columns' own buffers.
//
// A value that cannot be held (bad UTF-8 in a text column, a zero date in
// zero_dates: error mode, a value out of the column type's range) appends
// NULL, so the batch's columns stay aligned, and records the row's first
// error; the reader turns it into a DataError naming table, column and
// row. Zero and invalid dates ('0000-00-00', '2024-00-10', year 0) in
// zero_dates: null mode append NULL and are counted.
//
// Thread-safety: one thread at a time, as the statement.
#pragma once

#include <mysql.h>

#include <cstdint>
#include <string>
#include <vector>

#include "common/status.h"
#include "config/config.h"
#include "source/mysql/mysql_wire.h"
#include "types/column_batch.h"

namespace sluice::source::mysql {

class RowDecoder;
// Decodes one non-NULL value at `*row` (advancing it) into `out`.
using ColumnDecoder = void (*)(const unsigned char** row, ColumnVector* out, RowDecoder* decoder);

class RowDecoder {
 public:
  // A decoder for no columns; Create makes real ones.
  RowDecoder() = default;
  // One decoder per result column. SchemaMismatch when a result column
  // cannot be read as the schema's type (the table changed since it was
  // described), naming the column and both types.
  static Result<RowDecoder> Create(const MYSQL_FIELD* fields, size_t field_count, const Schema& schema,
                                   config::ZeroDates zero_dates);

  // The Connector/C result callback (STMT_ATTR_CB_RESULT); `data` is the RowDecoder.
  static void OnColumn(void* data, unsigned int column, unsigned char** row);

  // Rows are appended to `batch` from now on.
  void Target(ColumnBatch* batch);
  // The first error in the row fetched last, if any, and its column; cleared by ClearRowError.
  bool has_row_error() const { return !row_error_.ok(); }
  const Status& row_error() const { return row_error_; }
  size_t row_error_column() const { return row_error_column_; }
  void ClearRowError() { row_error_ = Status::Ok(); }
  int64_t zero_dates_nulled() const { return zero_dates_nulled_; }

  // For decoders: records `error` for the current column and appends NULL.
  void Fail(ColumnVector* out, Status error);
  // For decoders: a zero or invalid date (NULL and counted, or an error).
  void ZeroDate(ColumnVector* out, const WireDateTime& value, bool with_time);
  // For decoders: the allowed range of the current column (int32-held types).
  int64_t min_value() const { return bounds_[current_column_].first; }
  int64_t max_value() const { return bounds_[current_column_].second; }
  std::string& scratch() { return scratch_; }

 private:
  std::vector<ColumnDecoder> decoders_;
  std::vector<std::pair<int64_t, int64_t>> bounds_;
  std::vector<ColumnVector*> columns_;
  config::ZeroDates zero_dates_ = config::ZeroDates::kNull;
  int64_t zero_dates_nulled_ = 0;
  size_t current_column_ = 0;
  Status row_error_;
  size_t row_error_column_ = 0;
  std::string scratch_;
};

}  // namespace sluice::source::mysql
