#include "source/sqlite/sqlite_catalog.h"

#include <fmt/ranges.h>

#include <algorithm>
#include <memory>
#include <set>
#include <vector>

#include "common/spelling.h"
#include "source/sql_render.h"
#include "source/sqlite/sqlite_dialect.h"
#include "source/sqlite/sqlite_handle.h"
#include "source/sqlite/sqlite_types.h"

namespace sluice::source::sqlite {
namespace {

std::string_view ColumnText(sqlite3_stmt* statement, int column_idx) {
  const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(statement, column_idx));
  return text == nullptr ? std::string_view() : std::string_view(text, sqlite3_column_bytes(statement, column_idx));
}

// Runs `sql` with text parameters and collects the first column of every row.
Result<std::vector<std::string>> QueryStrings(sqlite3* db, std::string_view sql, const std::vector<Value>& params) {
  SLUICE_ASSIGN_OR_RETURN(StatementPtr statement, Prepare(db, sql, "reading the catalog"));
  std::vector<std::string> text_storage;
  SLUICE_RETURN_IF_ERROR(BindParams(db, statement.get(), params, &text_storage));
  std::vector<std::string> values;
  int rc;
  while ((rc = sqlite3_step(statement.get())) == SQLITE_ROW) values.emplace_back(ColumnText(statement.get(), 0));
  if (rc != SQLITE_DONE) return SqliteError(db, rc, "reading the catalog");
  return values;
}

}  // namespace

Result<TableName> ResolveTable(sqlite3* db, std::string_view table) {
  TableName resolved;
  std::string_view name = table;
  size_t dot = table.find('.');
  if (dot != std::string_view::npos) {
    resolved.schema = std::string(table.substr(0, dot));
    name = table.substr(dot + 1);
    SLUICE_ASSIGN_OR_RETURN(auto schemas, QueryStrings(db, "SELECT name FROM pragma_database_list", {}));
    auto match = std::find_if(schemas.begin(), schemas.end(),
                              [&](const std::string& schema) { return AsciiLower(schema) == AsciiLower(resolved.schema); });
    if (match == schemas.end()) {
      return NotFound("table '{}': there is no attached database '{}' (databases: {})", table, resolved.schema,
                      fmt::join(schemas, ", "));
    }
    resolved.schema = *match;
  }
  std::string catalog = QuoteIdentifier(resolved.schema, SqliteDialect()) + ".sqlite_schema";
  SLUICE_ASSIGN_OR_RETURN(
      auto names, QueryStrings(db,
                               "SELECT name FROM " + catalog +
                                   " WHERE type IN ('table', 'view') AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' "
                                   "ORDER BY name",
                               {}));
  for (const std::string& candidate : names) {
    if (AsciiLower(candidate) == AsciiLower(name)) {
      resolved.name = candidate;
      return resolved;
    }
  }
  return NotFound("table '{}' not found in database {}; {}", table, resolved.schema, DescribeAlternatives(name, names, "tables", "the database has no tables"));
}

Result<SchemaPtr> DescribeTable(sqlite3* db, const TableName& table) {
  SLUICE_ASSIGN_OR_RETURN(
      StatementPtr statement,
      Prepare(db, "SELECT name, type, \"notnull\", pk, hidden FROM pragma_table_xinfo(?1, ?2) ORDER BY cid",
              "describing a table"));
  std::vector<Value> params = {Value::Text(table.name), Value::Text(table.schema)};
  std::vector<std::string> text_storage;
  SLUICE_RETURN_IF_ERROR(BindParams(db, statement.get(), params, &text_storage));
  auto schema = std::make_shared<Schema>();
  std::vector<std::pair<int, std::string>> key_parts;  // (position in key, column)
  std::string key_declared_type;
  int rc;
  while ((rc = sqlite3_step(statement.get())) == SQLITE_ROW) {
    if (sqlite3_column_int(statement.get(), 4) == 1) continue;  // hidden column of a virtual table
    Field field;
    field.name = std::string(ColumnText(statement.get(), 0));
    field.source_type = std::string(ColumnText(statement.get(), 1));
    field.nullable = sqlite3_column_int(statement.get(), 2) == 0;
    auto mapping = MapDeclaredType(field.source_type);
    if (!mapping) return mapping.error().WithContext(fmt::format("table {}, column {}", table.name, field.name));
    field.type = mapping->type;
    field.max_length = mapping->max_length;
    int key_position = sqlite3_column_int(statement.get(), 3);
    if (key_position > 0) {
      key_parts.emplace_back(key_position, field.name);
      key_declared_type = AsciiLower(field.source_type);
    }
    schema->fields.push_back(std::move(field));
  }
  if (rc != SQLITE_DONE) return SqliteError(db, rc, fmt::format("describing table {}", table.Qualified()));
  std::sort(key_parts.begin(), key_parts.end());
  for (auto& [position, column] : key_parts) schema->primary_key.push_back(std::move(column));
  // An INTEGER PRIMARY KEY is the rowid, which is never NULL.
  if (key_parts.size() == 1 && key_declared_type == "integer") {
    schema->fields[*schema->FieldIndex(schema->primary_key[0])].nullable = false;
  }
  return SchemaPtr(std::move(schema));
}

Result<SchemaPtr> DescribeStatement(sqlite3_stmt* statement) {
  auto schema = std::make_shared<Schema>();
  int column_count = sqlite3_column_count(statement);
  for (int column_idx = 0; column_idx < column_count; ++column_idx) {
    Field field;
    const char* name = sqlite3_column_name(statement, column_idx);
    const char* declared = sqlite3_column_decltype(statement, column_idx);
    field.name = name != nullptr ? name : "";
    if (declared == nullptr) {
      field.type = DataType::Of(TypeId::kString);
    } else {
      field.source_type = declared;
      auto mapping = MapDeclaredType(declared);
      if (!mapping) return mapping.error().WithContext(fmt::format("query column {}", field.name));
      field.type = mapping->type;
      field.max_length = mapping->max_length;
    }
    schema->fields.push_back(std::move(field));
  }
  return SchemaPtr(std::move(schema));
}

}  // namespace sluice::source::sqlite
