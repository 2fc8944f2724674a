// The Parquet encoder: FileWriter streams ColumnBatches into one Parquet
// file. (Rolling to a new file at a target size is the sync stage's: it
// may cut files only at safe points of the cursor.)
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
// The writer is not thread-safe: one thread at a time. After an error the
// writer is unusable and every later call returns that error; the file it
// was writing is incomplete and must be discarded.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

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
  // NULLs written so far, per column in schema order (what the footer's
  // null_count statistics will add up to).
  std::vector<int64_t> null_counts() const;
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

}  // namespace sluice::parquet
