#include "target/duckdb/catalog.h"

namespace sluice::target::duckdb {

Result<bool> SchemaExists(Database& database, std::string_view schema) {
  SLUICE_ASSIGN_OR_RETURN(QueryResult result,
                          database.QueryWith("SELECT 1 FROM duckdb_schemas() WHERE database_name = current_database() "
                                             "AND lower(schema_name) = lower($1)",
                                             {schema}));
  return result.row_count() > 0;
}

Result<bool> TableExists(Database& database, std::string_view schema, std::string_view table) {
  SLUICE_ASSIGN_OR_RETURN(QueryResult result,
                          database.QueryWith("SELECT 1 FROM duckdb_tables() WHERE database_name = current_database() "
                                             "AND lower(schema_name) = lower($1) AND lower(table_name) = lower($2)",
                                             {schema, table}));
  return result.row_count() > 0;
}

Result<std::vector<ExistingColumn>> TableColumns(Database& database, std::string_view schema, std::string_view table) {
  SLUICE_ASSIGN_OR_RETURN(bool exists, TableExists(database, schema, table));
  if (!exists) return std::vector<ExistingColumn>{};
  SLUICE_ASSIGN_OR_RETURN(
      QueryResult result,
      database.QueryWith("SELECT column_name, data_type, is_nullable FROM duckdb_columns() "
                         "WHERE database_name = current_database() AND lower(schema_name) = lower($1) "
                         "AND lower(table_name) = lower($2) ORDER BY column_index",
                         {schema, table}));
  std::vector<ExistingColumn> columns;
  for (uint64_t row_idx = 0; row_idx < result.row_count(); ++row_idx) {
    ExistingColumn column;
    column.name = result.Text(0, row_idx).value_or("");
    column.type = ParseColumnType(result.Text(1, row_idx).value_or(""));
    column.nullable = result.Text(2, row_idx).value_or("true") == "true";
    columns.push_back(std::move(column));
  }
  return columns;
}

}  // namespace sluice::target::duckdb
