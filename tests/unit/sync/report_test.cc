// The run report (SPEC §6): its JSON byte for byte, its status and exit code.
#include "sync/report.h"

#include <gtest/gtest.h>

namespace sluice::sync {
namespace {

RunReport ThreeTables() {
  RunReport report;
  report.execution_id = "sync_20251128_140000_abc123";
  report.pipeline = "us_dw";
  report.tables_requested = {"orders", "events", "held"};
  report.started_at = "2025-11-28T14:00:00.000000Z";
  report.finished_at = "2025-11-28T14:00:45.000000Z";
  report.duration_seconds = 45.5;
  TableResult orders;
  orders.rows_extracted = 50000;
  orders.files_created = 5;
  orders.bytes_staged = 3100000;
  orders.rows_loaded = 50000;
  orders.files_loaded = 5;
  orders.validation = {.source_rows = 50000, .staged_rows = 50000, .loaded_rows = 50000,
                       .expected_loaded_rows = 50000};
  orders.rewinds = {state::RewindRecord{.at = "2025-11-28T14:00:01.000000Z",
                                        .key = "incremental/b.parquet",
                                        .reason = "is missing from the store",
                                        .files_dropped = 2,
                                        .rows_dropped = 9,
                                        .cursor = std::nullopt}};
  orders.duration_seconds = 40.25;
  TableResult events;
  events.status = TableStatus::kFailed;
  events.error = DataError("zero date in column d");
  TableResult held;
  held.status = TableStatus::kSkipped;
  held.error = LeaseHeld("held by pid 42");
  report.table_results = {{"orders", orders}, {"events", events}, {"held", held}};
  return report;
}

TEST(RunReport, JsonIsSpecSection6ByteForByte) {
  EXPECT_EQ(ThreeTables().ToJson(), R"({
  "execution_id": "sync_20251128_140000_abc123",
  "status": "partial",
  "pipeline": "us_dw",
  "tables_requested": [
    "orders",
    "events",
    "held"
  ],
  "started_at": "2025-11-28T14:00:00.000000Z",
  "finished_at": "2025-11-28T14:00:45.000000Z",
  "duration_seconds": 45.5,
  "table_results": {
    "orders": {
      "status": "success",
      "rows_extracted": 50000,
      "files_created": 5,
      "bytes_staged": 3100000,
      "rows_loaded": 50000,
      "files_loaded": 5,
      "zero_dates_nulled": 0,
      "null_cursor_rows": 0,
      "validation": {
        "source_rows": 50000,
        "staged_rows": 50000,
        "loaded_rows": 50000,
        "ok": true
      },
      "rewinds": [
        {
          "key": "incremental/b.parquet",
          "reason": "is missing from the store",
          "files_dropped": 2,
          "rows_dropped": 9
        }
      ],
      "duration_seconds": 40.25,
      "error": null
    },
    "events": {
      "status": "failed",
      "rows_extracted": 0,
      "files_created": 0,
      "bytes_staged": 0,
      "rows_loaded": 0,
      "files_loaded": 0,
      "zero_dates_nulled": 0,
      "null_cursor_rows": 0,
      "validation": {
        "source_rows": 0,
        "staged_rows": 0,
        "loaded_rows": 0,
        "ok": false
      },
      "rewinds": [],
      "duration_seconds": 0.0,
      "error": "zero date in column d"
    },
    "held": {
      "status": "skipped",
      "rows_extracted": 0,
      "files_created": 0,
      "bytes_staged": 0,
      "rows_loaded": 0,
      "files_loaded": 0,
      "zero_dates_nulled": 0,
      "null_cursor_rows": 0,
      "validation": {
        "source_rows": 0,
        "staged_rows": 0,
        "loaded_rows": 0,
        "ok": false
      },
      "rewinds": [],
      "duration_seconds": 0.0,
      "error": "held by pid 42"
    }
  }
}
)");
}

TEST(RunReport, StatusAndExitCodeFollowTheTables) {
  RunReport report = ThreeTables();
  EXPECT_EQ(report.Status(), RunStatus::kPartial);
  EXPECT_EQ(report.ExitCode(), 1);
  report.table_results.erase(report.table_results.begin() + 1);  // only the held lease fails now
  EXPECT_EQ(report.ExitCode(), 75);
  report.table_results.pop_back();
  EXPECT_EQ(report.Status(), RunStatus::kSuccess);
  EXPECT_EQ(report.ExitCode(), 0);
  report.table_results[0].second.status = TableStatus::kFailed;
  EXPECT_EQ(report.Status(), RunStatus::kFailed);
}

TEST(RunReport, EveryStatusHasOneNameThatParsesBack) {
  for (TableStatus status : {TableStatus::kSuccess, TableStatus::kFailed, TableStatus::kSkipped}) {
    EXPECT_EQ(kTableStatusNames.Parse(ToString(status)), status);
  }
  for (RunStatus status : {RunStatus::kSuccess, RunStatus::kPartial, RunStatus::kFailed}) {
    EXPECT_EQ(kRunStatusNames.Parse(ToString(status)), status);
  }
  EXPECT_EQ(kTableStatusNames.List(), "success, failed, skipped");
  EXPECT_EQ(kRunStatusNames.List(), "success, partial, failed");
}

}  // namespace
}  // namespace sluice::sync
