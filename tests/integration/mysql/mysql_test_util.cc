#include "mysql_test_util.h"

#include <array>
#include <charconv>

#include <fmt/format.h>

#include "source/text_values.h"
#include "types/decimal.h"
#include "types/temporal.h"

namespace sluice::testing {
namespace {

void AppendRow(const ColumnVector& from, size_t row, ColumnVector* to) {
  if (from.IsNull(row)) {
    to->AppendNull();
    return;
  }
  switch (from.type().storage()) {
    case Storage::kUInt8: to->Append<uint8_t>(from.Value<uint8_t>(row)); break;
    case Storage::kInt32: to->Append<int32_t>(from.Value<int32_t>(row)); break;
    case Storage::kInt64: to->Append<int64_t>(from.Value<int64_t>(row)); break;
    case Storage::kUInt64: to->Append<uint64_t>(from.Value<uint64_t>(row)); break;
    case Storage::kInt128: to->Append<int128_t>(from.Value<int128_t>(row)); break;
    case Storage::kFloat32: to->Append<float>(from.Value<float>(row)); break;
    case Storage::kFloat64: to->Append<double>(from.Value<double>(row)); break;
    case Storage::kBytes: to->AppendBytes(from.Bytes(row)); break;
  }
}

}  // namespace

std::string CellText(const ColumnVector& column, size_t row) {
  if (column.IsNull(row)) return "NULL";
  const DataType& type = column.type();
  std::array<char, source::kDoubleTextBufferSize> buffer;
  switch (type.id) {
    case TypeId::kBoolean: return column.Value<uint8_t>(row) ? "true" : "false";
    case TypeId::kFloat32: {
      auto result = std::to_chars(buffer.data(), buffer.data() + buffer.size(), column.Value<float>(row));
      return std::string(buffer.data(), result.ptr);
    }
    case TypeId::kFloat64:
      return std::string(source::FormatDoubleShortest(column.Value<double>(row), false, buffer));
    case TypeId::kDecimal:
      switch (type.storage()) {
        case Storage::kInt64: return FormatDecimal(column.Value<int64_t>(row), type.scale);
        case Storage::kInt128: return FormatDecimal(column.Value<int128_t>(row), type.scale);
        default: return std::string(column.Bytes(row));
      }
    case TypeId::kDate: return FormatDate(column.Value<int32_t>(row));
    case TypeId::kTimestamp:
    case TypeId::kTimestampTz: return FormatTimestampIso(column.Value<int64_t>(row));
    case TypeId::kTime: return FormatTime(column.Value<int64_t>(row));
    case TypeId::kString:
    case TypeId::kJson: return std::string(column.Bytes(row));
    case TypeId::kBinary: {
      std::string hex = "x'";
      for (unsigned char byte : column.Bytes(row)) hex += fmt::format("{:02x}", byte);
      return hex + "'";
    }
    default: break;
  }
  switch (type.storage()) {
    case Storage::kInt32: return std::to_string(column.Value<int32_t>(row));
    case Storage::kInt64: return std::to_string(column.Value<int64_t>(row));
    case Storage::kUInt64: return std::to_string(column.Value<uint64_t>(row));
    default: return "?";
  }
}

std::vector<std::string> BatchRows(const ColumnBatch& batch) {
  std::vector<std::string> rows;
  for (size_t row = 0; row < batch.num_rows(); ++row) {
    std::string text;
    for (size_t column_idx = 0; column_idx < batch.num_columns(); ++column_idx) {
      if (column_idx > 0) text += "|";
      text += CellText(batch.column(column_idx), row);
    }
    rows.push_back(std::move(text));
  }
  return rows;
}

SelectQuery WholeTable(const std::string& table, const Schema& schema, std::vector<std::string> key_columns) {
  SelectQuery query;
  query.table = table;
  for (const Field& field : schema.fields) query.columns.push_back(field.name);
  query.key_columns = std::move(key_columns);
  return query;
}

Result<ColumnBatch> ReadAll(source::Source& source, const SelectQuery& query, SchemaPtr schema,
                            const source::ReadOptions& options, source::ReadStats* stats, size_t chunk_rows) {
  SLUICE_ASSIGN_OR_RETURN(std::unique_ptr<source::BatchReader> reader, source.Read(query, schema, options));
  ColumnBatch all(schema);
  ColumnBatch chunk(schema);
  while (true) {
    SLUICE_ASSIGN_OR_RETURN(size_t rows, reader->Next(&chunk, chunk_rows));
    if (rows == 0) break;
    for (size_t column_idx = 0; column_idx < chunk.num_columns(); ++column_idx) {
      for (size_t row = 0; row < rows; ++row) AppendRow(chunk.column(column_idx), row, &all.column(column_idx));
    }
  }
  if (stats != nullptr) *stats = reader->stats();
  return all;
}

std::vector<std::string> SourceOf(MySqlClient& client, const std::string& table) {
  return JoinAll(client.Rows(
      For("SELECT id, DATE_FORMAT(updated_at, '%Y-%m-%d %H:%i:%s.%f'), amount, note FROM {t} ORDER BY id", table)));
}

std::vector<std::string> TargetOf(EmbeddedProject& project, const std::string& table) {
  return JoinAll(project.TargetRows(For(
      "SELECT id, strftime(updated_at, '%Y-%m-%d %H:%M:%S.%f'), CAST(amount AS VARCHAR), note FROM {t} ORDER BY id",
      table)));
}

}  // namespace sluice::testing
