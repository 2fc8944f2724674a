#include "source_reading.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "connect/open.h"

#include "types/decimal.h"
#include "types/temporal.h"

namespace sluice::testing {

std::unique_ptr<source::Source> OpenTestPostgresSource(const ServerEnv& server) {
  auto opened = source::OpenSource(server.Connection(config::SourceType::kPostgres));
  if (!opened.has_value()) {
    ADD_FAILURE() << opened.error().ToString();
    return nullptr;
  }
  return std::move(*opened);
}

std::string CellText(const ColumnVector& column, size_t row) {
  if (column.IsNull(row)) return "NULL";
  const DataType& type = column.type();
  switch (type.storage()) {
    case Storage::kUInt8: return column.Value<uint8_t>(row) ? "true" : "false";
    case Storage::kInt32:
      if (type.id == TypeId::kDate) return FormatDate(column.Value<int32_t>(row));
      return std::to_string(column.Value<int32_t>(row));
    case Storage::kInt64: {
      int64_t value = column.Value<int64_t>(row);
      if (type.id == TypeId::kTimestamp || type.id == TypeId::kTimestampTz) return FormatTimestampIso(value);
      if (type.id == TypeId::kTime) return FormatTime(value);
      if (type.id == TypeId::kDecimal) return FormatDecimal(value, type.scale);
      return std::to_string(value);
    }
    case Storage::kUInt64: return std::to_string(column.Value<uint64_t>(row));
    case Storage::kInt128: return FormatDecimal(column.Value<__int128>(row), type.scale);
    case Storage::kFloat32: return fmt::format("{}", column.Value<float>(row));
    case Storage::kFloat64: return fmt::format("{}", column.Value<double>(row));
    case Storage::kBytes: {
      std::string_view bytes = column.Bytes(row);
      if (type.id != TypeId::kBinary) return std::string(bytes);
      std::string hex = "\\x";
      for (unsigned char byte : bytes) hex += fmt::format("{:02x}", byte);
      return hex;
    }
  }
  return "?";
}

ReadResult ReadAllRows(source::Source& source, const SelectQuery& query, SchemaPtr schema,
                       const source::ReadOptions& options, size_t batch_rows) {
  ReadResult result;
  auto reader = source.Read(query, schema, options);
  if (!reader) {
    result.status = reader.error();
    return result;
  }
  ColumnBatch batch(schema);
  while (true) {
    auto rows = (*reader)->Next(&batch, batch_rows);
    if (!rows) {
      result.status = rows.error();
      break;
    }
    if (*rows == 0) break;
    for (size_t row = 0; row < *rows; ++row) {
      std::vector<std::string> cells;
      for (size_t column_idx = 0; column_idx < batch.num_columns(); ++column_idx) {
        cells.push_back(CellText(batch.column(column_idx), row));
      }
      result.rows.push_back(std::move(cells));
    }
  }
  result.stats = (*reader)->stats();
  return result;
}

SelectQuery WholeTable(const std::string& table, const Schema& schema) {
  SelectQuery query;
  query.table = table;
  for (const Field& field : schema.fields) query.columns.push_back(field.name);
  query.key_columns = schema.primary_key;
  return query;
}

}  // namespace sluice::testing
