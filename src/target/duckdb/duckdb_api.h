// Small RAII wrappers over DuckDB's C API (duckdb.h), the only file of the
// DuckDB target that sees its handles: a Database (database + one
// connection), materialized QueryResults, PreparedStatements, and a
// Transaction that rolls back unless committed. DuckDB's errors become
// Status values here (see ErrorCodeFor in duckdb_api.cc).
//
// Also the SQL quoting every statement builder uses: identifiers are always
// double-quoted (reserved words, spaces and quotes survive), literals
// single-quoted.
//
// Thread-safety: a Database and everything made from it are used by one
// thread at a time.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/status.h"

// Opaque handle types of duckdb.h, declared so this header need not include it.
struct _duckdb_database;
struct _duckdb_connection;
struct _duckdb_prepared_statement;

namespace sluice::target::duckdb {

struct ResultHandle;  // holds a duckdb_result (an anonymous struct in duckdb.h)

// "\"my col\"", "\"quo\"\"te\"".
std::string QuoteIdentifier(std::string_view name);
// "'it''s'".
std::string QuoteLiteral(std::string_view text);
// "\"schema\".\"table\"".
std::string QualifiedName(std::string_view schema, std::string_view table);
// Whether two names denote the same DuckDB identifier: DuckDB matches
// identifiers case-insensitively, quoted or not ("ID" is "id").
bool SameIdentifier(std::string_view a, std::string_view b);

// A query's whole result, held in memory (for catalog and count queries).
class QueryResult {
 public:
  QueryResult();  // empty
  QueryResult(QueryResult&& other) noexcept;
  QueryResult& operator=(QueryResult&& other) noexcept;
  QueryResult(const QueryResult&) = delete;
  QueryResult& operator=(const QueryResult&) = delete;
  ~QueryResult();

  uint64_t row_count() const;
  uint64_t column_count() const;
  // Rows inserted, updated or deleted by the statement.
  int64_t rows_changed() const;
  bool IsNull(uint64_t column_idx, uint64_t row_idx) const;
  // The value as text; nullopt for NULL.
  std::optional<std::string> Text(uint64_t column_idx, uint64_t row_idx) const;
  // The value as an integer; 0 for NULL.
  int64_t Int64(uint64_t column_idx, uint64_t row_idx) const;

 private:
  friend class Database;
  friend class PreparedStatement;
  std::unique_ptr<ResultHandle> result_;
};

struct StreamHandle;  // a streaming duckdb_result and its current chunk

// A query's result read one chunk (up to 2048 rows) at a time, for scans
// whose whole result would not fit in memory. Values are those of the
// current chunk, valid until the next NextChunk().
class ResultStream {
 public:
  ResultStream(ResultStream&& other) noexcept;
  ResultStream& operator=(ResultStream&& other) noexcept;
  ResultStream(const ResultStream&) = delete;
  ResultStream& operator=(const ResultStream&) = delete;
  ~ResultStream();

  // Moves to the next chunk: false at the end of the result; an error of the query (a bad file) as Status.
  Result<bool> NextChunk();
  uint64_t chunk_rows() const;
  bool IsNull(uint64_t column_idx, uint64_t row_idx) const;
  // REQUIRES: the column is BIGINT and the value not NULL.
  int64_t Int64(uint64_t column_idx, uint64_t row_idx) const;
  // REQUIRES: the column is VARCHAR or BLOB and the value not NULL.
  std::string_view Text(uint64_t column_idx, uint64_t row_idx) const;

 private:
  friend class Database;
  ResultStream();
  std::unique_ptr<StreamHandle> stream_;
};

class PreparedStatement {
 public:
  PreparedStatement(PreparedStatement&& other) noexcept;
  PreparedStatement& operator=(PreparedStatement&& other) noexcept;
  PreparedStatement(const PreparedStatement&) = delete;
  PreparedStatement& operator=(const PreparedStatement&) = delete;
  ~PreparedStatement();

  // Parameters count from 1, as in `$1`.
  Status Bind(uint64_t param_idx, std::string_view value);
  Status Bind(uint64_t param_idx, int64_t value);
  Result<QueryResult> Execute();

 private:
  friend class Database;
  PreparedStatement(_duckdb_prepared_statement* statement, std::string sql)
      : statement_(statement), sql_(std::move(sql)) {}
  _duckdb_prepared_statement* statement_ = nullptr;
  std::string sql_;  // for error messages
};

class Database {
 public:
  // Opens (creating it if missing) the database file `path`; ":memory:" for
  // an in-memory database. Extensions are never downloaded.
  // `read_only` opens an existing file without taking the writer lock or changing it.
  // `settings`: DuckDB configuration options (name, value), e.g. {"memory_limit", "256MiB"};
  // InvalidArgument naming the option when DuckDB refuses one.
  static Result<std::unique_ptr<Database>> Open(const std::string& path, bool read_only = false,
                                                const std::vector<std::pair<std::string, std::string>>& settings = {});
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;
  ~Database();

  Result<QueryResult> Query(std::string_view sql);
  // Runs `sql` and returns its result to read a chunk at a time.
  Result<ResultStream> Stream(std::string_view sql);
  Status Execute(std::string_view sql) { return Query(sql).status(); }
  Result<PreparedStatement> Prepare(std::string_view sql);
  // Runs `sql` with `params` bound as $1, $2, ... (text values).
  Result<QueryResult> QueryWith(std::string_view sql, std::initializer_list<std::string_view> params);

 private:
  Database() = default;
  _duckdb_database* database_ = nullptr;
  _duckdb_connection* connection_ = nullptr;
};

// BEGIN ... COMMIT; rolls back when destroyed uncommitted.
class Transaction {
 public:
  static Result<Transaction> Begin(Database& database);
  Transaction(Transaction&& other) noexcept : database_(std::exchange(other.database_, nullptr)) {}
  Transaction& operator=(Transaction&&) = delete;
  Transaction(const Transaction&) = delete;
  ~Transaction();

  // REQUIRES: not committed yet.
  Status Commit();

 private:
  explicit Transaction(Database* database) : database_(database) {}
  Database* database_;  // null once committed or rolled back
};

}  // namespace sluice::target::duckdb
