// Stopping a MySQL read early ends at once instead of streaming the rest
// of the result: a reader dropped mid-result has the server stop the query
// (KILL QUERY from a second connection) rather than reading every
// remaining row, and the source stays usable afterwards.
//
// The slow results of the Source API tests come from the server (SLEEP per
// row), so the time a drain would take is known from the rows read, not
// from the machine; the sync test reads a real table and measures how long
// reading it takes.
#include <signal.h>
#include <sys/wait.h>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <thread>

#include "mysql_client.h"
#include "mysql_test_util.h"
#include "connect/open.h"

namespace sluice::testing {
namespace {

using Clock = std::chrono::steady_clock;

double SecondsSince(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// 2 ms of server time per row: 5000 rows take 10 s. Rows of 2 kB fill the
// server's network buffer every few rows, so they arrive as they are made.
SelectQuery SlowQuery(int rows) {
  SelectQuery query;
  query.custom_sql = "SELECT seq AS n, REPEAT('x', 2000) AS pad FROM seq_1_to_" + std::to_string(rows) +
                     " WHERE SLEEP(0.002) = 0";
  return query;
}

class MySqlCancelTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_ = MySqlServer();
    ASSERT_FALSE(server_.host.empty());
    auto opened = source::OpenSource(server_.Connection(config::SourceType::kMySql));
    ASSERT_TRUE(opened.has_value()) << opened.error().ToString();
    source_ = std::move(*opened);
  }

  // The rows of `sql` (one BIGINT column) read to the end through the source.
  std::vector<std::string> ReadNumbers(const std::string& sql) {
    SelectQuery query;
    query.custom_sql = sql;
    auto schema = source_->DescribeQuery(query);
    EXPECT_TRUE(schema.has_value()) << schema.error().ToString();
    if (!schema) return {};
    auto batch = ReadAll(*source_, query, *schema);
    EXPECT_TRUE(batch.has_value()) << batch.error().ToString();
    return batch ? BatchRows(*batch) : std::vector<std::string>{};
  }

