#include "target_test_util.h"

#include <fmt/format.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "common/file.h"
#include "format/parquet/file_writer.h"
#include "support/duckdb_query.h"
#include "types/column_batch.h"

namespace sluice::target::testing_util {
namespace {

namespace fs = std::filesystem;

Status WriteBytes(const std::string& path, std::string_view data) {
  fs::create_directories(fs::path(path).parent_path());
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(data.data(), static_cast<std::streamsize>(data.size()));
  out.close();
  return out ? Status::Ok() : IoError("cannot write {}", path);
}

store::ObjectInfo InfoOf(const std::string& key, const std::string& path) {
  store::ObjectInfo info;
  info.key = key;
  info.size_bytes = fs::file_size(path);
  info.version = std::to_string(fs::last_write_time(path).time_since_epoch().count());
  return info;
}

void AppendCell(ColumnVector& column, const Cell& cell) {
  if (!cell) {
    column.AppendNull();
    return;
  }
  const std::string& text = *cell;
  switch (column.type().storage()) {
    case Storage::kUInt8:
      column.Append<uint8_t>(text == "true" ? 1 : 0);
      break;
    case Storage::kInt32:
      column.Append<int32_t>(static_cast<int32_t>(std::stoll(text)));
      break;
    case Storage::kInt64:
      column.Append<int64_t>(std::stoll(text));
      break;
    case Storage::kUInt64:
      column.Append<uint64_t>(std::stoull(text));
      break;
    case Storage::kFloat32:
      column.Append<float>(std::stof(text));
      break;
    case Storage::kFloat64:
      column.Append<double>(std::stod(text));
      break;
    case Storage::kInt128:
      column.Append<__int128>(static_cast<__int128>(std::stoll(text)));
      break;
    case Storage::kBytes:
      column.AppendBytes(text);
      break;
  }
}

}  // namespace

Status WriteParquet(const std::string& path, const SchemaPtr& schema, const std::vector<std::vector<Cell>>& rows,
                    const std::string& row_position_column) {
  fs::create_directories(fs::path(path).parent_path());
  ColumnBatch batch(schema);
  for (const std::vector<Cell>& row : rows) {
    if (row.size() != schema->fields.size()) return InvalidArgument("a test row has {} cells", row.size());
    for (size_t column_idx = 0; column_idx < row.size(); ++column_idx) AppendCell(batch.column(column_idx), row[column_idx]);
  }
  SLUICE_ASSIGN_OR_RETURN(std::unique_ptr<WritableFile> file, OpenWritableFile(path));
  parquet::WriterOptions options;
  options.row_position_column = row_position_column;
  SLUICE_ASSIGN_OR_RETURN(std::unique_ptr<parquet::FileWriter> writer, parquet::FileWriter::Open(schema, options, file.get()));
  if (!rows.empty()) SLUICE_RETURN_IF_ERROR(writer->Write(batch));
  SLUICE_RETURN_IF_ERROR(writer->Close());
  return file->Close();
}

Result<store::ObjectInfo> DirectoryStore::Put(const std::string& key, std::string_view data,
                                              const store::PutCondition& condition) {
  if (condition.if_absent && fs::exists(PathOf(key))) return Conflict("'{}' exists", key);
  SLUICE_RETURN_IF_ERROR(WriteBytes(PathOf(key), data));
  return InfoOf(key, PathOf(key));
}

Result<store::ObjectInfo> DirectoryStore::PutFile(const std::string& key, const std::string& local_path) {
  fs::create_directories(fs::path(PathOf(key)).parent_path());
  fs::copy_file(local_path, PathOf(key), fs::copy_options::overwrite_existing);
  return InfoOf(key, PathOf(key));
}

Result<store::Object> DirectoryStore::Get(const std::string& key) {
  ++get_calls_;
  std::ifstream in(PathOf(key), std::ios::binary);
  if (!in) return NotFound("'{}' not found", key);
  std::stringstream contents;
  contents << in.rdbuf();
  return store::Object{contents.str(), "1"};
}

Result<store::Object> DirectoryStore::GetRange(const std::string& key, uint64_t offset, uint64_t length) {
  SLUICE_ASSIGN_OR_RETURN(store::Object object, Get(key));
  object.data = offset < object.data.size() ? object.data.substr(offset, length) : std::string();
  return object;
}

namespace {

class FileReader final : public store::ObjectReader {
 public:
  FileReader(std::ifstream in, uint64_t size) : in_(std::move(in)), size_(size) {}
  Result<size_t> Read(char* buffer, size_t capacity) override {
    in_.read(buffer, static_cast<std::streamsize>(capacity));
    if (in_.bad()) return IoError("reading failed");
    return static_cast<size_t>(in_.gcount());
  }
  uint64_t size_bytes() const override { return size_; }
  const std::string& version() const override { return version_; }

