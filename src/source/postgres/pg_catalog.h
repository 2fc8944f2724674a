// Internal to the PostgreSQL source: schema discovery from pg_catalog.
//
// A configured table is "schema.table" or "table"; the latter is looked up
// along the session's search_path (by default "$user", public), the first
// schema that has it winning. Names match exactly first, then ignoring
// case (PostgreSQL folds unquoted names to lower case, so "Orders" in a
// config finds orders). A table that does not exist is NotFound, listing
// tables with close names. Tables, views, materialized views, partitioned
// and foreign tables can be read.
//
// Columns come from pg_attribute in table order (dropped ones skipped),
// their types from format_type(atttypid, atttypmod) mapped by pg_types.h,
// nullability from attnotnull, and the primary key from pg_index in key
// order. Not thread-safe (uses the connection).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "source/postgres/pg_connection.h"
#include "source/postgres/pg_types.h"
#include "types/heap_layout.h"
#include "types/schema.h"

namespace sluice::source::postgres {

struct PgColumn {
  std::string name;
  PgColumnType type;
  std::string cast_type;  // format_type(oid, NULL): what a key literal is cast to
  bool nullable = true;
};

struct PgTable {
  std::string oid;          // pg_class.oid, as text
  char kind = 'r';          // pg_class.relkind: 'r' table, 'p' partitioned, 'v' view, 'm', 'f'
  std::string schema_name;  // as in the catalog
  std::string name;
  std::vector<PgColumn> columns;
  SchemaPtr schema;

  std::string Qualified() const { return schema_name + "." + name; }
  const PgColumn* Find(std::string_view column) const;
};

// Resolves and describes `table`; adds the type rows it needed to `types`.
Result<PgTable> DescribeTable(PgConnection& connection, std::string_view table, PgTypeCatalog* types);

// The table's heap pages now, when the server can read them by TID range
// (PostgreSQL 14+) and `table` is a plain table (relkind 'r'); nullopt for
// partitioned tables, views, materialized views and foreign tables, which
// have no heap of their own to range over, and for older servers. The
// storage is pg_relation_filenode, which VACUUM FULL, CLUSTER and TRUNCATE
// change; rows per page is reltuples / relpages (0 before the first
// ANALYZE or VACUUM).
Result<std::optional<HeapLayout>> DescribeHeap(PgConnection& connection, const PgTable& table);

// The result columns of a prepared statement (PQdescribePrepared's result).
// InvalidArgument when two columns share a name.
Result<std::vector<PgColumn>> DescribeResultColumns(PgConnection& connection, const PGresult* description,
                                                    PgTypeCatalog* types);

// Builds the sluice Schema of `columns`.
SchemaPtr MakeSchema(const std::vector<PgColumn>& columns, std::vector<std::string> primary_key);

}  // namespace sluice::source::postgres
