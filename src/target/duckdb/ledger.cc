#include "target/duckdb/ledger.h"

#include <fmt/format.h>

#include "target/duckdb/catalog.h"

namespace sluice::target::duckdb {

std::string LedgerCreateSql(std::string_view schema) {
  return fmt::format(
      "CREATE TABLE IF NOT EXISTS {} (pipeline VARCHAR NOT NULL, source_table VARCHAR NOT NULL, "
      "file_key VARCHAR NOT NULL, target_table VARCHAR NOT NULL, \"rows\" BIGINT NOT NULL, run_id VARCHAR, "
      "loaded_at TIMESTAMPTZ NOT NULL, PRIMARY KEY (pipeline, source_table, file_key))",
      QualifiedName(schema, kLedgerTable));
}

Result<std::set<std::string>> LedgerKeys(Database& database, std::string_view schema, std::string_view pipeline,
                                         std::string_view source_table) {
  SLUICE_ASSIGN_OR_RETURN(bool exists, TableExists(database, schema, kLedgerTable));
  if (!exists) return std::set<std::string>{};
  std::string sql = fmt::format("SELECT file_key FROM {} WHERE pipeline = $1 AND source_table = $2",
                                QualifiedName(schema, kLedgerTable));
  SLUICE_ASSIGN_OR_RETURN(QueryResult result, database.QueryWith(sql, {pipeline, source_table}));
  std::set<std::string> keys;
  for (uint64_t row_idx = 0; row_idx < result.row_count(); ++row_idx) {
    keys.insert(result.Text(0, row_idx).value_or(""));
  }
  return keys;
}

Status RecordLoadedFiles(Database& database, const LedgerScope& scope, const std::vector<LedgerEntry>& entries) {
  std::string sql = fmt::format(
      "INSERT INTO {} (pipeline, source_table, file_key, target_table, \"rows\", run_id, loaded_at) "
      "VALUES ($1, $2, $3, $4, $5, $6, current_timestamp)",
      QualifiedName(scope.schema, kLedgerTable));
  SLUICE_ASSIGN_OR_RETURN(PreparedStatement insert, database.Prepare(sql));
  for (const LedgerEntry& entry : entries) {
    SLUICE_RETURN_IF_ERROR(insert.Bind(1, std::string_view(scope.pipeline)));
    SLUICE_RETURN_IF_ERROR(insert.Bind(2, std::string_view(scope.source_table)));
    SLUICE_RETURN_IF_ERROR(insert.Bind(3, std::string_view(entry.file_key)));
    SLUICE_RETURN_IF_ERROR(insert.Bind(4, std::string_view(scope.target_table)));
    SLUICE_RETURN_IF_ERROR(insert.Bind(5, entry.rows));
    SLUICE_RETURN_IF_ERROR(insert.Bind(6, std::string_view(scope.run_id)));
    SLUICE_RETURN_IF_ERROR(insert.Execute().status().WithContext(
        fmt::format("recording file '{}' in the ledger {}", entry.file_key, kLedgerTable)));
  }
  return Status::Ok();
}

}  // namespace sluice::target::duckdb
