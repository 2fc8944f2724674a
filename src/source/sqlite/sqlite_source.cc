#include "source/sqlite/sqlite_source.h"

#include <charconv>
#include <chrono>
#include <ctime>
#include <filesystem>
#include <map>

#include "source/result_columns.h"
#include "source/sql_render.h"
#include "source/sqlite/sqlite_catalog.h"
#include "source/sqlite/sqlite_dialect.h"
#include "source/sqlite/sqlite_handle.h"
#include "source/sqlite/sqlite_reader.h"
#include "types/temporal.h"

namespace sluice::source {
namespace {

// "UTC"/"Z" or "+HH:MM"/"-HH:MM" (the config loader accepts only these for sqlite) in seconds.
int64_t UtcOffsetSeconds(std::string_view zone) {
  if (zone.size() != 6) return 0;
  int64_t seconds = ((zone[1] - '0') * 10 + (zone[2] - '0')) * 3600 + ((zone[4] - '0') * 10 + (zone[5] - '0')) * 60;
  return zone[0] == '-' ? -seconds : seconds;
}

using sqlite::DatabasePtr;
using sqlite::StatementPtr;

// The MAX() of a key column, back in the column's Value kind.
Result<Value> CeilingValue(sqlite3_stmt* statement, const DataType& type) {
  int storage_class = sqlite3_column_type(statement, 0);
  if (storage_class == SQLITE_NULL) return Value();
  std::string_view text;
  if (storage_class == SQLITE_TEXT) {
    text = std::string_view(reinterpret_cast<const char*>(sqlite3_column_text(statement, 0)),
                            static_cast<size_t>(sqlite3_column_bytes(statement, 0)));
  }
  bool integer = storage_class == SQLITE_INTEGER;
  switch (type.id) {
    case TypeId::kTimestamp:
    case TypeId::kTimestampTz: {
      auto micros = ParseTimestamp(text);
      if (storage_class == SQLITE_TEXT && micros) return Value::Timestamp(*micros);
      break;
    }
    case TypeId::kDate: {
      auto days = ParseDate(text);
      if (storage_class == SQLITE_TEXT && days) return Value::Date(*days);
      break;
    }
    case TypeId::kUInt64: {
      uint64_t value = 0;
      auto parsed = std::from_chars(text.data(), text.data() + text.size(), value);
      if (storage_class == SQLITE_TEXT && parsed.ec == std::errc() && parsed.ptr == text.data() + text.size()) {
        return Value::UInt64(value);
      }
      if (integer && sqlite3_column_int64(statement, 0) >= 0) {
        return Value::UInt64(static_cast<uint64_t>(sqlite3_column_int64(statement, 0)));
      }
      break;
    }
    case TypeId::kDecimal:
      if (type.scale != 0) return NotSupported("a {} column cannot be a cursor column", type.ToString());
      [[fallthrough]];
    case TypeId::kBoolean:
    case TypeId::kInt8:
    case TypeId::kInt16:
    case TypeId::kInt32:
    case TypeId::kInt64:
    case TypeId::kUInt8:
    case TypeId::kUInt16:
    case TypeId::kUInt32:
      if (integer) return Value::Int64(sqlite3_column_int64(statement, 0));
      break;
    case TypeId::kString:
      if (storage_class == SQLITE_TEXT) return Value::Text(std::string(text));
      break;
    default: return NotSupported("a {} column cannot be a cursor column", type.ToString());
  }
  const char* shown = reinterpret_cast<const char*>(sqlite3_column_text(statement, 0));
  return DataError("the largest value '{}' is not a {}", shown == nullptr ? "" : shown, type.ToString());
}

class SqliteSource final : public Source {
 public:
  SqliteSource(DatabasePtr db, std::string time_zone)
      : db_(std::move(db)), time_zone_(std::move(time_zone)), dialect_(sqlite::SqliteDialect()) {}
  ~SqliteSource() override {
    if (in_snapshot_) (void)sqlite::Execute(db_.get(), "ROLLBACK");
  }