 private:
  std::ifstream in_;
  uint64_t size_;
  std::string version_ = "1";
};

}  // namespace

Result<std::unique_ptr<store::ObjectReader>> DirectoryStore::OpenRead(const std::string& key) {
  ++stream_reads_;
  std::ifstream in(PathOf(key), std::ios::binary);
  if (!in) return NotFound("'{}' not found", key);
  return std::unique_ptr<store::ObjectReader>(std::make_unique<FileReader>(std::move(in), fs::file_size(PathOf(key))));
}

Result<std::optional<store::ObjectInfo>> DirectoryStore::Head(const std::string& key) {
  if (!fs::exists(PathOf(key))) return std::optional<store::ObjectInfo>();
  return std::optional<store::ObjectInfo>(InfoOf(key, PathOf(key)));
}

Result<std::vector<store::ObjectInfo>> DirectoryStore::List(const std::string& prefix) {
  std::vector<store::ObjectInfo> found;
  if (!fs::exists(root_)) return found;
  for (const auto& entry : fs::recursive_directory_iterator(root_)) {
    if (!entry.is_regular_file()) continue;
    std::string key = fs::relative(entry.path(), root_).string();
    if (key.starts_with(prefix)) found.push_back(InfoOf(key, entry.path().string()));
  }
  std::sort(found.begin(), found.end(), [](const auto& a, const auto& b) { return a.key < b.key; });
  return found;
}

Status DirectoryStore::Delete(const std::string& key) {
  std::error_code ignored;
  fs::remove(PathOf(key), ignored);
  return Status::Ok();
}

std::string DirectoryStore::Locate(const std::string& key) const {
  return locate_as_local_ ? PathOf(key) : "fake-remote://" + root_ + "/" + key;
}

Field MakeField(std::string name, DataType type, bool nullable) {
  Field field;
  field.name = std::move(name);
  field.type = type;
  field.nullable = nullable;
  return field;
}

SchemaPtr MakeSchema(std::vector<Field> fields, std::vector<std::string> primary_key) {
  auto schema = std::make_shared<Schema>();
  schema->fields = std::move(fields);
  schema->primary_key = std::move(primary_key);
  return schema;
}

void DuckDbTargetTest::SetUp() {
  std::string pattern = (fs::temp_directory_path() / "sluice-target-test-XXXXXX").string();
  ASSERT_NE(mkdtemp(pattern.data()), nullptr);
  scratch_ = pattern;
  database_path_ = scratch_ + "/warehouse.duckdb";
  store_ = std::make_unique<DirectoryStore>(scratch_ + "/stage", /*locate_as_local=*/true);
}

void DuckDbTargetTest::TearDown() {
  target_.reset();
  std::error_code ignored;
  fs::remove_all(scratch_, ignored);
}

config::TargetConnection DuckDbTargetTest::Connection() const {
  config::TargetConnection connection;
  connection.name = "warehouse";
  connection.type = config::TargetType::kDuckDb;
  connection.path = database_path_;
  connection.schema = schema_name_;
  connection.memory_limit_bytes = memory_limit_bytes_;
  connection.threads = threads_;
  connection.temp_directory = temp_directory_;
  return connection;
}

Target& DuckDbTargetTest::target() {
  if (!target_) {
    Result<std::unique_ptr<Target>> opened = OpenTarget(Connection());
    if (!opened.has_value()) {
      ADD_FAILURE() << "OpenTarget: " << opened.error().ToString();
      std::abort();
    }
    target_ = std::move(*opened);
  }
  return *target_;
}

StagedFile DuckDbTargetTest::Stage(const std::string& key, const std::string& select_sql,
                                   const std::string& copy_options) {
  std::string path = store_->PathOf(key);
  fs::create_directories(fs::path(path).parent_path());
  std::string sql = fmt::format("COPY ({}) TO {} (FORMAT parquet{}{})", select_sql, testing::SqlQuote(path),
                                copy_options.empty() ? "" : ", ", copy_options);
  Result<testing::QueryResult> written = testing::QueryDuckDb(sql);
  EXPECT_TRUE(written.has_value()) << written.error().ToString();
  Result<testing::QueryResult> counted =
      testing::QueryDuckDb(fmt::format("SELECT count(*) FROM read_parquet({})", testing::SqlQuote(path)));
  EXPECT_TRUE(counted.has_value()) << counted.error().ToString();
  int64_t rows = counted.has_value() ? std::stoll(counted->rows.at(0).at(0).value_or("0")) : 0;
  return StagedFile{key, rows, fs::file_size(path), ""};
}

StagedFile DuckDbTargetTest::StageRows(const std::string& key, const SchemaPtr& schema,
                                       const std::vector<std::vector<Cell>>& rows, bool with_seq) {
  Status written = WriteParquet(store_->PathOf(key), schema, rows, with_seq ? "_seq" : "");
  EXPECT_TRUE(written.ok()) << written.ToString();
  return StagedFile{key, static_cast<int64_t>(rows.size()), fs::file_size(store_->PathOf(key)), ""};
}

StagedFile DuckDbTargetTest::StageBytes(const std::string& key, const std::string& bytes) {
  EXPECT_TRUE(WriteBytes(store_->PathOf(key), bytes).ok());
  return StagedFile{key, 0, bytes.size(), ""};
}

LoadRequest DuckDbTargetTest::Request(SchemaPtr schema, LoadMode mode, std::vector<StagedFile> files) const {
  return OrdersRequest(std::move(schema), mode, std::move(files));
}

LoadRequest OrdersRequest(SchemaPtr schema, LoadMode mode, std::vector<StagedFile> files) {
  LoadRequest request;
  request.pipeline = "p";
  request.source_table = "shop.orders";
  request.target_table = "orders";
  request.primary_key = schema->primary_key;
  request.schema = std::move(schema);
  request.mode = mode;
  request.files = std::move(files);
  request.run_id = "run_1";
  return request;
}

TextRows DuckDbTargetTest::Rows(const std::string& sql) {
  CloseTarget();
  Result<testing::QueryResult> result = testing::QueryDuckDb("SET TimeZone = 'UTC'; " + sql, database_path_);
  EXPECT_TRUE(result.has_value()) << result.error().ToString();
  TextRows rows;
  if (!result.has_value()) return rows;
  for (const testing::Row& row : result->rows) {
    std::vector<std::string> text;
    for (const std::optional<std::string>& value : row) text.push_back(value.value_or("NULL"));
    rows.push_back(std::move(text));
  }
  return rows;
}

TextRows DuckDbTargetTest::TableRows(const std::string& columns, const std::string& order_by,
                                     const std::string& table) {
  return Rows(fmt::format("SELECT {} FROM \"{}\".\"{}\" ORDER BY {}", columns, schema_name_, table, order_by));
}

std::vector<std::string> DuckDbTargetTest::LedgerKeys() {
  std::vector<std::string> keys;
  TextRows ledgers = Rows(fmt::format(
      "SELECT count(*) FROM duckdb_tables() WHERE schema_name = '{}' AND table_name = '_sluice_loaded_files'",
      schema_name_));
  if (ledgers.at(0).at(0) == "0") return keys;
  for (const auto& row : Rows(fmt::format("SELECT file_key FROM \"{}\"._sluice_loaded_files WHERE pipeline = 'p' "
                                          "ORDER BY file_key",
                                          schema_name_))) {
    keys.push_back(row.at(0));
  }
  return keys;
}

}  // namespace sluice::target::testing_util
