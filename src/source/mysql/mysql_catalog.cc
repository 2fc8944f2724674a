#include "source/mysql/mysql_catalog.h"

#include <algorithm>
#include <charconv>

#include <fmt/format.h>

#include "common/spelling.h"
#include "source/mysql/mysql_statement.h"
#include "source/mysql/mysql_types.h"

namespace sluice::source::mysql {
namespace {

Result<std::vector<std::string>> FirstColumn(MySqlConnection& connection, const std::string& sql,
                                             std::vector<Value> params) {
  SLUICE_ASSIGN_OR_RETURN(std::vector<TextRow> rows, QueryText(connection, sql, std::move(params), "reading the catalog"));
  std::vector<std::string> values;
  for (TextRow& row : rows) {
    if (!row.empty() && row[0]) values.push_back(std::move(*row[0]));
  }
  return values;
}

std::optional<int64_t> ToInt(const std::optional<std::string>& text) {
  if (!text) return std::nullopt;
  int64_t value = 0;
  auto result = std::from_chars(text->data(), text->data() + text->size(), value);
  if (result.ec != std::errc()) return std::nullopt;
  return value;
}

// Columns with a CHECK (json_valid(`column`)) constraint: MariaDB's JSON type.
Result<std::vector<std::string>> JsonCheckedColumns(MySqlConnection& connection, const TableName& table) {
  if (!connection.is_mariadb()) return std::vector<std::string>{};
  SLUICE_ASSIGN_OR_RETURN(std::vector<std::string> clauses,
                          FirstColumn(connection,
                                      "SELECT CHECK_CLAUSE FROM information_schema.CHECK_CONSTRAINTS "
                                      "WHERE CONSTRAINT_SCHEMA = ? AND TABLE_NAME = ?",
                                      {Value::Text(table.database), Value::Text(table.name)}));
  std::vector<std::string> columns;
  for (const std::string& clause : clauses) {
    std::string_view text = clause;
    constexpr std::string_view kPrefix = "json_valid(`";
    if (text.size() <= kPrefix.size() + 2 || AsciiLower(text.substr(0, kPrefix.size())) != kPrefix ||
        !text.ends_with("`)")) {
      continue;
    }
    std::string_view quoted = text.substr(kPrefix.size(), text.size() - kPrefix.size() - 2);
    std::string column;
    for (size_t position = 0; position < quoted.size(); ++position) {
      column.push_back(quoted[position]);
      if (quoted[position] == '`') ++position;  // `` is an escaped backtick
    }
    columns.push_back(std::move(column));
  }
  return columns;
}

}  // namespace

Result<TableName> ResolveTable(MySqlConnection& connection, std::string_view table) {
  TableName resolved;
  size_t dot = table.find('.');
  std::string_view name = dot == std::string_view::npos ? table : table.substr(dot + 1);
  resolved.database = dot == std::string_view::npos ? connection.database() : std::string(table.substr(0, dot));
  if (resolved.database.empty()) {
    return InvalidArgument("table '{}' names no database and the source has none configured: write it as "
                           "database.table, or set the source's database",
                           table);
  }
  SLUICE_ASSIGN_OR_RETURN(std::vector<std::string> matches,
                          FirstColumn(connection,
                                      "SELECT TABLE_NAME FROM information_schema.TABLES "
                                      "WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?",
                                      {Value::Text(resolved.database), Value::Text(std::string(name))}));
  if (!matches.empty()) {
    auto exact = std::find(matches.begin(), matches.end(), name);
    resolved.name = exact != matches.end() ? *exact : matches.front();
    return resolved;
  }
  SLUICE_ASSIGN_OR_RETURN(std::vector<std::string> databases,
                          FirstColumn(connection, "SELECT SCHEMA_NAME FROM information_schema.SCHEMATA ORDER BY 1", {}));
  if (std::find(databases.begin(), databases.end(), resolved.database) == databases.end()) {
    return NotFound("table '{}' not found: there is no database '{}'; {}", table, resolved.database,
                    DescribeAlternatives(resolved.database, databases, "databases", "there are no databases"));
  }
  SLUICE_ASSIGN_OR_RETURN(std::vector<std::string> tables,
                          FirstColumn(connection,
                                      "SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? "
                                      "ORDER BY TABLE_NAME",
                                      {Value::Text(resolved.database)}));
  return NotFound("table '{}' not found in database {}; {}", table, resolved.database,
                  DescribeAlternatives(name, tables, "tables", "there are no tables"));
}

Result<TableInfo> DescribeTable(MySqlConnection& connection, const TableName& table) {
  std::vector<Value> where = {Value::Text(table.database), Value::Text(table.name)};
  SLUICE_ASSIGN_OR_RETURN(std::vector<std::string> json_columns, JsonCheckedColumns(connection, table));
  SLUICE_ASSIGN_OR_RETURN(
      std::vector<TextRow> rows,
      QueryText(connection,
                "SELECT COLUMN_NAME, DATA_TYPE, COLUMN_TYPE, NUMERIC_PRECISION, NUMERIC_SCALE, "
                "CHARACTER_MAXIMUM_LENGTH, IS_NULLABLE FROM information_schema.COLUMNS "
                "WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? ORDER BY ORDINAL_POSITION",
                where, fmt::format("describing table {}", table.Qualified())));
  if (rows.empty()) return NotFound("table {} has no columns (or was dropped)", table.Qualified());
  TableInfo info;
  info.name = table;
  auto schema = std::make_shared<Schema>();
  for (TextRow& row : rows) {
    CatalogColumn column;
    column.name = row[0].value_or("");
    column.data_type = AsciiLower(row[1].value_or(""));
    column.column_type = AsciiLower(row[2].value_or(""));
    column.numeric_precision = ToInt(row[3]);
    column.numeric_scale = ToInt(row[4]);
    column.character_maximum_length = ToInt(row[5]);
    column.nullable = row[6].value_or("YES") == "YES";
    column.json_checked = std::find(json_columns.begin(), json_columns.end(), column.name) != json_columns.end();
    auto mapping = MapCatalogColumn(column);
    if (!mapping) return mapping.error().WithContext(fmt::format("table {}", table.Qualified()));
    Field field;
    field.name = column.name;
    field.type = mapping->type;
    // A NOT NULL date column can still hold zero dates, which arrive as
    // NULL (zero_dates: null): such a column is nullable downstream
    // (primary-key columns excepted below: a key is never NULL).
    field.nullable = column.nullable || MayHoldZeroDates(field.type.id);
    field.source_type = column.column_type;
    field.max_length = mapping->max_length;
    if (mapping->geometry) info.geometry_columns.push_back(field.name);
    schema->fields.push_back(std::move(field));
  }
  SLUICE_ASSIGN_OR_RETURN(schema->primary_key,
                          FirstColumn(connection,
                                      "SELECT COLUMN_NAME FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = ? "
                                      "AND TABLE_NAME = ? AND INDEX_NAME = 'PRIMARY' ORDER BY SEQ_IN_INDEX",
                                      where));
  for (Field& field : schema->fields) {
    if (std::find(schema->primary_key.begin(), schema->primary_key.end(), field.name) != schema->primary_key.end()) {
      field.nullable = false;
    }
  }
  info.schema = std::move(schema);
  return info;
}

}  // namespace sluice::source::mysql