  Result<SchemaPtr> DescribeTable(const std::string& table) override;
  Result<SchemaPtr> DescribeQuery(const SelectQuery& query) override;
  Result<std::unique_ptr<BatchReader>> Read(const SelectQuery& query, SchemaPtr schema,
                                            const ReadOptions& options) override;
  Result<Value> MaxValue(const std::string& table, const std::string& column, const DataType& type) override;
  Result<int64_t> CountNullKeys(const std::string& table, const Field& column) override;
  Result<int64_t> CountValues(const std::string& table, const Field& column) override;
  std::string Explain(const SelectQuery& query) const override;
  Status BeginSnapshot() override;
  Status EndSnapshot() override;
  Result<std::string> ServerVersion() override { return fmt::format("SQLite {}", sqlite3_libversion()); }
  // An embedded database: its writers share this machine's clock. SQLite's
  // own CURRENT_TIMESTAMP and datetime('now') write UTC, so naive values are
  // taken as UTC unless the connection names the writers' offset.
  Result<SourceClock> Clock() override {
    auto now = std::chrono::system_clock::now();
    int64_t micros = std::chrono::duration_cast<std::chrono::microseconds>(now.time_since_epoch()).count();
    if (time_zone_.empty()) return SourceClock{micros, micros, "UTC (SQLite's CURRENT_TIMESTAMP)"};
    return SourceClock{micros, micros + UtcOffsetSeconds(time_zone_) * kMicrosPerSecond,
                       fmt::format("{} (the source's time_zone)", time_zone_)};
  }

 private:
  // SELECT count(*) FROM the table WHERE `condition`.
  Result<int64_t> CountWhere(const std::string& table, const std::string& condition, const std::string& context);
  // The table's schema, described once per source and remembered.
  Result<SchemaPtr> CachedTableSchema(const std::string& table) const;
  // The type of each key column: from `schema` when it has the column, else from the table.
  std::vector<std::optional<DataType>> KeyTypes(const SelectQuery& query, const Schema* schema) const;
  // How data errors name rows; may add `_rowid_` to the select list of `query`.
  sqlite::RowLocator LocateRows(SelectQuery* query, const Schema& schema) const;

