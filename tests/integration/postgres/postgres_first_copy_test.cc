// The first load of a hybrid / timestamp_only table on PostgreSQL 14+ copies
// it in heap order, by TID-range chunks (cdc/planner.h, "first copy"), and
// hands over to the strategy's cursor. Against the real server, with rows
// updated before the copy (so heap order is not key order), writers
// inserting, updating (rows move to other pages), deleting and committing
// late while the copy runs, the copy SIGKILLed half way, and the table
// rewritten under an unfinished copy, ordinary runs afterwards end with the
// target equal to the source, row by row and column by column.
#include <atomic>
#include <chrono>
#include <mutex>
#include <random>
#include <set>
#include <thread>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "harness.h"
#include "pg_fixture.h"

namespace sluice::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr int kRows = 120'000;

// kRows rows stamped a day ago, timestamps running against the key, with
// ~100 bytes of incompressible text each (~2,400 pages, dozens of chunks).
// Half the rows of the first pages are updated before the copy: their new
// versions go to the end of the heap (heap order is not key order), and
// once VACUUM has removed the old ones, the first pages have room that
// later updates move rows into, behind a copy that has read those pages.
void CreateTable(PgFixture& pg, const std::string& table, bool partitioned = false) {
  pg.Exec(
      For("DROP TABLE IF EXISTS {t}; CREATE TABLE {t} (id bigint PRIMARY KEY, updated_at timestamptz NOT NULL, "
          "amount numeric(12,2), note text)" +
              std::string(partitioned ? " PARTITION BY RANGE (id)" : "") + "; CREATE INDEX ON {t} (updated_at, id);",
          table));
  if (partitioned) {
    pg.Exec(
        For("CREATE TABLE {t}_low PARTITION OF {t} FOR VALUES FROM (MINVALUE) TO (60000); "
            "CREATE TABLE {t}_high PARTITION OF {t} FOR VALUES FROM (60000) TO (MAXVALUE);",
            table));
  }
  pg.Exec(For(fmt::format("INSERT INTO {{t}} SELECT i, now() - interval '1 day' - ((i * 7919) % {0}) * interval "
                          "'1 second', (i % 10000) / 100.0, md5(random()::text) || md5(random()::text) || "
                          "md5(random()::text) FROM generate_series(1, {0}) i;"
                          "UPDATE {{t}} SET amount = amount + 1 WHERE id <= 6000 AND id % 2 = 0;",
                          kRows),
              table));
  // VACUUM removes the old versions only once no transaction of another test can still see them.
  pg.Exec(
      "DO $$ BEGIN CREATE EXTENSION IF NOT EXISTS pg_freespacemap; "
      "EXCEPTION WHEN unique_violation OR duplicate_object THEN NULL; END $$");
  std::string first_page = partitioned ? table + "_low" : table;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  do {
    pg.Exec("VACUUM ANALYZE " + table);
    if (pg.Value(fmt::format("SELECT avail > 2000 FROM pg_freespace('{}') WHERE blkno = 0", first_page)) == "t") return;
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  } while (std::chrono::steady_clock::now() < deadline);
  ADD_FAILURE() << "VACUUM could not free the first pages of " << table << " within a minute";
}

// Writers on their own connections while sluice runs. One inserts new
// rows, updates rows anywhere (stamped now; updated_at is indexed, so the
// new version goes to whichever page has room) and deletes rows; another
// stamps a row in a transaction that commits 0.7 s later (a late commit,
// for the lookback). With `move_unstamped`, a third one, once told to
// start, rewrites rows at the end of the heap without changing any value
// (no new stamp): their pages are full, so each new version lands in the
// free space of the first pages, which the copy has read by then; only a
// copy under one snapshot still reads such a row.
class Writers {
 public:
  Writers(const ServerEnv& server, std::string table, bool move_unstamped = false)
      : server_(server), table_(std::move(table)) {
    threads_.emplace_back([this] { Write(); });
    threads_.emplace_back([this] { CommitLate(); });
    if (move_unstamped) threads_.emplace_back([this] { MoveUnstamped(); });
  }
  ~Writers() { Stop(); }
  void Stop() {
    stop_ = true;
    for (std::thread& thread : threads_) {
      if (thread.joinable()) thread.join();
    }
  }
  // Lets the unstamped mover start (once the copy has read the first pages).
  void StartMoving() { moving_ = true; }
  int64_t writes() const { return writes_; }
  int64_t moves() const { return moves_; }
  std::set<std::string> deleted() {
    std::lock_guard lock(mutex_);
    return deleted_;
  }

