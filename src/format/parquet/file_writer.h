// The Parquet encoder: FileWriter streams ColumnBatches into one Parquet
// file; RollingFileWriter spreads a stream of batches over files of about
// a target size.
//
// Files are flat (one leaf column per Field), use data page v1, PLAIN and
// dictionary (RLE_DICTIONARY) encodings, snappy/zstd/no compression, and
// carry chunk statistics and standard logical types with their legacy
// converted types, and no pandas/Arrow key-value metadata. The type of each
// column is ParquetTypeFor(field) (type_mapping.h); docs/parquet.md has
// the details and the limits.
//
// Memory: a row group's encoded pages are buffered until the row group is
// flushed (the format needs each column's pages together); nothing else
// grows with the data.
//
// Neither writer is thread-safe: one thread at a time. After an error the
// writer is unusable and every later call returns that error; the file it
// was writing is incomplete and must be discarded.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>

#include "common/file.h"
#include "common/status.h"
#include "format/parquet/type_mapping.h"
#include "format/parquet/writer_options.h"
#include "types/column_batch.h"

namespace sluice::parquet {

class FileWriter {
 public:
  // Starts a file in `sink` (writes the leading magic). `sink` must outlive
  // the writer; Close() does not close the sink. InvalidArgument for bad
  // options or a schema without columns.
  static Result<std::unique_ptr<FileWriter>> Open(SchemaPtr schema, WriterOptions options, WritableFile* sink);
  ~FileWriter();
  FileWriter(const FileWriter&) = delete;
  FileWriter& operator=(const FileWriter&) = delete;

  // Encodes every row of `batch`.
  // REQUIRES: batch.schema() == *schema (else SchemaMismatch).
  // DataError when a NULL is in a non-nullable column or a value does not
  // fit its column's type; IoError from the sink.
  Status Write(const ColumnBatch& batch);
  // Encodes rows [row_offset, row_offset + row_count) of `batch`.
  Status Write(const ColumnBatch& batch, size_t row_offset, size_t row_count);

  uint64_t rows_written() const;
  // Bytes already in the sink + encoded bytes buffered for the open row
  // group (its open pages and dictionaries, not compressed yet, counted at
  // the compression ratio each column has had so far).
  uint64_t EstimatedFileBytes() const;

  // Flushes the last row group and writes the footer; the file is then
  // complete. A file with no rows is valid (it has no row groups).
  Status Close();

 private:
  class Impl;
  explicit FileWriter(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// A rolling writer: starts a new file once the current one reaches
// target_file_bytes (checked as rows are written, slicing batches, so
// files overshoot by at most ~one page worth, not by a whole batch).
struct RolledFile {
  int file_index;
  uint64_t rows;
  uint64_t bytes;
};

class RollingFileWriter {
 public:
  // Returns the sink for file `file_index`; the caller owns the sinks.
  using OpenFile = std::function<Result<WritableFile*>(int file_index)>;
  // Called after a file's footer is written; the caller then syncs, closes
  // and publishes it. An error stops the writer.
  using FileClosed = std::function<Status(const RolledFile&)>;

  // Files are numbered from 0. A sink returned by `open_file` must stay
  // valid until `file_closed` has been called for it.
  RollingFileWriter(SchemaPtr schema, WriterOptions options, uint64_t target_file_bytes, OpenFile open_file,
                    FileClosed file_closed);
  // Without Close(), the open file (if any) is left incomplete.
  ~RollingFileWriter();

  Status Write(const ColumnBatch& batch);
  // Closes the open file, if any; writing zero rows creates zero files.
  Status Close();

 private:
  Status CloseFile();

  SchemaPtr schema_;
  WriterOptions options_;
  uint64_t target_file_bytes_;
  OpenFile open_file_;
  FileClosed file_closed_;
  std::unique_ptr<FileWriter> writer_;
  WritableFile* sink_ = nullptr;
  uint64_t sink_start_bytes_ = 0;
  int next_file_index_ = 0;
  Status status_;
};

}  // namespace sluice::parquet
