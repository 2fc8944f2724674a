// Failpoints: named places where a test can make the process die, to prove
// that a crash there loses and duplicates nothing.
//
//   SLUICE_FAILPOINTS="extract.after_put:2,load.after_commit"
//
// kills the process with SIGKILL the 2nd time it passes
// "extract.after_put" and the 1st time it passes "load.after_commit" --
// in the test build of the binary (`sluice-failpoints`, which the crash
// tests run) only: its main() calls EnableFailpointsFromEnvironment().
// The binary users run never reads the variable, so an environment cannot
// make a production sync kill itself. Disabled, a failpoint costs one
// atomic load.
//
// Thread-safe.
#pragma once

#include <string_view>

namespace sluice {

// Counts a pass through failpoint `name`; dies if the enabled spec says so.
void Failpoint(std::string_view name);

// Reads SLUICE_FAILPOINTS and arms the failpoints it names. Called once, by
// the test binary's main() before anything runs; never by `sluice` itself.
void EnableFailpointsFromEnvironment();

}  // namespace sluice