  ServerEnv server_;
  std::unique_ptr<source::Source> source_;
};

TEST_F(MySqlCancelTest, DroppingAReaderMidResultReturnsAtOnceAndTheSourceStaysUsable) {
  constexpr int kRows = 5000;
  SelectQuery query = SlowQuery(kRows);
  auto schema = source_->DescribeQuery(query);
  ASSERT_TRUE(schema.has_value()) << schema.error().ToString();
  auto reader = source_->Read(query, *schema, {});
  ASSERT_TRUE(reader.has_value()) << reader.error().ToString();
  ColumnBatch batch(*schema);
  Clock::time_point reading = Clock::now();
  ASSERT_EQ((*reader)->Next(&batch, 200).value_or(0), 200u);
  // What reading the rest would cost, at the rate just measured.
  double rest_seconds = SecondsSince(reading) / 200 * (kRows - 200);
  ASSERT_GE(rest_seconds, 5.0) << "the query is too fast to show a drain";

  Clock::time_point dropping = Clock::now();
  reader->reset();
  EXPECT_LT(SecondsSince(dropping), 1.5) << "the reader read the rest of the result (about " << rest_seconds
                                         << " s) instead of stopping the query";

  // The same connection answers the next query, whole and right.
  EXPECT_EQ(ReadNumbers("SELECT seq AS n FROM seq_1_to_3"), (std::vector<std::string>{"1", "2", "3"}));
}

// A result the server had already sent in full when the reader was dropped:
// the kill finds no query to stop and must not end the next one instead.
TEST_F(MySqlCancelTest, ACancelAfterTheServerSentEverythingLeavesTheNextQueryAlone) {
  SelectQuery query;
  query.custom_sql = "SELECT seq AS n FROM seq_1_to_5";
  auto schema = source_->DescribeQuery(query);
  ASSERT_TRUE(schema.has_value()) << schema.error().ToString();
  for (int attempt = 0; attempt < 5; ++attempt) {
    auto reader = source_->Read(query, *schema, {});
    ASSERT_TRUE(reader.has_value()) << reader.error().ToString();
    ColumnBatch batch(*schema);
    // Every row, but not the end of the result: the reader is still open when dropped.
    ASSERT_EQ((*reader)->Next(&batch, 5).value_or(0), 5u);
    reader->reset();
    EXPECT_EQ(ReadNumbers("SELECT seq AS n FROM seq_1_to_2 WHERE SLEEP(0.05) = 0"),
              (std::vector<std::string>{"1", "2"}));
  }
}

// Inside a full_sync's snapshot, a cancelled read leaves the snapshot open
// and the source able to end it.
TEST_F(MySqlCancelTest, ACancelledReadInsideTheSnapshotLeavesTheSnapshotUsable) {
  ASSERT_TRUE(source_->BeginSnapshot().ok());
  SelectQuery query = SlowQuery(5000);
  auto schema = source_->DescribeQuery(query);
  ASSERT_TRUE(schema.has_value()) << schema.error().ToString();
  auto reader = source_->Read(query, *schema, {});
  ASSERT_TRUE(reader.has_value()) << reader.error().ToString();
  ColumnBatch batch(*schema);
  ASSERT_EQ((*reader)->Next(&batch, 10).value_or(0), 10u);
  Clock::time_point dropping = Clock::now();
  reader->reset();
  EXPECT_LT(SecondsSince(dropping), 1.5);
  EXPECT_EQ(ReadNumbers("SELECT seq AS n FROM seq_1_to_2"), (std::vector<std::string>{"1", "2"}));
  Status ended = source_->EndSnapshot();
  EXPECT_TRUE(ended.ok()) << ended.ToString();
}

// ---- the real binary: SIGINT during a full_sync --------------------------

// The synced table is a view over them that sleeps 50 us per row on the
// server, so reading it takes over 12 s however fast the machine (sluice
// reads a plain table of this size in well under a second): the rest of the
// result is what a drain would wait for. The test measures the read time.
constexpr int kFullSyncRows = 250000;
// How soon after SIGINT the process must have exited.
constexpr double kStopWithinSeconds = 3.0;

// Per range of 10,000 ids: the row count and an MD5 over every column of
// every row in id order, the same text on both sides.
constexpr const char* kSourceChecksums =
    "SELECT id DIV 10000 AS r, COUNT(*), MD5(GROUP_CONCAT(MD5(CONCAT_WS('|', id, n, amount, note, "
    "DATE_FORMAT(stamped_at, '%Y-%m-%d %H:%i:%s.%f'))) ORDER BY id SEPARATOR ',')) FROM cancel_full_sync GROUP BY r "
    "ORDER BY r";
constexpr const char* kTargetChecksums =
    "SELECT id // 10000 AS r, count(*), md5(string_agg(md5(concat_ws('|', id, n, amount, note, "
    "strftime(stamped_at, '%Y-%m-%d %H:%M:%S.%f'))), ',' ORDER BY id)) FROM slow_full_sync GROUP BY r ORDER BY r";

TEST(MySqlCancelSync, SigintDuringAFullSyncEndsTheRunWithinMomentsAndTheNextRunIsExact) {
  ServerEnv server = MySqlServer();
  ASSERT_FALSE(server.host.empty());
  MySqlClient client(server);
  client.Exec("DROP VIEW IF EXISTS slow_full_sync");
  client.Exec("DROP TABLE IF EXISTS cancel_full_sync");
  client.Exec("CREATE TABLE cancel_full_sync (id INT PRIMARY KEY, n BIGINT, amount DECIMAL(12,2), note VARCHAR(100), "
              "stamped_at DATETIME(6))");
  client.Exec("INSERT INTO cancel_full_sync SELECT seq, seq * 7919, (seq % 100000) / 100, CONCAT('note ', seq, ' ', "
              "MD5(seq)), '2025-01-01' + INTERVAL seq SECOND + INTERVAL (seq % 1000) MICROSECOND FROM seq_1_to_" +
              std::to_string(kFullSyncRows));
  client.Exec("CREATE VIEW slow_full_sync AS SELECT * FROM cancel_full_sync WHERE SLEEP(0.00005) = 0");
  EmbeddedProject project("mysql_cancel_full_sync");
  // Batches of 1,000 rows (80 ms of this view): the run notices the interrupt between batches.
  project.WriteConfig("  slow_full_sync: {cdc_strategy: full_sync}\n", "batch_size: 1000",
                      "partition_strategy: table", server.SourceYaml("mysql", "ssl: {mode: disabled}"));
  // Whether the server is running the table's read (not the connection or the catalog).
  const std::string running =
      "SELECT COUNT(*) FROM information_schema.processlist WHERE info LIKE 'SELECT%slow_full_sync%' AND id <> "
      "CONNECTION_ID()";
  auto wait_for = [&](const std::string& count) {
    Clock::time_point started = Clock::now();
    while (client.Scalar(running) != count && SecondsSince(started) < 120) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return client.Scalar(running) == count;
  };

  int pid = project.StartSluice({"-q", "sync", "-p", "test"});
  ASSERT_TRUE(wait_for("1")) << "the read never started";
  std::this_thread::sleep_for(std::chrono::seconds(1));
  // Well under a second on a quiet machine; the run's end still writes the
  // watermark and releases the lease (fsyncs), which a loaded 2-core CI
  // machine stretched to 2.1 s once. A drain takes 10 s or more here.
  ExpectSigintEndsTheRunWithin(pid, kStopWithinSeconds);
  if (HasFatalFailure()) return;
  EXPECT_EQ(client.Scalar(running), "0") << "the query still runs on the server";

  // The next run reads the whole table; how long the server runs its read is
  // what the interrupted run would have waited for had it read the rest.
  std::string report_path = project.dir() + "/full_run.json";
  pid = project.StartSluice({"-q", "sync", "-p", "test", "--json-output", report_path});
  ASSERT_TRUE(wait_for("1")) << "the read never started";
  int status = 0;
  Clock::time_point read_started = Clock::now();
  ASSERT_TRUE(wait_for("0")) << "the read never ended";
  double read_seconds = SecondsSince(read_started);
  ASSERT_EQ(::waitpid(pid, &status, 0), pid);
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "the run after the interrupted one failed";
  EXPECT_GE(read_seconds, 10.0) << "the table reads too fast to show a drain; give it more rows";
  std::ifstream report_file(report_path);
  nlohmann::json report = nlohmann::json::parse(report_file, nullptr, false);
  ASSERT_FALSE(report.is_discarded());
  EXPECT_EQ(report.at("table_results").at("slow_full_sync").at("rows_loaded"), kFullSyncRows);
  // The target holds every row and column as the source does.
  client.Exec("SET SESSION group_concat_max_len = 16000000");
  std::vector<std::string> source = JoinAll(client.Rows(kSourceChecksums));
  ASSERT_EQ(source.size(), static_cast<size_t>(kFullSyncRows / 10000 + 1));
  EXPECT_EQ(JoinAll(project.TargetRows(kTargetChecksums)), source);
}

// A query that computes before sending its first row (a sort, a join, or
// here a SLEEP the server runs once): no batch arrives, so the reader
// thread cannot poll the stop; the run's thread notices it and has the
// source KILL QUERY the statement. SIGINT must end the run within moments.
TEST(MySqlCancelSync, SigintWhileTheServerComputesTheFirstRowEndsTheRunWithinMoments) {
  ServerEnv server = MySqlServer();
  ASSERT_FALSE(server.host.empty());
  MySqlClient client(server);
  client.Exec("DROP VIEW IF EXISTS first_row_waits");
  client.Exec("DROP TABLE IF EXISTS first_row_base");
  client.Exec("CREATE TABLE first_row_base (id INT PRIMARY KEY, note VARCHAR(20))");
  // At most 3 x 20 s: without the interrupt the run waits that long, and the test fails rather than hangs.
  client.Exec("INSERT INTO first_row_base SELECT seq, CONCAT('n', seq) FROM seq_1_to_3");
  client.Exec("CREATE VIEW first_row_waits AS SELECT b.* FROM first_row_base b WHERE (SELECT SLEEP(20)) = 0");
  EmbeddedProject project("mysql_cancel_first_row");
  project.WriteConfig("  first_row_waits: {cdc_strategy: full_sync}\n", "batch_size: 1000", "partition_strategy: table",
                      server.SourceYaml("mysql", "ssl: {mode: disabled}"));
  const std::string running =
      "SELECT COUNT(*) FROM information_schema.processlist WHERE info LIKE 'SELECT%first_row_waits%' AND id <> "
      "CONNECTION_ID()";
  int pid = project.StartSluice({"-q", "sync", "-p", "test"});
  Clock::time_point started = Clock::now();
  while (client.Scalar(running) != "1" && SecondsSince(started) < 60) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  ASSERT_EQ(client.Scalar(running), "1") << "the read never started";
  std::this_thread::sleep_for(std::chrono::seconds(1));
  ExpectSigintEndsTheRunWithin(pid, kStopWithinSeconds);
  if (HasFatalFailure()) return;
  EXPECT_EQ(client.Scalar(running), "0") << "the query still runs on the server";
  EXPECT_TRUE(project.StagedObjects().empty()) << "nothing was read, so nothing is staged";
}

}  // namespace
}  // namespace sluice::testing
