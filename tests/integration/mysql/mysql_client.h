// Test helper: a plain libmariadb client for building fixtures in the
// private MariaDB test server and reading back what the server holds, so
// tests never depend on the code they test to set up or check data.
#pragma once

#include <mysql.h>

#include <cstdint>
#include <string>
#include <vector>

#include "harness.h"

namespace sluice::testing {

class MySqlClient {
 public:
  // Connects to `server` (its database) over TCP; fails the test when it cannot.
  explicit MySqlClient(const ServerEnv& server);
  ~MySqlClient();
  MySqlClient(const MySqlClient&) = delete;
  MySqlClient& operator=(const MySqlClient&) = delete;

  // Runs one or more statements; fails the test on error.
  void Exec(const std::string& sql);
  // Rows of a query, every value as the text protocol gives it (NULL as nullopt).
  std::vector<Row> Rows(const std::string& sql);
  // The first value of the first row ("" when none or NULL).
  std::string Scalar(const std::string& sql);
  // The value of a global status counter (SHOW GLOBAL STATUS LIKE name).
  int64_t GlobalStatus(const std::string& name);
  MYSQL* get() const { return mysql_; }

 private:
  MYSQL* mysql_ = nullptr;
};

}  // namespace sluice::testing
