#include "source/postgres/pg_copy_reader.h"

#include <cstring>

#include <fmt/format.h>

#include "source/postgres/pg_wire.h"

namespace sluice::source::postgres {
namespace {

constexpr char kSignature[] = "PGCOPY\n\377\r\n";  // + the terminating '\0': 11 bytes
constexpr size_t kSignatureBytes = 11;
constexpr uint32_t kFlagWithOids = 1u << 16;

}  // namespace

PgCopyReader::PgCopyReader(std::shared_ptr<PgConnection> connection, CopyPlan plan, SchemaPtr schema,
                           const ReadOptions& options)
    : connection_(std::move(connection)), plan_(std::move(plan)), schema_(std::move(schema)), options_(options) {
  decoders_.reserve(plan_.columns.size());
  for (const PgColumnType& column : plan_.columns) decoders_.push_back(DecoderFor(column));
  context_.zero_dates = options_.zero_dates;
  context_text_ = options_.table_for_errors.empty() ? "reading the query" : "reading " + options_.table_for_errors;
}

Result<std::unique_ptr<BatchReader>> PgCopyReader::Start(std::shared_ptr<PgConnection> connection, CopyPlan plan,
                                                         SchemaPtr schema, const ReadOptions& options) {
  if (plan.columns.size() != schema->fields.size()) {
    return Internal("the COPY selects {} columns for a schema of {}", plan.columns.size(), schema->fields.size());
  }
  std::unique_ptr<PgCopyReader> reader(new PgCopyReader(connection, std::move(plan), std::move(schema), options));
  if (PQsendQuery(connection->get(), reader->plan_.sql.c_str()) == 0) {
    reader->finished_ = true;
    return connection->ErrorFrom(nullptr, reader->context_text_);
  }
  // Cancellable from here: the server may plan and run a while before the COPY starts.
  connection->ReaderStarted();
  ResultPtr started(PQgetResult(connection->get()));
  if (!started || PQresultStatus(started.get()) != PGRES_COPY_OUT) {
    Status error = connection->ErrorFrom(started.get(), reader->context_text_);
    started.reset();
    reader->finished_ = true;
    Status rest = FinishResults(*connection, reader->context_text_);
    return error.ok() ? rest : error;
  }
  return std::unique_ptr<BatchReader>(std::move(reader));
}

PgCopyReader::~PgCopyReader() {
  ReleaseMessage();
  if (!finished_) AbandonResult(*connection_, plan_.cancel_when_dropped);
}

void PgCopyReader::ReleaseMessage() {
  if (message_ != nullptr) PQfreemem(message_);
  message_ = nullptr;
  position_ = end_ = nullptr;
}

Status PgCopyReader::Malformed(std::string_view what) const {
  return Internal("{}: the COPY stream is malformed: {}", context_text_, what);
}

Result<bool> PgCopyReader::NextMessage() {
  ReleaseMessage();
  char* buffer = nullptr;
  int size = PQgetCopyData(connection_->get(), &buffer, /*async=*/0);
  if (size > 0) {
    message_ = buffer;
    position_ = buffer;
    end_ = buffer + size;
    if (!header_seen_) SLUICE_RETURN_IF_ERROR(ParseHeader());
    return true;
  }
  if (size == -2) return connection_->ErrorFrom(nullptr, context_text_);
  finished_ = true;  // -1: the data is complete; the COPY's own result follows
  SLUICE_RETURN_IF_ERROR(FinishResults(*connection_, context_text_));
  if (!trailer_seen_) return Malformed("it ended without its trailer");
  return false;
}

Status PgCopyReader::ParseHeader() {
  if (end_ - position_ < static_cast<ptrdiff_t>(kSignatureBytes + 8) ||
      std::memcmp(position_, kSignature, kSignatureBytes) != 0) {
    return Malformed("no COPY BINARY signature");
  }
  position_ += kSignatureBytes;
  uint32_t flags = LoadUInt32(position_);
  uint32_t extension_bytes = LoadUInt32(position_ + 4);
  position_ += 8;
  if ((flags & kFlagWithOids) != 0) return Malformed("rows carry OIDs");
  if (extension_bytes > static_cast<size_t>(end_ - position_)) return Malformed("the header extension overruns it");
  position_ += extension_bytes;
  header_seen_ = true;
  return Status::Ok();
}

Result<bool> PgCopyReader::DecodeRow(ColumnBatch* batch) {
  const char* row = position_;
  if (end_ - position_ < 2) return Malformed("a row is cut short");
  int16_t fields = LoadInt16(position_);
  position_ += 2;
  if (fields == -1) {
    trailer_seen_ = true;
    position_ = end_;
    return false;
  }
  if (static_cast<size_t>(fields) != decoders_.size()) {
    return Malformed(fmt::format("a row has {} fields, expected {}", fields, decoders_.size()));
  }
  for (size_t column_idx = 0; column_idx < decoders_.size(); ++column_idx) {
    if (end_ - position_ < 4) [[unlikely]]
      return Malformed("a row is cut short");
    int32_t length = LoadInt32(position_);
    position_ += 4;
    ColumnVector& out = batch->column(column_idx);
    if (length < 0) {
      out.AppendNull();
      continue;
    }
    if (length > end_ - position_) [[unlikely]]
      return Malformed("a value overruns its row");
    if (!decoders_[column_idx](std::string_view(position_, static_cast<size_t>(length)), plan_.columns[column_idx],
                               &out, &context_)) [[unlikely]] {
      return ErrorAtRow(options_, *schema_, column_idx, DescribeRow(row), context_.error);
    }
    position_ += length;
  }
  return true;
}

Result<size_t> PgCopyReader::Next(ColumnBatch* batch, size_t max_rows) {
  SLUICE_RETURN_IF_ERROR(CheckBatch(*batch, *schema_, max_rows));
  if (!failure_.ok()) return failure_;
  batch->Clear();
  if (finished_) return size_t{0};
  batch->Reserve(max_rows);
  size_t rows = 0;
  while (rows < max_rows) {
    if (position_ == end_) {
      Result<bool> more = NextMessage();
      if (!more) {
        failure_ = more.error();
        return failure_;
      }
      if (!*more) break;
      continue;
    }
    Result<bool> decoded = DecodeRow(batch);
    if (!decoded) [[unlikely]] {
      failure_ = decoded.error();
      return failure_;
    }
    if (*decoded) {
      ++rows;
      ++stats_.rows;
    }
  }
  stats_.zero_dates_nulled = context_.zero_dates_nulled;
  return rows;
}

std::string PgCopyReader::DescribeRow(const char* row) const {
  if (plan_.locator.columns.empty()) return fmt::format("row {} of the result", stats_.rows + 1);
  std::vector<std::string_view> values(decoders_.size());
  std::vector<bool> present(decoders_.size(), false);
  const char* position = row + 2;
  for (size_t column_idx = 0; column_idx < decoders_.size() && end_ - position >= 4; ++column_idx) {
    int32_t length = LoadInt32(position);
    position += 4;
    if (length < 0) continue;
    if (length > end_ - position) break;
    values[column_idx] = std::string_view(position, static_cast<size_t>(length));
    present[column_idx] = true;
    position += length;
  }
  std::string text = "row ";
  for (size_t part_idx = 0; part_idx < plan_.locator.columns.size(); ++part_idx) {
    const auto& [column_idx, name] = plan_.locator.columns[part_idx];
    std::string shown = present[column_idx] ? DescribeValue(values[column_idx], plan_.columns[column_idx]) : "NULL";
    text += fmt::format("{}{}={}", part_idx == 0 ? "" : ", ", name, shown);
  }
  return text;
}

}  // namespace sluice::source::postgres
