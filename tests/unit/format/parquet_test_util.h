// Helpers for the Parquet encoder tests: temporary directories, writing a
// file, asking DuckDB (the independent reader) about it, the expected
// text of a value as DuckDB renders it, and a small Thrift compact
// protocol *reader* written from the spec (independently of the encoder's
// writer) to walk page headers and the footer.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "common/status.h"
#include "format/parquet/file_writer.h"
#include "support/duckdb_query.h"
#include "types/column_batch.h"

namespace sluice::parquet::testing {

using sluice::testing::QueryResult;
using sluice::testing::Row;

// A fresh directory under $TMPDIR (or /tmp), removed with its contents.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  const std::string& path() const { return path_; }
  std::string File(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

Field MakeField(std::string name, DataType type, bool nullable = true);
SchemaPtr MakeSchema(std::vector<Field> fields);

// A test value: NULL, or one of the storage forms of types/data_type.h
// (bool for kBoolean, int64 for every int32/int64 storage, uint64,
// __int128, float, double, or bytes). A tagged struct rather than a
// std::variant, which draws false -Wmaybe-uninitialized warnings from GCC 12.
struct TestValue {
  enum class Kind { kNull, kBool, kInt64, kUInt64, kInt128, kFloat, kDouble, kBytes };
  Kind kind = Kind::kNull;
  bool boolean = false;
  int64_t int64 = 0;
  uint64_t uint64 = 0;
  __int128 int128 = 0;
  float float32 = 0;
  double float64 = 0;
  std::string bytes;

  TestValue() = default;
  TestValue(bool value) : kind(Kind::kBool), boolean(value) {}       // NOLINT
  TestValue(int64_t value) : kind(Kind::kInt64), int64(value) {}     // NOLINT
  TestValue(uint64_t value) : kind(Kind::kUInt64), uint64(value) {}  // NOLINT
  TestValue(__int128 value) : kind(Kind::kInt128), int128(value) {}  // NOLINT
  TestValue(float value) : kind(Kind::kFloat), float32(value) {}     // NOLINT
  TestValue(double value) : kind(Kind::kDouble), float64(value) {}   // NOLINT
  bool is_null() const { return kind == Kind::kNull; }
};
inline TestValue Null() { return TestValue(); }
inline TestValue Bytes(std::string bytes) {
  TestValue value;
  value.kind = TestValue::Kind::kBytes;
  value.bytes = std::move(bytes);
  return value;
}

// Appends `value` to `column` in the column's storage form.
void AppendValue(ColumnVector& column, const TestValue& value);
// A batch holding rows[row][column].
std::unique_ptr<ColumnBatch> MakeBatch(const SchemaPtr& schema, const std::vector<std::vector<TestValue>>& rows);

// SQL rendering a column of `type` read back by DuckDB as text, and the
// text expected for `value` (nullopt for NULL). Floats render as their bit
// pattern ("f32:3f800000", NaN as "nan"), so -0.0 and payloads compare
// exactly; timestamps and times as microseconds; dates as YYYY-MM-DD;
// binary as upper-case hex.
std::string RenderSql(const DataType& type, const std::string& column_name);
std::optional<std::string> ExpectedText(const DataType& type, const TestValue& value);
// Canonicalizes DuckDB's text for `type` (floats: parse, then bit pattern).
std::optional<std::string> CanonicalActual(const DataType& type, const std::optional<std::string>& text);

std::string ReadParquet(const std::string& path);  // read_parquet('path')
// Runs `sql` in DuckDB; a failing query fails the test and returns no rows.
QueryResult Query(const std::string& sql);
// The first value of the first row ("" when there is none, after failing the test).
std::optional<std::string> QueryValue(const std::string& sql);

// Writes `batches` into a new Parquet file at `path`.
Status WriteParquetFile(const std::string& path, const SchemaPtr& schema,
                        const std::vector<const ColumnBatch*>& batches, const WriterOptions& options = {});

// Reads `path` back through DuckDB, in file order, and compares every value
// with `rows` (the rows written); adds a test failure per mismatch (up to
// a few) and returns whether all matched.
bool VerifyRoundTrip(const std::string& path, const Schema& schema, const std::vector<std::vector<TestValue>>& rows);

std::string Hex(std::string_view bytes);

// --- A Thrift compact protocol reader (test-only, written from the spec). ---
struct ThriftValue {
  int64_t integer = 0;  // integers; bools as 1/0
  std::string binary;
  std::vector<ThriftValue> elements;      // lists
  std::map<int16_t, ThriftValue> fields;  // structs, by field id
  int64_t i() const { return integer; }
  bool b() const { return integer != 0; }
  const std::string& s() const { return binary; }
  const std::vector<ThriftValue>& list() const { return elements; }
  const std::map<int16_t, ThriftValue>& st() const { return fields; }
};
using ThriftStruct = std::map<int16_t, ThriftValue>;
// Parses one struct at data[*offset], advancing *offset past it.
Result<ThriftStruct> ParseThriftStruct(const std::string& data, size_t* offset);

// The FileMetaData struct of a Parquet file's bytes.
Result<ThriftStruct> ParseFooter(const std::string& file_bytes);

struct PageInfo {
  int64_t page_type = -1;  // 0 data, 2 dictionary
  int64_t encoding = -1;   // of the values
  int64_t num_values = 0;
  int64_t uncompressed_bytes = 0;
  int64_t compressed_bytes = 0;
};
// Walks the page headers of the chunk that starts at `chunk_offset` and
// spans `chunk_bytes` bytes.
Result<std::vector<PageInfo>> ReadChunkPages(const std::string& file_bytes, int64_t chunk_offset, int64_t chunk_bytes);

}  // namespace sluice::parquet::testing
