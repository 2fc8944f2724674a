#include "source/mysql/mysql_reader.h"

#include <fmt/format.h>

namespace sluice::source::mysql {

MySqlBatchReader::MySqlBatchReader(std::shared_ptr<MySqlConnection> connection, MYSQL_STMT* statement,
                                   std::vector<Value> params, SchemaPtr schema, const ReadOptions& options)
    : connection_(std::move(connection)),
      statement_(statement),
      params_(std::move(params)),
      schema_(std::move(schema)),
      options_(options) {
  for (const std::string& key : schema_->primary_key) {
    auto field_idx = schema_->FieldIndex(key);
    if (!field_idx) {
      key_columns_.clear();
      break;
    }
    key_columns_.push_back(*field_idx);
  }
}

Result<std::unique_ptr<MySqlBatchReader>> MySqlBatchReader::Start(std::shared_ptr<MySqlConnection> connection,
                                                                  MYSQL_STMT* statement, std::vector<Value> params,
                                                                  SchemaPtr schema, const ReadOptions& options,
                                                                  bool cancel_when_dropped) {
  if (connection->reader_active) return Internal("a reader is still open on this MySQL source");
  std::unique_ptr<MySqlBatchReader> reader(
      new MySqlBatchReader(std::move(connection), statement, std::move(params), std::move(schema), options));
  reader->cancel_when_dropped_ = cancel_when_dropped;
  std::string context = reader->Context();
  // The callback's data is the reader's decoder, whose address is fixed from here on.
  Status executed = ExecuteStatement(*reader->connection_, statement, &reader->params_, &RowDecoder::OnColumn,
                                     &reader->decoder_, context);
  if (!executed.ok()) {
    reader->statement_ = nullptr;
    return executed;
  }
  reader->connection_->reader_active = true;
  MetadataPtr metadata(mysql_stmt_result_metadata(statement));
  if (!metadata) return InvalidArgument("{}: the SQL returns no rows (it must be a SELECT)", context);
  auto decoder = RowDecoder::Create(mysql_fetch_fields(metadata.get()), mysql_num_fields(metadata.get()),
                                    *reader->schema_, options.zero_dates);
  if (!decoder) return decoder.error().WithContext(context);
  reader->decoder_ = std::move(*decoder);
  return reader;
}

MySqlBatchReader::~MySqlBatchReader() { Finish(/*abandoned=*/true); }

void MySqlBatchReader::Finish(bool abandoned) {
  if (statement_ == nullptr) return;
  if (abandoned && cancel_when_dropped_) {
    connection_->CancelResult(statement_);
  } else {
    // Reads and discards the rows still on the wire, so the connection can run the next statement.
    mysql_stmt_free_result(statement_);
  }
  statement_ = nullptr;
  connection_->reader_active = false;
}

std::string MySqlBatchReader::Context() const {
  return options_.table_for_errors.empty() ? std::string("reading the query")
                                           : fmt::format("reading {}", options_.table_for_errors);
}

Status MySqlBatchReader::CheckBatch(const ColumnBatch& batch, size_t max_rows) const {
  if (batch.num_columns() != schema_->fields.size()) {
    return InvalidArgument("the batch has {} columns, the read {}", batch.num_columns(), schema_->fields.size());
  }
  for (size_t column_idx = 0; column_idx < batch.num_columns(); ++column_idx) {
    if (batch.column(column_idx).type() != schema_->fields[column_idx].type) {
      return InvalidArgument("batch column {} is a {}, the read's a {}", column_idx,
                             batch.column(column_idx).type().ToString(), schema_->fields[column_idx].type.ToString());
    }
  }
  if (max_rows == 0) return InvalidArgument("Next needs max_rows > 0");
  return Status::Ok();
}

Result<size_t> MySqlBatchReader::Next(ColumnBatch* batch, size_t max_rows) {
  SLUICE_RETURN_IF_ERROR(CheckBatch(*batch, max_rows));
  if (!failure_.ok()) return failure_;
  batch->Clear();
  if (statement_ == nullptr) return size_t{0};
  batch->Reserve(max_rows);
  decoder_.Target(batch);
  size_t rows = 0;
  while (rows < max_rows) {
    int rc = mysql_stmt_fetch(statement_);
    if (rc == 0) {
      if (decoder_.has_row_error()) {
        failure_ = RowError(*batch);
        Finish(/*abandoned=*/true);
        return failure_;
      }
      ++rows;
      continue;
    }
    if (rc == MYSQL_NO_DATA) {
      Finish(/*abandoned=*/false);
      break;
    }
    failure_ = rc == MYSQL_DATA_TRUNCATED ? Internal("{}: a value was truncated", Context())
                                          : connection_->StatementError(statement_, Context());
    if (failure_.code() == StatusCode::kUnavailable) {
      failure_ = Unavailable("{}; rows past the last staged file were not recorded, so the next run resumes from "
                             "there",
                             failure_.message());
    }
    // A truncated value leaves the rest of the result unread; any other error ended it.
    Finish(/*abandoned=*/rc == MYSQL_DATA_TRUNCATED);
    return failure_;
  }
  stats_.rows += static_cast<int64_t>(rows);
  stats_.zero_dates_nulled = decoder_.zero_dates_nulled();
  return rows;
}

std::string MySqlBatchReader::DescribeRow(const ColumnBatch& batch, size_t row) const {
  std::string text;
  for (size_t column_idx : key_columns_) {
    auto value = ValueAt(batch.column(column_idx), row);
    if (!value) return fmt::format("row {} of the result", stats_.rows + static_cast<int64_t>(row) + 1);
    bool quoted = value->kind() != Value::Kind::kInt64 && value->kind() != Value::Kind::kUInt64 && !value->is_null();
    fmt::format_to(std::back_inserter(text), "{}{}={}", text.empty() ? "row " : ", ",
                   schema_->fields[column_idx].name,
                   quoted ? fmt::format("'{}'", value->ToString().substr(0, 100)) : value->ToString());
  }
  if (text.empty()) return fmt::format("row {} of the result", stats_.rows + static_cast<int64_t>(row) + 1);
  return text;
}

Status MySqlBatchReader::RowError(const ColumnBatch& batch) const {
  std::string where = fmt::format("column {}, {}", schema_->fields[decoder_.row_error_column()].name,
                                  DescribeRow(batch, batch.num_rows() - 1));
  if (!options_.table_for_errors.empty()) where = fmt::format("table {}, {}", options_.table_for_errors, where);
  return decoder_.row_error().WithContext(where);
}

}  // namespace sluice::source::mysql
