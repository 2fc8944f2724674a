// FakeTable: rows in memory and an executor of SelectQuery's keyset form,
// written independently of the planner, so planner tests check real
// behaviour: the rows a sequence of queries returns.
#pragma once

#include <vector>

#include "types/column_batch.h"
#include "types/heap_layout.h"
#include "types/select_query.h"

namespace sluice::testing {

struct FakeRow {
  std::optional<int64_t> ts_micros;  // "updated_at"; nullopt = NULL
  int64_t id = 0;                    // "id"
  int64_t group = 0;                 // "grp": a non-unique integer column
  int64_t page = 0;                  // the heap page the row is on (set by the table)
};

class FakeTable {
 public:
  // Columns: id BIGINT (PK), updated_at TIMESTAMP, grp BIGINT. Rows are
  // stored in heap pages of `rows_per_page` rows, as PostgreSQL stores
  // them: an insert goes to the last page it filled, or a new one when
  // that is full.
  explicit FakeTable(int64_t rows_per_page = 10);
  SchemaPtr schema() const { return schema_; }
  void Insert(FakeRow row);
  void Update(int64_t id, int64_t ts_micros);
  // An update that writes the row's new version on `page` (a page with
  // free space, not the row's own: PostgreSQL's non-HOT update).
  void Move(int64_t id, int64_t page, int64_t ts_micros);
  // VACUUM FULL: every row on new pages, packed in key order, in new storage.
  void Rewrite();
  // The table's pages now, as Source::DescribeHeap reports them.
  HeapLayout Heap() const;
  size_t size() const { return rows_.size(); }
  Value Max(const std::string& column) const;

  // Runs `query`; the result as batches of at most `max_rows` rows. A page
  // range reads the rows on those pages in page order, as a heap scan does.
  std::vector<ColumnBatch> Execute(const SelectQuery& query, size_t max_rows) const;
  int queries_run() const { return queries_run_; }

 private:
  Value Get(const FakeRow& row, const std::string& column) const;
  bool Matches(const FakeRow& row, const SelectQuery& query) const;

  SchemaPtr schema_;
  int64_t rows_per_page_;
  int storage_ = 1;
  int64_t last_page_ = 0;  // where inserts go
  int64_t inserted_on_last_page_ = 0;
  std::vector<FakeRow> rows_;  // in the order they were written
  mutable int queries_run_ = 0;
};

}  // namespace sluice::testing
