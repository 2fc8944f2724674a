#include "cdc/planner.h"

#include <algorithm>
#include <functional>
#include <map>
#include <set>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "fake_table.h"
#include "types/temporal.h"

namespace sluice::cdc {
namespace {

using config::CdcStrategy;
using testing::FakeRow;
using testing::FakeTable;

int64_t Seconds(int64_t seconds) { return 1764000000LL * kMicrosPerSecond + seconds * kMicrosPerSecond; }

TableSpec Spec(const FakeTable& table, CdcStrategy strategy, int64_t batch_size, std::string id_column = "id") {
  TableSpec spec;
  spec.strategy = strategy;
  spec.table = "shop.orders";
  spec.schema = table.schema();
  spec.primary_key = {"id"};
  spec.batch_size = batch_size;
  if (strategy == CdcStrategy::kHybrid || strategy == CdcStrategy::kTimestampOnly) spec.timestamp_column = "updated_at";
  if (strategy == CdcStrategy::kHybrid || strategy == CdcStrategy::kIdOnly) spec.id_column = id_column;
  return spec;
}

struct RunResult {
  std::vector<int64_t> ids;  // in read order
  Cursor cursor;
  int queries = 0;
  std::vector<SelectQuery> executed;
};

// How the source describes the table to a run: with its heap pages (a
// PostgreSQL 14+ table), or without (every other source).
enum class Pages { kUnknown, kRead };

// Runs one sync's reads: ceiling (and pages) at start, then the planner's
// queries. `during_run` mutates the table after the ceiling is fixed.
RunResult RunSync(FakeTable& table, const TableSpec& spec, const Cursor& start, std::optional<int64_t> limit = {},
                  const std::function<void()>& during_run = {}, Pages pages = Pages::kUnknown) {
  Ceiling ceiling;
  CeilingColumns columns = CeilingColumnsFor(spec);
  if (!columns.timestamp_column.empty()) ceiling.timestamp = table.Max(columns.timestamp_column);
  if (!columns.id_column.empty()) ceiling.id = table.Max(columns.id_column);
  std::optional<HeapLayout> heap;
  if (pages == Pages::kRead) heap = table.Heap();
  auto planner = ChunkPlanner::Create(spec, start, ceiling, limit, {}, heap);
  EXPECT_TRUE(planner.has_value()) << planner.status().ToString();
  if (during_run) during_run();
  RunResult result;
  int before = table.queries_run();
  while (auto query = planner->NextQuery()) {
    result.executed.push_back(*query);
    for (const ColumnBatch& batch : table.Execute(*query, planner->MaxRowsPerBatch())) {
      auto keep = planner->AcceptBatch(batch);
      EXPECT_TRUE(keep.has_value()) << keep.status().ToString();
      for (size_t row = 0; row < *keep; ++row) result.ids.push_back(batch.column(0).Value<int64_t>(row));
    }
    planner->FinishQuery();
  }
  result.queries = table.queries_run() - before;
  result.cursor = planner->cursor();
  return result;
}

std::vector<int64_t> Sorted(std::vector<int64_t> ids) {
  std::sort(ids.begin(), ids.end());
  return ids;
}

std::vector<int64_t> Range(int64_t first, int64_t last) {
  std::vector<int64_t> ids;
  for (int64_t id = first; id <= last; ++id) ids.push_back(id);
  return ids;
}

TEST(IdOnlyStrategy, GapsOfAnySizeCostNothing) {
  FakeTable table;
  for (int64_t id = 1; id <= 1000; ++id) table.Insert({Seconds(id), id, 0});
  for (int64_t id = 50000; id <= 100000; ++id) table.Insert({Seconds(id), id, 0});
  RunResult run = RunSync(table, Spec(table, CdcStrategy::kIdOnly, 1000), {});
  std::vector<int64_t> expected = Range(1, 1000);
  for (int64_t id : Range(50000, 100000)) expected.push_back(id);
  EXPECT_EQ(run.ids, expected);  // in order, each once
  EXPECT_LE(run.queries, 52);    // ceil(51001 / 1000) pages, no probing of the gap
  EXPECT_EQ(run.cursor.id, Value::Int64(100000));
}

TEST(IdOnlyStrategy, SecondRunReadsOnlyNewRowsAndNoChangeReadsNothing) {
  FakeTable table;
  for (int64_t id = 1; id <= 10; ++id) table.Insert({Seconds(id), id, 0});
  TableSpec spec = Spec(table, CdcStrategy::kIdOnly, 4);
  RunResult first = RunSync(table, spec, {});
  RunResult idle = RunSync(table, spec, first.cursor);
  EXPECT_TRUE(idle.ids.empty());
  EXPECT_EQ(idle.cursor, first.cursor);
  table.Insert({Seconds(11), 11, 0});
  table.Insert({Seconds(12), 12, 0});
  EXPECT_EQ(RunSync(table, spec, first.cursor).ids, (std::vector<int64_t>{11, 12}));
}

TEST(IdOnlyStrategy, RowsArrivingDuringTheRunWaitForTheNextRun) {
  FakeTable table;
  for (int64_t id = 1; id <= 10; ++id) table.Insert({Seconds(id), id, 0});
  TableSpec spec = Spec(table, CdcStrategy::kIdOnly, 3);
  RunResult first = RunSync(table, spec, {}, {}, [&] { table.Insert({Seconds(11), 11, 0}); });
  EXPECT_EQ(first.ids, Range(1, 10));
  EXPECT_EQ(first.cursor.id, Value::Int64(10));
  EXPECT_EQ(RunSync(table, spec, first.cursor).ids, std::vector<int64_t>{11});
}

TEST(IdOnlyStrategy, NonUniqueCursorColumnIsReadInWholeTieGroups) {
  FakeTable table;
  // grp values 1,1,1,2,2,2,2,2,3,... : groups straddle every page boundary of 4.
  int64_t id = 0;
  for (int64_t group = 1; group <= 20; ++group) {
    for (int64_t copy = 0; copy < (group % 3) + 2; ++copy) table.Insert({Seconds(0), ++id, group});
  }
  int64_t last_of_group_19 = id - ((20 % 3) + 2);
  TableSpec spec = Spec(table, CdcStrategy::kIdOnly, 4, "grp");
  RunResult run = RunSync(table, spec, {});
  // The ceiling group (20) may still be growing: it waits for the next run.
  EXPECT_EQ(Sorted(run.ids), Range(1, last_of_group_19));
  EXPECT_EQ(run.cursor.id, Value::Int64(19));
  table.Insert({Seconds(0), ++id, 20});  // a late member of group 20
  table.Insert({Seconds(0), ++id, 21});
  RunResult next = RunSync(table, spec, run.cursor);
  EXPECT_EQ(Sorted(next.ids), Range(last_of_group_19 + 1, id - 1));
  EXPECT_EQ(next.cursor.id, Value::Int64(20));
}

TEST(HybridStrategy, ANonUniqueIdIsRefusedWithTheRemedy) {
  FakeTable table;
  config::TableConfig config;
  config.name = "shop.orders";
  config.cdc_strategy = CdcStrategy::kHybrid;
  config.cdc_timestamp_column = "updated_at";
  config.cdc_id_column = "grp";
  auto spec = MakeTableSpec(config, table.schema());
  ASSERT_FALSE(spec.has_value());
  EXPECT_NE(spec.error().message().find("grp must be unique, but the primary key is (id)"), std::string::npos)
      << spec.error().message();
  EXPECT_NE(spec.error().message().find("timestamp_only"), std::string::npos);
}

TEST(HybridStrategy, PagesDeliveredInSeveralBatchesAreHandled) {
  FakeTable table;
  for (int64_t id = 1; id <= 100; ++id) table.Insert({Seconds(id / 10), id, 0});
  TableSpec spec = Spec(table, CdcStrategy::kHybrid, 20);
  auto planner = ChunkPlanner::Create(spec, {}, Ceiling{table.Max("updated_at"), Value(), {}});
  ASSERT_TRUE(planner.has_value());
  std::vector<int64_t> ids;
  while (auto query = planner->NextQuery()) {
    for (const ColumnBatch& batch : table.Execute(*query, 7)) {  // short batches, as a reader may return
      auto keep = planner->AcceptBatch(batch);
      ASSERT_TRUE(keep.has_value()) << keep.status().ToString();
      for (size_t row = 0; row < *keep; ++row) ids.push_back(batch.column(0).Value<int64_t>(row));
    }
    planner->FinishQuery();
  }
  EXPECT_EQ(ids, Range(1, 100));
}

TEST(TimestampOnlyStrategy, RowsSharingTheCursorTimestampAreNotSkipped) {
  FakeTable table;
  // 7 rows per timestamp, pages of 5: every page ends inside a tie group.
  for (int64_t id = 1; id <= 70; ++id) table.Insert({Seconds((id - 1) / 7), id, 0});
  TableSpec spec = Spec(table, CdcStrategy::kTimestampOnly, 5);
  RunResult run = RunSync(table, spec, {});
  EXPECT_EQ(Sorted(run.ids), Range(1, 70));
  EXPECT_EQ(run.ids.size(), 70u);
  EXPECT_EQ(run.cursor.timestamp_micros, Seconds(9));
  EXPECT_TRUE(run.cursor.id.is_null());
}

TEST(TimestampOnlyStrategy, ATieGroupLargerThanTheBatchIsReadWhole) {
  FakeTable table;
  for (int64_t id = 1; id <= 3; ++id) table.Insert({Seconds(1), id, 0});
  for (int64_t id = 4; id <= 50; ++id) table.Insert({Seconds(2), id, 0});
  table.Insert({Seconds(3), 51, 0});
  RunResult run = RunSync(table, Spec(table, CdcStrategy::kTimestampOnly, 10), {});
  EXPECT_EQ(Sorted(run.ids), Range(1, 51));
}

TEST(TimestampOnlyStrategy, LookbackRereadsTheWindowButTheCursorNeverMovesBack) {
  FakeTable table;
  for (int64_t id = 1; id <= 20; ++id) table.Insert({Seconds(id * 10), id, 0});
  TableSpec spec = Spec(table, CdcStrategy::kTimestampOnly, 4);
  spec.lookback_seconds = 35;
  RunResult first = RunSync(table, spec, {});
  EXPECT_EQ(first.cursor.timestamp_micros, Seconds(200));
  // A row committed late with an older timestamp than the cursor.
  table.Insert({Seconds(185), 21, 0});
  RunResult second = RunSync(table, spec, first.cursor);
  EXPECT_EQ(Sorted(second.ids), (std::vector<int64_t>{17, 18, 19, 20, 21}));  // (200 - 35, 200]
  EXPECT_EQ(second.cursor.timestamp_micros, Seconds(200));
}

TEST(HybridStrategy, KeysetOnTimestampAndIdReadsTiesOnce) {
  FakeTable table;
  for (int64_t id = 1; id <= 100; ++id) table.Insert({Seconds(id / 10), id, 0});
  TableSpec spec = Spec(table, CdcStrategy::kHybrid, 7);
  spec.first_copy = false;  // the keyset itself, as later runs read
  RunResult run = RunSync(table, spec, {});
  EXPECT_EQ(run.ids, Range(1, 100));
  EXPECT_EQ(run.cursor.timestamp_micros, Seconds(10));
  EXPECT_EQ(run.cursor.id, Value::Int64(100));
  EXPECT_LE(run.queries, 15);
}

TEST(HybridStrategy, UpdatedRowsAreReadAgainAndIdleRunsReadNothing) {
  FakeTable table;
  for (int64_t id = 1; id <= 10; ++id) table.Insert({Seconds(id), id, 0});
  TableSpec spec = Spec(table, CdcStrategy::kHybrid, 3);
  RunResult first = RunSync(table, spec, {});
  EXPECT_TRUE(RunSync(table, spec, first.cursor).ids.empty());
  table.Update(3, Seconds(50));
  table.Insert({Seconds(50), 11, 0});
  RunResult second = RunSync(table, spec, first.cursor);
  EXPECT_EQ(second.ids, (std::vector<int64_t>{3, 11}));
  EXPECT_EQ(second.cursor.id, Value::Int64(11));
}

TEST(HybridStrategy, TiesAtTheCursorTimestampWithHigherIdArePickedUpNextRun) {
  FakeTable table;
  for (int64_t id = 1; id <= 5; ++id) table.Insert({Seconds(100), id, 0});
  TableSpec spec = Spec(table, CdcStrategy::kHybrid, 2);
  RunResult first = RunSync(table, spec, {});
  table.Insert({Seconds(100), 6, 0});  // same second as the cursor, committed after the run
  EXPECT_EQ(RunSync(table, spec, first.cursor).ids, std::vector<int64_t>{6});
}

TEST(HybridStrategy, LateCommitWithOlderTimestampIsCaughtByLookback) {
  FakeTable table;
  for (int64_t id = 1; id <= 10; ++id) table.Insert({Seconds(id * 60), id, 0});
  TableSpec spec = Spec(table, CdcStrategy::kHybrid, 4);
  RunResult first = RunSync(table, spec, {});
  table.Insert({Seconds(590), 11, 0});  // older than the cursor (600)
  EXPECT_TRUE(RunSync(table, spec, first.cursor).ids.empty()) << "without lookback a late commit is not seen";
  spec.lookback_seconds = 300;
  RunResult second = RunSync(table, spec, first.cursor);
  EXPECT_EQ(Sorted(second.ids), (std::vector<int64_t>{6, 7, 8, 9, 10, 11}));  // ts in (300, 600]
  EXPECT_EQ(second.cursor, first.cursor);
}

TEST(HybridStrategy, RowsWithNullTimestampAreNotRead) {
  FakeTable table;
  table.Insert({Seconds(1), 1, 0});
  table.Insert({std::nullopt, 2, 0});
  table.Insert({Seconds(2), 3, 0});
  EXPECT_EQ(RunSync(table, Spec(table, CdcStrategy::kHybrid, 10), {}).ids, (std::vector<int64_t>{1, 3}));
}

TEST(HybridStrategy, EmptyTableRunsNoQuery) {
  FakeTable table;
  RunResult run = RunSync(table, Spec(table, CdcStrategy::kHybrid, 10), {});
  EXPECT_EQ(run.queries, 0);
  EXPECT_TRUE(run.cursor.empty());
}

class LimitTest : public ::testing::TestWithParam<CdcStrategy> {};

TEST_P(LimitTest, LimitedRunsAddUpToTheWholeTable) {
  FakeTable table;
  for (int64_t id = 1; id <= 200; ++id) table.Insert({Seconds(id / 6), id, 0});
  TableSpec spec = Spec(table, GetParam(), 16);
  Cursor cursor;
  std::vector<int64_t> all;
  int runs = 0;
  while (runs < 100) {
    RunResult run = RunSync(table, spec, cursor, 37);
    ++runs;
    if (run.ids.empty()) break;
    EXPECT_LE(run.ids.size(), 37u + 6u);  // at most the limit plus the rest of one tie group
    all.insert(all.end(), run.ids.begin(), run.ids.end());
    cursor = run.cursor;
  }
  EXPECT_EQ(Sorted(all), Range(1, 200));
  EXPECT_GE(runs, 200 / 43);
}

INSTANTIATE_TEST_SUITE_P(Strategies, LimitTest,
                         ::testing::Values(CdcStrategy::kIdOnly, CdcStrategy::kTimestampOnly, CdcStrategy::kHybrid));

TEST(HybridStrategy, LimitSmallerThanTheLookbackWindowStillMakesProgress) {
  FakeTable table;
  for (int64_t id = 1; id <= 100; ++id) table.Insert({Seconds(id), id, 0});
  TableSpec spec = Spec(table, CdcStrategy::kHybrid, 5);
  spec.first_copy = false;  // the keyset's own lookback re-read
  RunResult first = RunSync(table, spec, {}, 50);
  spec.lookback_seconds = 40;  // 40 rows behind the cursor are re-read every run
  Cursor cursor = first.cursor;
  for (int run = 0; run < 10 && cursor.id != Value::Int64(100); ++run) cursor = RunSync(table, spec, cursor, 10).cursor;
  EXPECT_EQ(cursor.id, Value::Int64(100));
}

// First copy in primary-key order (hybrid and timestamp_only, no cursor yet).

// Rows whose timestamps run against their ids: a cursor-order read would
// visit them backwards through the primary key.
FakeTable ShuffledTable(int64_t rows) {
  FakeTable table;
  for (int64_t id = 1; id <= rows; ++id) table.Insert({Seconds((rows - id) % 17 + 1), id, 0});
  return table;
}

// What a copy of ids 1..50 resumed under a ceiling of 10 s reads: the rest
// of the copy (`copied`, in its order), then, in cursor order, every row
// stamped above 10 s, up to the run's own ceiling.
void ExpectCopiedThenReadOn(const std::vector<int64_t>& ids, const std::vector<int64_t>& copied,
                            const std::function<int64_t(int64_t)>& stamp_seconds) {
  ASSERT_GE(ids.size(), copied.size());
  EXPECT_EQ(std::vector<int64_t>(ids.begin(), ids.begin() + copied.size()), copied);
  std::vector<int64_t> later(ids.begin() + copied.size(), ids.end());
  std::vector<int64_t> expected_later;
  for (int64_t id = 1; id <= 50; ++id) {
    if (stamp_seconds(id) > 10) expected_later.push_back(id);
  }
  EXPECT_EQ(Sorted(later), expected_later);
  for (size_t idx = 1; idx < later.size(); ++idx) EXPECT_LE(stamp_seconds(later[idx - 1]), stamp_seconds(later[idx]));
}

class FirstCopyTest : public ::testing::TestWithParam<CdcStrategy> {
 protected:
  // The cursor a finished copy hands over: the largest (timestamp, id)
  // copied for hybrid, the largest timestamp for timestamp_only.
  Cursor HandedOver(int64_t max_micros, int64_t max_id_at_max) const {
    Cursor cursor{.timestamp_micros = max_micros};
    if (GetParam() == CdcStrategy::kHybrid) cursor.id = Value::Int64(max_id_at_max);
    return cursor;
  }
};

TEST_P(FirstCopyTest, AFirstRunCopiesInPrimaryKeyOrderInOneQueryThenHandsOverAtTheCeiling) {
  FakeTable table = ShuffledTable(100);
  TableSpec spec = Spec(table, GetParam(), 7);
  RunResult first = RunSync(table, spec, {});
  EXPECT_EQ(first.ids, Range(1, 100));  // key order, not timestamp order
  EXPECT_EQ(first.queries, 1);
  EXPECT_EQ(first.cursor, HandedOver(Seconds(17), 84));  // the largest id stamped 17 s: (100 - 84) % 17 + 1
  EXPECT_TRUE(RunSync(table, spec, first.cursor).ids.empty());
  table.Update(40, Seconds(18));
  table.Insert({Seconds(18), 101, 0});
  EXPECT_EQ(Sorted(RunSync(table, spec, first.cursor).ids), (std::vector<int64_t>{40, 101}));
}

TEST_P(FirstCopyTest, TheCopyHandsOverWhereItsRowsEndNotAtACeilingAboveThem) {
  FakeTable table;
  for (int64_t id = 1; id <= 10; ++id) table.Insert({Seconds(id), id, 0});
  TableSpec spec = Spec(table, GetParam(), 4);
  // A ceiling above every row (capped below the clock, with a row stamped in the future held back).
  Ceiling ceiling{.timestamp = Value::Timestamp(Seconds(100))};
  Result<ChunkPlanner> planner = ChunkPlanner::Create(spec, Cursor(), ceiling);
  ASSERT_TRUE(planner.has_value()) << planner.status().ToString();
  while (auto query = planner->NextQuery()) {
    for (const ColumnBatch& batch : table.Execute(*query, planner->MaxRowsPerBatch())) {
      ASSERT_TRUE(planner->AcceptBatch(batch).has_value());
    }
    planner->FinishQuery();
  }
  EXPECT_EQ(planner->cursor(), HandedOver(Seconds(10), 10));
  // A writer whose clock is behind stamps a row between the last row and that ceiling: it is read.
  table.Update(3, Seconds(50));
  EXPECT_EQ(RunSync(table, spec, planner->cursor()).ids, std::vector<int64_t>{3});
}

TEST_P(FirstCopyTest, RowsChangedWhileTheCopyRunsAreReadByTheNextRun) {
  FakeTable table = ShuffledTable(60);
  TableSpec spec = Spec(table, GetParam(), 5);
  RunResult first = RunSync(table, spec, {}, std::nullopt, [&] {
    table.Update(3, Seconds(30));       // moved past the ceiling before the copy reached it
    table.Insert({Seconds(30), 61, 0});
  });
  std::vector<int64_t> expected = Range(1, 60);
  expected.erase(expected.begin() + 2);
  EXPECT_EQ(first.ids, expected);
  EXPECT_EQ(Sorted(RunSync(table, spec, first.cursor).ids), (std::vector<int64_t>{3, 61}));
}

TEST_P(FirstCopyTest, EveryBatchIsASafePointWhoseCursorIsTheCopysProgress) {
  FakeTable table = ShuffledTable(20);
  TableSpec spec = Spec(table, GetParam(), 6);
  Ceiling ceiling{.timestamp = table.Max("updated_at")};
  Result<ChunkPlanner> planner = ChunkPlanner::Create(spec, Cursor(), ceiling);
  ASSERT_TRUE(planner.has_value()) << planner.status().ToString();
  EXPECT_TRUE(planner->CopiesInKeyOrder());
  EXPECT_TRUE(planner->EveryBatchIsASafePoint());
  std::optional<SelectQuery> query = planner->NextQuery();
  ASSERT_TRUE(query.has_value());
  EXPECT_EQ(query->key_columns, std::vector<std::string>{"id"});
  EXPECT_EQ(query->upper_column, "updated_at");
  EXPECT_FALSE(query->limit.has_value());
  std::vector<Value> afters;
  for (const ColumnBatch& batch : table.Execute(*query, planner->MaxRowsPerBatch())) {
    ASSERT_TRUE(planner->AcceptBatch(batch).has_value());
    ASSERT_TRUE(planner->cursor().copy.has_value());
    EXPECT_EQ(planner->cursor().copy->ceiling_micros, Seconds(17));
    afters.push_back(planner->cursor().copy->after.at(0));
  }
  EXPECT_EQ(afters, (std::vector<Value>{Value::Int64(6), Value::Int64(12), Value::Int64(18), Value::Int64(20)}));
  planner->FinishQuery();
  EXPECT_EQ(planner->cursor(), HandedOver(Seconds(17), 4));
}

TEST_P(FirstCopyTest, AnInterruptedCopyResumesAfterItsLastKeyUnderItsOwnCeilingThenReadsOnToTheRunsCeiling) {
  FakeTable table = ShuffledTable(50);  // updated_at = (50 - id) % 17 + 1 seconds
  auto stamp = [](int64_t id) { return (50 - id) % 17 + 1; };
  TableSpec spec = Spec(table, GetParam(), 8);
  // Where an earlier run stopped, with the ceiling it read then (Seconds(10)).
  Cursor stopped{.copy = CopyProgress{.after = {Value::Int64(30)}, .ceiling_micros = Seconds(10)}};
  table.Insert({Seconds(5), 51, 0});  // committed since; past the copy's key, inside its ceiling
  RunResult resumed = RunSync(table, spec, stopped);
  std::vector<int64_t> copied;
  for (int64_t id = 31; id <= 50; ++id) {
    if (stamp(id) <= 10) copied.push_back(id);
  }
  copied.push_back(51);
  ExpectCopiedThenReadOn(resumed.ids, copied, stamp);
  EXPECT_EQ(resumed.cursor.timestamp_micros, Seconds(17));
  EXPECT_FALSE(resumed.cursor.copy.has_value());
  EXPECT_TRUE(RunSync(table, spec, resumed.cursor).ids.empty());
  std::vector<int64_t> all;  // what the stopped run copied: keys up to 30 within its ceiling
  for (int64_t id = 1; id <= 30; ++id) {
    if (stamp(id) <= 10) all.push_back(id);
  }
  all.insert(all.end(), resumed.ids.begin(), resumed.ids.end());
  std::set<int64_t> distinct(all.begin(), all.end());
  EXPECT_EQ(std::vector<int64_t>(distinct.begin(), distinct.end()), Range(1, 51));
}

TEST_P(FirstCopyTest, AResumedCopyRereadsTheLookbackWindowBehindItsCeilingForCommitsItsFirstRunMissed) {
  FakeTable table;
  for (int64_t id = 1; id <= 40; ++id) table.Insert({Seconds(id * 10), id, 0});  // 10 s apart, up to 400 s
  TableSpec spec = Spec(table, GetParam(), 100);
  spec.lookback_seconds = 60;
  // The first run copied keys up to 20 under a ceiling of 300 s, then stopped;
  // id 5 committed late (stamped 280 s, inside the lookback), after the copy had passed it.
  table.Insert({Seconds(280), 5, 0});
  Cursor stopped{.copy = CopyProgress{.after = {Value::Int64(20)}, .ceiling_micros = Seconds(300),
                                      .started_micros = Seconds(300)}};
  RunResult resumed = RunSync(table, spec, stopped);
  std::vector<int64_t> ids = Sorted(resumed.ids);
  EXPECT_EQ(std::count(ids.begin(), ids.end(), 5), 1) << "the late commit behind the copy is read";
  std::vector<int64_t> expected = Range(21, 40);                     // the rest of the copy, then later rows
  for (int64_t id : {5, 24, 25, 26, 27, 28, 29, 30}) expected.push_back(id);  // ts in [240 s, 300 s], again
  EXPECT_EQ(ids, Sorted(expected));
  EXPECT_EQ(resumed.cursor.timestamp_micros, Seconds(400));
  // Without a lookback, or when the copy began long after its rows were written, there is nothing to re-read.
  spec.lookback_seconds = 0;
  EXPECT_EQ(Sorted(RunSync(table, spec, stopped).ids), Range(21, 40));
  spec.lookback_seconds = 60;
  stopped.copy->started_micros = Seconds(361);
  EXPECT_EQ(Sorted(RunSync(table, spec, stopped).ids), Range(21, 40));
}

TEST_P(FirstCopyTest, LimitedRunsOfACopyAddUpToTheWholeTable) {
  FakeTable table = ShuffledTable(200);
  TableSpec spec = Spec(table, GetParam(), 16);
  Cursor cursor;
  std::vector<int64_t> all;
  for (int run = 0; run < 20; ++run) {
    RunResult result = RunSync(table, spec, cursor, 37);
    if (result.ids.empty()) break;
    EXPECT_LE(result.ids.size(), 37u);
    all.insert(all.end(), result.ids.begin(), result.ids.end());
    cursor = result.cursor;
    if (run == 0) table.Insert({Seconds(100), 201, 0});  // after the copy's ceiling: read once it hands over
  }
  EXPECT_EQ(Sorted(all), Range(1, 201));
  EXPECT_EQ(cursor.timestamp_micros, Seconds(100));
}

TEST_P(FirstCopyTest, WithoutAUsablePrimaryKeyTheFirstRunReadsInCursorOrder) {
  FakeTable table = ShuffledTable(30);
  TableSpec spec = Spec(table, GetParam(), 100);
  auto keyless = std::make_shared<Schema>(*table.schema());
  keyless->primary_key.clear();
  spec.schema = keyless;
  RunResult run = RunSync(table, spec, {});
  EXPECT_NE(run.ids, Range(1, 30));
  EXPECT_EQ(Sorted(run.ids), Range(1, 30));
  EXPECT_TRUE(run.cursor.timestamp_micros.has_value());
  EXPECT_FALSE(run.cursor.copy.has_value());
  // A copy whose table lost its key cannot resume, and reading again from the
  // start would append the rows it loaded a second time (no key, no merge): refused.
  Cursor stopped{.copy = CopyProgress{.after = {Value::Int64(10)}, .ceiling_micros = Seconds(10)}};
  Result<ChunkPlanner> refused = ChunkPlanner::Create(spec, stopped, Ceiling{.timestamp = table.Max("updated_at")});
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().code(), StatusCode::kSchemaMismatch);
  EXPECT_THAT(refused.error().message(),
              ::testing::AllOf(::testing::HasSubstr("has no primary key now"),
                               ::testing::HasSubstr("in primary-key order after 10 up to"),
                               ::testing::HasSubstr("Restore the primary key")));
  // A key a copy cannot page by (here a timestamp): the copy starts over in cursor order, with a warning;
  // the load merges by that key.
  keyless->primary_key = {"updated_at"};
  Result<ChunkPlanner> planner = ChunkPlanner::Create(spec, stopped, Ceiling{.timestamp = table.Max("updated_at")});
  ASSERT_TRUE(planner.has_value()) << planner.status().ToString();
  EXPECT_FALSE(planner->CopiesInKeyOrder());
  ASSERT_EQ(planner->warnings().size(), 1u);
  EXPECT_THAT(planner->warnings()[0], ::testing::HasSubstr("cannot resume: the primary key is now (updated_at)"));
  EXPECT_EQ(Sorted(RunSync(table, spec, stopped).ids), Range(1, 30));
}

TEST_P(FirstCopyTest, ACursorBesideAnUnfinishedCopyWinsAndTheCopyIsGivenUp) {
  FakeTable table = ShuffledTable(30);
  TableSpec spec = Spec(table, GetParam(), 100);
  Cursor both{.timestamp_micros = Seconds(10), .copy = CopyProgress{.after = {Value::Int64(10)},
                                                                     .ceiling_micros = Seconds(10)}};
  Result<ChunkPlanner> planner = ChunkPlanner::Create(spec, both, Ceiling{.timestamp = table.Max("updated_at")});
  ASSERT_TRUE(planner.has_value()) << planner.status().ToString();
  EXPECT_FALSE(planner->CopiesInKeyOrder());
  ASSERT_EQ(planner->warnings().size(), 1u);
  EXPECT_THAT(planner->warnings()[0], ::testing::HasSubstr("holds both an unfinished first copy"));
  EXPECT_FALSE(planner->cursor().copy.has_value());
  // The run reads on from the cursor: only the rows stamped after 10 s (ShuffledTable stamps id at
  // (30 - id) % 17 + 1 s), not the rest of the copy.
  std::vector<int64_t> later;
  for (int64_t id = 1; id <= 30; ++id) {
    if ((30 - id) % 17 + 1 > 10) later.push_back(id);
  }
  RunResult run = RunSync(table, spec, both);
  EXPECT_EQ(Sorted(run.ids), later);
  EXPECT_FALSE(run.cursor.copy.has_value());
}

TEST_P(FirstCopyTest, AnEmptyTableCopiesNothingAndKeepsTheCursorEmpty) {
  FakeTable table;
  RunResult run = RunSync(table, Spec(table, GetParam(), 10), {});
  EXPECT_EQ(run.queries, 0);
  EXPECT_TRUE(run.cursor.empty());
}

INSTANTIATE_TEST_SUITE_P(Strategies, FirstCopyTest,
                         ::testing::Values(CdcStrategy::kTimestampOnly, CdcStrategy::kHybrid));

// Stamped as ShuffledTable, 10 rows to a page, then every 7th row updated
// (before any copy, keeping its stamp) onto another page, as PostgreSQL's
// non-HOT updates do: heap order is neither key nor cursor order.
FakeTable HeapTable(int64_t rows) {
  FakeTable table(10);
  auto stamp = [rows](int64_t id) { return Seconds((rows - id) % 17 + 1); };
  for (int64_t id = 1; id <= rows; ++id) table.Insert({stamp(id), id, 0});
  for (int64_t id = 7; id <= rows; id += 7) table.Move(id, (id * 3) % (rows / 10), stamp(id));
  return table;
}

// The ids a scan of pages from `first_page` to the end returns, in its order.
std::vector<int64_t> HeapOrder(const FakeTable& table, int64_t first_page = 0) {
  SelectQuery scan;
  scan.table = "shop.orders";
  scan.columns = {"id", "updated_at", "grp"};
  scan.pages = PageRange{.first = first_page};
  std::vector<int64_t> ids;
  for (const ColumnBatch& batch : table.Execute(scan, 1000)) {
    for (size_t row = 0; row < batch.num_rows(); ++row) ids.push_back(batch.column(0).Value<int64_t>(row));
  }
  return ids;
}

class HeapCopyTest : public FirstCopyTest {};

TEST_P(HeapCopyTest, AFirstRunCopiesInChunksOfPagesThenHandsOverAtTheCeiling) {
  FakeTable table = HeapTable(100);              // 10 pages
  TableSpec spec = Spec(table, GetParam(), 20);  // 2 pages a chunk
  RunResult first = RunSync(table, spec, {}, std::nullopt, {}, Pages::kRead);
  EXPECT_EQ(first.ids, HeapOrder(table));
  EXPECT_NE(first.ids, Range(1, 100));
  EXPECT_EQ(Sorted(first.ids), Range(1, 100));
  ASSERT_EQ(first.executed.size(), 5u);
  for (int64_t chunk = 0; chunk < 5; ++chunk) {
    const SelectQuery& query = first.executed[chunk];
    ASSERT_TRUE(query.pages.has_value());
    EXPECT_EQ(query.pages->first, chunk * 2);
    // The last chunk reads to the table's end, whatever it has grown to.
    EXPECT_EQ(query.pages->end, chunk < 4 ? std::optional<int64_t>(chunk * 2 + 2) : std::nullopt);
    EXPECT_TRUE(query.key_columns.empty()) << "no ORDER BY";
    EXPECT_EQ(query.upper_column, "updated_at");
    EXPECT_EQ(query.upper, Value::Timestamp(Seconds(17)));
  }
  EXPECT_EQ(first.cursor, HandedOver(Seconds(17), 84));
  EXPECT_TRUE(RunSync(table, spec, first.cursor).ids.empty());
  table.Move(40, 0, Seconds(18));  // updated onto a page the copy read
  table.Insert({Seconds(18), 101, 0});
  EXPECT_EQ(Sorted(RunSync(table, spec, first.cursor).ids), (std::vector<int64_t>{40, 101}));
}

TEST_P(HeapCopyTest, EachChunksEndIsASafePointWhoseProgressIsTheNextPage) {
  FakeTable table = HeapTable(60);  // 6 pages, some with more than 10 rows
  TableSpec spec = Spec(table, GetParam(), 20);
  Ceiling ceiling{.timestamp = table.Max("updated_at"), .clock_micros = Seconds(20)};
  Result<ChunkPlanner> planner = ChunkPlanner::Create(spec, Cursor(), ceiling, std::nullopt, {}, table.Heap());
  ASSERT_TRUE(planner.has_value()) << planner.status().ToString();
  EXPECT_TRUE(planner->CopiesInHeapOrder());
  EXPECT_FALSE(planner->CopiesInKeyOrder());
  EXPECT_FALSE(planner->EveryBatchIsASafePoint());
  EXPECT_TRUE(planner->ReadsUnderOneSnapshot());
  EXPECT_THAT(planner->DescribeWindow(),
              ::testing::HasSubstr("first copy in heap order (TID ranges) from page 0 of 6"));
  CopyProgress fresh{.heap = HeapProgress{.next_page = 0, .storage = table.Heap().storage},
                     .ceiling_micros = Seconds(17),
                     .started_micros = Seconds(20)};
  EXPECT_EQ(planner->cursor(), Cursor{.copy = fresh});
  std::vector<int64_t> next_pages;
  int batches = 0;
  while (auto query = planner->NextQuery()) {
    int64_t first_page = query->pages.value().first;
    for (const ColumnBatch& batch : table.Execute(*query, 8)) {
      ASSERT_TRUE(planner->AcceptBatch(batch).has_value());
      ++batches;
      // Inside a chunk the progress stays at its start: its pages are not all staged yet.
      EXPECT_EQ(planner->cursor().copy->heap->next_page, first_page);
    }
    planner->FinishQuery();
    if (planner->cursor().copy) next_pages.push_back(planner->cursor().copy->heap->next_page);
  }
  EXPECT_GT(batches, 6);
  EXPECT_EQ(next_pages, (std::vector<int64_t>{2, 4}));        // then the chunk from page 4 to the end ends the copy
  EXPECT_EQ(planner->cursor(), HandedOver(Seconds(17), 44));  // the largest id stamped 17 s: (60 - 44) % 17 + 1
}

TEST_P(HeapCopyTest, TheLastChunkReadsThePagesTheTableGrewByDuringTheCopy) {
  FakeTable table = HeapTable(60);  // 6 pages when the run starts
  TableSpec spec = Spec(table, GetParam(), 20);
  RunResult run = RunSync(
      table, spec, {}, std::nullopt,
      [&] {
        // Committed while the copy runs, stamped before its ceiling, on pages 6 and 7.
        for (int64_t id = 61; id <= 75; ++id) table.Insert({Seconds(5), id, 0});
      },
      Pages::kRead);
  EXPECT_EQ(Sorted(run.ids), Range(1, 75));
  EXPECT_FALSE(run.executed.back().pages->end.has_value());
}

TEST_P(HeapCopyTest, AnInterruptedCopyResumesAtItsNextPageUnderItsOwnCeilingThenReadsOnToTheRunsCeiling) {
  FakeTable table = HeapTable(50);  // 5 pages; updated_at = (50 - id) % 17 + 1 seconds
  auto stamp = [](int64_t id) { return (50 - id) % 17 + 1; };
  TableSpec spec = Spec(table, GetParam(), 20);
  // Where an earlier run stopped, with the ceiling it read then (Seconds(10)).
  Cursor stopped{.copy = CopyProgress{.heap = HeapProgress{.next_page = 2, .storage = table.Heap().storage},
                                      .ceiling_micros = Seconds(10)}};
  std::vector<int64_t> copied_before;  // what the stopped run staged: pages 0 and 1, within its ceiling
  std::vector<int64_t> before_page_2 = HeapOrder(table);
  before_page_2.resize(before_page_2.size() - HeapOrder(table, 2).size());
  for (int64_t id : before_page_2) {
    if (stamp(id) <= 10) copied_before.push_back(id);
  }
  table.Insert({Seconds(5), 51, 0});  // committed since, on the last page, inside the copy's ceiling
  RunResult resumed = RunSync(table, spec, stopped, std::nullopt, {}, Pages::kRead);
  ASSERT_FALSE(resumed.executed.empty());
  EXPECT_EQ(resumed.executed[0].pages->first, 2);
  std::vector<int64_t> copied;
  for (int64_t id : HeapOrder(table, 2)) {
    if (stamp(id) <= 10 || id == 51) copied.push_back(id);
  }
  ExpectCopiedThenReadOn(resumed.ids, copied, stamp);
  EXPECT_EQ(resumed.cursor.timestamp_micros, Seconds(17));
  EXPECT_FALSE(resumed.cursor.copy.has_value());
  std::vector<int64_t> all = copied_before;
  all.insert(all.end(), resumed.ids.begin(), resumed.ids.end());
  std::set<int64_t> distinct(all.begin(), all.end());
  EXPECT_EQ(std::vector<int64_t>(distinct.begin(), distinct.end()), Range(1, 51));
}

TEST_P(HeapCopyTest, AResumedCopyRereadsTheLookbackWindowBeforeItBeganForCommitsOnPagesItHadRead) {
  FakeTable table(10);
  for (int64_t id = 1; id <= 40; ++id) table.Insert({Seconds(id * 10), id, 0});  // 4 pages, 10 s apart
  TableSpec spec = Spec(table, GetParam(), 100);
  spec.lookback_seconds = 60;
  // The first run copied pages 0 and 1 under a ceiling of 300 s, then stopped; id 5 committed late
  // (stamped 280 s, inside the lookback) onto page 0, which the copy had read.
  table.Move(5, 0, Seconds(280));
  Cursor stopped{.copy = CopyProgress{.heap = HeapProgress{.next_page = 2, .storage = table.Heap().storage},
                                      .ceiling_micros = Seconds(300),
                                      .started_micros = Seconds(300)}};
  RunResult resumed = RunSync(table, spec, stopped, std::nullopt, {}, Pages::kRead);
  std::vector<int64_t> ids = Sorted(resumed.ids);
  EXPECT_EQ(std::count(ids.begin(), ids.end(), 5), 1) << "the late commit behind the copy is read";
  std::vector<int64_t> expected = Range(21, 40);
  for (int64_t id : {5, 24, 25, 26, 27, 28, 29, 30}) expected.push_back(id);  // ts in [240 s, 300 s], again
  EXPECT_EQ(ids, Sorted(expected));
  EXPECT_EQ(resumed.cursor.timestamp_micros, Seconds(400));
}

TEST_P(HeapCopyTest, ACopyBegunInKeyOrderResumesInKeyOrderWhereHeapOrderNowApplies) {
  FakeTable table = HeapTable(50);
  TableSpec spec = Spec(table, GetParam(), 20);
  Cursor stopped{.copy = CopyProgress{.after = {Value::Int64(30)}, .ceiling_micros = Seconds(10)}};
  Result<ChunkPlanner> planner = ChunkPlanner::Create(spec, stopped, Ceiling{.timestamp = table.Max("updated_at")},
                                                      std::nullopt, {}, table.Heap());
  ASSERT_TRUE(planner.has_value()) << planner.status().ToString();
  EXPECT_TRUE(planner->CopiesInKeyOrder());
  EXPECT_FALSE(planner->ReadsUnderOneSnapshot());
  EXPECT_TRUE(planner->warnings().empty());
  std::optional<SelectQuery> query = planner->NextQuery();
  ASSERT_TRUE(query.has_value());
  EXPECT_FALSE(query->pages.has_value());
  EXPECT_EQ(query->lower, std::vector<Value>{Value::Int64(30)});
  RunResult resumed = RunSync(table, spec, stopped, std::nullopt, {}, Pages::kRead);
  std::vector<int64_t> keys_after_30;
  for (int64_t id = 31; id <= 50; ++id) {
    if ((50 - id) % 17 + 1 <= 10) keys_after_30.push_back(id);
  }
  EXPECT_EQ(std::vector<int64_t>(resumed.ids.begin(), resumed.ids.begin() + keys_after_30.size()), keys_after_30);
}

TEST_P(HeapCopyTest, ACopyWhosePagesNoLongerMeanWhatTheyDidStartsOverWithAWarning) {
  Cursor stopped{.copy = CopyProgress{.heap = HeapProgress{.next_page = 3, .storage = "1"},
                                      .ceiling_micros = Seconds(10),
                                      .max_timestamp_micros = Seconds(9)}};
  // VACUUM FULL moved every row to new pages of new storage.
  FakeTable rewritten = HeapTable(50);
  rewritten.Rewrite();
  TableSpec spec = Spec(rewritten, GetParam(), 20);
  Ceiling ceiling{.timestamp = rewritten.Max("updated_at")};
  Result<ChunkPlanner> planner = ChunkPlanner::Create(spec, stopped, ceiling, std::nullopt, {}, rewritten.Heap());
  ASSERT_TRUE(planner.has_value()) << planner.status().ToString();
  ASSERT_EQ(planner->warnings().size(), 1u);
  EXPECT_THAT(planner->warnings()[0], ::testing::HasSubstr("was rewritten"));
  EXPECT_TRUE(planner->CopiesInHeapOrder());
  EXPECT_EQ(planner->cursor().copy->heap->next_page, 0);
  EXPECT_EQ(planner->cursor().copy->ceiling_micros, Seconds(17));  // a new copy, under this run's ceiling
  RunResult again = RunSync(rewritten, spec, stopped, std::nullopt, {}, Pages::kRead);
  EXPECT_EQ(Sorted(again.ids), Range(1, 50));
  EXPECT_EQ(again.cursor, HandedOver(Seconds(17), 34));  // (50 - 34) % 17 + 1 = 17

  // The table can no longer be read by pages (now partitioned, or an older server): a new copy in key order.
  FakeTable table = HeapTable(50);
  planner = ChunkPlanner::Create(spec, stopped, ceiling);
  ASSERT_TRUE(planner.has_value()) << planner.status().ToString();
  ASSERT_EQ(planner->warnings().size(), 1u);
  EXPECT_THAT(planner->warnings()[0], ::testing::HasSubstr("can no longer be read by page ranges"));
  EXPECT_TRUE(planner->CopiesInKeyOrder());
  RunResult in_key_order = RunSync(table, spec, stopped);
  EXPECT_EQ(in_key_order.ids, Range(1, 50));
}

TEST_P(HeapCopyTest, PagesChangeOnlyTheOrderOfACopyNotWhetherOneRuns) {
  FakeTable table = HeapTable(30);
  TableSpec spec = Spec(table, GetParam(), 100);
  // A table without a usable primary key is read in cursor order, pages or not.
  auto keyless = std::make_shared<Schema>(*table.schema());
  keyless->primary_key.clear();
  TableSpec keyless_spec = spec;
  keyless_spec.schema = keyless;
  RunResult run = RunSync(table, keyless_spec, {}, std::nullopt, {}, Pages::kRead);
  EXPECT_EQ(Sorted(run.ids), Range(1, 30));
  for (const SelectQuery& query : run.executed) EXPECT_FALSE(query.pages.has_value());
  EXPECT_FALSE(run.cursor.copy.has_value());
  // A table with a cursor reads on from it.
  RunResult later = RunSync(table, spec, Cursor{.timestamp_micros = Seconds(16)}, std::nullopt, {}, Pages::kRead);
  for (const SelectQuery& query : later.executed) EXPECT_FALSE(query.pages.has_value());
  EXPECT_FALSE(MayCopyFirst(spec, Cursor{.timestamp_micros = Seconds(16)}));
  EXPECT_TRUE(MayCopyFirst(spec, Cursor()));
  // An empty table copies nothing.
  FakeTable empty(10);
  RunResult nothing = RunSync(empty, Spec(empty, GetParam(), 10), {}, std::nullopt, {}, Pages::kRead);
  EXPECT_EQ(nothing.queries, 0);
  EXPECT_TRUE(nothing.cursor.empty());
}

TEST_P(HeapCopyTest, LimitedRunsOfAHeapCopyAddUpToTheWholeTable) {
  FakeTable table(10);
  for (int64_t id = 1; id <= 200; ++id) table.Insert({Seconds((200 - id) % 17 + 1), id, 0});  // 20 pages
  TableSpec spec = Spec(table, GetParam(), 16);
  Cursor cursor;
  std::vector<int64_t> all;
  for (int run = 0; run < 20; ++run) {
    RunResult result = RunSync(table, spec, cursor, 37, {}, Pages::kRead);
    if (result.ids.empty()) break;
    // Chunks are read whole; the last one is sized to what the limit leaves: at most a page over.
    EXPECT_LE(result.ids.size(), 37u + 10u);
    all.insert(all.end(), result.ids.begin(), result.ids.end());
    cursor = result.cursor;
    if (run == 0) table.Insert({Seconds(100), 201, 0});  // after the copy's ceiling: read once it hands over
  }
  EXPECT_EQ(Sorted(all), Range(1, 201));
  EXPECT_EQ(cursor.timestamp_micros, Seconds(100));
}

INSTANTIATE_TEST_SUITE_P(Strategies, HeapCopyTest,
                         ::testing::Values(CdcStrategy::kTimestampOnly, CdcStrategy::kHybrid));

TEST(FullSyncStrategy, ReadsTheWholeTableInOneStreamingQueryIgnoringAnyCursor) {
  FakeTable table;
  for (int64_t id = 100; id >= 1; --id) table.Insert({Seconds(1), id * 3, 0});
  TableSpec spec = Spec(table, CdcStrategy::kFullSync, 9);
  Cursor previous;
  previous.id = Value::Int64(150);  // a full sync ignores any cursor
  RunResult run = RunSync(table, spec, previous);
  std::vector<int64_t> expected;
  for (int64_t id = 1; id <= 100; ++id) expected.push_back(id * 3);
  EXPECT_EQ(Sorted(run.ids), expected);
  EXPECT_EQ(run.queries, 1);
  EXPECT_TRUE(run.cursor.empty());
}

TEST(FullSyncStrategy, WithoutPrimaryKeyReadsInOneQuery) {
  FakeTable table;
  for (int64_t id = 1; id <= 30; ++id) table.Insert({Seconds(1), id, 0});
  TableSpec spec = Spec(table, CdcStrategy::kFullSync, 7);
  spec.primary_key.clear();
  RunResult run = RunSync(table, spec, {});
  EXPECT_EQ(Sorted(run.ids), Range(1, 30));
  EXPECT_EQ(run.queries, 1);
}

TEST(FullSyncStrategy, OnlyFullSyncMakesEveryBatchASafePoint) {
  FakeTable table;
  for (CdcStrategy strategy : {CdcStrategy::kHybrid, CdcStrategy::kTimestampOnly, CdcStrategy::kIdOnly,
                               CdcStrategy::kFullSync}) {
    Result<ChunkPlanner> planner = ChunkPlanner::Create(Spec(table, strategy, 5), Cursor(), Ceiling());
    ASSERT_TRUE(planner.has_value()) << planner.status().ToString();
    EXPECT_EQ(planner->EveryBatchIsASafePoint(), strategy == CdcStrategy::kFullSync);
  }
}

TEST(CustomSqlStrategy, BindsCursorAndCeilingAsParameters) {
  FakeTable table;
  TableSpec spec = Spec(table, CdcStrategy::kCustomSql, 10);
  spec.timestamp_column = "updated_at";
  spec.id_column = "id";
  spec.lookback_seconds = 60;
  spec.custom_sql = "SELECT * FROM t WHERE updated_at > {{ last_timestamp }} AND updated_at <= {{ceiling_timestamp}}";
  Cursor start;
  start.timestamp_micros = Seconds(1000);
  Ceiling ceiling{Value::Timestamp(Seconds(2000)), Value::Int64(77), {}};
  auto planner = ChunkPlanner::Create(spec, start, ceiling);
  ASSERT_TRUE(planner.has_value()) << planner.status().ToString();
  auto query = planner->NextQuery();
  ASSERT_TRUE(query.has_value());
  EXPECT_TRUE(query->is_custom());
  EXPECT_EQ(query->custom_sql, spec.custom_sql);  // values are never pasted into the text
  EXPECT_EQ(query->parameters.at("last_timestamp"), Value::Timestamp(Seconds(940)));
  EXPECT_EQ(query->parameters.at("ceiling_timestamp"), Value::Timestamp(Seconds(2000)));
  EXPECT_EQ(query->parameters.at("ceiling_id"), Value::Int64(77));
  // The cursor moves to the largest timestamp the query returned.
  ColumnBatch batch(table.schema());
  for (int64_t seconds : {1500, 1900, 1200}) {
    batch.column(0).Append<int64_t>(seconds);
    batch.column(1).Append<int64_t>(Seconds(seconds));
    batch.column(2).Append<int64_t>(0);
  }
  EXPECT_EQ(*planner->AcceptBatch(batch), 3u);
  planner->FinishQuery();
  EXPECT_FALSE(planner->NextQuery().has_value());
  EXPECT_EQ(planner->cursor().timestamp_micros, Seconds(1900));
  EXPECT_EQ(planner->cursor().id, Value::Int64(1900));
}

TEST(CustomSqlStrategy, TheCursorNeverMovesBack) {
  FakeTable table;
  TableSpec spec = Spec(table, CdcStrategy::kCustomSql, 10);
  spec.timestamp_column = "updated_at";
  spec.lookback_seconds = 600;
  spec.custom_sql = "SELECT * FROM t WHERE updated_at > {{last_timestamp}}";
  Cursor start;
  start.timestamp_micros = Seconds(1000);
  auto planner = ChunkPlanner::Create(spec, start, Ceiling{Value::Timestamp(Seconds(2000)), Value(), {}});
  ASSERT_TRUE(planner.has_value());
  ASSERT_TRUE(planner->NextQuery().has_value());
  ColumnBatch batch(table.schema());  // only rows from the lookback window, older than the cursor
  batch.column(0).Append<int64_t>(1);
  batch.column(1).Append<int64_t>(Seconds(700));
  batch.column(2).Append<int64_t>(0);
  EXPECT_EQ(*planner->AcceptBatch(batch), 1u);
  planner->FinishQuery();
  EXPECT_EQ(planner->cursor().timestamp_micros, Seconds(1000));
}

// A placeholder is bound only from a configured cursor column; a query
// using one without it (configuration validation refuses such a config)
// fails to render, naming it, instead of reading with a stand-in value.
TEST(CustomSqlStrategy, OnlyPlaceholdersOfConfiguredColumnsAreBound) {
  FakeTable table;
  TableSpec spec = Spec(table, CdcStrategy::kCustomSql, 10);
  spec.timestamp_column = "updated_at";
  spec.custom_sql = "SELECT * FROM t WHERE id > {{last_id}}";
  auto planner = ChunkPlanner::Create(spec, {}, Ceiling{Value::Timestamp(Seconds(2000)), Value::Int64(77), {}});
  ASSERT_TRUE(planner.has_value()) << planner.status().ToString();
  std::optional<SelectQuery> query = planner->NextQuery();
  ASSERT_TRUE(query.has_value());
  std::vector<std::string> bound;
  for (const auto& [name, value] : query->parameters) bound.push_back(name);
  EXPECT_EQ(bound, (std::vector<std::string>{"ceiling_timestamp", "last_timestamp"}));
}

TEST(TableSpecTest, CursorColumnsMustExistAndHaveUsableTypes) {
  FakeTable table;
  config::TableConfig config;
  config.name = "shop.orders";
  config.cdc_strategy = CdcStrategy::kHybrid;
  config.cdc_timestamp_column = "modified";
  config.cdc_id_column = "id";
  auto missing = MakeTableSpec(config, table.schema());
  ASSERT_FALSE(missing.has_value());
  EXPECT_NE(missing.error().message().find("'modified' is not a column of the table (columns: id, updated_at, grp)"),
            std::string::npos)
      << missing.error().message();
  config.cdc_timestamp_column = "grp";
  auto wrong_type = MakeTableSpec(config, table.schema());
  ASSERT_FALSE(wrong_type.has_value());
  EXPECT_NE(wrong_type.error().message().find("must be a DATE, DATETIME or TIMESTAMP column"), std::string::npos);
  config.cdc_timestamp_column = "updated_at";
  auto ok = MakeTableSpec(config, table.schema());
  ASSERT_TRUE(ok.has_value()) << ok.status().ToString();
  EXPECT_EQ(ok->primary_key, std::vector<std::string>{"id"});
  EXPECT_TRUE(ok->IdIsUnique());
}

}  // namespace
}  // namespace sluice::cdc

