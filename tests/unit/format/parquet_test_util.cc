#include "parquet_test_util.h"

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <stdlib.h>

#include <cmath>
#include <cstring>
#include <filesystem>

#include "common/file.h"
#include "types/decimal.h"
#include "types/temporal.h"

namespace sluice::parquet::testing {

TempDir::TempDir() {
  const char* base = getenv("TMPDIR");
  std::string pattern = std::string(base != nullptr && base[0] != '\0' ? base : "/tmp") + "/sluice-parquet-XXXXXX";
  char* created = mkdtemp(pattern.data());
  if (created == nullptr) ADD_FAILURE() << "mkdtemp failed for " << pattern;
  path_ = pattern;
}

TempDir::~TempDir() {
  std::error_code error;
  std::filesystem::remove_all(path_, error);
}

Field MakeField(std::string name, DataType type, bool nullable) {
  Field field;
  field.name = std::move(name);
  field.type = type;
  field.nullable = nullable;
  return field;
}

SchemaPtr MakeSchema(std::vector<Field> fields) {
  auto schema = std::make_shared<Schema>();
  schema->fields = std::move(fields);
  return schema;
}

namespace {

int64_t AsInt64(const TestValue& value) {
  if (value.kind != TestValue::Kind::kInt64) ADD_FAILURE() << "test value is not an int64";
  return value.int64;
}

const TestValue& Expect(const TestValue& value, TestValue::Kind kind) {
  if (value.kind != kind)
    ADD_FAILURE() << "test value of kind " << static_cast<int>(value.kind) << ", expected " << static_cast<int>(kind);
  return value;
}

std::string FloatBits(float value) {
  if (std::isnan(value)) return "nan";
  uint32_t bits;
  std::memcpy(&bits, &value, 4);
  return fmt::format("f32:{:08x}", bits);
}

std::string DoubleBits(double value) {
  if (std::isnan(value)) return "nan";
  uint64_t bits;
  std::memcpy(&bits, &value, 8);
  return fmt::format("f64:{:016x}", bits);
}

std::string QuoteIdentifier(const std::string& name) {
  std::string quoted = "\"";
  for (char c : name) {
    if (c == '"') quoted += '"';
    quoted += c;
  }
  return quoted + "\"";
}

}  // namespace

void AppendValue(ColumnVector& column, const TestValue& value) {
  using Kind = TestValue::Kind;
  if (value.is_null()) {
    column.AppendNull();
    return;
  }
  switch (column.type().storage()) {
    case Storage::kUInt8: column.Append<uint8_t>(Expect(value, Kind::kBool).boolean ? 1 : 0); break;
    case Storage::kInt32: column.Append<int32_t>(static_cast<int32_t>(AsInt64(value))); break;
    case Storage::kInt64: column.Append<int64_t>(AsInt64(value)); break;
    case Storage::kUInt64: column.Append<uint64_t>(Expect(value, Kind::kUInt64).uint64); break;
    case Storage::kInt128:
      column.Append<__int128>(value.kind == Kind::kInt64 ? value.int64 : Expect(value, Kind::kInt128).int128);
      break;
    case Storage::kFloat32: column.Append<float>(Expect(value, Kind::kFloat).float32); break;
    case Storage::kFloat64: column.Append<double>(Expect(value, Kind::kDouble).float64); break;
    case Storage::kBytes: column.AppendBytes(Expect(value, Kind::kBytes).bytes); break;
  }
}

std::unique_ptr<ColumnBatch> MakeBatch(const SchemaPtr& schema, const std::vector<std::vector<TestValue>>& rows) {
  auto batch = std::make_unique<ColumnBatch>(schema);
  for (const auto& row : rows) {
    for (size_t column_idx = 0; column_idx < row.size(); ++column_idx)
      AppendValue(batch->column(column_idx), row[column_idx]);
  }
  return batch;
}

std::string RenderSql(const DataType& type, const std::string& column_name) {
  std::string column = QuoteIdentifier(column_name);
  switch (type.id) {
    case TypeId::kTime:
    case TypeId::kTimestamp:
    case TypeId::kTimestampTz: return fmt::format("CAST(epoch_us({}) AS VARCHAR)", column);
    case TypeId::kBinary: return fmt::format("hex({})", column);
    default: return fmt::format("CAST({} AS VARCHAR)", column);
  }
}

std::optional<std::string> ExpectedText(const DataType& type, const TestValue& value) {
  using Kind = TestValue::Kind;
  if (value.is_null()) return std::nullopt;
  switch (type.id) {
    case TypeId::kBoolean: return Expect(value, Kind::kBool).boolean ? "true" : "false";
    case TypeId::kUInt64: return std::to_string(Expect(value, Kind::kUInt64).uint64);
    case TypeId::kFloat32: return FloatBits(Expect(value, Kind::kFloat).float32);
    case TypeId::kFloat64: return DoubleBits(Expect(value, Kind::kDouble).float64);
    case TypeId::kDecimal:
      if (type.precision == 0 || type.precision > kMaxExactDecimalPrecision) return Expect(value, Kind::kBytes).bytes;
      if (value.kind == Kind::kInt128) return FormatDecimal(value.int128, type.scale);
      return FormatDecimal(AsInt64(value), type.scale);
    case TypeId::kDate: return FormatDate(static_cast<int32_t>(AsInt64(value)));
    case TypeId::kString:
    case TypeId::kJson: return Expect(value, Kind::kBytes).bytes;
    case TypeId::kBinary: return Hex(Expect(value, Kind::kBytes).bytes);
    default: return std::to_string(AsInt64(value));  // integers, times, timestamps
  }
}

std::optional<std::string> CanonicalActual(const DataType& type, const std::optional<std::string>& text) {
  if (!text) return text;
  if (type.id == TypeId::kFloat32) return FloatBits(std::strtof(text->c_str(), nullptr));
  if (type.id == TypeId::kFloat64) return DoubleBits(std::strtod(text->c_str(), nullptr));
  return text;
}

std::string ReadParquet(const std::string& path) { return "read_parquet(" + sluice::testing::SqlQuote(path) + ")"; }

QueryResult Query(const std::string& sql) {
  Result<QueryResult> result = sluice::testing::QueryDuckDb(sql);
  if (!result.has_value()) {
    ADD_FAILURE() << result.error().ToString();
    return QueryResult();
  }
  return std::move(*result);
}

std::optional<std::string> QueryValue(const std::string& sql) {
  QueryResult result = Query(sql);
  if (result.rows.empty() || result.rows[0].empty()) {
    ADD_FAILURE() << "no value from: " << sql;
    return std::string();
  }
  return result.rows[0][0];
}

Status WriteParquetFile(const std::string& path, const SchemaPtr& schema,
                        const std::vector<const ColumnBatch*>& batches, const WriterOptions& options) {
  SLUICE_ASSIGN_OR_RETURN(std::unique_ptr<WritableFile> sink, OpenWritableFile(path));
  SLUICE_ASSIGN_OR_RETURN(std::unique_ptr<FileWriter> writer, FileWriter::Open(schema, options, sink.get()));
  for (const ColumnBatch* batch : batches) SLUICE_RETURN_IF_ERROR(writer->Write(*batch));
  SLUICE_RETURN_IF_ERROR(writer->Close());
  return sink->Close();
}

bool VerifyRoundTrip(const std::string& path, const Schema& schema, const std::vector<std::vector<TestValue>>& rows) {
  std::string select;
  for (const Field& field : schema.fields) select += (select.empty() ? "" : ", ") + RenderSql(field.type, field.name);
  QueryResult result =
      Query(fmt::format("SELECT {} FROM read_parquet({}, file_row_number = true) ORDER BY file_row_number", select,
                        sluice::testing::SqlQuote(path)));
  if (result.rows.size() != rows.size()) {
    ADD_FAILURE() << path << ": DuckDB read " << result.rows.size() << " rows, expected " << rows.size();
    return false;
  }
  int mismatches = 0;
  for (size_t row_idx = 0; row_idx < rows.size(); ++row_idx) {
    for (size_t column_idx = 0; column_idx < schema.fields.size(); ++column_idx) {
      const DataType& type = schema.fields[column_idx].type;
      std::optional<std::string> expected = ExpectedText(type, rows[row_idx][column_idx]);
      std::optional<std::string> actual = CanonicalActual(type, result.rows[row_idx][column_idx]);
      if (expected == actual) continue;
      if (++mismatches <= 5) {
        ADD_FAILURE() << path << ": row " << row_idx << ", column '" << schema.fields[column_idx].name << "' ("
                      << type.ToString() << "): expected " << expected.value_or("NULL").substr(0, 200)
                      << ", DuckDB read " << actual.value_or("NULL").substr(0, 200);
      }
    }
  }
  return mismatches == 0;
}

std::string Hex(std::string_view bytes) {
  std::string hex;
  for (unsigned char byte : bytes) hex += fmt::format("{:02X}", byte);
  return hex;
}

// --- Thrift compact protocol reader ---

namespace {

Result<uint64_t> ReadVarint(const std::string& data, size_t* offset) {
  uint64_t value = 0;
  for (int shift = 0; shift < 64; shift += 7) {
    if (*offset >= data.size()) return DataError("varint runs past the end");
    uint8_t byte = static_cast<uint8_t>(data[(*offset)++]);
    value |= static_cast<uint64_t>(byte & 0x7F) << shift;
    if ((byte & 0x80) == 0) return value;
  }
  return DataError("varint too long");
}

ThriftValue Integer(int64_t value) {
  ThriftValue integer;
  integer.integer = value;
  return integer;
}

int64_t UnZigZag(uint64_t value) { return static_cast<int64_t>(value >> 1) ^ -static_cast<int64_t>(value & 1); }

Result<ThriftValue> ReadValue(const std::string& data, size_t* offset, int type);

Result<ThriftValue> ReadList(const std::string& data, size_t* offset) {
  if (*offset >= data.size()) return DataError("list header past the end");
  uint8_t header = static_cast<uint8_t>(data[(*offset)++]);
  uint64_t size = header >> 4;
  int element_type = header & 0x0F;
  if (size == 15) {
    SLUICE_ASSIGN_OR_RETURN(size, ReadVarint(data, offset));
  }
  std::vector<ThriftValue> elements;
  for (uint64_t element_idx = 0; element_idx < size; ++element_idx) {
    if (element_type == 1 || element_type == 2) {  // bool elements are one byte
      if (*offset >= data.size()) return DataError("bool past the end");
      ThriftValue element;
      element.integer = data[(*offset)++] == 1 ? 1 : 0;
      elements.push_back(std::move(element));
      continue;
    }
    SLUICE_ASSIGN_OR_RETURN(ThriftValue element, ReadValue(data, offset, element_type));
    elements.push_back(std::move(element));
  }
  ThriftValue list;
  list.elements = std::move(elements);
  return list;
}

Result<ThriftValue> ReadValue(const std::string& data, size_t* offset, int type) {
  switch (type) {
    case 3:
      if (*offset >= data.size()) return DataError("byte past the end");
      return Integer(static_cast<int8_t>(data[(*offset)++]));
    case 4:
    case 5:
    case 6: {
      SLUICE_ASSIGN_OR_RETURN(uint64_t raw, ReadVarint(data, offset));
      return Integer(UnZigZag(raw));
    }
    case 8: {
      SLUICE_ASSIGN_OR_RETURN(uint64_t length, ReadVarint(data, offset));
      if (*offset + length > data.size()) return DataError("binary past the end");
      ThriftValue binary;
      binary.binary = data.substr(*offset, length);
      *offset += length;
      return binary;
    }
    case 9:
    case 10: return ReadList(data, offset);
    case 12: {
      ThriftValue nested;
      SLUICE_ASSIGN_OR_RETURN(nested.fields, ParseThriftStruct(data, offset));
      return nested;
    }
    default: return DataError("unsupported compact type {}", type);
  }
}

}  // namespace

Result<ThriftStruct> ParseThriftStruct(const std::string& data, size_t* offset) {
  ThriftStruct fields;
  int16_t last_id = 0;
  while (true) {
    if (*offset >= data.size()) return DataError("struct runs past the end");
    uint8_t header = static_cast<uint8_t>(data[(*offset)++]);
    if (header == 0) return fields;
    int type = header & 0x0F;
    int delta = header >> 4;
    int16_t id;
    if (delta != 0) {
      id = static_cast<int16_t>(last_id + delta);
    } else {
      SLUICE_ASSIGN_OR_RETURN(uint64_t raw, ReadVarint(data, offset));
      id = static_cast<int16_t>(UnZigZag(raw));
    }
    if (type == 1 || type == 2) {
      fields[id] = Integer(type == 1 ? 1 : 0);
    } else {
      SLUICE_ASSIGN_OR_RETURN(ThriftValue value, ReadValue(data, offset, type));
      fields[id] = std::move(value);
    }
    last_id = id;
  }
}

Result<ThriftStruct> ParseFooter(const std::string& file_bytes) {
  if (file_bytes.size() < 12 || file_bytes.compare(0, 4, "PAR1") != 0 ||
      file_bytes.compare(file_bytes.size() - 4, 4, "PAR1") != 0) {
    return DataError("not a Parquet file (magic)");
  }
  uint32_t footer_bytes;
  std::memcpy(&footer_bytes, file_bytes.data() + file_bytes.size() - 8, 4);
  if (footer_bytes + 12 > file_bytes.size()) return DataError("footer length {} too large", footer_bytes);
  size_t offset = file_bytes.size() - 8 - footer_bytes;
  SLUICE_ASSIGN_OR_RETURN(ThriftStruct footer, ParseThriftStruct(file_bytes, &offset));
  if (offset != file_bytes.size() - 8) return DataError("footer length does not match its struct");
  return footer;
}

Result<std::vector<PageInfo>> ReadChunkPages(const std::string& file_bytes, int64_t chunk_offset, int64_t chunk_bytes) {
  std::vector<PageInfo> pages;
  size_t offset = static_cast<size_t>(chunk_offset);
  size_t end = static_cast<size_t>(chunk_offset + chunk_bytes);
  while (offset < end) {
    SLUICE_ASSIGN_OR_RETURN(ThriftStruct header, ParseThriftStruct(file_bytes, &offset));
    PageInfo page;
    page.page_type = header.at(1).i();
    page.uncompressed_bytes = header.at(2).i();
    page.compressed_bytes = header.at(3).i();
    int16_t detail_field = page.page_type == 0 ? 5 : 7;
    if (header.count(detail_field) == 0) return DataError("page header without its type's header");
    const ThriftStruct& detail = header.at(detail_field).st();
    page.num_values = detail.at(1).i();
    page.encoding = detail.at(2).i();
    offset += static_cast<size_t>(page.compressed_bytes);
    pages.push_back(page);
  }
  if (offset != end) return DataError("pages overrun the chunk by {} bytes", offset - end);
  return pages;
}

}  // namespace sluice::parquet::testing
