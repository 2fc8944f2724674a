// Internal to the MySQL source: one MariaDB Connector/C connection, opened
// with the configured TLS mode and set up for reading, with a small cache
// of prepared statements and the mapping of client and server errors to
// Status. Only files under src/source/mysql include this header (it
// includes mysql.h).
//
// Session set-up (SPEC §3): time_zone '+00:00', utf8mb4 results,
// net_read_timeout / net_write_timeout of an hour (a reader that waits for
// the Parquet encoder must not be cut off by the server), and a read-only
// session: sluice never writes to a source, and custom SQL that would is
// refused by the server.
//
// TLS (SPEC §2), on Connector/C's options:
//   disabled         no TLS options at all
//   preferred        TLS when the server offers it, else plain; nothing verified
//   required         TLS or no connection; nothing verified (ssl.ca unused)
//   verify_ca        TLS, the chain checked against ssl.ca, host name not checked
//   verify_identity  TLS, the chain checked against ssl.ca and the host name
//                    against the certificate's names
// ssl.cert/ssl.key present a client certificate in every mode but disabled.
// Connector/C 3.3 silently falls back to plain text when the server offers
// no TLS unless the host name is verified, so every mode but preferred
// checks after connecting that the session is encrypted.
//
// Errors name "host:port" and carry the server's message, never the
// password. The connection is shared (std::shared_ptr) by the source and
// the reader it has open, so a reader may outlive its source.
// Thread-safety: one thread at a time.
#pragma once

#include <mysql.h>

#include <list>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/status.h"
#include "config/config.h"

namespace sluice::source::mysql {

struct StatementCloser {
  void operator()(MYSQL_STMT* statement) const { mysql_stmt_close(statement); }
};
using StatementPtr = std::unique_ptr<MYSQL_STMT, StatementCloser>;
struct ResultFreer {
  void operator()(MYSQL_RES* result) const { mysql_free_result(result); }
};
// Result metadata (mysql_stmt_result_metadata): the columns' MYSQL_FIELDs.
using MetadataPtr = std::unique_ptr<MYSQL_RES, ResultFreer>;

class MySqlConnection {
 public:
  // Connects and sets up the session. Unavailable when the server cannot be
  // reached or refuses (authentication, TLS); NotSupported for an enabled
  // ssh_tunnel; InvalidArgument for a verify mode without ssl.ca.
  static Result<std::shared_ptr<MySqlConnection>> Open(const config::SourceConnection& connection);
  ~MySqlConnection();
  MySqlConnection(const MySqlConnection&) = delete;
  MySqlConnection& operator=(const MySqlConnection&) = delete;

  MYSQL* get() const { return mysql_; }
  // "host:port" as configured, for messages.
  const std::string& endpoint() const { return endpoint_; }
  // The database tables without a "db." prefix live in ("" when none is configured).
  const std::string& database() const { return database_; }
  // "MariaDB 10.11.6" or "MySQL 8.0.36".
  const std::string& server_version() const { return server_version_; }
  bool is_mariadb() const { return is_mariadb_; }

  // Runs a text-protocol query that returns one row of non-NULL values.
  Result<std::vector<std::string>> QueryRow(std::string_view sql, std::string_view context);
  // Runs statements that return no rows (SET, START TRANSACTION, COMMIT).
  Status Execute(std::string_view sql, std::string_view context);
  // A prepared statement for `sql`. The last few statements are kept and
  // reused, so a keyset read prepares its SQL once per run. The statement
  // stays owned by the connection. REQUIRES: no result is being read.
  Result<MYSQL_STMT*> Prepare(const std::string& sql, std::string_view context);

  // Ends the result `statement` is streaming without reading it to its
  // end, which for a large table would take as long as reading it: KILL
  // QUERY on a second connection opened with the same settings, then the
  // rows already on the wire are freed. The connection stays usable (and
  // a snapshot transaction open). When no second connection can be opened
  // the socket is shut down instead and the connection is lost for good:
  // every later call fails saying so.
  // REQUIRES: `statement` has an unfinished result on this connection.
  void CancelResult(MYSQL_STMT* statement);
  // KILL QUERY for this connection's statement, sent on a second
  // connection; the statement's reader then fails with the server's
  // "interrupted" error. Thread-safe: touches nothing a reader uses.
  void Interrupt() const;

  // The Status for the connection's last error: "<context>: <server message>
  // (MySQL error N)", with a code that says what a caller can do.
  Status Error(std::string_view context) const;
  Status StatementError(MYSQL_STMT* statement, std::string_view context) const;

  // Set while a BatchReader streams a result; other statements must wait.
  bool reader_active = false;
  // Set while a snapshot transaction (BeginSnapshot) is open.
  bool in_snapshot = false;

 private:
  MySqlConnection(MYSQL* mysql, const config::SourceConnection& settings, std::string endpoint)
      : mysql_(mysql), settings_(settings), endpoint_(std::move(endpoint)), database_(settings.database) {}
  Status SetUpSession();

  MYSQL* mysql_;
  unsigned long thread_id_ = 0;        // the server's id of this connection, for KILL QUERY
  config::SourceConnection settings_;  // to open the second connection that cancels a query
  std::string endpoint_;
  std::string database_;
  std::string server_version_;
  bool is_mariadb_ = false;
  std::list<std::pair<std::string, StatementPtr>> statements_;  // most recently used first
};

// The Status for MySQL error `error_number` with `message`: lost
// connections, timeouts, lock waits and deadlocks are Unavailable; a
// missing table or database NotFound; syntax errors, unknown columns and
// writes in the read-only session InvalidArgument; bad values DataError.
// A lost connection (2006, 2013, a killed session, a shutdown, or a failure
// with no error number at all) says so in words.
Status MySqlStatus(unsigned int error_number, std::string_view message, std::string_view context);

// Errors that mean the connection is gone: the server stopped, restarted
// or closed the session.
bool IsConnectionLost(unsigned int error_number);

}  // namespace sluice::source::mysql
