// ChunkPlanner: the change-capture strategies of SPEC §3 as pure logic.
//
// Given a table, where the last run stopped (the cursor) and the run's
// ceiling, the planner says which query to run next and, from the rows
// each query returns, where the run now stands. It does no I/O, so every
// strategy is tested without a database and every source reuses it.
//
// The read loop (src/sync) drives it:
//
//   while (auto query = planner.NextQuery()) {
//     reader = source.Read(*query) ...
//     while (rows = reader.Next(&batch, planner.MaxRowsPerBatch())) {
//       keep = planner.AcceptBatch(batch);   // the first `keep` rows are output
//     }
//     planner.FinishQuery();                 // a safe point: cursor() is exact
//   }
//
// How each strategy reads (all in key order, never OFFSET):
//   id_only         key (id) in (cursor, ceiling]; pages of LIMIT batch_size;
//                   with a lookback, from the re-read id instead.
//   timestamp_only  key (ts) in (cursor, ceiling]; with a lookback, from
//                   the re-read timestamp instead.
//   hybrid          key (ts, id) > (cursor.ts, cursor.id), ts <= ceiling;
//                   with a lookback: ts > the re-read timestamp instead.
// The re-read bounds come from cdc/lookback.h; the cursor never moves back.
//   full_sync       the whole table in one streaming query (every batch a
//                   safe point: its files stay pending until the copy ends).
//   first copy      hybrid and timestamp_only with no cursor yet (and a
//                   primary key of integer or text columns, which the load
//                   merges by): the table in the order cheapest for the
//                   source, up to `ts <= ceiling`.
//                   - Heap order, when the source gives a HeapLayout
//                     (PostgreSQL 14+ plain tables): page-range chunks of
//                     about batch_size rows, the last one open-ended so
//                     pages the table grew by are read too; each chunk's
//                     end a safe point whose progress is the next page.
//                     Under one snapshot (ReadsUnderOneSnapshot), so a row
//                     an update moves to a page already read is not lost.
//                   - Else primary-key order (what InnoDB and SQLite store
//                     tables in), one streaming query `pk > after`; every
//                     batch a safe point whose progress is the last key.
//                   The progress (CopyProgress) is the cursor; a copy
//                   resumes under its own ceiling, in the order it began
//                   in (or starts over, with a warning, when it cannot).
//                   When every row is read, the cursor becomes the largest
//                   (timestamp[, id]) copied, as a read in cursor order
//                   would end, and the strategy reads on from there in the
//                   same run, up to the run's own ceiling when a resumed
//                   copy's ceiling is older.
//   custom_sql      the user's query once, with {{last_*}}/{{ceiling_*}} bound.
//
// Ties: a key that is not unique (timestamp_only; id_only on a non-key
// column) is read in whole tie groups: when a page ends inside a group,
// that group's rows are dropped from the page and the group is re-read by
// itself (`key = X`), so a cursor never lands inside a group. A non-unique
// id's ceiling group is left for the next run (it may still be growing);
// for timestamps the caller caps the ceiling below the source's clock
// (CapTimestampCeiling), which closes the ceiling group the same way.
//
// Thread-compatible.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "cdc/table_spec.h"
#include "types/column_batch.h"
#include "types/cursor.h"
#include "types/heap_layout.h"
#include "types/select_query.h"

