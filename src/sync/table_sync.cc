#include "sync/table_sync.h"

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

parquet::Compression ToParquet(config::Compression compression) {
  switch (compression) {
    case config::Compression::kZstd: return parquet::Compression::kZstd;
    case config::Compression::kSnappy: return parquet::Compression::kSnappy;
    case config::Compression::kNone: return parquet::Compression::kNone;
  }
  return parquet::Compression::kZstd;
}

}  // namespace

TableSync::TableSync(TableRunParts parts, const config::TableConfig& table, const SyncOptions& options, RunId run)
    : parts_(std::move(parts)), table_(table), options_(options), run_(std::move(run)) {}

TableSync::~TableSync() = default;

std::string TableSync::NowIso() const { return FormatTimestampIso(parts_.clock->NowMicros()); }

bool TableSync::IsFullSync() const { return table_.cdc_strategy == config::CdcStrategy::kFullSync; }

TableResult TableSync::Run() {
  int64_t started = parts_.clock->NowMicros();
  deadline_micros_ = started + table_.processing.timeout_minutes * 60 * kMicrosPerSecond;
  Status status = RunWithLease();
  if (!status.ok()) {
    result_.status = status.code() == StatusCode::kLeaseHeld ? TableStatus::kSkipped : TableStatus::kFailed;
    result_.error = status;
    SLUICE_LOG_ERROR("table {}: {}", table_.name, status.message());
  }
  result_.duration_seconds = static_cast<double>(parts_.clock->NowMicros() - started) / 1e6;
  return result_;
}

