// The column writer for BYTE_ARRAY: strings, JSON, binary and decimals
// held as exact text. PLAIN is a 4-byte little-endian length then the
// bytes; the dictionary page is the same encoding of the distinct values.
// Statistics compare bytes unsigned-lexicographically and are left out
// when the min or max is longer than kMaxStatisticsValueBytes.
#include <algorithm>
#include <vector>

#include "format/parquet/dictionary.h"
#include "format/parquet/dictionary_column_writer.h"
#include "format/parquet/statistics.h"

namespace sluice::parquet {
namespace {

class ByteArrayColumnWriter final : public DictionaryColumnWriter<ByteArrayColumnWriter> {
 public:
  using DictionaryColumnWriter::DictionaryColumnWriter;

  size_t DictionaryEntries() const { return dictionary_.size(); }

  Status Write(const ColumnVector& column, size_t row_offset, size_t row_count) override {
    const uint8_t* validity = column.validity();
    bool may_have_nulls = column.null_count() > 0;
    size_t done = 0;
    while (done < row_count) {
      size_t row_begin = row_offset + done;
      bool dictionary_full = false;
      size_t consumed = use_dictionary_ ? AppendDictionary(column, row_begin, row_count - done, &dictionary_full)
                                        : AppendPlain(column, row_begin, row_count - done);
      AppendLevels(validity + row_begin, consumed, may_have_nulls);
      done += consumed;
      if (dictionary_full) {
        SLUICE_RETURN_IF_ERROR(FallBackToPlain());
      } else if (OpenPageBytes() >= PageTargetBytes()) {
        SLUICE_RETURN_IF_ERROR(FlushPage());
      }
    }
    return Status::Ok();
  }

 protected:
  size_t DictionaryBytes() const override { return dictionary_.page().size(); }

  Status FlushDictionaryPage() override {
    if (dictionary_.size() == 0) return Status::Ok();
    return EmitDictionaryPage(dictionary_.page().view(), dictionary_.size());
  }

  Statistics ChunkStatistics() const override {
    Statistics statistics;
    if (!stats_.has_value() || stats_.min().size() > kMaxStatisticsValueBytes ||
        stats_.max().size() > kMaxStatisticsValueBytes) {
      return statistics;
    }
    statistics.min_value = stats_.min();
    statistics.max_value = stats_.max();
    return statistics;
  }

  void ResetValues() override {
    ResetPage();
    dictionary_.Clear();
    stats_.Reset();
  }

 private:
  // Whether the open page is full with `value_bytes` of values and
  // `rows_added` rows more than page_rows(), counting a level bit per row.
  bool PageFull(size_t value_bytes, size_t rows_added) const {
    size_t level_bytes = optional() ? (page_rows() + rows_added) / 8 : 0;
    return value_bytes + level_bytes >= PageTargetBytes();
  }

  // Encodes rows PLAIN until the page is full; returns the rows consumed.
  size_t AppendPlain(const ColumnVector& column, size_t row_begin, size_t row_count) {
    const int64_t* offsets = column.offsets();
    const char* bytes = column.byte_data().data();
    const uint8_t* validity = column.validity();
    // A page fills to data_page_bytes (plus at most a value): size it once
    // rather than grow it by copies. Untouched capacity costs no memory.
    if (plain_.capacity() == 0) plain_.Reserve(options_.data_page_bytes + 64);
    size_t row = row_begin;
    size_t row_end = row_begin + row_count;
    while (row < row_end) {
      bool present = validity[row] != 0;
      if (present) {
        size_t length = static_cast<size_t>(offsets[row + 1] - offsets[row]);
        std::string_view value(bytes + offsets[row], length);
        uint8_t* out = plain_.Extend(4 + length);
        StoreLittleEndian(static_cast<uint32_t>(length), out);
        if (length > 0) std::memcpy(out + 4, value.data(), length);
        stats_.Update(value);
      }
      ++row;
      if (present && PageFull(plain_.size(), row - row_begin)) break;
    }
    return row - row_begin;
  }

  // Encodes rows as dictionary indices until the page is full or the
  // dictionary is (then sets *dictionary_full); returns the rows consumed.
  size_t AppendDictionary(const ColumnVector& column, size_t row_begin, size_t row_count, bool* dictionary_full) {
    const int64_t* offsets = column.offsets();
    const char* bytes = column.byte_data().data();
    const uint8_t* validity = column.validity();
    size_t row = row_begin;
    size_t row_end = row_begin + row_count;
    while (row < row_end) {
      if (validity[row] != 0) {
        size_t length = static_cast<size_t>(offsets[row + 1] - offsets[row]);
        std::string_view value(bytes + offsets[row], length);
        size_t entries_before = dictionary_.size();
        int64_t index = dictionary_.FindOrInsert(value, options_.dictionary_page_bytes);
        if (index < 0) {
          *dictionary_full = true;
          break;
        }
        if (dictionary_.size() != entries_before) stats_.Update(value);
        indices_.push_back(static_cast<uint32_t>(index));
        page_plain_bytes_ += 4 + length;
        ++row;
        if (PageFull(OpenPageValueBytes(), row - row_begin)) break;
      } else {
        ++row;
      }
    }
    return row - row_begin;
  }

  ByteArrayMinMax stats_;
  ByteArrayDictionary dictionary_;
};

}  // namespace

std::unique_ptr<ColumnWriter> MakeByteArrayColumnWriter(const Field& field, const WriterOptions& options,
                                                        EncodingContext* context) {
  return std::make_unique<ByteArrayColumnWriter>(field, options, context);
}

}  // namespace sluice::parquet
