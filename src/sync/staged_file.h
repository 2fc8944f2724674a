// StagedFileWriter: writes one Parquet data file to a local spool file and
// publishes it to the store under its final key. The object becomes
// visible only complete (the store's Put is atomic); the spool file is
// removed either way.
//
// Every file carries the rows' order in one more column, `_seq` (INT64:
// 0, 1, ... in the order the rows were written, which is the order the
// table was read in; SPEC §4, types/metadata_columns.h), so a target can
// tell the later of two rows of one key without a row number of its own.
//
// Thread-compatible.
#pragma once

#include <memory>
#include <string>

#include "common/file.h"
#include "format/parquet/file_writer.h"
#include "store/object_store.h"
#include "types/column_batch.h"

namespace sluice::sync {

struct PublishedFile {
  std::string key;
  int64_t rows = 0;
  uint64_t bytes = 0;
};

class StagedFileWriter {
 public:
  // Creates `spool_path` and a Parquet writer on it; the file's columns are
  // `schema`'s, then `_seq`.
  static Result<std::unique_ptr<StagedFileWriter>> Create(SchemaPtr schema, const parquet::WriterOptions& options,
                                                          std::string spool_path);
  ~StagedFileWriter();

  // Appends the first `rows` rows of `batch`.
  Status Write(const ColumnBatch& batch, size_t rows);
  uint64_t EstimatedBytes() const { return writer_->EstimatedFileBytes(); }
  int64_t rows() const { return static_cast<int64_t>(writer_->rows_written()); }
  // NULLs written so far per column of the table, as the encoder counted
  // them (not `_seq`, the file's last column, which is never NULL).
  std::vector<int64_t> NullCounts() const {
    std::vector<int64_t> counts = writer_->null_counts();
    counts.pop_back();
    return counts;
  }
  // Finishes the file, syncs it and puts it at `key`; removes the spool file.
  Result<PublishedFile> Publish(store::ObjectStore& store, const std::string& key);

 private:
  StagedFileWriter() = default;

  std::string spool_path_;
  std::unique_ptr<WritableFile> file_;
  std::unique_ptr<parquet::FileWriter> writer_;
};

}  // namespace sluice::sync