namespace sluice::cdc {

// The maximum of a cursor column at run start; reads stop there.
struct Ceiling {
  // (Initialized so designated initializers may name only the parts a strategy uses.)
  Value timestamp = Value();  // NULL: not used, or the table is empty
  Value id = Value();
  // The source's clock when the ceiling was read: for a timestamp column in
  // the column's own frame (naive: the writers' wall clock), for id_only
  // UTC. What a lookback measures from (cdc/lookback.h); unset when not read.
  std::optional<int64_t> clock_micros = std::nullopt;
};

// Columns whose MAX() the run needs before planning: {timestamp, id} as used.
struct CeilingColumns {
  std::string timestamp_column;
  std::string id_column;
};
CeilingColumns CeilingColumnsFor(const TableSpec& spec);

// Whether a run from `start` may begin with a first copy (a timestamp
// strategy with no cursor yet, or a copy to resume): only then does the
// planner use the table's HeapLayout, which costs the source a query.
bool MayCopyFirst(const TableSpec& spec, const Cursor& start);

// Caps a timestamp or date ceiling (`max`, the column's MAX) below the
// source's current second (dates: below today), so the ceiling's tie group
// is closed: a row stamped later with the same value as the cursor would
// otherwise be skipped by the next run's `> cursor`. `utc_micros` is the
// source's clock; `local_micros` the same instant on the writers' wall
// clock (their time zone). Naive columns (timestamp, date) hold what the
// writers' clock said, so they are capped by `local_micros`; timestamptz
// by UTC. Other values are returned as is.
Value CapTimestampCeiling(const Value& max, TypeId type, int64_t utc_micros, int64_t local_micros);

// The custom_sql query with every placeholder bound to NULL: enough for a
// source to describe its result columns without reading rows.
SelectQuery CustomQueryForDescribe(const std::string& table, const std::string& custom_sql);

class ChunkPlanner {
 public:
  // `row_limit`: stop after about this many rows (--limit); tie groups are
  // kept whole, so a run may exceed it by the rest of one group, and rows a
  // lookback re-reads behind the start cursor do not count.
  // `lookback`: what earlier runs recorded for the re-read (cdc/lookback.h).
  // `heap`: the table's pages, when the source can read them by range
  // (Source::DescribeHeap): a first copy then reads in heap order.
  static Result<ChunkPlanner> Create(TableSpec spec, Cursor start, Ceiling ceiling,
                                     std::optional<int64_t> row_limit = std::nullopt, Lookback lookback = {},
                                     std::optional<HeapLayout> heap = std::nullopt);

  // The next query, or nullopt when the run has read all it should.
  std::optional<SelectQuery> NextQuery();
  // Batch size to ask the reader for while the current query runs.
  size_t MaxRowsPerBatch() const;
  // Takes the next batch of the current query. Returns how many leading
  // rows are this run's output; the rest will be read again.
  Result<size_t> AcceptBatch(const ColumnBatch& batch);
  // The current query is exhausted.
  void FinishQuery();

  // Why this run will read nothing new although the cursor is set: the
  // cursor is ahead of the source (cdc/cursor_check.h). Create also logs
  // each as a warning.
  const std::vector<std::string>& warnings() const { return warnings_; }

  // The position after every row accepted so far. Exact at safe points:
  // before the first query and after each FinishQuery().
  const Cursor& cursor() const { return cursor_; }
  // Whether the end of every batch is a safe point too (full_sync: the
  // cursor stays empty and the files are loadable only together), so files
  // can roll inside its one query.
  bool EveryBatchIsASafePoint() const {
    return spec_.strategy == config::CdcStrategy::kFullSync || mode_ == Mode::kKeyOrderCopy;
  }
  // Whether this run copies the table in primary-key order (a first copy).
  bool CopiesInKeyOrder() const { return mode_ == Mode::kKeyOrderCopy; }
  // Whether this run copies the table in heap order (a first copy).
  bool CopiesInHeapOrder() const { return mode_ == Mode::kHeapOrderCopy; }
  // Whether the run's queries must all see one snapshot of the source
  // (Source::BeginSnapshot): full_sync, and a run that begins with a copy
  // in heap order, whose chunks would otherwise miss a row an update moves
  // from a page not yet read to one already read.
  bool ReadsUnderOneSnapshot() const {
    return spec_.strategy == config::CdcStrategy::kFullSync || begins_with_heap_copy_;
  }
  int64_t rows_accepted() const { return rows_accepted_; }
  // "(2025-11-27T15:30:00.000000Z, 42) < (updated_at, id) and updated_at <= 2025-11-28T…"
  std::string DescribeWindow() const;
  // Fraction of the key range from start to ceiling done (0..1), when the key is numeric or a time.
  std::optional<double> Progress() const;
  const TableSpec& spec() const { return spec_; }

