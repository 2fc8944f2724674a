#include "source/mysql/mysql_source.h"

#include <algorithm>
#include <map>
#include <set>

#include <fmt/format.h>

#include "source/mysql/mysql_catalog.h"
#include "source/mysql/mysql_connection.h"
#include "source/mysql/mysql_reader.h"
#include "source/mysql/mysql_types.h"
#include "source/result_columns.h"
#include "source/sql_render.h"
#include "source/text_values.h"

namespace sluice::source {
namespace {

using mysql::MySqlConnection;
using mysql::TableInfo;

// A dropped reader reads and discards the rest of a result of at most this
// many rows (a keyset chunk) instead of having the server stop the query.
constexpr int64_t kMaxRowsDrainedWhenDropped = 1000000;

SqlDialect MySqlDialect() {
  SqlDialect dialect;
  dialect.identifier_quote = '`';
  dialect.placeholder_style = PlaceholderStyle::kQuestionMark;
  dialect.flavor = SqlFlavor::kMySql;
  return dialect;
}

// True when MariaDB's extended metadata says the result column holds JSON.
bool HasJsonFormat(const MYSQL_FIELD& field) {
  MARIADB_CONST_STRING format{};
  if (mariadb_field_attr(&format, &field, MARIADB_FIELD_ATTR_FORMAT_NAME) != 0 || format.str == nullptr) return false;
  return std::string_view(format.str, format.length) == "json";
}

struct PreparedQuery {
  MYSQL_STMT* statement = nullptr;
  std::vector<Value> params;
};

class MySqlSource final : public Source {
 public:
  MySqlSource(std::shared_ptr<MySqlConnection> connection, std::string time_zone)
      : connection_(std::move(connection)), time_zone_(std::move(time_zone)) {}
  ~MySqlSource() override {
    if (connection_->in_snapshot && !connection_->reader_active) (void)connection_->Execute("ROLLBACK", "rollback");
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
  Result<std::string> ServerVersion() override { return connection_->server_version(); }
  Result<SourceClock> Clock() override;
  void Interrupt() override { connection_->Interrupt(); }

 private:
  // The table as described once per source.
  Result<const TableInfo*> CachedTable(const std::string& table);
  // `query` as the server should run it: the resolved table name, GEOMETRY columns through ST_AsBinary.
  Result<RenderedSql> Render(const SelectQuery& query, const Schema* schema, const TableInfo* table) const;
  Result<PreparedQuery> Prepare(const SelectQuery& query, const Schema* schema, std::string_view context);
  Status CheckIdle(std::string_view what) const;
  // SELECT COUNT(*) FROM the table WHERE `condition`.
  Result<int64_t> CountWhere(const std::string& table, const std::string& condition, const std::string& context);

  std::shared_ptr<MySqlConnection> connection_;
  std::string time_zone_;  // the writers' zone as configured; "" = the server's default
  std::map<std::string, TableInfo> tables_;  // by table as configured
};

Status MySqlSource::CheckIdle(std::string_view what) const {
  if (connection_->reader_active) {
    return Internal("{}: a reader is still open on this MySQL source (one reader at a time)", what);
  }
  return Status::Ok();
}

Result<const TableInfo*> MySqlSource::CachedTable(const std::string& table) {
  auto cached = tables_.find(table);
  if (cached != tables_.end()) return &cached->second;
  SLUICE_RETURN_IF_ERROR(CheckIdle(fmt::format("describing {}", table)));
  SLUICE_ASSIGN_OR_RETURN(mysql::TableName resolved, mysql::ResolveTable(*connection_, table));
  SLUICE_ASSIGN_OR_RETURN(TableInfo info, mysql::DescribeTable(*connection_, resolved));
  return &tables_.emplace(table, std::move(info)).first->second;
}

Result<SchemaPtr> MySqlSource::DescribeTable(const std::string& table) {
  SLUICE_ASSIGN_OR_RETURN(const TableInfo* info, CachedTable(table));
  return info->schema;
}

Result<RenderedSql> MySqlSource::Render(const SelectQuery& query, const Schema* schema, const TableInfo* table) const {
  SqlDialect dialect = MySqlDialect();
  if (query.is_custom()) return RenderSelect(query, dialect);
  SelectQuery resolved = query;
  std::vector<std::string> bound_columns = query.BoundColumns();
  std::vector<std::optional<DataType>> key_types(bound_columns.size());
  if (table != nullptr) {
    resolved.table = table->name.Qualified();
    std::set<std::string> geometry(table->geometry_columns.begin(), table->geometry_columns.end());
    if (!geometry.empty()) {
      dialect.select_column = [geometry](std::string_view column, std::string_view quoted) {
        if (!geometry.contains(std::string(column))) return std::string(quoted);
        return fmt::format("ST_AsBinary({0}) AS {0}", quoted);
      };
    }
    if (schema == nullptr) schema = table->schema.get();
  }
  for (size_t key_idx = 0; schema != nullptr && key_idx < key_types.size(); ++key_idx) {
    if (auto field_idx = schema->FieldIndex(bound_columns[key_idx])) key_types[key_idx] = schema->fields[*field_idx].type;
  }
  return RenderSelect(resolved, dialect, key_types);
}

Result<PreparedQuery> MySqlSource::Prepare(const SelectQuery& query, const Schema* schema, std::string_view context) {
  SLUICE_RETURN_IF_ERROR(CheckIdle(context));
  const TableInfo* table = nullptr;
  if (!query.is_custom()) {
    SLUICE_ASSIGN_OR_RETURN(table, CachedTable(query.table));
  }
  SLUICE_ASSIGN_OR_RETURN(RenderedSql rendered, Render(query, schema, table));
  PreparedQuery prepared;
  SLUICE_ASSIGN_OR_RETURN(prepared.statement, connection_->Prepare(rendered.sql, context));
  prepared.params = std::move(rendered.params);
  return prepared;
}

Result<SchemaPtr> MySqlSource::DescribeQuery(const SelectQuery& query) {
  SLUICE_ASSIGN_OR_RETURN(PreparedQuery prepared, Prepare(query, nullptr, "describing the query"));
  mysql::MetadataPtr metadata(mysql_stmt_result_metadata(prepared.statement));
  if (!metadata) return InvalidArgument("describing the query: the SQL returns no rows (it must be a SELECT)");
  const MYSQL_FIELD* fields = mysql_fetch_fields(metadata.get());
  auto schema = std::make_shared<Schema>();
  for (unsigned int column_idx = 0; column_idx < mysql_num_fields(metadata.get()); ++column_idx) {
    schema->fields.push_back(mysql::FieldFromResultMetadata(fields[column_idx], HasJsonFormat(fields[column_idx])));
  }
  SLUICE_RETURN_IF_ERROR(CheckDistinctColumnNames(*schema, query));
  return SchemaPtr(std::move(schema));
}

Result<std::unique_ptr<BatchReader>> MySqlSource::Read(const SelectQuery& query, SchemaPtr schema,
                                                       const ReadOptions& options) {
  ReadOptions read_options = options;
  if (read_options.table_for_errors.empty() && !query.is_custom()) read_options.table_for_errors = query.table;
  std::string context =
      read_options.table_for_errors.empty() ? "reading the query" : "reading " + read_options.table_for_errors;
  SLUICE_ASSIGN_OR_RETURN(PreparedQuery prepared, Prepare(query, schema.get(), context));
  bool cancel_when_dropped = !query.limit || *query.limit > kMaxRowsDrainedWhenDropped;
  SLUICE_ASSIGN_OR_RETURN(std::unique_ptr<mysql::MySqlBatchReader> reader,
                          mysql::MySqlBatchReader::Start(connection_, prepared.statement, std::move(prepared.params),
                                                         std::move(schema), read_options, cancel_when_dropped));
  return std::unique_ptr<BatchReader>(std::move(reader));
}

Result<Value> MySqlSource::MaxValue(const std::string& table, const std::string& column, const DataType& type) {
  std::string context = fmt::format("table {}, column {}: reading the largest value", table, column);
  SLUICE_RETURN_IF_ERROR(CheckIdle(context));
  SLUICE_ASSIGN_OR_RETURN(const TableInfo* info, CachedTable(table));
  SqlDialect dialect = MySqlDialect();
  std::string sql = fmt::format("SELECT MAX({}) FROM {}", QuoteIdentifier(column, dialect),
                                QuoteTableName(info->name.Qualified(), dialect));
  SLUICE_ASSIGN_OR_RETURN(MYSQL_STMT * statement, connection_->Prepare(sql, context));
  // Read MAX() as the type the server gives it; zero dates are an error here, never a NULL ceiling.
  mysql::MetadataPtr metadata(mysql_stmt_result_metadata(statement));
  if (!metadata || mysql_num_fields(metadata.get()) != 1) return Internal("{}: MAX() returned no column", context);
  Field field = mysql::FieldFromResultMetadata(*mysql_fetch_fields(metadata.get()), false);
  field.name = column;
  if (field.type.id == TypeId::kDecimal && type.id == TypeId::kDecimal) field.type = type;
  auto schema = std::make_shared<Schema>(Schema{{field}, {}});
  ReadOptions options{config::ZeroDates::kError, fmt::format("{} (largest value)", table)};
  SLUICE_ASSIGN_OR_RETURN(auto reader, mysql::MySqlBatchReader::Start(connection_, statement, {}, schema, options));
  ColumnBatch batch(schema);
  SLUICE_ASSIGN_OR_RETURN(size_t rows, reader->Next(&batch, 1));
  if (rows == 0) return Value();
  auto value = ValueAt(batch.column(0), 0);
  if (!value) return value.error().WithContext(context);
  return value;
}

Result<int64_t> MySqlSource::CountWhere(const std::string& table, const std::string& condition,
                                        const std::string& context) {
  SLUICE_RETURN_IF_ERROR(CheckIdle(context));
  SLUICE_ASSIGN_OR_RETURN(const TableInfo* info, CachedTable(table));
  SLUICE_ASSIGN_OR_RETURN(std::vector<std::string> row,
                          connection_->QueryRow(fmt::format("SELECT COUNT(*) FROM {} WHERE {}",
                                                            QuoteTableName(info->name.Qualified(), MySqlDialect()),
                                                            condition),
                                                context));
  if (row.size() != 1) return Internal("{}: unexpected result shape", context);
  return ParseServerInt64(row[0], context);
}

Result<int64_t> MySqlSource::CountNullKeys(const std::string& table, const Field& column) {
  // A zero date ('0000-00-00') sorts below every real date, so a cursor
  // passes it by like a NULL; a NOT NULL date column can hold one.
  if (!column.nullable) return 0;
  std::string condition =
      mysql::NoCursorValueCondition(column.type.id, QuoteIdentifier(column.name, MySqlDialect()));
  return CountWhere(table, condition,
                    fmt::format("table {}, column {}: counting rows with no cursor value", table, column.name));
}

Result<int64_t> MySqlSource::CountValues(const std::string& table, const Field& column) {
  return CountWhere(table, QuoteIdentifier(column.name, MySqlDialect()) + " IS NOT NULL",
                    fmt::format("table {}, column {}: counting rows with a value", table, column.name));
}

Result<SourceClock> MySqlSource::Clock() {
  constexpr std::string_view kContext = "reading the server's clock";
  SLUICE_RETURN_IF_ERROR(CheckIdle(kContext));
  // The session runs in UTC; writers' NOW() uses the server's global zone
  // (SYSTEM: the server host's zone) unless the connection names theirs.
  // CONVERT_TZ is NULL for a zone the server does not know.
  // UTC as an offset: names need the server's time zone tables.
  std::string_view named = time_zone_ == "UTC" || time_zone_ == "Z" ? "+00:00" : std::string_view(time_zone_);
  std::string zone = time_zone_.empty() ? "@@global.time_zone" : fmt::format("'{}'", named);
  SLUICE_ASSIGN_OR_RETURN(
      std::vector<std::string> row,
      connection_->QueryRow(
          fmt::format("SELECT TIMESTAMPDIFF(MICROSECOND, '1970-01-01', u), COALESCE(TIMESTAMPDIFF(MICROSECOND, "
                      "'1970-01-01', CONVERT_TZ(u, '+00:00', {})), 'unknown'), @@global.time_zone, "
                      "@@system_time_zone FROM (SELECT UTC_TIMESTAMP(6) AS u) AS now",
                      zone),
          kContext));
  if (row.size() != 4) return Internal("{}: unexpected result shape", kContext);
  std::string described = time_zone_.empty()
                              ? (row[2] == "SYSTEM" ? fmt::format("SYSTEM ({}, the server's default time zone)", row[3])
                                                    : fmt::format("{} (the server's default time zone)", row[2]))
                              : fmt::format("{} (the source's time_zone)", time_zone_);
  if (row[1] == "unknown") {
    return InvalidArgument(
        "mysql at {}: the server does not know the time zone {} that naive DATETIME values are written in; load "
        "its time zone tables (mysql_tzinfo_to_sql /usr/share/zoneinfo | mysql mysql) or set time_zone: on the "
        "source connection to an offset such as '-05:00'",
        connection_->endpoint(), described);
  }
  SourceClock clock;
  SLUICE_ASSIGN_OR_RETURN(clock.utc_micros, ParseServerInt64(row[0], kContext));
  SLUICE_ASSIGN_OR_RETURN(clock.local_micros, ParseServerInt64(row[1], kContext));
  clock.zone = std::move(described);
  return clock;
}

std::string MySqlSource::Explain(const SelectQuery& query) const {
  const TableInfo* table = nullptr;
  if (auto cached = tables_.find(query.table); cached != tables_.end()) table = &cached->second;
  auto rendered = Render(query, nullptr, table);
  if (!rendered) return "-- cannot render the query: " + rendered.error().message();
  return ExplainSql(*rendered);
}

Status MySqlSource::BeginSnapshot() {
  if (connection_->in_snapshot) return Internal("BeginSnapshot called twice without EndSnapshot");
  SLUICE_RETURN_IF_ERROR(CheckIdle("starting a snapshot"));
  SLUICE_RETURN_IF_ERROR(
      connection_->Execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ", "starting a consistent snapshot"));
  SLUICE_RETURN_IF_ERROR(connection_->Execute("START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY",
                                              "starting a consistent snapshot"));
  connection_->in_snapshot = true;
  return Status::Ok();
}

Status MySqlSource::EndSnapshot() {
  if (!connection_->in_snapshot) return Status::Ok();
  SLUICE_RETURN_IF_ERROR(CheckIdle("ending the snapshot"));
  connection_->in_snapshot = false;
  return connection_->Execute("COMMIT", "ending the consistent snapshot");
}

}  // namespace

Result<std::unique_ptr<Source>> OpenMySqlSource(const config::SourceConnection& connection) {
  SLUICE_ASSIGN_OR_RETURN(std::shared_ptr<MySqlConnection> opened, MySqlConnection::Open(connection));
  return std::unique_ptr<Source>(new MySqlSource(std::move(opened), connection.time_zone));
}

}  // namespace sluice::source
