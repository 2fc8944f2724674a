#include "format/parquet/file_writer.h"

#include <algorithm>
#include <limits>
#include <string>
#include <vector>

#include "format/parquet/column_writer.h"
#include "format/parquet/compression.h"
#include "format/parquet/metadata.h"
#include "sluice/version.h"

namespace sluice::parquet {
namespace {

constexpr std::string_view kMagic = "PAR1";
constexpr size_t kMaxPageOptionBytes = size_t{1} << 30;

Status ValidateOptions(const WriterOptions& options) {
  if (options.data_page_bytes == 0 || options.data_page_bytes > kMaxPageOptionBytes) {
    return InvalidArgument("Parquet data_page_bytes must be 1..{}, not {}", kMaxPageOptionBytes,
                           options.data_page_bytes);
  }
  if (options.dictionary_page_bytes == 0 || options.dictionary_page_bytes > kMaxPageOptionBytes) {
    return InvalidArgument("Parquet dictionary_page_bytes must be 1..{}, not {}", kMaxPageOptionBytes,
                           options.dictionary_page_bytes);
  }
  if (options.row_group_bytes == 0) return InvalidArgument("Parquet row_group_bytes must be positive");
  if (options.max_row_group_rows == 0 ||
      options.max_row_group_rows > static_cast<size_t>(std::numeric_limits<int32_t>::max())) {
    return InvalidArgument("Parquet max_row_group_rows must be 1..{}, not {}", std::numeric_limits<int32_t>::max(),
                           options.max_row_group_rows);
  }
  return Status::Ok();
}

}  // namespace

size_t RowsPerSlice(const ColumnBatch& batch, const WriterOptions& options) {
  size_t row_count = std::max<size_t>(batch.num_rows(), 1);
  size_t average_row_bytes = std::max<size_t>(batch.ByteSize() / row_count, 1);
  return std::max<size_t>(options.data_page_bytes / average_row_bytes, 1);
}

class FileWriter::Impl {
 public:
  Impl(SchemaPtr schema, WriterOptions options, WritableFile* sink, std::unique_ptr<Compressor> compressor)
      : schema_(std::move(schema)),
        file_schema_(FileSchema(schema_, options)),
        options_(std::move(options)),
        sink_(sink),
        position_(sink->Size()) {
    if (options_.created_by.empty()) options_.created_by = std::string("sluice version ") + SLUICE_VERSION;
    context_.compressor = std::move(compressor);
    for (const Field& field : file_schema_->fields) columns_.push_back(MakeColumnWriter(field, options_, &context_));
  }

  Status Start() { return Append(kMagic); }

  Status Write(const ColumnBatch& batch, size_t row_offset, size_t row_count) {
    if (!status_.ok()) return status_;
    if (closed_) return InvalidArgument("Parquet writer: Write after Close");
    SLUICE_RETURN_IF_ERROR(CheckBatch(batch, row_offset, row_count));
    status_ = WriteRows(batch, row_offset, row_count);
    return status_;
  }

  Status Close() {
    if (!status_.ok()) return status_;
    if (closed_) return InvalidArgument("Parquet writer: Close called twice");
    status_ = WriteFooter();
    closed_ = true;
    return status_;
  }

  uint64_t rows_written() const { return rows_written_; }

  std::vector<int64_t> null_counts() const {
    std::vector<int64_t> counts;
    for (size_t column_idx = 0; column_idx < columns_.size(); ++column_idx) {
      int64_t nulls = columns_[column_idx]->null_count();
      for (const RowGroupMetaData& row_group : row_groups_) {
        nulls += row_group.columns[column_idx].statistics.null_count;
      }
      counts.push_back(nulls);
    }
    return counts;
  }

  uint64_t EstimatedFileBytes() const {
    uint64_t bytes = position_;
    for (const auto& column : columns_) bytes += column->BufferedBytes();
    return bytes;
  }

