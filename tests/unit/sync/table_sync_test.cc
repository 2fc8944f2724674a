// The sync stage itself: TableSync driven over the memory store and its
// fault injection, a fake source, the DuckDB target behind a recording
// wrapper, a manual clock and a cancellation token, all handed in as parts.
// Every test ends with the target compared to the source row by row.
#include "sync/table_sync.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>

#include "fake_source.h"
#include "recording_target.h"
#include "state/lease.h"
#include "store/memory/memory_store.h"
#include "support/duckdb_query.h"

namespace sluice::sync {
namespace {

using testing::FakeRow;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

constexpr int64_t kSecond = 1'000'000;
constexpr int64_t kRowsFrom = 1'735'689'600 * kSecond;  // 2025-01-01T00:00:00Z: the rows' updated_at
constexpr int64_t kNow = 1'893'456'000 * kSecond;       // 2030-01-01T00:00:00Z: the clocks' start

class TableSyncTest : public ::testing::Test {
 protected:
  TableSyncTest() : source_("orders", rows_, clock_) {}

  void SetUp() override {
    char pattern[] = "/tmp/sluice-table-sync-XXXXXX";
    scratch_ = ::mkdtemp(pattern);
    std::filesystem::create_directories(scratch_ + "/spool");
    target_ = std::make_unique<testing::RecordingTarget>(scratch_ + "/warehouse.duckdb");
    pipeline_.name = "p";
    pipeline_.staging.partition_strategy = config::PartitionStrategy::kTable;
    pipeline_.staging.compression = config::Compression::kNone;
    pipeline_.staging.target_file_mb = 1;
    config::TableConfig table;
    table.name = "orders";
    table.target_name = "orders";
    table.cdc_strategy = config::CdcStrategy::kHybrid;
    table.cdc_timestamp_column = "updated_at";
    table.cdc_id_column = "id";
    table.processing.batch_size = 10'000;
    table.processing.lease_seconds = 30;
    table.processing.timeout_minutes = 10;
    pipeline_.tables.push_back(table);
  }

  void TearDown() override {
    target_.reset();
    std::filesystem::remove_all(scratch_);
  }

  // Rows with ids first..last, one per second, grp = id % 7.
  void Insert(int64_t first, int64_t last) {
    for (int64_t id = first; id <= last; ++id) rows_.Insert(FakeRow{kRowsFrom + id * kSecond, id, id % 7});
  }

  TableRunParts Parts() {
    TableRunParts parts;
    parts.pipeline = &pipeline_;
    parts.store = &store_;
    parts.watermarks = &watermarks_;
    parts.source = [this]() -> Result<source::Source*> { return &source_; };
    parts.target = [this]() -> Result<target::Target*> { return target_.get(); };
    parts.spool_directory = [this]() -> Result<std::string> { return scratch_ + "/spool"; };
    parts.clock = &clock_;
    parts.cancel = &cancel_;
    return parts;
  }

  TableResult Run(const SyncOptions& options = {}) {
    TableSync run(Parts(), pipeline_.tables.front(), options, NewRunId(clock_.NowMicros()));
    TableResult result = run.Run();
    clock_.Advance(kSecond);  // runs never share a second
    return result;
  }

  state::Watermark Stored() {
    Result<state::VersionedWatermark> stored = watermarks_.Load("p", "orders");
    EXPECT_TRUE(stored.has_value()) << stored.error().message();
    return stored.has_value() ? stored->watermark : state::Watermark();
  }

  // The target table, ordered by id, as "id|updated_at micros|grp".
  std::vector<std::string> TargetRows() {
    target_->Close();  // an independent reader opens the file
    Result<testing::QueryResult> result =
        testing::QueryDuckDb("SELECT id, epoch_us(updated_at), grp FROM orders ORDER BY id", target_->database_path());
    EXPECT_TRUE(result.has_value()) << result.error().message();
    std::vector<std::string> rows;
    if (!result.has_value()) return rows;
    for (const testing::Row& row : result->rows) {
      std::string text;
      for (const std::optional<std::string>& value : row) text += (text.empty() ? "" : "|") + value.value_or("NULL");
      rows.push_back(text);
    }
    return rows;
  }

