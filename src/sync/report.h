// The run report (SPEC §6): what `sync --json-output` writes, and the
// per-table results the pipeline collects while it runs.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/enum_names.h"
#include "common/status.h"
#include "state/watermark.h"

namespace sluice::sync {

// A table's outcome in the run report: "success", "failed", or "skipped"
// (its lease was held by another run, or the run was stopped before it).
enum class TableStatus { kSuccess, kFailed, kSkipped };
inline constexpr EnumNames<TableStatus, 3> kTableStatusNames{{{{TableStatus::kSuccess, "success"},
                                                               {TableStatus::kFailed, "failed"},
                                                               {TableStatus::kSkipped, "skipped"}}}};
inline std::string_view ToString(TableStatus status) { return kTableStatusNames.Name(status); }

// The run's outcome: "success", "partial" (some tables did not succeed) or
// "failed" (none did).
enum class RunStatus { kSuccess, kPartial, kFailed };
inline constexpr EnumNames<RunStatus, 3> kRunStatusNames{
    {{{RunStatus::kSuccess, "success"}, {RunStatus::kPartial, "partial"}, {RunStatus::kFailed, "failed"}}}};
inline std::string_view ToString(RunStatus status) { return kRunStatusNames.Name(status); }

struct Validation {
  int64_t source_rows = 0;  // rows the source returned this run
  int64_t staged_rows = 0;  // rows written to the files staged this run
  int64_t loaded_rows = 0;  // rows the target read from the files it loaded this run
  int64_t expected_loaded_rows = 0;  // the watermark's row counts of those files
  bool ok() const { return source_rows == staged_rows && loaded_rows == expected_loaded_rows; }
};

struct TableResult {
  TableStatus status = TableStatus::kSuccess;
  int64_t rows_extracted = 0;
  int64_t files_created = 0;
  int64_t bytes_staged = 0;
  int64_t rows_loaded = 0;
  int64_t files_loaded = 0;
  int64_t zero_dates_nulled = 0;
  int64_t null_cursor_rows = 0;  // rows the cursor cannot see (processing.null_cursor)
  Validation validation;
  // Staged files this run found unloadable and gave back to the source
  // (state/rewind.h): their rows are read again, this run or the next.
  std::vector<state::RewindRecord> rewinds;
  double duration_seconds = 0;
  Status error;  // ok unless status is failed or skipped
};

struct RunReport {
  std::string execution_id;
  std::string pipeline;
  std::vector<std::string> tables_requested;
  std::string started_at;
  std::string finished_at;
  double duration_seconds = 0;
  std::vector<std::pair<std::string, TableResult>> table_results;  // in run order

  RunStatus Status() const;
  // The exit code (common/exit_code.h, RunExitCode): 0, 1, or 75 when the
  // only failures are held leases.
  int ExitCode() const;
  // SPEC §6 JSON, secrets redacted.
  std::string ToJson() const;
};

}  // namespace sluice::sync
