// The placeholders of a custom_sql query: `{{name}}` where the run binds a
// cursor value (SPEC §3: last_timestamp, last_id, ceiling_timestamp,
// ceiling_id; whitespace inside the braces allowed).
//
// They are found as the source database reads the SQL: a `{{...}}` inside
// a string literal, a quoted name or a comment is that text's own and is
// sent as it is, never bound. What is a literal or a comment depends on the
// database:
//
//   SQLite       '...' "..." `...` [...]; -- and /* */ comments
//   MySQL        '...' "..." with backslash escapes, `...`; # comments,
//                "-- " (a space or control character after the dashes)
//                and /* */ comments, but /*! ... */ and /*M! ... */ are SQL
//   PostgreSQL   '...', E'...' with backslash escapes, "...", $tag$...$tag$;
//                -- and /* */ comments, which nest
//
// A quote doubled inside a literal of that quote ('it''s') stays inside it;
// a literal or comment left open runs to the end of the text.
//
// `config validate` and the source's rendering (source/sql_render.h) both
// use this, so what validation accepts is what the run binds.
//
// Pure functions; thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace sluice {

// How a database reads SQL text: which quotes and comments it knows.
enum class SqlFlavor { kSqlite, kMySql, kPostgres };

struct Placeholder {
  size_t offset = 0;  // of the opening "{{"
  size_t length = 0;  // through the closing "}}"
  std::string name;   // between the braces, trimmed
};

struct PlaceholderScan {
  std::vector<Placeholder> placeholders;  // in text order
  // The names of `{{...}}` found inside literals and comments (text, not
  // placeholders), so a caller can say why a query seems to have none.
  std::vector<std::string> in_text;
};

// InvalidArgument naming the place when a "{{" outside literals and comments has no "}}".
Result<PlaceholderScan> ScanPlaceholders(std::string_view sql, SqlFlavor flavor);

}  // namespace sluice
