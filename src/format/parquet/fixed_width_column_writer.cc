// Column writers for fixed-width physical types: INT32, INT64, FLOAT,
// DOUBLE and DECIMAL as FIXED_LEN_BYTE_ARRAY. One template, instantiated
// per (sluice storage type, Parquet encoding) pair by a small Codec:
//
//   Codec::Storage      the ColumnVector storage type (types/data_type.h)
//   Codec::kIdentity    true when the storage bytes are the PLAIN bytes
//   Codec::kSlackBytes  bytes Encode may write past width() (overwritten by the next value)
//   width()             PLAIN bytes per value
//   Encode(value, out)  writes the PLAIN bytes of one value
//
// Statistics and dictionary keys work on the storage value, whose natural
// order is the Parquet order (see statistics.h); narrow integer and
// decimal columns are checked against their type's range through those
// statistics, so a value that would not survive the narrowing is a
// DataError, never silently wrapped.
#include <fmt/format.h>

#include <algorithm>
#include <cstring>
#include <optional>
#include <vector>

#include "format/parquet/dictionary.h"
#include "format/parquet/dictionary_column_writer.h"
#include "format/parquet/statistics.h"
#include "types/decimal.h"
#include "types/temporal.h"

namespace sluice::parquet {
namespace {

// Storage value -> INT32/INT64/FLOAT/DOUBLE (a two's complement narrowing
// or reinterpretation; the range check guarantees it is exact).
template <typename StorageType, typename PhysicalValue>
struct ScalarCodec {
  using Storage = StorageType;
  static constexpr bool kIdentity = sizeof(Storage) == sizeof(PhysicalValue);
  static constexpr size_t kSlackBytes = 0;
  static constexpr size_t width() { return sizeof(PhysicalValue); }
  static void Encode(Storage value, uint8_t* out) { StoreLittleEndian(static_cast<PhysicalValue>(value), out); }
};

// Unscaled __int128 -> DECIMAL as FIXED_LEN_BYTE_ARRAY(byte_length),
// big-endian two's complement.
struct DecimalFixedLenCodec {
  using Storage = __int128;
  static constexpr bool kIdentity = false;
  static constexpr size_t kSlackBytes = 16;
  size_t byte_length = 16;
  size_t width() const { return byte_length; }
  // Writes 16 bytes: the big-endian value shifted so its low byte_length
  // bytes come first.
  void Encode(Storage value, uint8_t* out) const {
    unsigned __int128 shifted = static_cast<unsigned __int128>(value) << (8 * (16 - byte_length));
    StoreLittleEndian(__builtin_bswap64(static_cast<uint64_t>(shifted >> 64)), out);
    StoreLittleEndian(__builtin_bswap64(static_cast<uint64_t>(shifted)), out + 8);
  }
};

template <typename T>
struct KeyOf;
template <>
struct KeyOf<int32_t> {
  using type = uint32_t;
};
template <>
struct KeyOf<int64_t> {
  using type = uint64_t;
};
template <>
struct KeyOf<uint64_t> {
  using type = uint64_t;
};
template <>
struct KeyOf<float> {
  using type = uint32_t;
};
template <>
struct KeyOf<double> {
  using type = uint64_t;
};
template <>
struct KeyOf<__int128> {
  using type = unsigned __int128;
};

template <typename To, typename From>
To BitCopy(From value) {
  static_assert(sizeof(To) == sizeof(From));
  To result;
  std::memcpy(&result, &value, sizeof(To));
  return result;
}

template <typename T>
std::string ValueToString(T value) {
  if constexpr (std::is_same_v<T, __int128>) {
    return Int128ToString(value);
  } else {
    return fmt::format("{}", value);
  }
}

template <typename Codec>
class FixedWidthColumnWriter final : public DictionaryColumnWriter<FixedWidthColumnWriter<Codec>> {
  using Base = DictionaryColumnWriter<FixedWidthColumnWriter<Codec>>;
  using Storage = typename Codec::Storage;
  using Key = typename KeyOf<Storage>::type;
  // Members of the dependent base, named once.
  using Base::AppendLevels;
  using Base::context_;
  using Base::dictionary_data_pages;
  using Base::EmitDictionaryPage;
  using Base::FallBackToPlain;
  using Base::field;
  using Base::FlushPage;
  using Base::IndexBitWidth;
  using Base::indices_;
  using Base::OpenPageBytes;
  using Base::options_;
  using Base::page_plain_bytes_;
  using Base::PageTargetBytes;
  using Base::plain_;
  using Base::RowsUntilPageFull;
  using Base::use_dictionary_;