 private:
  Status CheckBatch(const ColumnBatch& batch, size_t row_offset, size_t row_count) const {
    if (batch.schema_ptr() != schema_ && batch.schema() != *schema_) {
      return SchemaMismatch("Parquet writer: the batch's schema differs from the file's");
    }
    if (!batch.ColumnsHaveEqualLength()) return InvalidArgument("Parquet writer: the batch's columns differ in length");
    if (row_offset > batch.num_rows() || row_count > batch.num_rows() - row_offset) {
      return InvalidArgument("Parquet writer: rows {}..{} are outside a batch of {} rows", row_offset,
                             row_offset + row_count, batch.num_rows());
    }
    for (size_t column_idx = 0; column_idx < batch.num_columns(); ++column_idx) {
      const Field& field = schema_->fields[column_idx];
      const ColumnVector& column = batch.column(column_idx);
      if (field.nullable || column.null_count() == 0) continue;
      const uint8_t* validity = column.validity();
      for (size_t row = row_offset; row < row_offset + row_count; ++row) {
        if (validity[row] == 0) {
          return DataError("column '{}' is not nullable but row {} of the batch is NULL", field.name, row);
        }
      }
    }
    return Status::Ok();
  }

  Status WriteRows(const ColumnBatch& batch, size_t row_offset, size_t row_count) {
    size_t slice_rows = RowsPerSlice(batch, options_);
    while (row_count > 0) {
      size_t rows = std::min({row_count, slice_rows, options_.max_row_group_rows - group_rows_});
      for (size_t column_idx = 0; column_idx < columns_.size(); ++column_idx) {
        if (column_idx == batch.num_columns()) break;  // the row positions, below
        Status status = columns_[column_idx]->Write(batch.column(column_idx), row_offset, rows);
        if (!status.ok()) return status;
      }
      if (columns_.size() > batch.num_columns()) SLUICE_RETURN_IF_ERROR(WriteRowPositions(rows));
      group_rows_ += rows;
      rows_written_ += rows;
      row_offset += rows;
      row_count -= rows;
      if (group_rows_ >= options_.max_row_group_rows || BufferedBytes() >= options_.row_group_bytes) {
        SLUICE_RETURN_IF_ERROR(FlushRowGroup());
      }
    }
    return Status::Ok();
  }

  // The next `rows` values of options_.row_position_column.
  Status WriteRowPositions(size_t rows) {
    row_positions_.Clear();
    row_positions_.Reserve(rows);
    for (size_t row = 0; row < rows; ++row) row_positions_.Append(static_cast<int64_t>(rows_written_ + row));
    return columns_.back()->Write(row_positions_, 0, rows);
  }

  static SchemaPtr FileSchema(const SchemaPtr& schema, const WriterOptions& options) {
    if (options.row_position_column.empty()) return schema;
    auto file_schema = std::make_shared<Schema>(*schema);
    file_schema->fields.push_back(Field{options.row_position_column, DataType::Of(TypeId::kInt64), false, "", 0});
    return file_schema;
  }

  size_t BufferedBytes() const {
    size_t bytes = 0;
    for (const auto& column : columns_) bytes += column->BufferedBytes();
    return bytes;
  }

  // Encodes the open pages of every column, then appends the chunks in
  // column order (the serial part) and records their metadata.
  Status FlushRowGroup() {
    for (auto& column : columns_) SLUICE_RETURN_IF_ERROR(column->FinishChunk());
    RowGroupMetaData row_group;
    row_group.num_rows = static_cast<int64_t>(group_rows_);
    row_group.file_offset = static_cast<int64_t>(position_);
    for (auto& column : columns_) {
      int64_t chunk_offset = static_cast<int64_t>(position_);
      SLUICE_RETURN_IF_ERROR(Append(column->dictionary_page()));
      const BlockBuffer& data_pages = column->data_pages();
      for (size_t block_idx = 0; block_idx < data_pages.block_count(); ++block_idx) {
        SLUICE_RETURN_IF_ERROR(Append(data_pages.block(block_idx)));
      }
      ColumnChunkMetaData metadata = column->metadata();
      metadata.data_page_offset += chunk_offset;
      if (metadata.dictionary_page_offset) *metadata.dictionary_page_offset += chunk_offset;
      row_group.total_byte_size += metadata.total_uncompressed_size;
      row_group.total_compressed_size += metadata.total_compressed_size;
      row_group.columns.push_back(std::move(metadata));
      column->ResetChunk();
    }
    row_groups_.push_back(std::move(row_group));
    group_rows_ = 0;
    return Status::Ok();
  }

