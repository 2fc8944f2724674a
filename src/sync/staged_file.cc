#include "sync/staged_file.h"

#include <unistd.h>

#include "types/metadata_columns.h"

namespace sluice::sync {

Result<std::unique_ptr<StagedFileWriter>> StagedFileWriter::Create(SchemaPtr schema,
                                                                   const parquet::WriterOptions& options,
                                                                   std::string spool_path) {
  std::unique_ptr<StagedFileWriter> staged(new StagedFileWriter());
  staged->spool_path_ = std::move(spool_path);
  SLUICE_ASSIGN_OR_RETURN(staged->file_, OpenWritableFile(staged->spool_path_));
  parquet::WriterOptions with_order = options;
  with_order.row_position_column = std::string(kSeqColumn);
  SLUICE_ASSIGN_OR_RETURN(staged->writer_,
                          parquet::FileWriter::Open(std::move(schema), with_order, staged->file_.get()));
  return staged;
}

StagedFileWriter::~StagedFileWriter() {
  writer_.reset();
  file_.reset();
  if (!spool_path_.empty()) ::unlink(spool_path_.c_str());
}

Status StagedFileWriter::Write(const ColumnBatch& batch, size_t rows) {
  if (rows == 0) return Status::Ok();
  if (rows == batch.num_rows()) return writer_->Write(batch);
  return writer_->Write(batch, 0, rows);
}

Result<PublishedFile> StagedFileWriter::Publish(store::ObjectStore& store, const std::string& key) {
  SLUICE_RETURN_IF_ERROR(writer_->Close());
  SLUICE_RETURN_IF_ERROR(file_->Sync());
  SLUICE_RETURN_IF_ERROR(file_->Close());
  PublishedFile published{key, static_cast<int64_t>(writer_->rows_written()), file_->Size()};
  SLUICE_ASSIGN_OR_RETURN(store::ObjectInfo info, store.PutFile(key, spool_path_));
  if (info.size_bytes != published.bytes) {
    return Internal("staged file '{}' has {} bytes in the store but {} were written", key, info.size_bytes,
                    published.bytes);
  }
  return published;
}

}  // namespace sluice::sync
