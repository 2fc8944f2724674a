#include "common/exit_code.h"

#include <gtest/gtest.h>

#include <vector>

namespace sluice {
namespace {

// SPEC §1: 0 success, 1 a run failed, 2 usage or configuration error,
// 3 verify found a mismatch, 75 another run holds the table's lease.
TEST(ExitCode, EveryStatusCodeMapsToTheExitCodeTheSpecGivesIt) {
  struct Row {
    Status status;
    int exit_code;
  };
  std::vector<Row> rows = {
      {Status::Ok(), 0},
      {InvalidArgument("tables.orders.batch_size: expected an integer"), 2},
      {NotSupported("s3 stores are not supported yet"), 2},
      {NotFound("pipeline 'nope' is not configured"), 2},
      {Unavailable("the server went away"), 1},
      {IoError("disk full"), 1},
      {DataError("zero date"), 1},
      {SchemaMismatch("column narrowed"), 1},
      {Conflict("the watermark changed"), 1},
      {LeaseHeld("held by pid 42"), 75},
      {Cancelled("interrupted"), 1},
      {Internal("invariant"), 1},
  };
  for (const Row& row : rows) EXPECT_EQ(ExitCodeFor(row.status), row.exit_code) << row.status.ToString();
  EXPECT_EQ(std::size(kExitCodes), rows.size()) << "a StatusCode without its row in kExitCodes";
  for (size_t row_idx = 0; row_idx < std::size(kExitCodes); ++row_idx) {
    EXPECT_EQ(kExitCodes[row_idx].code, rows[row_idx].status.code()) << "kExitCodes row " << row_idx;
  }
  EXPECT_EQ(kExitMismatch, 3);
}

TEST(ExitCode, ARunExitsZeroOneOrSeventyFiveWhenOnlyLeasesWereHeld) {
  EXPECT_EQ(RunExitCode({}), 0);
  std::vector<Status> leases = {LeaseHeld("a"), LeaseHeld("b")};
  EXPECT_EQ(RunExitCode(leases), 75);
  std::vector<Status> mixed = {LeaseHeld("a"), DataError("b")};
  EXPECT_EQ(RunExitCode(mixed), 1);
  // Inside a run, a configuration-looking error is still a failed run: it had started.
  std::vector<Status> refused = {InvalidArgument("the cursor's strategy changed")};
  EXPECT_EQ(RunExitCode(refused), 1);
}

}  // namespace
}  // namespace sluice
