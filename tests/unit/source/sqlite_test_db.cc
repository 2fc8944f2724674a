#include "sqlite_test_db.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>

namespace sluice::source::testing {

TempSqliteDb::TempSqliteDb(const std::string& setup_sql) {
  std::string pattern = (std::filesystem::temp_directory_path() / "sluice_source_test_XXXXXX").string();
  char* created = mkdtemp(pattern.data());
  EXPECT_NE(created, nullptr);
  dir_ = pattern;
  path_ = dir_ + "/test.db";
  EXPECT_EQ(sqlite3_open_v2(path_.c_str(), &writer_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr), SQLITE_OK);
  if (!setup_sql.empty()) Exec(setup_sql);
}

TempSqliteDb::~TempSqliteDb() {
  sqlite3_close_v2(writer_);
  std::error_code error;
  std::filesystem::remove_all(dir_, error);
}

void TempSqliteDb::Exec(const std::string& sql) {
  char* error = nullptr;
  int rc = sqlite3_exec(writer_, sql.c_str(), nullptr, nullptr, &error);
  EXPECT_EQ(rc, SQLITE_OK) << (error != nullptr ? error : "") << "\nSQL: " << sql;
  sqlite3_free(error);
}

std::unique_ptr<Source> TempSqliteDb::Open() const {
  config::SourceConnection connection;
  connection.name = "test_sqlite";
  connection.type = config::SourceType::kSqlite;
  connection.path = path_;
  auto source = OpenSource(connection);
  EXPECT_TRUE(source.has_value()) << source.error().ToString();
  return source ? std::move(*source) : nullptr;
}

SelectQuery KeysetQuery(const std::string& table, std::vector<std::string> columns,
                        std::vector<std::string> key_columns) {
  SelectQuery query;
  query.table = table;
  query.columns = std::move(columns);
  query.key_columns = std::move(key_columns);
  return query;
}

Result<ColumnBatch> ReadAll(Source& source, const SelectQuery& query, SchemaPtr schema, const ReadOptions& options,
                            ReadStats* stats) {
  SLUICE_ASSIGN_OR_RETURN(auto reader, source.Read(query, schema, options));
  ColumnBatch batch(schema);
  SLUICE_ASSIGN_OR_RETURN(size_t rows, reader->Next(&batch, 100000));
  ColumnBatch rest(schema);
  SLUICE_ASSIGN_OR_RETURN(size_t more, reader->Next(&rest, 100000));
  if (more != 0) return Internal("ReadAll: more than 100000 rows");
  if (rows != batch.num_rows() || !batch.ColumnsHaveEqualLength()) return Internal("ReadAll: ragged batch");
  if (stats != nullptr) *stats = reader->stats();
  return batch;
}

SchemaPtr MakeSchema(std::vector<std::pair<std::string, DataType>> columns, std::vector<std::string> primary_key) {
  auto schema = std::make_shared<Schema>();
  for (auto& [name, type] : columns) schema->fields.push_back(Field{name, type, true, "", 0});
  schema->primary_key = std::move(primary_key);
  return schema;
}

}  // namespace sluice::source::testing
