// Runs SQL statements against a DuckDB database through the C API, with
// DuckDB's default settings: the baseline of bench/duckdb_load.py, which
// times DuckDB's own `INSERT INTO t SELECT ... FROM read_parquet(...)`
// against sluice's load of the same files.
//
// Usage: duckdb_sql_bench DATABASE [--print] SQL...
//   Executes each SQL in order on one connection and prints the wall
//   seconds of each to stderr. --print: also prints every value of the
//   last statement's result to stdout, one row per line, tab-separated.
// Exit status 1 with DuckDB's message when a statement fails.
#include <duckdb.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

namespace {

void PrintResult(duckdb_result& result) {
  idx_t columns = duckdb_column_count(&result);
  idx_t rows = duckdb_row_count(&result);
  for (idx_t row_idx = 0; row_idx < rows; ++row_idx) {
    for (idx_t column_idx = 0; column_idx < columns; ++column_idx) {
      char* text = duckdb_value_varchar(&result, column_idx, row_idx);
      std::printf("%s%s", column_idx == 0 ? "" : "\t", text == nullptr ? "NULL" : text);
      duckdb_free(text);
    }
    std::printf("\n");
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: %s DATABASE [--print] SQL...\n", argv[0]);
    return 2;
  }
  bool print = false;
  std::vector<const char*> statements;
  for (int arg_idx = 2; arg_idx < argc; ++arg_idx) {
    if (std::strcmp(argv[arg_idx], "--print") == 0) {
      print = true;
    } else {
      statements.push_back(argv[arg_idx]);
    }
  }
  duckdb_database database;
  char* open_error = nullptr;
  if (duckdb_open_ext(argv[1], &database, nullptr, &open_error) != DuckDBSuccess) {
    std::fprintf(stderr, "cannot open %s: %s\n", argv[1], open_error ? open_error : "unknown error");
    duckdb_free(open_error);
    return 1;
  }
  duckdb_connection connection;
  if (duckdb_connect(database, &connection) != DuckDBSuccess) {
    std::fprintf(stderr, "cannot connect to %s\n", argv[1]);
    duckdb_close(&database);
    return 1;
  }
  int status = 0;
  for (size_t statement_idx = 0; statement_idx < statements.size(); ++statement_idx) {
    auto started = std::chrono::steady_clock::now();
    duckdb_result result;
    bool ok = duckdb_query(connection, statements[statement_idx], &result) == DuckDBSuccess;
    double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    if (!ok) {
      std::fprintf(stderr, "statement %zu failed: %s\n", statement_idx + 1, duckdb_result_error(&result));
      duckdb_destroy_result(&result);
      status = 1;
      break;
    }
    std::fprintf(stderr, "statement %zu: %.3f s\n", statement_idx + 1, seconds);
    if (print && statement_idx + 1 == statements.size()) PrintResult(result);
    duckdb_destroy_result(&result);
  }
  duckdb_disconnect(&connection);
  duckdb_close(&database);
  return status;
}
