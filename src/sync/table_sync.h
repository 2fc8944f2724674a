// TableSync: one table's run — source → batches → Parquet → store → target,
// with the watermark committed last at every step (SPEC §3–§4):
//
//   1. take the table's lease (another run: LeaseHeld, exit 75);
//   2. load the files an earlier run left waiting, so that a failing
//      extract cannot hold them back (with the schema they were staged
//      with, so even a source that cannot be reached does not);
//   3. extract: fix the ceiling, let the CDC planner choose the queries,
//      stream batches into Parquet, and at each safe point where a file is
//      full publish it, then move the cursor over exactly its rows (CAS);
//   4. load: hand the staged files to the target, which applies them in one
//      transaction with its ledger; then move them to loaded_files (CAS).
//      Also after a failed extract: what it staged before failing is loaded
//      and the table still reports the extract's error;
//   5. release the lease.
//
// Before a load, each staged file is checked in the store; one that is
// missing or damaged is never retried forever: the run rewinds over it
// (state/rewind.h), so its rows and those of later files are extracted
// again, in this run when found in step 2.
//
// A crash anywhere leaves either work not yet recorded (redone next run)
// or recorded work (never redone): a published file that the watermark
// does not list is an orphan no one loads; a loaded file the watermark
// still lists as staged is found in the target's ledger and skipped.
//
// Thread-compatible; one TableSync per table per run.
#pragma once

#include <memory>
#include <optional>
#include <ostream>
#include <set>
#include <string>
#include <vector>

#include "cdc/planner.h"
#include "state/lease.h"
#include "sync/context.h"
#include "sync/layout.h"
#include "sync/report.h"
#include "sync/staged_check.h"
#include "sync/staged_file.h"

namespace sluice::sync {

struct SyncOptions {
  std::vector<std::string> tables;  // empty: every table of the pipeline, in config order
  bool backup_only = false;         // extract and stage; no load
  bool load_only = false;           // load what is staged; no extract
  std::optional<int64_t> limit;     // rows per table this run
  bool show_progress = false;
};

// Asks running syncs to stop at their next safe point (SIGINT/SIGTERM).
void RequestStop();
bool StopRequested();

class TableSync {
 public:
  TableSync(PipelineContext& context, const config::TableConfig& table, const SyncOptions& options, RunId run);
  ~TableSync();
  TableResult Run();

 private:
  // What staged files are loaded with: their columns, merge key and order.
  struct LoadShape {
    SchemaPtr schema;
    cdc::TableSpec spec;
  };

  Status RunWithLease();
  Status RunSteps();
  Status Prepare();
  // New columns with values: the table is read again from the start.
  Status RereadForAddedColumns(const std::vector<std::string>& added);
  // The schema the last extract recorded (what waiting files were written
  // with; needs no source), else the source's, when Prepare succeeded.
  Result<LoadShape> StagedShape(const Status& prepared) const;
  Status Extract();
  void RecordExtractFailure(const Status& status);
  Status ReadAll(source::Source& source, cdc::ChunkPlanner& planner);
  Status WriteRows(const ColumnBatch& batch, size_t rows);
  Status PublishCurrentFile(const Cursor& cursor);
  Status CheckDataQuality() const;
  Status CheckStop() const;
  // Loads every staged file with `shape`; records a failure in the watermark.
  Status Load(const LoadShape& shape);
  Status LoadStagedFiles(const LoadShape& shape);
  Result<target::LoadResult> LoadInTarget(target::Target& target, const LoadShape& shape,
                                          std::set<std::string>& superseded);
  void RecordLoaded(const target::LoadResult& loaded, const std::set<std::string>& superseded);
  // Rewinds over the first staged file that fails `depth` and is not in the
  // target's ledger; returns whether it did.
  Result<bool> RewindOverUnloadableFile(target::Target& target, StagedCheck depth);
  Status RewindOver(size_t index, const std::string& problem);
  Status SaveWatermark();
  bool IsFullSync() const;

  PipelineContext& context_;
  const config::TableConfig& table_;
  const SyncOptions& options_;
  RunId run_;
  int64_t deadline_micros_ = 0;
  std::unique_ptr<state::Lease> lease_;
  state::VersionedWatermark stored_;
  SchemaPtr schema_;
  cdc::TableSpec spec_;
  Status strategy_check_;  // CheckStrategyUnchanged of the stored watermark
  cdc::Ceiling ceiling_;   // of this run's extract
  Cursor start_cursor_;    // where this run's extract began
  TableResult result_;
  std::unique_ptr<StagedFileWriter> current_file_;
  int file_number_ = 0;
  std::vector<int64_t> file_null_counts_;  // per column, rows of the current file
};

}  // namespace sluice::sync
