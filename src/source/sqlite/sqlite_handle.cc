#include "source/sqlite/sqlite_handle.h"

#include <limits>

#include "types/temporal.h"

namespace sluice::source::sqlite {

Status SqliteError(sqlite3* db, int rc, std::string_view context) {
  std::string message = db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
  std::string text = fmt::format("{}: {}", context, message);
  switch (rc & 0xFF) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED: return Unavailable(std::move(text));
    case SQLITE_IOERR:
    case SQLITE_FULL:
    case SQLITE_CANTOPEN:
    case SQLITE_PERM:
    case SQLITE_READONLY: return IoError(std::move(text));
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB: return DataError(std::move(text));
    case SQLITE_ERROR:
    case SQLITE_RANGE:
    case SQLITE_MISMATCH:
      if (message.starts_with("no such table") || message.starts_with("no such column")) {
        return NotFound(std::move(text));
      }
      return InvalidArgument(std::move(text));
    default: return Internal(std::move(text));
  }
}

Result<StatementPtr> Prepare(sqlite3* db, std::string_view sql, std::string_view context) {
  sqlite3_stmt* raw = nullptr;
  const char* tail = nullptr;
  int rc = sqlite3_prepare_v2(db, sql.data(), static_cast<int>(sql.size()), &raw, &tail);
  StatementPtr statement(raw);
  if (rc != SQLITE_OK) return SqliteError(db, rc, fmt::format("{} (SQL: {})", context, sql));
  if (statement == nullptr) return InvalidArgument("{}: the SQL is empty", context);
  std::string_view rest(tail, static_cast<size_t>(sql.data() + sql.size() - tail));
  if (rest.find_first_not_of(" \t\r\n;") != std::string_view::npos) {
    return InvalidArgument("{}: the SQL holds more than one statement (SQL: {})", context, sql);
  }
  return statement;
}

Value BoundValue(const Value& value) {
  switch (value.kind()) {
    case Value::Kind::kNull:
    case Value::Kind::kInt64:
    case Value::Kind::kText: return value;
    case Value::Kind::kUInt64:
      if (value.uint64() <= static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
        return Value::Int64(static_cast<int64_t>(value.uint64()));
      }
      return Value::Text(std::to_string(value.uint64()));
    case Value::Kind::kTimestamp: return Value::Text(FormatTimestampSql(value.timestamp_micros()));
    case Value::Kind::kDate: return Value::Text(FormatDate(value.date_days()));
  }
  return value;
}

Status BindParams(sqlite3* db, sqlite3_stmt* statement, const std::vector<Value>& params,
                  std::vector<std::string>* text_storage) {
  int expected = sqlite3_bind_parameter_count(statement);
  if (expected != static_cast<int>(params.size())) {
    return InvalidArgument(
        "the SQL has {} parameter markers but {} values are bound (a '?' or ':name' written in custom SQL outside "
        "quotes is a marker that nothing binds: write the value as a literal, or use a {{{{...}}}} placeholder)",
        expected, params.size());
  }
  text_storage->clear();
  text_storage->reserve(params.size());
  for (size_t param_idx = 0; param_idx < params.size(); ++param_idx) {
    const Value& value = params[param_idx];
    int position = static_cast<int>(param_idx) + 1;
    int rc = SQLITE_OK;
    if (value.kind() == Value::Kind::kText) {
      rc = sqlite3_bind_text64(statement, position, value.text().data(), value.text().size(), SQLITE_STATIC,
                               SQLITE_UTF8);
    } else {
      Value bound = BoundValue(value);
      if (bound.kind() == Value::Kind::kNull) {
        rc = sqlite3_bind_null(statement, position);
      } else if (bound.kind() == Value::Kind::kInt64) {
        rc = sqlite3_bind_int64(statement, position, bound.int64());
      } else {
        const std::string& text = text_storage->emplace_back(bound.text());
        rc = sqlite3_bind_text64(statement, position, text.data(), text.size(), SQLITE_STATIC, SQLITE_UTF8);
      }
    }
    if (rc != SQLITE_OK) return SqliteError(db, rc, fmt::format("binding parameter {}", position));
  }
  return Status::Ok();
}

Status Execute(sqlite3* db, const char* sql) {
  char* error = nullptr;
  int rc = sqlite3_exec(db, sql, nullptr, nullptr, &error);
  if (rc == SQLITE_OK) return Status::Ok();
  sqlite3_free(error);
  return SqliteError(db, rc, sql);
}

}  // namespace sluice::source::sqlite
