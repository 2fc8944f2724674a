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

Status FinishResults(PgConnection& connection, std::string_view context) {
  Status status;
  while (PGresult* raw = PQgetResult(connection.get())) {
    ResultPtr result(raw);
    ExecStatusType state = PQresultStatus(raw);
    if (state != PGRES_COMMAND_OK && state != PGRES_TUPLES_OK && status.ok()) {
      status = connection.ErrorFrom(raw, context);
    }
  }
  connection.reader_active = false;
  return status;
}

void AbandonResult(PgConnection& connection, bool cancel) {
  PGconn* conn = connection.get();
  if (cancel) {
    if (PGcancel* handle = PQgetCancel(conn)) {
      char error[256];
      (void)PQcancel(handle, error, sizeof(error));  // best effort: draining below ends the result either way
      PQfreeCancel(handle);
    }
  }
  char* buffer = nullptr;
  while (PQgetCopyData(conn, &buffer, 0) > 0) PQfreemem(buffer);
  while (PGresult* result = PQgetResult(conn)) PQclear(result);
  if (PQtransactionStatus(conn) == PQTRANS_INERROR) {
    PQclear(PQexec(conn, "ROLLBACK"));
    if (connection.in_snapshot) {
      connection.in_snapshot = false;
      connection.snapshot_lost = true;
    }
  }
  connection.reader_active = false;
}

}  // namespace sluice::source::postgres
