// The Target conformance suite: one set of tests, written once, that every
// target runs (STYLE.md; as tests/unit/store/object_store_conformance.h
// does for stores). It speaks to a target only through the Target
// interface, plus a small per-target helper that reads a table back. A
// target joins with one line in its own test file:
//
//   SLUICE_TARGET_CONFORMANCE(DuckDb, MakeDuckDbBackend);
//
// where MakeDuckDbBackend(scratch_directory) returns a
// std::unique_ptr<TargetBackend> on an empty warehouse.
//
// Files are written with sluice's own Parquet encoder, as the extract and
// the change capture write them, and served from a directory store.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "target/target.h"
#include "target_test_util.h"

namespace sluice::target::conformance {

using testing_util::Cell;
using testing_util::TextRows;

// One target under test, on its own empty warehouse; made for every test.
class TargetBackend {
 public:
  virtual ~TargetBackend() = default;
  // The target (opened on first use and after Reopen).
  virtual Target& target() = 0;
  // Drops the open target: the next target() is a new connection, as a new process would make.
  virtual void Reopen() = 0;
  // The rows of `table` in the target's schema, `columns` of each as text, ordered by `order_by` (column names).
  // Text as DuckDB renders it with TimeZone UTC: integers in decimal, booleans "true"/"false", TIMESTAMP
  // "1970-01-01 00:00:01", TIMESTAMPTZ "1970-01-01 00:00:01+00", NULL as "NULL". Empty when there is no table.
  virtual TextRows ReadTable(const std::string& table, const std::vector<std::string>& columns,
                             const std::vector<std::string>& order_by) = 0;
  // The columns of `table` in table order; empty when there is no table.
  virtual std::vector<std::string> TableColumns(const std::string& table) = 0;
};

struct BackendParam {
  const char* name;
  std::unique_ptr<TargetBackend> (*make)(const std::string& scratch_directory);
};
inline void PrintTo(const BackendParam& param, std::ostream* out) { *out << param.name; }

class TargetConformance : public ::testing::TestWithParam<BackendParam> {
 protected:
  void SetUp() override;
  void TearDown() override;

  Target& target() { return backend_->target(); }

  // Writes `rows` of `schema` as a staged file at `key`; `with_seq`: a trailing `_seq` 0, 1, ... (as the extract).
  StagedFile StageRows(const std::string& key, const SchemaPtr& schema, const std::vector<std::vector<Cell>>& rows,
                       bool with_seq = true);
  StagedFile StageBytes(const std::string& key, const std::string& bytes);
  // A request for table "orders" of pipeline "p" / source table "shop.orders", keyed by schema->primary_key.
  LoadRequest Request(SchemaPtr schema, LoadMode mode, std::vector<StagedFile> files) const;
  Result<LoadResult> Load(const LoadRequest& request) { return target().Load(request, *store_); }

  TextRows Read(const std::vector<std::string>& columns, const std::vector<std::string>& order_by,
                const std::string& table = "orders") {
    return backend_->ReadTable(table, columns, order_by);
  }
  std::vector<std::string> Columns(const std::string& table = "orders") { return backend_->TableColumns(table); }

  std::string scratch_;
  std::unique_ptr<testing_util::DirectoryStore> store_;
  std::unique_ptr<TargetBackend> backend_;
};

// Change files (SPEC §8) and their ApplyModes; target_conformance_apply_test.cc.
class ApplyConformance : public TargetConformance {
 public:
  struct Change {
    int64_t seq;
    const char* op;
    int64_t id;
    const char* name;
    int64_t commit_second;  // the commit time, in seconds after 1970-01-01 00:00:00 UTC
  };
  using ChangeLoad = std::vector<std::vector<Change>>;  // one load: its files' changes

 protected:
  // Writes `changes` as a change file of customers(id, name) at `key`.
  StagedFile StageChanges(const std::string& key, const std::vector<Change>& changes);
  // A request applying `files` to "orders" by `apply`, keyed by id.
  LoadRequest Changes(ApplyMode apply, std::vector<StagedFile> files);
  // Applies each load's files in one Load; the results of those that succeeded.
  std::vector<LoadResult> ApplyAll(ApplyMode apply, const std::vector<ChangeLoad>& loads);

  int file_number_ = 0;
};

#define SLUICE_TARGET_CONFORMANCE(backend_name, make)                                                  \
  INSTANTIATE_TEST_SUITE_P(backend_name, TargetConformance,                                              \
                           ::testing::Values(::sluice::target::conformance::BackendParam{#backend_name, make}), \
                           [](const auto& info) { return std::string(info.param.name); });               \
  INSTANTIATE_TEST_SUITE_P(backend_name, ApplyConformance,                                               \
                           ::testing::Values(::sluice::target::conformance::BackendParam{#backend_name, make}), \
                           [](const auto& info) { return std::string(info.param.name); })

}  // namespace sluice::target::conformance
