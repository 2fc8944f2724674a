// DuckDB as an independent reader for tests: run SQL in an in-memory
// database and get every value back as text (NULL as std::nullopt), so a
// test can compare what sluice wrote with what it meant to write.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"

namespace sluice::testing {

using Row = std::vector<std::optional<std::string>>;

struct QueryResult {
  std::vector<std::string> column_names;
  std::vector<Row> rows;
};

// Runs `sql` in a fresh in-memory DuckDB (or the database file `database_path`).
Result<QueryResult> QueryDuckDb(const std::string& sql, const std::string& database_path = "");

// Single-quotes `text` as a SQL string literal.
std::string SqlQuote(const std::string& text);

// Holds a DuckDB database file open (and so locked against other
// processes) for as long as it lives, creating it when missing.
class HeldDuckDbFile {
 public:
  explicit HeldDuckDbFile(const std::string& path);
  ~HeldDuckDbFile();
  HeldDuckDbFile(const HeldDuckDbFile&) = delete;
  HeldDuckDbFile& operator=(const HeldDuckDbFile&) = delete;

 private:
  struct Handle;
  std::unique_ptr<Handle> handle_;
};

}  // namespace sluice::testing
