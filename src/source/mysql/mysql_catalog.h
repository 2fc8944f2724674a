// Internal to the MySQL source: finding tables and describing their
// columns from information_schema.
//
// A configured table is "db.table" or "table" (in the connection's
// database); it splits at the first dot, as QuoteTableName does. The name
// is matched as the server matches it (case-sensitively on most Linux
// servers); when only a differently cased name exists, that one is used.
//
// Columns come from information_schema.COLUMNS in ordinal order, mapped by
// mysql_types.h; the primary key from information_schema.STATISTICS
// (index PRIMARY, in key order). On MariaDB, a LONGTEXT column with a
// CHECK (json_valid(`column`)) constraint, which is what MariaDB's JSON
// type is, maps to json.
//
// Thread-safety: as the connection they are given.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "source/mysql/mysql_connection.h"
#include "types/schema.h"

namespace sluice::source::mysql {

struct TableName {
  std::string database;
  std::string name;  // as stored in the catalog

  // "database.name", as the renderer takes it.
  std::string Qualified() const { return database + "." + name; }
};

struct TableInfo {
  TableName name;
  SchemaPtr schema;
  std::vector<std::string> geometry_columns;  // read through ST_AsBinary()
};

// NotFound naming the table (or database) when it does not exist, listing
// close names; InvalidArgument for "table" when the connection has no database.
Result<TableName> ResolveTable(MySqlConnection& connection, std::string_view table);

// The table's columns, types, nullability and primary key.
Result<TableInfo> DescribeTable(MySqlConnection& connection, const TableName& table);

}  // namespace sluice::source::mysql