 public:
  struct Range {
    Storage min;
    Storage max;
  };

  FixedWidthColumnWriter(const Field& field, const WriterOptions& options, EncodingContext* context, Codec codec,
                         std::optional<Range> range)
      : Base(field, options, context), codec_(codec), range_(range) {}

  size_t DictionaryEntries() const { return dictionary_.size(); }

  Status Write(const ColumnVector& column, size_t row_offset, size_t row_count) override {
    const Storage* values = column.data<Storage>() + row_offset;
    const uint8_t* validity = column.validity() + row_offset;
    bool may_have_nulls = column.null_count() > 0;
    size_t done = 0;
    while (done < row_count) {
      size_t value_bits =
          use_dictionary_ && dictionary_data_pages() > 0 ? IndexBitWidth(dictionary_.size() + 1) : codec_.width() * 8;
      size_t rows = std::min(row_count - done, RowsUntilPageFull(value_bits));
      size_t consumed = use_dictionary_ ? AppendDictionary(values + done, validity + done, rows, may_have_nulls)
                                        : AppendPlain(values + done, validity + done, rows, may_have_nulls);
      AppendLevels(validity + done, consumed, may_have_nulls);
      done += consumed;
      if (consumed < rows) {
        SLUICE_RETURN_IF_ERROR(FallBackToPlain());  // the dictionary is full
      } else if (OpenPageBytes() >= PageTargetBytes()) {
        SLUICE_RETURN_IF_ERROR(FlushPage());
      }
    }
    return CheckRange();
  }

 protected:
  size_t DictionaryBytes() const override { return dictionary_.size() * codec_.width(); }

  Status FlushDictionaryPage() override {
    if (dictionary_.size() == 0) return Status::Ok();
    size_t width = codec_.width();
    context_->values.Clear();
    uint8_t* out = context_->values.Extend(dictionary_.size() * width + Codec::kSlackBytes);
    for (Key key : dictionary_.entries()) {
      codec_.Encode(BitCopy<Storage>(key), out);
      out += width;
    }
    context_->values.Truncate(dictionary_.size() * width);
    return EmitDictionaryPage(context_->values.view(), dictionary_.size());
  }

  Statistics ChunkStatistics() const override {
    Statistics statistics;
    if (!stats_.has_value()) return statistics;
    statistics.min_value = EncodeOne(stats_.min());
    statistics.max_value = EncodeOne(stats_.max());
    return statistics;
  }

  void ResetValues() override {
    Base::ResetPage();
    dictionary_.Clear();
    stats_.Reset();
  }

 private:
  size_t AppendPlain(const Storage* values, const uint8_t* validity, size_t rows, bool may_have_nulls) {
    size_t width = codec_.width();
    // A page fills to data_page_bytes (plus at most a value): size it once
    // rather than grow it by copies. Untouched capacity costs no memory.
    if (plain_.capacity() == 0) plain_.Reserve(options_.data_page_bytes + width + Codec::kSlackBytes);
    uint8_t* out = plain_.Extend(rows * width + Codec::kSlackBytes);
    if (!may_have_nulls) {
      stats_.UpdateMany(values, rows);
      if constexpr (Codec::kIdentity) {
        std::memcpy(out, values, rows * width);
        out += rows * width;
      } else {
        for (size_t row = 0; row < rows; ++row, out += width) codec_.Encode(values[row], out);
      }
    } else {
      for (size_t row = 0; row < rows; ++row) {
        if (!validity[row]) continue;
        stats_.Update(values[row]);
        codec_.Encode(values[row], out);
        out += width;
      }
    }
    plain_.Truncate(static_cast<size_t>(out - plain_.data()));
    return rows;
  }

  // Returns the rows consumed: fewer than `rows` when the dictionary is full.
  size_t AppendDictionary(const Storage* values, const uint8_t* validity, size_t rows, bool may_have_nulls) {
    size_t max_entries = options_.dictionary_page_bytes / codec_.width();
    size_t indices_before = indices_.size();
    size_t row = 0;
    for (; row < rows; ++row) {
      if (may_have_nulls && !validity[row]) continue;
      size_t entries_before = dictionary_.size();
      int64_t index = dictionary_.FindOrInsert(BitCopy<Key>(values[row]), max_entries);
      if (index < 0) break;
      if (dictionary_.size() != entries_before) stats_.Update(values[row]);
      indices_.push_back(static_cast<uint32_t>(index));
    }
    page_plain_bytes_ += (indices_.size() - indices_before) * codec_.width();
    return row;
  }

