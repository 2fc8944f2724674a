#include "target/duckdb/duckdb_api.h"

#include <duckdb.h>

#include <cctype>
#include <vector>

namespace sluice::target::duckdb {

struct ResultHandle {
  duckdb_result result{};
};

struct StreamHandle {
  duckdb_result result{};
  duckdb_data_chunk chunk = nullptr;
  uint64_t rows = 0;
  std::vector<void*> data;          // per column of the current chunk
  std::vector<uint64_t*> validity;  // per column; null: no NULLs in the chunk

  ~StreamHandle() {
    if (chunk != nullptr) duckdb_destroy_data_chunk(&chunk);
    duckdb_destroy_result(&result);
  }
};

namespace {

// What a caller can do about a DuckDB error, from its type.
StatusCode ErrorCodeFor(duckdb_error_type type) {
  switch (type) {
    case DUCKDB_ERROR_IO:
    case DUCKDB_ERROR_PERMISSION: return StatusCode::kIoError;
    case DUCKDB_ERROR_OUT_OF_RANGE:
    case DUCKDB_ERROR_CONVERSION:
    case DUCKDB_ERROR_DECIMAL:
    case DUCKDB_ERROR_MISMATCH_TYPE:
    case DUCKDB_ERROR_DIVIDE_BY_ZERO:
    case DUCKDB_ERROR_CONSTRAINT:
    case DUCKDB_ERROR_INVALID_INPUT: return StatusCode::kDataError;
    case DUCKDB_ERROR_TRANSACTION:
    case DUCKDB_ERROR_INTERRUPT:
    case DUCKDB_ERROR_OUT_OF_MEMORY: return StatusCode::kUnavailable;
    default: return StatusCode::kInternal;
  }
}

// DuckDB's message up to its first line break: the rest repeats the SQL
// text with a caret, which can be long (file lists) and says little more.
std::string FirstLine(const char* message) {
  if (message == nullptr) return "unknown error";
  std::string_view text(message);
  return std::string(text.substr(0, text.find('\n')));
}

Status ResultError(duckdb_result& result) {
  return Status(ErrorCodeFor(duckdb_result_error_type(&result)), "DuckDB " + FirstLine(duckdb_result_error(&result)));
}

}  // namespace

std::string QuoteIdentifier(std::string_view name) {
  std::string quoted = "\"";
  for (char c : name) {
    if (c == '"') quoted += '"';
    quoted += c;
  }
  return quoted + "\"";
}

std::string QuoteLiteral(std::string_view text) {
  std::string quoted = "'";
  for (char c : text) {
    if (c == '\'') quoted += '\'';
    quoted += c;
  }
  return quoted + "'";
}

std::string QualifiedName(std::string_view schema, std::string_view table) {
  return QuoteIdentifier(schema) + "." + QuoteIdentifier(table);
}

bool SameIdentifier(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t char_idx = 0; char_idx < a.size(); ++char_idx) {
    if (std::tolower(static_cast<unsigned char>(a[char_idx])) !=
        std::tolower(static_cast<unsigned char>(b[char_idx]))) {
      return false;
    }
  }
  return true;
}

// --- QueryResult -----------------------------------------------------------

QueryResult::QueryResult() = default;
QueryResult::QueryResult(QueryResult&& other) noexcept = default;
QueryResult& QueryResult::operator=(QueryResult&& other) noexcept {
  if (this != &other) {
    if (result_) duckdb_destroy_result(&result_->result);
    result_ = std::move(other.result_);
  }
  return *this;
}
QueryResult::~QueryResult() {
  if (result_) duckdb_destroy_result(&result_->result);
}

uint64_t QueryResult::row_count() const { return result_ ? duckdb_row_count(&result_->result) : 0; }
uint64_t QueryResult::column_count() const { return result_ ? duckdb_column_count(&result_->result) : 0; }
int64_t QueryResult::rows_changed() const {
  return result_ ? static_cast<int64_t>(duckdb_rows_changed(&result_->result)) : 0;
}

bool QueryResult::IsNull(uint64_t column_idx, uint64_t row_idx) const {
  return duckdb_value_is_null(&result_->result, column_idx, row_idx);
}

std::optional<std::string> QueryResult::Text(uint64_t column_idx, uint64_t row_idx) const {
  if (IsNull(column_idx, row_idx)) return std::nullopt;
  char* text = duckdb_value_varchar(&result_->result, column_idx, row_idx);
  std::string value = text ? std::string(text) : std::string();
  duckdb_free(text);
  return value;
}