namespace sluice::cdc {
namespace {

int64_t At(const char* text) { return *ParseTimestamp(text); }

TEST(CapTimestampCeiling, HoldsBackTheCurrentSecondOfTheSourceClock) {
  int64_t now = At("2025-01-01 12:00:00.700000");
  Value capped = Value::Timestamp(At("2025-01-01 11:59:59.999999"));
  EXPECT_EQ(CapTimestampCeiling(Value::Timestamp(At("2025-01-01 12:00:00.500000")), TypeId::kTimestampTz, now, now),
            capped);
  EXPECT_EQ(CapTimestampCeiling(Value::Timestamp(At("2025-01-01 12:00:00")), TypeId::kTimestamp, now, now), capped);
  Value past = Value::Timestamp(At("2025-01-01 11:59:59.200000"));
  EXPECT_EQ(CapTimestampCeiling(past, TypeId::kTimestampTz, now, now), past);
  // Before 1970 the second still rounds down.
  EXPECT_EQ(CapTimestampCeiling(Value::Timestamp(0), TypeId::kTimestampTz, -1, -1), Value::Timestamp(-1000001));
}

TEST(CapTimestampCeiling, NaiveColumnsAreCappedByTheWritersWallClockEastOfUtc) {
  int64_t utc = At("2025-01-01 12:00:00");
  int64_t local = At("2025-01-01 20:00:00");  // writers at +08:00
  Value written_locally = Value::Timestamp(At("2025-01-01 19:30:00"));
  EXPECT_EQ(CapTimestampCeiling(written_locally, TypeId::kTimestamp, utc, local), written_locally);
  EXPECT_EQ(CapTimestampCeiling(Value::Timestamp(At("2025-01-01 20:00:00.300000")), TypeId::kTimestamp, utc, local),
            Value::Timestamp(At("2025-01-01 19:59:59.999999")));
  EXPECT_EQ(CapTimestampCeiling(written_locally, TypeId::kTimestampTz, utc, local),
            Value::Timestamp(At("2025-01-01 11:59:59.999999")));
}

TEST(CapTimestampCeiling, NaiveColumnsAreCappedByTheWritersWallClockWestOfUtc) {
  // Writers at -05:00 stamp 07:00:00 now; UTC says 12:00. A row stamped in
  // the writers' current second may still be committing: it waits.
  int64_t utc = At("2025-01-01 12:00:00.400000");
  int64_t local = At("2025-01-01 07:00:00.400000");
  EXPECT_EQ(CapTimestampCeiling(Value::Timestamp(At("2025-01-01 07:00:00")), TypeId::kTimestamp, utc, local),
            Value::Timestamp(At("2025-01-01 06:59:59.999999")));
  Value earlier = Value::Timestamp(At("2025-01-01 06:59:58"));
  EXPECT_EQ(CapTimestampCeiling(earlier, TypeId::kTimestamp, utc, local), earlier);
  int32_t writers_today = static_cast<int32_t>(local / kMicrosPerDay);
  EXPECT_EQ(CapTimestampCeiling(Value::Date(writers_today), TypeId::kDate, utc, local),
            Value::Date(writers_today - 1));
}

TEST(CapTimestampCeiling, DatesStopAtYesterdayAndOtherValuesPassThrough) {
  int64_t now = At("2025-01-01 12:00:00");
  int32_t today = static_cast<int32_t>(now / kMicrosPerDay);
  EXPECT_EQ(CapTimestampCeiling(Value::Date(today), TypeId::kDate, now, now), Value::Date(today - 1));
  EXPECT_EQ(CapTimestampCeiling(Value::Date(today - 5), TypeId::kDate, now, now), Value::Date(today - 5));
  EXPECT_EQ(CapTimestampCeiling(Value::Int64(5), TypeId::kInt64, now, now), Value::Int64(5));
  EXPECT_EQ(CapTimestampCeiling(Value(), TypeId::kTimestamp, now, now), Value());
}

}  // namespace
}  // namespace sluice::cdc
