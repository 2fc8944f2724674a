// RunPipeline: `sluice sync` — every selected table of a pipeline, one at a
// time in config order, each independent (one table's failure does not
// stop the others), then the run report (SPEC §6). DryRun prints the plan
// and writes nothing.
#pragma once

#include <ostream>

#include "common/cancel.h"
#include "config/config.h"
#include "sync/report.h"
#include "sync/context.h"
#include "sync/table_sync.h"

namespace sluice::sync {

// Errors in the request itself (SelectTables: unknown table, --limit on a
// full copy) come back as an error before anything runs; table failures
// are in the report. `cancel` stops the run at its next safe point; tables
// not started yet are reported skipped.
Result<RunReport> RunPipeline(const config::Config& config, const std::string& pipeline, const SyncOptions& options,
                              const CancelToken& cancel);

// Prints, per table: strategy, cursor, ceiling, the window, the first
// query, the target DDL, and the files waiting to load. Reads the source,
// the watermark and the target's catalog; writes nothing. Errors in the
// request come back as an error, as from RunPipeline; a table whose plan
// fails is printed with its error and returned among the table failures,
// so the dry run exits as the run would (RunExitCode: 1, not the 2 of a
// refused request, although the error's code may be InvalidArgument).
Result<std::vector<Status>> DryRun(const config::Config& config, const std::string& pipeline,
                                   const SyncOptions& options, std::ostream& out);

}  // namespace sluice::sync
