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
#include "types/schema.h"

namespace sluice::source::postgres {

struct PgColumn {
  std::string name;
  PgColumnType type;
  std::string cast_type;  // format_type(oid, NULL): what a key literal is cast to
  bool nullable = true;
};

struct PgTable {
  std::string schema_name;  // as in the catalog
  std::string name;
  std::vector<PgColumn> columns;
  SchemaPtr schema;

  std::string Qualified() const { return schema_name + "." + name; }
  const PgColumn* Find(std::string_view column) const;
};

// Resolves and describes `table`; adds the type rows it needed to `types`.
Result<PgTable> DescribeTable(PgConnection& connection, std::string_view table, PgTypeCatalog* types);

// The result columns of a prepared statement (PQdescribePrepared's result).
// InvalidArgument when two columns share a name.
Result<std::vector<PgColumn>> DescribeResultColumns(PgConnection& connection, const PGresult* description,
                                                    PgTypeCatalog* types);

// Builds the sluice Schema of `columns`.
SchemaPtr MakeSchema(const std::vector<PgColumn>& columns, std::vector<std::string> primary_key);

}  // namespace sluice::source::postgres
