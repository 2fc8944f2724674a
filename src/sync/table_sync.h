// TableSync: one table's run — source → batches → Parquet → store → target,
// with the watermark committed last at every step (SPEC §3–§4). It is
// given everything it touches (TableRunParts: stores, its own source
// connection, the target, clock, cancellation) and opens nothing itself;
// it executes the TablePlan that --dry-run prints (sync/table_plan.h):
//
//   1. take the table's lease in the store, with the run's clock (another
//      run: LeaseHeld, exit 75);
//   2. read the watermark and plan (PlanTableRun): schema, strategy check,
//      ceiling, window, load mode, and whether the target can take the
//      source's rows (a column the source dropped fails the table here,
//      before anything is staged, also when no row changed);
//   3. load the files an earlier run left waiting, so that a failing
//      extract cannot hold them back (with the schema they were staged
//      with, so even a source that cannot be reached does not); a rewind
//      there re-plans from the cursor it leaves;
//   4. extract: stream the planner's batches into Parquet, and at each safe
//      point where a file is full publish it, then move the cursor over
//      exactly its rows (CAS). The cancel token and the clock's deadline
//      are polled between batches;
//   5. load: hand the staged files to the target, which applies them in one
//      transaction with its ledger and, right before committing, calls the
//      request's fence (this run's lease, renewed and checked: a run that
//      lost the table commits nothing); then move them to loaded_files
//      (CAS). Also after a failed extract: what it staged before failing is
//      loaded and the table still reports the extract's error;
//   6. release the lease.
//
// Before a load, each staged file is checked in the store; one that is
// missing or damaged is never retried forever: the run rewinds over it
// (state/rewind.h), so its rows and those of later files are extracted
// again, in this run when found in step 3.
//
// A crash anywhere leaves either work not yet recorded (redone next run)
// or recorded work (never redone): a published file that the watermark
// does not list is an orphan no one loads; a loaded file the watermark
// still lists as staged is found in the target's ledger and skipped.
//
// Thread-compatible; one TableSync per table per run. Nothing in it
// assumes one table at a time in the process.
#pragma once

#include <memory>
#include <optional>
#include <ostream>
#include <set>
#include <string>
#include <vector>

#include "cdc/planner.h"
#include "state/lease.h"
#include "sync/layout.h"
#include "sync/report.h"
#include "sync/run_parts.h"
#include "sync/staged_check.h"
#include "sync/staged_file.h"
#include "sync/table_plan.h"

namespace sluice::sync {

class TableSync {
 public:
  // REQUIRES: every part set; `table` and `options` outlive the run.
  TableSync(TableRunParts parts, const config::TableConfig& table, const SyncOptions& options, RunId run);
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
  // Builds plan_ (PlanTableRun); a re-read for added columns moves the cursor to the start now.
  Status Prepare();
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
  std::string NowIso() const;

  TableRunParts parts_;
  const config::TableConfig& table_;
  const SyncOptions options_;  // a copy: callers pass temporaries
  RunId run_;
  int64_t deadline_micros_ = 0;
  std::unique_ptr<state::Lease> lease_;
  state::VersionedWatermark stored_;
  TablePlan plan_;         // what this run does; --dry-run prints the same plan
  TableResult result_;
  std::unique_ptr<StagedFileWriter> current_file_;
  int file_number_ = 0;
};

}  // namespace sluice::sync
