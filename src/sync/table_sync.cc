#include "sync/table_sync.h"

#include <atomic>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "common/failpoint.h"
#include "common/logging.h"
#include "common/redact.h"
#include "cdc/lookback.h"
#include "sync/ceiling.h"
#include "sync/extract_pipeline.h"
#include "sync/progress.h"
#include "types/temporal.h"

namespace sluice::sync {
namespace {

std::atomic<bool> stop_requested{false};

parquet::Compression ToParquet(config::Compression compression) {
  switch (compression) {
    case config::Compression::kZstd: return parquet::Compression::kZstd;
    case config::Compression::kSnappy: return parquet::Compression::kSnappy;
    case config::Compression::kNone: return parquet::Compression::kNone;
  }
  return parquet::Compression::kZstd;
}

std::string NowIso() { return FormatTimestampIso(NowMicros()); }

}  // namespace

void RequestStop() { stop_requested = true; }
bool StopRequested() { return stop_requested.load(); }

TableSync::TableSync(PipelineContext& context, const config::TableConfig& table, const SyncOptions& options,
                     RunId run)
    : context_(context), table_(table), options_(options), run_(std::move(run)) {}

TableSync::~TableSync() = default;

bool TableSync::IsFullSync() const { return table_.cdc_strategy == config::CdcStrategy::kFullSync; }

TableResult TableSync::Run() {
  int64_t started = NowMicros();
  deadline_micros_ = started + table_.processing.timeout_minutes * 60 * kMicrosPerSecond;
  Status status = RunWithLease();
  if (!status.ok()) {
    result_.status = status.code() == StatusCode::kLeaseHeld ? TableStatus::kSkipped : TableStatus::kFailed;
    result_.error = status;
    SLUICE_LOG_ERROR("table {}: {}", table_.name, status.message());
  }
  result_.duration_seconds = static_cast<double>(NowMicros() - started) / 1e6;
  return result_;
}

Status TableSync::RunWithLease() {
  const config::PipelineConfig& pipeline = context_.pipeline();
  SLUICE_ASSIGN_OR_RETURN(lease_, state::Lease::Acquire(&context_.store(), pipeline.name, table_.name,
                                                         run_.ExecutionId(), table_.processing.lease_seconds));
  SLUICE_ASSIGN_OR_RETURN(stored_, context_.watermarks().Load(pipeline.name, table_.name));
  state::Watermark& watermark = stored_.watermark;
  watermark.pipeline = pipeline.name;
  watermark.table = table_.name;
  strategy_check_ = CheckStrategyUnchanged(table_, watermark);
  // A refused watermark keeps its strategy, so the next run refuses it too.
  if (strategy_check_.ok()) watermark.cdc_strategy = std::string(config::ToString(table_.cdc_strategy));
  watermark.lease_epoch = lease_->epoch();
  Status status = RunSteps();
  Status released = lease_->Release();
  if (!released.ok()) SLUICE_LOG_WARN("table {}: releasing the lease: {}", table_.name, released.message());
  return status;
}

// The extract's error is the table's; a load failing after it is added to it.
Status TableSync::RunSteps() {
  Status prepared = Prepare();
  Status loaded;
  if (!options_.backup_only && !stored_.watermark.staged_files.empty()) {
    // Files an earlier run left waiting go first, with the schema they were
    // staged with: an extract that fails below cannot hold them back.
    Result<LoadShape> shape = StagedShape(prepared);
    loaded = shape.has_value() ? Load(*shape) : shape.error();
  }
  if (options_.load_only) return loaded.ok() ? prepared : loaded;
  Status extracted = prepared.ok() ? Extract() : prepared;
  if (!extracted.ok()) RecordExtractFailure(extracted);
  // What the extract staged, also before it failed, unless told to stop.
  if (!options_.backup_only && loaded.ok() && prepared.ok() && !StopRequested() &&
      !stored_.watermark.staged_files.empty()) {
    loaded = Load(LoadShape{schema_, spec_});
  }
  if (extracted.ok() || loaded.ok()) return extracted.ok() ? loaded : extracted;
  return Status(extracted.code(),
                fmt::format("{}; loading the staged files failed too: {}", extracted.message(), loaded.message()));
}

void TableSync::RecordExtractFailure(const Status& status) {
  // Recorded so `status` shows it; the cursor stays after the last staged file.
  current_file_.reset();
  state::Watermark& watermark = stored_.watermark;
  watermark.extract.status = state::ExtractStatus::kFailed;
  watermark.extract.last_error = Redact(status.message());
  watermark.extract.last_finished_at = NowIso();
  Status saved = SaveWatermark();
  if (!saved.ok()) SLUICE_LOG_WARN("table {}: could not record the failure: {}", table_.name, saved.message());
}

Status TableSync::Prepare() {
  const std::optional<Schema>& staged_schema = stored_.watermark.schema;
  if (options_.load_only && staged_schema) {
    // Load what was staged, as it was staged: no source needed.
    schema_ = std::make_shared<Schema>(*staged_schema);
    SLUICE_ASSIGN_OR_RETURN(spec_, cdc::MakeTableSpec(table_, schema_));
    return Status::Ok();
  }
  if (!options_.load_only) SLUICE_RETURN_IF_ERROR(strategy_check_);
  SLUICE_ASSIGN_OR_RETURN(source::Source * source, context_.source());
  if (table_.cdc_strategy == config::CdcStrategy::kCustomSql) {
    SLUICE_ASSIGN_OR_RETURN(schema_,
                            source->DescribeQuery(cdc::CustomQueryForDescribe(table_.name, table_.custom_sql)));
  } else {
    SLUICE_ASSIGN_OR_RETURN(schema_, source->DescribeTable(table_.name));
  }
  SLUICE_ASSIGN_OR_RETURN(spec_, cdc::MakeTableSpec(table_, schema_));
  const std::string& previous = stored_.watermark.schema_fingerprint;
  if (!previous.empty() && previous != schema_->Fingerprint()) {
    SLUICE_LOG_INFO("table {}: the source schema changed since the last run", table_.name);
  }
  if (options_.load_only || stored_.watermark.cursor.empty()) return Status::Ok();
  SLUICE_ASSIGN_OR_RETURN(std::vector<std::string> added,
                          AddedColumnsWithValues(*source, table_, stored_.watermark.schema, *schema_));
  return RereadForAddedColumns(added);
}

Status TableSync::RereadForAddedColumns(const std::vector<std::string>& added) {
  if (added.empty()) return Status::Ok();
  std::string names = fmt::format("'{}'", fmt::join(added, "', '"));
  if (spec_.primary_key.empty()) {
    return SchemaMismatch(
        "table {}: column(s) {} were added in the source and already hold values that the rows loaded before "
        "lack; without a primary key those rows cannot be merged again. Remedy: drop the target table {} and run "
        "`sluice watermark reset -p {} -t {} --yes` to reload it",
        table_.name, names, table_.target_name, context_.pipeline().name, table_.name);
  }
  SLUICE_LOG_WARN("table {}: column(s) {} were added in the source and already hold values (a default or a "
                  "backfill) that the rows loaded before lack; this run reads the whole table again so the target "
                  "gets them",
                  table_.name, names);
  stored_.watermark.cursor = Cursor();
  stored_.watermark.lookback = Lookback();
  return Status::Ok();
}

Result<TableSync::LoadShape> TableSync::StagedShape(const Status& prepared) const {
  if (const std::optional<Schema>& recorded = stored_.watermark.schema) {
    SchemaPtr schema = std::make_shared<Schema>(*recorded);
    Result<cdc::TableSpec> spec = cdc::MakeTableSpec(table_, schema);
    if (spec.has_value()) return LoadShape{std::move(schema), std::move(*spec)};
    if (!prepared.ok()) return spec.error();  // the configuration changed since; the source's schema may still fit
  }
  if (!prepared.ok()) {
    return prepared.WithContext(fmt::format(
        "table {}: the staged files cannot be loaded: the watermark records no schema for them (they were staged "
        "by an older sluice) and the source cannot describe the table",
        table_.name));
  }
  return LoadShape{schema_, spec_};
}

Status TableSync::Extract() {
  state::Watermark& watermark = stored_.watermark;
  if (IsFullSync() && !watermark.pending_files.empty()) {
    // An unfinished full copy is never loaded; its files are removed.
    for (const state::StagedFileEntry& entry : watermark.pending_files) {
      Status deleted = context_.store().Delete(entry.key);
      if (!deleted.ok()) SLUICE_LOG_WARN("removing unfinished file {}: {}", entry.key, deleted.message());
    }
    watermark.pending_files.clear();
  }
  SLUICE_ASSIGN_OR_RETURN(source::Source * source, context_.source());
  SLUICE_ASSIGN_OR_RETURN(cdc::Ceiling ceiling, ReadCeiling(*source, table_, spec_));
  SLUICE_ASSIGN_OR_RETURN(NullCursorRows null_rows, CountNullCursorRows(*source, table_, spec_));
  result_.null_cursor_rows = null_rows.rows;
  SLUICE_RETURN_IF_ERROR(CheckNullCursorRows(table_, spec_, null_rows));
  for (const std::string& warning : cdc::SpecWarnings(table_, spec_)) SLUICE_LOG_WARN("{}", warning);
  SLUICE_ASSIGN_OR_RETURN(cdc::ChunkPlanner planner, cdc::ChunkPlanner::Create(spec_, watermark.cursor, ceiling,
                                                                               options_.limit, watermark.lookback));
  for (const std::string& warning : planner.warnings()) SLUICE_LOG_WARN("{}", warning);
  SLUICE_LOG_INFO("table {}: extracting {}", table_.name, planner.DescribeWindow());
  ceiling_ = ceiling;
  start_cursor_ = watermark.cursor;
  watermark.lookback = cdc::LookbackAtStart(spec_, watermark.lookback, ceiling);
  watermark.extract.status = state::ExtractStatus::kRunning;
  watermark.extract.last_started_at = NowIso();
  watermark.extract.last_run_id = run_.ExecutionId();
  watermark.schema_fingerprint = schema_->Fingerprint();
  watermark.schema = *schema_;
  SLUICE_RETURN_IF_ERROR(SaveWatermark());

  if (IsFullSync()) SLUICE_RETURN_IF_ERROR(source->BeginSnapshot());
  Status status = ReadAll(*source, planner);
  if (IsFullSync()) {
    Status ended = source->EndSnapshot();
    if (status.ok()) status = ended;
  }
  SLUICE_RETURN_IF_ERROR(status);
  // A full copy always stages a file, even empty, so an empty source empties the target.
  if (IsFullSync() && file_number_ == 0 && !current_file_) SLUICE_RETURN_IF_ERROR(WriteRows(ColumnBatch(schema_), 0));
  if (current_file_) SLUICE_RETURN_IF_ERROR(PublishCurrentFile(planner.cursor()));
  if (IsFullSync()) {
    for (state::StagedFileEntry& entry : watermark.pending_files) watermark.staged_files.push_back(std::move(entry));
    watermark.pending_files.clear();
  } else {
    watermark.cursor = planner.cursor();
    watermark.lookback = cdc::LookbackAfterRead(spec_, watermark.lookback, ceiling);
  }
  watermark.extract.status = state::ExtractStatus::kSuccess;
  watermark.extract.last_error.reset();
  watermark.extract.last_finished_at = NowIso();
  watermark.extract.last_success_at = watermark.extract.last_finished_at;
  watermark.extract.last_session_rows = result_.rows_extracted;
  watermark.extract.total_rows += result_.rows_extracted;
  SLUICE_LOG_INFO("table {}: extracted {} rows into {} files ({} bytes)", table_.name, result_.rows_extracted,
                  result_.files_created, result_.bytes_staged);
  return SaveWatermark();
}

Status TableSync::ReadAll(source::Source& source, cdc::ChunkPlanner& planner) {
  source::ReadOptions read_options{table_.processing.zero_dates, table_.name};
  uint64_t target_file_bytes = static_cast<uint64_t>(context_.pipeline().staging.target_file_mb) << 20;
  Progress progress(options_.show_progress, table_.name);
  // Reading (source + planner) runs on its own thread; encoding and
  // publishing happen here, in order, so the cursor logic is unchanged.
  ExtractPipeline pipeline(source, planner, schema_, read_options, [this] { return CheckStop(); });
  pipeline.Start();
  while (true) {
    SLUICE_ASSIGN_OR_RETURN(ExtractItem item, pipeline.Next());
    if (item.kind == ExtractItem::Kind::kEnd) break;
    if (item.kind == ExtractItem::Kind::kBatch) {
      SLUICE_RETURN_IF_ERROR(WriteRows(*item.batch, item.rows_kept));
      Failpoint("extract.after_batch");
      result_.rows_extracted += static_cast<int64_t>(item.rows_kept);
      result_.validation.source_rows += static_cast<int64_t>(item.rows_kept);
      progress.Update(result_.rows_extracted, item.progress);
      pipeline.Recycle(std::move(item.batch));
      continue;
    }
    // A safe point: the cursor covers exactly the rows written so far.
    result_.zero_dates_nulled += item.zero_dates_nulled;
    if (current_file_ && current_file_->EstimatedBytes() >= target_file_bytes) {
      SLUICE_RETURN_IF_ERROR(PublishCurrentFile(item.cursor));
    }
  }
  progress.Finish();
  return Status::Ok();
}

Status TableSync::WriteRows(const ColumnBatch& batch, size_t rows) {
  if (!current_file_) {
    SLUICE_ASSIGN_OR_RETURN(std::string spool, context_.SpoolDirectory());
    parquet::WriterOptions options;
    options.compression = ToParquet(context_.pipeline().staging.compression);
    std::string path = fmt::format("{}/{}_{}.parquet", spool, KeySafeName(table_.name), file_number_ + 1);
    SLUICE_ASSIGN_OR_RETURN(current_file_, StagedFileWriter::Create(schema_, options, path));
    ++file_number_;
    file_null_counts_.assign(schema_->fields.size(), 0);
  }
  if (table_.validation.enable_data_quality_checks) {
    for (size_t column_idx = 0; column_idx < batch.num_columns(); ++column_idx) {
      const ColumnVector& column = batch.column(column_idx);
      if (column.null_count() == 0) continue;
      for (size_t row = 0; row < rows; ++row) file_null_counts_[column_idx] += column.IsNull(row) ? 1 : 0;
    }
  }
  return current_file_->Write(batch, rows);
}

Status TableSync::CheckDataQuality() const {
  const config::ValidationConfig& validation = table_.validation;
  if (!validation.enable_data_quality_checks || !validation.max_null_percentage || !current_file_) {
    return Status::Ok();
  }
  int64_t rows = current_file_->rows();
  if (rows == 0) return Status::Ok();
  for (size_t column_idx = 0; column_idx < file_null_counts_.size(); ++column_idx) {
    double percentage = 100.0 * static_cast<double>(file_null_counts_[column_idx]) / static_cast<double>(rows);
    if (percentage > *validation.max_null_percentage) {
      return DataError(
          "table {}: column '{}' is {:.2f}% NULL in the {} rows of the next file, over the limit of {}% "
          "(validation.max_null_percentage); nothing past the last staged file was recorded. Fix the data or "
          "raise the limit",
          table_.name, schema_->fields[column_idx].name, percentage, rows, *validation.max_null_percentage);
    }
  }
  return Status::Ok();
}

Status TableSync::PublishCurrentFile(const Cursor& cursor) {
  SLUICE_RETURN_IF_ERROR(CheckDataQuality());
  const config::PipelineConfig& pipeline = context_.pipeline();
  std::string key =
      DataFileKey(pipeline.staging.partition_strategy, IsFullSync(), table_.name, run_, file_number_);
  SLUICE_ASSIGN_OR_RETURN(PublishedFile published, current_file_->Publish(context_.store(), key));
  current_file_.reset();
  Failpoint("extract.after_put");
  state::StagedFileEntry entry{published.key, published.rows, published.bytes, run_.ExecutionId(), NowIso()};
  state::Watermark& watermark = stored_.watermark;
  if (!IsFullSync()) {
    // The file's cursor range: a rewind to cursor_before reads its rows again.
    entry.cursor_before = watermark.cursor;
    entry.cursor_after = cursor;
  }
  if (IsFullSync()) {
    watermark.pending_files.push_back(std::move(entry));
  } else {
    watermark.staged_files.push_back(std::move(entry));
    watermark.cursor = cursor;
    // Past its start, the run has re-read its whole window at its own clock.
    if (cursor != start_cursor_) watermark.lookback = cdc::LookbackAfterRead(spec_, watermark.lookback, ceiling_);
  }
  result_.files_created += 1;
  result_.bytes_staged += static_cast<int64_t>(published.bytes);
  result_.validation.staged_rows += published.rows;
  SLUICE_RETURN_IF_ERROR(SaveWatermark());
  Failpoint("extract.after_watermark");
  return Status::Ok();
}

Status TableSync::CheckStop() const {
  if (StopRequested()) {
    return Cancelled("table {}: interrupted; the cursor stays after the last staged file", table_.name);
  }
  if (NowMicros() > deadline_micros_) {
    return Cancelled("table {}: the run took longer than timeout_minutes ({}); the cursor stays after the last "
                     "staged file and the next run continues from there",
                     table_.name, table_.processing.timeout_minutes);
  }
  return Status::Ok();
}

Status TableSync::SaveWatermark() {
  SLUICE_RETURN_IF_ERROR(lease_->Check());
  SLUICE_ASSIGN_OR_RETURN(stored_.version, context_.watermarks().Save(stored_.watermark, stored_.version));
  return Status::Ok();
}

}  // namespace sluice::sync
