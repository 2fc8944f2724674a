// Internal to the PostgreSQL source: what the COPY reader and the
// single-row reader share: checking the caller's batch, naming the row of
// a data error, and giving the connection back in a usable state when a
// reader is dropped before its result is exhausted.
//
// Giving the connection back: a result still streaming is either drained
// (its remaining rows read and thrown away: bounded results such as a
// keyset chunk, which never end a snapshot) or cancelled (PQcancel, then
// drained: unbounded results). A cancel inside the snapshot transaction
// aborts it; it is rolled back and the source's EndSnapshot reports that
// the snapshot was lost. A reader whose statement Source::Interrupt
// cancelled (PgConnection::Interrupt) fails with Cancelled. Not thread-safe.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "source/postgres/pg_connection.h"
#include "source/source.h"

namespace sluice::source::postgres {

// Result columns that identify a row in data errors ("row id=42"): index
// in the result and name. Empty: "row N of the result".
struct RowLocator {
  std::vector<std::pair<size_t, std::string>> columns;
};

// InvalidArgument unless `batch` has the columns and types of `schema` and max_rows > 0.
Status CheckBatch(const ColumnBatch& batch, const Schema& schema, size_t max_rows);

// "table orders, column amount, <row>: <cause>"
Status ErrorAtRow(const ReadOptions& options, const Schema& schema, size_t column_idx, const std::string& row,
                  const Status& cause);

// Reads the results that follow a statement's data (its completion and
// the end marker) and ends the reader (PgConnection::ReaderEnded). The
// statement's error, if it failed (Cancelled after an Interrupt); a failure
// inside the snapshot transaction aborted it, so it is rolled back and the
// snapshot reported lost.
Status FinishResults(PgConnection& connection, std::string_view context);

// Ends an unfinished result as described above and ends the reader.
void AbandonResult(PgConnection& connection, bool cancel);

}  // namespace sluice::source::postgres
