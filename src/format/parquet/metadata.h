// The parts of Parquet's Thrift metadata (parquet.thrift) the encoder
// writes, as plain structs, and their compact-protocol serialization:
// page headers (data page v1 and dictionary page) and the file footer
// (FileMetaData with schema, row groups, column chunks, statistics and
// column orders). Field ids in metadata.cc are those of parquet.thrift.
//
// Thread-safety: value types and pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "format/parquet/type_mapping.h"
#include "types/schema.h"

namespace sluice::parquet {

enum class Encoding : int32_t {
  kPlain = 0,
  kRle = 3,
  kRleDictionary = 8,
};

enum class PageType : int32_t {
  kDataPage = 0,
  kDictionaryPage = 2,
};

enum class CompressionCodec : int32_t {
  kUncompressed = 0,
  kSnappy = 1,
  kZstd = 6,
};

// Chunk statistics. min_value/max_value hold the physical type's PLAIN
// bytes (big-endian for DECIMAL in FIXED_LEN_BYTE_ARRAY), ordered by the
// column's type-defined order.
struct Statistics {
  int64_t null_count = 0;
  std::optional<std::string> min_value;
  std::optional<std::string> max_value;
};

struct PageEncodingStats {
  PageType page_type = PageType::kDataPage;
  Encoding encoding = Encoding::kPlain;
  int32_t count = 0;
};

struct ColumnChunkMetaData {
  PhysicalType type = PhysicalType::kByteArray;
  std::vector<Encoding> encodings;
  std::string path;  // flat schema: the column name
  CompressionCodec codec = CompressionCodec::kUncompressed;
  int64_t num_values = 0;
  int64_t total_uncompressed_size = 0;  // pages with their headers
  int64_t total_compressed_size = 0;
  int64_t data_page_offset = 0;
  std::optional<int64_t> dictionary_page_offset;
  Statistics statistics;
  std::vector<PageEncodingStats> encoding_stats;
};

struct RowGroupMetaData {
  std::vector<ColumnChunkMetaData> columns;
  int64_t num_rows = 0;
  int64_t total_byte_size = 0;  // uncompressed
  int64_t total_compressed_size = 0;
  int64_t file_offset = 0;  // the first page of the first column
};

struct DataPageHeader {
  int32_t uncompressed_page_size = 0;
  int32_t compressed_page_size = 0;
  int32_t num_values = 0;  // including NULLs
  Encoding encoding = Encoding::kPlain;
};

struct DictionaryPageHeader {
  int32_t uncompressed_page_size = 0;
  int32_t compressed_page_size = 0;
  int32_t num_values = 0;
};

// Appends the serialized PageHeader to `out`.
void SerializeDataPageHeader(const DataPageHeader& header, std::string* out);
void SerializeDictionaryPageHeader(const DictionaryPageHeader& header, std::string* out);

// Appends the serialized FileMetaData (version 1) to `out`: a root group
// "schema" with one leaf per field (types from ParquetTypeFor), the row
// groups, created_by and a TypeDefinedOrder per column.
void SerializeFileMetaData(const Schema& schema, const std::vector<RowGroupMetaData>& row_groups,
                           const std::string& created_by, std::string* out);

}  // namespace sluice::parquet
