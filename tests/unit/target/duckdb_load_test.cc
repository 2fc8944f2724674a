// DuckDbTarget::Load beyond the conformance suite (target_conformance*.cc):
// the exact DDL and ledger rows, DuckDB's parallel reads of many row groups,
// files staged by DuckDB itself, stores DuckDB cannot read in place, paths
// read_parquet would misread, and the checks of a merge's keys.
#include <gmock/gmock.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "target_test_util.h"

namespace sluice::target::testing_util {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::UnorderedElementsAre;

// orders(id BIGINT NOT NULL, updated_at TIMESTAMP, status VARCHAR), merged by id, latest by updated_at.
SchemaPtr OrdersSchema() {
  return MakeSchema(
      {MakeField("id", DataType::Of(TypeId::kInt64), false), MakeField("updated_at", DataType::Of(TypeId::kTimestamp)),
       MakeField("status", DataType::Of(TypeId::kString))},
      {"id"});
}

// One VALUES row of orders: (id, 'yyyy-mm-dd hh:mm:ss', status).
std::string Order(int64_t id, const std::string& updated_at, const std::string& status) {
  return fmt::format("({}::BIGINT, TIMESTAMP '{}', '{}')", id, updated_at, status);
}

std::string OrdersSql(const std::vector<std::string>& rows) {
  return fmt::format("SELECT * FROM (VALUES {}) AS t(id, updated_at, status)", fmt::join(rows, ", "));
}

class DuckDbLoadTest : public DuckDbTargetTest {
 protected:
  LoadRequest Merge(std::vector<StagedFile> files) {
    LoadRequest request = Request(OrdersSchema(), LoadMode::kMerge, std::move(files));
    request.order_columns = {"updated_at"};
    return request;
  }
  TextRows Orders() { return TableRows("id, status", "id"); }
};

TEST_F(DuckDbLoadTest, FirstLoadCreatesTheTableAndRecordsEveryFile) {
  StagedFile first = Stage("incremental/a.parquet", OrdersSql({Order(1, "2025-01-01 10:00:00", "new")}));
  StagedFile second = Stage("incremental/b.parquet", OrdersSql({Order(2, "2025-01-01 11:00:00", "paid")}));

  Result<LoadResult> loaded = Load(Merge({first, second}));

  ASSERT_TRUE(loaded.has_value()) << loaded.error().ToString();
  EXPECT_EQ(loaded->rows_in_files, 2);
  EXPECT_EQ(loaded->rows_written, 2);
  EXPECT_THAT(loaded->loaded_keys, ElementsAre(first.key, second.key));
  EXPECT_THAT(loaded->already_loaded_keys, IsEmpty());
  EXPECT_THAT(loaded->ddl, ElementsAre("CREATE TABLE \"main\".\"orders\" (\"id\" BIGINT NOT NULL, \"updated_at\" "
                                       "TIMESTAMP, \"status\" VARCHAR)"));
  EXPECT_THAT(Orders(), ElementsAre(ElementsAre("1", "new"), ElementsAre("2", "paid")));
  EXPECT_THAT(Rows("SELECT pipeline, source_table, file_key, target_table, \"rows\", run_id, loaded_at IS NOT NULL "
                   "FROM _sluice_loaded_files ORDER BY file_key"),
              ElementsAre(ElementsAre("p", "shop.orders", first.key, "orders", "1", "run_1", "true"),
                          ElementsAre("p", "shop.orders", second.key, "orders", "1", "run_1", "true")));
  EXPECT_EQ(*target().CountRows("orders"), 2);
  EXPECT_THAT(*target().LoadedFiles("p", "shop.orders"), ElementsAre(first.key, second.key));
  EXPECT_THAT(*target().LoadedFiles("p", "shop.other"), IsEmpty());
}

TEST_F(DuckDbLoadTest, MergeWithoutOrderColumnsKeepsTheLastRowRead) {
  StagedFile first = Stage("k/1.parquet", OrdersSql({Order(1, "2025-01-09 00:00:00", "first")}));
  StagedFile second = Stage("k/2.parquet", OrdersSql({Order(1, "2025-01-01 00:00:00", "second")}));
  LoadRequest request = Merge({first, second});
  request.order_columns.clear();

  ASSERT_TRUE(Load(request).has_value());

  EXPECT_THAT(Orders(), ElementsAre(ElementsAre("1", "second")));
}

TEST_F(DuckDbLoadTest, MergeOfManyRowGroupsKeepsTheLastRowOfEachKey) {
  // 200000 rows in row groups of 2048 (read in parallel), 1000 keys, one timestamp: the highest seq must win.
  StagedFile file = Stage("k/big.parquet",
                          "SELECT (i % 1000)::BIGINT AS id, TIMESTAMP '2025-01-01' AS updated_at, "
                          "CAST(i AS VARCHAR) AS status FROM range(200000) AS r(i)",
                          "ROW_GROUP_SIZE 2048");

  Result<LoadResult> loaded = Load(Merge({file}));

  ASSERT_TRUE(loaded.has_value()) << loaded.error().ToString();
  EXPECT_EQ(loaded->rows_in_files, 200000);
  EXPECT_EQ(loaded->rows_written, 1000);
  EXPECT_THAT(Rows("SELECT count(*) FROM orders WHERE CAST(status AS BIGINT) <> 199000 + id"),
              ElementsAre(ElementsAre("0")));
}

// The most memory this process has held since ResetPeakMemory (Linux: VmHWM, in bytes).
int64_t PeakMemoryBytes() {
  std::ifstream status("/proc/self/status");
  for (std::string line; std::getline(status, line);) {
    if (line.starts_with("VmHWM:")) return std::stoll(line.substr(6)) * 1024;  // "VmHWM:   123456 kB"
  }
  ADD_FAILURE() << "no VmHWM in /proc/self/status";
  return 0;
}
void ResetPeakMemory() { std::ofstream("/proc/self/clear_refs") << "5"; }
#if defined(__SANITIZE_ADDRESS__)
constexpr bool kPeakMemoryMeasurable = false;
#else
constexpr bool kPeakMemoryMeasurable = true;
#endif

TEST_F(DuckDbLoadTest, LoadsLargerThanTheMemoryLimitStayWithinItInsteadOfSwelling) {
  // 1.2M rows of ~100 bytes (~250 MB as DuckDB holds them): first every key once, then every key twice (in an
  // order no cheap proof sees unique), so the second load finds its repeated keys and deduplicates all its rows.
  auto rows = [](const char* id) {
    return fmt::format(
        "SELECT ({})::BIGINT AS id, TIMESTAMP '2025-01-01' + to_seconds(i) AS updated_at, md5(i::VARCHAR) "
        "|| md5((i + 1)::VARCHAR) || md5((i + 2)::VARCHAR) AS status FROM range(1200000) AS r(i)",
        id);
  };
  StagedFile unique_keys = Stage("k/1.parquet", rows("i"));
  StagedFile keys_twice = Stage("k/2.parquet", rows("i // 2"));
  ASSERT_EQ(unique_keys.rows, 1200000);
  memory_limit_bytes_ = int64_t{128} << 20;
  threads_ = 1;
  temp_directory_ = scratch_ + "/spill";
  ResetPeakMemory();

  Result<LoadResult> first = Load(Merge({unique_keys}));
  Result<LoadResult> second = Load(Merge({keys_twice}));

  int64_t peak_bytes = PeakMemoryBytes();
  ASSERT_TRUE(first.has_value()) << first.error().ToString();
  ASSERT_TRUE(second.has_value()) << second.error().ToString();
  EXPECT_EQ(first->rows_written, 1200000);
  EXPECT_EQ(second->rows_written, 600000);
  // Keys below 600000 now hold their second row (the later updated_at), the others their first.
  EXPECT_THAT(Rows("SELECT count(*), count(*) FILTER (WHERE id < 600000 AND status = md5((2 * id + 1)::VARCHAR) || "
                   "md5((2 * id + 2)::VARCHAR) || md5((2 * id + 3)::VARCHAR)) FROM orders"),
              ElementsAre(ElementsAre("1200000", "600000")));
  if (kPeakMemoryMeasurable) {
    // The limit plus what DuckDB does not count (~100 MiB); the same loads take ~410 MiB unbounded.
    EXPECT_LT(peak_bytes, int64_t{320} << 20) << "peak " << (peak_bytes >> 20) << " MiB";
  } else {
    GTEST_SKIP() << "the loads succeeded within the limit, but their peak memory (" << (peak_bytes >> 20)
                 << " MiB) is not checked: AddressSanitizer's allocator pads every block and keeps freed ones";
  }
}

TEST_F(DuckDbLoadTest, LoadingTheSameFilesAgainIsANoOp) {
  StagedFile file = Stage("k/1.parquet", OrdersSql({Order(1, "2025-01-01 00:00:00", "loaded")}));
  ASSERT_TRUE(Load(Merge({file})).has_value());
  // Someone edits the target; re-applying the file would undo the edit.
  ASSERT_THAT(Rows("UPDATE orders SET status = 'edited' RETURNING id"), ElementsAre(ElementsAre("1")));

  Result<LoadResult> again = Load(Merge({file}));

  ASSERT_TRUE(again.has_value()) << again.error().ToString();
  EXPECT_THAT(again->loaded_keys, IsEmpty());
  EXPECT_THAT(again->already_loaded_keys, ElementsAre(file.key));
  EXPECT_EQ(again->rows_in_files, 0);
  EXPECT_THAT(again->ddl, IsEmpty());
  EXPECT_THAT(Orders(), ElementsAre(ElementsAre("1", "edited")));
  EXPECT_THAT(LedgerKeys(), ElementsAre(file.key));
}

TEST_F(DuckDbLoadTest, ReplaceSwapsInTheNewContents) {
  StagedFile old_copy = Stage(
      "full/run1.parquet", OrdersSql({Order(1, "2025-01-01 00:00:00", "old"), Order(2, "2025-01-01 00:00:00", "old")}));
  ASSERT_TRUE(Load(Request(OrdersSchema(), LoadMode::kReplace, {old_copy})).has_value());
  ASSERT_THAT(Orders(), ElementsAre(ElementsAre("1", "old"), ElementsAre("2", "old")));
  // The second full copy has other rows, in two files, and one column fewer.
  auto narrower = MakeSchema(
      {MakeField("id", DataType::Of(TypeId::kInt64), false), MakeField("status", DataType::Of(TypeId::kString))});
  StagedFile part1 = Stage("full/run2_1.parquet", "SELECT 3::BIGINT AS id, 'new' AS status");
  StagedFile part2 = Stage("full/run2_2.parquet", "SELECT 4::BIGINT AS id, 'new' AS status");

  Result<LoadResult> replaced = Load(Request(narrower, LoadMode::kReplace, {part1, part2}));

  ASSERT_TRUE(replaced.has_value()) << replaced.error().ToString();
  EXPECT_EQ(replaced->rows_written, 2);
  EXPECT_THAT(replaced->ddl, ElementsAre("CREATE TABLE \"main\".\"orders__sluice_new\" (\"id\" BIGINT NOT NULL, "
                                         "\"status\" VARCHAR)",
                                         "DROP TABLE IF EXISTS \"main\".\"orders\"",
                                         "ALTER TABLE \"main\".\"orders__sluice_new\" RENAME TO \"orders\""));
  EXPECT_THAT(Orders(), ElementsAre(ElementsAre("3", "new"), ElementsAre("4", "new")));
  EXPECT_THAT(Rows("SELECT table_name FROM duckdb_tables() ORDER BY table_name"),
              ElementsAre(ElementsAre("_sluice_loaded_files"), ElementsAre("orders")));
  EXPECT_THAT(LedgerKeys(), ElementsAre(old_copy.key, part1.key, part2.key));
}

TEST_F(DuckDbLoadTest, AFailedReplaceKeepsTheOldTable) {
  StagedFile old_copy = Stage("full/run1.parquet", OrdersSql({Order(1, "2025-01-01 00:00:00", "old")}));
  ASSERT_TRUE(Load(Request(OrdersSchema(), LoadMode::kReplace, {old_copy})).has_value());
  StagedFile part1 = Stage("full/run2_1.parquet", OrdersSql({Order(2, "2025-01-01 00:00:00", "new")}));
  StagedFile broken = StageBytes("full/run2_2.parquet", "PAR1 garbage");

  Result<LoadResult> replaced = Load(Request(OrdersSchema(), LoadMode::kReplace, {part1, broken}));

  ASSERT_FALSE(replaced.has_value());
  EXPECT_THAT(Orders(), ElementsAre(ElementsAre("1", "old")));
  EXPECT_THAT(Rows("SELECT table_name FROM duckdb_tables() ORDER BY table_name"),
              ElementsAre(ElementsAre("_sluice_loaded_files"), ElementsAre("orders")));
  EXPECT_THAT(LedgerKeys(), ElementsAre(old_copy.key));
}

TEST_F(DuckDbLoadTest, ReplaceOfFilesAlreadyLoadedIsANoOp) {
  StagedFile copy = Stage("full/run1.parquet", OrdersSql({Order(1, "2025-01-01 00:00:00", "old")}));
  ASSERT_TRUE(Load(Request(OrdersSchema(), LoadMode::kReplace, {copy})).has_value());
  ASSERT_THAT(Rows("INSERT INTO orders VALUES (9, NULL, 'added later') RETURNING id"), ElementsAre(ElementsAre("9")));

  Result<LoadResult> again = Load(Request(OrdersSchema(), LoadMode::kReplace, {copy}));

  ASSERT_TRUE(again.has_value()) << again.error().ToString();
  EXPECT_THAT(again->already_loaded_keys, ElementsAre(copy.key));
  EXPECT_THAT(again->ddl, IsEmpty());
  EXPECT_THAT(Orders(), ElementsAre(ElementsAre("1", "old"), ElementsAre("9", "added later")));
}

TEST_F(DuckDbLoadTest, FilesOfANonLocalStoreAreStreamedNeverReadWhole) {
  store_ = std::make_unique<DirectoryStore>(store_->PathOf(""), /*locate_as_local=*/false);
  StagedFile first = Stage("k/1.parquet", OrdersSql({Order(1, "2025-01-01 00:00:00", "a")}));
  StagedFile second = Stage("k/2.parquet", OrdersSql({Order(1, "2025-01-02 00:00:00", "b")}));

  Result<LoadResult> loaded = Load(Merge({first, second}));

  ASSERT_TRUE(loaded.has_value()) << loaded.error().ToString();
  EXPECT_EQ(store_->stream_reads(), 2);
  EXPECT_EQ(store_->get_calls(), 0);  // a staged file can be 128 MB: never one string
  EXPECT_THAT(Orders(), ElementsAre(ElementsAre("1", "b")));
}

TEST_F(DuckDbLoadTest, PartitionSegmentsOfStagedKeysDoNotBecomeColumns) {
  // The staged layout (SPEC §4) looks like hive partitioning to read_parquet; a source column named like a
  // segment ("year") must keep its own values.
  auto schema = MakeSchema(
      {MakeField("id", DataType::Of(TypeId::kInt64), false), MakeField("year", DataType::Of(TypeId::kInt32))}, {"id"});
  StagedFile merged = Stage("incremental/year=2025/month=11/day=28/hour=14/orders_batch_0001.parquet",
                            "SELECT 1::BIGINT AS id, 1999 AS year");
  StagedFile appended = Stage("incremental/year=2025/month=11/day=28/hour=15/orders_batch_0001.parquet",
                              "SELECT 2::BIGINT AS id, 2001 AS year");

  Result<LoadResult> first = Load(Request(schema, LoadMode::kMerge, {merged}));
  Result<LoadResult> second = Load(Request(schema, LoadMode::kAppend, {appended}));

  ASSERT_TRUE(first.has_value()) << first.error().ToString();
  ASSERT_TRUE(second.has_value()) << second.error().ToString();
  EXPECT_THAT(TableRows("*", "id"), ElementsAre(ElementsAre("1", "1999"), ElementsAre("2", "2001")));
}

TEST_F(DuckDbLoadTest, GlobCharactersInStagedPathsAreReadLiterally) {
  // '[' and '*' are patterns to read_parquet; a sibling file that the pattern would match must not be read.
  StagedFile odd = Stage("k/table=o[1]/orders*.parquet", OrdersSql({Order(1, "2025-01-01 00:00:00", "odd")}));
  Stage("k/table=o1/orders_other.parquet", OrdersSql({Order(2, "2025-01-01 00:00:00", "other")}));

  Result<LoadResult> loaded = Load(Request(OrdersSchema(), LoadMode::kAppend, {odd}));

  ASSERT_TRUE(loaded.has_value()) << loaded.error().ToString();
  EXPECT_THAT(Orders(), ElementsAre(ElementsAre("1", "odd")));
}

TEST_F(DuckDbLoadTest, AConfiguredKeyTwiceAmongOneRunsRowsIsRefusedAsNotUnique) {
  // The source's own key is (id, status) here; the configured merge key (id) is the user's claim.
  SchemaPtr schema = MakeSchema(OrdersSchema()->fields, {"id", "status"});
  // Run 1 read id 7 twice (two source rows share the configured key); run 2 updating id 1 is an ordinary merge.
  StagedFile first = Stage("k/1.parquet", OrdersSql({Order(1, "2025-01-01 00:00:00", "a"),
                                                     Order(7, "2025-01-01 00:00:00", "seven")}));
  StagedFile second = Stage("k/2.parquet", OrdersSql({Order(7, "2025-01-01 00:00:01", "other seven")}));
  StagedFile later = Stage("k/3.parquet", OrdersSql({Order(1, "2025-01-02 00:00:00", "b")}));
  first.run_id = second.run_id = "sync_1";
  later.run_id = "sync_2";
  LoadRequest request = Request(schema, LoadMode::kMerge, {first, second, later});
  request.primary_key = {"id"};
  request.order_columns = {"updated_at"};

  Result<LoadResult> loaded = Load(request);

  ASSERT_FALSE(loaded.has_value());
  EXPECT_EQ(loaded.error().code(), StatusCode::kDataError);
  EXPECT_THAT(loaded.error().message(), HasSubstr("2 rows read by one run share the configured primary key (id = 7)"));
  EXPECT_THAT(loaded.error().message(), HasSubstr(first.key));
  EXPECT_THAT(LedgerKeys(), IsEmpty());

  // The same rows from different runs are updates of one row: the latest wins.
  request.files[1].run_id = "sync_0";
  ASSERT_TRUE(Load(request).has_value());
  EXPECT_THAT(Orders(), ElementsAre(ElementsAre("1", "b"), ElementsAre("7", "other seven")));
}

TEST_F(DuckDbLoadTest, TheSourcesOwnKeyTwiceInOneRunIsARowUpdatedWhileTheRunReadAndTheLatestWins) {
  StagedFile file = Stage("k/1.parquet", OrdersSql({Order(7, "2025-01-01 00:00:00", "before"),
                                                    Order(8, "2025-01-01 00:00:01", "eight"),
                                                    Order(7, "2025-01-01 00:00:02", "after")}));
  file.run_id = "sync_1";
  ASSERT_TRUE(Load(Merge({file})).has_value());
  EXPECT_THAT(Orders(), ElementsAre(ElementsAre("7", "after"), ElementsAre("8", "eight")));
}

TEST_F(DuckDbLoadTest, AFileWhoseRowCountDiffersFromStagingIsRefused) {
  StagedFile file = Stage("k/1.parquet", OrdersSql({Order(1, "2025-01-01 00:00:00", "a")}));
  file.rows = 5;

  Result<LoadResult> loaded = Load(Merge({file}));

  ASSERT_FALSE(loaded.has_value());
  EXPECT_EQ(loaded.error().code(), StatusCode::kDataError);
  EXPECT_THAT(loaded.error().message(), HasSubstr("holds 1 rows but was staged with 5"));
  EXPECT_THAT(LedgerKeys(), IsEmpty());
}

TEST_F(DuckDbLoadTest, BadRequestsAreRefusedBeforeAnythingIsRead) {
  StagedFile file = Stage("k/1.parquet", OrdersSql({Order(1, "2025-01-01 00:00:00", "a")}));
  LoadRequest no_key = Merge({file});
  no_key.primary_key.clear();
  LoadRequest unknown_order = Merge({file});
  unknown_order.order_columns = {"changed_at"};
  LoadRequest twice = Merge({file, file});

  EXPECT_EQ(Load(no_key).error().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(Load(unknown_order).error().message(), HasSubstr("\"changed_at\""));
  EXPECT_THAT(Load(twice).error().message(), HasSubstr("listed twice"));
  EXPECT_THAT(LedgerKeys(), IsEmpty());
}

TEST_F(DuckDbLoadTest, ARequestWithoutFilesDoesNothing) {
  Result<LoadResult> loaded = Load(Merge({}));

  ASSERT_TRUE(loaded.has_value()) << loaded.error().ToString();
  EXPECT_THAT(loaded->ddl, IsEmpty());
  EXPECT_THAT(Rows("SELECT count(*) FROM duckdb_tables()"), ElementsAre(ElementsAre("0")));
}

}  // namespace
}  // namespace sluice::target::testing_util
