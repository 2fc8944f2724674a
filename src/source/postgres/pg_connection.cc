#include "source/postgres/pg_connection.h"

#include <fmt/format.h>

#include "common/logging.h"
#include "common/spelling.h"

namespace sluice::source::postgres {
namespace {

constexpr int kDefaultPort = 5432;
constexpr int kMinConnectTimeoutSeconds = 2;

constexpr const char* kSessionSetup =
    "SET TimeZone = 'UTC'; SET DateStyle = 'ISO, MDY'; SET IntervalStyle = 'postgres'; "
    "SET extra_float_digits = 3; SET standard_conforming_strings = on; SET default_transaction_read_only = on";

const char* LibpqSslMode(config::SslMode mode) {
  switch (mode) {
    case config::SslMode::kDisabled: return "disable";
    case config::SslMode::kPreferred: return "prefer";
    case config::SslMode::kRequired: return "require";
    case config::SslMode::kVerifyCa: return "verify-ca";
    case config::SslMode::kVerifyIdentity: return "verify-full";
  }
  return "prefer";
}

std::string TrimmedMessage(std::string_view message) {
  while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) message.remove_suffix(1);
  std::string text(message);
  for (char& c : text) {
    if (c == '\n') c = ' ';
  }
  return text;
}

// `text` with every occurrence of `secret` replaced (libpq never prints the password; this makes sure).
std::string WithoutSecret(std::string text, const std::string& secret) {
  if (secret.empty()) return text;
  for (size_t at = text.find(secret); at != std::string::npos; at = text.find(secret, at + 3)) {
    text.replace(at, secret.size(), "***");
  }
  return text;
}

StatusCode CodeForSqlState(std::string_view state) {
  if (state.size() != 5) return StatusCode::kUnavailable;  // client-side: connection lost, out of memory
  std::string_view sql_class = state.substr(0, 2);
  if (state == "42P01" || state == "3F000") return StatusCode::kNotFound;  // undefined table / schema
  if (sql_class == "42" || sql_class == "25" || sql_class == "28") return StatusCode::kInvalidArgument;
  if (sql_class == "22") return StatusCode::kDataError;
  if (sql_class == "0A") return StatusCode::kNotSupported;
  if (sql_class == "XX") return StatusCode::kInternal;
  return StatusCode::kUnavailable;  // 08 connection, 40 rollback, 53 resources, 57 operator intervention, ...
}

}  // namespace

Result<std::shared_ptr<PgConnection>> PgConnection::Open(const config::SourceConnection& connection) {
  if (connection.ssh_tunnel.enabled) {
    return NotSupported("source '{}': ssh_tunnel is not supported for postgres sources yet; connect directly",
                        connection.name);
  }
  int port = connection.port == 0 ? kDefaultPort : connection.port;
  std::vector<std::pair<const char*, std::string>> settings = {
      {"host", connection.host},
      {"port", std::to_string(port)},
      {"dbname", connection.database},
      {"user", connection.username},
      {"password", connection.password},
      {"connect_timeout", std::to_string(std::max(connection.connect_timeout_seconds, kMinConnectTimeoutSeconds))},
      {"sslmode", LibpqSslMode(connection.ssl.mode)},
      {"sslrootcert", connection.ssl.ca},
      {"sslcert", connection.ssl.cert},
      {"sslkey", connection.ssl.key},
      {"client_encoding", "UTF8"},
      {"application_name", "sluice"},
  };
  std::vector<const char*> keywords;
  std::vector<const char*> values;
  for (const auto& [keyword, value] : settings) {
    if (value.empty()) continue;  // unset: libpq's default
    keywords.push_back(keyword);
    values.push_back(value.c_str());
  }
  keywords.push_back(nullptr);
  values.push_back(nullptr);
  std::string_view ssl_mode = LibpqSslMode(connection.ssl.mode);

  std::string endpoint = fmt::format("{}:{}", connection.host.empty() ? "localhost" : connection.host, port);
  PGconn* conn = PQconnectdbParams(keywords.data(), values.data(), /*expand_dbname=*/0);
  if (conn == nullptr) return Unavailable("source '{}': connecting to postgres at {}: out of memory", connection.name, endpoint);
  if (PQstatus(conn) != CONNECTION_OK) {
    std::string message = WithoutSecret(TrimmedMessage(PQerrorMessage(conn)), connection.password);
    PQfinish(conn);
    return Unavailable("source '{}': connecting to postgres at {} (sslmode {}): {}", connection.name, endpoint,
                       ssl_mode, message);
  }
  std::shared_ptr<PgConnection> opened(new PgConnection(conn, endpoint));
  PQsetNoticeReceiver(conn, &PgConnection::LogNotice, opened.get());
  Status setup = opened->Execute(kSessionSetup, "setting up the session");
  if (!setup.ok()) return setup.WithContext(fmt::format("source '{}'", connection.name));
  return opened;
}

PgConnection::~PgConnection() {
  if (cancel_ != nullptr) PQfreeCancel(cancel_);
  PQfinish(conn_);
}

