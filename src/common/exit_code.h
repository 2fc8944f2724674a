// Exit codes (SPEC §1), defined once: the codes, and the one table that
// maps an error's StatusCode to the code of a command it stops. The CLI
// (cli/main.cc) and the run report (sync/report.h) both use it.
//
//   0  success
//   1  a run failed (source, store or target error, data-quality rule broken)
//   2  usage or configuration error (nothing was read or written)
//   3  verify found a mismatch
//   75 another run holds the table's lease (try later; EX_TEMPFAIL)
//
// Thread-safety: constant data and pure functions.
#pragma once

#include <span>

#include "common/status.h"

namespace sluice {

inline constexpr int kExitSuccess = 0;
inline constexpr int kExitFailed = 1;
inline constexpr int kExitUsage = 2;
inline constexpr int kExitMismatch = 3;
inline constexpr int kExitLeaseHeld = 75;

struct ExitCodeRow {
  StatusCode code;
  int exit_code;
};

// Every StatusCode, in declaration order, with the exit code of a command
// that stops with it. NotFound is a usage error: the errors that stop a
// command outside a run name a pipeline, table or connection that is not
// configured.
inline constexpr ExitCodeRow kExitCodes[] = {
    {StatusCode::kOk, kExitSuccess},           {StatusCode::kInvalidArgument, kExitUsage},
    {StatusCode::kNotSupported, kExitUsage},   {StatusCode::kNotFound, kExitUsage},
    {StatusCode::kUnavailable, kExitFailed},   {StatusCode::kIoError, kExitFailed},
    {StatusCode::kDataError, kExitFailed},     {StatusCode::kSchemaMismatch, kExitFailed},
    {StatusCode::kConflict, kExitFailed},      {StatusCode::kLeaseHeld, kExitLeaseHeld},
    {StatusCode::kCancelled, kExitFailed},     {StatusCode::kInternal, kExitFailed},
};

// The exit code of a command stopped by `status` (kExitCodes).
int ExitCodeFor(const Status& status);

// The exit code of a run of several tables, given each failed table's
// error: 0 when none failed, 75 when every failure is a held lease (the
// tables ran elsewhere; try later), else 1. Inside a run every other
// failure is a run failure, whatever its code: the run had started reading
// or writing.
int RunExitCode(std::span<const Status> table_failures);

}  // namespace sluice
