// TablePlan: what one table's run will do, decided once, before anything is
// written. `sync` executes it (TableSync) and `sync --dry-run` prints it, so
// the two cannot disagree about the strategy, the window, the first query,
// the load mode or the target DDL.
//
// PlanTableRun reads the source (describe, ceiling, counts) and, unless
// --backup-only, the target's catalog: the DDL a load would run, and
// whether the target can take the source's rows at all (a column the source
// dropped stops the table, SPEC §5a, whether or not rows are waiting; a
// target out of reach does not stop the extract). It writes nothing. The request-level checks (SelectTables) are shared the
// same way: a request `sync` refuses, `--dry-run` refuses with the same
// error and exit code.
//
// Pure data once built; thread-compatible.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "cdc/planner.h"
#include "config/config.h"
#include "source/source.h"
#include "state/watermark.h"
#include "sync/ceiling.h"
#include "target/target.h"

namespace sluice::sync {

struct SyncOptions {
  std::vector<std::string> tables;  // empty: every table of the pipeline, in config order
  bool backup_only = false;         // extract and stage; no load
  bool load_only = false;           // load what is staged; no extract
  std::optional<int64_t> limit;     // rows per table this run
  bool show_progress = false;
};

// The table's configuration, or NotFound listing the pipeline's tables.
Result<const config::TableConfig*> FindTable(const config::PipelineConfig& pipeline, const std::string& name);

// The tables a run covers, in config order, or InvalidArgument (exit 2)
// naming what is wrong: an unknown table, two tables sharing data file
// names, --limit on a whole copy (full_sync, custom_sql), --backup-only
// with --load-only.
Result<std::vector<const config::TableConfig*>> SelectTables(const config::PipelineConfig& pipeline,
                                                             const SyncOptions& options);

struct TablePlan {
  config::CdcStrategy strategy = config::CdcStrategy::kHybrid;
  // Extracting: the source's schema. --load-only with a recorded schema:
  // the recorded one (the source is not needed). Null when planning failed
  // before the table could be described.
  SchemaPtr schema;
  cdc::TableSpec spec;
  Cursor stored_cursor;  // as the watermark holds it
  // Set when the table must be read again from the start because columns
  // the source added already hold values (ceiling.h, AddedColumnsWithValues).
  std::vector<std::string> added_columns;
  Cursor start_cursor;  // where the extract begins: stored_cursor, or empty after added columns
  Lookback lookback;    // the lookback the extract starts with (cleared with the cursor)

  // Extract only (not --load-only):
  cdc::Ceiling ceiling;
  std::vector<std::string> ceiling_notes;  // "MAX(updated_at) = ..."
  NullCursorRows null_cursor_rows;
  // One line per count above; the run itself answers the count with
  // CheckNullCursorRows (warn, or stop the table).
  std::vector<std::string> null_cursor_notes;
  // What the run warns about before reading: configuration warnings, the
  // re-read for added columns, cursor-ahead warnings.
  std::vector<std::string> warnings;
  std::optional<cdc::ChunkPlanner> planner;  // unconsumed: the run's first NextQuery is first_query
  std::string window;                        // planner->DescribeWindow()
  std::optional<SelectQuery> first_query;    // nullopt: nothing to read

  // Load (never with --backup-only): the files earlier runs left waiting,
  // then what the extract stages. Nothing waiting and nothing to read (or
  // --load-only with nothing staged) is no load: no DDL runs.
  size_t waiting_files = 0;
  bool extract_stages = false;  // the extract has a query (full_sync: always a file, even empty)
  bool Loads() const { return waiting_files > 0 || extract_stages; }
  target::LoadMode load_mode = target::LoadMode::kMerge;
  std::vector<std::string> primary_key;
  std::vector<std::string> order_columns;       // "latest" for dedup: the cursor columns
  std::optional<std::vector<std::string>> ddl;  // planned against a target and Loads(): what Load would run now
  // Set when the target could not be asked (an operating error: a DuckDB
  // file another process holds, a server down). It stops nothing yet: the
  // extract stages as planned, and a load fails with the target's error.
  std::optional<Status> target_unreachable;
};

// What a load of `schema`/`spec` sends the target; every field but the files.
target::LoadRequest LoadRequestFor(const config::PipelineConfig& pipeline, const config::TableConfig& table,
                                   const SchemaPtr& schema, const cdc::TableSpec& spec, const std::string& run_id);

struct PlanInputs {
  const config::PipelineConfig* pipeline = nullptr;
  const config::TableConfig* table = nullptr;
  const state::Watermark* watermark = nullptr;  // as stored
  const SyncOptions* options = nullptr;
  // Opened only when needed (not for --load-only over a recorded schema).
  std::function<Result<source::Source*>()> source;
  // Asked for the DDL (PlanDdl reads its catalog), unless --backup-only.
  // Empty: the target is not checked (unit tests of the extract alone).
  std::function<Result<target::Target*>()> target;
};

// Fills `plan` step by step: describe (or the recorded schema), spec,
// strategy check, added columns, ceiling, rows with a NULL cursor, planner,
// load mode, what loads, the target check and DDL. On error the fields
// filled before it stay set, for the dry run to print with the error; a run
// uses a plan only when it succeeded.
Status PlanTableRun(const PlanInputs& inputs, TablePlan& plan);

}  // namespace sluice::sync
