// Internal to the MySQL source: the BatchReader that streams one prepared
// statement's result into ColumnBatches.
//
// The statement is executed without mysql_stmt_store_result, so rows come
// off the socket as Next asks for them (Connector/C holds one row packet
// at a time) and are decoded by a result callback straight from the
// packet into the batch (mysql_decode.h): no result is ever buffered
// whole, and no value is copied twice.
//
// The reader marks the connection busy while the result is open. When the
// result is exhausted or fails it frees the result, so the connection is
// usable again. A reader destroyed before the end of its result either
// reads and discards the rest (a bounded result: a keyset chunk, MAX())
// or, when that could mean streaming the rest of a table, has the server
// stop the query first (MySqlConnection::CancelResult), so an interrupted
// full_sync of 100M rows ends in a moment, not after the other rows. After a failed Next the batch holds a
// partial row and every later Next returns the same error.
//
// Thread-safety: one thread at a time, as the connection.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "source/mysql/mysql_connection.h"
#include "source/mysql/mysql_decode.h"
#include "source/mysql/mysql_statement.h"
#include "source/source.h"

namespace sluice::source::mysql {

class MySqlBatchReader final : public BatchReader {
 public:
  // Binds `params`, executes `statement` (owned by the connection's cache)
  // and starts reading. The result columns are the columns of `schema`, in
  // order; SchemaMismatch when one cannot be read as its schema type.
  static Result<std::unique_ptr<MySqlBatchReader>> Start(std::shared_ptr<MySqlConnection> connection,
                                                         MYSQL_STMT* statement, std::vector<Value> params,
                                                         SchemaPtr schema, const ReadOptions& options,
                                                         bool cancel_when_dropped = false);
  ~MySqlBatchReader() override;

  Result<size_t> Next(ColumnBatch* batch, size_t max_rows) override;
  const ReadStats& stats() const override { return stats_; }

 private:
  MySqlBatchReader(std::shared_ptr<MySqlConnection> connection, MYSQL_STMT* statement, std::vector<Value> params,
                   SchemaPtr schema, const ReadOptions& options);

  // Frees the result and releases the connection; `abandoned`: before
  // its end, so cancelled when cancel_when_dropped_.
  void Finish(bool abandoned);
  Status CheckBatch(const ColumnBatch& batch, size_t max_rows) const;
  // "table orders, column shipped_at, row id=42: <cause>" for the last row of `batch`.
  Status RowError(const ColumnBatch& batch) const;
  std::string DescribeRow(const ColumnBatch& batch, size_t row) const;
  std::string Context() const;

  std::shared_ptr<MySqlConnection> connection_;
  MYSQL_STMT* statement_;  // null once the result is finished
  BoundParams params_;
  SchemaPtr schema_;
  ReadOptions options_;
  bool cancel_when_dropped_ = false;
  RowDecoder decoder_;
  std::vector<size_t> key_columns_;  // the primary key's columns in the schema, to name rows in errors
  ReadStats stats_;
  Status failure_;  // once a Next failed, every later Next returns this
};

}  // namespace sluice::source::mysql
