// What DuckDB's catalog says about the target's schema and tables, read
// through its duckdb_schemas/tables/columns() functions. Names match
// case-insensitively, as DuckDB's identifiers do; only the database the
// target opened is searched (not temp, not attached ones).
//
// Thread-safety: as Database.
#pragma once

#include <string_view>
#include <vector>

#include "common/status.h"
#include "target/duckdb/duckdb_api.h"
#include "target/duckdb/table_ddl.h"

namespace sluice::target::duckdb {

Result<bool> SchemaExists(Database& database, std::string_view schema);
Result<bool> TableExists(Database& database, std::string_view schema, std::string_view table);
// The table's columns in table order; empty when there is no such table.
Result<std::vector<ExistingColumn>> TableColumns(Database& database, std::string_view schema, std::string_view table);

}  // namespace sluice::target::duckdb
