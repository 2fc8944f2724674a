// ColumnWriter: encodes one column's values into the pages of a column
// chunk and buffers them in memory until the file writer flushes the row
// group (the format needs a chunk's pages together, so a row group's
// encoded pages are the only data held).
//
// This base class owns what every column shares: definition levels of an
// OPTIONAL column, assembling a page (levels + values, compression, page
// header), the dictionary page, the chunk's totals and metadata. One
// subclass per type family encodes the values (DuckDB style):
// fixed_width_column_writer.cc (INT32, INT64, FLOAT, DOUBLE, decimal
// FIXED_LEN_BYTE_ARRAY), boolean_column_writer.cc, byte_array_column_writer.cc.
// Subclasses loop over a whole range of rows per call; nothing is virtual
// per value.
//
// Encoding (Write, FinishChunk) touches only this writer's state and its
// EncodingContext, so the columns of a row group could be encoded in
// parallel (a context per thread); the serial part is the file writer
// appending the finished chunks to the sink.
//
// Not thread-safe.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "common/status.h"
#include "format/parquet/byte_buffer.h"
#include "format/parquet/compression.h"
#include "format/parquet/metadata.h"
#include "format/parquet/type_mapping.h"
#include "format/parquet/writer_options.h"
#include "types/column_batch.h"

namespace sluice::parquet {

// Byte strings longer than this are left out of the statistics: a chunk
// whose min or max value is longer gets a null_count but no min/max
// (rather than a footer carrying megabyte-long statistics).
inline constexpr size_t kMaxStatisticsValueBytes = 4096;

// The first dictionary-encoded page of a chunk is a trial: it closes once
// its values would take this many bytes PLAIN (or data_page_bytes, if
// smaller), and the chunk continues PLAIN unless the dictionary and the
// indices took fewer bytes than PLAIN would have. High-cardinality columns
// thus stop hashing after a few thousand values.
inline constexpr size_t kDictionaryTrialBytes = 64 << 10;

// What the column writers of one file share: the compressor and scratch
// buffers for assembling one page at a time. Encoding is serial, so one
// context serves every column (and first touches its memory once per file,
// not once per column); encoding columns in parallel would need a context
// per thread.
struct EncodingContext {
  std::unique_ptr<Compressor> compressor;
  ByteBuffer values;      // a page's encoded values, filled by the typed writers
  ByteBuffer levels;      // its definition levels, with their length prefix
  ByteBuffer page;        // levels + values, when they are compressed together
  ByteBuffer compressed;  // the compressed page or dictionary page
  std::string header;     // the serialized page header
};

class ColumnWriter {
 public:
  // `options` and `context` must outlive the writer.
  ColumnWriter(const Field& field, const WriterOptions& options, EncodingContext* context);
  virtual ~ColumnWriter() = default;
  ColumnWriter(const ColumnWriter&) = delete;
  ColumnWriter& operator=(const ColumnWriter&) = delete;

  // Encodes rows [row_offset, row_offset + row_count) of `column`.
  // REQUIRES: column.type() is the field's type; the range is inside the
  // column; a REQUIRED column has no NULL in the range (the file writer
  // checks). DataError when a value does not fit its Parquet type.
  virtual Status Write(const ColumnVector& column, size_t row_offset, size_t row_count) = 0;

  // Encodes the open page and the dictionary page. Afterwards
  // dictionary_page(), data_pages() and metadata() describe the whole
  // chunk, until ResetChunk(). Offsets in metadata() are relative to the
  // start of the chunk (the dictionary page, if any, comes first).
  Status FinishChunk();
  std::string_view dictionary_page() const { return dictionary_page_.view(); }
  const BlockBuffer& data_pages() const { return data_pages_; }
  const ColumnChunkMetaData& metadata() const { return metadata_; }
  // Starts the next chunk, keeping buffers' allocations.
  void ResetChunk();

  // Encoded bytes buffered for the open chunk. The open page and the
  // dictionary, not compressed yet, count at their uncompressed size times
  // the compression ratio this column's pages have had so far.
  size_t BufferedBytes() const;
  // NULLs written into the open chunk so far (its open page included).
  int64_t null_count() const { return chunk_null_count_ + static_cast<int64_t>(page_null_count_); }

