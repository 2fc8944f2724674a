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
//     AND  key_columns[0] <= upper        -- the run's ceiling, on the first key column
//     AND  key_columns[0] = equal_to      -- reading one whole tie group
//   ORDER BY key_columns
//   LIMIT  limit
//
// Each clause is present only when its field is set. Tuple order on
// (a, b) > (x, y) means a > x OR (a = x AND b > y).
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

struct SelectQuery {
  std::string table;                 // as configured: "schema.table" or "table"
  std::vector<std::string> columns;  // select list, in order
  std::vector<std::string> key_columns;
  std::vector<Value> lower;          // empty: no lower bound; else values of a prefix of key_columns
  bool lower_inclusive = false;
  std::optional<Value> upper;        // ceiling on key_columns[0], inclusive
  std::optional<Value> equal_to;     // key_columns[0] = value
  std::optional<int64_t> limit;

  std::string custom_sql;                    // non-empty: the custom form
  std::map<std::string, Value> parameters;   // placeholder name (without braces) -> value

  bool is_custom() const { return !custom_sql.empty(); }
};

}  // namespace sluice
