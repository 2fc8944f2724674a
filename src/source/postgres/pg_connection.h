// Internal to the PostgreSQL source: one libpq connection, opened with the
// configured TLS mode and pinned to UTC, with helpers that turn libpq
// failures into Status values.
//
// Connection settings map to libpq as follows (SPEC §2):
//   ssl.mode disabled | preferred | required | verify_ca | verify_identity
//     -> sslmode disable | prefer | require | verify-ca | verify-full
//   ssl.ca / cert / key -> sslrootcert / sslcert / sslkey
//   connect_timeout_seconds -> connect_timeout (libpq waits at least 2 s)
// Every session runs with TimeZone UTC, client_encoding UTF8, ISO dates and
// default_transaction_read_only on: sluice never writes to a source.
//
// Errors carry "host:port" and the server's message, never the password.
// Notices the server sends (NOTICE, WARNING, e.g. "terminating connection
// because of crash of another server process") go to the log, never raw to
// stderr as libpq's default processor prints them.
// The connection is shared (std::shared_ptr) by the source and the reader
// it has open, so a reader may outlive its source.
//
// Thread-safety: one thread at a time, except Interrupt() and
// interrupted(), which any thread may call while another reads: they touch
// only the cancel handle, under its own mutex.
#pragma once

#include <libpq-fe.h>

#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "config/config.h"

namespace sluice::source::postgres {

struct ResultDeleter {
  void operator()(PGresult* result) const { PQclear(result); }
};
using ResultPtr = std::unique_ptr<PGresult, ResultDeleter>;

class PgConnection {
 public:
  // Connects and sets up the session. Unavailable when the server cannot be
  // reached or refuses (authentication, TLS verification); NotSupported for
  // an enabled ssh_tunnel.
  static Result<std::shared_ptr<PgConnection>> Open(const config::SourceConnection& connection);
  ~PgConnection();
  PgConnection(const PgConnection&) = delete;
  PgConnection& operator=(const PgConnection&) = delete;

  PGconn* get() const { return conn_; }
  // "host:port" as configured, for messages.
  const std::string& endpoint() const { return endpoint_; }

  // Runs statements that return no rows.
  Status Execute(std::string_view sql, std::string_view context);
  // Runs one statement with text parameters (nullopt: NULL) and returns its
  // rows, in binary when `binary_results`.
  Result<ResultPtr> Query(const std::string& sql, const std::vector<std::optional<std::string>>& params,
                          bool binary_results, std::string_view context);
  // The Status for a failed `result` (null: the connection's own error):
  // the code follows the SQLSTATE (connection, resource and cancel errors
  // are Unavailable; undefined table NotFound; other syntax and access
  // errors InvalidArgument; data exceptions DataError).
  Status ErrorFrom(const PGresult* result, std::string_view context) const;

  // A BatchReader's statement runs from ReaderStarted() (called once it is
  // sent) to ReaderEnded() (its results read or abandoned); other
  // statements must wait. ReaderStarted takes the cancel handle
  // (PQgetCancel) that CancelStatement and Interrupt use; ReaderEnded frees it.
  void ReaderStarted();
  void ReaderEnded();
  bool reader_active() const { return reader_active_; }

  // Asks the server to cancel the reader's statement (PQcancel); a no-op
  // when no reader runs. Best effort: the statement may end anyway.
  Status CancelStatement();
  // Source::Interrupt: cancels the reader's statement, and every reader's
  // that starts later, as it starts (the caller is stopping; this closes
  // the gap between its last check and the next statement). The reader then
  // fails with Cancelled, not with the server's error. Thread-safe.
  void Interrupt();
  bool interrupted() const;

  // Set while a snapshot transaction (BeginSnapshot) is open.
  bool in_snapshot = false;
  // Set when a failed or cancelled read aborted the snapshot transaction.
  bool snapshot_lost = false;

 private:
  PgConnection(PGconn* conn, std::string endpoint) : conn_(conn), endpoint_(std::move(endpoint)) {}
  // libpq's notice receiver; `self` is the PgConnection.
  static void LogNotice(void* self, const PGresult* notice);
  // PQcancel on the reader's handle. REQUIRES: cancel_mutex_ held.
  Status CancelLocked();

  PGconn* conn_;
  std::string endpoint_;
  bool reader_active_ = false;
  mutable std::mutex cancel_mutex_;
  PGcancel* cancel_ = nullptr;  // guarded by cancel_mutex_; set while a reader runs
  bool interrupted_ = false;    // guarded by cancel_mutex_
};

}  // namespace sluice::source::postgres
