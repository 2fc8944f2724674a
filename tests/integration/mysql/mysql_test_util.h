// Shared by the MySQL source tests: reading through the Source API and
// printing ColumnBatch values in one canonical text form per type, so
// expected values read like the SQL that wrote them.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "harness.h"
#include "mysql_client.h"
#include "source/source.h"
#include "types/column_batch.h"

namespace sluice::testing {

// "42", "true", "0.1", "-12.50", "2024-02-29", "2024-02-29T10:00:00.000001Z",
// "-838:59:59.000000", the text of strings and JSON, x'00ff' for binary, "NULL".
std::string CellText(const ColumnVector& column, size_t row);
// Every row of `batch` as "a|b|NULL".
std::vector<std::string> BatchRows(const ColumnBatch& batch);

// A keyset query over every column of `schema`, ordered by `key_columns`.
SelectQuery WholeTable(const std::string& table, const Schema& schema, std::vector<std::string> key_columns);

// Reads `query` to the end into one batch (in chunks of `chunk_rows`).
Result<ColumnBatch> ReadAll(source::Source& source, const SelectQuery& query, SchemaPtr schema,
                            const source::ReadOptions& options = {}, source::ReadStats* stats = nullptr,
                            size_t chunk_rows = 1000);

// The sync tests' orders-shaped tables (id, updated_at, amount, note), every
// column as text in one form on both sides, ordered by id: in MariaDB, and
// in the project's DuckDB warehouse.
std::vector<std::string> SourceOf(MySqlClient& client, const std::string& table);
std::vector<std::string> TargetOf(EmbeddedProject& project, const std::string& table);

}  // namespace sluice::testing
