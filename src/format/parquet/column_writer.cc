#include "format/parquet/column_writer.h"

#include <algorithm>
#include <cstring>
#include <limits>

#include "format/parquet/rle_encoder.h"

namespace sluice::parquet {
namespace {

constexpr size_t kMaxPageBytes = std::numeric_limits<int32_t>::max();

}  // namespace

ColumnWriter::ColumnWriter(const Field& field, const WriterOptions& options, EncodingContext* context)
    : field_(field),
      options_(options),
      context_(context),
      type_(ParquetTypeFor(field)),
      optional_(!type_.required),
      dictionary_supported_(type_.physical_type != PhysicalType::kBoolean) {
  use_dictionary_ = options_.enable_dictionary && dictionary_supported_;
}

int ColumnWriter::IndexBitWidth(size_t entry_count) {
  return std::max(1, BitWidth(entry_count > 0 ? entry_count - 1 : 0));
}

size_t ColumnWriter::BufferedBytes() const {
  size_t pending_bytes = DictionaryBytes() + OpenPageBytes();
  if (total_uncompressed_bytes_ > 0) {
    pending_bytes =
        static_cast<size_t>(static_cast<double>(pending_bytes) * static_cast<double>(total_compressed_bytes_) /
                            static_cast<double>(total_uncompressed_bytes_));
  }
  return data_pages_.size() + dictionary_page_.size() + pending_bytes;
}

void ColumnWriter::AppendLevels(const uint8_t* validity, size_t rows, bool may_have_nulls) {
  page_rows_ += rows;
  if (!optional_) return;
  page_levels_.Append(validity, rows);
  if (may_have_nulls) {
    size_t present = 0;
    for (size_t row = 0; row < rows; ++row) present += validity[row];
    page_null_count_ += rows - present;
  }
}

size_t ColumnWriter::PageTargetBytes() const {
  if (use_dictionary_ && dictionary_data_pages_ == 0) return std::min(options_.data_page_bytes, kDictionaryTrialBytes);
  return options_.data_page_bytes;
}

size_t ColumnWriter::RowsUntilPageFull(size_t value_bits) const {
  size_t row_bits = value_bits + (optional_ ? 1 : 0);
  size_t page_bits = OpenPageBytes() * 8;
  size_t target_bits = PageTargetBytes() * 8;
  if (row_bits == 0 || page_bits >= target_bits) return 1;
  return (target_bits - page_bits + row_bits - 1) / row_bits;
}

Status ColumnWriter::EmitDataPage(std::string_view values, Encoding encoding) {
  context_->levels.Clear();
  if (optional_) {
    context_->levels.Extend(4);  // length prefix, patched below
    if (page_null_count_ == 0) {
      // All present: a single RLE run of 1s.
      AppendUleb128(static_cast<uint64_t>(page_rows_) << 1, &context_->levels);
      context_->levels.PushBack(1);
    } else {
      EncodeRleHybrid(page_levels_.data(), page_rows_, 1, &context_->levels);
    }
    StoreLittleEndian(static_cast<uint32_t>(context_->levels.size() - 4), context_->levels.data());
  }
  size_t uncompressed_bytes = context_->levels.size() + values.size();
  if (uncompressed_bytes > kMaxPageBytes || page_rows_ > kMaxPageBytes) {
    return DataError("column '{}': a data page of {} bytes and {} values exceeds Parquet's 2 GiB page limit",
                     field_.name, uncompressed_bytes, page_rows_);
  }
  bool compressed = context_->compressor->compression() != Compression::kNone;
  if (compressed) {
    std::string_view input = values;
    if (optional_) {
      context_->page.Clear();
      context_->page.Append(context_->levels.view());
      context_->page.Append(values);
      input = context_->page.view();
    }
    context_->compressed.Clear();
    SLUICE_RETURN_IF_ERROR(context_->compressor->Compress(input, &context_->compressed));
  }
  size_t compressed_bytes = compressed ? context_->compressed.size() : uncompressed_bytes;
  DataPageHeader header{static_cast<int32_t>(uncompressed_bytes), static_cast<int32_t>(compressed_bytes),
                        static_cast<int32_t>(page_rows_), encoding};
  context_->header.clear();
  SerializeDataPageHeader(header, &context_->header);
  if (compressed) {
    data_pages_.Append({context_->header, context_->compressed.view()});
  } else {
    data_pages_.Append({context_->header, context_->levels.view(), values});
  }
  uncompressed_bytes_ += static_cast<int64_t>(context_->header.size() + uncompressed_bytes);
  compressed_bytes_ += static_cast<int64_t>(context_->header.size() + compressed_bytes);
  total_uncompressed_bytes_ += static_cast<int64_t>(context_->header.size() + uncompressed_bytes);
  total_compressed_bytes_ += static_cast<int64_t>(context_->header.size() + compressed_bytes);
  (encoding == Encoding::kRleDictionary ? dictionary_data_pages_ : plain_data_pages_) += 1;
  chunk_rows_ += static_cast<int64_t>(page_rows_);
  chunk_null_count_ += static_cast<int64_t>(page_null_count_);
  page_levels_.Clear();
  page_rows_ = 0;
  page_null_count_ = 0;
  return Status::Ok();
}

Status ColumnWriter::EmitDictionaryPage(std::string_view plain_values, size_t entry_count) {
  if (plain_values.size() > kMaxPageBytes) {
    return DataError("column '{}': a dictionary page of {} bytes exceeds Parquet's 2 GiB page limit", field_.name,
                     plain_values.size());
  }
  std::string_view body = plain_values;
  if (context_->compressor->compression() != Compression::kNone) {
    context_->compressed.Clear();
    SLUICE_RETURN_IF_ERROR(context_->compressor->Compress(plain_values, &context_->compressed));
    body = context_->compressed.view();
  }
  DictionaryPageHeader header{static_cast<int32_t>(plain_values.size()), static_cast<int32_t>(body.size()),
                              static_cast<int32_t>(entry_count)};
  context_->header.clear();
  SerializeDictionaryPageHeader(header, &context_->header);
  dictionary_page_.Clear();
  dictionary_page_.Append(context_->header);
  dictionary_page_.Append(body);
  uncompressed_bytes_ += static_cast<int64_t>(context_->header.size() + plain_values.size());
  compressed_bytes_ += static_cast<int64_t>(context_->header.size() + body.size());
  return Status::Ok();
}

Status ColumnWriter::FallBackToPlain() {
  SLUICE_RETURN_IF_ERROR(FlushPage());
  use_dictionary_ = false;
  return Status::Ok();
}

Status ColumnWriter::FinishChunk() {
  SLUICE_RETURN_IF_ERROR(FlushPage());
  SLUICE_RETURN_IF_ERROR(FlushDictionaryPage());
  metadata_ = ColumnChunkMetaData();
  metadata_.type = type_.physical_type;
  bool has_dictionary = !dictionary_page_.empty();
  if (has_dictionary || plain_data_pages_ > 0) metadata_.encodings.push_back(Encoding::kPlain);
  metadata_.encodings.push_back(Encoding::kRle);  // definition levels (and the declared repetition levels)
  if (dictionary_data_pages_ > 0) metadata_.encodings.push_back(Encoding::kRleDictionary);
  metadata_.path = field_.name;
  metadata_.codec = context_->compressor->codec();
  metadata_.num_values = chunk_rows_;
  metadata_.total_uncompressed_size = uncompressed_bytes_;
  metadata_.total_compressed_size = compressed_bytes_;
  metadata_.data_page_offset = static_cast<int64_t>(dictionary_page_.size());
  if (has_dictionary) {
    metadata_.dictionary_page_offset = 0;
    metadata_.encoding_stats.push_back({PageType::kDictionaryPage, Encoding::kPlain, 1});
  }
  if (dictionary_data_pages_ > 0) {
    metadata_.encoding_stats.push_back(
        {PageType::kDataPage, Encoding::kRleDictionary, static_cast<int32_t>(dictionary_data_pages_)});
  }
  if (plain_data_pages_ > 0) {
    metadata_.encoding_stats.push_back(
        {PageType::kDataPage, Encoding::kPlain, static_cast<int32_t>(plain_data_pages_)});
  }
  metadata_.statistics = ChunkStatistics();
  metadata_.statistics.null_count = chunk_null_count_;
  return Status::Ok();
}

void ColumnWriter::ResetChunk() {
  ResetValues();
  use_dictionary_ = options_.enable_dictionary && dictionary_supported_;
  page_levels_.Clear();
  page_rows_ = 0;
  page_null_count_ = 0;
  dictionary_page_.Clear();
  data_pages_.Clear();
  chunk_rows_ = 0;
  chunk_null_count_ = 0;
  uncompressed_bytes_ = 0;
  compressed_bytes_ = 0;
  dictionary_data_pages_ = 0;
  plain_data_pages_ = 0;
  metadata_ = ColumnChunkMetaData();
}

std::unique_ptr<ColumnWriter> MakeColumnWriter(const Field& field, const WriterOptions& options,
                                               EncodingContext* context) {
  switch (ParquetTypeFor(field).physical_type) {
    case PhysicalType::kBoolean: return MakeBooleanColumnWriter(field, options, context);
    case PhysicalType::kByteArray: return MakeByteArrayColumnWriter(field, options, context);
    default: return MakeFixedWidthColumnWriter(field, options, context);
  }
}

}  // namespace sluice::parquet