  std::string EncodeOne(Storage value) const {
    uint8_t bytes[32];
    codec_.Encode(value, bytes);
    return std::string(reinterpret_cast<const char*>(bytes), codec_.width());
  }

  Status CheckRange() const {
    if (!range_ || !stats_.has_value()) return Status::Ok();
    Storage bad = stats_.min() < range_->min ? stats_.min() : stats_.max();
    if (!(bad < range_->min || bad > range_->max)) return Status::Ok();
    return DataError("column '{}' ({}): value {} does not fit the column's type (range {}..{})", field().name,
                     field().type.ToString(), ValueToString(bad), ValueToString(range_->min),
                     ValueToString(range_->max));
  }

  Codec codec_;
  std::optional<Range> range_;
  MinMax<Storage> stats_;
  FixedDictionary<Key> dictionary_;
};

template <typename Codec>
std::unique_ptr<ColumnWriter> Make(const Field& field, const WriterOptions& options, EncodingContext* context,
                                   Codec codec = Codec(),
                                   std::optional<typename FixedWidthColumnWriter<Codec>::Range> range = std::nullopt) {
  return std::make_unique<FixedWidthColumnWriter<Codec>>(field, options, context, codec, range);
}

template <typename Codec>
std::unique_ptr<ColumnWriter> MakeRanged(const Field& field, const WriterOptions& options, EncodingContext* context,
                                         typename Codec::Storage min, typename Codec::Storage max) {
  return Make<Codec>(field, options, context, Codec(), typename FixedWidthColumnWriter<Codec>::Range{min, max});
}

std::unique_ptr<ColumnWriter> MakeDecimal(const Field& field, const WriterOptions& options, EncodingContext* context) {
  int precision = field.type.precision;
  __int128 largest = PowerOfTen(precision) - 1;
  if (precision <= 9) {
    using Codec = ScalarCodec<int64_t, int32_t>;
    return MakeRanged<Codec>(field, options, context, -static_cast<int64_t>(largest), static_cast<int64_t>(largest));
  }
  if (precision <= kMaxInt64DecimalPrecision) {
    using Codec = ScalarCodec<int64_t, int64_t>;
    return MakeRanged<Codec>(field, options, context, -static_cast<int64_t>(largest), static_cast<int64_t>(largest));
  }
  DecimalFixedLenCodec codec;
  codec.byte_length = static_cast<size_t>(DecimalByteLength(precision));
  return Make<DecimalFixedLenCodec>(field, options, context, codec,
                                    FixedWidthColumnWriter<DecimalFixedLenCodec>::Range{-largest, largest});
}

}  // namespace

std::unique_ptr<ColumnWriter> MakeFixedWidthColumnWriter(const Field& field, const WriterOptions& options,
                                                         EncodingContext* context) {
  using Int32 = ScalarCodec<int32_t, int32_t>;
  using Int64 = ScalarCodec<int64_t, int64_t>;
  switch (field.type.id) {
    case TypeId::kInt8: return MakeRanged<Int32>(field, options, context, -128, 127);
    case TypeId::kInt16: return MakeRanged<Int32>(field, options, context, -32768, 32767);
    case TypeId::kUInt8: return MakeRanged<Int32>(field, options, context, 0, 255);
    case TypeId::kUInt16: return MakeRanged<Int32>(field, options, context, 0, 65535);
    case TypeId::kInt32:
    case TypeId::kDate: return Make<Int32>(field, options, context);
    case TypeId::kUInt32: return MakeRanged<ScalarCodec<int64_t, int32_t>>(field, options, context, 0, 4294967295LL);
    case TypeId::kInt64:
    // kTime: microseconds, kept exact whatever the sign or size. A time of day
    // is 0..24:00:00, but MySQL's TIME is a duration (-838:59:59..838:59:59);
    // SPEC §5 writes it as TIME(MICROS) and leaves the mapping of values
    // outside a day to the target (DuckDB keeps the microseconds).
    case TypeId::kTime:
    case TypeId::kTimestamp:
    case TypeId::kTimestampTz: return Make<Int64>(field, options, context);
    case TypeId::kUInt64: return Make<ScalarCodec<uint64_t, int64_t>>(field, options, context);
    case TypeId::kFloat32: return Make<ScalarCodec<float, float>>(field, options, context);
    case TypeId::kFloat64: return Make<ScalarCodec<double, double>>(field, options, context);
    case TypeId::kDecimal: return MakeDecimal(field, options, context);
    default: return nullptr;  // not a fixed-width Parquet type; see MakeColumnWriter
  }
}

}  // namespace sluice::parquet
