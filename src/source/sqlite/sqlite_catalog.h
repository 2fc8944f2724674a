// Internal to the SQLite source: finding tables and describing their
// columns (PRAGMA table_xinfo) and the result columns of statements.
//
// A configured table is "name" (in the main database) or "schema.name",
// where schema is "main", "temp" or the name of an attached database; the
// name splits at its first dot, as QuoteTableName does. Names match
// case-insensitively, as in SQLite.
//
// Thread-safety: as the connection they are given.
#pragma once

#include <sqlite3.h>

#include <string>
#include <string_view>

#include "common/status.h"
#include "types/schema.h"

namespace sluice::source::sqlite {

struct TableName {
  std::string schema = "main";
  std::string name;  // as stored in the catalog

  // "schema.name", as the renderer takes it.
  std::string Qualified() const { return schema + "." + name; }
};

// NotFound when the schema is not attached, or when the table (or view) does
// not exist, listing the tables whose names are close to it.
Result<TableName> ResolveTable(sqlite3* db, std::string_view table);

// Columns in table order with their mapped types, nullability (an INTEGER
// PRIMARY KEY is never NULL) and the primary key in key order. Hidden
// columns of virtual tables are left out; generated columns are included.
Result<SchemaPtr> DescribeTable(sqlite3* db, const TableName& table);

// The result columns of a prepared statement, typed by their declared
// types; an expression column (no declared type) is a string. No primary
// key. InvalidArgument when two result columns share a name.
Result<SchemaPtr> DescribeStatement(sqlite3_stmt* statement);

}  // namespace sluice::source::sqlite