int64_t QueryResult::Int64(uint64_t column_idx, uint64_t row_idx) const {
  return duckdb_value_int64(&result_->result, column_idx, row_idx);
}

// --- ResultStream ----------------------------------------------------------

ResultStream::ResultStream() = default;
ResultStream::ResultStream(ResultStream&& other) noexcept = default;
ResultStream& ResultStream::operator=(ResultStream&& other) noexcept = default;
ResultStream::~ResultStream() = default;

Result<bool> ResultStream::NextChunk() {
  StreamHandle& stream = *stream_;
  if (stream.chunk != nullptr) duckdb_destroy_data_chunk(&stream.chunk);
  stream.rows = 0;
  stream.chunk = duckdb_fetch_chunk(stream.result);
  if (stream.chunk == nullptr) {
    if (duckdb_result_error(&stream.result) != nullptr) return ResultError(stream.result);
    return false;
  }
  stream.rows = duckdb_data_chunk_get_size(stream.chunk);
  for (size_t column_idx = 0; column_idx < stream.data.size(); ++column_idx) {
    duckdb_vector vector = duckdb_data_chunk_get_vector(stream.chunk, column_idx);
    stream.data[column_idx] = duckdb_vector_get_data(vector);
    stream.validity[column_idx] = duckdb_vector_get_validity(vector);
  }
  return true;
}

uint64_t ResultStream::chunk_rows() const { return stream_->rows; }

bool ResultStream::IsNull(uint64_t column_idx, uint64_t row_idx) const {
  uint64_t* validity = stream_->validity[column_idx];
  return validity != nullptr && !duckdb_validity_row_is_valid(validity, row_idx);
}

int64_t ResultStream::Int64(uint64_t column_idx, uint64_t row_idx) const {
  return static_cast<const int64_t*>(stream_->data[column_idx])[row_idx];
}

std::string_view ResultStream::Text(uint64_t column_idx, uint64_t row_idx) const {
  // duckdb.h's layout: up to 12 bytes inline, longer ones behind a pointer.
  const duckdb_string_t& value = static_cast<const duckdb_string_t*>(stream_->data[column_idx])[row_idx];
  uint32_t length = value.value.inlined.length;
  return std::string_view(length <= 12 ? value.value.inlined.inlined : value.value.pointer.ptr, length);
}

// --- PreparedStatement -----------------------------------------------------

PreparedStatement::PreparedStatement(PreparedStatement&& other) noexcept
    : statement_(std::exchange(other.statement_, nullptr)), sql_(std::move(other.sql_)) {}

PreparedStatement& PreparedStatement::operator=(PreparedStatement&& other) noexcept {
  if (this != &other) {
    if (statement_ != nullptr) duckdb_destroy_prepare(&statement_);
    statement_ = std::exchange(other.statement_, nullptr);
    sql_ = std::move(other.sql_);
  }
  return *this;
}

PreparedStatement::~PreparedStatement() {
  if (statement_ != nullptr) duckdb_destroy_prepare(&statement_);
}

Status PreparedStatement::Bind(uint64_t param_idx, std::string_view value) {
  if (duckdb_bind_varchar_length(statement_, param_idx, value.data(), value.size()) == DuckDBError) {
    return Internal("DuckDB: cannot bind parameter {} of: {}", param_idx, sql_);
  }
  return Status::Ok();
}

Status PreparedStatement::Bind(uint64_t param_idx, int64_t value) {
  if (duckdb_bind_int64(statement_, param_idx, value) == DuckDBError) {
    return Internal("DuckDB: cannot bind parameter {} of: {}", param_idx, sql_);
  }
  return Status::Ok();
}

Result<QueryResult> PreparedStatement::Execute() {
  QueryResult result;
  result.result_ = std::make_unique<ResultHandle>();
  if (duckdb_execute_prepared(statement_, &result.result_->result) == DuckDBError) {
    return ResultError(result.result_->result);
  }
  return result;
}

// --- Database --------------------------------------------------------------

