// Failpoints: named places where a test can make the process die, to prove
// that a crash there loses and duplicates nothing.
//
//   SLUICE_FAILPOINTS="extract.after_put:2,load.after_commit"
//
// kills the process with SIGKILL the 2nd time it passes
// "extract.after_put" and the 1st time it passes "load.after_commit".
// Unset (always, outside tests), a failpoint costs one flag test.
//
// Thread-safe.
#pragma once

#include <string_view>

namespace sluice {

// Counts a pass through failpoint `name`; dies if SLUICE_FAILPOINTS says so.
void Failpoint(std::string_view name);

}  // namespace sluice
