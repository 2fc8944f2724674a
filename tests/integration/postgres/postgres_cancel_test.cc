// Stopping a PostgreSQL read from another thread (Source::Interrupt, what a
// run's thread calls when its cancel token fires) ends it at once: the
// server cancels the statement, the reader returns Cancelled (not a server
// error that would read as the table's failure), and the source stays
// usable; inside a full_sync's snapshot the snapshot is reported lost.
//
// The slow statements come from the server (pg_sleep, at least 1 ms per
// call), so how long a read would take without the interrupt is known from
// the SQL, not from the machine.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>

#include <chrono>
#include <fstream>
#include <future>
#include <thread>

#include "pg_fixture.h"
#include "source_reading.h"

namespace sluice::testing {
namespace {

using Clock = std::chrono::steady_clock;

double SecondsSince(Clock::time_point start) { return std::chrono::duration<double>(Clock::now() - start).count(); }

// How soon after the interrupt (or SIGINT) the read (or the process) must have ended.
constexpr double kStopWithinSeconds = 3.0;

bool Contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

class PostgresCancelTest : public PostgresSourceTest {
 protected:
  // Whether the server runs a statement of another session that mentions `marker`, by the time `count` shows.
  bool WaitForRunning(const std::string& marker, const std::string& count, double timeout_seconds = 60) {
    const std::string sql =
        "SELECT count(*) FROM pg_stat_activity WHERE state = 'active' AND pid <> "
        "pg_backend_pid() AND query LIKE '%" +
        marker + "%'";
    Clock::time_point started = Clock::now();
    while (fixture_->Value(sql) != count && SecondsSince(started) < timeout_seconds) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return fixture_->Value(sql) == count;
  }

