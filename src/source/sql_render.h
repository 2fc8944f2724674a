// SQL rendering: turns a SelectQuery (types/select_query.h) into SQL text
// plus the ordered list of values to bind, for any SQL source. Everything
// dialect-specific lives in a SqlDialect, so the SQLite, MySQL and
// PostgreSQL sources share this code and differ only in their dialect.
//
// Keyset form, for key columns (a, b), lower (x, y), upper u, equal_to e:
//
//   SELECT "c1", "c2" FROM "schema"."table"
//   WHERE a >= ? AND ((a > ?) OR (a = ? AND b > ?))   -- lower (>= on b when inclusive)
//     AND a <= ?                                      -- upper
//     AND a = ?                                       -- equal_to
//   ORDER BY a, b
//   LIMIT 1000
//
// The leading `a >= ?` of a multi-column lower bound is implied by the
// OR-chain; it is there so planners (MySQL's in particular) can use an
// index range on the first key column. A single-column lower bound is just
// `a > ?`. Key columns (in WHERE and ORDER BY) and the parameters compared
// with them pass through the dialect's hooks, so a dialect can compare in
// a canonical domain (SQLite timestamps) or cast parameters (PostgreSQL).
// LIMIT is an integer literal; every other value is a parameter, one per
// occurrence, in text order.
//
// Page-range form (SelectQuery::pages): the dialect's page_range condition
// first, then the upper bound, and no ORDER BY (PostgreSQL):
//
//   SELECT "c1", "c2" FROM "schema"."table"
//   WHERE ctid >= '(1000,0)'::tid AND ctid < '(1500,0)'::tid
//     AND "updated_at" <= ?
//
// A dialect without the hook refuses the query (an internal error: the
// planner asks for pages only from a source that reported a HeapLayout).
//
// Custom form: each `{{name}}` (whitespace inside the braces allowed) is
// replaced by one placeholder and binds `parameters[name]`; a name used
// twice binds twice. A `{{...}}` inside a string literal, a quoted name or
// a comment, as the dialect's `flavor` reads them (types/sql_placeholders.h),
// is text and is left as it is.
//
// Pure functions; thread-safe.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "types/data_type.h"
#include "types/select_query.h"
#include "types/sql_placeholders.h"
#include "types/value.h"

namespace sluice::source {

enum class PlaceholderStyle {
  kQuestionMark,  // ?            (SQLite, MySQL)
  kDollarNumber,  // $1, $2, ...  (PostgreSQL)
};

struct SqlDialect {
  // Quotes identifiers; an embedded quote character is doubled.
  char identifier_quote = '"';
  PlaceholderStyle placeholder_style = PlaceholderStyle::kQuestionMark;
  // SQL compared and ordered in place of a key column, given the quoted
  // column and its type. Unset: the column itself.
  std::function<std::string(std::string_view quoted_column, const DataType& type)> key_column;
  // SQL compared in place of a parameter bound against a key column of
  // `type`, given its placeholder. Unset: the placeholder itself.
  std::function<std::string(std::string_view placeholder, const DataType& type)> key_parameter;
  // SQL selected in place of the select-list column `column` (given also
  // quoted), e.g. a cast. Unset: the quoted column.
  std::function<std::string(std::string_view column, std::string_view quoted_column)> select_column;
  // Keyset form only: when set, each value compared with a key column is
  // written into the SQL text as the literal this returns (given the key
  // column's name) instead of being bound, and `params` stays empty. For
  // statements that take no parameters (PostgreSQL's COPY); the values are
  // sluice's own cursor and ceiling, never user input, and the hook must
  // quote them safely. Custom SQL is always bound.
  std::function<std::string(std::string_view column, const Value& value)> key_literal;
  // The condition selecting the table's pages `range` (SelectQuery::pages),
  // written as literals (page numbers are sluice's own integers). Unset:
  // the dialect cannot address pages.
  std::function<std::string(const PageRange& range)> page_range;
  // The quotes and comments the database knows, so that custom SQL's
  // placeholders are found where the database will see them.
  SqlFlavor flavor = SqlFlavor::kSqlite;
};

struct RenderedSql {
  std::string sql;
  std::vector<Value> params;  // in placeholder order
  PlaceholderStyle placeholder_style = PlaceholderStyle::kQuestionMark;  // how `sql` names them
};

// `identifier` quoted: "a""b" for a"b with double quotes, `a``b` with backticks.
std::string QuoteIdentifier(std::string_view identifier, const SqlDialect& dialect);
// "schema.table" quoted per part ("schema"."table"); splits at the first dot only.
std::string QuoteTableName(std::string_view table, const SqlDialect& dialect);

// Renders either form of `query`. `key_types` (optional) gives the type of
// each key column, in key order; a key column without one takes the type of
// a value bound against it (timestamp, date, int64, uint64 or string) and,
// bound by nothing, is used as it is. InvalidArgument for a malformed query
// (no columns, more lower values than key columns, NULL bounds, unknown or
// unclosed placeholders), naming what is wrong.
Result<RenderedSql> RenderSelect(const SelectQuery& query, const SqlDialect& dialect,
                                 const std::vector<std::optional<DataType>>& key_types = {});

// The rendered SQL, then "-- params: $1=42, $2='2025-01-01T00:00:00.000000Z'"
// (parameters numbered by position in every dialect; text single-quoted).
std::string ExplainSql(const RenderedSql& rendered);

}  // namespace sluice::source
