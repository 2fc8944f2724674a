// Conformance: what every target does with row files (target.h): create
// the table, take every type, merge/append/replace, keep the ledger so a
// file is applied once, order a key's rows by file then `_seq`, take an
// added column, and apply a set of files all or nothing.
#include <fmt/format.h>
#include <gmock/gmock.h>

#include <filesystem>

#include "target_conformance.h"

namespace sluice::target::conformance {
namespace {

using testing_util::MakeField;
using testing_util::MakeSchema;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

// orders(id BIGINT NOT NULL, updated_at TIMESTAMP, status VARCHAR), merged by id, latest by updated_at.
SchemaPtr OrdersSchema() {
  return MakeSchema(
      {MakeField("id", DataType::Of(TypeId::kInt64), false), MakeField("updated_at", DataType::Of(TypeId::kTimestamp)),
       MakeField("status", DataType::Of(TypeId::kString))},
      {"id"});
}

// An orders row: updated_at is `day` days after 2025-01-01 (as microseconds).
std::vector<Cell> Order(int64_t id, int64_t day, const std::string& status) {
  return {std::to_string(id), std::to_string((1735689600 + day * 86400) * 1000000), status};
}

// `request` with its rows' latest taken by updated_at.
LoadRequest LatestByUpdatedAt(LoadRequest request) {
  request.order_columns = {"updated_at"};
  return request;
}

enum class BadFile { kMissing, kCorrupt, kTruncated, kOtherRowCount };

}  // namespace

TEST_P(TargetConformance, TheFirstLoadCreatesTheTableAndRecordsEveryFile) {
  StagedFile first = StageRows("incremental/a.parquet", OrdersSchema(), {Order(1, 0, "new")});
  StagedFile second = StageRows("incremental/b.parquet", OrdersSchema(), {Order(2, 0, "paid")});
  EXPECT_EQ(*target().CountRows("orders"), 0);
  LoadRequest request = Request(OrdersSchema(), LoadMode::kMerge, {first, second});
  request.order_columns = {"updated_at"};

  Result<LoadResult> loaded = Load(request);

  ASSERT_TRUE(loaded.has_value()) << loaded.error().ToString();
  EXPECT_EQ(loaded->rows_in_files, 2);
  EXPECT_EQ(loaded->rows_written, 2);
  EXPECT_THAT(loaded->loaded_keys, ElementsAre(first.key, second.key));
  EXPECT_THAT(loaded->already_loaded_keys, IsEmpty());
  EXPECT_THAT(Columns(), ElementsAre("id", "updated_at", "status"));  // `_seq` is read, never loaded
  EXPECT_THAT(Read({"id", "updated_at", "status"}, {"id"}),
              ElementsAre(ElementsAre("1", "2025-01-01 00:00:00", "new"), ElementsAre("2", "2025-01-01 00:00:00", "paid")));
  EXPECT_EQ(*target().CountRows("orders"), 2);
  EXPECT_THAT(*target().LoadedFiles("p", "shop.orders"), ElementsAre(first.key, second.key));
  EXPECT_THAT(*target().LoadedFiles("p", "shop.other"), IsEmpty());
  EXPECT_THAT(*target().PlanDdl(request), IsEmpty());
}

TEST_P(TargetConformance, EveryTypeRoundTripsAtItsExtremes) {
  auto schema = MakeSchema({MakeField("id", DataType::Of(TypeId::kInt32), false),
                            MakeField("flag", DataType::Of(TypeId::kBoolean)),
                            MakeField("big", DataType::Of(TypeId::kInt64)),
                            MakeField("unsigned_big", DataType::Of(TypeId::kUInt64)),
                            MakeField("ratio", DataType::Of(TypeId::kFloat64)),
                            MakeField("amount", DataType{TypeId::kDecimal, 18, 2}),
                            MakeField("day", DataType::Of(TypeId::kDate)),
                            MakeField("at", DataType::Of(TypeId::kTimestamp)),
                            MakeField("instant", DataType::Of(TypeId::kTimestampTz)),
                            MakeField("text", DataType::Of(TypeId::kString))},
                           {"id"});
  StagedFile file = StageRows(
      "k/types.parquet", schema,
      {{"-2147483648", "true", "-9223372036854775808", "18446744073709551615", "0.5", "-1234", "20119",
        "1738326896789012", "1738326896789012", "héllo ✓ \"quoted\""},
       {"2147483647", "false", "9223372036854775807", "0", "-1e+300", "99999999999999999", "-719162", "0", "0", ""},
       {"0", std::nullopt, std::nullopt, std::nullopt, std::nullopt, std::nullopt, std::nullopt, std::nullopt,
        std::nullopt, std::nullopt}});

  ASSERT_TRUE(Load(Request(schema, LoadMode::kMerge, {file})).has_value());

  EXPECT_THAT(Read({"id", "flag", "big", "unsigned_big", "ratio", "amount", "day", "at", "instant", "text"}, {"id"}),
              ElementsAre(ElementsAre("-2147483648", "true", "-9223372036854775808", "18446744073709551615", "0.5",
                                      "-12.34", "2025-01-31", "2025-01-31 12:34:56.789012",
                                      "2025-01-31 12:34:56.789012+00", "héllo ✓ \"quoted\""),
                          ElementsAre("0", "NULL", "NULL", "NULL", "NULL", "NULL", "NULL", "NULL", "NULL", "NULL"),
                          ElementsAre("2147483647", "false", "9223372036854775807", "0", "-1e+300",
                                      "999999999999999.99", "0001-01-01", "1970-01-01 00:00:00",
                                      "1970-01-01 00:00:00+00", "")));
}

TEST_P(TargetConformance, MergeKeepsTheLatestRowOfEachKeyByOrderColumnsThenFileThenSeq) {
  LoadRequest first_load = Request(OrdersSchema(), LoadMode::kMerge,
                                   {StageRows("k/0.parquet", OrdersSchema(), {Order(1, 0, "v0"), Order(4, 0, "untouched")})});
  first_load.order_columns = {"updated_at"};
  ASSERT_TRUE(Load(first_load).has_value());
  // Across files: id 1 is newer in the second file; id 2's row there is OLDER and loses; id 3: newest row first.
  StagedFile first = StageRows("k/1.parquet", OrdersSchema(),
                               {Order(1, 1, "v1"), Order(2, 5, "newest"), Order(3, 0, "three-old")});
  StagedFile second = StageRows("k/2.parquet", OrdersSchema(),
                                {Order(1, 2, "v2"), Order(2, 4, "older"), Order(3, 8, "three-new"),
                                 Order(3, 1, "three-mid")});
  LoadRequest request = Request(OrdersSchema(), LoadMode::kMerge, {first, second});
  request.order_columns = {"updated_at"};

  Result<LoadResult> loaded = Load(request);

  ASSERT_TRUE(loaded.has_value()) << loaded.error().ToString();
  EXPECT_EQ(loaded->rows_in_files, 7);
  EXPECT_EQ(loaded->rows_written, 3);
  EXPECT_THAT(Read({"id", "status"}, {"id"}), ElementsAre(ElementsAre("1", "v2"), ElementsAre("2", "newest"),
                                                         ElementsAre("3", "three-new"), ElementsAre("4", "untouched")));
}

TEST_P(TargetConformance, MergeIntoANewTableKeepsTheNewestRowOfEachRepeatedKeyAndEveryOtherRow) {
  // Key 2 repeats within the first file (newest first), key 1 within and across files; 3 and 4 appear once.
  StagedFile first =
      StageRows("k/1.parquet", OrdersSchema(),
                {Order(1, 0, "one-old"), Order(2, 5, "two-newest"), Order(3, 0, "three"), Order(2, 1, "two-old")});
  StagedFile second = StageRows("k/2.parquet", OrdersSchema(),
                                {Order(1, 3, "one-newest"), Order(4, 0, "four"), Order(1, 2, "one-mid")});
  Result<LoadResult> loaded = Load(LatestByUpdatedAt(Request(OrdersSchema(), LoadMode::kMerge, {first, second})));

  ASSERT_TRUE(loaded.has_value()) << loaded.error().ToString();
  EXPECT_EQ(loaded->rows_in_files, 7);
  EXPECT_EQ(loaded->rows_written, 4);
  EXPECT_THAT(
      Read({"id", "updated_at", "status"}, {"id"}),
      ElementsAre(ElementsAre("1", "2025-01-04 00:00:00", "one-newest"),
                  ElementsAre("2", "2025-01-06 00:00:00", "two-newest"),
                  ElementsAre("3", "2025-01-01 00:00:00", "three"), ElementsAre("4", "2025-01-01 00:00:00", "four")));
  EXPECT_EQ(*target().CountRows("orders"), 4);
}

TEST_P(TargetConformance, MergeOfFilesEachInKeyOrderThatShareAKeyKeepsItsNewestRow) {
  // Each file's keys increase (as a keyset read stages them); the files' key ranges touch at 3 and overlap at 7.
  StagedFile first = StageRows("k/1.parquet", OrdersSchema(),
                               {Order(1, 0, "one"), Order(3, 0, "three-old"), Order(7, 9, "seven-newest")});
  StagedFile second =
      StageRows("k/2.parquet", OrdersSchema(),
                {Order(3, 1, "three-new"), Order(5, 0, "five"), Order(7, 1, "seven-old"), Order(8, 0, "eight")});
  Result<LoadResult> loaded = Load(LatestByUpdatedAt(Request(OrdersSchema(), LoadMode::kMerge, {first, second})));

  ASSERT_TRUE(loaded.has_value()) << loaded.error().ToString();
  EXPECT_EQ(loaded->rows_written, 5);
  EXPECT_THAT(Read({"id", "status"}, {"id"}),
              ElementsAre(ElementsAre("1", "one"), ElementsAre("3", "three-new"), ElementsAre("5", "five"),
                          ElementsAre("7", "seven-newest"), ElementsAre("8", "eight")));
}

TEST_P(TargetConformance, MergeWithoutRepeatedKeysReplacesTheRowsOfItsKeysAndLeavesTheOthers) {
  StagedFile loaded_before =
      StageRows("k/0.parquet", OrdersSchema(), {Order(1, 0, "one"), Order(2, 0, "two"), Order(3, 0, "three")});
  ASSERT_TRUE(Load(LatestByUpdatedAt(Request(OrdersSchema(), LoadMode::kMerge, {loaded_before}))).has_value());
  // Each key once: 2 is changed (to an OLDER cursor value: the file's row still wins over the table's), 5 is new.
  StagedFile changes = StageRows("k/1.parquet", OrdersSchema(), {Order(5, 1, "five")});
  StagedFile more = StageRows("k/2.parquet", OrdersSchema(), {Order(2, -1, "two-changed")});
  Result<LoadResult> loaded = Load(LatestByUpdatedAt(Request(OrdersSchema(), LoadMode::kMerge, {changes, more})));

  ASSERT_TRUE(loaded.has_value()) << loaded.error().ToString();
  EXPECT_EQ(loaded->rows_in_files, 2);
  EXPECT_EQ(loaded->rows_written, 2);
  EXPECT_THAT(
      Read({"id", "updated_at", "status"}, {"id"}),
      ElementsAre(ElementsAre("1", "2025-01-01 00:00:00", "one"),
                  ElementsAre("2", "2024-12-31 00:00:00", "two-changed"),
                  ElementsAre("3", "2025-01-01 00:00:00", "three"), ElementsAre("5", "2025-01-02 00:00:00", "five")));
}

TEST_P(TargetConformance, MergeIntoAnEmptyExistingTableDeduplicatesAsIntoANewOne) {
  // A run that staged no rows leaves the table created and empty.
  LoadRequest empty_load = Request(OrdersSchema(), LoadMode::kMerge, {StageRows("k/0.parquet", OrdersSchema(), {})});
  ASSERT_TRUE(Load(empty_load).has_value());
  ASSERT_THAT(Columns(), ElementsAre("id", "updated_at", "status"));
  StagedFile first = StageRows("k/1.parquet", OrdersSchema(), {Order(1, 2, "one-newest"), Order(2, 0, "two")});
  StagedFile second = StageRows("k/2.parquet", OrdersSchema(), {Order(1, 1, "one-old"), Order(3, 0, "three")});
  Result<LoadResult> loaded = Load(LatestByUpdatedAt(Request(OrdersSchema(), LoadMode::kMerge, {first, second})));

  ASSERT_TRUE(loaded.has_value()) << loaded.error().ToString();
  EXPECT_EQ(loaded->rows_written, 3);
  EXPECT_THAT(Read({"id", "status"}, {"id"}),
              ElementsAre(ElementsAre("1", "one-newest"), ElementsAre("2", "two"), ElementsAre("3", "three")));
}

TEST_P(TargetConformance, MergeTiesAreBrokenByLaterFileThenHigherSeqNotByPlaceInTheFile) {
  auto with_seq = std::make_shared<Schema>(*OrdersSchema());
  with_seq->fields.push_back(MakeField("_seq", DataType::Of(TypeId::kInt64), false));
  auto row = [](int64_t id, const char* status, int64_t seq) {
    std::vector<Cell> cells = Order(id, 0, status);
    cells.push_back(std::to_string(seq));
    return cells;
  };
  // `_seq` runs against the rows' places in the file: only `_seq` gives these winners.
  // Listed first although its key sorts last: the position in the request decides, not the name.
  StagedFile earlier = StageRows("k/z.parquet", with_seq,
                                 {row(1, "earlier-file", 0), row(2, "seq-2", 2), row(2, "seq-1", 1),
                                  row(3, "seq-4", 4), row(3, "seq-3", 3)},
                                 /*with_seq=*/false);
  StagedFile later = StageRows("k/a.parquet", with_seq, {row(1, "later-file", 0)}, /*with_seq=*/false);
  LoadRequest request = Request(OrdersSchema(), LoadMode::kMerge, {earlier, later});
  request.order_columns = {"updated_at"};  // equal everywhere

  ASSERT_TRUE(Load(request).has_value());

  EXPECT_THAT(Read({"id", "status"}, {"id"}),
              ElementsAre(ElementsAre("1", "later-file"), ElementsAre("2", "seq-2"), ElementsAre("3", "seq-4")));
  EXPECT_THAT(Columns(), ElementsAre("id", "updated_at", "status"));
}

TEST_P(TargetConformance, FilesStagedWithoutSeqMergeWithNewerFilesByFileThenRow) {
  // Waiting across an upgrade: written before `_seq`; its rows are ordered by their place in the file.
  StagedFile old_file = StageRows("k/old.parquet", OrdersSchema(),
                                  {Order(1, 0, "old-file"), Order(2, 0, "row-0"), Order(2, 0, "row-1"),
                                   Order(3, 0, "old")},
                                  /*with_seq=*/false);
  StagedFile new_file = StageRows("k/new.parquet", OrdersSchema(),
                                  {Order(1, 0, "new-file"), Order(4, 0, "first"), Order(4, 0, "second")});

  ASSERT_TRUE(Load(Request(OrdersSchema(), LoadMode::kMerge, {old_file, new_file})).has_value());

  EXPECT_THAT(Read({"id", "status"}, {"id"}), ElementsAre(ElementsAre("1", "new-file"), ElementsAre("2", "row-1"),
                                                         ElementsAre("3", "old"), ElementsAre("4", "second")));
  EXPECT_THAT(Columns(), ElementsAre("id", "updated_at", "status"));
}

TEST_P(TargetConformance, AppendInsertsEveryRowAndReplaceSwapsInTheNewContents) {
  StagedFile twice = StageRows("k/1.parquet", OrdersSchema(), {Order(1, 0, "a"), Order(1, 0, "a")});
  StagedFile once = StageRows("k/2.parquet", OrdersSchema(), {Order(1, 1, "b")});
  ASSERT_TRUE(Load(Request(OrdersSchema(), LoadMode::kAppend, {twice})).has_value());
  Result<LoadResult> appended = Load(Request(OrdersSchema(), LoadMode::kAppend, {twice, once}));
  ASSERT_TRUE(appended.has_value()) << appended.error().ToString();
  EXPECT_EQ(appended->rows_written, 1);
  EXPECT_THAT(Read({"id", "status"}, {"status"}),
              ElementsAre(ElementsAre("1", "a"), ElementsAre("1", "a"), ElementsAre("1", "b")));
  EXPECT_THAT(Columns(), ElementsAre("id", "updated_at", "status"));
  // A full copy in two files with one column fewer replaces it all.
  auto narrower = MakeSchema(
      {MakeField("id", DataType::Of(TypeId::kInt64), false), MakeField("status", DataType::Of(TypeId::kString))});
  StagedFile part1 = StageRows("full/run2_1.parquet", narrower, {{"3", "new"}});
  StagedFile part2 = StageRows("full/run2_2.parquet", narrower, {{"4", "new"}});

  Result<LoadResult> replaced = Load(Request(narrower, LoadMode::kReplace, {part1, part2}));

  ASSERT_TRUE(replaced.has_value()) << replaced.error().ToString();
  EXPECT_EQ(replaced->rows_written, 2);
  EXPECT_THAT(Read({"id", "status"}, {"id"}), ElementsAre(ElementsAre("3", "new"), ElementsAre("4", "new")));
  EXPECT_THAT(Columns(), ElementsAre("id", "status"));
  EXPECT_THAT(*target().LoadedFiles("p", "shop.orders"), ElementsAre(part1.key, part2.key, twice.key, once.key));
}

TEST_P(TargetConformance, FilesInTheLedgerAreNeverAppliedAgainEvenByANewConnection) {
  StagedFile first = StageRows("k/1.parquet", OrdersSchema(), {Order(1, 0, "first")});
  StagedFile second = StageRows("k/2.parquet", OrdersSchema(), {Order(2, 0, "second")});
  ASSERT_TRUE(Load(Request(OrdersSchema(), LoadMode::kAppend, {first})).has_value());
  // What a run that crashed after the commit leaves: the next process finds the file in the ledger.
  backend_->Reopen();
  EXPECT_THAT(*target().LoadedFiles("p", "shop.orders"), ElementsAre(first.key));

  Result<LoadResult> loaded = Load(Request(OrdersSchema(), LoadMode::kAppend, {first, second}));
  Result<LoadResult> again = Load(Request(OrdersSchema(), LoadMode::kAppend, {first, second}));

  ASSERT_TRUE(loaded.has_value()) << loaded.error().ToString();
  EXPECT_THAT(loaded->loaded_keys, ElementsAre(second.key));
  EXPECT_THAT(loaded->already_loaded_keys, ElementsAre(first.key));
  EXPECT_EQ(loaded->rows_in_files, 1);
  ASSERT_TRUE(again.has_value()) << again.error().ToString();
  EXPECT_THAT(again->loaded_keys, IsEmpty());
  EXPECT_THAT(again->already_loaded_keys, ElementsAre(first.key, second.key));
  EXPECT_THAT(again->ddl, IsEmpty());
  EXPECT_THAT(Read({"id", "status"}, {"id"}), ElementsAre(ElementsAre("1", "first"), ElementsAre("2", "second")));
  // The ledger is per pipeline and source table.
  LoadRequest other_pipeline = Request(OrdersSchema(), LoadMode::kAppend, {first});
  other_pipeline.pipeline = "q";
  other_pipeline.target_table = "orders_q";
  ASSERT_TRUE(Load(other_pipeline).has_value());
  EXPECT_THAT(*target().LoadedFiles("q", "shop.orders"), ElementsAre(first.key));
}

TEST_P(TargetConformance, AnAddedSourceColumnIsAddedAndOlderRowsAndFilesReadNull) {
  StagedFile before = StageRows("k/1.parquet", OrdersSchema(), {Order(1, 0, "old")});
  ASSERT_TRUE(Load(Request(OrdersSchema(), LoadMode::kMerge, {before})).has_value());
  auto wider = std::make_shared<Schema>(*OrdersSchema());
  wider->fields.push_back(MakeField("note", DataType::Of(TypeId::kString)));
  StagedFile after = StageRows("k/2.parquet", wider, {{"2", "0", "new", "noted"}});
  // Staged before the column was added, loaded with a file staged after it.
  StagedFile older = StageRows("k/1b.parquet", OrdersSchema(), {Order(3, 0, "older")});

  Result<std::vector<std::string>> planned = target().PlanDdl(Request(wider, LoadMode::kMerge, {after}));
  Result<LoadResult> loaded = Load(Request(wider, LoadMode::kMerge, {before, older, after}));

  ASSERT_TRUE(planned.has_value()) << planned.error().ToString();
  EXPECT_EQ(planned->size(), 1u);
  ASSERT_TRUE(loaded.has_value()) << loaded.error().ToString();
  EXPECT_EQ(loaded->ddl, *planned);
  EXPECT_THAT(Columns(), ElementsAre("id", "updated_at", "status", "note"));
  EXPECT_THAT(Read({"id", "status", "note"}, {"id"}),
              ElementsAre(ElementsAre("1", "old", "NULL"), ElementsAre("2", "new", "noted"),
                          ElementsAre("3", "older", "NULL")));
}

TEST_P(TargetConformance, ABadFileInTheSetLeavesTableColumnsAndLedgerUnchanged) {
  for (BadFile bad_kind : {BadFile::kMissing, BadFile::kCorrupt, BadFile::kTruncated, BadFile::kOtherRowCount}) {
    SCOPED_TRACE(static_cast<int>(bad_kind));
    const std::string prefix = fmt::format("k{}/", static_cast<int>(bad_kind));
    LoadRequest initial = Request(OrdersSchema(), LoadMode::kMerge,
                                  {StageRows(prefix + "0.parquet", OrdersSchema(), {Order(1, 0, "before")})});
    initial.target_table = fmt::format("orders_{}", static_cast<int>(bad_kind));
    initial.source_table = initial.target_table;
    ASSERT_TRUE(Load(initial).has_value());
    StagedFile good = StageRows(prefix + "1.parquet", OrdersSchema(), {Order(1, 1, "after"), Order(2, 1, "new")});
    StagedFile bad{prefix + "2.parquet", 0, 0, ""};
    if (bad_kind == BadFile::kCorrupt) bad = StageBytes(bad.key, "this is not a parquet file at all");
    if (bad_kind == BadFile::kTruncated || bad_kind == BadFile::kOtherRowCount) {
      bad = StageRows(bad.key, OrdersSchema(), {Order(3, 1, "x")});
      if (bad_kind == BadFile::kTruncated) std::filesystem::resize_file(store_->PathOf(bad.key), bad.bytes / 2);
      if (bad_kind == BadFile::kOtherRowCount) bad.rows = 5;
    }
    StagedFile last = StageRows(prefix + "3.parquet", OrdersSchema(), {Order(4, 1, "new")});
    // The load would also add a column: the DDL must roll back with the rest.
    auto wider = std::make_shared<Schema>(*OrdersSchema());
    wider->fields.push_back(MakeField("note", DataType::Of(TypeId::kString)));
    LoadRequest request = initial;
    request.schema = wider;
    request.files = {good, bad, last};

    Result<LoadResult> loaded = Load(request);

    ASSERT_FALSE(loaded.has_value());
    EXPECT_THAT(loaded.error().message(), HasSubstr(bad.key));
    EXPECT_THAT(Read({"id", "status"}, {"id"}, initial.target_table), ElementsAre(ElementsAre("1", "before")));
    EXPECT_THAT(Columns(initial.target_table), ElementsAre("id", "updated_at", "status"));
    EXPECT_THAT(*target().LoadedFiles("p", initial.source_table), ElementsAre(initial.files[0].key));
    // The target stays usable: the same load succeeds once the file is good.
    bad = StageRows(bad.key, OrdersSchema(), {Order(3, 1, "fixed")});
    request.files = {good, bad, last};
    ASSERT_TRUE(Load(request).has_value());
    EXPECT_THAT(Read({"id", "status"}, {"id"}, initial.target_table),
                ElementsAre(ElementsAre("1", "after"), ElementsAre("2", "new"), ElementsAre("3", "fixed"),
                            ElementsAre("4", "new")));
  }
}

TEST_P(TargetConformance, RowsWithANullKeyAreRefusedNamingTheColumnAndTheFile) {
  StagedFile file = StageRows("k/1.parquet", OrdersSchema(), {Order(1, 0, "ok")});
  auto nullable_key = MakeSchema({MakeField("id", DataType::Of(TypeId::kInt64)),
                                  MakeField("updated_at", DataType::Of(TypeId::kTimestamp)),
                                  MakeField("status", DataType::Of(TypeId::kString))},
                                 {"id"});
  StagedFile null_key = StageRows("k/2.parquet", nullable_key, {{std::nullopt, "0", "no key"}});

  Result<LoadResult> loaded = Load(Request(nullable_key, LoadMode::kMerge, {file, null_key}));

  ASSERT_FALSE(loaded.has_value());
  EXPECT_EQ(loaded.error().code(), StatusCode::kDataError);
  EXPECT_THAT(loaded.error().message(), HasSubstr("\"id\""));
  EXPECT_THAT(loaded.error().message(), HasSubstr(null_key.key));
  EXPECT_THAT(*target().LoadedFiles("p", "shop.orders"), IsEmpty());
}

TEST_P(TargetConformance, ASourceColumnNamedLikeAMetadataColumnIsRefused) {
  auto with_op = std::make_shared<Schema>(*OrdersSchema());
  with_op->fields.push_back(MakeField("_Op", DataType::Of(TypeId::kString)));
  LoadRequest request =
      Request(with_op, LoadMode::kMerge, {StageRows("k/1.parquet", OrdersSchema(), {Order(1, 0, "a")})});

  Result<LoadResult> loaded = Load(request);
  Result<std::vector<std::string>> planned = target().PlanDdl(request);

  ASSERT_FALSE(loaded.has_value());
  EXPECT_EQ(loaded.error().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(loaded.error().message(),
              HasSubstr("table shop.orders: column \"_Op\" has the name of a column sluice writes itself"));
  ASSERT_FALSE(planned.has_value());
  EXPECT_EQ(planned.error(), loaded.error());
  EXPECT_THAT(*target().LoadedFiles("p", "shop.orders"), IsEmpty());
}

}  // namespace sluice::target::conformance