  // Reads `query` on another thread and interrupts it once the server runs
  // it; returns the read's status and how long it took to end after the interrupt.
  std::pair<Status, double> ReadInterrupted(const SelectQuery& query, SchemaPtr schema, const std::string& marker) {
    auto read = std::async(std::launch::async, [&] { return ReadAllRows(*source_, query, schema).status; });
    EXPECT_TRUE(WaitForRunning(marker, "1")) << "the read never started";
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    Clock::time_point interrupted = Clock::now();
    source_->Interrupt();
    Status status = read.get();
    return {status, SecondsSince(interrupted)};
  }
};

// A custom query that sleeps 20 s before its first row (the single-row reader).
TEST_F(PostgresCancelTest, InterruptEndsACustomQueryStillComputingItsFirstRow) {
  std::string marker = UniqueName("first_row_wait");
  SelectQuery query;
  query.custom_sql =
      "SELECT i AS n FROM generate_series(1, 3) i WHERE (SELECT 1 FROM pg_sleep(20)) = 1 AND '" + marker + "' <> ''";
  auto schema = source_->DescribeQuery(query);
  ASSERT_TRUE(schema.has_value()) << schema.error().ToString();
  auto [status, seconds] = ReadInterrupted(query, *schema, marker);
  EXPECT_LT(seconds, kStopWithinSeconds) << "the read waited for the server after Interrupt";
  EXPECT_EQ(status.code(), StatusCode::kCancelled) << status.ToString();
  EXPECT_FALSE(Contains(status.message(), "SQLSTATE")) << status.message();
  EXPECT_TRUE(WaitForRunning(marker, "0", 5)) << "the statement still runs on the server";

  // The same connection answers the next query, whole and right.
  SelectQuery next;
  next.custom_sql = "SELECT i AS n FROM generate_series(1, 3) i";
  auto next_schema = source_->DescribeQuery(next);
  ASSERT_TRUE(next_schema.has_value()) << next_schema.error().ToString();
  ReadResult read = ReadAllRows(*source_, next, *next_schema);
  ASSERT_TRUE(read.status.ok()) << read.status.ToString();
  EXPECT_EQ(read.rows, (std::vector<std::vector<std::string>>{{"1"}, {"2"}, {"3"}}));
}

// A COPY that streams one row per 20 ms (the keyset reader), interrupted
// inside a snapshot: the read ends, and so does the snapshot, which says so.
TEST_F(PostgresCancelTest, InterruptEndsACopyInsideASnapshotAndTheSnapshotIsReportedLost) {
  std::string table = UniqueName("slow_copy");
  fixture_->Exec("DROP VIEW IF EXISTS " + table + "; DROP TABLE IF EXISTS " + table + "_base; CREATE TABLE " + table +
                 "_base (id bigint PRIMARY KEY); INSERT INTO " + table +
                 "_base SELECT i FROM generate_series(1, 5000) i; CREATE VIEW " + table + " AS SELECT b.id FROM " +
                 table + "_base b WHERE (SELECT true FROM pg_sleep(0.02 + 0 * b.id))");
  auto schema = source_->DescribeTable(table);
  ASSERT_TRUE(schema.has_value()) << schema.error().ToString();
  SelectQuery query;
  query.table = table;
  query.columns = {"id"};
  ASSERT_TRUE(source_->BeginSnapshot().ok());
  // 5000 rows of at least 20 ms: 100 s without the interrupt.
  auto [status, seconds] = ReadInterrupted(query, *schema, table);
  EXPECT_LT(seconds, kStopWithinSeconds) << "the read went on after Interrupt";
  EXPECT_EQ(status.code(), StatusCode::kCancelled) << status.ToString();
  Status ended = source_->EndSnapshot();
  EXPECT_EQ(ended.code(), StatusCode::kUnavailable) << ended.ToString();
  EXPECT_TRUE(Contains(ended.message(), "the snapshot ended early because a read was cancelled")) << ended.message();
  EXPECT_TRUE(source_->BeginSnapshot().ok());
  EXPECT_TRUE(source_->EndSnapshot().ok());
}

// ---- the real binary: SIGINT during a run --------------------------------

// One table of this many rows, read through a view that sleeps 1 ms per row
// while the pacing switch is on: a batch of 50,000 rows (the default
// batch_size) then takes at least 50 s, which the run would wait for before
// it could notice the stop between batches.
constexpr int kFullSyncRows = 250000;

// Per range of 10,000 ids: the row count and an MD5 over every column of
// every row in id order, the same text on both sides.
constexpr const char* kSourceChecksums =
    "SELECT id / 10000 AS r, count(*), md5(string_agg(md5(concat_ws('|', id, n, amount, note, "
    "to_char(stamped_at, 'YYYY-MM-DD HH24:MI:SS.US'))), ',' ORDER BY id)) FROM {base} GROUP BY r ORDER BY r";
constexpr const char* kTargetChecksums =
    "SELECT id // 10000 AS r, count(*), md5(string_agg(md5(concat_ws('|', id, n, amount, note, "
    "strftime(stamped_at, '%Y-%m-%d %H:%M:%S.%f'))), ',' ORDER BY id)) FROM {view} GROUP BY r ORDER BY r";

std::string Named(std::string text, const std::string& base, const std::string& view) {
  for (size_t at; (at = text.find("{base}")) != std::string::npos;) text.replace(at, 6, base);
  for (size_t at; (at = text.find("{view}")) != std::string::npos;) text.replace(at, 6, view);
  return text;
}

nlohmann::json ReadReport(const std::string& path) {
  std::ifstream file(path);
  return nlohmann::json::parse(file, nullptr, false);
}

TEST_F(PostgresCancelTest, SigintDuringAFullSyncEndsTheRunWithinMomentsAndTheNextRunIsExact) {
  std::string view = UniqueName("slow_full_sync");
  std::string base = view + "_base";
  fixture_->Exec(
      Named("DROP VIEW IF EXISTS {view}; DROP TABLE IF EXISTS {base}; DROP TABLE IF EXISTS {view}_pacing;"
            "CREATE TABLE {base} (id int PRIMARY KEY, n bigint, amount numeric(12,2), note varchar(100), "
            "stamped_at timestamp(6));"
            "INSERT INTO {base} SELECT i, i * 7919::bigint, (i % 100000) / 100.0, 'note ' || i || ' ' || md5(i::text), "
            "timestamp '2025-01-01' + i * interval '1 second' + (i % 1000) * interval '1 microsecond' "
            "FROM generate_series(1, " +
                std::to_string(kFullSyncRows) +
                ") i;"
                "CREATE TABLE {view}_pacing (paced boolean NOT NULL); INSERT INTO {view}_pacing VALUES (true);"
                "CREATE VIEW {view} AS SELECT b.* FROM {base} b WHERE (SELECT true FROM {view}_pacing p, "
                "pg_sleep(CASE WHEN p.paced THEN 0.001 ELSE 0 END + 0 * b.id))",
            base, view));
  EmbeddedProject project("postgres_cancel_full_sync");
  project.WriteConfig("  " + view + ": {cdc_strategy: full_sync}\n", "batch_size: 50000", "partition_strategy: table",
                      server_.SourceYaml("postgres", "ssl: {mode: disabled}"));

  std::string report_path = project.dir() + "/interrupted.json";
  int pid = project.StartSluice({"-q", "sync", "-p", "test", "--json-output", report_path});
  ASSERT_TRUE(WaitForRunning("COPY%" + view, "1", 120)) << "the read never started";
  std::this_thread::sleep_for(std::chrono::seconds(1));
  ExpectSigintEndsTheRunWithin(pid, kStopWithinSeconds);
  if (HasFatalFailure()) return;
  EXPECT_TRUE(WaitForRunning("COPY%" + view, "0", 5)) << "the COPY still runs on the server";
  nlohmann::json report = ReadReport(report_path);
  ASSERT_TRUE(report.contains("table_results")) << report.dump(2);
  std::string error = report.at("table_results").at(view).value("error", "");
  EXPECT_TRUE(Contains(error, "interrupted")) << error;
  EXPECT_FALSE(Contains(error, "SQLSTATE")) << "the server's cancel is not the table's failure: " << error;

  // Unpaced, the next run reads the whole table and loads exactly the source.
  fixture_->Exec(Named("UPDATE {view}_pacing SET paced = false", base, view));
  report_path = project.dir() + "/full_run.json";
  pid = project.StartSluice({"-q", "sync", "-p", "test", "--json-output", report_path});
  int status = 0;
  ASSERT_EQ(::waitpid(pid, &status, 0), pid);
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "the run after the interrupted one failed";
  report = ReadReport(report_path);
  ASSERT_TRUE(report.contains("table_results")) << report.dump(2);
  EXPECT_EQ(report.at("table_results").at(view).at("rows_loaded"), kFullSyncRows);
  std::vector<std::string> source = JoinAll(fixture_->Rows(Named(kSourceChecksums, base, view)));
  ASSERT_EQ(source.size(), static_cast<size_t>(kFullSyncRows / 10000 + 1));
  EXPECT_EQ(JoinAll(project.TargetRows(Named(kTargetChecksums, base, view))), source);
}

// A custom_sql query whose server computes 20 s before its first row: no
// batch arrives, so only the run's thread can notice the stop, and has the
// source cancel the statement. SIGINT must end the run within moments.
TEST_F(PostgresCancelTest, SigintWhileTheServerComputesTheFirstRowEndsTheRunWithinMoments) {
  std::string table = UniqueName("first_row_waits");
  fixture_->Exec("DROP TABLE IF EXISTS " + table + "; CREATE TABLE " + table +
                 " (id int PRIMARY KEY, note text); INSERT INTO " + table +
                 " SELECT i, 'n' || i FROM generate_series(1, 3) i");
  EmbeddedProject project("postgres_cancel_first_row");
  project.WriteConfig("  " + table + ":\n    cdc_strategy: custom_sql\n    cdc_id_column: id\n    primary_key: [id]\n" +
                          "    custom_sql: SELECT id, note FROM " + table +
                          " WHERE id > {{last_id}} AND (SELECT 1 FROM pg_sleep(20)) = 1\n",
                      "batch_size: 1000", "partition_strategy: table",
                      server_.SourceYaml("postgres", "ssl: {mode: disabled}"));
  std::string report_path = project.dir() + "/report.json";
  int pid = project.StartSluice({"-q", "sync", "-p", "test", "--json-output", report_path});
  ASSERT_TRUE(WaitForRunning(table + " WHERE id >", "1")) << "the read never started";
  std::this_thread::sleep_for(std::chrono::seconds(1));
  ExpectSigintEndsTheRunWithin(pid, kStopWithinSeconds);
  if (HasFatalFailure()) return;
  EXPECT_TRUE(WaitForRunning(table + " WHERE id >", "0", 5)) << "the query still runs on the server";
  EXPECT_TRUE(project.StagedObjects().empty()) << "nothing was read, so nothing is staged";
  nlohmann::json report = ReadReport(report_path);
  ASSERT_TRUE(report.contains("table_results")) << report.dump(2);
  std::string error = report.at("table_results").at(table).value("error", "");
  EXPECT_TRUE(Contains(error, "interrupted")) << error;
  EXPECT_FALSE(Contains(error, "SQLSTATE")) << error;
}

}  // namespace
}  // namespace sluice::testing
