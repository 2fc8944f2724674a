// The DDL of a target table: CREATE TABLE from a Schema, and the ALTERs
// that let an existing table take rows of a changed source schema
// (SPEC §5a), or the SchemaMismatch error that refuses the change before
// anything is altered.
//
// No PRIMARY KEY or UNIQUE constraint is created: merge deletes and
// re-inserts by key (merge_sql.h), so a constraint would only add an ART
// index that every load must maintain, and would forbid the user's own
// fixes of duplicate rows. NOT NULL follows Field::nullable.
//
// Pure functions; thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "target/duckdb/type_mapping.h"
#include "types/schema.h"

namespace sluice::target::duckdb {

// A column of an existing target table, as DuckDB's catalog reports it.
struct ExistingColumn {
  std::string name;
  ColumnType type;
  bool nullable = true;
};

// The table a load writes, and what names it in messages and remedies.
struct TableRef {
  std::string schema;        // the target schema ("main")
  std::string table;         // the table inside it
  std::string pipeline;      // for the remedy's command line
  std::string source_table;  // as configured ("settlement.orders")

  std::string QualifiedName() const;  // "\"main\".\"orders\""
  std::string Label() const;          // "main.orders"
};

std::string CreateTableSql(std::string_view qualified_name, const Schema& schema, bool json_available);

// What the existing table needs to take rows of `schema`, column by column
// (names match case-insensitively, as DuckDB's do):
//   - a source column the table lacks: ADD COLUMN (nullable: the rows
//     already there have no value for it);
//   - a column whose type cannot hold the source's values but can be
//     widened losslessly to the source's type (INTEGER -> BIGINT, DECIMAL
//     with more digits, FLOAT -> DOUBLE): SET DATA TYPE;
//   - a NOT NULL column that the source now allows to be NULL, or no longer
//     sends (its new rows get NULL): DROP NOT NULL.
// A column that holds the source's values as it is (BIGINT for a source
// that narrowed to INTEGER, VARCHAR for JSON) is left alone. When any
// column can be neither kept nor widened, returns SchemaMismatch naming
// every such column, both types and the remedy, and no statement.
Result<std::vector<std::string>> AlterTableSql(const TableRef& table, const std::vector<ExistingColumn>& existing,
                                               const Schema& schema, bool json_available);

}  // namespace sluice::target::duckdb
