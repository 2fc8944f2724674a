// Internal to the SQLite source: the BatchReader that steps one prepared
// statement and converts its rows into ColumnBatches.
//
// The reader owns the statement and the bound parameter values. When the
// result is exhausted it finalizes the statement at once, releasing its
// read lock. After a failed Next the batch holds a partial row and every
// later Next returns the same error. It may outlive its Source: the connection closes once its
// last statement is finalized (sqlite3_close_v2).
//
// Thread-safety: one thread at a time, as the connection.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "source/source.h"
#include "source/sqlite/sqlite_convert.h"
#include "source/sqlite/sqlite_handle.h"

namespace sluice::source::sqlite {

// The result columns that identify a row in a data error ("row id=42"):
// statement column index and the name to print. Empty: "row N of the result".
struct RowLocator {
  std::vector<std::pair<int, std::string>> columns;
};

class SqliteBatchReader final : public BatchReader {
 public:
  // Binds `params` and starts reading. The statement returns the columns of
  // `schema` in order, then any locator-only columns.
  static Result<std::unique_ptr<BatchReader>> Start(sqlite3* db, StatementPtr statement, std::vector<Value> params,
                                                    SchemaPtr schema, const ReadOptions& options, RowLocator locator);

  Result<size_t> Next(ColumnBatch* batch, size_t max_rows) override;
  const ReadStats& stats() const override { return stats_; }

 private:
  SqliteBatchReader(sqlite3* db, StatementPtr statement, std::vector<Value> params, SchemaPtr schema,
                    const ReadOptions& options, RowLocator locator);

  // "table orders, column amount, row id=42: <cause>"
  Status ErrorAt(size_t column_idx, const Status& cause) const;
  std::string DescribeRow() const;

  sqlite3* db_;
  StatementPtr statement_;  // null once the result is exhausted
  std::vector<Value> params_;
  std::vector<std::string> bound_text_;
  SchemaPtr schema_;
  ReadOptions options_;
  RowLocator locator_;
  std::vector<ColumnConverter> converters_;
  ConvertContext context_;
  ReadStats stats_;
  Status failure_;  // once a Next failed, every later Next returns this
};

}  // namespace sluice::source::sqlite
