// StagedFileWriter's NULL counts (what validation.max_null_percentage
// judges) are the encoder's own, across row groups, and agree with the
// NULLs an independent reader (DuckDB) finds in the published file.
#include "sync/staged_file.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>

#include "store/memory/memory_store.h"
#include "support/duckdb_query.h"

namespace sluice::sync {
namespace {

TEST(StagedFileWriter, NullCountsAreTheEncodersAcrossRowGroupsAndMatchTheFile) {
  char pattern[] = "/tmp/sluice-staged-file-XXXXXX";
  std::string scratch = ::mkdtemp(pattern);
  auto schema = std::make_shared<Schema>();
  schema->fields = {{"id", DataType::Of(TypeId::kInt64), false, "bigint", 0},
                    {"amount", DataType::Of(TypeId::kInt64), true, "bigint", 0},
                    {"note", DataType::Of(TypeId::kString), true, "text", 0}};
  parquet::WriterOptions options;
  options.compression = parquet::Compression::kNone;
  options.max_row_group_rows = 64;  // several row groups, so flushed chunks count too
  Result<std::unique_ptr<StagedFileWriter>> writer = StagedFileWriter::Create(schema, options, scratch + "/f.parquet");
  ASSERT_TRUE(writer.has_value()) << writer.error().message();
  std::vector<int64_t> expected = {0, 0, 0};
  for (int batch_idx = 0; batch_idx < 5; ++batch_idx) {
    ColumnBatch batch(schema);
    for (int64_t row = 0; row < 50; ++row) {
      int64_t id = batch_idx * 50 + row;
      batch.column(0).Append<int64_t>(id);
      if (id % 3 == 0) {
        batch.column(1).AppendNull();
        ++expected[1];
      } else {
        batch.column(1).Append<int64_t>(id);
      }
      if (id % 7 == 0) {
        batch.column(2).AppendNull();
        ++expected[2];
      } else {
        batch.column(2).AppendBytes("n" + std::to_string(id));
      }
    }
    // The last 10 rows of each batch are not written: they must not count.
    ASSERT_TRUE((*writer)->Write(batch, 40).ok());
    for (int64_t id = batch_idx * 50 + 40; id < batch_idx * 50 + 50; ++id) {
      expected[1] -= id % 3 == 0;
      expected[2] -= id % 7 == 0;
    }
  }
  EXPECT_EQ((*writer)->NullCounts(), expected);

  store::MemoryStore store;
  ASSERT_TRUE((*writer)->Publish(store, "f.parquet").has_value());
  std::string copy = scratch + "/copy.parquet";
  std::ofstream(copy, std::ios::binary) << store.Contents().at("f.parquet");
  Result<testing::QueryResult> read = testing::QueryDuckDb(
      "SELECT count(*) - count(id), count(*) - count(amount), count(*) - count(note), "
      "(SELECT count(DISTINCT row_group_id) FROM parquet_metadata(" +
      testing::SqlQuote(copy) +
      ")) FROM "
      "read_parquet(" +
      testing::SqlQuote(copy) + ")");
  ASSERT_TRUE(read.has_value()) << read.error().message();
  const testing::Row& row = read->rows.at(0);
  EXPECT_EQ(row[0], std::to_string(expected[0]));
  EXPECT_EQ(row[1], std::to_string(expected[1]));
  EXPECT_EQ(row[2], std::to_string(expected[2]));
  EXPECT_GT(std::stoi(row[3].value_or("0")), 1);
  std::filesystem::remove_all(scratch);
}

}  // namespace
}  // namespace sluice::sync
