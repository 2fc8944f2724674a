#include "source/sqlite/sqlite_reader.h"

#include <algorithm>
#include <array>

#include "source/text_values.h"

namespace sluice::source::sqlite {
namespace {

// A locator value as SQL-ish text: 42, 'abc', x'00ff', NULL.
std::string LocatorValue(sqlite3_stmt* statement, int column_idx) {
  switch (sqlite3_column_type(statement, column_idx)) {
    case SQLITE_INTEGER: return std::to_string(sqlite3_column_int64(statement, column_idx));
    case SQLITE_FLOAT: {
      std::array<char, kDoubleTextBufferSize> buffer;
      return std::string(FormatDoubleShortest(sqlite3_column_double(statement, column_idx), false, buffer));
    }
    case SQLITE_TEXT: {
      std::string_view text(reinterpret_cast<const char*>(sqlite3_column_text(statement, column_idx)),
                            static_cast<size_t>(sqlite3_column_bytes(statement, column_idx)));
      return fmt::format("'{}'", text.substr(0, 100));
    }
    case SQLITE_BLOB: {
      const auto* bytes = static_cast<const unsigned char*>(sqlite3_column_blob(statement, column_idx));
      int size = std::min(sqlite3_column_bytes(statement, column_idx), 16);
      std::string hex = "x'";
      for (int byte_idx = 0; byte_idx < size; ++byte_idx) hex += fmt::format("{:02x}", bytes[byte_idx]);
      return hex + "'";
    }
    default: return "NULL";
  }
}

}  // namespace

SqliteBatchReader::SqliteBatchReader(sqlite3* db, StatementPtr statement, std::vector<Value> params, SchemaPtr schema,
                                     const ReadOptions& options, RowLocator locator)
    : db_(db),
      statement_(std::move(statement)),
      params_(std::move(params)),
      schema_(std::move(schema)),
      options_(options),
      locator_(std::move(locator)) {
  converters_.reserve(schema_->fields.size());
  for (const Field& field : schema_->fields) converters_.push_back(ConverterFor(field.type));
  context_.zero_dates = options_.zero_dates;
}

Result<std::unique_ptr<BatchReader>> SqliteBatchReader::Start(sqlite3* db, StatementPtr statement,
                                                              std::vector<Value> params, SchemaPtr schema,
                                                              const ReadOptions& options, RowLocator locator) {
  int returned = sqlite3_column_count(statement.get());
  int wanted = static_cast<int>(schema->fields.size());
  int extra = 0;
  for (const auto& [column_idx, name] : locator.columns) extra += column_idx >= wanted ? 1 : 0;
  if (returned != wanted + extra) {
    return InvalidArgument("the query returns {} columns but the schema has {}", returned - extra, wanted);
  }
  std::unique_ptr<SqliteBatchReader> reader(new SqliteBatchReader(db, std::move(statement), std::move(params),
                                                                  std::move(schema), options, std::move(locator)));
  SLUICE_RETURN_IF_ERROR(BindParams(db, reader->statement_.get(), reader->params_, &reader->bound_text_));
  return std::unique_ptr<BatchReader>(std::move(reader));
}

Result<size_t> SqliteBatchReader::Next(ColumnBatch* batch, size_t max_rows) {
  if (batch->num_columns() != converters_.size()) {
    return InvalidArgument("the batch has {} columns, the read {}", batch->num_columns(), converters_.size());
  }
  for (size_t column_idx = 0; column_idx < converters_.size(); ++column_idx) {
    if (batch->column(column_idx).type() != schema_->fields[column_idx].type) {
      return InvalidArgument("batch column {} is a {}, the read's a {}", column_idx,
                             batch->column(column_idx).type().ToString(), schema_->fields[column_idx].type.ToString());
    }
  }
  if (max_rows == 0) return InvalidArgument("Next needs max_rows > 0");
  if (!failure_.ok()) return failure_;
  batch->Clear();
  if (statement_ == nullptr) return size_t{0};
  batch->Reserve(max_rows);
  sqlite3_stmt* statement = statement_.get();
  size_t rows = 0;
  while (rows < max_rows) {
    int rc = sqlite3_step(statement);
    if (rc == SQLITE_DONE) {
      statement_.reset();
      break;
    }
    if (rc != SQLITE_ROW) {
      failure_ = SqliteError(db_, rc,
                             options_.table_for_errors.empty() ? std::string("reading the query")
                                                               : fmt::format("reading {}", options_.table_for_errors));
      return failure_;
    }
    for (size_t column_idx = 0; column_idx < converters_.size(); ++column_idx) {
      Status status =
          converters_[column_idx](statement, static_cast<int>(column_idx), &batch->column(column_idx), &context_);
      if (!status.ok()) {
        failure_ = ErrorAt(column_idx, status);
        return failure_;
      }
    }
    ++rows;
    ++stats_.rows;
  }
  stats_.zero_dates_nulled = context_.zero_dates_nulled;
  return rows;
}

std::string SqliteBatchReader::DescribeRow() const {
  if (locator_.columns.empty()) return fmt::format("row {} of the result", stats_.rows + 1);
  std::string text = "row ";
  for (size_t part_idx = 0; part_idx < locator_.columns.size(); ++part_idx) {
    const auto& [column_idx, name] = locator_.columns[part_idx];
    text += fmt::format("{}{}={}", part_idx == 0 ? "" : ", ", name, LocatorValue(statement_.get(), column_idx));
  }
  return text;
}

Status SqliteBatchReader::ErrorAt(size_t column_idx, const Status& cause) const {
  std::string where = fmt::format("column {}, {}", schema_->fields[column_idx].name, DescribeRow());
  if (!options_.table_for_errors.empty()) where = fmt::format("table {}, {}", options_.table_for_errors, where);
  return cause.WithContext(where);
}

}  // namespace sluice::source::sqlite
