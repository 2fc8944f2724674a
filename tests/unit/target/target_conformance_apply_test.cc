// Conformance: change files applied by each ApplyMode (target.h, SPEC §8),
// on one fixed sequence of changes loaded in three loads: inserts, updates,
// deletes, a re-insert of a deleted key, several changes of one key in one
// load and in one transaction, and deletes of keys the table never held.
#include <fmt/format.h>
#include <gmock/gmock.h>

#include "target_conformance.h"

namespace sluice::target::conformance {
namespace {

using testing_util::MakeField;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

// The source table: customers(id BIGINT NOT NULL, name VARCHAR), keyed by id.
SchemaPtr CustomerSchema() {
  return testing_util::MakeSchema(
      {MakeField("id", DataType::Of(TypeId::kInt64), false), MakeField("name", DataType::Of(TypeId::kString))},
      {"id"});
}

// A change file's columns: the table's, then _op, _commit_ts (UTC), _tx, _seq.
SchemaPtr ChangeFileSchema() {
  auto schema = std::make_shared<Schema>(*CustomerSchema());
  schema->fields.push_back(MakeField("_op", DataType::Of(TypeId::kString), false));
  schema->fields.push_back(MakeField("_commit_ts", DataType::Of(TypeId::kTimestampTz), false));
  schema->fields.push_back(MakeField("_tx", DataType::Of(TypeId::kString)));
  schema->fields.push_back(MakeField("_seq", DataType::Of(TypeId::kInt64), false));
  return schema;
}

// How a TIMESTAMPTZ `second` reads back (TargetBackend::ReadTable).
std::string At(int64_t second) {
  return fmt::format("1970-01-01 00:{:02}:{:02}+00", second / 60, second % 60);
}

// The fixed sequence, in log order, as the three loads' files.
const ApplyConformance::ChangeLoad kLoad1 = {{
    {1, "I", 1, "a", 1},
    {2, "I", 2, "b", 2},
    {3, "U", 1, "a2", 3},     // a second change of key 1 in this load
    {4, "D", 9, "ghost", 4},  // a delete of a key never seen
    {5, "I", 3, "c", 5},
}};
const ApplyConformance::ChangeLoad kLoad2 = {
    {
        {6, "U", 2, "b2", 6},
        {7, "D", 3, "c", 7},
        {8, "I", 4, "d", 8},
    },
    {
        {9, "I", 3, "c-again", 9},  // re-insert of a deleted key, in the next file of the load
        {10, "D", 1, "a2", 10},
        {11, "D", 4, "d", 11},       // inserted and deleted in this load
        {12, "D", 8, "never", 12},  // a delete of a key never seen
    }};
const ApplyConformance::ChangeLoad kLoad3 = {{
    {13, "U", 2, "b3", 13},
    {14, "U", 2, "b4", 13},  // the same transaction: only its last image counts
}};

}  // namespace

StagedFile ApplyConformance::StageChanges(const std::string& key, const std::vector<Change>& changes) {
  std::vector<std::vector<Cell>> rows;
  for (const Change& change : changes) {
    rows.push_back({std::to_string(change.id), std::string(change.name), std::string(change.op),
                    std::to_string(change.commit_second * 1000000), fmt::format("tx{}", change.commit_second),
                    std::to_string(change.seq)});
  }
  return StageRows(key, ChangeFileSchema(), rows, /*with_seq=*/false);
}

LoadRequest ApplyConformance::Changes(ApplyMode apply, std::vector<StagedFile> files) {
  LoadRequest request = Request(CustomerSchema(), LoadMode::kMerge, std::move(files));
  request.apply = apply;
  return request;
}

std::vector<LoadResult> ApplyConformance::ApplyAll(ApplyMode apply, const std::vector<ChangeLoad>& loads) {
  std::vector<LoadResult> results;
  for (const ChangeLoad& load : loads) {
    std::vector<StagedFile> files;
    for (const auto& file : load) {
      files.push_back(StageChanges(fmt::format("changes/{}.parquet", ++file_number_), file));
    }
    Result<LoadResult> loaded = TargetConformance::Load(Changes(apply, files));
    EXPECT_TRUE(loaded.has_value()) << loaded.error().ToString();
    if (loaded.has_value()) results.push_back(*loaded);
  }
  return results;
}

namespace {

TEST_P(ApplyConformance, MergeKeepsEachKeysLatestImageAndDeletesKeysWhoseLatestChangeIsADelete) {
  ApplyAll(ApplyMode::kMerge, {kLoad1});
  EXPECT_THAT(Read({"id", "name"}, {"id"}),
              ElementsAre(ElementsAre("1", "a2"), ElementsAre("2", "b"), ElementsAre("3", "c")));

  ApplyAll(ApplyMode::kMerge, {kLoad2, kLoad3});

  EXPECT_THAT(Read({"id", "name"}, {"id"}), ElementsAre(ElementsAre("2", "b4"), ElementsAre("3", "c-again")));
  EXPECT_THAT(Columns(), ElementsAre("id", "name"));
}

TEST_P(ApplyConformance, SoftDeleteKeepsDeletedRowsWithTheirDeleteTimeAndAnInsertClearsIt) {
  ApplyAll(ApplyMode::kSoftDelete, {kLoad1, kLoad2});
  EXPECT_THAT(Read({"id", "name", "_deleted_at"}, {"id"}),
              ElementsAre(ElementsAre("1", "a2", At(10)), ElementsAre("2", "b2", "NULL"),
                          ElementsAre("3", "c-again", "NULL"), ElementsAre("4", "d", At(11))));

  ApplyAll(ApplyMode::kSoftDelete, {kLoad3});

  EXPECT_THAT(Read({"id", "name", "_deleted_at"}, {"id"}),
              ElementsAre(ElementsAre("1", "a2", At(10)), ElementsAre("2", "b4", "NULL"),
                          ElementsAre("3", "c-again", "NULL"), ElementsAre("4", "d", At(11))));
  EXPECT_THAT(Columns(), ElementsAre("id", "name", "_deleted_at"));
}

TEST_P(ApplyConformance, HistoryKeepsOneVersionPerChangeClosedByTheNextOne) {
  std::vector<LoadResult> results = ApplyAll(ApplyMode::kHistory, {kLoad1, kLoad2, kLoad3});

  ASSERT_EQ(results.size(), 3u);
  EXPECT_EQ(results[0].rows_written, 4);  // a, b, a2, c: a delete opens no version
  EXPECT_THAT(Read({"id", "name", "_valid_from", "_valid_to", "_is_current"}, {"id", "_valid_from"}),
              ElementsAre(ElementsAre("1", "a", At(1), At(3), "false"),
                          ElementsAre("1", "a2", At(3), At(10), "false"),
                          ElementsAre("2", "b", At(2), At(6), "false"),
                          ElementsAre("2", "b2", At(6), At(13), "false"),
                          ElementsAre("2", "b4", At(13), "NULL", "true"),
                          ElementsAre("3", "c", At(5), At(7), "false"),
                          ElementsAre("3", "c-again", At(9), "NULL", "true"),
                          ElementsAre("4", "d", At(8), At(11), "false")));
  EXPECT_THAT(Columns(), ElementsAre("id", "name", "_valid_from", "_valid_to", "_is_current"));
}

TEST_P(ApplyConformance, HistoryMakesOneVersionOfATransactionSplitAcrossLoads) {
  ApplyAll(ApplyMode::kHistory, {kLoad1, kLoad2});

  ApplyAll(ApplyMode::kHistory, {{{kLoad3[0][0]}}, {{kLoad3[0][1]}}});

  EXPECT_THAT(Read({"name", "_valid_from", "_valid_to", "_is_current"}, {"_valid_from"}, "orders").size(), 8u);
  EXPECT_THAT(Read({"id", "name", "_valid_from", "_valid_to", "_is_current"}, {"id", "_valid_from"}),
              ::testing::Contains(ElementsAre("2", "b4", At(13), "NULL", "true")));
  EXPECT_THAT(Read({"id", "name", "_valid_to"}, {"id", "_valid_from"}),
              ::testing::Contains(ElementsAre("2", "b2", At(13))));
}

TEST_P(ApplyConformance, ChangesAppendsEveryChangeRowWithItsMetadata) {
  ApplyAll(ApplyMode::kChanges, {kLoad1, kLoad2, kLoad3});

  TextRows rows = Read({"_seq", "_op", "id", "name", "_commit_ts", "_tx"}, {"_seq"});
  ASSERT_EQ(rows.size(), 14u);
  EXPECT_THAT(rows[0], ElementsAre("1", "I", "1", "a", At(1), "tx1"));
  EXPECT_THAT(rows[3], ElementsAre("4", "D", "9", "ghost", At(4), "tx4"));
  EXPECT_THAT(rows[11], ElementsAre("12", "D", "8", "never", At(12), "tx12"));
  EXPECT_THAT(rows[13], ElementsAre("14", "U", "2", "b4", At(13), "tx13"));
  EXPECT_THAT(Columns(), ElementsAre("id", "name", "_op", "_commit_ts", "_tx", "_seq"));
}

TEST_P(ApplyConformance, WithinALoadTheHigherSeqWinsWhateverTheRowsPlaceInTheFile) {
  // Written out of order: the file's second row is the later change.
  StagedFile file = StageChanges("changes/1.parquet", {{2, "U", 1, "later", 2}, {1, "I", 1, "earlier", 1}});

  ASSERT_TRUE(Load(Changes(ApplyMode::kMerge, {file})).has_value());

  EXPECT_THAT(Read({"id", "name"}, {"id"}), ElementsAre(ElementsAre("1", "later")));
}

TEST_P(ApplyConformance, AppliedChangeFilesAreRecordedAndNotAppliedTwice) {
  StagedFile file = StageChanges("changes/1.parquet", kLoad1[0]);
  ASSERT_TRUE(Load(Changes(ApplyMode::kChanges, {file})).has_value());

  Result<LoadResult> again = Load(Changes(ApplyMode::kChanges, {file}));

  ASSERT_TRUE(again.has_value()) << again.error().ToString();
  EXPECT_THAT(again->already_loaded_keys, ElementsAre(file.key));
  EXPECT_EQ(Read({"_seq"}, {"_seq"}).size(), 5u);
  EXPECT_THAT(*target().LoadedFiles("p", "shop.orders"), ElementsAre(file.key));
}

TEST_P(ApplyConformance, ARowWithoutAnOperationIsRefusedAndNothingIsApplied) {
  StagedFile good = StageChanges("changes/1.parquet", kLoad1[0]);
  StagedFile bad = StageChanges("changes/2.parquet", {{6, "X", 2, "b2", 6}});

  Result<LoadResult> loaded = Load(Changes(ApplyMode::kMerge, {good, bad}));

  ASSERT_FALSE(loaded.has_value());
  EXPECT_EQ(loaded.error().code(), StatusCode::kDataError);
  EXPECT_THAT(loaded.error().message(), HasSubstr("_op 'X'"));
  EXPECT_THAT(loaded.error().message(), HasSubstr("changes/2.parquet"));
  EXPECT_THAT(Read({"id"}, {"id"}), IsEmpty());
  EXPECT_THAT(*target().LoadedFiles("p", "shop.orders"), IsEmpty());
}

TEST_P(ApplyConformance, RowFilesAndChangeFilesAreNotMistakenForEachOther) {
  StagedFile changes = StageChanges("changes/1.parquet", kLoad1[0]);
  StagedFile rows = StageRows("incremental/1.parquet", CustomerSchema(), {{"1", "a"}});

  Result<LoadResult> changes_as_rows = Load(Request(CustomerSchema(), LoadMode::kMerge, {changes}));
  Result<LoadResult> rows_as_changes = Load(Changes(ApplyMode::kMerge, {rows}));

  ASSERT_FALSE(changes_as_rows.has_value());
  EXPECT_THAT(changes_as_rows.error().message(), HasSubstr("they are change files"));
  ASSERT_FALSE(rows_as_changes.has_value());
  EXPECT_THAT(rows_as_changes.error().message(), HasSubstr("have no column \"_op\""));
  EXPECT_THAT(*target().LoadedFiles("p", "shop.orders"), IsEmpty());
}

TEST_P(ApplyConformance, KeyedApplyModesNeedAPrimaryKeyAndChangesDoesNot) {
  StagedFile file = StageChanges("changes/1.parquet", kLoad1[0]);
  for (ApplyMode apply : {ApplyMode::kMerge, ApplyMode::kSoftDelete, ApplyMode::kHistory}) {
    LoadRequest request = Changes(apply, {file});
    request.primary_key.clear();
    Result<LoadResult> loaded = Load(request);
    ASSERT_FALSE(loaded.has_value());
    EXPECT_EQ(loaded.error().code(), StatusCode::kInvalidArgument);
    EXPECT_THAT(loaded.error().message(), HasSubstr("needs a primary key"));
  }
  LoadRequest audit = Changes(ApplyMode::kChanges, {file});
  audit.primary_key.clear();
  EXPECT_TRUE(Load(audit).has_value());
}

}  // namespace
}  // namespace sluice::target::conformance
