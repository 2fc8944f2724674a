// The column writer for BOOLEAN: PLAIN only (one bit per value, LSB
// first); dictionary encoding would never pay for two values.
// Statistics: false < true.
#include <algorithm>
#include <vector>

#include "format/parquet/column_writer.h"
#include "format/parquet/rle_encoder.h"

namespace sluice::parquet {
namespace {

class BooleanColumnWriter final : public ColumnWriter {
 public:
  using ColumnWriter::ColumnWriter;

  Status Write(const ColumnVector& column, size_t row_offset, size_t row_count) override {
    const uint8_t* values = column.data<uint8_t>() + row_offset;
    const uint8_t* validity = column.validity() + row_offset;
    bool may_have_nulls = column.null_count() > 0;
    size_t done = 0;
    while (done < row_count) {
      size_t rows = std::min(row_count - done, RowsUntilPageFull(1));
      size_t start = page_values_.size();
      page_values_.resize(start + rows);
      uint8_t* out = page_values_.data() + start;
      for (size_t row = done; row < done + rows; ++row) {
        if (may_have_nulls && !validity[row]) continue;
        uint8_t value = values[row] != 0 ? 1 : 0;
        seen_false_ |= value == 0;
        seen_true_ |= value == 1;
        *out++ = value;
      }
      page_values_.resize(static_cast<size_t>(out - page_values_.data()));
      AppendLevels(validity + done, rows, may_have_nulls);
      done += rows;
      if (OpenPageBytes() >= options_.data_page_bytes) SLUICE_RETURN_IF_ERROR(FlushPage());
    }
    return Status::Ok();
  }

 protected:
  size_t OpenPageValueBytes() const override { return (page_values_.size() + 7) / 8; }

  Status FlushPage() override {
    if (page_rows() == 0) return Status::Ok();
    context_->values.Clear();
    BitPack(page_values_.data(), page_values_.size(), 1, &context_->values);
    page_values_.clear();
    return EmitDataPage(context_->values.view(), Encoding::kPlain);
  }

  Statistics ChunkStatistics() const override {
    Statistics statistics;
    if (!seen_false_ && !seen_true_) return statistics;
    statistics.min_value = std::string(1, seen_false_ ? '\0' : '\1');
    statistics.max_value = std::string(1, seen_true_ ? '\1' : '\0');
    return statistics;
  }

  void ResetValues() override {
    page_values_.clear();
    seen_false_ = false;
    seen_true_ = false;
  }

 private:
  std::vector<uint8_t> page_values_;  // the open page's non-NULL values, 0 or 1
  bool seen_false_ = false;
  bool seen_true_ = false;
};

}  // namespace

std::unique_ptr<ColumnWriter> MakeBooleanColumnWriter(const Field& field, const WriterOptions& options,
                                                      EncodingContext* context) {
  return std::make_unique<BooleanColumnWriter>(field, options, context);
}

}  // namespace sluice::parquet
