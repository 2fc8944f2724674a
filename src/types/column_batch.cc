#include "types/column_batch.h"

#include <algorithm>

namespace sluice {

ColumnVector::ColumnVector(DataType type) : type_(type) {
  if (type_.is_bytes()) offsets_.push_back(0);
}

void ColumnVector::Reserve(size_t rows, size_t bytes) {
  validity_.reserve(validity_.size() + rows);
  if (type_.is_bytes()) {
    offsets_.reserve(offsets_.size() + rows);
    bytes_.reserve(bytes_.size() + bytes);
  } else if (values_size_ + rows * type_.fixed_width() > values_.size()) {
    values_.resize(values_size_ + rows * type_.fixed_width());
  }
}

void ColumnVector::GrowValues(size_t bytes) {
  values_.resize(std::max({values_.size() * 2, values_size_ + bytes, size_t{64}}));
}

void ColumnVector::AppendNull() {
  if (type_.is_bytes()) {
    offsets_.push_back(static_cast<int64_t>(bytes_.size()));
  } else {
    size_t width = type_.fixed_width();
    if (values_size_ + width > values_.size()) GrowValues(width);
    std::memset(values_.data() + values_size_, 0, width);  // the room may hold a value from before Clear()
    values_size_ += width;
  }
  validity_.push_back(0);
  ++null_count_;
}

void ColumnVector::Clear() {
  validity_.clear();
  values_size_ = 0;
  bytes_.clear();
  offsets_.clear();
  if (type_.is_bytes()) offsets_.push_back(0);
  null_count_ = 0;
}

ColumnBatch::ColumnBatch(SchemaPtr schema) : schema_(std::move(schema)) {
  columns_.reserve(schema_->fields.size());
  for (const Field& field : schema_->fields) columns_.emplace_back(field.type);
}

size_t ColumnBatch::ByteSize() const {
  size_t total = 0;
  for (const ColumnVector& column : columns_) total += column.ByteSize();
  return total;
}

void ColumnBatch::Reserve(size_t rows) {
  for (ColumnVector& column : columns_) column.Reserve(rows);
}

void ColumnBatch::Clear() {
  for (ColumnVector& column : columns_) column.Clear();
}

bool ColumnBatch::ColumnsHaveEqualLength() const {
  for (const ColumnVector& column : columns_) {
    if (column.size() != num_rows()) return false;
  }
  return true;
}

}  // namespace sluice
