// TableSync: one table's run — source → batches → Parquet → store → target,
// with the watermark committed last at every step (SPEC §3–§4):
//
//   1. take the table's lease (another run: LeaseHeld, exit 75);
//   2. extract: fix the ceiling, let the CDC planner choose the queries,
//      stream batches into Parquet, and at each safe point where a file is
//      full publish it, then move the cursor over exactly its rows (CAS);
//   3. load: hand the staged files to the target, which applies them in one
//      transaction with its ledger; then move them to loaded_files (CAS);
//   4. release the lease.
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
#include <string>
#include <vector>

#include "cdc/planner.h"
#include "state/lease.h"
#include "sync/context.h"
#include "sync/layout.h"
#include "sync/report.h"
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
  Status RunWithLease();
  Status Prepare();
  // New columns with values: the table is read again from the start.
  Status RereadForAddedColumns(const std::vector<std::string>& added);
  Status Extract();
  Status ReadAll(source::Source& source, cdc::ChunkPlanner& planner);
  Status WriteRows(const ColumnBatch& batch, size_t rows);
  Status PublishCurrentFile(const Cursor& cursor);
  Status CheckDataQuality() const;
  Status CheckStop() const;
  Status Load();
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
  cdc::Ceiling ceiling_;   // of this run's extract
  Cursor start_cursor_;    // where this run's extract began
  TableResult result_;
  std::unique_ptr<StagedFileWriter> current_file_;
  int file_number_ = 0;
  std::vector<int64_t> file_null_counts_;  // per column, rows of the current file
};

}  // namespace sluice::sync
