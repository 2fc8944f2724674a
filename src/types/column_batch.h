// ColumnVector and ColumnBatch: the unit that flows between stages.
//
// A source fills a ColumnBatch with up to batch_size rows; the encoder,
// validators and targets read it. Columnar, like Arrow: per column a
// validity byte per row (1 = value present), and either a fixed-width
// value array (a zero is stored under a NULL, so row i is always at i) or,
// for byte-typed columns, offsets into one contiguous byte buffer.
// The storage of each DataType is listed in types/data_type.h.
//
// Not thread-safe; a batch is owned by one stage at a time.
#pragma once

#include <cassert>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "types/schema.h"

namespace sluice {

using int128_t = __int128;

class ColumnVector {
 public:
  explicit ColumnVector(DataType type);

  const DataType& type() const { return type_; }
  size_t size() const { return validity_.size(); }
  size_t null_count() const { return null_count_; }

  // Reserves room for `rows` more rows and, for byte columns, `bytes` more payload bytes.
  void Reserve(size_t rows, size_t bytes = 0);
  void AppendNull();
  // REQUIRES: T is the storage type of type() (see data_type.h).
  template <typename T>
  void Append(T value) {
    assert(sizeof(T) == type_.fixed_width());
    if (values_size_ + sizeof(T) > values_.size()) GrowValues(sizeof(T));
    std::memcpy(values_.data() + values_size_, &value, sizeof(T));
    values_size_ += sizeof(T);
    validity_.push_back(1);
  }
  // REQUIRES: type().is_bytes()
  void AppendBytes(std::string_view value) {
    assert(type_.is_bytes());
    bytes_.append(value);
    offsets_.push_back(static_cast<int64_t>(bytes_.size()));
    validity_.push_back(1);
  }

  bool IsNull(size_t row) const { return validity_[row] == 0; }
  // One byte per row, 1 = present.
  const uint8_t* validity() const { return validity_.data(); }
  // REQUIRES: T is the storage type of type().
  template <typename T>
  const T* data() const {
    assert(sizeof(T) == type_.fixed_width());
    return reinterpret_cast<const T*>(values_.data());
  }
  template <typename T>
  T Value(size_t row) const {
    T value;
    std::memcpy(&value, values_.data() + row * sizeof(T), sizeof(T));
    return value;
  }
  // REQUIRES: type().is_bytes(); "" for NULL.
  std::string_view Bytes(size_t row) const {
    int64_t begin = offsets_[row];
    return std::string_view(bytes_.data() + begin, static_cast<size_t>(offsets_[row + 1] - begin));
  }
  // Byte columns: offsets_[row]..offsets_[row + 1] delimit row's bytes in byte_data().
  const int64_t* offsets() const { return offsets_.data(); }
  const std::string& byte_data() const { return bytes_; }

  // Memory held by the values (not capacity), for batch sizing.
  size_t ByteSize() const { return validity_.size() + values_size_ + bytes_.size() + offsets_.size() * 8; }
  // Empties the column, keeping its allocations.
  void Clear();

 private:
  DataType type_;
  std::vector<uint8_t> validity_;
  // Room for at least `bytes` more value bytes (zero-filled only when it grows).
  void GrowValues(size_t bytes);

  // Fixed-width storage: the first values_size_ bytes are the values; the
  // rest is room kept across Clear(), so appending a value is a copy, not a
  // vector resize that zero-fills (a fifth of a MariaDB reader's time).
  std::vector<uint8_t> values_;
  size_t values_size_ = 0;
  std::vector<int64_t> offsets_;  // byte storage: size() + 1 entries, offsets_[0] = 0
  std::string bytes_;
  size_t null_count_ = 0;
};

class ColumnBatch {
 public:
  explicit ColumnBatch(SchemaPtr schema);

  const Schema& schema() const { return *schema_; }
  const SchemaPtr& schema_ptr() const { return schema_; }
  size_t num_columns() const { return columns_.size(); }
  // Rows in the batch. REQUIRES: every column has the same length (see Validate).
  size_t num_rows() const { return columns_.empty() ? 0 : columns_[0].size(); }
  ColumnVector& column(size_t column_idx) { return columns_[column_idx]; }
  const ColumnVector& column(size_t column_idx) const { return columns_[column_idx]; }

  size_t ByteSize() const;
  void Reserve(size_t rows);
  void Clear();
  // True when every column has the same number of rows.
  bool ColumnsHaveEqualLength() const;

 private:
  SchemaPtr schema_;
  std::vector<ColumnVector> columns_;
};

}  // namespace sluice
