// Source: a database sluice reads from (SQLite, MySQL/MariaDB, PostgreSQL).
//
// A Source discovers a table's schema and streams the rows a SelectQuery
// describes into ColumnBatches, never holding a whole result in memory.
// The change-capture strategies (src/cdc) decide *what* to read; a Source
// only knows *how*: its SQL dialect, its protocol, its type mapping to
// DataType (SPEC §5). Every session runs in UTC.
//
// Thread-safety: a Source and its readers are used by one thread at a
// time; at most one BatchReader is open per Source.
#pragma once

#include <memory>
#include <string>

#include "config/config.h"
#include "types/column_batch.h"
#include "types/heap_layout.h"
#include "types/select_query.h"
#include "types/value.h"

namespace sluice::source {

struct ReadOptions {
  config::ZeroDates zero_dates = config::ZeroDates::kNull;
  // Names the row in data errors ("table orders, column created_at, row id=42").
  std::string table_for_errors;
};

// The source's clock at one instant, in microseconds since the epoch.
struct SourceClock {
  int64_t utc_micros = 0;
  // The same instant on the writers' wall clock, read as if it were UTC:
  // what an application stamping naive timestamps (DATETIME, timestamp
  // without time zone) with NOW() writes. The writers' zone is the
  // connection's `time_zone`, else the server's own default zone. Equals
  // utc_micros when that zone is UTC.
  int64_t local_micros = 0;
  // That zone, for --dry-run and logs: "-05:00 (the server's default time zone)".
  std::string zone;
};

struct ReadStats {
  int64_t rows = 0;
  int64_t zero_dates_nulled = 0;  // zero/invalid dates turned into NULL
};

// Streams one query's rows.
class BatchReader {
 public:
  virtual ~BatchReader() = default;
  // Clears `batch` and appends up to `max_rows` rows. Returns the number of
  // rows appended: exactly `max_rows` unless the result ends (the planner
  // relies on a LIMIT page arriving in one batch); 0 means it is exhausted.
  // REQUIRES: batch->schema() is the schema passed to Source::Read.
  virtual Result<size_t> Next(ColumnBatch* batch, size_t max_rows) = 0;
  virtual const ReadStats& stats() const = 0;
};

class Source {
 public:
  virtual ~Source() = default;

  // Columns (in table order), their DataTypes, nullability and the primary key.
  // NotFound names the table when it does not exist.
  virtual Result<SchemaPtr> DescribeTable(const std::string& table) = 0;
  // The result columns of a custom-form query.
  virtual Result<SchemaPtr> DescribeQuery(const SelectQuery& query) = 0;
  // Starts reading `query`; each column of `schema` must be in the select list in order.
  virtual Result<std::unique_ptr<BatchReader>> Read(const SelectQuery& query, SchemaPtr schema,
                                                    const ReadOptions& options) = 0;
  // The table's pages, when the source can read it by page ranges in the
  // order it stores it (SelectQuery::pages; a first copy reads that way):
  // PostgreSQL 14+ plain tables. nullopt for every other table and source.
  virtual Result<std::optional<HeapLayout>> DescribeHeap(const std::string& table) {
    (void)table;
    return std::optional<HeapLayout>();
  }
  // MAX(column) over the table: the run's ceiling. NULL when the table is empty.
  virtual Result<Value> MaxValue(const std::string& table, const std::string& column, const DataType& type) = 0;
  // How many rows hold no value a cursor can order in `column` (NULL; on
  // MySQL also zero dates): the incremental strategies never read them.
  // 0 without a query when the column cannot hold one (NOT NULL).
  virtual Result<int64_t> CountNullKeys(const std::string& table, const Field& column) = 0;
  // How many rows hold a value (not NULL) in `column`: whether a column the
  // source just added already holds data the target's existing rows lack.
  virtual Result<int64_t> CountValues(const std::string& table, const Field& column) = 0;
  // The SQL `query` renders to, with its parameters, for --dry-run and logs.
  virtual std::string Explain(const SelectQuery& query) const = 0;
  // A consistent snapshot shared by the Reads until EndSnapshot (full_sync,
  // a first copy in heap order: ChunkPlanner::ReadsUnderOneSnapshot);
  // a no-op where the source has no such thing.
  virtual Status BeginSnapshot() = 0;
  virtual Status EndSnapshot() = 0;
  // The server's clock now, for capping a timestamp ceiling.
  virtual Result<SourceClock> Clock() = 0;
  // Asks the server to stop the statement this source runs now, so that a
  // reader blocked waiting for it (a query still computing its first row,
  // or the rest of a batch) returns with an error: Cancelled where the
  // source tells its own request from the server's other errors
  // (PostgreSQL). The one method callable from another thread
  // while a reader runs (a run's thread, when its cancel token fires).
  // Best effort; does nothing when the source cannot.
  virtual void Interrupt() {}
  // "SQLite 3.40.1", "MariaDB 10.11.6", ...
  virtual Result<std::string> ServerVersion() = 0;
};

}  // namespace sluice::source
