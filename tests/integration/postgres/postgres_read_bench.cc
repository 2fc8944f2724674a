// Reader throughput of the PostgreSQL source, without Parquet encoding:
// reads a table through the Source API in keyset chunks on its first
// primary-key column (as id_only/full_sync do), or in one COPY with
// chunk_rows 0, and prints rows/s. Connection from SLUICE_TEST_PG_*.
//
//   postgres_read_bench TABLE [CHUNK_ROWS=50000] [REPEAT=3]
//
// Compare with: psql -c "\copy (SELECT * FROM TABLE) TO '/dev/null' (FORMAT binary)"
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "connect/open.h"

namespace sluice {
namespace {

std::string Env(const char* name) {
  const char* value = std::getenv(name);
  return value ? value : "";
}

Result<int64_t> ReadTable(source::Source& source, const std::string& table, int64_t chunk_rows) {
  SLUICE_ASSIGN_OR_RETURN(SchemaPtr schema, source.DescribeTable(table));
  SelectQuery query;
  query.table = table;
  for (const Field& field : schema->fields) query.columns.push_back(field.name);
  query.key_columns = {schema->primary_key.at(0)};
  if (chunk_rows > 0) query.limit = chunk_rows;
  auto key_index = *schema->FieldIndex(query.key_columns[0]);
  ColumnBatch batch(schema);
  int64_t total = 0;
  size_t batch_rows = chunk_rows > 0 ? static_cast<size_t>(chunk_rows) : 50000;
  while (true) {
    SLUICE_ASSIGN_OR_RETURN(auto reader, source.Read(query, schema, {}));
    int64_t in_query = 0;
    while (true) {
      SLUICE_ASSIGN_OR_RETURN(size_t rows, reader->Next(&batch, batch_rows));
      if (rows == 0) break;
      in_query += static_cast<int64_t>(rows);
      SLUICE_ASSIGN_OR_RETURN(Value last, ValueAt(batch.column(key_index), rows - 1));
      query.lower = {last};
    }
    total += in_query;
    if (chunk_rows == 0 || in_query < chunk_rows) break;
  }
  return total;
}

int Main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s TABLE [CHUNK_ROWS=50000] [REPEAT=3]\n", argv[0]);
    return 2;
  }
  std::string table = argv[1];
  int64_t chunk_rows = argc > 2 ? std::atoll(argv[2]) : 50000;
  int repeat = argc > 3 ? std::atoi(argv[3]) : 3;
  config::SourceConnection connection;
  connection.name = "bench";
  connection.type = config::SourceType::kPostgres;
  connection.host = Env("SLUICE_TEST_PG_HOST");
  connection.port = std::atoi(Env("SLUICE_TEST_PG_PORT").c_str());
  connection.database = Env("SLUICE_TEST_PG_DATABASE");
  connection.username = Env("SLUICE_TEST_PG_USER");
  connection.password = Env("SLUICE_TEST_PG_PASSWORD");
  connection.ssl.mode = config::SslMode::kDisabled;
  auto source = source::OpenSource(connection);
  if (!source) {
    std::fprintf(stderr, "%s\n", source.error().ToString().c_str());
    return 1;
  }
  for (int run = 0; run < repeat; ++run) {
    auto started = std::chrono::steady_clock::now();
    auto rows = ReadTable(**source, table, chunk_rows);
    double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    if (!rows) {
      std::fprintf(stderr, "%s\n", rows.error().ToString().c_str());
      return 1;
    }
    std::printf("run %d: %lld rows in %.3f s = %.0f rows/s (chunks of %lld)\n", run + 1, static_cast<long long>(*rows),
                seconds, static_cast<double>(*rows) / seconds, static_cast<long long>(chunk_rows));
  }
  return 0;
}

}  // namespace
}  // namespace sluice

int main(int argc, char** argv) { return sluice::Main(argc, argv); }
