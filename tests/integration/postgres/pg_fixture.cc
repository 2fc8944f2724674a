#include "pg_fixture.h"

#include <unistd.h>

#include <gtest/gtest.h>

namespace sluice::testing {

PgFixture::PgFixture(const ServerEnv& server, const std::string& user, const std::string& password) {
  std::string port = std::to_string(server.port);
  std::string user_name = user.empty() ? server.user : user;
  std::string user_password = user.empty() ? server.password : password;
  const char* keywords[] = {"host", "port", "dbname", "user", "password", "sslmode", "options", nullptr};
  const char* values[] = {server.host.c_str(), port.c_str(), server.database.c_str(), user_name.c_str(),
                          user_password.c_str(), "disable", "-c TimeZone=UTC", nullptr};
  conn_ = PQconnectdbParams(keywords, values, 0);
  if (PQstatus(conn_) != CONNECTION_OK) ADD_FAILURE() << "cannot connect to the test PostgreSQL: " << PQerrorMessage(conn_);
}

PgFixture::~PgFixture() { PQfinish(conn_); }

void PgFixture::Exec(const std::string& sql) {
  PGresult* result = PQexec(conn_, sql.c_str());
  ExecStatusType status = PQresultStatus(result);
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
    ADD_FAILURE() << PQresultErrorMessage(result) << " in " << sql.substr(0, 400);
  }
  PQclear(result);
}

std::vector<Row> PgFixture::Rows(const std::string& sql) {
  std::vector<Row> rows;
  PGresult* result = PQexec(conn_, sql.c_str());
  if (PQresultStatus(result) != PGRES_TUPLES_OK) {
    ADD_FAILURE() << PQresultErrorMessage(result) << " in " << sql.substr(0, 400);
    PQclear(result);
    return rows;
  }
  for (int row = 0; row < PQntuples(result); ++row) {
    Row values;
    for (int column = 0; column < PQnfields(result); ++column) {
      if (PQgetisnull(result, row, column)) {
        values.emplace_back(std::nullopt);
      } else {
        values.emplace_back(std::string(PQgetvalue(result, row, column), PQgetlength(result, row, column)));
      }
    }
    rows.push_back(std::move(values));
  }
  PQclear(result);
  return rows;
}

std::string PgFixture::Value(const std::string& sql) {
  std::vector<Row> rows = Rows(sql);
  if (rows.empty() || rows[0].empty() || !rows[0][0]) return "";
  return *rows[0][0];
}


std::string UniqueName(const std::string& base) { return base + "_" + std::to_string(::getpid()); }

}  // namespace sluice::testing

namespace sluice::testing {

std::string AllTypesSql(const std::string& table) {
  std::string sql = R"(
DO $$ BEGIN CREATE EXTENSION IF NOT EXISTS citext; EXCEPTION WHEN unique_violation OR duplicate_object THEN NULL; END $$;
DROP TABLE IF EXISTS {t};
DROP TYPE IF EXISTS {t}_mood;
DROP DOMAIN IF EXISTS {t}_amount;
CREATE TYPE {t}_mood AS ENUM ('sad', 'ok', 'happy');
CREATE DOMAIN {t}_amount AS numeric(10,2) CHECK (VALUE >= 0);
CREATE TABLE {t} (
  id integer PRIMARY KEY,
  i2 smallint, i4 integer, i8 bigint,
  n12 numeric(12,2), n38 numeric(38,10), n38i numeric(38,0), n60 numeric(60,20), nany numeric,
  r real, dp double precision, bo boolean,
  d date, ts timestamp(6), tstz timestamptz, tm time(6),
  tx text NOT NULL DEFAULT '', vc varchar(20), ch char(5), ci citext, mood {t}_mood, amount {t}_amount,
  js json, jb jsonb, by bytea, uu uuid,
  ia integer[], ta text[], nest integer[][], na numeric[], iv interval, ip inet);
INSERT INTO {t} VALUES
 (1, -32768, -2147483648, -9223372036854775808,
  -9999999999.99, -9999999999999999999999999999.9999999999, -99999999999999999999999999999999999999,
  -1234567890123456789012345678901234567890.12345678901234567890, 0.000000000000000000000000000000000000000001,
  '-Infinity', '-Infinity', false,
  '0001-01-01', '0001-01-01 00:00:00', '0001-01-01 00:00:00+00', '00:00:00',
  '', 'a', 'ab', 'MiXeD', 'sad', 0,
  '[]', '{}', '\x', '00000000-0000-0000-0000-000000000000',
  '{}', '{}', '{}', '{}', '-1 day', '0.0.0.0'),
 (2, 32767, 2147483647, 9223372036854775807,
  9999999999.99, 9999999999999999999999999999.9999999999, 99999999999999999999999999999999999999,
  1234567890123456789012345678901234567890.12345678901234567890,
  -123456789012345678901234567890.123456789012345678901234567890,
  'Infinity', 'Infinity', true,
  '9999-12-31', '9999-12-31 23:59:59.999999', '9999-12-31 23:59:59.999999+00', '24:00:00',
  E'\U0001F600 \U0001D11E "quoted" back\\slash', 'twenty chars exactly', 'abcde', E'\u00C4\u00D6\u00DC', 'happy', 99999999.99,
  '{"k": [1, 2.50, "x"]}', '{"b": 1, "a": [true, null, "\u00e9"]}', '\x00ff0000ab', 'A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11',
  '{1,NULL,-3}', E'{"a\\"b","c\\\\d",NULL,"",x\U0001F600}', '{{1,2},{3,NULL}}', '{1.50,-0.001,NaN,Infinity}',
  '1 year 2 mons 3 days 04:05:06.789', '192.168.0.1/24'),
 (3, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
  DEFAULT, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL),
 (4, 0, 0, 0, 0, 0.0000000001, 0, 0, 1e100, 'NaN', '-0', NULL,
  'infinity', '-infinity', 'infinity', '12:34:56.789012',
  E'tab\there\nnewline', NULL, NULL, NULL, 'ok', 12.5, NULL, NULL, NULL, NULL,
  '{{{1}},{{2}}}', NULL, NULL, NULL, NULL, NULL),
 (5, NULL, NULL, NULL, NULL, NULL, NULL, NULL, -0.5, '-0', 'NaN', NULL,
  '2024-02-29', '2024-02-29 12:00:00.000001', '2025-06-01 12:00:00+02', NULL,
  'x', NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL),
 (6, NULL, NULL, NULL, NULL, NULL, NULL, NULL, 123.4560, 3.4028235e38, 4.9e-324, NULL,
  '1970-01-01', '1969-12-31 23:59:59.999999', '1970-01-01 00:00:00+00', NULL,
  'y', NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL);
)";
  for (size_t at; (at = sql.find("{t}")) != std::string::npos;) sql.replace(at, 3, table);
  return sql;
}

}  // namespace sluice::testing
