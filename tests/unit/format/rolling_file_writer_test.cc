// RollingFileWriter: files of about the target size whose rows add up,
// each complete and readable by DuckDB, numbered from 0, reported after
// their footer is written; zero rows make zero files.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <filesystem>

#include "common/file.h"
#include "format/parquet/file_writer.h"
#include "parquet_test_util.h"

namespace sluice::parquet::testing {
namespace {

struct Harness {
  TempDir dir;
  std::vector<std::unique_ptr<WritableFile>> sinks;
  std::vector<RolledFile> closed;
  std::vector<int> opened;

  std::string Path(int file_index) const { return dir.File(fmt::format("part-{:04}.parquet", file_index)); }

  RollingFileWriter MakeWriter(SchemaPtr schema, WriterOptions options, uint64_t target_file_bytes) {
    auto open_file = [this](int file_index) -> Result<WritableFile*> {
      opened.push_back(file_index);
      SLUICE_ASSIGN_OR_RETURN(std::unique_ptr<WritableFile> sink, OpenWritableFile(Path(file_index)));
      sinks.push_back(std::move(sink));
      return sinks.back().get();
    };
    auto file_closed = [this](const RolledFile& file) -> Status {
      closed.push_back(file);
      // The footer is written: the file is complete before the caller closes the sink.
      EXPECT_EQ(sinks.at(static_cast<size_t>(file.file_index))->Size(), file.bytes);
      return sinks.at(static_cast<size_t>(file.file_index))->Close();
    };
    return RollingFileWriter(std::move(schema), std::move(options), target_file_bytes, open_file, file_closed);
  }
};

SchemaPtr EventsSchema() {
  return MakeSchema({MakeField("id", DataType::Of(TypeId::kInt64), false),
                     MakeField("payload", DataType::Of(TypeId::kString)),
                     MakeField("at", DataType::Of(TypeId::kTimestampTz))});
}

std::vector<std::vector<TestValue>> EventRows(int64_t first_id, int64_t count) {
  std::vector<std::vector<TestValue>> rows;
  for (int64_t id = first_id; id < first_id + count; ++id) {
    // Pseudo-random payloads, so compression does not shrink files to nothing.
    uint64_t state = static_cast<uint64_t>(id) * 0x9E3779B97F4A7C15ULL;
    rows.push_back({id, id % 9 == 0 ? Null() : Bytes(fmt::format("{:016x}{:016x}", state, state >> 7)), id * 1000003});
  }
  return rows;
}

TEST(RollingFileWriter, RollsAtTheTargetSizeAndRowsAddUp) {
  Harness harness;
  SchemaPtr schema = EventsSchema();
  WriterOptions options;
  options.data_page_bytes = 8 << 10;
  constexpr uint64_t kTargetBytes = 200 << 10;
  RollingFileWriter writer = harness.MakeWriter(schema, options, kTargetBytes);
  std::vector<std::vector<TestValue>> all_rows;
  for (int batch_idx = 0; batch_idx < 4; ++batch_idx) {
    std::vector<std::vector<TestValue>> rows = EventRows(batch_idx * 15000, 15000);  // ~700 KB each
    auto batch = MakeBatch(schema, rows);
    ASSERT_TRUE(writer.Write(*batch).ok());
    all_rows.insert(all_rows.end(), rows.begin(), rows.end());
  }
  ASSERT_TRUE(writer.Close().ok());

  ASSERT_GE(harness.closed.size(), 5u);
  uint64_t total_rows = 0;
  size_t row_cursor = 0;
  for (size_t file_idx = 0; file_idx < harness.closed.size(); ++file_idx) {
    const RolledFile& file = harness.closed[file_idx];
    EXPECT_EQ(file.file_index, static_cast<int>(file_idx));
    EXPECT_EQ(harness.opened[file_idx], static_cast<int>(file_idx));
    std::string path = harness.Path(file.file_index);
    EXPECT_EQ(std::filesystem::file_size(path), file.bytes);
    // Not cut short, and past the target by at most about one slice of rows
    // (the encoder's estimate counts open pages uncompressed, so a file may
    // also end below the target once compressed).
    if (file_idx + 1 < harness.closed.size()) {
      EXPECT_GE(file.bytes, kTargetBytes * 3 / 4) << path;
    }
    EXPECT_LE(file.bytes, kTargetBytes + 3 * options.data_page_bytes) << path;
    std::vector<std::vector<TestValue>> expected(all_rows.begin() + static_cast<ptrdiff_t>(row_cursor),
                                                 all_rows.begin() + static_cast<ptrdiff_t>(row_cursor + file.rows));
    EXPECT_TRUE(VerifyRoundTrip(path, *schema, expected));
    row_cursor += file.rows;
    total_rows += file.rows;
  }
  EXPECT_EQ(total_rows, all_rows.size());
  std::string glob = harness.dir.File("part-*.parquet");
  EXPECT_EQ(QueryValue("SELECT count(*) FROM read_parquet(" + sluice::testing::SqlQuote(glob) + ")"),
            std::to_string(all_rows.size()));
  EXPECT_EQ(QueryValue("SELECT count(DISTINCT id) FROM read_parquet(" + sluice::testing::SqlQuote(glob) + ")"),
            std::to_string(all_rows.size()));
}

TEST(RollingFileWriter, ZeroRowsMakeZeroFiles) {
  Harness harness;
  SchemaPtr schema = EventsSchema();
  RollingFileWriter writer = harness.MakeWriter(schema, WriterOptions(), 1 << 20);
  ColumnBatch empty(schema);
  ASSERT_TRUE(writer.Write(empty).ok());
  ASSERT_TRUE(writer.Close().ok());
  EXPECT_TRUE(harness.opened.empty());
  EXPECT_TRUE(harness.closed.empty());
}

TEST(RollingFileWriter, SmallInputMakesOneFile) {
  Harness harness;
  SchemaPtr schema = EventsSchema();
  RollingFileWriter writer = harness.MakeWriter(schema, WriterOptions(), 128 << 20);
  std::vector<std::vector<TestValue>> rows = EventRows(0, 1000);
  auto batch = MakeBatch(schema, rows);
  ASSERT_TRUE(writer.Write(*batch).ok());
  ASSERT_TRUE(writer.Write(*batch).ok());
  ASSERT_TRUE(writer.Close().ok());
  ASSERT_EQ(harness.closed.size(), 1u);
  EXPECT_EQ(harness.closed[0].rows, 2000u);
  std::vector<std::vector<TestValue>> expected = rows;
  expected.insert(expected.end(), rows.begin(), rows.end());
  EXPECT_TRUE(VerifyRoundTrip(harness.Path(0), *schema, expected));
}

TEST(RollingFileWriter, ErrorsFromOpenFileAndFileClosedStop) {
  SchemaPtr schema = EventsSchema();
  auto batch = MakeBatch(schema, EventRows(0, 10));
  RollingFileWriter cannot_open(
      schema, WriterOptions(), 1 << 20, [](int) -> Result<WritableFile*> { return Unavailable("no store"); },
      [](const RolledFile&) { return Status::Ok(); });
  EXPECT_EQ(cannot_open.Write(*batch).code(), StatusCode::kUnavailable);
  EXPECT_EQ(cannot_open.Close().code(), StatusCode::kUnavailable);

  StringWritableFile sink;
  RollingFileWriter cannot_publish(
      schema, WriterOptions(), 1 << 20, [&](int) -> Result<WritableFile*> { return &sink; },
      [](const RolledFile&) { return Conflict("lost the race"); });
  EXPECT_TRUE(cannot_publish.Write(*batch).ok());
  EXPECT_EQ(cannot_publish.Close().code(), StatusCode::kConflict);
}

}  // namespace
}  // namespace sluice::parquet::testing
