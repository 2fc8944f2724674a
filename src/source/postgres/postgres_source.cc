#include "source/postgres/postgres_source.h"

#include <map>

#include <fmt/format.h>

#include "source/postgres/pg_catalog.h"
#include "source/postgres/pg_connection.h"
#include "source/postgres/pg_copy_reader.h"
#include "source/postgres/pg_dialect.h"
#include "source/postgres/pg_row_reader.h"
#include "source/result_columns.h"
#include "source/sql_render.h"
#include "source/text_values.h"

namespace sluice::source {
namespace {

using postgres::PgColumn;
using postgres::PgColumnType;
using postgres::PgConnection;
using postgres::PgTable;
using postgres::ResultPtr;

// A dropped reader drains a result of at most this many rows instead of cancelling it.
constexpr int64_t kMaxRowsDrainedWhenDropped = 1000000;

// Custom SQL as it will run (wrapped in a casting select when needed), its parameters and result columns.
struct PreparedCustom {
  std::string sql;
  std::vector<PgColumn> columns;
  std::vector<Oid> param_types;
  std::vector<std::optional<std::string>> params;
};

class PostgresSource final : public Source {
 public:
  PostgresSource(std::shared_ptr<PgConnection> connection, std::string time_zone)
      : connection_(std::move(connection)), time_zone_(std::move(time_zone)), dialect_(postgres::PostgresDialect()) {}

  Result<SchemaPtr> DescribeTable(const std::string& table) override;
  Result<SchemaPtr> DescribeQuery(const SelectQuery& query) override;
  Result<std::unique_ptr<BatchReader>> Read(const SelectQuery& query, SchemaPtr schema,
                                            const ReadOptions& options) override;
  Result<std::optional<HeapLayout>> DescribeHeap(const std::string& table) override;
  Result<Value> MaxValue(const std::string& table, const std::string& column, const DataType& type) override;
  Result<int64_t> CountNullKeys(const std::string& table, const Field& column) override;
  Result<int64_t> CountValues(const std::string& table, const Field& column) override;
  std::string Explain(const SelectQuery& query) const override;
  Status BeginSnapshot() override;
  Status EndSnapshot() override;
  Result<std::string> ServerVersion() override;
  Result<SourceClock> Clock() override;
  void Interrupt() override { connection_->Interrupt(); }

 private:
  Status CheckIdle() const;
  // SELECT count(*) FROM the table WHERE `condition`.
  Result<int64_t> CountWhere(const std::string& table, const std::string& condition, const std::string& context);
  // The table's description, read once per source and remembered.
  Result<const PgTable*> CachedTable(const std::string& table) const;
  // The COPY statement of a keyset query and how to decode its columns.
  Result<postgres::CopyPlan> PlanCopy(const SelectQuery& query, const Schema* schema) const;
  // Describes custom SQL (prepared as the unnamed statement); with `wrap_casts`, wraps it in a select
  // that casts the columns read as text and describes that.
  Result<PreparedCustom> PrepareCustom(const SelectQuery& query, bool wrap_casts);
  Status Prepare(const std::string& sql, const std::vector<Oid>& param_types, std::string_view context);
  Result<std::unique_ptr<BatchReader>> ReadCustom(const SelectQuery& query, SchemaPtr schema,
                                                  const ReadOptions& options);

