#include "source/postgres/pg_dialect.h"

#include <fmt/format.h>

#include "types/temporal.h"

namespace sluice::source::postgres {
namespace {

// `'text'::type` with the text quoted by libpq; records a failure and returns NULL otherwise.
std::string CastLiteral(PGconn* conn, const std::string& text, std::string_view type, Status* failure) {
  char* quoted = PQescapeLiteral(conn, text.data(), text.size());
  if (quoted == nullptr) {
    if (failure->ok()) {
      *failure = InvalidArgument("cannot quote the key value '{}': {}", text.substr(0, 100), PQerrorMessage(conn));
    }
    return "NULL";
  }
  std::string literal = fmt::format("{}::{}", quoted, type);
  PQfreemem(quoted);
  return literal;
}

std::string KeyLiteral(PGconn* conn, const PgTable& table, std::string_view column_name, const Value& value,
                       Status* failure) {
  const PgColumn* column = table.Find(column_name);
  std::optional<std::string> text = ValueText(value);
  if (!text) {
    if (failure->ok()) *failure = InvalidArgument("key column '{}' is compared with NULL", column_name);
    return "NULL";
  }
  switch (value.kind()) {
    case Value::Kind::kTimestamp:
      if (column != nullptr && column->type.type.id == TypeId::kTimestampTz) {
        return CastLiteral(conn, *text + "+00", "timestamp with time zone", failure);
      }
      return CastLiteral(conn, *text, "timestamp without time zone", failure);
    case Value::Kind::kDate: return CastLiteral(conn, *text, "date", failure);
    default: break;
  }
  if (column != nullptr) return CastLiteral(conn, *text, column->cast_type, failure);
  std::string_view fallback = value.kind() == Value::Kind::kInt64    ? "bigint"
                              : value.kind() == Value::Kind::kUInt64 ? "numeric"
                                                                     : "text";
  return CastLiteral(conn, *text, fallback, failure);
}

}  // namespace

SqlDialect PostgresDialect() {
  SqlDialect dialect;
  dialect.identifier_quote = '"';
  dialect.placeholder_style = PlaceholderStyle::kDollarNumber;
  dialect.flavor = SqlFlavor::kPostgres;
  // Planned as a TID Range Scan (PostgreSQL 14+): only these pages are read.
  // A tuple's ctid is (page, line), line numbers from 1, so (p,0) is before page p's first tuple.
  dialect.page_range = [](const PageRange& range) {
    std::string condition = fmt::format("ctid >= '({},0)'::tid", range.first);
    if (range.end) condition += fmt::format(" AND ctid < '({},0)'::tid", *range.end);
    return condition;
  };
  return dialect;
}

SqlDialect PostgresCopyDialect(PGconn* conn, const PgTable& table, Status* failure) {
  SqlDialect dialect = PostgresDialect();
  dialect.select_column = [&table](std::string_view column_name, std::string_view quoted) {
    const PgColumn* column = table.Find(column_name);
    return column == nullptr ? std::string(quoted) : SelectExpression(*column, quoted);
  };
  dialect.key_literal = [conn, &table, failure](std::string_view column_name, const Value& value) {
    return KeyLiteral(conn, table, column_name, value, failure);
  };
  return dialect;
}

std::string SelectExpression(const PgColumn& column, std::string_view quoted_column) {
  switch (column.type.cast) {
    case PgCast::kText:
      // The output function (what psql shows); a ::text cast differs for some types (inet adds "/32").
      return fmt::format("CASE WHEN {0} IS NULL THEN NULL ELSE pg_catalog.format('%s', {0}) END", quoted_column);
    case PgCast::kArrayToJson: return fmt::format("pg_catalog.array_to_json({})", quoted_column);
    case PgCast::kNone: break;
  }
  return std::string(quoted_column);
}

std::optional<std::string> ValueText(const Value& value) {
  switch (value.kind()) {
    case Value::Kind::kNull: return std::nullopt;
    case Value::Kind::kInt64: return std::to_string(value.int64());
    case Value::Kind::kUInt64: return std::to_string(value.uint64());
    case Value::Kind::kTimestamp: return FormatTimestampSql(value.timestamp_micros());
    case Value::Kind::kDate: return FormatDate(value.date_days());
    case Value::Kind::kText: return value.text();
  }
  return std::nullopt;
}

Oid ParamTypeFor(const Value& value) {
  switch (value.kind()) {
    case Value::Kind::kInt64: return kInt8Oid;
    case Value::Kind::kUInt64: return kNumericOid;
    case Value::Kind::kTimestamp: return kTimestampOid;
    case Value::Kind::kDate: return kDateOid;
    default: return 0;  // unknown: typed by its context
  }
}

}  // namespace sluice::source::postgres