Result<std::unique_ptr<Database>> Database::Open(const std::string& path, bool read_only,
                                                 const std::vector<std::pair<std::string, std::string>>& settings) {
  duckdb_config config = nullptr;
  if (duckdb_create_config(&config) == DuckDBError) return Internal("DuckDB: cannot create a configuration");
  // Extensions this build lacks are never fetched from the network.
  duckdb_set_config(config, "autoinstall_known_extensions", "false");
  if (read_only) duckdb_set_config(config, "access_mode", "READ_ONLY");
  for (const auto& [name, value] : settings) {
    if (duckdb_set_config(config, name.c_str(), value.c_str()) == DuckDBError) {
      duckdb_destroy_config(&config);
      return InvalidArgument("DuckDB refuses {} = '{}' for database '{}'", name, value, path);
    }
  }
  std::unique_ptr<Database> database(new Database());
  char* error = nullptr;
  duckdb_state state = duckdb_open_ext(path.c_str(), &database->database_, config, &error);
  duckdb_destroy_config(&config);
  if (state == DuckDBError) {
    std::string message = FirstLine(error);
    duckdb_free(error);
    database->database_ = nullptr;
    // Another process holding the file is the one failure a retry can fix.
    StatusCode code = message.find("lock") != std::string::npos ? StatusCode::kUnavailable : StatusCode::kIoError;
    return Status(code, fmt::format("cannot open DuckDB database '{}': {}", path, message));
  }
  if (duckdb_connect(database->database_, &database->connection_) == DuckDBError) {
    database->connection_ = nullptr;
    return Internal("cannot connect to DuckDB database '{}'", path);
  }
  return database;
}

Database::~Database() {
  if (connection_ != nullptr) duckdb_disconnect(&connection_);
  if (database_ != nullptr) duckdb_close(&database_);
}

Result<QueryResult> Database::Query(std::string_view sql) {
  QueryResult result;
  result.result_ = std::make_unique<ResultHandle>();
  std::string text(sql);
  if (duckdb_query(connection_, text.c_str(), &result.result_->result) == DuckDBError) {
    return ResultError(result.result_->result);
  }
  return result;
}

Result<ResultStream> Database::Stream(std::string_view sql) {
  SLUICE_ASSIGN_OR_RETURN(PreparedStatement statement, Prepare(sql));
  duckdb_pending_result pending = nullptr;
  if (duckdb_pending_prepared_streaming(statement.statement_, &pending) == DuckDBError) {
    Status error = Internal("DuckDB {}", FirstLine(duckdb_pending_error(pending)));
    duckdb_destroy_pending(&pending);
    return error;
  }
  ResultStream stream;
  stream.stream_ = std::make_unique<StreamHandle>();
  duckdb_state state = duckdb_execute_pending(pending, &stream.stream_->result);
  duckdb_destroy_pending(&pending);
  if (state == DuckDBError) return ResultError(stream.stream_->result);
  uint64_t columns = duckdb_column_count(&stream.stream_->result);
  stream.stream_->data.assign(columns, nullptr);
  stream.stream_->validity.assign(columns, nullptr);
  return stream;
}

Result<PreparedStatement> Database::Prepare(std::string_view sql) {
  std::string text(sql);
  duckdb_prepared_statement statement = nullptr;
  if (duckdb_prepare(connection_, text.c_str(), &statement) == DuckDBError) {
    Status error = Internal("DuckDB {}", FirstLine(duckdb_prepare_error(statement)));
    duckdb_destroy_prepare(&statement);
    return error;
  }
  return PreparedStatement(statement, std::move(text));
}

Result<QueryResult> Database::QueryWith(std::string_view sql, std::initializer_list<std::string_view> params) {
  SLUICE_ASSIGN_OR_RETURN(PreparedStatement statement, Prepare(sql));
  uint64_t param_idx = 1;
  for (std::string_view param : params) SLUICE_RETURN_IF_ERROR(statement.Bind(param_idx++, param));
  return statement.Execute();
}

// --- Transaction -----------------------------------------------------------

Result<Transaction> Transaction::Begin(Database& database) {
  SLUICE_RETURN_IF_ERROR(database.Execute("BEGIN TRANSACTION"));
  return Transaction(&database);
}

Transaction::~Transaction() {
  if (database_ != nullptr) {
    // A failed rollback leaves nothing to do: DuckDB discards the
    // transaction with the connection at the latest.
    Status ignored = database_->Execute("ROLLBACK");
    (void)ignored;
  }
}

Status Transaction::Commit() {
  Database* database = std::exchange(database_, nullptr);
  Status status = database->Execute("COMMIT");
  if (!status.ok()) {
    Status ignored = database->Execute("ROLLBACK");
    (void)ignored;
  }
  return status;
}

}  // namespace sluice::target::duckdb