 private:
  void Write() {
    PgFixture pg(server_);
    std::mt19937_64 random(42);
    int64_t next_id = kRows + 1;
    while (!stop_) {
      int64_t id = static_cast<int64_t>(random() % kRows) + 1;
      switch (random() % 6) {
        case 0:
        case 1:
          pg.Exec(For(fmt::format("INSERT INTO {{t}} VALUES ({}, now(), 1.25, 'inserted')", next_id++), table_));
          break;
        case 2:
        case 3:
        case 4:
          pg.Exec(For(fmt::format("UPDATE {{t}} SET note = 'updated ' || {}, amount = amount + 1, updated_at = now() "
                                  "WHERE id = {}",
                                  writes_.load(), id),
                      table_));
          break;
        default: {
          pg.Exec(For(fmt::format("DELETE FROM {{t}} WHERE id = {}", id), table_));
          std::lock_guard lock(mutex_);
          deleted_.insert(std::to_string(id));
          break;
        }
      }
      ++writes_;
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
  }

  // now() is the transaction's start: the row is stamped 0.7 s before it commits.
  void CommitLate() {
    PgFixture pg(server_);
    std::mt19937_64 random(7);
    while (!stop_) {
      int64_t id = static_cast<int64_t>(random() % kRows) + 1;
      pg.Exec("BEGIN");
      pg.Exec(For(fmt::format("UPDATE {{t}} SET note = 'late', updated_at = now() WHERE id = {}", id), table_));
      std::this_thread::sleep_for(std::chrono::milliseconds(700));
      pg.Exec("COMMIT");
      ++writes_;
    }
  }

  void MoveUnstamped() {
    PgFixture pg(server_);
    // Rows at the end of the heap, in full pages (not the last one, which
    // has room to keep an update in place).
    std::vector<Row> at_the_end =
        pg.Rows(For("SELECT id FROM {t} WHERE ctid >= ('(' || (pg_relation_size('{t}') / 8192 - 150) || ',0)')::tid "
                    "AND ctid < ('(' || (pg_relation_size('{t}') / 8192 - 1) || ',0)')::tid ORDER BY ctid",
                    table_));
    while (!moving_ && !stop_) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    for (const Row& row : at_the_end) {
      if (stop_) break;
      pg.Exec(For("UPDATE {t} SET note = note WHERE id = " + row[0].value(), table_));
      ++moves_;
      // Slower than the copy, so the pages these rows fill stay behind it.
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
  }

  ServerEnv server_;
  std::string table_;
  std::atomic<bool> stop_ = false;
  std::atomic<bool> moving_ = false;
  std::atomic<int64_t> writes_ = 0;
  std::atomic<int64_t> moves_ = 0;
  std::mutex mutex_;
  std::set<std::string> deleted_;
  std::vector<std::thread> threads_;
};

// Every column, as text in one form on both sides (ordered by the table's
// id, `t.id`: a bare "id" would be PostgreSQL's output column, the text).
constexpr const char* kSourceColumns =
    "id::text, ((extract(epoch FROM updated_at) * 1000000)::bigint)::text, amount::text, note";
constexpr const char* kTargetColumns =
    "CAST(id AS VARCHAR), CAST(epoch_us(updated_at) AS VARCHAR), CAST(amount AS VARCHAR), note";

class PostgresFirstCopy : public ::testing::Test {
 protected:
  void SetUp() override {
    server_ = PostgresServer();
    ASSERT_FALSE(::testing::Test::HasFailure());
    pg_ = std::make_unique<PgFixture>(server_);
  }

  // Each strategy's case has its own table and project: ctest runs them side by side.
  static std::string Name(const std::string& base) {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    bool hybrid =
        info->value_param() == nullptr || std::string(info->value_param()).find("hybrid") != std::string::npos;
    return UniqueName(base + (hybrid ? "_hybrid" : "_timestamp"));
  }

  void WriteConfig(EmbeddedProject& project, const std::string& table, const std::string& strategy) const {
    project.WriteConfig(fmt::format("  {}: {}\n", table, strategy), "batch_size: 5000",
                        "partition_strategy: table, target_file_mb: 1",
                        server_.SourceYaml("postgres", "ssl: {mode: disabled}"));
  }

  // The target equals the source row by row, every column, apart from rows
  // deleted while sluice ran (deletes are not captured: docs/data-gaps.md).
  void ExpectTargetEqualsSource(EmbeddedProject& project, const std::string& table,
                                const std::set<std::string>& deleted = {}) {
    EXPECT_EQ(JoinAll(project.TargetRows("SELECT count(*) = count(DISTINCT id) FROM " + table)),
              std::vector<std::string>{"true"})
        << "duplicate keys in the target";
    std::vector<std::string> source =
        JoinAll(pg_->Rows(fmt::format("SELECT {} FROM {} AS t ORDER BY t.id", kSourceColumns, table)));
    std::vector<std::string> target;
    for (const Row& row :
         project.TargetRows(fmt::format("SELECT {} FROM {} AS t ORDER BY t.id", kTargetColumns, table))) {
      if (!deleted.contains(row[0].value_or(""))) target.push_back(Join(row));
    }
    EXPECT_GT(source.size(), static_cast<size_t>(kRows) * 9 / 10);
    ExpectSameRows(project, table, source, target);
  }

  // The plan of the next run, and its first query as the SELECT inside the COPY it runs.
  static std::string FirstSelect(const std::string& plan) {
    size_t begin = plan.find("COPY (");
    size_t end = plan.find(") TO STDOUT", begin);
    if (begin == std::string::npos || end == std::string::npos) return "";
    return plan.substr(begin + 6, end - begin - 6);
  }

  // Rows stamped in the source's current second wait for a later run (the
  // ceiling stays below it), so the run that must see the writers' last
  // rows starts after that second.
  static void WaitPastTheLastWritesSecond() { std::this_thread::sleep_for(std::chrono::milliseconds(1100)); }

  ServerEnv server_;
  std::unique_ptr<PgFixture> pg_;
};

// Each case once per strategy.
class PostgresFirstCopyTest : public PostgresFirstCopy, public ::testing::WithParamInterface<const char*> {};

TEST_P(PostgresFirstCopyTest, ACopyWithWritersRunningHandsOverLosingAndDuplicatingNothing) {
  const std::string table = Name("fc_writers");
  CreateTable(*pg_, table);
  EmbeddedProject project(table);
  WriteConfig(project, table, GetParam());
  CommandResult plan = project.Sluice({"sync", "-p", "test", "--dry-run"});
  ASSERT_EQ(plan.exit_code, 0) << plan.err;
  EXPECT_THAT(plan.out, HasSubstr("first copy in heap order (TID ranges) from page 0 of "));
  // The chunk reads only its pages: a TID Range Scan, not a scan of the whole table with a filter.
  std::string chunk = FirstSelect(plan.out);
  ASSERT_THAT(chunk, HasSubstr("ctid >= '(0,0)'::tid AND ctid < '(")) << plan.out;
  std::string explained = fmt::format("{}", fmt::join(JoinAll(pg_->Rows("EXPLAIN " + chunk)), "\n"));
  EXPECT_THAT(explained, HasSubstr("Tid Range Scan on ")) << explained;
  EXPECT_THAT(explained, Not(HasSubstr("Seq Scan"))) << explained;

  Writers writers(server_, table, /*move_unstamped=*/true);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));  // writes straddle the ceiling
  nlohmann::json first;
  std::thread run([&] { first = project.Sync(); });
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
  while (project.StagedObjects().empty() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  writers.StartMoving();  // the copy has read the first pages
  run.join();
  ASSERT_EQ(first.value("status", ""), "success") << first.dump(2);
  EXPECT_GE(first.at("table_results").at(table).at("files_created").get<int64_t>(), 3);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  writers.Stop();
  EXPECT_GT(writers.writes(), 10);
  EXPECT_GT(writers.moves(), 10);
  WaitPastTheLastWritesSecond();

  nlohmann::json second = project.Sync();
  ASSERT_EQ(second.value("status", ""), "success") << second.dump(2);
  ExpectTargetEqualsSource(project, table, writers.deleted());
  // Handed over: the next run reads in cursor order, only what changed.
  EXPECT_LT(second.at("table_results").at(table).at("rows_extracted").get<int64_t>(), kRows / 10);
}

TEST_P(PostgresFirstCopyTest, ACopyKilledHalfWayResumesAtItsLastChunkAndLosesNothing) {
  const std::string table = Name("fc_killed");
  CreateTable(*pg_, table);
  EmbeddedProject project(table);
  WriteConfig(project, table, GetParam());
  Writers writers(server_, table);
  KillSyncOnceStaged(project, 2);  // half way through the copy
  if (::testing::Test::HasFatalFailure()) return;
  CommandResult watermark = project.Sluice({"watermark", "get", "-p", "test", "-t", table, "--json"});
  EXPECT_THAT(watermark.out, HasSubstr("\"next_page\"")) << "killed inside the copy";
  EXPECT_THAT(watermark.out, Not(HasSubstr("\"next_page\": 0,"))) << "a chunk was staged";
  CommandResult shown = project.Sluice({"watermark", "get", "-p", "test", "-t", table});
  EXPECT_THAT(shown.out, HasSubstr("first copy: in heap order from page ")) << shown.out;

  // The resumed copy runs with the writers still writing.
  nlohmann::json resumed = project.Sync();
  ASSERT_EQ(resumed.value("status", ""), "success") << resumed.dump(2);
  writers.Stop();
  WaitPastTheLastWritesSecond();
  nlohmann::json last = project.Sync();
  ASSERT_EQ(last.value("status", ""), "success") << last.dump(2);
  ExpectTargetEqualsSource(project, table, writers.deleted());
}

INSTANTIATE_TEST_SUITE_P(
    Strategies, PostgresFirstCopyTest,
    ::testing::Values("{cdc_strategy: hybrid, cdc_timestamp_column: updated_at, cdc_id_column: id}",
                      "{cdc_strategy: timestamp_only, cdc_timestamp_column: updated_at}"),
    [](const ::testing::TestParamInfo<const char*>& info) {
      return std::string(info.index == 0 ? "hybrid" : "timestamp_only");
    });

constexpr const char* kHybrid = "{cdc_strategy: hybrid, cdc_timestamp_column: updated_at, cdc_id_column: id}";

// VACUUM FULL moves every row to new pages: the page an unfinished copy
// stopped at no longer says which rows it has copied.
TEST_F(PostgresFirstCopy, ACopyWhoseTableWasRewrittenStartsOverAndLosesNothing) {
  const std::string table = Name("fc_rewritten");
  CreateTable(*pg_, table);
  EmbeddedProject project(table);
  WriteConfig(project, table, kHybrid);
  KillSyncOnceStaged(project, 2);  // half way through the copy
  if (::testing::Test::HasFatalFailure()) return;
  pg_->Exec("VACUUM FULL " + table);
  CommandResult plan = project.Sluice({"sync", "-p", "test", "--dry-run"});
  ASSERT_EQ(plan.exit_code, 0) << plan.err;
  EXPECT_THAT(plan.out, HasSubstr("cursor:  first copy in heap order from page ")) << plan.out;
  EXPECT_THAT(plan.out, HasSubstr("cannot resume there: the table was rewritten since")) << plan.out;
  EXPECT_THAT(plan.out, HasSubstr("first copy in heap order (TID ranges) from page 0 of ")) << plan.out;
  nlohmann::json resumed = project.Sync();
  ASSERT_EQ(resumed.value("status", ""), "success") << resumed.dump(2);
  ExpectTargetEqualsSource(project, table);
}

// A partitioned table has no heap of its own to range over: its first copy is in primary-key order.
TEST_F(PostgresFirstCopy, APartitionedTableIsCopiedInPrimaryKeyOrder) {
  const std::string table = Name("fc_partitioned");
  CreateTable(*pg_, table, /*partitioned=*/true);
  EmbeddedProject project(table);
  WriteConfig(project, table, kHybrid);
  CommandResult plan = project.Sluice({"sync", "-p", "test", "--dry-run"});
  ASSERT_EQ(plan.exit_code, 0) << plan.err;
  EXPECT_THAT(plan.out, HasSubstr("first copy in primary-key order id up to updated_at <= ")) << plan.out;
  EXPECT_THAT(plan.out, Not(HasSubstr("ctid"))) << plan.out;
  nlohmann::json first = project.Sync();
  ASSERT_EQ(first.value("status", ""), "success") << first.dump(2);
  ExpectTargetEqualsSource(project, table);
}

}  // namespace
}  // namespace sluice::testing
