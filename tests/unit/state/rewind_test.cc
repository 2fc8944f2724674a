#include "state/rewind.h"

#include <gmock/gmock.h>

namespace sluice::state {
namespace {

using ::testing::HasSubstr;

Cursor IdCursor(int64_t id) {
  Cursor cursor;
  cursor.id = Value::Int64(id);
  return cursor;
}

StagedFileEntry File(const std::string& key, int64_t rows, const std::string& run_id, std::optional<Cursor> before,
                     std::optional<Cursor> after) {
  return StagedFileEntry{.key = key,
                         .rows = rows,
                         .bytes = 100,
                         .run_id = run_id,
                         .staged_at = "",
                         .cursor_before = std::move(before),
                         .cursor_after = std::move(after)};
}

// Four files of 10 rows each, ids 0..40, cursor after the last.
Watermark FourStagedFiles() {
  Watermark watermark;
  watermark.pipeline = "p";
  watermark.table = "orders";
  watermark.cdc_strategy = "id_only";
  for (int64_t file_idx = 0; file_idx < 4; ++file_idx) {
    watermark.staged_files.push_back(File("f" + std::to_string(file_idx), 10, "run" + std::to_string(file_idx),
                                          IdCursor(10 * file_idx), IdCursor(10 * file_idx + 10)));
  }
  watermark.cursor = IdCursor(40);
  watermark.extract.total_rows = 40;
  return watermark;
}

std::vector<std::string> Keys(const std::vector<StagedFileEntry>& entries) {
  std::vector<std::string> keys;
  for (const StagedFileEntry& entry : entries) keys.push_back(entry.key);
  return keys;
}

TEST(Rewind, ForgetsTheFileAndEveryLaterOneAndMovesTheCursorToWhereItsRowsBegin) {
  Watermark watermark = FourStagedFiles();
  Result<std::vector<StagedFileEntry>> dropped =
      RewindOverStagedFile(watermark, 1, false, "is missing from the store", "2025-01-01T00:00:00.000000Z");
  ASSERT_TRUE(dropped.has_value()) << dropped.status().ToString();
  EXPECT_EQ(Keys(*dropped), (std::vector<std::string>{"f1", "f2", "f3"}));
  EXPECT_EQ(Keys(watermark.staged_files), (std::vector<std::string>{"f0"}));
  EXPECT_EQ(watermark.cursor, IdCursor(10));
  EXPECT_EQ(watermark.extract.total_rows, 10) << "forgotten rows no longer count as staged";
  ASSERT_TRUE(watermark.last_rewind.has_value());
  EXPECT_EQ(*watermark.last_rewind, (RewindRecord{.at = "2025-01-01T00:00:00.000000Z",
                                                  .key = "f1",
                                                  .reason = "is missing from the store",
                                                  .files_dropped = 3,
                                                  .rows_dropped = 30,
                                                  .cursor = IdCursor(10)}));
}

TEST(Rewind, NeverMovesTheCursorForward) {
  Watermark watermark = FourStagedFiles();
  watermark.cursor = Cursor();  // after `watermark reset`: everything is read again anyway
  ASSERT_TRUE(RewindOverStagedFile(watermark, 2, false, "is missing from the store", "").has_value());
  EXPECT_TRUE(watermark.cursor.empty());
  watermark = FourStagedFiles();
  watermark.cursor = IdCursor(5);  // `watermark set` behind the files
  ASSERT_TRUE(RewindOverStagedFile(watermark, 2, false, "is missing from the store", "").has_value());
  EXPECT_EQ(watermark.cursor, IdCursor(5));
}

TEST(Rewind, EarlierCursorOrdersByTimestampThenId) {
  Cursor early{.timestamp_micros = 100, .id = Value::Int64(9)};
  Cursor late{.timestamp_micros = 200, .id = Value::Int64(1)};
  Cursor same_second{.timestamp_micros = 100, .id = Value::Int64(3)};
  EXPECT_EQ(EarlierCursor(early, late), early);
  EXPECT_EQ(EarlierCursor(late, early), early);
  EXPECT_EQ(EarlierCursor(early, same_second), same_second);
  EXPECT_EQ(EarlierCursor(Cursor(), early), Cursor());
  EXPECT_EQ(EarlierCursor(IdCursor(7), Cursor{.timestamp_micros = std::nullopt, .id = Value::Text("x")}).id,
            Value::Text("x"))
      << "positions that cannot be ordered take the file's own";
}

TEST(Rewind, AFirstCopysProgressIsEarlierThanTheCursorItHandsOverToAndOrdersByKey) {
  Cursor start{.copy = CopyProgress{.after = {}, .ceiling_micros = 500}};
  Cursor at_7{.copy = CopyProgress{.after = {Value::Int64(7)}, .ceiling_micros = 500}};
  Cursor at_7_b{.copy = CopyProgress{.after = {Value::Int64(7), Value::Text("b")}, .ceiling_micros = 500}};
  Cursor at_12{.copy = CopyProgress{.after = {Value::Int64(12)}, .ceiling_micros = 500}};
  Cursor handed_over{.timestamp_micros = 500, .id = Value::Int64(40)};
  EXPECT_EQ(EarlierCursor(at_12, at_7), at_7);
  EXPECT_EQ(EarlierCursor(at_7, at_12), at_7);
  EXPECT_EQ(EarlierCursor(at_7_b, at_7), at_7);
  EXPECT_EQ(EarlierCursor(at_7, start), start);
  EXPECT_EQ(EarlierCursor(handed_over, at_12), at_12);
  EXPECT_EQ(EarlierCursor(at_12, handed_over), at_12);
  EXPECT_EQ(EarlierCursor(Cursor(), at_7), Cursor());
  EXPECT_EQ(EarlierCursor(at_7, Cursor()), Cursor());
}

TEST(Rewind, AHeapOrderCopyOrdersByPageAndCopiesThatDoNotCompareReadTheTableAgain) {
  auto at_page = [](int64_t page, std::string storage = "16391") {
    return Cursor{.copy = CopyProgress{.heap = HeapProgress{.next_page = page, .storage = std::move(storage)},
                                       .ceiling_micros = 500}};
  };
  Cursor handed_over{.timestamp_micros = 500, .id = Value::Int64(40)};
  EXPECT_EQ(EarlierCursor(at_page(12), at_page(7)), at_page(7));
  EXPECT_EQ(EarlierCursor(at_page(7), at_page(12)), at_page(7));
  EXPECT_EQ(EarlierCursor(at_page(0), at_page(7)), at_page(0));
  EXPECT_EQ(EarlierCursor(handed_over, at_page(12)), at_page(12));
  EXPECT_EQ(EarlierCursor(at_page(12), Cursor()), Cursor());
  // Pages of another storage (a rewrite), or a copy in key order (one started over): no order, so from the start.
  EXPECT_EQ(EarlierCursor(at_page(7), at_page(3, "20000")), Cursor());
  Cursor at_key_7{.copy = CopyProgress{.after = {Value::Int64(7)}, .ceiling_micros = 500}};
  EXPECT_EQ(EarlierCursor(at_page(3), at_key_7), Cursor());
  EXPECT_EQ(EarlierCursor(at_key_7, at_page(3)), Cursor());
}

TEST(Rewind, AFileWithoutItsCursorRangeIsRefusedNamingTheRemedy) {
  Watermark watermark = FourStagedFiles();
  watermark.staged_files[1].cursor_before.reset();  // staged by an older sluice
  Watermark before = watermark;
  Result<std::vector<StagedFileEntry>> dropped =
      RewindOverStagedFile(watermark, 1, false, "is missing from the store", "");
  ASSERT_FALSE(dropped.has_value());
  EXPECT_EQ(dropped.error().code(), StatusCode::kDataError);
  EXPECT_THAT(dropped.error().message(), HasSubstr("staged file 'f1' is missing from the store"));
  EXPECT_THAT(dropped.error().message(), HasSubstr("sluice watermark reset -p p -t orders --yes"));
  EXPECT_EQ(watermark, before);
  // Once the cursor is at the beginning, there is nothing to rewind to: the file is forgotten.
  watermark.cursor = Cursor();
  EXPECT_TRUE(RewindOverStagedFile(watermark, 1, false, "is missing from the store", "").has_value());
  EXPECT_EQ(Keys(watermark.staged_files), (std::vector<std::string>{"f0"}));
}

TEST(Rewind, AFullCopyForgetsOnlyTheCopyTheFileBelongsTo) {
  Watermark watermark;
  watermark.table = "f";
  watermark.staged_files = {File("a1", 5, "a", {}, {}), File("a2", 5, "a", {}, {}), File("b1", 7, "b", {}, {}),
                            File("b2", 7, "b", {}, {})};
  Result<std::vector<StagedFileEntry>> dropped = RewindOverStagedFile(watermark, 0, true, "is damaged", "");
  ASSERT_TRUE(dropped.has_value());
  EXPECT_EQ(Keys(*dropped), (std::vector<std::string>{"a1", "a2"}));
  EXPECT_EQ(Keys(watermark.staged_files), (std::vector<std::string>{"b1", "b2"}));
  EXPECT_TRUE(watermark.cursor.empty());
  EXPECT_EQ(watermark.last_rewind->rows_dropped, 10);
  EXPECT_FALSE(watermark.last_rewind->cursor.has_value());
}

TEST(Rewind, ForgettingSomeStagedFilesRewindsOverTheEarliest) {
  Watermark watermark = FourStagedFiles();
  Result<std::vector<StagedFileEntry>> dropped =
      ForgetStagedFiles(watermark, {"f3", "f2", "gone"}, false, "was cleaned", "");
  ASSERT_TRUE(dropped.has_value());
  EXPECT_EQ(Keys(*dropped), (std::vector<std::string>{"f2", "f3"}));
  EXPECT_EQ(watermark.cursor, IdCursor(20));
  EXPECT_EQ(watermark.last_rewind->key, "f2");

  Watermark copies;
  copies.staged_files = {File("a1", 5, "a", {}, {}), File("b1", 7, "b", {}, {}), File("c1", 7, "c", {}, {})};
  dropped = ForgetStagedFiles(copies, {"a1", "c1"}, true, "was cleaned", "");
  ASSERT_TRUE(dropped.has_value());
  EXPECT_EQ(Keys(*dropped), (std::vector<std::string>{"a1", "c1"}));
  EXPECT_EQ(Keys(copies.staged_files), (std::vector<std::string>{"b1"}));
  EXPECT_EQ(copies.last_rewind->files_dropped, 2);
  EXPECT_EQ(copies.last_rewind->key, "a1");

  Watermark untouched = FourStagedFiles();
  dropped = ForgetStagedFiles(untouched, {"nothing"}, false, "was cleaned", "");
  ASSERT_TRUE(dropped.has_value());
  EXPECT_TRUE(dropped->empty());
  EXPECT_EQ(untouched, FourStagedFiles());
}

}  // namespace
}  // namespace sluice::state
