// StagedFileWriter: the staged file holds the batches' rows and, after the
// table's columns, `_seq`: each row's place in read order (SPEC §4), which
// targets use to tell the later of two rows of one key.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>

#include "store/memory/memory_store.h"
#include "support/duckdb_query.h"
#include "sync/staged_file.h"

namespace sluice::sync {
namespace {

namespace fs = std::filesystem;
using ::testing::ElementsAre;

class ScratchDirectory {
 public:
  ScratchDirectory() {
    std::string pattern = (fs::temp_directory_path() / "sluice-staged-file-XXXXXX").string();
    if (mkdtemp(pattern.data()) != nullptr) path_ = pattern;
  }
  ~ScratchDirectory() {
    std::error_code ignored;
    fs::remove_all(path_, ignored);
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

std::vector<std::string> Column(const sluice::testing::QueryResult& result, size_t column_idx) {
  std::vector<std::string> values;
  for (const sluice::testing::Row& row : result.rows) values.push_back(row.at(column_idx).value_or("NULL"));
  return values;
}

TEST(StagedFileWriter, EveryFileCarriesSeqInReadOrderAcrossBatches) {
  ScratchDirectory scratch;
  ASSERT_FALSE(scratch.path().empty());
  auto schema = std::make_shared<Schema>();
  schema->fields.push_back(Field{"id", DataType::Of(TypeId::kInt64), false, "", 0});
  ColumnBatch batch(schema);
  for (int64_t id : {30, 10, 20}) batch.column(0).Append<int64_t>(id);
  store::MemoryStore store;

  Result<std::unique_ptr<StagedFileWriter>> writer =
      StagedFileWriter::Create(schema, parquet::WriterOptions{}, scratch.path() + "/spool.parquet");
  ASSERT_TRUE(writer.has_value()) << writer.error().ToString();
  ASSERT_TRUE((*writer)->Write(batch, 3).ok());
  ASSERT_TRUE((*writer)->Write(batch, 2).ok());  // the first two rows again: a second batch
  Result<PublishedFile> published = (*writer)->Publish(store, "incremental/orders_1.parquet");
  ASSERT_TRUE(published.has_value()) << published.error().ToString();
  EXPECT_EQ(published->rows, 5);

  Result<store::Object> object = store.Get("incremental/orders_1.parquet");
  ASSERT_TRUE(object.has_value());
  std::string copy = scratch.path() + "/copy.parquet";
  std::ofstream(copy, std::ios::binary) << object->data;
  Result<sluice::testing::QueryResult> read = sluice::testing::QueryDuckDb(
      "SELECT id, _seq FROM read_parquet(" + sluice::testing::SqlQuote(copy) + ") ORDER BY _seq");
  ASSERT_TRUE(read.has_value()) << read.error().ToString();
  EXPECT_THAT(read->column_names, ElementsAre("id", "_seq"));
  EXPECT_THAT(Column(*read, 0), ElementsAre("30", "10", "20", "30", "10"));
  EXPECT_THAT(Column(*read, 1), ElementsAre("0", "1", "2", "3", "4"));
  Result<sluice::testing::QueryResult> described = sluice::testing::QueryDuckDb(
      "SELECT column_type FROM (DESCRIBE SELECT * FROM read_parquet(" + sluice::testing::SqlQuote(copy) +
      ")) WHERE column_name = '_seq'");
  ASSERT_TRUE(described.has_value());
  EXPECT_THAT(described->rows, ElementsAre(ElementsAre("BIGINT")));
}

TEST(StagedFileWriter, ASchemaThatAlreadyHasSeqIsRefused) {
  ScratchDirectory scratch;
  auto schema = std::make_shared<Schema>();
  schema->fields.push_back(Field{"_seq", DataType::Of(TypeId::kInt64), false, "", 0});
  Result<std::unique_ptr<StagedFileWriter>> writer =
      StagedFileWriter::Create(schema, parquet::WriterOptions{}, scratch.path() + "/spool.parquet");
  ASSERT_FALSE(writer.has_value());
  EXPECT_EQ(writer.error().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace sluice::sync
