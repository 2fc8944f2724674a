// Test helper: a SQLite database file in a fresh temporary directory,
// written through its own read-write connection and read through the
// SQLite Source under test. Removed with the object.
#pragma once

#include <sqlite3.h>

#include <memory>
#include <string>
#include <vector>

#include "connect/open.h"

namespace sluice::source::testing {

class TempSqliteDb {
 public:
  // REQUIRES: `setup_sql` (any number of statements) runs without error.
  explicit TempSqliteDb(const std::string& setup_sql = "");
  ~TempSqliteDb();
  TempSqliteDb(const TempSqliteDb&) = delete;
  TempSqliteDb& operator=(const TempSqliteDb&) = delete;

  // Runs statements on the writer connection; fails the test on error.
  void Exec(const std::string& sql);
  const std::string& path() const { return path_; }
  const std::string& dir() const { return dir_; }
  // The Source under test over this file.
  std::unique_ptr<Source> Open() const;

 private:
  std::string dir_;
  std::string path_;
  sqlite3* writer_ = nullptr;
};

// A source query reading `columns` of `table` in key order.
SelectQuery KeysetQuery(const std::string& table, std::vector<std::string> columns,
                        std::vector<std::string> key_columns);

// Reads the whole result of `query` in one batch of up to 100000 rows.
Result<ColumnBatch> ReadAll(Source& source, const SelectQuery& query, SchemaPtr schema, const ReadOptions& options = {},
                            ReadStats* stats = nullptr);

// A schema with the given (name, type) columns and primary key.
SchemaPtr MakeSchema(std::vector<std::pair<std::string, DataType>> columns, std::vector<std::string> primary_key = {});

}  // namespace sluice::source::testing
