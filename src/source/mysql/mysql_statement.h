// Internal to the MySQL source: running prepared statements with bound
// parameters, and reading small results (the catalog) as text.
//
// Every value sluice sends with a query is a bound parameter of the binary
// protocol, never SQL text:
//   int64 / uint64   BIGINT (signed / unsigned)
//   timestamp        DATETIME(6) (the session is UTC, so TIMESTAMP columns compare as instants)
//   date             DATE
//   text             a string in the connection's character set (utf8mb4)
//   NULL             NULL
//
// Thread-safety: one thread at a time, as the connection.
#pragma once

#include <mysql.h>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "source/mysql/mysql_connection.h"
#include "types/value.h"

namespace sluice::source::mysql {

// Parameter values and the MYSQL_BIND array that points into them.
class BoundParams {
 public:
  explicit BoundParams(std::vector<Value> values);
  BoundParams(const BoundParams&) = delete;
  BoundParams& operator=(const BoundParams&) = delete;
  // Binds the values to `statement`. InvalidArgument when it has a different number of markers.
  // REQUIRES: this object outlives the statement's execution.
  Status BindTo(MYSQL_STMT* statement, std::string_view context);

 private:
  std::vector<Value> values_;
  std::vector<MYSQL_BIND> binds_;
  std::vector<MYSQL_TIME> times_;
  std::vector<unsigned long> lengths_;
  std::vector<uint64_t> integers_;
};

// Binds `params` and executes `statement` with `on_column` as its result
// callback (user data `callback_data`), leaving the result unread: the
// caller fetches it row by row (mysql_stmt_fetch), never buffering it.
Status ExecuteStatement(MySqlConnection& connection, MYSQL_STMT* statement, BoundParams* params,
                        ps_result_callback on_column, void* callback_data, std::string_view context);

// A small result as text: integers in decimal, strings as their bytes, NULL as nullopt.
using TextRow = std::vector<std::optional<std::string>>;
Result<std::vector<TextRow>> QueryText(MySqlConnection& connection, const std::string& sql, std::vector<Value> params,
                                       std::string_view context);

}  // namespace sluice::source::mysql
