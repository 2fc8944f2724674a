#include "mysql_client.h"

#include <gtest/gtest.h>

namespace sluice::testing {

MySqlClient::MySqlClient(const ServerEnv& server) {
  mysql_ = mysql_init(nullptr);
  unsigned int timeout = 10;
  mysql_optionsv(mysql_, MYSQL_OPT_CONNECT_TIMEOUT, &timeout);
  mysql_optionsv(mysql_, MYSQL_SET_CHARSET_NAME, "utf8mb4");
  if (mysql_real_connect(mysql_, server.host.c_str(), server.user.c_str(), server.password.c_str(),
                         server.database.c_str(), static_cast<unsigned int>(server.port), nullptr,
                         CLIENT_MULTI_STATEMENTS) == nullptr) {
    ADD_FAILURE() << "connecting to the test MariaDB at " << server.host << ":" << server.port << ": "
                  << mysql_error(mysql_);
  }
  // Fixtures write zero and invalid dates on purpose.
  Exec("SET SESSION sql_mode = 'ALLOW_INVALID_DATES', time_zone = '+00:00'");
}

MySqlClient::~MySqlClient() { mysql_close(mysql_); }

void MySqlClient::Exec(const std::string& sql) {
  if (mysql_real_query(mysql_, sql.data(), sql.size()) != 0) {
    ADD_FAILURE() << mysql_error(mysql_) << " in: " << sql.substr(0, 300);
    return;
  }
  do {
    MYSQL_RES* result = mysql_store_result(mysql_);
    if (result != nullptr) mysql_free_result(result);
  } while (mysql_next_result(mysql_) == 0);
  if (mysql_errno(mysql_) != 0) ADD_FAILURE() << mysql_error(mysql_) << " in: " << sql.substr(0, 300);
}

std::vector<Row> MySqlClient::Rows(const std::string& sql) {
  std::vector<Row> rows;
  if (mysql_real_query(mysql_, sql.data(), sql.size()) != 0) {
    ADD_FAILURE() << mysql_error(mysql_) << " in: " << sql.substr(0, 300);
    return rows;
  }
  MYSQL_RES* result = mysql_store_result(mysql_);
  if (result == nullptr) return rows;
  unsigned int columns = mysql_num_fields(result);
  while (MYSQL_ROW values = mysql_fetch_row(result)) {
    unsigned long* lengths = mysql_fetch_lengths(result);
    Row row;
    for (unsigned int column = 0; column < columns; ++column) {
      if (values[column] == nullptr) {
        row.emplace_back(std::nullopt);
      } else {
        row.emplace_back(std::string(values[column], lengths[column]));
      }
    }
    rows.push_back(std::move(row));
  }
  mysql_free_result(result);
  return rows;
}

std::string MySqlClient::Scalar(const std::string& sql) {
  std::vector<Row> rows = Rows(sql);
  if (rows.empty() || rows[0].empty() || !rows[0][0]) return "";
  return *rows[0][0];
}

int64_t MySqlClient::GlobalStatus(const std::string& name) {
  std::vector<Row> rows = Rows("SHOW GLOBAL STATUS LIKE '" + name + "'");
  if (rows.empty() || rows[0].size() < 2 || !rows[0][1]) return -1;
  return std::stoll(*rows[0][1]);
}

}  // namespace sluice::testing