  Status WriteFooter() {
    if (group_rows_ > 0) SLUICE_RETURN_IF_ERROR(FlushRowGroup());
    std::string footer;
    SerializeFileMetaData(*file_schema_, row_groups_, options_.created_by, &footer);
    uint32_t footer_bytes = static_cast<uint32_t>(footer.size());
    footer.append(reinterpret_cast<const char*>(&footer_bytes), 4);  // little-endian host (byte_buffer.h)
    footer.append(kMagic);
    return Append(footer);
  }

  Status Append(std::string_view bytes) {
    if (bytes.empty()) return Status::Ok();
    SLUICE_RETURN_IF_ERROR(sink_->Append(bytes));
    position_ += bytes.size();
    return Status::Ok();
  }

  SchemaPtr schema_;       // the batches'
  SchemaPtr file_schema_;  // schema_, then the row position column when one is asked for
  WriterOptions options_;  // column writers keep a reference: Impl is never moved
  WritableFile* sink_;
  EncodingContext context_;  // shared by the column writers; Impl is never moved
  std::vector<std::unique_ptr<ColumnWriter>> columns_;
  std::vector<RowGroupMetaData> row_groups_;
  uint64_t position_;  // the sink's size: where the next byte lands
  ColumnVector row_positions_{DataType::Of(TypeId::kInt64)};
  uint64_t rows_written_ = 0;
  size_t group_rows_ = 0;  // rows in the open row group
  bool closed_ = false;
  Status status_;  // the first error; sticky
};

Result<std::unique_ptr<FileWriter>> FileWriter::Open(SchemaPtr schema, WriterOptions options, WritableFile* sink) {
  if (schema == nullptr || schema->fields.empty()) return InvalidArgument("Parquet writer: the schema has no columns");
  if (sink == nullptr) return InvalidArgument("Parquet writer: no sink");
  if (!options.row_position_column.empty() && schema->FieldIndex(options.row_position_column)) {
    return InvalidArgument("Parquet writer: the schema already has a column named '{}'", options.row_position_column);
  }
  SLUICE_RETURN_IF_ERROR(ValidateOptions(options));
  SLUICE_ASSIGN_OR_RETURN(std::unique_ptr<Compressor> compressor,
                          Compressor::Make(options.compression, options.zstd_level));
  auto impl = std::make_unique<Impl>(std::move(schema), std::move(options), sink, std::move(compressor));
  SLUICE_RETURN_IF_ERROR(impl->Start());
  return std::unique_ptr<FileWriter>(new FileWriter(std::move(impl)));
}

FileWriter::FileWriter(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
FileWriter::~FileWriter() = default;

Status FileWriter::Write(const ColumnBatch& batch) { return impl_->Write(batch, 0, batch.num_rows()); }

Status FileWriter::Write(const ColumnBatch& batch, size_t row_offset, size_t row_count) {
  return impl_->Write(batch, row_offset, row_count);
}

uint64_t FileWriter::rows_written() const { return impl_->rows_written(); }
std::vector<int64_t> FileWriter::null_counts() const { return impl_->null_counts(); }
uint64_t FileWriter::EstimatedFileBytes() const { return impl_->EstimatedFileBytes(); }
Status FileWriter::Close() { return impl_->Close(); }

}  // namespace sluice::parquet
