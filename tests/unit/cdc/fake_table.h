// FakeTable: rows in memory and an executor of SelectQuery's keyset form,
// written independently of the planner, so planner tests check real
// behaviour: the rows a sequence of queries returns.
#pragma once

#include <vector>

#include "types/column_batch.h"
#include "types/select_query.h"

namespace sluice::testing {

struct FakeRow {
  std::optional<int64_t> ts_micros;  // "updated_at"; nullopt = NULL
  int64_t id = 0;                    // "id"
  int64_t group = 0;                 // "grp": a non-unique integer column
};

class FakeTable {
 public:
  // Columns: id BIGINT (PK), updated_at TIMESTAMP, grp BIGINT.
  FakeTable();
  SchemaPtr schema() const { return schema_; }
  void Insert(FakeRow row) { rows_.push_back(row); }
  void Update(int64_t id, int64_t ts_micros);
  size_t size() const { return rows_.size(); }
  Value Max(const std::string& column) const;

  // Runs `query`; the result as batches of at most `max_rows` rows.
  std::vector<ColumnBatch> Execute(const SelectQuery& query, size_t max_rows) const;
  int queries_run() const { return queries_run_; }

 private:
  Value Get(const FakeRow& row, const std::string& column) const;
  bool Matches(const FakeRow& row, const SelectQuery& query) const;

  SchemaPtr schema_;
  std::vector<FakeRow> rows_;
  mutable int queries_run_ = 0;
};

}  // namespace sluice::testing
