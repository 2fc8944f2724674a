// FakeSource: a source::Source over a FakeTable (tests/unit/cdc), serving
// the table's rows in the keyset order each query asks for, with the
// source's clock read from a Clock the test drives. A hook runs before each
// batch is handed out, so a test can act mid-read (cancel, move the clock).
#pragma once

#include <functional>
#include <string>

#include "common/clock.h"
#include "fake_table.h"
#include "source/source.h"

namespace sluice::testing {

class FakeSource final : public source::Source {
 public:
  // Runs on the reader thread before each batch; `batches` counts the
  // batches handed out before this one, over every query of the source.
  using BatchHook = std::function<void(int64_t batches)>;

  FakeSource(std::string table, const FakeTable& rows, const sluice::Clock& clock)
      : table_(std::move(table)), rows_(rows), clock_(clock) {}
  void SetBatchHook(BatchHook hook) { hook_ = std::move(hook); }

  Result<SchemaPtr> DescribeTable(const std::string& table) override;
  Result<SchemaPtr> DescribeQuery(const SelectQuery& query) override;
  Result<std::unique_ptr<source::BatchReader>> Read(const SelectQuery& query, SchemaPtr schema,
                                                    const source::ReadOptions& options) override;
  Result<Value> MaxValue(const std::string& table, const std::string& column, const DataType& type) override;
  Result<int64_t> CountNullKeys(const std::string& table, const Field& column) override;
  Result<int64_t> CountValues(const std::string& table, const Field& column) override;
  std::string Explain(const SelectQuery& query) const override;
  Status BeginSnapshot() override { return Status::Ok(); }
  Status EndSnapshot() override { return Status::Ok(); }
  Result<source::SourceClock> Clock() override;
  Result<std::string> ServerVersion() override { return std::string("fake source"); }

  // Every row, ordered by id, as "id|updated_at micros|grp" (NULL as "NULL").
  std::vector<std::string> RowsById() const;

 private:
  Status CheckTable(const std::string& table) const;
  // The number of rows whose `column` is NULL.
  int64_t CountNulls(const std::string& column) const;

  std::string table_;
  const FakeTable& rows_;
  const sluice::Clock& clock_;
  BatchHook hook_;
  int64_t batches_ = 0;
};

}  // namespace sluice::testing
