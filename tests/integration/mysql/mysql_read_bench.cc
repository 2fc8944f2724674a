// Reader throughput of the MySQL source, for profiling and for comparing
// with `mariadb --quick -N -e 'SELECT * FROM t' > /dev/null`. Not a test.
//
//   mysql_read_bench TABLE [BATCH_ROWS] [--single]
//
// Reads every row of TABLE through the Source API in keyset chunks on the
// primary key's first column (as id_only does), or with --single in one
// streaming query, and prints rows, seconds and rows/s. The server comes
// from the SLUICE_TEST_MYSQL_* environment (scripts/test_servers.sh).
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "connect/open.h"
#include "types/value.h"

namespace {

std::string Env(const char* name) {
  const char* value = std::getenv(name);
  return value ? value : "";
}

}  // namespace

int main(int argc, char** argv) {
  using namespace sluice;
  if (argc < 2) {
    std::fprintf(stderr, "usage: mysql_read_bench TABLE [BATCH_ROWS] [--single]\n");
    return 2;
  }
  std::string table = argv[1];
  int64_t batch_rows = argc > 2 && argv[2][0] != '-' ? std::atoll(argv[2]) : 50000;
  bool single = argc > 2 && std::strcmp(argv[argc - 1], "--single") == 0;

  config::SourceConnection connection;
  connection.name = "bench";
  connection.type = config::SourceType::kMySql;
  connection.host = Env("SLUICE_TEST_MYSQL_HOST");
  connection.port = std::atoi(Env("SLUICE_TEST_MYSQL_PORT").c_str());
  connection.username = Env("SLUICE_TEST_MYSQL_USER");
  connection.password = Env("SLUICE_TEST_MYSQL_PASSWORD");
  connection.database = Env("SLUICE_TEST_MYSQL_DATABASE");
  connection.ssl.mode = config::SslMode::kDisabled;

  auto source = source::OpenSource(connection);
  if (!source) {
    std::fprintf(stderr, "%s\n", source.error().ToString().c_str());
    return 1;
  }
  auto schema = (*source)->DescribeTable(table);
  if (!schema) {
    std::fprintf(stderr, "%s\n", schema.error().ToString().c_str());
    return 1;
  }
  SelectQuery query;
  query.table = table;
  for (const Field& field : (*schema)->fields) query.columns.push_back(field.name);
  query.key_columns = {(*schema)->primary_key.at(0)};
  size_t key_idx = *(*schema)->FieldIndex(query.key_columns[0]);
  if (!single) query.limit = batch_rows;

  auto started = std::chrono::steady_clock::now();
  ColumnBatch batch(*schema);
  int64_t total_rows = 0;
  int queries = 0;
  while (true) {
    auto reader = (*source)->Read(query, *schema, {});
    if (!reader) {
      std::fprintf(stderr, "%s\n", reader.error().ToString().c_str());
      return 1;
    }
    ++queries;
    size_t query_rows = 0;
    while (true) {
      auto rows = (*reader)->Next(&batch, static_cast<size_t>(batch_rows));
      if (!rows) {
        std::fprintf(stderr, "%s\n", rows.error().ToString().c_str());
        return 1;
      }
      if (*rows == 0) break;
      query_rows += *rows;
      total_rows += static_cast<int64_t>(*rows);
      auto last = ValueAt(batch.column(key_idx), *rows - 1);
      if (last) query.lower = {*last};
    }
    if (single || static_cast<int64_t>(query_rows) < batch_rows) break;
  }
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  std::printf("%lld rows in %d queries, %.3f s, %.0f rows/s\n", static_cast<long long>(total_rows), queries, seconds,
              static_cast<double>(total_rows) / seconds);
  return 0;
}