void PgConnection::ReaderStarted() {
  reader_active_ = true;
  std::lock_guard lock(cancel_mutex_);
  if (cancel_ == nullptr) cancel_ = PQgetCancel(conn_);
  if (interrupted_) {
    Status cancelled = CancelLocked();
    if (!cancelled.ok()) SLUICE_LOG_WARN("{}", cancelled.message());
  }
}

void PgConnection::ReaderEnded() {
  reader_active_ = false;
  std::lock_guard lock(cancel_mutex_);
  if (cancel_ != nullptr) PQfreeCancel(cancel_);
  cancel_ = nullptr;
}

Status PgConnection::CancelLocked() {
  if (cancel_ == nullptr) return Status::Ok();
  char error[256] = {};
  if (PQcancel(cancel_, error, sizeof(error)) == 0) {
    return Unavailable("postgres at {}: could not cancel the running statement: {}", endpoint_, TrimmedMessage(error));
  }
  return Status::Ok();
}

Status PgConnection::CancelStatement() {
  std::lock_guard lock(cancel_mutex_);
  return CancelLocked();
}

void PgConnection::Interrupt() {
  std::lock_guard lock(cancel_mutex_);
  interrupted_ = true;
  Status cancelled = CancelLocked();
  if (!cancelled.ok()) SLUICE_LOG_WARN("{}", cancelled.message());
}

bool PgConnection::interrupted() const {
  std::lock_guard lock(cancel_mutex_);
  return interrupted_;
}

void PgConnection::LogNotice(void* self, const PGresult* notice) {
  const auto* connection = static_cast<const PgConnection*>(self);
  const char* severity = PQresultErrorField(notice, PG_DIAG_SEVERITY_NONLOCALIZED);
  const char* primary = PQresultErrorField(notice, PG_DIAG_MESSAGE_PRIMARY);
  std::string message = primary ? primary : TrimmedMessage(PQresultErrorMessage(notice));
  if (const char* detail = PQresultErrorField(notice, PG_DIAG_MESSAGE_DETAIL)) message += fmt::format(" ({})", detail);
  std::string_view level = severity ? severity : "NOTICE";
  if (level == "WARNING") {
    SLUICE_LOG_WARN("postgres at {}: server warning: {}", connection->endpoint_, message);
  } else if (level == "NOTICE" || level == "INFO") {
    SLUICE_LOG_INFO("postgres at {}: server {}: {}", connection->endpoint_, AsciiLower(level), message);
  } else {
    SLUICE_LOG_DEBUG("postgres at {}: server {}: {}", connection->endpoint_, AsciiLower(level), message);
  }
}

Status PgConnection::Execute(std::string_view sql, std::string_view context) {
  ResultPtr result(PQexec(conn_, std::string(sql).c_str()));
  ExecStatusType status = result ? PQresultStatus(result.get()) : PGRES_FATAL_ERROR;
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) return ErrorFrom(result.get(), context);
  return Status::Ok();
}

Result<ResultPtr> PgConnection::Query(const std::string& sql, const std::vector<std::optional<std::string>>& params,
                                      bool binary_results, std::string_view context) {
  std::vector<const char*> values;
  values.reserve(params.size());
  for (const auto& param : params) values.push_back(param ? param->c_str() : nullptr);
  ResultPtr result(PQexecParams(conn_, sql.c_str(), static_cast<int>(values.size()), nullptr, values.data(), nullptr,
                                nullptr, binary_results ? 1 : 0));
  if (!result || PQresultStatus(result.get()) != PGRES_TUPLES_OK) return ErrorFrom(result.get(), context);
  return result;
}

Status PgConnection::ErrorFrom(const PGresult* result, std::string_view context) const {
  const char* state = result ? PQresultErrorField(result, PG_DIAG_SQLSTATE) : nullptr;
  const char* primary = result ? PQresultErrorField(result, PG_DIAG_MESSAGE_PRIMARY) : nullptr;
  std::string message;
  if (primary != nullptr) {
    message = primary;
    if (const char* detail = PQresultErrorField(result, PG_DIAG_MESSAGE_DETAIL)) message += fmt::format(" ({})", detail);
    if (const char* hint = PQresultErrorField(result, PG_DIAG_MESSAGE_HINT)) message += fmt::format(" Hint: {}", hint);
    message += fmt::format(" [SQLSTATE {}]", state ? state : "?");
  } else {
    message = TrimmedMessage(PQerrorMessage(conn_));
    if (message.empty()) message = "the server returned no result";
  }
  // query_canceled after Interrupt: the caller stopped the read; the server's words would read as a failure.
  if (state != nullptr && std::string_view(state) == "57014" && interrupted()) {
    return Cancelled("{}: interrupted (postgres at {} cancelled the statement on request)", context, endpoint_);
  }
  StatusCode code = CodeForSqlState(state ? state : "");
  if (code == StatusCode::kUnavailable) return Status(code, fmt::format("{}: postgres at {}: {}", context, endpoint_, message));
  return Status(code, fmt::format("{}: {}", context, message));
}

}  // namespace sluice::source::postgres