  DatabasePtr db_;
  std::string time_zone_;  // "UTC" or "+HH:MM" as configured; "" = UTC
  SqlDialect dialect_;
  bool in_snapshot_ = false;
  mutable std::map<std::string, SchemaPtr> described_;
  mutable std::map<std::string, bool> has_rowid_;  // by table, as configured
};

Result<SchemaPtr> SqliteSource::CachedTableSchema(const std::string& table) const {
  auto cached = described_.find(table);
  if (cached != described_.end()) return cached->second;
  SLUICE_ASSIGN_OR_RETURN(sqlite::TableName resolved, sqlite::ResolveTable(db_.get(), table));
  SLUICE_ASSIGN_OR_RETURN(SchemaPtr schema, sqlite::DescribeTable(db_.get(), resolved));
  described_[table] = schema;
  return schema;
}

Result<SchemaPtr> SqliteSource::DescribeTable(const std::string& table) {
  described_.erase(table);
  return CachedTableSchema(table);
}

Result<SchemaPtr> SqliteSource::DescribeQuery(const SelectQuery& query) {
  SLUICE_ASSIGN_OR_RETURN(RenderedSql rendered, RenderSelect(query, dialect_, KeyTypes(query, nullptr)));
  SLUICE_ASSIGN_OR_RETURN(StatementPtr statement, sqlite::Prepare(db_.get(), rendered.sql, "describing the query"));
  if (!sqlite3_stmt_readonly(statement.get())) return InvalidArgument("describing the query: the SQL would write");
  SLUICE_ASSIGN_OR_RETURN(SchemaPtr schema, sqlite::DescribeStatement(statement.get()));
  SLUICE_RETURN_IF_ERROR(CheckDistinctColumnNames(*schema, query));
  return schema;
}

std::vector<std::optional<DataType>> SqliteSource::KeyTypes(const SelectQuery& query, const Schema* schema) const {
  if (query.is_custom()) return {};
  std::vector<std::string> columns = query.BoundColumns();
  std::vector<std::optional<DataType>> types(columns.size());
  for (size_t key_idx = 0; key_idx < types.size(); ++key_idx) {
    const Schema* source = schema;
    SchemaPtr table_schema;
    if (source == nullptr || !source->FieldIndex(columns[key_idx])) {
      auto described = CachedTableSchema(query.table);
      if (!described) continue;  // the read reports the missing table
      table_schema = *described;
      source = table_schema.get();
    }
    if (auto field_idx = source->FieldIndex(columns[key_idx])) types[key_idx] = source->fields[*field_idx].type;
  }
  return types;
}

sqlite::RowLocator SqliteSource::LocateRows(SelectQuery* query, const Schema& schema) const {
  sqlite::RowLocator locator;
  auto add_columns = [&](const std::vector<std::string>& names) {
    for (const std::string& name : names) {
      if (auto field_idx = schema.FieldIndex(name)) locator.columns.emplace_back(static_cast<int>(*field_idx), name);
    }
    if (locator.columns.size() != names.size()) locator.columns.clear();
  };
  add_columns(schema.primary_key);
  if (!locator.columns.empty() || query->is_custom()) return locator;
  // No key in the select list: name rows by rowid where the table has one.
  auto known = has_rowid_.find(query->table);
  if (known == has_rowid_.end()) {
    std::string probe = fmt::format("SELECT _rowid_ FROM {} LIMIT 0", QuoteTableName(query->table, dialect_));
    known = has_rowid_.emplace(query->table, sqlite::Prepare(db_.get(), probe, "probing rowid").has_value()).first;
  }
  if (known->second) {
    locator.columns.emplace_back(static_cast<int>(query->columns.size()), "rowid");
    query->columns.push_back("_rowid_");
    return locator;
  }
  add_columns(query->key_columns);
  return locator;
}

Result<std::unique_ptr<BatchReader>> SqliteSource::Read(const SelectQuery& query, SchemaPtr schema,
                                                        const ReadOptions& options) {
  ReadOptions read_options = options;
  if (read_options.table_for_errors.empty()) read_options.table_for_errors = query.table;  // "" for custom SQL
  SelectQuery located = query;
  sqlite::RowLocator locator = LocateRows(&located, *schema);
  SLUICE_ASSIGN_OR_RETURN(RenderedSql rendered, RenderSelect(located, dialect_, KeyTypes(located, schema.get())));
  std::string context =
      read_options.table_for_errors.empty() ? "reading the query" : "reading " + read_options.table_for_errors;
  SLUICE_ASSIGN_OR_RETURN(StatementPtr statement, sqlite::Prepare(db_.get(), rendered.sql, context));
  if (!sqlite3_stmt_readonly(statement.get())) return InvalidArgument("{}: the SQL would write", context);
  return sqlite::SqliteBatchReader::Start(db_.get(), std::move(statement), std::move(rendered.params),
                                          std::move(schema), read_options, std::move(locator));
}

Result<Value> SqliteSource::MaxValue(const std::string& table, const std::string& column, const DataType& type) {
  SLUICE_ASSIGN_OR_RETURN(sqlite::TableName resolved, sqlite::ResolveTable(db_.get(), table));
  std::string sql =
      fmt::format("SELECT max({}) FROM {}", sqlite::SqliteKeyExpression(QuoteIdentifier(column, dialect_), type),
                  QuoteTableName(resolved.Qualified(), dialect_));
  std::string context = fmt::format("table {}, column {}", table, column);
  SLUICE_ASSIGN_OR_RETURN(StatementPtr statement, sqlite::Prepare(db_.get(), sql, context));
  int rc = sqlite3_step(statement.get());
  if (rc != SQLITE_ROW) return sqlite::SqliteError(db_.get(), rc, context);
  auto ceiling = CeilingValue(statement.get(), type);
  if (!ceiling) return ceiling.error().WithContext(context);
  return ceiling;
}

Result<int64_t> SqliteSource::CountWhere(const std::string& table, const std::string& condition,
                                         const std::string& context) {
  SLUICE_ASSIGN_OR_RETURN(sqlite::TableName resolved, sqlite::ResolveTable(db_.get(), table));
  std::string sql =
      fmt::format("SELECT count(*) FROM {} WHERE {}", QuoteTableName(resolved.Qualified(), dialect_), condition);
  SLUICE_ASSIGN_OR_RETURN(StatementPtr statement, sqlite::Prepare(db_.get(), sql, context));
  int rc = sqlite3_step(statement.get());
  if (rc != SQLITE_ROW) return sqlite::SqliteError(db_.get(), rc, context);
  return static_cast<int64_t>(sqlite3_column_int64(statement.get(), 0));
}

Result<int64_t> SqliteSource::CountNullKeys(const std::string& table, const Field& column) {
  if (!column.nullable) return 0;
  return CountWhere(table, QuoteIdentifier(column.name, dialect_) + " IS NULL",
                    fmt::format("table {}, column {}: counting rows with no cursor value", table, column.name));
}

Result<int64_t> SqliteSource::CountValues(const std::string& table, const Field& column) {
  return CountWhere(table, QuoteIdentifier(column.name, dialect_) + " IS NOT NULL",
                    fmt::format("table {}, column {}: counting rows with a value", table, column.name));
}

std::string SqliteSource::Explain(const SelectQuery& query) const {
  auto rendered = RenderSelect(query, dialect_, KeyTypes(query, nullptr));
  if (!rendered) return "-- cannot render the query: " + rendered.error().message();
  // The parameters as they are bound, not as sluice holds them.
  for (Value& param : rendered->params) param = sqlite::BoundValue(param);
  return ExplainSql(*rendered);
}

Status SqliteSource::BeginSnapshot() {
  if (in_snapshot_) return Internal("BeginSnapshot called twice without EndSnapshot");
  SLUICE_RETURN_IF_ERROR(sqlite::Execute(db_.get(), "BEGIN DEFERRED"));
  // A deferred transaction takes its snapshot at the first read: read now.
  Status status = sqlite::Execute(db_.get(), "SELECT count(*) FROM sqlite_schema");
  if (!status.ok()) {
    (void)sqlite::Execute(db_.get(), "ROLLBACK");
    return status;
  }
  in_snapshot_ = true;
  return Status::Ok();
}

Status SqliteSource::EndSnapshot() {
  if (!in_snapshot_) return Status::Ok();
  in_snapshot_ = false;
  return sqlite::Execute(db_.get(), "COMMIT");
}

}  // namespace

Result<std::unique_ptr<Source>> OpenSqliteSource(const config::SourceConnection& connection) {
  if (connection.path.empty()) return InvalidArgument("source '{}': a sqlite source needs a path", connection.name);
  std::error_code error;
  if (!std::filesystem::is_regular_file(connection.path, error)) {
    return NotFound("source '{}': SQLite database file '{}' does not exist", connection.name, connection.path);
  }
  sqlite3* raw = nullptr;
  int rc = sqlite3_open_v2(connection.path.c_str(), &raw, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, nullptr);
  DatabasePtr db(raw);
  std::string context = fmt::format("source '{}': opening '{}'", connection.name, connection.path);
  if (rc != SQLITE_OK) return sqlite::SqliteError(db.get(), rc, context);
  sqlite3_extended_result_codes(db.get(), 1);
  // A double-quoted name that matches no column must be an error, not the string literal SQLite's
  // legacy behaviour makes it (a misspelled key column would otherwise order by a constant).
  sqlite3_db_config(db.get(), SQLITE_DBCONFIG_DQS_DML, 0, nullptr);
  sqlite3_db_config(db.get(), SQLITE_DBCONFIG_DQS_DDL, 0, nullptr);
  sqlite3_busy_timeout(db.get(), std::max(connection.connect_timeout_seconds, 1) * 1000);
  Status probe = sqlite::Execute(db.get(), "SELECT count(*) FROM sqlite_schema");
  if (!probe.ok()) return probe.WithContext(context);
  return std::unique_ptr<Source>(new SqliteSource(std::move(db), connection.time_zone));
}

}  // namespace sluice::source
