#include "source/postgres/pg_row_reader.h"

#include <fmt/format.h>

namespace sluice::source::postgres {

PgRowReader::PgRowReader(std::shared_ptr<PgConnection> connection, std::vector<PgColumnType> columns,
                         SchemaPtr schema, const ReadOptions& options)
    : connection_(std::move(connection)), columns_(std::move(columns)), schema_(std::move(schema)), options_(options) {
  decoders_.reserve(columns_.size());
  for (const PgColumnType& column : columns_) decoders_.push_back(DecoderFor(column));
  context_.zero_dates = options_.zero_dates;
  context_text_ = options_.table_for_errors.empty() ? "reading the query"
                                                    : "reading the custom SQL of " + options_.table_for_errors;
}

Result<std::unique_ptr<BatchReader>> PgRowReader::Start(std::shared_ptr<PgConnection> connection,
                                                        const std::string& sql, const std::vector<Oid>& param_types,
                                                        const std::vector<std::optional<std::string>>& params,
                                                        std::vector<PgColumnType> columns, SchemaPtr schema,
                                                        const ReadOptions& options) {
  if (columns.size() != schema->fields.size()) {
    return Internal("the query returns {} columns for a schema of {}", columns.size(), schema->fields.size());
  }
  std::unique_ptr<PgRowReader> reader(new PgRowReader(connection, std::move(columns), std::move(schema), options));
  std::vector<const char*> values;
  values.reserve(params.size());
  for (const auto& param : params) values.push_back(param ? param->c_str() : nullptr);
  PGconn* conn = connection->get();
  if (param_types.size() != values.size()) return Internal("{} parameter types for {} values", param_types.size(), values.size());
  if (PQsendQueryParams(conn, sql.c_str(), static_cast<int>(values.size()), param_types.data(), values.data(),
                        nullptr, nullptr, /*resultFormat=*/1) == 0) {
    reader->finished_ = true;
    return connection->ErrorFrom(nullptr, reader->context_text_);
  }
  connection->ReaderStarted();
  if (PQsetSingleRowMode(conn) == 0) {
    reader->finished_ = true;
    AbandonResult(*connection, /*cancel=*/true);
    return Internal("{}: libpq refused single-row mode", reader->context_text_);
  }
  return std::unique_ptr<BatchReader>(std::move(reader));
}

PgRowReader::~PgRowReader() {
  if (!finished_) AbandonResult(*connection_, /*cancel=*/true);
}

Status PgRowReader::CheckResultTypes(const PGresult* result) const {
  if (static_cast<size_t>(PQnfields(result)) != columns_.size()) {
    return SchemaMismatch("{}: the query now returns {} columns, {} were described", context_text_, PQnfields(result),
                          columns_.size());
  }
  for (size_t column_idx = 0; column_idx < columns_.size(); ++column_idx) {
    Oid type = PQftype(result, static_cast<int>(column_idx));
    if (type != columns_[column_idx].oid) {
      return SchemaMismatch("{}: column {} now has type OID {}, {} was described", context_text_,
                            schema_->fields[column_idx].name, type, columns_[column_idx].oid);
    }
  }
  return Status::Ok();
}

Status PgRowReader::DecodeRow(const PGresult* result, ColumnBatch* batch) {
  if (!types_checked_) {
    SLUICE_RETURN_IF_ERROR(CheckResultTypes(result));
    types_checked_ = true;
  }
  for (size_t column_idx = 0; column_idx < decoders_.size(); ++column_idx) {
    int field = static_cast<int>(column_idx);
    ColumnVector& out = batch->column(column_idx);
    if (PQgetisnull(result, 0, field)) {
      out.AppendNull();
      continue;
    }
    std::string_view value(PQgetvalue(result, 0, field), static_cast<size_t>(PQgetlength(result, 0, field)));
    if (!decoders_[column_idx](value, columns_[column_idx], &out, &context_)) [[unlikely]] {
      return ErrorAtRow(options_, *schema_, column_idx, fmt::format("row {} of the result", stats_.rows + 1),
                        context_.error);
    }
  }
  return Status::Ok();
}

Result<size_t> PgRowReader::Next(ColumnBatch* batch, size_t max_rows) {
  SLUICE_RETURN_IF_ERROR(CheckBatch(*batch, *schema_, max_rows));
  if (!failure_.ok()) return failure_;
  batch->Clear();
  if (finished_) return size_t{0};
  batch->Reserve(max_rows);
  size_t rows = 0;
  while (rows < max_rows) {
    ResultPtr result(PQgetResult(connection_->get()));
    ExecStatusType state = result ? PQresultStatus(result.get()) : PGRES_FATAL_ERROR;
    if (state == PGRES_SINGLE_TUPLE) {
      Status decoded = DecodeRow(result.get(), batch);
      if (!decoded.ok()) {
        failure_ = decoded;
        return failure_;
      }
      ++rows;
      ++stats_.rows;
      continue;
    }
    finished_ = true;
    Status status = state == PGRES_TUPLES_OK ? Status::Ok() : connection_->ErrorFrom(result.get(), context_text_);
    result.reset();
    Status rest = FinishResults(*connection_, context_text_);
    if (status.ok()) status = rest;
    if (!status.ok()) {
      failure_ = status;
      return failure_;
    }
    break;
  }
  stats_.zero_dates_nulled = context_.zero_dates_nulled;
  return rows;
}

}  // namespace sluice::source::postgres