  std::shared_ptr<PgConnection> connection_;
  std::string time_zone_;  // the writers' zone as configured; "" = the server's default
  SqlDialect dialect_;
  mutable std::map<std::string, PgTable> described_;
  mutable postgres::PgTypeCatalog types_;
};

Status PostgresSource::CheckIdle() const {
  if (connection_->reader_active()) return Internal("a postgres reader is still open on this source");
  return Status::Ok();
}

Result<const PgTable*> PostgresSource::CachedTable(const std::string& table) const {
  auto cached = described_.find(table);
  if (cached != described_.end()) return &cached->second;
  SLUICE_RETURN_IF_ERROR(CheckIdle());
  SLUICE_ASSIGN_OR_RETURN(PgTable described, postgres::DescribeTable(*connection_, table, &types_));
  return &described_.insert_or_assign(table, std::move(described)).first->second;
}

Result<SchemaPtr> PostgresSource::DescribeTable(const std::string& table) {
  described_.erase(table);
  SLUICE_ASSIGN_OR_RETURN(const PgTable* described, CachedTable(table));
  return described->schema;
}

Status CheckSchemaMatches(const Schema& schema, const std::vector<PgColumn>& columns, std::string_view what) {
  if (schema.fields.size() != columns.size()) {
    return SchemaMismatch("{} returns {} columns, the schema has {}", what, columns.size(), schema.fields.size());
  }
  for (size_t column_idx = 0; column_idx < columns.size(); ++column_idx) {
    const DataType& read = columns[column_idx].type.type;
    if (schema.fields[column_idx].type != read) {
      return SchemaMismatch("{}: column {} is a {} in the source (a {}), the schema says {}", what,
                            columns[column_idx].name, columns[column_idx].type.source_type, read.ToString(),
                            schema.fields[column_idx].type.ToString());
    }
  }
  return Status::Ok();
}

// Result columns that name a row in errors: the primary key when selected, else the query's key.
postgres::RowLocator LocateRows(const SelectQuery& query, const PgTable& table) {
  postgres::RowLocator locator;
  for (const auto* names : {&table.schema->primary_key, &query.key_columns}) {
    locator.columns.clear();
    for (const std::string& name : *names) {
      auto position = std::find(query.columns.begin(), query.columns.end(), name);
      if (position == query.columns.end()) break;
      locator.columns.emplace_back(static_cast<size_t>(position - query.columns.begin()), name);
    }
    if (!names->empty() && locator.columns.size() == names->size()) return locator;
  }
  locator.columns.clear();
  return locator;
}

Result<postgres::CopyPlan> PostgresSource::PlanCopy(const SelectQuery& query, const Schema* schema) const {
  SLUICE_ASSIGN_OR_RETURN(const PgTable* table, CachedTable(query.table));
  postgres::CopyPlan plan;
  std::vector<PgColumn> selected;
  for (const std::string& name : query.columns) {
    const PgColumn* column = table->Find(name);
    if (column == nullptr) return NotFound("table {} has no column '{}'", query.table, name);
    selected.push_back(*column);
    plan.columns.push_back(column->type);
  }
  if (schema != nullptr) SLUICE_RETURN_IF_ERROR(CheckSchemaMatches(*schema, selected, "table " + query.table));
  std::vector<std::optional<DataType>> key_types;
  for (const std::string& key : query.BoundColumns()) {
    const PgColumn* column = table->Find(key);
    if (column == nullptr) return NotFound("table {} has no key column '{}'", query.table, key);
    key_types.emplace_back(column->type.type);
  }
  SelectQuery resolved = query;
  resolved.table = table->Qualified();
  Status literal_failure;
  SqlDialect dialect = postgres::PostgresCopyDialect(connection_->get(), *table, &literal_failure);
  SLUICE_ASSIGN_OR_RETURN(RenderedSql rendered, RenderSelect(resolved, dialect, key_types));
  SLUICE_RETURN_IF_ERROR(literal_failure);
  plan.sql = fmt::format("COPY ({}) TO STDOUT (FORMAT binary)", rendered.sql);
  plan.locator = LocateRows(query, *table);
  plan.cancel_when_dropped = !query.limit || *query.limit > kMaxRowsDrainedWhenDropped;
  return plan;
}

Status PostgresSource::Prepare(const std::string& sql, const std::vector<Oid>& param_types,
                               std::string_view context) {
  ResultPtr prepared(
      PQprepare(connection_->get(), "", sql.c_str(), static_cast<int>(param_types.size()), param_types.data()));
  if (!prepared || PQresultStatus(prepared.get()) != PGRES_COMMAND_OK) {
    return connection_->ErrorFrom(prepared.get(), context);
  }
  return Status::Ok();
}

std::string TrimTrailing(std::string_view sql) {
  while (!sql.empty() && (sql.back() == ';' || sql.back() == ' ' || sql.back() == '\n' || sql.back() == '\t' ||
                          sql.back() == '\r')) {
    sql.remove_suffix(1);
  }
  return std::string(sql);
}

Result<PreparedCustom> PostgresSource::PrepareCustom(const SelectQuery& query, bool wrap_casts) {
  SLUICE_RETURN_IF_ERROR(CheckIdle());
  SLUICE_ASSIGN_OR_RETURN(RenderedSql rendered, RenderSelect(query, dialect_));
  std::string context = query.table.empty() ? "preparing the custom SQL"
                                            : fmt::format("preparing the custom SQL of {}", query.table);
  PreparedCustom prepared;
  for (const Value& value : rendered.params) {
    prepared.params.push_back(postgres::ValueText(value));
    prepared.param_types.push_back(postgres::ParamTypeFor(value));
  }
  prepared.sql = std::move(rendered.sql);
  for (int attempt = 0; attempt < 2; ++attempt) {
    SLUICE_RETURN_IF_ERROR(Prepare(prepared.sql, prepared.param_types, context));
    ResultPtr description(PQdescribePrepared(connection_->get(), ""));
    if (!description || PQresultStatus(description.get()) != PGRES_COMMAND_OK) {
      return connection_->ErrorFrom(description.get(), context);
    }
    SLUICE_ASSIGN_OR_RETURN(prepared.columns,
                            postgres::DescribeResultColumns(*connection_, description.get(), &types_));
    bool casts = std::any_of(prepared.columns.begin(), prepared.columns.end(),
                             [](const PgColumn& column) { return column.type.cast != postgres::PgCast::kNone; });
    if (!wrap_casts || !casts || attempt > 0) break;
    std::string select_list;
    for (const PgColumn& column : prepared.columns) {
      std::string quoted = QuoteIdentifier(column.name, dialect_);
      select_list += (select_list.empty() ? "" : ", ") + postgres::SelectExpression(column, quoted) + " AS " + quoted;
    }
    prepared.sql = fmt::format("SELECT {} FROM (\n{}\n) AS sluice_custom", select_list, TrimTrailing(prepared.sql));
  }
  return prepared;
}

Result<SchemaPtr> PostgresSource::DescribeQuery(const SelectQuery& query) {
  if (!query.is_custom()) {
    SLUICE_ASSIGN_OR_RETURN(postgres::CopyPlan plan, PlanCopy(query, nullptr));
    SLUICE_ASSIGN_OR_RETURN(const PgTable* table, CachedTable(query.table));
    std::vector<PgColumn> selected;
    for (const std::string& name : query.columns) selected.push_back(*table->Find(name));
    return postgres::MakeSchema(selected, {});
  }
  SLUICE_ASSIGN_OR_RETURN(PreparedCustom prepared, PrepareCustom(query, /*wrap_casts=*/false));
  SchemaPtr schema = postgres::MakeSchema(prepared.columns, {});
  SLUICE_RETURN_IF_ERROR(CheckDistinctColumnNames(*schema, query));
  return schema;
}

Result<std::unique_ptr<BatchReader>> PostgresSource::ReadCustom(const SelectQuery& query, SchemaPtr schema,
                                                                const ReadOptions& options) {
  SLUICE_ASSIGN_OR_RETURN(PreparedCustom prepared, PrepareCustom(query, /*wrap_casts=*/true));
  SLUICE_RETURN_IF_ERROR(CheckSchemaMatches(*schema, prepared.columns, "the custom SQL"));
  std::vector<PgColumnType> columns;
  for (PgColumn& column : prepared.columns) columns.push_back(std::move(column.type));
  return postgres::PgRowReader::Start(connection_, prepared.sql, prepared.param_types, prepared.params,
                                      std::move(columns), std::move(schema), options);
}

Result<std::unique_ptr<BatchReader>> PostgresSource::Read(const SelectQuery& query, SchemaPtr schema,
                                                          const ReadOptions& options) {
  ReadOptions read_options = options;
  if (read_options.table_for_errors.empty()) read_options.table_for_errors = query.table;
  if (query.is_custom()) return ReadCustom(query, std::move(schema), read_options);
  SLUICE_RETURN_IF_ERROR(CheckIdle());
  SLUICE_ASSIGN_OR_RETURN(postgres::CopyPlan plan, PlanCopy(query, schema.get()));
  return postgres::PgCopyReader::Start(connection_, std::move(plan), std::move(schema), read_options);
}

Result<std::optional<HeapLayout>> PostgresSource::DescribeHeap(const std::string& table) {
  SLUICE_RETURN_IF_ERROR(CheckIdle());
  SLUICE_ASSIGN_OR_RETURN(const PgTable* described, CachedTable(table));
  return postgres::DescribeHeap(*connection_, *described);
}

Result<Value> PostgresSource::MaxValue(const std::string& table, const std::string& column, const DataType&) {
  SLUICE_ASSIGN_OR_RETURN(const PgTable* described, CachedTable(table));
  const PgColumn* key = described->Find(column);
  if (key == nullptr) return NotFound("table {} has no column '{}'", table, column);
  std::string quoted = QuoteIdentifier(column, dialect_);
  std::string sql = fmt::format("SELECT {} FROM {} WHERE {} IS NOT NULL ORDER BY {} DESC LIMIT 1",
                                postgres::SelectExpression(*key, quoted),
                                QuoteTableName(described->Qualified(), dialect_), quoted, quoted);
  std::string context = fmt::format("table {}, column {}", table, column);
  SLUICE_ASSIGN_OR_RETURN(ResultPtr result, connection_->Query(sql, {}, /*binary_results=*/true, context));
  if (PQntuples(result.get()) == 0) return Value();
  ColumnVector decoded(key->type.type);
  postgres::DecodeContext decode_context;
  decode_context.zero_dates = config::ZeroDates::kError;
  std::string_view value(PQgetvalue(result.get(), 0, 0), static_cast<size_t>(PQgetlength(result.get(), 0, 0)));
  if (!postgres::DecoderFor(key->type)(value, key->type, &decoded, &decode_context)) {
    return decode_context.error.WithContext(context + ": the largest value cannot be the run's ceiling");
  }
  // numeric as exact text holds NaN and Infinity, which PostgreSQL sorts above every number: no cursor passes them.
  if (decoded.type().id == TypeId::kDecimal && decoded.type().is_bytes() &&
      (decoded.Bytes(0) == "NaN" || decoded.Bytes(0) == "Infinity")) {
    return DataError("{}: the largest value is {}, which cannot be the run's ceiling", context, decoded.Bytes(0));
  }
  auto ceiling = ValueAt(decoded, 0);
  if (!ceiling) return ceiling.error().WithContext(context);
  return ceiling;
}

Result<int64_t> PostgresSource::CountWhere(const std::string& table, const std::string& condition,
                                           const std::string& context) {
  SLUICE_RETURN_IF_ERROR(CheckIdle());
  SLUICE_ASSIGN_OR_RETURN(const PgTable* described, CachedTable(table));
  std::string sql =
      fmt::format("SELECT count(*) FROM {} WHERE {}", QuoteTableName(described->Qualified(), dialect_), condition);
  SLUICE_ASSIGN_OR_RETURN(ResultPtr result, connection_->Query(sql, {}, /*binary_results=*/false, context));
  if (PQntuples(result.get()) != 1) return Internal("{}: unexpected result shape", context);
  return ParseServerInt64(PQgetvalue(result.get(), 0, 0), context);
}

Result<int64_t> PostgresSource::CountNullKeys(const std::string& table, const Field& column) {
  if (!column.nullable) return 0;
  return CountWhere(table, QuoteIdentifier(column.name, dialect_) + " IS NULL",
                    fmt::format("table {}, column {}: counting rows with no cursor value", table, column.name));
}

Result<int64_t> PostgresSource::CountValues(const std::string& table, const Field& column) {
  return CountWhere(table, QuoteIdentifier(column.name, dialect_) + " IS NOT NULL",
                    fmt::format("table {}, column {}: counting rows with a value", table, column.name));
}

std::string PostgresSource::Explain(const SelectQuery& query) const {
  if (query.is_custom()) {
    auto rendered = RenderSelect(query, dialect_);
    if (!rendered) return "-- cannot render the query: " + rendered.error().message();
    return ExplainSql(*rendered);
  }
  auto plan = PlanCopy(query, nullptr);
  if (!plan) return "-- cannot render the query: " + plan.error().message();
  return plan->sql;
}

Status PostgresSource::BeginSnapshot() {
  SLUICE_RETURN_IF_ERROR(CheckIdle());
  if (connection_->in_snapshot) return Internal("BeginSnapshot called twice without EndSnapshot");
  SLUICE_RETURN_IF_ERROR(connection_->Execute("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY", "starting a snapshot"));
  connection_->in_snapshot = true;
  connection_->snapshot_lost = false;
  return Status::Ok();
}

Status PostgresSource::EndSnapshot() {
  if (connection_->snapshot_lost) {
    connection_->snapshot_lost = false;
    return Unavailable("postgres at {}: the snapshot ended early because a read was cancelled or failed; run again",
                       connection_->endpoint());
  }
  if (!connection_->in_snapshot) return Status::Ok();
  SLUICE_RETURN_IF_ERROR(CheckIdle());
  connection_->in_snapshot = false;
  return connection_->Execute("COMMIT", "ending the snapshot");
}

Result<SourceClock> PostgresSource::Clock() {
  constexpr std::string_view kContext = "reading the server's clock";
  SLUICE_RETURN_IF_ERROR(CheckIdle());
  // The session runs in UTC; writers' now() uses the TimeZone a new session
  // starts with (server, database or role setting) unless the connection
  // names theirs.
  std::optional<std::string> configured;
  if (!time_zone_.empty()) configured = time_zone_;
  bool is_offset = !time_zone_.empty() && (time_zone_.front() == '+' || time_zone_.front() == '-');
  SLUICE_ASSIGN_OR_RETURN(
      ResultPtr result,
      connection_->Query(
          // An offset is an interval (ISO sign: -05:00 is west of UTC); as a zone name
          // PostgreSQL would read it POSIX-style, with the sign inverted.
          is_offset ? "SELECT (extract(epoch FROM now) * 1000000)::bigint::text, "
                      "(extract(epoch FROM now AT TIME ZONE $1::interval) * 1000000)::bigint::text, $1::text "
                      "FROM clock_timestamp() AS now"
                    : "SELECT (extract(epoch FROM now) * 1000000)::bigint::text, "
                      "(extract(epoch FROM now AT TIME ZONE zone) * 1000000)::bigint::text, zone "
                      "FROM clock_timestamp() AS now, (SELECT coalesce($1::text, reset_val) AS zone "
                      "FROM pg_settings WHERE name = 'TimeZone') AS writers",
          {configured}, false, kContext));
  if (PQntuples(result.get()) != 1 || PQnfields(result.get()) != 3) {
    return Internal("{}: unexpected result shape", kContext);
  }
  SourceClock clock;
  SLUICE_ASSIGN_OR_RETURN(clock.utc_micros, ParseServerInt64(PQgetvalue(result.get(), 0, 0), kContext));
  SLUICE_ASSIGN_OR_RETURN(clock.local_micros, ParseServerInt64(PQgetvalue(result.get(), 0, 1), kContext));
  clock.zone = fmt::format("{} ({})", PQgetvalue(result.get(), 0, 2),
                           configured ? "the source's time_zone" : "the server's default time zone");
  return clock;
}

Result<std::string> PostgresSource::ServerVersion() {
  const char* version = PQparameterStatus(connection_->get(), "server_version");
  if (version == nullptr) return Unavailable("postgres at {}: the server did not report its version", connection_->endpoint());
  return fmt::format("PostgreSQL {}", version);
}

}  // namespace

Result<std::unique_ptr<Source>> OpenPostgresSource(const config::SourceConnection& connection) {
  SLUICE_ASSIGN_OR_RETURN(std::shared_ptr<PgConnection> opened, PgConnection::Open(connection));
  return std::unique_ptr<Source>(new PostgresSource(std::move(opened), connection.time_zone));
}

}  // namespace sluice::source
