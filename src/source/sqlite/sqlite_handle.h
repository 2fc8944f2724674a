// Internal to the SQLite source: owning handles for sqlite3 connections and
// statements, SQLite error codes as Status, and parameter binding. Only
// files under src/source/sqlite include this header (it includes sqlite3.h).
//
// Thread-safety: a handle is used by one thread at a time.
#pragma once

#include <sqlite3.h>

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "types/value.h"

namespace sluice::source::sqlite {

struct DatabaseCloser {
  void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
};
struct StatementFinalizer {
  void operator()(sqlite3_stmt* statement) const { sqlite3_finalize(statement); }
};
using DatabasePtr = std::unique_ptr<sqlite3, DatabaseCloser>;
using StatementPtr = std::unique_ptr<sqlite3_stmt, StatementFinalizer>;

// `rc` as a Status: BUSY/LOCKED are Unavailable, SQL errors (syntax, no such
// column) InvalidArgument, "no such table" NotFound, I/O and full disk
// IoError, corrupt files DataError. The message is "<context>: <sqlite message>".
Status SqliteError(sqlite3* db, int rc, std::string_view context);

// Prepares `sql`; errors name `context` and quote the SQL.
Result<StatementPtr> Prepare(sqlite3* db, std::string_view sql, std::string_view context);

// The value SQLite is given for parameter `value`: NULL, an integer or
// text. Timestamps become "YYYY-MM-DD HH:MM:SS.ffffff" text, dates
// "YYYY-MM-DD", UInt64 values past INT64_MAX decimal text (which compares
// greater than every SQLite integer, so bounds on integer columns keep
// their meaning). What BindParams binds and what Explain shows.
Value BoundValue(const Value& value);
// Binds BoundValue of each of `params` to ?1..?n of `statement`. Text is
// bound without copying: REQUIRES `params` outlives the statement's use.
// InvalidArgument when the statement has a different number of parameters.
Status BindParams(sqlite3* db, sqlite3_stmt* statement, const std::vector<Value>& params,
                  std::vector<std::string>* text_storage);

// Executes a statement that returns no rows (BEGIN, COMMIT).
Status Execute(sqlite3* db, const char* sql);

}  // namespace sluice::source::sqlite
