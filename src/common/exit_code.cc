#include "common/exit_code.h"

namespace sluice {

int ExitCodeFor(const Status& status) {
  for (const ExitCodeRow& row : kExitCodes) {
    if (row.code == status.code()) return row.exit_code;
  }
  return kExitFailed;  // unreachable while kExitCodes lists every StatusCode (tested)
}

int RunExitCode(std::span<const Status> table_failures) {
  if (table_failures.empty()) return kExitSuccess;
  for (const Status& failure : table_failures) {
    if (ExitCodeFor(failure) != kExitLeaseHeld) return kExitFailed;
  }
  return kExitLeaseHeld;
}

}  // namespace sluice
