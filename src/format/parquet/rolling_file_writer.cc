#include <algorithm>

#include "format/parquet/column_writer.h"
#include "format/parquet/file_writer.h"

namespace sluice::parquet {

RollingFileWriter::RollingFileWriter(SchemaPtr schema, WriterOptions options, uint64_t target_file_bytes,
                                     OpenFile open_file, FileClosed file_closed)
    : schema_(std::move(schema)),
      options_(std::move(options)),
      target_file_bytes_(target_file_bytes),
      open_file_(std::move(open_file)),
      file_closed_(std::move(file_closed)) {}

RollingFileWriter::~RollingFileWriter() = default;

Status RollingFileWriter::Write(const ColumnBatch& batch) {
  if (!status_.ok()) return status_;
  size_t slice_rows = RowsPerSlice(batch, options_);
  size_t row_offset = 0;
  while (row_offset < batch.num_rows()) {
    if (writer_ == nullptr) {
      Result<WritableFile*> sink = open_file_(next_file_index_);
      if (!sink.has_value()) return status_ = sink.error();
      sink_ = *sink;
      sink_start_bytes_ = sink_->Size();
      Result<std::unique_ptr<FileWriter>> writer = FileWriter::Open(schema_, options_, sink_);
      if (!writer.has_value()) return status_ = writer.error();
      writer_ = std::move(*writer);
    }
    size_t rows = std::min(batch.num_rows() - row_offset, slice_rows);
    status_ = writer_->Write(batch, row_offset, rows);
    if (!status_.ok()) return status_;
    row_offset += rows;
    if (writer_->EstimatedFileBytes() - sink_start_bytes_ >= target_file_bytes_) {
      status_ = CloseFile();
      if (!status_.ok()) return status_;
    }
  }
  return Status::Ok();
}

Status RollingFileWriter::Close() {
  if (!status_.ok()) return status_;
  if (writer_ != nullptr) status_ = CloseFile();
  return status_;
}

Status RollingFileWriter::CloseFile() {
  SLUICE_RETURN_IF_ERROR(writer_->Close());
  RolledFile file{next_file_index_, writer_->rows_written(), sink_->Size() - sink_start_bytes_};
  writer_.reset();
  sink_ = nullptr;
  ++next_file_index_;
  return file_closed_(file);
}

}  // namespace sluice::parquet
