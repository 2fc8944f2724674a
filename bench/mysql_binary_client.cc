// The least a MySQL/MariaDB client can do to read a result: the ceiling
// column of bench/end_to_end.py and bench/source_extract.py.
//
// Prepares the query (binary protocol), binds every column to a fixed
// buffer of its own type, streams the rows off the wire without buffering
// the result (mysql_stmt_fetch, no mysql_stmt_store_result), and drops each
// row. Nothing is decoded beyond what libmariadb does to fill the buffers.
//
// Usage: mysql_binary_client HOST PORT USER PASSWORD DATABASE QUERY
// Prints "<rows> rows <seconds> s" on stdout. Exit status 1 with the
// server's message when anything fails.
#include <mysql.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

namespace {

int Fail(const char* what, const char* message) {
  std::fprintf(stderr, "mysql_binary_client: %s: %s\n", what, message);
  return 1;
}

// The buffer type a column is fetched into: its own for numbers and times,
// bytes for everything else (DECIMAL, strings, BLOBs, JSON).
enum_field_types FetchType(enum_field_types type) {
  switch (type) {
    case MYSQL_TYPE_TINY:
    case MYSQL_TYPE_SHORT:
    case MYSQL_TYPE_LONG:
    case MYSQL_TYPE_INT24:
    case MYSQL_TYPE_LONGLONG:
    case MYSQL_TYPE_YEAR:
      return MYSQL_TYPE_LONGLONG;
    case MYSQL_TYPE_FLOAT:
    case MYSQL_TYPE_DOUBLE:
      return MYSQL_TYPE_DOUBLE;
    case MYSQL_TYPE_DATE:
    case MYSQL_TYPE_TIME:
    case MYSQL_TYPE_DATETIME:
    case MYSQL_TYPE_TIMESTAMP:
      return type;
    default:
      return MYSQL_TYPE_STRING;
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 7) {
    std::fprintf(stderr, "usage: %s HOST PORT USER PASSWORD DATABASE QUERY\n", argv[0]);
    return 2;
  }
  auto started = std::chrono::steady_clock::now();
  MYSQL* mysql = mysql_init(nullptr);
  if (mysql_real_connect(mysql, argv[1], argv[3], argv[4], argv[5], static_cast<unsigned>(std::atoi(argv[2])),
                         nullptr, 0) == nullptr) {
    return Fail("connect", mysql_error(mysql));
  }
  MYSQL_STMT* statement = mysql_stmt_init(mysql);
  const char* query = argv[6];
  if (mysql_stmt_prepare(statement, query, std::strlen(query)) != 0) return Fail("prepare", mysql_stmt_error(statement));
  if (mysql_stmt_execute(statement) != 0) return Fail("execute", mysql_stmt_error(statement));
  MYSQL_RES* metadata = mysql_stmt_result_metadata(statement);
  if (metadata == nullptr) return Fail("metadata", "the query returns no result");
  unsigned columns = mysql_num_fields(metadata);
  MYSQL_FIELD* fields = mysql_fetch_fields(metadata);
  constexpr unsigned long kBytes = 1 << 16;  // longer values are truncated (MYSQL_DATA_TRUNCATED), still read
  std::vector<MYSQL_BIND> binds(columns);
  std::vector<std::vector<char>> buffers(columns, std::vector<char>(kBytes));
  std::vector<unsigned long> lengths(columns);
  std::vector<my_bool> nulls(columns), errors(columns);
  for (unsigned i = 0; i < columns; ++i) {
    binds[i] = MYSQL_BIND{};
    binds[i].buffer_type = FetchType(fields[i].type);
    binds[i].buffer = buffers[i].data();
    binds[i].buffer_length = kBytes;
    binds[i].length = &lengths[i];
    binds[i].is_null = &nulls[i];
    binds[i].error = &errors[i];
    binds[i].is_unsigned = (fields[i].flags & UNSIGNED_FLAG) != 0;
  }
  if (mysql_stmt_bind_result(statement, binds.data()) != 0) return Fail("bind", mysql_stmt_error(statement));
  long long rows = 0;
  for (;;) {
    int status = mysql_stmt_fetch(statement);
    if (status == MYSQL_NO_DATA) break;
    if (status == 1) return Fail("fetch", mysql_stmt_error(statement));
    ++rows;  // MYSQL_DATA_TRUNCATED counts: the row was read off the wire
  }
  mysql_free_result(metadata);
  mysql_stmt_close(statement);
  mysql_close(mysql);
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  std::printf("%lld rows %.3f s\n", rows, seconds);
  return 0;
}