  std::set<std::string> Ledger() {
    Result<std::set<std::string>> loaded = target_->LoadedFiles("p", "orders");
    EXPECT_TRUE(loaded.has_value()) << loaded.error().message();
    return loaded.value_or(std::set<std::string>());
  }

  void ExpectTargetEqualsSource() { EXPECT_EQ(TargetRows(), source_.RowsById()); }

  std::string scratch_;
  ManualClock clock_{kNow};
  CancelToken cancel_;
  testing::FakeTable rows_;
  testing::FakeSource source_;
  store::MemoryStore store_;
  state::WatermarkStore watermarks_{&store_};
  std::unique_ptr<testing::RecordingTarget> target_;
  config::PipelineConfig pipeline_;
};

// Fails every watermark write after the `succeed` first ones, changing nothing.
void FailWatermarkWritesAfter(store::MemoryStore& store, int64_t succeed) {
  store::FaultRule rule;
  rule.operation = store::StoreOperation::kPut;
  rule.key_contains = "watermarks/";
  rule.skip_calls = succeed;
  rule.fail_calls = store::FaultRule::kForever;
  store.InjectFault(rule);
}

TEST_F(TableSyncTest, ARunLoadsEveryRowAndRecordsItsFilesAndCursor) {
  Insert(1, 500);
  TableResult result = Run();
  ASSERT_TRUE(result.error.ok()) << result.error.message();
  EXPECT_EQ(result.rows_extracted, 500);
  EXPECT_EQ(result.rows_loaded, 500);
  ASSERT_EQ(target_->requests().size(), 1u);
  EXPECT_EQ(target_->requests().front().mode, target::LoadMode::kMerge);
  state::Watermark stored = Stored();
  EXPECT_THAT(stored.staged_files, IsEmpty());
  ASSERT_EQ(stored.loaded_files.size(), 1u);
  EXPECT_EQ(target_->files_read(), std::vector<std::string>{stored.loaded_files.front().key});
  EXPECT_EQ(stored.cursor.id, Value::Int64(500));
  ExpectTargetEqualsSource();
}

TEST_F(TableSyncTest, AFailedWatermarkWriteRecordsNothingAndTheNextRunRedoesIt) {
  Insert(1, 300);
  ASSERT_TRUE(Run().error.ok());
  Insert(301, 600);
  FailWatermarkWritesAfter(store_, 1);  // the "running" save lands; none after it
  TableResult failed = Run();
  EXPECT_EQ(failed.error.code(), StatusCode::kUnavailable) << failed.error.message();
  EXPECT_EQ(Stored().cursor.id, Value::Int64(300));  // nothing of the failed run was recorded
  store_.ClearFaults();
  TableResult redone = Run();
  ASSERT_TRUE(redone.error.ok()) << redone.error.message();
  EXPECT_EQ(redone.rows_extracted, 300);
  EXPECT_EQ(Stored().cursor.id, Value::Int64(600));
  EXPECT_THAT(Stored().staged_files, IsEmpty());
  ExpectTargetEqualsSource();
}

TEST_F(TableSyncTest, AWatermarkWriteThatLandedButReportedFailureNeitherLosesNorDoublesRows) {
  Insert(1, 400);
  // The save that records the staged file lands, and the run is told it failed.
  store::FaultRule rule;
  rule.operation = store::StoreOperation::kPut;
  rule.key_contains = "watermarks/";
  rule.skip_calls = 1;  // the "running" save
  rule.after_write = true;
  store_.InjectFault(rule);
  TableResult failed = Run();
  EXPECT_FALSE(failed.error.ok());
  state::Watermark landed = Stored();
  ASSERT_EQ(landed.staged_files.size(), 1u);
  EXPECT_EQ(landed.cursor.id, Value::Int64(400));

  TableResult next = Run();
  ASSERT_TRUE(next.error.ok()) << next.error.message();
  EXPECT_EQ(next.rows_extracted, 0);  // the cursor that landed is honoured: nothing read twice
  EXPECT_THAT(Stored().staged_files, IsEmpty());
  EXPECT_EQ(Ledger().size(), 1u);
  ExpectTargetEqualsSource();
}

TEST_F(TableSyncTest, ARunThatLostItsLeaseBeforeCommitLoadsNothingAndWritesNoWatermark) {
  Insert(1, 400);
  std::unique_ptr<state::Lease> thief;
  std::vector<std::string> writes_after_theft;
  target_->SetLoadHook([&] {
    // Another run takes the table over once this one's lease has expired (by the shared clock).
    clock_.Advance(31 * kSecond);
    state::LeaseOptions options;
    options.lease_seconds = 30;
    options.now_micros = [this] { return clock_.NowMicros(); };
    Result<std::unique_ptr<state::Lease>> taken = state::Lease::Acquire(&store_, "p", "orders", "thief", options);
    ASSERT_TRUE(taken.has_value()) << taken.error().message();
    thief = std::move(*taken);
    store_.SetHook([&](store::StoreOperation operation, const std::string& key) {
      if (operation == store::StoreOperation::kPut && key.find("watermarks/") != std::string::npos) {
        writes_after_theft.push_back(key);
      }
    });
  });
  TableResult fenced = Run();
  EXPECT_EQ(fenced.error.code(), StatusCode::kConflict) << fenced.error.message();
  EXPECT_THAT(writes_after_theft, IsEmpty());
  EXPECT_THAT(Ledger(), IsEmpty());  // the load rolled back, its ledger rows with it
  EXPECT_THAT(target_->files_read(), IsEmpty());
  state::Watermark stored = Stored();
  EXPECT_EQ(stored.staged_files.size(), 1u);  // still waiting, for whoever holds the table next
  EXPECT_EQ(stored.loaded_files.size(), 0u);

  store_.SetHook(nullptr);
  target_->SetLoadHook(nullptr);
  ASSERT_TRUE(thief->Release().ok());
  TableResult next = Run();
  ASSERT_TRUE(next.error.ok()) << next.error.message();
  EXPECT_EQ(next.rows_loaded, 400);
  ExpectTargetEqualsSource();
}

TEST_F(TableSyncTest, AnotherWritersWatermarkChangeIsNeverOverwritten) {
  Insert(1, 300);
  ASSERT_TRUE(Run().error.ok());
  Insert(301, 500);
  // Between this run's first and second watermark writes, another writer saves one.
  int64_t watermark_puts = 0;
  store_.SetHook([&](store::StoreOperation operation, const std::string& key) {
    if (operation != store::StoreOperation::kPut || key.find("watermarks/") == std::string::npos) return;
    if (++watermark_puts != 2) return;
    Result<state::VersionedWatermark> current = watermarks_.Load("p", "orders");
    ASSERT_TRUE(current.has_value());
    current->watermark.extract.last_run_id = "other-writer";
    ASSERT_TRUE(watermarks_.Save(current->watermark, current->version).has_value());
  });
  TableResult conflicted = Run();
  EXPECT_EQ(conflicted.error.code(), StatusCode::kConflict) << conflicted.error.message();
  EXPECT_EQ(Stored().extract.last_run_id, "other-writer");
  EXPECT_EQ(Stored().cursor.id, Value::Int64(300));

  store_.SetHook(nullptr);
  TableResult next = Run();
  ASSERT_TRUE(next.error.ok()) << next.error.message();
  EXPECT_EQ(Stored().cursor.id, Value::Int64(500));
  ExpectTargetEqualsSource();
}

// Enough rows for several 1 MB files: a safe point with a published file
// comes before the stop.
constexpr int64_t kManyRows = 200'000;

TEST_F(TableSyncTest, ACancelledRunKeepsItsCursorAfterTheLastStagedFileAndTheNextRunCompletes) {
  Insert(1, kManyRows);
  source_.SetBatchHook([this](int64_t batches) {
    if (batches == 12) cancel_.Cancel();
  });
  TableResult cancelled = Run();
  EXPECT_EQ(cancelled.error.code(), StatusCode::kCancelled) << cancelled.error.message();
  state::Watermark stopped = Stored();
  ASSERT_FALSE(stopped.staged_files.empty());
  ASSERT_TRUE(stopped.staged_files.back().cursor_after.has_value());
  EXPECT_EQ(stopped.cursor, *stopped.staged_files.back().cursor_after);
  EXPECT_TRUE(stopped.cursor.id < Value::Int64(kManyRows)) << stopped.cursor.id.ToString();
  EXPECT_THAT(target_->requests(), IsEmpty());  // told to stop: nothing loaded

  source_.SetBatchHook(nullptr);
  CancelToken fresh;
  TableRunParts parts = Parts();
  parts.cancel = &fresh;
  TableSync next(parts, pipeline_.tables.front(), SyncOptions{}, NewRunId(clock_.NowMicros()));
  TableResult completed = next.Run();
  ASSERT_TRUE(completed.error.ok()) << completed.error.message();
  EXPECT_EQ(Stored().cursor.id, Value::Int64(kManyRows));
  ExpectTargetEqualsSource();
}

TEST_F(TableSyncTest, TheRunsClockDrivesItsTimeout) {
  // The jump below stands for 11 minutes of a run, in which the lease would
  // have been renewed on time: a lease longer than the jump keeps it valid,
  // since the reader runs batches ahead of the files being published.
  pipeline_.tables[0].processing.lease_seconds = 3600;
  Insert(1, kManyRows);
  source_.SetBatchHook([this](int64_t batches) {
    if (batches == 12) clock_.Advance(11 * 60 * kSecond);  // past timeout_minutes: 10
  });
  TableResult timed_out = Run();
  EXPECT_EQ(timed_out.error.code(), StatusCode::kCancelled) << timed_out.error.message();
  EXPECT_THAT(timed_out.error.message(), HasSubstr("timeout_minutes (10)"));
  // What was staged before the timeout is loaded; the cursor stays after it, inside the first copy.
  state::Watermark stopped = Stored();
  EXPECT_TRUE(stopped.staged_files.empty());
  ASSERT_FALSE(stopped.loaded_files.empty());
  ASSERT_TRUE(stopped.cursor.copy.has_value());
  ASSERT_FALSE(stopped.cursor.copy->after.empty());
  EXPECT_LT(stopped.cursor.copy->after[0], Value::Int64(kManyRows));

  source_.SetBatchHook(nullptr);
  TableResult completed = Run();
  ASSERT_TRUE(completed.error.ok()) << completed.error.message();
  ExpectTargetEqualsSource();
}

TEST_F(TableSyncTest, ALoadThatCommittedButReportedFailureIsNotAppliedTwice) {
  Insert(1, 300);
  target_->FailNextLoadAfterCommit(Unavailable("connection dropped after COMMIT"));
  TableResult failed = Run();
  EXPECT_EQ(failed.error.code(), StatusCode::kUnavailable) << failed.error.message();
  EXPECT_TRUE(Stored().load.last_error.has_value());  // recorded for `status`
  EXPECT_EQ(Stored().staged_files.size(), 1u);

  TableResult next = Run();
  ASSERT_TRUE(next.error.ok()) << next.error.message();
  EXPECT_EQ(next.rows_loaded, 0);  // found in the ledger, skipped
  EXPECT_THAT(Stored().staged_files, IsEmpty());
  ExpectTargetEqualsSource();
}

}  // namespace
}  // namespace sluice::sync
