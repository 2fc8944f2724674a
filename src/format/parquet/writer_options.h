// WriterOptions: how the Parquet encoder lays out and compresses a file.
// Included by file_writer.h, the public header; see it for the writers.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace sluice::parquet {

enum class Compression { kNone, kSnappy, kZstd };

// "none", "snappy", "zstd" (the spelling of staging.compression).
std::string_view CompressionName(Compression compression);

struct WriterOptions {
  Compression compression = Compression::kZstd;
  int zstd_level = 3;
  size_t data_page_bytes = 1 << 20;   // target uncompressed size of a data page
  size_t row_group_bytes = 64 << 20;  // flush a row group when its buffered encoded size reaches this
  size_t max_row_group_rows = 1 << 20;
  bool enable_dictionary = true;
  size_t dictionary_page_bytes = 1 << 20;  // a column falls back to PLAIN when its dictionary grows past this
  // When set, the file gets one more column of this name after the
  // schema's: INT64 NOT NULL, each row's 0-based position in the file (the
  // staged files' `_seq`, SPEC §4). The batches written keep the schema's
  // columns only.
  std::string row_position_column;
  std::string created_by;                  // default "sluice version <SLUICE_VERSION>" (see generated sluice/version.h)
};

}  // namespace sluice::parquet
