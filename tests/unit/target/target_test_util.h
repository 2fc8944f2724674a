// Shared pieces of the DuckDB target tests: a directory-backed ObjectStore
// stand-in, staged Parquet files written by DuckDB itself, and a fixture
// that opens the target on a fresh database file and reads it back with an
// independent DuckDB connection.
#pragma once

#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "store/object_store.h"
#include "connect/open.h"
#include "target/target.h"
#include "types/schema.h"

namespace sluice::target::testing_util {

// An ObjectStore over a directory: keys are files under the root. With
// `locate_as_local` false, Locate() names a non-local URL, so the target
// must fetch objects with Get() (the path S3 will take).
class DirectoryStore final : public store::ObjectStore {
 public:
  DirectoryStore(std::string root, bool locate_as_local) : root_(std::move(root)), locate_as_local_(locate_as_local) {}

  Result<store::ObjectInfo> Put(const std::string& key, std::string_view data,
                                const store::PutCondition& condition = {}) override;
  Result<store::ObjectInfo> PutFile(const std::string& key, const std::string& local_path) override;
  Result<store::Object> Get(const std::string& key) override;
  // Through Get (counted there).
  Result<store::Object> GetRange(const std::string& key, uint64_t offset, uint64_t length) override;
  // Reads the file a piece at a time (counted in stream_reads()).
  Result<std::unique_ptr<store::ObjectReader>> OpenRead(const std::string& key) override;
  Result<std::optional<store::ObjectInfo>> Head(const std::string& key) override;
  Result<std::vector<store::ObjectInfo>> List(const std::string& prefix) override;
  Status Delete(const std::string& key) override;
  std::string Locate(const std::string& key) const override;
  std::string Describe() const override { return "test directory " + root_; }

  std::string PathOf(const std::string& key) const { return root_ + "/" + key; }
  int get_calls() const { return get_calls_; }
  int stream_reads() const { return stream_reads_; }

 private:
  std::string root_;
  bool locate_as_local_;
  int get_calls_ = 0;
  int stream_reads_ = 0;
};

// Rows as text, NULL as "NULL".
using TextRows = std::vector<std::vector<std::string>>;

// A value to write, as text in its column's storage (types/data_type.h):
// integers, dates (days) and timestamps (microseconds) as decimal
// integers, booleans "true"/"false", bytes as they are; nullopt is NULL.
using Cell = std::optional<std::string>;

// Writes `rows` (rows[row][column] of `schema`) as a Parquet file at `path`
// with sluice's own encoder; `row_position_column` as in WriterOptions.
// Returns the rows written.
Status WriteParquet(const std::string& path, const SchemaPtr& schema, const std::vector<std::vector<Cell>>& rows,
                    const std::string& row_position_column = "");

Field MakeField(std::string name, DataType type, bool nullable = true);
SchemaPtr MakeSchema(std::vector<Field> fields, std::vector<std::string> primary_key = {});

// A load request for table "orders" of pipeline "p" / source table "shop.orders", run "run_1",
// keyed by schema->primary_key.
LoadRequest OrdersRequest(SchemaPtr schema, LoadMode mode, std::vector<StagedFile> files);

class DuckDbTargetTest : public ::testing::Test {
 protected:
  void SetUp() override;
  void TearDown() override;

  // The target on database_path(), opened on first use (and after CloseTarget).
  Target& target();
  void CloseTarget() { target_.reset(); }
  config::TargetConnection Connection() const;

  // Writes the rows of `select_sql` as a Parquet file at `key` in the store (DuckDB's COPY).
  StagedFile Stage(const std::string& key, const std::string& select_sql, const std::string& copy_options = "");
  // Writes `rows` of `schema` at `key` with sluice's Parquet encoder; with
  // `with_seq`, as the extract stages them (a trailing `_seq` 0, 1, ...).
  StagedFile StageRows(const std::string& key, const SchemaPtr& schema, const std::vector<std::vector<Cell>>& rows,
                       bool with_seq = true);
  // Writes `bytes` at `key` (a corrupt file).
  StagedFile StageBytes(const std::string& key, const std::string& bytes);

  // A load request for table "orders" of pipeline "p" / source table "shop.orders".
  LoadRequest Request(SchemaPtr schema, LoadMode mode, std::vector<StagedFile> files) const;
  Result<LoadResult> Load(const LoadRequest& request) { return target().Load(request, *store_); }

  // Runs `sql` on the warehouse file with a separate DuckDB (the target is closed first; TimeZone UTC).
  TextRows Rows(const std::string& sql);
  // The target table's rows ordered by `order_by`.
  TextRows TableRows(const std::string& columns, const std::string& order_by, const std::string& table = "orders");
  // The ledger's file keys for pipeline "p", in key order.
  std::vector<std::string> LedgerKeys();

  std::string scratch_;
  std::string database_path_;
  std::unique_ptr<DirectoryStore> store_;
  std::unique_ptr<Target> target_;
  std::string schema_name_ = "main";
  // The DuckDB bounds Connection() gives (config.h defaults unless a test sets them).
  int64_t memory_limit_bytes_ = config::kDefaultDuckDbMemoryLimitBytes;
  int threads_ = 0;
  std::string temp_directory_;
};

}  // namespace sluice::target::testing_util
