// Test helpers for the PostgreSQL source: a libpq connection to the private
// test server (scripts/test_servers.sh) to create fixtures and read them
// back, and the source configuration that points sluice at it.
#pragma once

#include <libpq-fe.h>

#include <string>
#include <vector>

#include "harness.h"

namespace sluice::testing {

class PgFixture {
 public:
  // Connects as the test user (or `user`/`password`) over TCP without TLS.
  explicit PgFixture(const ServerEnv& server, const std::string& user = "", const std::string& password = "");
  ~PgFixture();
  PgFixture(const PgFixture&) = delete;
  PgFixture& operator=(const PgFixture&) = delete;

  // Runs SQL (several statements allowed); adds a test failure on error.
  void Exec(const std::string& sql);
  // Rows of a query, every value in PostgreSQL's text form (NULL as nullopt).
  std::vector<Row> Rows(const std::string& sql);
  // The single value of a query ("" when NULL or no row).
  std::string Value(const std::string& sql);
  PGconn* conn() const { return conn_; }

 private:
  PGconn* conn_ = nullptr;
};

// A name unique to this test process: "<base>_<pid>".
std::string UniqueName(const std::string& base);

// SQL creating `table` with a column of every type the source maps and six
// rows of edge values (docs/sources.md, PostgreSQL): 1 minimums, 2
// maximums, 3 all NULL, 4 date/timestamp ±infinity, 5 and 6 float
// specials. Creates the enum `<table>_mood` and domain `<table>_amount`.
std::string AllTypesSql(const std::string& table);

}  // namespace sluice::testing
