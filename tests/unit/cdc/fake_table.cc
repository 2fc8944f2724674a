#include "fake_table.h"

#include <algorithm>

namespace sluice::testing {

FakeTable::FakeTable(int64_t rows_per_page) : rows_per_page_(rows_per_page) {
  auto schema = std::make_shared<Schema>();
  schema->fields = {{"id", DataType::Of(TypeId::kInt64), false, "bigint", 0},
                    {"updated_at", DataType::Of(TypeId::kTimestamp), true, "datetime", 0},
                    {"grp", DataType::Of(TypeId::kInt64), false, "bigint", 0}};
  schema->primary_key = {"id"};
  schema_ = schema;
}

void FakeTable::Insert(FakeRow row) {
  if (inserted_on_last_page_ == rows_per_page_) {
    ++last_page_;
    inserted_on_last_page_ = 0;
  }
  row.page = last_page_;
  ++inserted_on_last_page_;
  rows_.push_back(row);
}

void FakeTable::Move(int64_t id, int64_t page, int64_t ts_micros) {
  for (auto row = rows_.begin(); row != rows_.end(); ++row) {
    if (row->id != id) continue;
    FakeRow moved = *row;
    moved.ts_micros = ts_micros;
    moved.page = page;
    rows_.erase(row);
    rows_.push_back(moved);
    return;
  }
}

void FakeTable::Rewrite() {
  std::sort(rows_.begin(), rows_.end(), [](const FakeRow& a, const FakeRow& b) { return a.id < b.id; });
  for (size_t row_idx = 0; row_idx < rows_.size(); ++row_idx) {
    rows_[row_idx].page = static_cast<int64_t>(row_idx) / rows_per_page_;
  }
  last_page_ = rows_.empty() ? 0 : rows_.back().page;
  inserted_on_last_page_ = static_cast<int64_t>(rows_.size()) - last_page_ * rows_per_page_;
  ++storage_;
}

HeapLayout FakeTable::Heap() const {
  int64_t pages = 0;
  for (const FakeRow& row : rows_) pages = std::max(pages, row.page + 1);
  return HeapLayout{
      .pages = pages, .rows_per_page = static_cast<double>(rows_per_page_), .storage = std::to_string(storage_)};
}

void FakeTable::Update(int64_t id, int64_t ts_micros) {
  for (FakeRow& row : rows_) {
    if (row.id == id) row.ts_micros = ts_micros;
  }
}

Value FakeTable::Get(const FakeRow& row, const std::string& column) const {
  if (column == "id") return Value::Int64(row.id);
  if (column == "grp") return Value::Int64(row.group);
  return row.ts_micros ? Value::Timestamp(*row.ts_micros) : Value();
}

Value FakeTable::Max(const std::string& column) const {
  Value max;
  for (const FakeRow& row : rows_) {
    Value value = Get(row, column);
    if (value.is_null()) continue;
    if (max.is_null() || max < value) max = value;
  }
  return max;
}

bool FakeTable::Matches(const FakeRow& row, const SelectQuery& query) const {
  // SQL semantics: a comparison with NULL is not true.
  for (const std::string& column : query.key_columns) {
    if (Get(row, column).is_null()) return false;
  }
  if (!query.lower.empty()) {
    // Lexicographic tuple comparison over the prefix.
    int order = 0;
    for (size_t idx = 0; idx < query.lower.size() && order == 0; ++idx) {
      Value value = Get(row, query.key_columns[idx]);
      if (value < query.lower[idx]) order = -1;
      else if (query.lower[idx] < value) order = 1;
    }
    if (order < 0 || (order == 0 && !query.lower_inclusive)) return false;
  }
  if (query.upper) {
    Value bounded = Get(row, query.upper_column.empty() ? query.key_columns[0] : query.upper_column);
    if (bounded.is_null() || query.upper.value() < bounded) return false;
  }
  if (query.equal_to && !(Get(row, query.key_columns[0]) == *query.equal_to)) return false;
  if (query.pages && (row.page < query.pages->first || (query.pages->end && row.page >= *query.pages->end))) {
    return false;
  }
  return true;
}

std::vector<ColumnBatch> FakeTable::Execute(const SelectQuery& query, size_t max_rows) const {
  ++queries_run_;
  std::vector<FakeRow> selected;
  for (const FakeRow& row : rows_) {
    if (Matches(row, query)) selected.push_back(row);
  }
  std::stable_sort(selected.begin(), selected.end(), [&](const FakeRow& a, const FakeRow& b) {
    if (query.pages && a.page != b.page) return a.page < b.page;  // a heap scan: page by page
    for (const std::string& column : query.key_columns) {
      Value left = Get(a, column), right = Get(b, column);
      if (left < right) return true;
      if (right < left) return false;
    }
    return false;
  });
  if (query.limit && selected.size() > static_cast<size_t>(*query.limit)) selected.resize(*query.limit);
  std::vector<ColumnBatch> batches;
  for (size_t begin = 0; begin < selected.size(); begin += max_rows) {
    ColumnBatch batch(schema_);
    for (size_t idx = begin; idx < std::min(selected.size(), begin + max_rows); ++idx) {
      batch.column(0).Append<int64_t>(selected[idx].id);
      if (selected[idx].ts_micros) batch.column(1).Append<int64_t>(*selected[idx].ts_micros);
      else batch.column(1).AppendNull();
      batch.column(2).Append<int64_t>(selected[idx].group);
    }
    batches.push_back(std::move(batch));
  }
  return batches;
}

}  // namespace sluice::testing
