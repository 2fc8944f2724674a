#include "fake_source.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

namespace sluice::testing {
namespace {

// Hands out the rows of one executed query, `max_rows` at a time.
class FakeReader final : public source::BatchReader {
 public:
  FakeReader(ColumnBatch rows, FakeSource::BatchHook* hook, int64_t* batches)
      : rows_(std::move(rows)), hook_(hook), batches_(batches) {}

  Result<size_t> Next(ColumnBatch* batch, size_t max_rows) override {
    batch->Clear();
    size_t end = std::min(rows_.num_rows(), next_row_ + max_rows);
    if (end == next_row_) return size_t{0};
    if (*hook_) (*hook_)(*batches_);
    ++*batches_;
    for (size_t row = next_row_; row < end; ++row) {
      for (size_t column_idx = 0; column_idx < rows_.num_columns(); ++column_idx) {
        const ColumnVector& from = rows_.column(column_idx);
        ColumnVector& to = batch->column(column_idx);
        if (from.IsNull(row)) {
          to.AppendNull();
        } else {
          to.Append<int64_t>(from.Value<int64_t>(row));  // every FakeTable column is 64-bit
        }
      }
    }
    size_t appended = end - next_row_;
    next_row_ = end;
    stats_.rows += static_cast<int64_t>(appended);
    return appended;
  }
  const source::ReadStats& stats() const override { return stats_; }

 private:
  ColumnBatch rows_;
  size_t next_row_ = 0;
  FakeSource::BatchHook* hook_;
  int64_t* batches_;
  source::ReadStats stats_;
};

SelectQuery EveryRowById(const std::string& table) {
  SelectQuery query;
  query.table = table;
  query.key_columns = {"id"};
  return query;
}

constexpr size_t kWholeResult = size_t{1} << 30;

}  // namespace

Status FakeSource::CheckTable(const std::string& table) const {
  if (table != table_) return NotFound("fake source: no table '{}' (only '{}')", table, table_);
  return Status::Ok();
}

Result<SchemaPtr> FakeSource::DescribeTable(const std::string& table) {
  SLUICE_RETURN_IF_ERROR(CheckTable(table));
  return rows_.schema();
}

Result<SchemaPtr> FakeSource::DescribeQuery(const SelectQuery&) {
  return NotSupported("fake source: custom queries are not served");
}

Result<std::unique_ptr<source::BatchReader>> FakeSource::Read(const SelectQuery& query, SchemaPtr schema,
                                                              const source::ReadOptions&) {
  SLUICE_RETURN_IF_ERROR(CheckTable(query.table));
  std::vector<ColumnBatch> result = rows_.Execute(query, kWholeResult);
  ColumnBatch rows = result.empty() ? ColumnBatch(schema) : std::move(result.front());
  return std::unique_ptr<source::BatchReader>(std::make_unique<FakeReader>(std::move(rows), &hook_, &batches_));
}

Result<Value> FakeSource::MaxValue(const std::string& table, const std::string& column, const DataType&) {
  SLUICE_RETURN_IF_ERROR(CheckTable(table));
  return rows_.Max(column);
}

int64_t FakeSource::CountNulls(const std::string& column) const {
  int64_t nulls = 0;
  std::vector<ColumnBatch> result = rows_.Execute(EveryRowById(table_), kWholeResult);
  if (result.empty()) return 0;
  std::optional<size_t> index = rows_.schema()->FieldIndex(column);
  if (!index) return 0;
  for (size_t row = 0; row < result.front().num_rows(); ++row) nulls += result.front().column(*index).IsNull(row);
  return nulls;
}

Result<int64_t> FakeSource::CountNullKeys(const std::string& table, const Field& column) {
  SLUICE_RETURN_IF_ERROR(CheckTable(table));
  return CountNulls(column.name);
}

Result<int64_t> FakeSource::CountValues(const std::string& table, const Field& column) {
  SLUICE_RETURN_IF_ERROR(CheckTable(table));
  return static_cast<int64_t>(rows_.size()) - CountNulls(column.name);
}

std::string FakeSource::Explain(const SelectQuery& query) const {
  return fmt::format("fake read of {} by ({}), limit {}", query.table, fmt::join(query.key_columns, ", "),
                     query.limit ? std::to_string(*query.limit) : "none");
}

Result<source::SourceClock> FakeSource::Clock() {
  int64_t now = clock_.NowMicros();
  return source::SourceClock{now, now, "UTC"};
}

std::vector<std::string> FakeSource::RowsById() const {
  std::vector<std::string> rows;
  std::vector<ColumnBatch> result = rows_.Execute(EveryRowById(table_), kWholeResult);
  if (result.empty()) return rows;
  const ColumnBatch& batch = result.front();
  auto text = [&](size_t column_idx, size_t row) {
    const ColumnVector& column = batch.column(column_idx);
    return column.IsNull(row) ? std::string("NULL") : std::to_string(column.Value<int64_t>(row));
  };
  for (size_t row = 0; row < batch.num_rows(); ++row) {
    rows.push_back(fmt::format("{}|{}|{}", text(0, row), text(1, row), text(2, row)));
  }
  return rows;
}

}  // namespace sluice::testing
