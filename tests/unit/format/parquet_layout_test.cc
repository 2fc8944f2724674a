// File layout: row groups and pages sized by the options, dictionary
// encoding on, off and falling back to PLAIN mid-chunk, every compression,
// zero-row files, slices of batches. Chunk metadata comes from DuckDB's
// parquet_metadata(); pages are walked with the test's own Thrift reader.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include "common/file.h"
#include "format/parquet/file_writer.h"
#include "parquet_test_util.h"
#include "sluice/version.h"

namespace sluice::parquet::testing {
namespace {

struct ChunkInfo {
  int64_t row_group_id = 0;
  int64_t column_id = 0;
  int64_t row_group_rows = 0;
  int64_t num_values = 0;
  std::string compression;
  std::string encodings;
  std::optional<int64_t> dictionary_page_offset;
  int64_t data_page_offset = 0;
  int64_t compressed_bytes = 0;
  int64_t uncompressed_bytes = 0;
  int64_t start() const { return dictionary_page_offset.value_or(data_page_offset); }
};

std::vector<ChunkInfo> Chunks(const std::string& path) {
  QueryResult result = Query(
      "SELECT row_group_id, column_id, row_group_num_rows, num_values, compression, encodings, "
      "dictionary_page_offset, data_page_offset, total_compressed_size, total_uncompressed_size FROM "
      "parquet_metadata(" +
      sluice::testing::SqlQuote(path) + ") ORDER BY row_group_id, column_id");
  std::vector<ChunkInfo> chunks;
  for (const Row& row : result.rows) {
    ChunkInfo chunk;
    chunk.row_group_id = std::stoll(*row[0]);
    chunk.column_id = std::stoll(*row[1]);
    chunk.row_group_rows = std::stoll(*row[2]);
    chunk.num_values = std::stoll(*row[3]);
    chunk.compression = *row[4];
    chunk.encodings = *row[5];
    if (row[6]) chunk.dictionary_page_offset = std::stoll(*row[6]);
    chunk.data_page_offset = std::stoll(*row[7]);
    chunk.compressed_bytes = std::stoll(*row[8]);
    chunk.uncompressed_bytes = std::stoll(*row[9]);
    chunks.push_back(chunk);
  }
  return chunks;
}

std::vector<PageInfo> Pages(const std::string& file_bytes, const ChunkInfo& chunk) {
  Result<std::vector<PageInfo>> pages = ReadChunkPages(file_bytes, chunk.start(), chunk.compressed_bytes);
  EXPECT_TRUE(pages.has_value()) << pages.error().ToString();
  return pages.value_or(std::vector<PageInfo>());
}

std::string FileBytes(const std::string& path) {
  Result<std::string> bytes = ReadFileToString(path);
  EXPECT_TRUE(bytes.has_value());
  return bytes.value_or("");
}

// An orders-like table: id, a repetitive status string, an amount, a flag,
// a note that is NULL every fourth row.
struct Table {
  SchemaPtr schema;
  std::vector<std::vector<TestValue>> rows;
};

Table OrdersTable(size_t row_count) {
  Table table;
  table.schema =
      MakeSchema({MakeField("id", DataType::Of(TypeId::kInt64), false),
                  MakeField("status", DataType::Of(TypeId::kString)), MakeField("amount", DataType::Decimal(12, 2)),
                  MakeField("paid", DataType::Of(TypeId::kBoolean)), MakeField("note", DataType::Of(TypeId::kString))});
  const char* statuses[] = {"new", "paid", "shipped", "cancelled"};
  for (size_t row = 0; row < row_count; ++row) {
    table.rows.push_back({static_cast<int64_t>(row), Bytes(statuses[row % 4]), static_cast<int64_t>(row * 37 % 100000),
                          row % 3 == 0, row % 4 == 1 ? Null() : Bytes(fmt::format("note {}", row * 7919 % 1000))});
  }
  return table;
}

TEST(ParquetLayout, SmallLimitsGiveManyRowGroupsAndPages) {
  TempDir dir;
  Table table = OrdersTable(20000);
  auto batch = MakeBatch(table.schema, table.rows);
  WriterOptions options;
  options.compression = Compression::kNone;
  options.data_page_bytes = 2048;
  options.row_group_bytes = 64 << 10;
  std::string path = dir.File("many.parquet");
  ASSERT_TRUE(WriteParquetFile(path, table.schema, {batch.get()}, options).ok());
  ASSERT_TRUE(VerifyRoundTrip(path, *table.schema, table.rows));

  std::vector<ChunkInfo> chunks = Chunks(path);
  std::string bytes = FileBytes(path);
  int64_t total_rows = 0;
  int64_t row_groups = 0;
  for (const ChunkInfo& chunk : chunks) {
    if (chunk.column_id == 0) {
      total_rows += chunk.row_group_rows;
      ++row_groups;
    }
    EXPECT_EQ(chunk.num_values, chunk.row_group_rows);
    std::vector<PageInfo> pages = Pages(bytes, chunk);
    int64_t page_values = 0;
    size_t data_pages = 0;
    for (const PageInfo& page : pages) {
      if (page.page_type != 0) continue;
      ++data_pages;
      page_values += page.num_values;
      // A page closes once it reaches the target; it overshoots by less than a value plus its level bytes.
      EXPECT_LE(page.uncompressed_bytes, 2048 + 64) << "column " << chunk.column_id;
    }
    EXPECT_EQ(page_values, chunk.row_group_rows);
    if (chunk.column_id == 0) {
      EXPECT_GT(data_pages, 1u);
    }
  }
  EXPECT_EQ(total_rows, 20000);
  EXPECT_GT(row_groups, 2);
  // Uncompressed, so the encoded size is what the writer counted: every row
  // group but the last reached row_group_bytes, and none passed it by more
  // than a slice of rows (about a data page per column).
  for (int64_t group = 0; group + 1 < row_groups; ++group) {
    int64_t group_bytes = 0;
    for (const ChunkInfo& chunk : chunks) group_bytes += chunk.row_group_id == group ? chunk.compressed_bytes : 0;
    EXPECT_GE(group_bytes, (64 << 10) - 5 * 2048) << "row group " << group;
    EXPECT_LE(group_bytes, (64 << 10) + 5 * 2 * 2048) << "row group " << group;
  }
}

TEST(ParquetLayout, MaxRowGroupRowsSplitsExactly) {
  TempDir dir;
  Table table = OrdersTable(1000);
  auto batch = MakeBatch(table.schema, table.rows);
  WriterOptions options;
  options.max_row_group_rows = 300;
  std::string path = dir.File("rows.parquet");
  ASSERT_TRUE(WriteParquetFile(path, table.schema, {batch.get()}, options).ok());
  QueryResult groups = Query("SELECT row_group_num_rows FROM parquet_metadata(" + sluice::testing::SqlQuote(path) +
                             ") WHERE column_id = 0 ORDER BY row_group_id");
  ASSERT_EQ(groups.rows.size(), 4u);
  EXPECT_EQ(groups.rows[0][0], "300");
  EXPECT_EQ(groups.rows[1][0], "300");
  EXPECT_EQ(groups.rows[2][0], "300");
  EXPECT_EQ(groups.rows[3][0], "100");
  EXPECT_TRUE(VerifyRoundTrip(path, *table.schema, table.rows));
}

TEST(ParquetLayout, DictionaryOnWritesADictionaryPageFirstAndOffWritesNone) {
  TempDir dir;
  Table table = OrdersTable(5000);
  auto batch = MakeBatch(table.schema, table.rows);
  WriterOptions options;
  options.compression = Compression::kNone;
  std::string with_path = dir.File("dict.parquet");
  std::string without_path = dir.File("plain.parquet");
  ASSERT_TRUE(WriteParquetFile(with_path, table.schema, {batch.get()}, options).ok());
  options.enable_dictionary = false;
  ASSERT_TRUE(WriteParquetFile(without_path, table.schema, {batch.get()}, options).ok());
  EXPECT_TRUE(VerifyRoundTrip(with_path, *table.schema, table.rows));
  EXPECT_TRUE(VerifyRoundTrip(without_path, *table.schema, table.rows));

  std::string with_bytes = FileBytes(with_path);
  const ChunkInfo status = Chunks(with_path)[1];
  EXPECT_TRUE(status.dictionary_page_offset.has_value());
  EXPECT_NE(status.encodings.find("RLE_DICTIONARY"), std::string::npos) << status.encodings;
  std::vector<PageInfo> pages = Pages(with_bytes, status);
  ASSERT_GE(pages.size(), 2u);
  EXPECT_EQ(pages[0].page_type, 2);
  EXPECT_EQ(pages[0].num_values, 4);  // four distinct statuses
  EXPECT_EQ(pages[0].encoding, 0);    // PLAIN dictionary page
  for (size_t page_idx = 1; page_idx < pages.size(); ++page_idx) EXPECT_EQ(pages[page_idx].encoding, 8);

  for (const ChunkInfo& chunk : Chunks(without_path)) {
    EXPECT_FALSE(chunk.dictionary_page_offset.has_value());
    EXPECT_EQ(chunk.encodings.find("DICTIONARY"), std::string::npos) << chunk.encodings;
  }
  // Booleans never get a dictionary; a repetitive string column is smaller with one.
  EXPECT_FALSE(Chunks(with_path)[3].dictionary_page_offset.has_value());
  EXPECT_LT(status.compressed_bytes, Chunks(without_path)[1].compressed_bytes / 4);
}

// A dictionary that outgrows dictionary_page_bytes stops growing: the
// chunk keeps its dictionary-encoded pages and continues PLAIN.
TEST(ParquetLayout, DictionaryFallsBackToPlainMidChunk) {
  TempDir dir;
  SchemaPtr schema = MakeSchema(
      {MakeField("name", DataType::Of(TypeId::kString)), MakeField("code", DataType::Of(TypeId::kInt64), false)});
  std::vector<std::vector<TestValue>> rows;
  for (int64_t row = 0; row < 6000; ++row) {
    bool repetitive = row < 3000;
    int64_t key = repetitive ? row % 10 : row;
    TestValue name = row % 17 == 5 ? Null() : Bytes(fmt::format("customer-{}", key));
    rows.push_back({name, key * 1000003});
  }
  auto batch = MakeBatch(schema, rows);
  WriterOptions options;
  options.compression = Compression::kSnappy;
  options.data_page_bytes = 1024;
  options.dictionary_page_bytes = 2000;
  std::string path = dir.File("fallback.parquet");
  ASSERT_TRUE(WriteParquetFile(path, schema, {batch.get()}, options).ok());
  ASSERT_TRUE(VerifyRoundTrip(path, *schema, rows));

  std::string bytes = FileBytes(path);
  Result<ThriftStruct> footer = ParseFooter(bytes);
  ASSERT_TRUE(footer.has_value());
  for (const ChunkInfo& chunk : Chunks(path)) {
    SCOPED_TRACE(fmt::format("column {}", chunk.column_id));
    EXPECT_NE(chunk.encodings.find("RLE_DICTIONARY"), std::string::npos) << chunk.encodings;
    EXPECT_NE(chunk.encodings.find("PLAIN"), std::string::npos) << chunk.encodings;
    std::vector<PageInfo> pages = Pages(bytes, chunk);
    ASSERT_GE(pages.size(), 3u);
    EXPECT_EQ(pages[0].page_type, 2);
    EXPECT_LE(pages[0].uncompressed_bytes, 2000);
    int dictionary_pages = 0;
    int plain_pages = 0;
    for (size_t page_idx = 1; page_idx < pages.size(); ++page_idx) {
      EXPECT_EQ(pages[page_idx].page_type, 0);
      if (pages[page_idx].encoding == 8) {
        EXPECT_EQ(plain_pages, 0) << "a dictionary page after a plain one";
        ++dictionary_pages;
      } else {
        EXPECT_EQ(pages[page_idx].encoding, 0);
        ++plain_pages;
      }
    }
    EXPECT_GT(dictionary_pages, 1);
    EXPECT_GT(plain_pages, 1);
    // ColumnMetaData.encoding_stats counts the same pages.
    const ThriftStruct& metadata =
        footer->at(4).list().at(0).st().at(1).list().at(static_cast<size_t>(chunk.column_id)).st().at(3).st();
    std::map<std::pair<int64_t, int64_t>, int64_t> counted;
    for (const ThriftValue& stats : metadata.at(13).list()) {
      counted[{stats.st().at(1).i(), stats.st().at(2).i()}] = stats.st().at(3).i();
    }
    EXPECT_EQ(counted[std::make_pair(int64_t{2}, int64_t{0})], 1);
    EXPECT_EQ(counted[std::make_pair(int64_t{0}, int64_t{8})], dictionary_pages);
    EXPECT_EQ(counted[std::make_pair(int64_t{0}, int64_t{0})], plain_pages);
  }
}

class EveryCompression : public ::testing::TestWithParam<Compression> {};

TEST_P(EveryCompression, ChunksDeclareTheCodecAndDuckDbDecodesThem) {
  TempDir dir;
  Table table = OrdersTable(30000);
  auto batch = MakeBatch(table.schema, table.rows);
  WriterOptions options;
  options.compression = GetParam();
  options.data_page_bytes = 16 << 10;
  std::string path = dir.File("codec.parquet");
  ASSERT_TRUE(WriteParquetFile(path, table.schema, {batch.get()}, options).ok());
  EXPECT_TRUE(VerifyRoundTrip(path, *table.schema, table.rows));
  const char* expected_name = GetParam() == Compression::kNone     ? "UNCOMPRESSED"
                              : GetParam() == Compression::kSnappy ? "SNAPPY"
                                                                   : "ZSTD";
  for (const ChunkInfo& chunk : Chunks(path)) {
    EXPECT_EQ(chunk.compression, expected_name);
    if (GetParam() == Compression::kNone) {
      EXPECT_EQ(chunk.compressed_bytes, chunk.uncompressed_bytes);
    } else if (chunk.column_id == 0) {
      EXPECT_LT(chunk.compressed_bytes, chunk.uncompressed_bytes);  // sequential ids compress
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Codecs, EveryCompression,
                         ::testing::Values(Compression::kNone, Compression::kSnappy, Compression::kZstd));

TEST(ParquetLayout, ZeroRowFileIsValid) {
  TempDir dir;
  Table table = OrdersTable(0);
  std::string path = dir.File("empty.parquet");
  ASSERT_TRUE(WriteParquetFile(path, table.schema, {}).ok());
  EXPECT_EQ(QueryValue("SELECT count(*) FROM " + ReadParquet(path)), "0");
  QueryResult described = Query("DESCRIBE SELECT * FROM " + ReadParquet(path));
  ASSERT_EQ(described.rows.size(), 5u);
  EXPECT_EQ(described.rows[2][1], "DECIMAL(12,2)");
  EXPECT_EQ(QueryValue("SELECT num_row_groups FROM parquet_file_metadata(" + sluice::testing::SqlQuote(path) + ")"),
            "0");
}

TEST(ParquetLayout, WritesSlicesOfBatches) {
  TempDir dir;
  Table table = OrdersTable(1000);
  auto batch = MakeBatch(table.schema, table.rows);
  std::string path = dir.File("slices.parquet");
  Result<std::unique_ptr<WritableFile>> sink = OpenWritableFile(path);
  ASSERT_TRUE(sink.has_value());
  WriterOptions options;
  options.max_row_group_rows = 100;  // slices straddle row groups
  Result<std::unique_ptr<FileWriter>> writer = FileWriter::Open(table.schema, options, sink->get());
  ASSERT_TRUE(writer.has_value());
  std::vector<std::pair<size_t, size_t>> slices = {{0, 10}, {500, 250}, {990, 10}, {10, 0}, {3, 1}};
  std::vector<std::vector<TestValue>> expected;
  for (auto [offset, count] : slices) {
    ASSERT_TRUE((*writer)->Write(*batch, offset, count).ok());
    for (size_t row = offset; row < offset + count; ++row) expected.push_back(table.rows[row]);
  }
  EXPECT_EQ((*writer)->rows_written(), expected.size());
  ASSERT_TRUE((*writer)->Close().ok());
  ASSERT_TRUE((*sink)->Close().ok());
  EXPECT_TRUE(VerifyRoundTrip(path, *table.schema, expected));
}

TEST(ParquetLayout, LargeStringsRoundTripWithoutStatistics) {
  TempDir dir;
  SchemaPtr schema = MakeSchema(
      {MakeField("blob", DataType::Of(TypeId::kString)), MakeField("payload", DataType::Of(TypeId::kBinary), false)});
  std::vector<std::vector<TestValue>> rows;
  for (int row = 0; row < 6; ++row) {
    std::string big(1 << 20, static_cast<char>('a' + row));
    big[row * 1000] = '!';
    std::string binary(1 << 20, '\0');
    binary[row] = static_cast<char>(0xFF);
    rows.push_back({row == 2 ? Null() : Bytes(big), Bytes(binary)});
  }
  rows.push_back({Bytes("small"), Bytes("")});
  auto batch = MakeBatch(schema, rows);
  std::string path = dir.File("large.parquet");
  ASSERT_TRUE(WriteParquetFile(path, schema, {batch.get()}).ok());
  EXPECT_TRUE(VerifyRoundTrip(path, *schema, rows));
  QueryResult stats = Query("SELECT stats_min_value, stats_max_value, stats_null_count FROM parquet_metadata(" +
                            sluice::testing::SqlQuote(path) + ") ORDER BY column_id");
  ASSERT_EQ(stats.rows.size(), 2u);
  EXPECT_EQ(stats.rows[0][0], std::nullopt);
  EXPECT_EQ(stats.rows[0][1], std::nullopt);
  EXPECT_EQ(stats.rows[0][2], "1");
}

TEST(ParquetLayout, CreatedByNamesSluiceAndItsVersion) {
  TempDir dir;
  Table table = OrdersTable(3);
  auto batch = MakeBatch(table.schema, table.rows);
  std::string path = dir.File("created_by.parquet");
  ASSERT_TRUE(WriteParquetFile(path, table.schema, {batch.get()}).ok());
  EXPECT_EQ(QueryValue("SELECT created_by FROM parquet_file_metadata(" + sluice::testing::SqlQuote(path) + ")"),
            std::string("sluice version ") + SLUICE_VERSION);
  WriterOptions options;
  options.created_by = "custom writer";
  ASSERT_TRUE(WriteParquetFile(path, table.schema, {batch.get()}, options).ok());
  EXPECT_EQ(QueryValue("SELECT created_by FROM parquet_file_metadata(" + sluice::testing::SqlQuote(path) + ")"),
            "custom writer");
}

TEST(ParquetLayout, EstimatedFileBytesTracksTheFileAsItGrows) {
  Table table = OrdersTable(20000);
  auto batch = MakeBatch(table.schema, table.rows);
  StringWritableFile sink;
  WriterOptions options;
  options.compression = Compression::kNone;
  options.enable_dictionary = false;
  options.row_group_bytes = 100 << 10;
  Result<std::unique_ptr<FileWriter>> writer = FileWriter::Open(table.schema, options, &sink);
  ASSERT_TRUE(writer.has_value());
  EXPECT_EQ((*writer)->EstimatedFileBytes(), 4u);  // "PAR1"
  uint64_t previous = 4;
  for (size_t offset = 0; offset < 20000; offset += 1000) {
    ASSERT_TRUE((*writer)->Write(*batch, offset, 1000).ok());
    uint64_t estimate = (*writer)->EstimatedFileBytes();
    EXPECT_GE(estimate, previous);
    EXPECT_GE(estimate, sink.Size());
    previous = estimate;
  }
  EXPECT_GT(sink.Size(), 4u) << "row groups were flushed on the way";
  ASSERT_TRUE((*writer)->Close().ok());
  // Uncompressed PLAIN: the estimate misses only page headers and the footer.
  EXPECT_LE(previous, sink.Size());
  EXPECT_GE(previous, sink.Size() * 9 / 10);
}

}  // namespace
}  // namespace sluice::parquet::testing
