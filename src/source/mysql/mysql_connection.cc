#include "source/mysql/mysql_connection.h"

#include <errmsg.h>
#include <mysqld_error.h>

#include <mutex>

#include <fmt/format.h>

#include "common/logging.h"

namespace sluice::source::mysql {
namespace {

constexpr unsigned int kSessionTimeoutSeconds = 3600;
constexpr size_t kCachedStatements = 8;

using config::SslMode;

void InitLibraryOnce() {
  static std::once_flag once;
  std::call_once(once, [] { mysql_library_init(0, nullptr, nullptr); });
}

// Sets Connector/C's TLS options for `ssl`. InvalidArgument for a verify mode without a CA.
Status ApplySslOptions(MYSQL* mysql, const config::SourceConnection& connection) {
  const config::SslConfig& ssl = connection.ssl;
  my_bool enforce = ssl.mode != SslMode::kDisabled ? 1 : 0;
  my_bool verify_host = ssl.mode == SslMode::kVerifyIdentity ? 1 : 0;
  // Connector/C 3.4 verifies by default: say what each mode wants explicitly.
  mysql_optionsv(mysql, MYSQL_OPT_SSL_ENFORCE, &enforce);
  mysql_optionsv(mysql, MYSQL_OPT_SSL_VERIFY_SERVER_CERT, &verify_host);
  if (ssl.mode == SslMode::kDisabled) return Status::Ok();
  bool verify = ssl.mode == SslMode::kVerifyCa || ssl.mode == SslMode::kVerifyIdentity;
  if (verify) {
    if (ssl.ca.empty()) {
      return InvalidArgument("source '{}': ssl.mode {} needs ssl.ca, the CA certificate that signed the server's "
                             "certificate",
                             connection.name, ssl.mode == SslMode::kVerifyCa ? "verify_ca" : "verify_identity");
    }
    // With a CA, Connector/C checks the chain (SSL_VERIFY_PEER); the host name only when verify_host.
    mysql_optionsv(mysql, MYSQL_OPT_SSL_CA, ssl.ca.c_str());
  }
  if (!ssl.cert.empty()) mysql_optionsv(mysql, MYSQL_OPT_SSL_CERT, ssl.cert.c_str());
  if (!ssl.key.empty()) mysql_optionsv(mysql, MYSQL_OPT_SSL_KEY, ssl.key.c_str());
  return Status::Ok();
}

std::string_view SslModeName(SslMode mode) {
  switch (mode) {
    case SslMode::kDisabled: return "disabled";
    case SslMode::kPreferred: return "preferred";
    case SslMode::kRequired: return "required";
    case SslMode::kVerifyCa: return "verify_ca";
    case SslMode::kVerifyIdentity: return "verify_identity";
  }
  return "?";
}

// "MariaDB 10.11.6" from "10.11.6-MariaDB-0+deb12u1-log" (or the old "5.5.5-10.11.6-MariaDB" form).
std::pair<std::string, bool> ParseServerVersion(std::string_view info) {
  bool mariadb = info.find("MariaDB") != std::string_view::npos;
  if (mariadb && info.starts_with("5.5.5-")) info.remove_prefix(6);
  size_t end = info.find_first_not_of("0123456789.");
  std::string_view number = info.substr(0, end);
  return {fmt::format("{} {}", mariadb ? "MariaDB" : "MySQL", number.empty() ? info : number), mariadb};
}

}  // namespace

bool IsConnectionLost(unsigned int error_number) {
  switch (error_number) {
    case CR_SERVER_GONE_ERROR:
    case CR_SERVER_LOST:
    case CR_SERVER_LOST_EXTENDED:
    case ER_CONNECTION_KILLED:
    case ER_SERVER_SHUTDOWN: return true;
    default: return false;
  }
}

Status MySqlStatus(unsigned int error_number, std::string_view message, std::string_view context) {
  if (error_number == 0 || IsConnectionLost(error_number)) {
    // Connector/C leaves a fetch cut short by a dead server without an error.
    if (error_number == 0) {
      return Unavailable("{}: the connection to the MySQL server was probably lost (the client library reported "
                         "no error, as it does when the server goes away mid-result; MySQL error 0)",
                         context);
    }
    return Unavailable("{}: the connection to the MySQL server was lost: {} (MySQL error {}; the server stopped, "
                       "restarted or closed the session)",
                       context, message, error_number);
  }
  std::string text = fmt::format("{}: {} (MySQL error {})", context, message, error_number);
  switch (error_number) {
    case ER_NO_SUCH_TABLE:
    case ER_BAD_DB_ERROR:
    case ER_BAD_TABLE_ERROR: return NotFound(std::move(text));
    case ER_PARSE_ERROR:
    case ER_BAD_FIELD_ERROR:
    case ER_WRONG_VALUE_COUNT_ON_ROW:
    case ER_NON_UNIQ_ERROR:
    case ER_SP_DOES_NOT_EXIST:
    case ER_CANT_EXECUTE_IN_READ_ONLY_TRANSACTION:
    case ER_TABLEACCESS_DENIED_ERROR:
    case ER_COLUMNACCESS_DENIED_ERROR:
    case ER_SPECIFIC_ACCESS_DENIED_ERROR:
    case ER_UNSUPPORTED_PS:
    case ER_WRONG_ARGUMENTS: return InvalidArgument(std::move(text));
    case ER_TRUNCATED_WRONG_VALUE:
    case ER_TRUNCATED_WRONG_VALUE_FOR_FIELD:
    case ER_WARN_DATA_OUT_OF_RANGE:
    case ER_DIVISION_BY_ZERO: return DataError(std::move(text));
    default: return Unavailable(std::move(text));
  }
}

Result<std::shared_ptr<MySqlConnection>> MySqlConnection::Open(const config::SourceConnection& connection) {
  std::string endpoint = fmt::format("{}:{}", connection.host.empty() ? "localhost" : connection.host,
                                     connection.port == 0 ? 3306 : connection.port);
  if (connection.ssh_tunnel.enabled) {
    return NotSupported("source '{}' ({}): ssh_tunnel is not supported yet for MySQL sources; reach the server "
                        "directly or through a tunnel you start yourself (e.g. ssh -L 3307:db:3306 bastion) and "
                        "point host/port at it",
                        connection.name, endpoint);
  }
  InitLibraryOnce();
  MYSQL* raw = mysql_init(nullptr);
  if (raw == nullptr) return Internal("source '{}': mysql_init failed (out of memory)", connection.name);
  std::shared_ptr<MySqlConnection> opened(new MySqlConnection(raw, connection, endpoint));
  unsigned int connect_timeout = static_cast<unsigned int>(std::max(connection.connect_timeout_seconds, 1));
  unsigned int io_timeout = kSessionTimeoutSeconds;
  my_bool no = 0;
  unsigned int local_infile = 0;
  mysql_optionsv(raw, MYSQL_OPT_CONNECT_TIMEOUT, &connect_timeout);
  mysql_optionsv(raw, MYSQL_OPT_READ_TIMEOUT, &io_timeout);
  mysql_optionsv(raw, MYSQL_OPT_WRITE_TIMEOUT, &io_timeout);
  mysql_optionsv(raw, MYSQL_OPT_RECONNECT, &no);
  mysql_optionsv(raw, MYSQL_OPT_LOCAL_INFILE, &local_infile);
  mysql_optionsv(raw, MYSQL_SET_CHARSET_NAME, "utf8mb4");
  SLUICE_RETURN_IF_ERROR(ApplySslOptions(raw, connection));

  std::string context = fmt::format("source '{}': connecting to {} as {}", connection.name, endpoint,
                                    connection.username.empty() ? "(no user)" : connection.username);
  const char* database = connection.database.empty() ? nullptr : connection.database.c_str();
  if (mysql_real_connect(raw, connection.host.empty() ? nullptr : connection.host.c_str(),
                         connection.username.c_str(), connection.password.c_str(), database,
                         static_cast<unsigned int>(connection.port == 0 ? 3306 : connection.port), nullptr,
                         CLIENT_FOUND_ROWS) == nullptr) {
    Status status = opened->Error(context);
    // Refused logins and TLS failures are what a user fixes; all are "cannot connect".
    if (status.code() != StatusCode::kUnavailable) return Unavailable(status.message());
    return status;
  }
  bool encrypted = mysql_get_ssl_cipher(raw) != nullptr;
  if (!encrypted && connection.ssl.mode != SslMode::kDisabled && connection.ssl.mode != SslMode::kPreferred) {
    return Unavailable("{}: ssl.mode is {} but the server does not offer TLS", context,
                       SslModeName(connection.ssl.mode));
  }
  auto [version, mariadb] = ParseServerVersion(mysql_get_server_info(raw));
  opened->server_version_ = std::move(version);
  opened->is_mariadb_ = mariadb;
  opened->thread_id_ = mysql_thread_id(opened->mysql_);
  Status session = opened->SetUpSession();
  if (!session.ok()) return session.WithContext(fmt::format("source '{}' ({})", connection.name, endpoint));
  return opened;
}

MySqlConnection::~MySqlConnection() {
  statements_.clear();  // closes the statements while the connection is open
  mysql_close(mysql_);
}

void MySqlConnection::Interrupt() const {
  Result<std::shared_ptr<MySqlConnection>> killer = Open(settings_);
  Status killed = killer.has_value() ? (*killer)->Execute(fmt::format("KILL QUERY {}", thread_id_),
                                                          "interrupting the running query")
                                     : killer.error();
  if (!killed.ok()) SLUICE_LOG_WARN("could not interrupt the source's query: {}", killed.message());
}

void MySqlConnection::CancelResult(MYSQL_STMT* statement) {
  Result<std::shared_ptr<MySqlConnection>> killer = Open(settings_);
  Status killed = killer.has_value()
                      ? (*killer)->Execute(fmt::format("KILL QUERY {}", thread_id_), "cancelling the running query")
                      : killer.error();
  // Without a second connection, cut this one rather than read the rest of the result.
  if (!killed.ok()) mariadb_cancel(mysql_);
  // Reads what is already on the wire, up to the server's "interrupted"
  // error (or the end, when the server had sent everything: then the kill
  // finds the session idle and the server forgets it before the next
  // statement, see MySqlCancelTest).
  mysql_stmt_free_result(statement);
}

Status MySqlConnection::SetUpSession() {
  SLUICE_RETURN_IF_ERROR(Execute(fmt::format("SET time_zone = '+00:00', net_read_timeout = {0}, "
                                             "net_write_timeout = {0}",
                                             kSessionTimeoutSeconds),
                                 "setting up the session"));
  return Execute("SET SESSION TRANSACTION READ ONLY", "making the session read-only");
}

Status MySqlConnection::Execute(std::string_view sql, std::string_view context) {
  if (mysql_real_query(mysql_, sql.data(), static_cast<unsigned long>(sql.size())) != 0) return Error(context);
  // Statements here return no rows, but drain any result so the connection stays usable.
  do {
    MYSQL_RES* result = mysql_store_result(mysql_);
    if (result != nullptr) mysql_free_result(result);
  } while (mysql_next_result(mysql_) == 0);
  if (mysql_errno(mysql_) != 0) return Error(context);
  return Status::Ok();
}

Result<std::vector<std::string>> MySqlConnection::QueryRow(std::string_view sql, std::string_view context) {
  if (mysql_real_query(mysql_, sql.data(), static_cast<unsigned long>(sql.size())) != 0) return Error(context);
  std::unique_ptr<MYSQL_RES, decltype(&mysql_free_result)> result(mysql_store_result(mysql_), mysql_free_result);
  if (!result) return Error(context);
  MYSQL_ROW row = mysql_fetch_row(result.get());
  unsigned long* lengths = row ? mysql_fetch_lengths(result.get()) : nullptr;
  if (row == nullptr || lengths == nullptr) return Internal("{}: the query returned no row", context);
  std::vector<std::string> values;
  for (unsigned int field_idx = 0; field_idx < mysql_num_fields(result.get()); ++field_idx) {
    if (row[field_idx] == nullptr) return Internal("{}: the query returned NULL", context);
    values.emplace_back(row[field_idx], lengths[field_idx]);
  }
  while (mysql_fetch_row(result.get()) != nullptr) {
  }
  return values;
}

Result<MYSQL_STMT*> MySqlConnection::Prepare(const std::string& sql, std::string_view context) {
  for (auto it = statements_.begin(); it != statements_.end(); ++it) {
    if (it->first == sql) {
      statements_.splice(statements_.begin(), statements_, it);
      return statements_.front().second.get();
    }
  }
  StatementPtr statement(mysql_stmt_init(mysql_));
  if (!statement) return Internal("{}: mysql_stmt_init failed (out of memory)", context);
  if (mysql_stmt_prepare(statement.get(), sql.data(), static_cast<unsigned long>(sql.size())) != 0) {
    Status status = StatementError(statement.get(), context);
    return Status(status.code(), fmt::format("{}\n  in: {}", status.message(), sql.substr(0, 2000)));
  }
  if (statements_.size() >= kCachedStatements) statements_.pop_back();
  statements_.emplace_front(sql, std::move(statement));
  return statements_.front().second.get();
}

Status MySqlConnection::Error(std::string_view context) const {
  return MySqlStatus(mysql_errno(mysql_), mysql_error(mysql_), context);
}

Status MySqlConnection::StatementError(MYSQL_STMT* statement, std::string_view context) const {
  // A statement that failed with no error of its own failed on the connection.
  if (mysql_stmt_errno(statement) == 0) return Error(context);
  return MySqlStatus(mysql_stmt_errno(statement), mysql_stmt_error(statement), context);
}

}  // namespace sluice::source::mysql
