#include "support/duckdb_query.h"

#include <duckdb.h>
#include <gtest/gtest.h>

namespace sluice::testing {

Result<QueryResult> QueryDuckDb(const std::string& sql, const std::string& database_path) {
  duckdb_database database = nullptr;
  duckdb_connection connection = nullptr;
  if (duckdb_open(database_path.empty() ? nullptr : database_path.c_str(), &database) != DuckDBSuccess) {
    return Internal("cannot open DuckDB '{}'", database_path);
  }
  if (duckdb_connect(database, &connection) != DuckDBSuccess) {
    duckdb_close(&database);
    return Internal("cannot connect to DuckDB");
  }
  duckdb_result result;
  QueryResult out;
  Status status;
  if (duckdb_query(connection, sql.c_str(), &result) != DuckDBSuccess) {
    status = InvalidArgument("DuckDB: {} (query: {})", duckdb_result_error(&result), sql);
  } else {
    idx_t column_count = duckdb_column_count(&result);
    for (idx_t column_idx = 0; column_idx < column_count; ++column_idx) {
      out.column_names.emplace_back(duckdb_column_name(&result, column_idx));
    }
    idx_t row_count = duckdb_row_count(&result);
    for (idx_t row_idx = 0; row_idx < row_count; ++row_idx) {
      Row row;
      for (idx_t column_idx = 0; column_idx < column_count; ++column_idx) {
        if (duckdb_value_is_null(&result, column_idx, row_idx)) {
          row.emplace_back(std::nullopt);
          continue;
        }
        char* text = duckdb_value_varchar(&result, column_idx, row_idx);
        row.emplace_back(text ? std::string(text) : std::string());
        duckdb_free(text);
      }
      out.rows.push_back(std::move(row));
    }
  }
  duckdb_destroy_result(&result);
  duckdb_disconnect(&connection);
  duckdb_close(&database);
  if (!status.ok()) return status;
  return out;
}

std::string SqlQuote(const std::string& text) {
  std::string quoted = "'";
  for (char c : text) {
    if (c == '\'') quoted += '\'';
    quoted += c;
  }
  return quoted + "'";
}

struct HeldDuckDbFile::Handle {
  duckdb_database database = nullptr;
};

HeldDuckDbFile::HeldDuckDbFile(const std::string& path) : handle_(std::make_unique<Handle>()) {
  EXPECT_EQ(duckdb_open(path.c_str(), &handle_->database), DuckDBSuccess) << path;
}

HeldDuckDbFile::~HeldDuckDbFile() { duckdb_close(&handle_->database); }

}  // namespace sluice::testing
