// SelectQuery: what a change-capture strategy asks a source to read, in
// terms no SQL dialect owns. A source renders it in its own dialect
// (identifier quoting, placeholders, type casts) and binds every value as
// a parameter; nothing here is ever pasted into SQL text.
//
// Keyset form (every strategy but custom_sql):
//
//   SELECT <columns> FROM <table>
//   WHERE  (key_columns[0..k)) > lower    -- tuple order over the first k = lower.size()
//                                         -- key columns; >= when lower_inclusive
//     AND  key_columns[0] <= upper        -- the run's ceiling, on the first key column,
//                                         -- or on upper_column when set
//     AND  key_columns[0] = equal_to      -- reading one whole tie group
//   ORDER BY key_columns
//   LIMIT  limit
//
// Each clause is present only when its field is set. Tuple order on
// (a, b) > (x, y) means a > x OR (a = x AND b > y).
//
// Page-range form (a first copy in the table's physical order, on a source
// that reports a HeapLayout): `pages` set, no key columns, so no ORDER BY:
//
//   SELECT <columns> FROM <table>
//   WHERE  <the table's pages [pages.first, pages.end)>  -- to the table's end when end is unset
//     AND  upper_column <= upper
//
// Only a dialect that can address pages renders it (PostgreSQL: TID ranges).
//
// Custom form (custom_sql): the user's SQL with {{name}} placeholders, each
// bound from `parameters`.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "types/value.h"

namespace sluice {

// Pages of a table in the order the source stores them: `first` up to
// `end`, exclusive; no end: to the table's end, including pages it grew by
// after its size was read.
struct PageRange {
  int64_t first = 0;
  std::optional<int64_t> end = std::nullopt;
  friend bool operator==(const PageRange&, const PageRange&) = default;
};

struct SelectQuery {
  std::string table;                 // as configured: "schema.table" or "table"
  std::vector<std::string> columns;  // select list, in order
  std::vector<std::string> key_columns;
  std::vector<Value> lower;          // empty: no lower bound; else values of a prefix of key_columns
  bool lower_inclusive = false;
  std::optional<Value> upper;        // ceiling on upper_column (else key_columns[0]), inclusive
  // A column outside the key that `upper` bounds: a first copy reads in
  // primary-key order up to the cursor column's ceiling. "": key_columns[0].
  std::string upper_column;
  std::optional<Value> equal_to;     // key_columns[0] = value
  std::optional<int64_t> limit;
  std::optional<PageRange> pages;  // set: the page-range form (key_columns and lower empty)

  std::string custom_sql;                    // non-empty: the custom form
  std::map<std::string, Value> parameters;   // placeholder name (without braces) -> value

  bool is_custom() const { return !custom_sql.empty(); }
  // The columns values are compared with: key_columns, then upper_column when set.
  std::vector<std::string> BoundColumns() const {
    std::vector<std::string> columns = key_columns;
    if (!upper_column.empty()) columns.push_back(upper_column);
    return columns;
  }
  // Index in BoundColumns() of the column `upper` bounds.
  size_t UpperIndex() const { return upper_column.empty() ? 0 : key_columns.size(); }
};

}  // namespace sluice
