#include "source/postgres/pg_reader.h"

#include <fmt/format.h>

namespace sluice::source::postgres {

Status CheckBatch(const ColumnBatch& batch, const Schema& schema, size_t max_rows) {
  if (batch.num_columns() != schema.fields.size()) {
    return InvalidArgument("the batch has {} columns, the read {}", batch.num_columns(), schema.fields.size());
  }
  for (size_t column_idx = 0; column_idx < schema.fields.size(); ++column_idx) {
    if (batch.column(column_idx).type() != schema.fields[column_idx].type) {
      return InvalidArgument("batch column {} is a {}, the read's a {}", column_idx,
                             batch.column(column_idx).type().ToString(), schema.fields[column_idx].type.ToString());
    }
  }
  if (max_rows == 0) return InvalidArgument("Next needs max_rows > 0");
  return Status::Ok();
}

Status ErrorAtRow(const ReadOptions& options, const Schema& schema, size_t column_idx, const std::string& row,
                  const Status& cause) {
  std::string where = fmt::format("column {}, {}", schema.fields[column_idx].name, row);
  if (!options.table_for_errors.empty()) where = fmt::format("table {}, {}", options.table_for_errors, where);
  return cause.WithContext(where);
}

namespace {

// A statement that failed inside the snapshot transaction aborted it: rolled
// back here, and EndSnapshot reports the snapshot lost.
void EndAbortedTransaction(PgConnection& connection) {
  if (PQtransactionStatus(connection.get()) != PQTRANS_INERROR) return;
  PQclear(PQexec(connection.get(), "ROLLBACK"));
  if (connection.in_snapshot) {
    connection.in_snapshot = false;
    connection.snapshot_lost = true;
  }
}

}  // namespace

Status FinishResults(PgConnection& connection, std::string_view context) {
  Status status;
  while (PGresult* raw = PQgetResult(connection.get())) {
    ResultPtr result(raw);
    ExecStatusType state = PQresultStatus(raw);
    if (state != PGRES_COMMAND_OK && state != PGRES_TUPLES_OK && status.ok()) {
      status = connection.ErrorFrom(raw, context);
    }
  }
  EndAbortedTransaction(connection);
  connection.ReaderEnded();
  return status;
}

void AbandonResult(PgConnection& connection, bool cancel) {
  PGconn* conn = connection.get();
  // Best effort: draining below ends the result either way.
  if (cancel) (void)connection.CancelStatement();
  char* buffer = nullptr;
  while (PQgetCopyData(conn, &buffer, 0) > 0) PQfreemem(buffer);
  while (PGresult* result = PQgetResult(conn)) PQclear(result);
  EndAbortedTransaction(connection);
  connection.ReaderEnded();
}

}  // namespace sluice::source::postgres