Status TableSync::RunWithLease() {
  const config::PipelineConfig& pipeline = *parts_.pipeline;
  state::LeaseOptions lease_options;
  lease_options.lease_seconds = table_.processing.lease_seconds;
  lease_options.now_micros = [clock = parts_.clock] { return clock->NowMicros(); };
  SLUICE_ASSIGN_OR_RETURN(lease_, state::Lease::Acquire(parts_.store, pipeline.name, table_.name,
                                                         run_.ExecutionId(), lease_options));
  SLUICE_ASSIGN_OR_RETURN(stored_, parts_.watermarks->Load(pipeline.name, table_.name));
  state::Watermark& watermark = stored_.watermark;
  watermark.pipeline = pipeline.name;
  watermark.table = table_.name;
  // A refused watermark keeps its strategy, so the next run (and PlanTableRun) refuses it too.
  if (CheckStrategyUnchanged(table_, watermark).ok()) {
    watermark.cdc_strategy = std::string(config::ToString(table_.cdc_strategy));
  }
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
  if (!options_.backup_only && loaded.ok() && prepared.ok() && !parts_.cancel->cancelled() &&
      !stored_.watermark.staged_files.empty()) {
    loaded = Load(LoadShape{plan_.schema, plan_.spec});
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
  PlanInputs inputs{parts_.pipeline, &table_, &stored_.watermark, &options_, parts_.source, parts_.target};
  TablePlan plan;  // kept only whole: a failed re-plan leaves the last good plan
  SLUICE_RETURN_IF_ERROR(PlanTableRun(inputs, plan));
  plan_ = std::move(plan);
  const std::string& previous = stored_.watermark.schema_fingerprint;
  if (!options_.load_only && !previous.empty() && previous != plan_.schema->Fingerprint()) {
    SLUICE_LOG_INFO("table {}: the source schema changed since the last run", table_.name);
  }
  if (!plan_.added_columns.empty()) {
    // Recorded before the waiting files load, so a failure after this re-reads too.
    stored_.watermark.cursor = plan_.start_cursor;
    stored_.watermark.lookback = plan_.lookback;
  }
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
  return LoadShape{plan_.schema, plan_.spec};
}

Status TableSync::Extract() {
  state::Watermark& watermark = stored_.watermark;
  if (IsFullSync() && !watermark.pending_files.empty()) {
    // An unfinished full copy is never loaded; its files are removed.
    for (const state::StagedFileEntry& entry : watermark.pending_files) {
      Status deleted = parts_.store->Delete(entry.key);
      if (!deleted.ok()) SLUICE_LOG_WARN("removing unfinished file {}: {}", entry.key, deleted.message());
    }
    watermark.pending_files.clear();
  }
  if (watermark.cursor != plan_.start_cursor || watermark.lookback != plan_.lookback) {
    // Loading the waiting files rewound over a damaged one: plan from where the cursor is now.
    SLUICE_RETURN_IF_ERROR(Prepare());
  }
  SLUICE_ASSIGN_OR_RETURN(source::Source * source, parts_.source());
  const cdc::Ceiling& ceiling = plan_.ceiling;
  result_.null_cursor_rows = plan_.null_cursor_rows.rows;
  SLUICE_RETURN_IF_ERROR(CheckNullCursorRows(table_, plan_.spec, plan_.null_cursor_rows));
  for (const std::string& warning : plan_.warnings) SLUICE_LOG_WARN("{}", warning);
  cdc::ChunkPlanner& planner = *plan_.planner;
  SLUICE_LOG_INFO("table {}: extracting {}", table_.name, plan_.window);
  watermark.lookback = cdc::LookbackAtStart(plan_.spec, watermark.lookback, ceiling);
  watermark.extract.status = state::ExtractStatus::kRunning;
  watermark.extract.last_started_at = NowIso();
  watermark.extract.last_run_id = run_.ExecutionId();
  watermark.schema_fingerprint = plan_.schema->Fingerprint();
  watermark.schema = *plan_.schema;
  SLUICE_RETURN_IF_ERROR(SaveWatermark());

  bool snapshot = planner.ReadsUnderOneSnapshot();
  if (snapshot) SLUICE_RETURN_IF_ERROR(source->BeginSnapshot());
  Status status = ReadAll(*source, planner);
  if (snapshot) {
    Status ended = source->EndSnapshot();
    if (status.ok()) status = ended;
  }
  SLUICE_RETURN_IF_ERROR(status);
  // A full copy always stages a file, even empty, so an empty source empties the target.
  if (IsFullSync() && file_number_ == 0 && !current_file_) {
    SLUICE_RETURN_IF_ERROR(WriteRows(ColumnBatch(plan_.schema), 0));
  }
  if (current_file_) SLUICE_RETURN_IF_ERROR(PublishCurrentFile(planner.cursor()));
  if (IsFullSync()) {
    for (state::StagedFileEntry& entry : watermark.pending_files) watermark.staged_files.push_back(std::move(entry));
    watermark.pending_files.clear();
  } else {
    watermark.cursor = planner.cursor();
    watermark.lookback = cdc::LookbackAfterRead(plan_.spec, watermark.lookback, ceiling);
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
  uint64_t target_file_bytes = static_cast<uint64_t>(parts_.pipeline->staging.target_file_mb) << 20;
  Progress progress(options_.show_progress, table_.name);
  // Reading (source + planner) runs on its own thread; encoding and
  // publishing happen here, in order, so the cursor logic is unchanged.
  ExtractPipeline pipeline(source, planner, plan_.schema, read_options, [this] { return CheckStop(); });
  pipeline.Start();
  bool copying = false;  // the last safe point was inside a first copy
  while (true) {
    SLUICE_ASSIGN_OR_RETURN(ExtractItem item, pipeline.Next());
    if (item.kind == ExtractItem::Kind::kEnd) break;
    if (item.kind == ExtractItem::Kind::kBatch) {
      // A batch whose rows all wait for a later run (a tie group at the
      // ceiling) opens no file: a run that reads nothing new stages nothing.
      if (item.rows_kept > 0) SLUICE_RETURN_IF_ERROR(WriteRows(*item.batch, item.rows_kept));
      Failpoint("extract.after_batch");
      result_.rows_extracted += static_cast<int64_t>(item.rows_kept);
      result_.validation.source_rows += static_cast<int64_t>(item.rows_kept);
      progress.Update(result_.rows_extracted, item.progress);
      pipeline.Recycle(std::move(item.batch));
      continue;
    }
    // A safe point: the cursor covers exactly the rows written so far. A
    // stop (Ctrl-C, timeout_minutes) ends the run here, at the last staged file.
    SLUICE_RETURN_IF_ERROR(CheckStop());
    if (item.cursor.copy) {
      copying = true;
    } else if (copying) {
      copying = false;
      Failpoint("extract.copy_handed_over");  // the copy is done; its rows since the last file are not staged yet
    }
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
    SLUICE_ASSIGN_OR_RETURN(std::string spool, parts_.spool_directory());
    parquet::WriterOptions options;
    options.compression = ToParquet(parts_.pipeline->staging.compression);
    std::string path = fmt::format("{}/{}_{}.parquet", spool, KeySafeName(table_.name), file_number_ + 1);
    SLUICE_ASSIGN_OR_RETURN(current_file_, StagedFileWriter::Create(plan_.schema, options, path));
    ++file_number_;
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
  std::vector<int64_t> null_counts = current_file_->NullCounts();
  for (size_t column_idx = 0; column_idx < null_counts.size(); ++column_idx) {
    double percentage = 100.0 * static_cast<double>(null_counts[column_idx]) / static_cast<double>(rows);
    if (percentage > *validation.max_null_percentage) {
      return DataError(
          "table {}: column '{}' is {:.2f}% NULL in the {} rows of the next file, over the limit of {}% "
          "(validation.max_null_percentage); nothing past the last staged file was recorded. Fix the data or "
          "raise the limit",
          table_.name, plan_.schema->fields[column_idx].name, percentage, rows, *validation.max_null_percentage);
    }
  }
  return Status::Ok();
}

Status TableSync::PublishCurrentFile(const Cursor& cursor) {
  SLUICE_RETURN_IF_ERROR(CheckDataQuality());
  const config::PipelineConfig& pipeline = *parts_.pipeline;
  std::string key =
      DataFileKey(pipeline.staging.partition_strategy, IsFullSync(), table_.name, run_, file_number_);
  SLUICE_ASSIGN_OR_RETURN(PublishedFile published, current_file_->Publish(*parts_.store, key));
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
    if (cursor != plan_.start_cursor) {
      watermark.lookback = cdc::LookbackAfterRead(plan_.spec, watermark.lookback, plan_.ceiling);
    }
  }
  result_.files_created += 1;
  result_.bytes_staged += static_cast<int64_t>(published.bytes);
  result_.validation.staged_rows += published.rows;
  SLUICE_RETURN_IF_ERROR(SaveWatermark());
  Failpoint("extract.after_watermark");
  return Status::Ok();
}

Status TableSync::CheckStop() const {
  if (parts_.cancel->cancelled()) {
    return Cancelled("table {}: interrupted; the cursor stays after the last staged file", table_.name);
  }
  if (parts_.clock->NowMicros() > deadline_micros_) {
    return Cancelled("table {}: the run took longer than timeout_minutes ({}); the cursor stays after the last "
                     "staged file and the next run continues from there",
                     table_.name, table_.processing.timeout_minutes);
  }
  return Status::Ok();
}

Status TableSync::SaveWatermark() {
  SLUICE_RETURN_IF_ERROR(lease_->Check());
  SLUICE_ASSIGN_OR_RETURN(stored_.version, parts_.watermarks->Save(stored_.watermark, stored_.version));
  return Status::Ok();
}

}  // namespace sluice::sync
