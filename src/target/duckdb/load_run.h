// One Load of the DuckDB target, step by step, and the table plan it
// shares with PlanDdl. Everything here runs on the caller's connection;
// RunLoad opens and ends the load's one transaction.
//
// Thread-safety: as Database.
#pragma once

#include <string>
#include <vector>

#include "common/status.h"
#include "store/object_store.h"
#include "target/duckdb/duckdb_api.h"
#include "target/duckdb/table_ddl.h"
#include "target/target.h"

namespace sluice::target::duckdb {

// The target schema and what this libduckdb can do.
struct TargetSettings {
  std::string schema;
  bool json_available = true;
};

// What a load does to the table's shape before and after writing rows.
struct TablePlan {
  std::vector<std::string> before;   // CREATE SCHEMA; CREATE TABLE or ALTERs (replace: CREATE the new table)
  std::vector<std::string> after;    // replace: DROP the old table, RENAME the new one
  std::string write_table;           // qualified name rows are inserted into
  std::vector<std::string> columns;  // the columns write_table has once `before` ran
  bool table_is_new = false;         // write_table is created by `before`

  // before, then after: the statements PlanDdl reports.
  std::vector<std::string> All() const;
};

// Reads the catalog (never writes). SchemaMismatch when the existing
// table cannot take the request's schema (merge, append).
Result<TablePlan> PlanTable(Database& database, const TargetSettings& settings, const LoadRequest& request);

// REQUIRES: the request names a table and carries a schema; merge keys and
// order columns are columns of the schema.
Status ValidateRequest(const LoadRequest& request);

// The whole load in one transaction; see DuckDbTarget::Load.
Result<LoadResult> RunLoad(Database& database, const TargetSettings& settings, const LoadRequest& request,
                           store::ObjectStore& store);

}  // namespace sluice::target::duckdb