 private:
  enum class Mode { kUniqueKeyset, kTieGroups, kSingleQuery, kKeyOrderCopy, kHeapOrderCopy };
  enum class Phase { kRange, kGroup, kDone };

  ChunkPlanner() = default;
  Status Init();
  // Sets up a first copy, in heap or key order, when the strategy, cursor and key allow.
  Status InitFirstCopy();
  // Pages of the next heap-order chunk: about `rows` rows by the source's estimate.
  int64_t PagesPerChunk(int64_t rows) const;
  // Records the largest cursor value of a copied batch in the copy's progress.
  Status TrackCopiedMax(const ColumnBatch& batch);
  // The strategy's cursor once a copy has read every row up to its ceiling:
  // the largest value it copied, where a read in cursor order would stand.
  Cursor HandOver(const CopyProgress& copy) const;
  // After a copy: the strategy's keyset from the handed-over cursor up to
  // this run's ceiling, when that is later than the copy's; from the
  // lookback window before the copy began when a later run resumed it.
  void ContinueInCursorOrder(const CopyProgress& copy);
  SelectQuery BaseQuery() const;
  SelectQuery RangeQuery() const;
  SelectQuery PageQuery() const;
  SelectQuery CustomQuery() const;
  Result<std::vector<Value>> KeyAt(const ColumnBatch& batch, size_t row) const;
  Result<size_t> AcceptRangeBatch(const ColumnBatch& batch);
  Status AcceptCustomBatch(const ColumnBatch& batch);
  Status CheckCustomCeiling() const;
  void SetCursorFromKey(const std::vector<Value>& key);
  Value TimestampValue(int64_t micros) const;
  std::optional<int64_t> RemainingRows() const;
  bool PastStart(const std::vector<Value>& key) const;
  Result<int64_t> RowsTowardLimit(const ColumnBatch& batch, size_t keep) const;

  TableSpec spec_;
  Ceiling ceiling_;
  std::optional<int64_t> row_limit_;
  Mode mode_ = Mode::kSingleQuery;
  Phase phase_ = Phase::kRange;
  std::vector<std::string> key_columns_;
  std::vector<size_t> key_indexes_;  // into the schema
  DataType timestamp_type_;

  std::vector<Value> lower_;  // exclusive lower bound, a prefix of the key
  std::optional<Value> upper_;
  Value group_key_;           // kGroup: the tie group being read whole
  bool resumed_copy_ = false;  // the copy continues one an earlier run began
  std::optional<HeapLayout> heap_;  // the table's pages, when the source can read them by range
  bool begins_with_heap_copy_ = false;
  std::optional<int64_t> chunk_end_;    // kHeapOrderCopy: the current chunk's end page; unset: the table's end
  bool exclude_ceiling_group_ = false;  // id_only on a non-unique column
  bool reached_ceiling_group_ = false;
  int64_t query_limit_ = 0;   // LIMIT of the current range query (0: none)
  int64_t query_rows_ = 0;    // rows the current query returned
  int batches_in_query_ = 0;
  std::vector<Value> last_key_;  // key of the last accepted row
  std::optional<std::vector<Value>> page_last_key_;  // ... in the current range query

  Cursor cursor_;
  Cursor start_cursor_;
  Lookback lookback_;
  std::optional<int64_t> reread_micros_;  // where the timestamp re-read starts (cdc/lookback.h), if any
  Value reread_id_;                       // ... the id re-read; NULL: none
  bool RereadsBehindStart() const { return reread_micros_.has_value() || !reread_id_.is_null(); }
  int64_t rows_accepted_ = 0;
  int64_t rows_toward_limit_ = 0;  // accepted rows past the start cursor
  std::vector<std::string> warnings_;
  std::optional<Value> custom_max_timestamp_;
  std::optional<Value> custom_max_id_;
};

}  // namespace sluice::cdc
