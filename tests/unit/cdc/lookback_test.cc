// The lookback re-read (cdc/lookback.h) over a simulated clock: writers
// whose transactions commit late, runs at intervals, and the union of what
// the runs read compared with every row that was ever committed.
#include "cdc/lookback.h"

#include <algorithm>
#include <set>

#include <gtest/gtest.h>

#include "fake_table.h"
#include "types/temporal.h"

namespace sluice::cdc {
namespace {

using config::CdcStrategy;
using testing::FakeTable;

int64_t Seconds(int64_t seconds) { return 1764000000LL * kMicrosPerSecond + seconds * kMicrosPerSecond; }

TableSpec Spec(const FakeTable& table, CdcStrategy strategy, int64_t lookback_seconds) {
  TableSpec spec;
  spec.strategy = strategy;
  spec.table = "shop.orders";
  spec.schema = table.schema();
  spec.primary_key = {"id"};
  spec.batch_size = 7;
  spec.lookback_seconds = lookback_seconds;
  if (strategy == CdcStrategy::kHybrid || strategy == CdcStrategy::kTimestampOnly) spec.timestamp_column = "updated_at";
  if (strategy == CdcStrategy::kHybrid || strategy == CdcStrategy::kIdOnly) spec.id_column = "id";
  return spec;
}

// What a table's watermark carries from run to run.
struct State {
  Cursor cursor;
  Lookback lookback;
};

// One run at `now_seconds`, as the sync stage drives it: the ceiling and
// the clock read first, the sample recorded, the planner's queries, then
// the lookback advanced. Returns the ids read.
std::vector<int64_t> RunOnce(FakeTable& table, const TableSpec& spec, State& state, int64_t now_seconds) {
  Ceiling ceiling;
  CeilingColumns columns = CeilingColumnsFor(spec);
  if (!columns.timestamp_column.empty()) ceiling.timestamp = table.Max(columns.timestamp_column);
  if (!columns.id_column.empty()) ceiling.id = table.Max(columns.id_column);
  ceiling.clock_micros = Seconds(now_seconds);
  auto planner = ChunkPlanner::Create(spec, state.cursor, ceiling, std::nullopt, state.lookback);
  EXPECT_TRUE(planner.has_value()) << planner.status().ToString();
  Lookback lookback = LookbackAtStart(spec, state.lookback, ceiling);
  std::vector<int64_t> ids;
  while (auto query = planner->NextQuery()) {
    for (const ColumnBatch& batch : table.Execute(*query, planner->MaxRowsPerBatch())) {
      auto keep = planner->AcceptBatch(batch);
      EXPECT_TRUE(keep.has_value());
      for (size_t row = 0; row < *keep; ++row) ids.push_back(batch.column(0).Value<int64_t>(row));
    }
    planner->FinishQuery();
  }
  state.cursor = planner->cursor();
  state.lookback = LookbackAfterRead(spec, lookback, ceiling);
  return ids;
}

// A writer inserting one row a second from t=0 (id 1000 + t, stamped t);
// the row written at `slow_at` commits `slow_for` seconds later. Runs
// every `interval` seconds. Returns every id read, and checks each run
// re-read no more than `max_per_run` rows.
struct Simulation {
  int64_t slow_at = 130;
  int64_t slow_for = 70;
  int64_t interval = 60;
  int64_t end = 600;
};

std::set<int64_t> Simulate(CdcStrategy strategy, int64_t lookback_seconds, const Simulation& sim,
                           size_t* max_rows_per_run) {
  FakeTable table;
  TableSpec spec = Spec(table, strategy, lookback_seconds);
  State state;
  std::set<int64_t> read;
  *max_rows_per_run = 0;
  for (int64_t now = 0; now <= sim.end; ++now) {
    if (now != sim.slow_at) table.Insert({Seconds(now), 1000 + now, 0});
    if (now == sim.slow_at + sim.slow_for) table.Insert({Seconds(sim.slow_at), 1000 + sim.slow_at, 0});
    if (now % sim.interval == sim.interval - 1) {
      std::vector<int64_t> ids = RunOnce(table, spec, state, now);
      read.insert(ids.begin(), ids.end());
      *max_rows_per_run = std::max(*max_rows_per_run, ids.size());
    }
  }
  return read;
}

std::set<int64_t> AllIds(const Simulation& sim) {
  std::set<int64_t> ids;
  for (int64_t now = 0; now <= sim.end - sim.interval; ++now) ids.insert(1000 + now);
  return ids;
}

class LateCommitTest : public ::testing::TestWithParam<CdcStrategy> {};

TEST_P(LateCommitTest, WithoutALookbackARowCommittedAfterARunReadPastItIsLost) {
  Simulation sim;
  size_t max_rows = 0;
  std::set<int64_t> read = Simulate(GetParam(), 0, sim, &max_rows);
  EXPECT_FALSE(read.contains(1000 + sim.slow_at));
}

TEST_P(LateCommitTest, ALookbackLongerThanTheTransactionFindsItAndRereadsAboutOneIntervalMore) {
  Simulation sim;
  size_t max_rows = 0;
  std::set<int64_t> read = Simulate(GetParam(), 100, sim, &max_rows);
  std::set<int64_t> expected = AllIds(sim);
  for (int64_t id : expected) EXPECT_TRUE(read.contains(id)) << "id " << id << " was never read";
  // Each run reads its own interval plus what it re-reads: for timestamps
  // the lookback, for ids back to the run before last.
  EXPECT_LE(max_rows, static_cast<size_t>(sim.interval * 3 + 100));
}

TEST_P(LateCommitTest, TransactionsOpenLongerThanTheLookbackAreTheDocumentedLimit) {
  Simulation sim;
  sim.slow_for = 250;
  size_t max_rows = 0;
  std::set<int64_t> read = Simulate(GetParam(), 100, sim, &max_rows);
  EXPECT_FALSE(read.contains(1000 + sim.slow_at));
}

INSTANTIATE_TEST_SUITE_P(Strategies, LateCommitTest,
                         ::testing::Values(CdcStrategy::kIdOnly, CdcStrategy::kTimestampOnly, CdcStrategy::kHybrid),
                         [](const ::testing::TestParamInfo<CdcStrategy>& info) {
                           return std::string(info.param == CdcStrategy::kIdOnly        ? "id_only"
                                              : info.param == CdcStrategy::kHybrid ? "hybrid"
                                                                                   : "timestamp_only");
                         });

TEST(Lookback, AQuietTableRereadsNothing) {
  FakeTable table;
  for (int64_t id = 1; id <= 50; ++id) table.Insert({Seconds(id), id, 0});
  TableSpec spec = Spec(table, CdcStrategy::kHybrid, 300);
  State state;
  EXPECT_EQ(RunOnce(table, spec, state, 1000).size(), 50u);
  // The cursor (t=50) is older than the last run's clock minus the lookback (700).
  EXPECT_TRUE(RunOnce(table, spec, state, 4000).empty());
  EXPECT_TRUE(RunOnce(table, spec, state, 8000).empty());
}

TEST(Lookback, AnOldWatermarkWithoutLookbackStateRereadsBehindTheCursor) {
  FakeTable table;
  for (int64_t id = 1; id <= 20; ++id) table.Insert({Seconds(id * 10), id, 0});
  TableSpec spec = Spec(table, CdcStrategy::kHybrid, 35);
  State state;
  state.cursor.timestamp_micros = Seconds(200);
  state.cursor.id = Value::Int64(20);
  std::vector<int64_t> ids = RunOnce(table, spec, state, 10000);
  std::sort(ids.begin(), ids.end());
  EXPECT_EQ(ids, (std::vector<int64_t>{17, 18, 19, 20}));  // (200 - 35, 200]
  EXPECT_EQ(state.lookback.from_timestamp_micros, Seconds(10000 - 35) - 1);
}

TEST(Lookback, IdSamplesStayFewAndTheBoundNeverPassesTheNewestOldEnoughSample) {
  FakeTable table;
  TableSpec spec = Spec(table, CdcStrategy::kIdOnly, 1000);
  Lookback lookback;
  // Runs every second, run N at clock N seeing MAX(id) = 10 N.
  auto run_until = [&](int64_t first, int64_t end) {
    for (int64_t run = first; run < end; ++run) {
      Ceiling ceiling;
      ceiling.id = Value::Int64(run * 10);
      ceiling.clock_micros = Seconds(run);
      lookback = LookbackAfterRead(spec, LookbackAtStart(spec, lookback, ceiling), ceiling);
      ASSERT_LE(lookback.id_samples.size(), kMaxIdSamples);
    }
  };
  run_until(0, 500);
  // With a 1000 s lookback the bound is the sample of at most 1000 s ago; before one is that old, the first run's.
  EXPECT_EQ(lookback.from_id, Value::Int64(0)) << "no sample is 1000 s old yet";
  run_until(500, 1600);
  ASSERT_FALSE(lookback.from_id.is_null());
  EXPECT_LE(lookback.from_id.int64(), (1599 - 1000) * 10);
  EXPECT_GE(lookback.from_id.int64(), (1599 - 1000) * 10 - 400) << "thinning keeps the bound close";
}

TEST(Lookback, DateColumnsRereadTheDayBeforeTheLookbacksDay) {
  // A row dated yesterday written at 23:59 can commit after midnight.
  TableSpec spec;
  spec.strategy = CdcStrategy::kTimestampOnly;
  spec.timestamp_column = "d";
  spec.lookback_seconds = 300;
  auto schema = std::make_shared<Schema>();
  Field day_column;
  day_column.name = "d";
  day_column.type = DataType::Of(TypeId::kDate);
  schema->fields.push_back(day_column);
  spec.schema = schema;
  Ceiling ceiling;
  int64_t day = 20000;
  ceiling.clock_micros = day * kMicrosPerDay + 2 * 60 * kMicrosPerSecond;  // 00:02
  Lookback after = LookbackAfterRead(spec, {}, ceiling);
  EXPECT_EQ(after.from_timestamp_micros, (day - 2) * kMicrosPerDay);  // yesterday (day - 1) is re-read
  ceiling.clock_micros = day * kMicrosPerDay + 12 * 3600 * kMicrosPerSecond;  // noon
  after = LookbackAfterRead(spec, {}, ceiling);
  EXPECT_EQ(after.from_timestamp_micros, (day - 1) * kMicrosPerDay);  // only today
}

}  // namespace
}  // namespace sluice::cdc
