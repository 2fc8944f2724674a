// The SQLite source: sluice's embedded default and the test bed for the
// Source contract (source/source.h).
//
// The database file is opened read-only (a missing file is NotFound naming
// the path) with a busy timeout of the connection's connect_timeout_seconds,
// so a writer holding a lock delays a read instead of failing it.
//
// Columns map by declared type (sqlite/sqlite_types.h); values, which SQLite
// types per row rather than per column, convert exactly or fail with a
// DataError naming table, column and row (sqlite/sqlite_convert.h).
// Timestamp and date key columns compare in a canonical text domain at
// millisecond precision (sqlite/sqlite_dialect.h). docs/sources.md is the
// user-facing description.
//
// BeginSnapshot opens a read transaction at once (BEGIN, then a catalog
// read), so every Read and MaxValue until EndSnapshot (COMMIT) sees the same
// database state. In rollback-journal mode that transaction blocks writers
// from committing until EndSnapshot; in WAL mode it does not.
//
// Thread-safety: one thread at a time (source/source.h).
#pragma once

#include <memory>

#include "config/config.h"
#include "source/source.h"

namespace sluice::source {

// REQUIRES: connection.type == kSqlite. InvalidArgument without a path;
// NotFound when the file does not exist; DataError when it is not a SQLite database.
Result<std::unique_ptr<Source>> OpenSqliteSource(const config::SourceConnection& connection);

}  // namespace sluice::source