 protected:
  // Bytes of values encoded into the open page so far.
  virtual size_t OpenPageValueBytes() const = 0;
  // Bytes of the PLAIN dictionary built so far (0 without one).
  virtual size_t DictionaryBytes() const { return 0; }
  // Encodes the open page, if it has rows, through EmitDataPage.
  virtual Status FlushPage() = 0;
  // Emits the dictionary page, if the dictionary has entries, through EmitDictionaryPage.
  virtual Status FlushDictionaryPage() { return Status::Ok(); }
  // min_value/max_value of the chunk (null_count is filled in here).
  virtual Statistics ChunkStatistics() const = 0;
  // Forgets the chunk's values, dictionary and statistics.
  virtual void ResetValues() = 0;

  // Records the definition levels of `rows` rows (OPTIONAL columns) and
  // counts them into the open page. `validity` is 1 per present value,
  // which is also the definition level of a flat column.
  void AppendLevels(const uint8_t* validity, size_t rows, bool may_have_nulls);
  size_t OpenPageBytes() const { return OpenPageValueBytes() + (optional_ ? page_rows_ / 8 : 0); }
  // The size at which the open page is full (see kDictionaryTrialBytes).
  size_t PageTargetBytes() const;
  // How many more rows fit in the open page if each costs `value_bits`.
  size_t RowsUntilPageFull(size_t value_bits) const;

  // Writes the open page with the given encoded values and resets the page.
  Status EmitDataPage(std::string_view values, Encoding encoding);
  Status EmitDictionaryPage(std::string_view plain_values, size_t entry_count);
  // Finishes the open page and encodes the rest of the chunk PLAIN.
  Status FallBackToPlain();

  // Bit width of dictionary indices for a dictionary of `entry_count` values.
  static int IndexBitWidth(size_t entry_count);

  const Field& field() const { return field_; }
  bool optional() const { return optional_; }
  size_t page_rows() const { return page_rows_; }
  size_t dictionary_data_pages() const { return dictionary_data_pages_; }

  const Field field_;
  const WriterOptions& options_;
  EncodingContext* const context_;
  // Whether the open page is dictionary-encoded; reset per chunk.
  bool use_dictionary_ = false;

 private:
  const ParquetColumnType type_;
  const bool optional_;
  const bool dictionary_supported_;

  // The open page.
  ByteBuffer page_levels_;  // one byte per row (OPTIONAL only)
  size_t page_rows_ = 0;
  size_t page_null_count_ = 0;

  // The open chunk.
  ByteBuffer dictionary_page_;  // header + body
  BlockBuffer data_pages_;      // headers + bodies
  int64_t chunk_rows_ = 0;
  int64_t chunk_null_count_ = 0;
  int64_t uncompressed_bytes_ = 0;  // headers included, as the metadata counts them
  int64_t compressed_bytes_ = 0;
  // Over the writer's life, for the compression ratio.
  int64_t total_uncompressed_bytes_ = 0;
  int64_t total_compressed_bytes_ = 0;
  size_t dictionary_data_pages_ = 0;
  size_t plain_data_pages_ = 0;
  ColumnChunkMetaData metadata_;
};

// The writer for `field`'s type. `options` and `context` must outlive it.
std::unique_ptr<ColumnWriter> MakeColumnWriter(const Field& field, const WriterOptions& options,
                                               EncodingContext* context);

// One factory per type family (defined beside each writer).
std::unique_ptr<ColumnWriter> MakeFixedWidthColumnWriter(const Field& field, const WriterOptions& options,
                                                         EncodingContext* context);
std::unique_ptr<ColumnWriter> MakeBooleanColumnWriter(const Field& field, const WriterOptions& options,
                                                      EncodingContext* context);
std::unique_ptr<ColumnWriter> MakeByteArrayColumnWriter(const Field& field, const WriterOptions& options,
                                                        EncodingContext* context);

// Rows the file writers hand the column writers at a time: about one data
// page of the batch's in-memory bytes, so row group and file sizes are
// checked often enough to overshoot by about a page, never by a batch.
size_t RowsPerSlice(const ColumnBatch& batch, const WriterOptions& options);

}  // namespace sluice::parquet
