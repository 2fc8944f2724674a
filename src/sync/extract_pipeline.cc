#include "sync/extract_pipeline.h"

#include "common/failpoint.h"
#include "common/logging.h"

namespace sluice::sync {

ExtractPipeline::ExtractPipeline(source::Source& source, cdc::ChunkPlanner& planner, SchemaPtr schema,
                                 source::ReadOptions read_options, std::function<Status()> check_stop)
    : source_(source),
      planner_(planner),
      schema_(std::move(schema)),
      read_options_(std::move(read_options)),
      check_stop_(std::move(check_stop)) {}

ExtractPipeline::~ExtractPipeline() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  changed_.notify_all();
  if (reader_.joinable()) reader_.join();
}

void ExtractPipeline::Start() { reader_ = std::thread([this] { Run(); }); }

void ExtractPipeline::Run() {
  Status status = ReadAll();
  // A read the run's thread interrupted fails with the server's error; the
  // stop is the reason.
  if (!status.ok() && interrupted_.load()) {
    if (Status stop = check_stop_(); !stop.ok()) status = stop;
  }
  std::lock_guard lock(mutex_);
  reader_status_ = status;
  reader_done_ = true;
  changed_.notify_all();
}

Result<std::unique_ptr<ColumnBatch>> ExtractPipeline::TakeFreeBatch() {
  std::unique_lock lock(mutex_);
  changed_.wait(lock, [&] { return stopping_ || !free_.empty() || batches_created_ < kBatchesInFlight; });
  if (stopping_) return Cancelled("extract stopped");
  if (!free_.empty()) {
    std::unique_ptr<ColumnBatch> batch = std::move(free_.back());
    free_.pop_back();
    return batch;
  }
  ++batches_created_;
  return std::make_unique<ColumnBatch>(schema_);
}

Status ExtractPipeline::Push(ExtractItem item) {
  std::lock_guard lock(mutex_);
  if (stopping_) return Cancelled("extract stopped");
  ready_.push_back(std::move(item));
  changed_.notify_all();
  return Status::Ok();
}

Status ExtractPipeline::ReadAll() {
  while (std::optional<SelectQuery> query = planner_.NextQuery()) {
    SLUICE_RETURN_IF_ERROR(check_stop_());
    SLUICE_LOG_DEBUG("{}: {}", read_options_.table_for_errors, source_.Explain(*query));
    SLUICE_ASSIGN_OR_RETURN(std::unique_ptr<source::BatchReader> reader, source_.Read(*query, schema_, read_options_));
    int64_t zero_dates_reported = 0;
    while (true) {
      SLUICE_ASSIGN_OR_RETURN(std::unique_ptr<ColumnBatch> batch, TakeFreeBatch());
      SLUICE_ASSIGN_OR_RETURN(size_t rows, reader->Next(batch.get(), planner_.MaxRowsPerBatch()));
      if (rows == 0) {
        Recycle(std::move(batch));
        break;
      }
      SLUICE_ASSIGN_OR_RETURN(size_t keep, planner_.AcceptBatch(*batch));
      ExtractItem item;
      item.kind = ExtractItem::Kind::kBatch;
      item.batch = std::move(batch);
      item.rows_kept = keep;
      item.progress = planner_.Progress();
      SLUICE_RETURN_IF_ERROR(Push(std::move(item)));
      if (planner_.EveryBatchIsASafePoint()) SLUICE_RETURN_IF_ERROR(PushSafePoint(*reader, &zero_dates_reported));
      SLUICE_RETURN_IF_ERROR(check_stop_());
    }
    planner_.FinishQuery();
    SLUICE_RETURN_IF_ERROR(PushSafePoint(*reader, &zero_dates_reported));
    reader.reset();
  }
  return Push(ExtractItem{});
}

Status ExtractPipeline::PushSafePoint(const source::BatchReader& reader, int64_t* zero_dates_reported) {
  ExtractItem safe_point;
  safe_point.kind = ExtractItem::Kind::kSafePoint;
  safe_point.cursor = planner_.cursor();
  safe_point.zero_dates_nulled = reader.stats().zero_dates_nulled - *zero_dates_reported;
  *zero_dates_reported = reader.stats().zero_dates_nulled;
  return Push(std::move(safe_point));
}

Result<ExtractItem> ExtractPipeline::Next() {
  std::unique_lock lock(mutex_);
  // The reader polls the stop between batches; while it waits for the
  // server (a query computing before its first row), this thread notices
  // the stop instead and has the source interrupt the statement.
  while (!changed_.wait_for(lock, kStopPollInterval, [&] { return !ready_.empty() || reader_done_; })) {
    if (interrupted_.load() || check_stop_().ok()) continue;
    interrupted_ = true;
    lock.unlock();
    source_.Interrupt();
    lock.lock();
  }
  if (!ready_.empty()) {
    ExtractItem item = std::move(ready_.front());
    ready_.pop_front();
    return item;
  }
  if (!reader_status_.ok()) return reader_status_;
  return Internal("the extract reader ended without its end marker");
}

void ExtractPipeline::Recycle(std::unique_ptr<ColumnBatch> batch) {
  if (!batch) return;
  batch->Clear();
  std::lock_guard lock(mutex_);
  free_.push_back(std::move(batch));
  changed_.notify_all();
}

}  // namespace sluice::sync
