#include "source/mysql/mysql_decode.h"

#include <charconv>
#include <limits>

#include <fmt/format.h>

#include "source/mysql/mysql_types.h"
#include "source/mysql/mysql_wire.h"
#include "source/text_values.h"
#include "types/decimal.h"
#include "types/temporal.h"

namespace sluice::source::mysql {
namespace {

using Int128 = __int128;

// ---- integers ------------------------------------------------------------

template <typename WireT, typename StorageT, bool kChecked>
void DecodeInteger(const unsigned char** row, ColumnVector* out, RowDecoder* decoder) {
  WireT value = LoadLittleEndian<WireT>(*row);
  *row += sizeof(WireT);
  if constexpr (kChecked) {
    if (static_cast<Int128>(value) < decoder->min_value() || static_cast<Int128>(value) > decoder->max_value()) {
      decoder->Fail(out, DataError("{} is out of range for {}", static_cast<Int128>(value) < 0
                                                                     ? std::to_string(static_cast<int64_t>(value))
                                                                     : std::to_string(static_cast<uint64_t>(value)),
                                   out->type().ToString()));
      return;
    }
  }
  out->Append<StorageT>(static_cast<StorageT>(value));
}

// ---- decimals ------------------------------------------------------------

// The common case for decimal(p <= 18, s): the server's canonical text
// "[-]digits[.s digits]". False when the text has another shape (the exact
// parser then decides).
bool ParseCanonicalDecimal64(std::string_view text, int precision, int scale, int64_t* unscaled) {
  size_t position = 0;
  bool negative = !text.empty() && text[0] == '-';
  if (negative) ++position;
  int64_t value = 0;
  int integer_digits = 0;
  int fraction_digits = 0;
  bool in_fraction = false;
  for (; position < text.size(); ++position) {
    char c = text[position];
    if (c == '.' && !in_fraction) {
      in_fraction = true;
      continue;
    }
    if (c < '0' || c > '9') return false;
    value = value * 10 + (c - '0');
    (in_fraction ? fraction_digits : integer_digits) += 1;
    if (integer_digits + fraction_digits > kMaxInt64DecimalPrecision) return false;
  }
  if (fraction_digits != scale || integer_digits == 0 || integer_digits > precision - scale) return false;
  *unscaled = negative ? -value : value;
  return true;
}

void AppendDecimalText(std::string_view text, ColumnVector* out, RowDecoder* decoder) {
  const DataType& type = out->type();
  switch (type.storage()) {
    case Storage::kInt64: {
      int64_t unscaled = 0;
      if (ParseCanonicalDecimal64(text, type.precision, type.scale, &unscaled)) {
        out->Append<int64_t>(unscaled);
        return;
      }
      auto parsed = ParseDecimal(text, type.precision, type.scale);
      if (!parsed) return decoder->Fail(out, parsed.error());
      out->Append<int64_t>(static_cast<int64_t>(*parsed));
      return;
    }
    case Storage::kInt128: {
      auto parsed = ParseDecimal(text, type.precision, type.scale);
      if (!parsed) return decoder->Fail(out, parsed.error());
      out->Append<Int128>(*parsed);
      return;
    }
    default: {
      std::string& scratch = decoder->scratch();
      scratch.clear();
      Status status = source::AppendDecimalText(text, type, &scratch);
      if (!status.ok()) return decoder->Fail(out, status);
      out->AppendBytes(scratch);
      return;
    }
  }
}

void DecodeDecimal(const unsigned char** row, ColumnVector* out, RowDecoder* decoder) {
  AppendDecimalText(ReadBytes(row), out, decoder);
}

// An integer result column read into a decimal column of another shape (rare: custom SQL, changed tables).
template <typename WireT>
void DecodeIntegerAsDecimal(const unsigned char** row, ColumnVector* out, RowDecoder* decoder) {
  WireT value = LoadLittleEndian<WireT>(*row);
  *row += sizeof(WireT);
  char buffer[32];
  auto result = std::to_chars(buffer, buffer + sizeof(buffer), value);
  AppendDecimalText(std::string_view(buffer, static_cast<size_t>(result.ptr - buffer)), out, decoder);
}

// ---- floats, bits --------------------------------------------------------

template <typename WireT, typename StorageT>
void DecodeFloat(const unsigned char** row, ColumnVector* out, RowDecoder*) {
  WireT value = LoadLittleEndian<WireT>(*row);
  *row += sizeof(WireT);
  out->Append<StorageT>(static_cast<StorageT>(value));
}

uint64_t BigEndianBits(std::string_view bytes) {
  uint64_t value = 0;
  for (char byte : bytes) value = value << 8 | static_cast<unsigned char>(byte);
  return value;
}

void DecodeBitBoolean(const unsigned char** row, ColumnVector* out, RowDecoder* decoder) {
  uint64_t value = BigEndianBits(ReadBytes(row));
  if (value > 1) return decoder->Fail(out, DataError("the bits {} are not a boolean (0 or 1)", value));
  out->Append<uint8_t>(static_cast<uint8_t>(value));
}

void DecodeTinyBoolean(const unsigned char** row, ColumnVector* out, RowDecoder* decoder) {
  int value = static_cast<int8_t>(**row);
  *row += 1;
  if (value != 0 && value != 1) return decoder->Fail(out, DataError("{} is not a boolean (0 or 1)", value));
  out->Append<uint8_t>(static_cast<uint8_t>(value));
}

void DecodeBitInt64(const unsigned char** row, ColumnVector* out, RowDecoder*) {
  // BIT(64) values past 2^63 - 1 keep their bit pattern (two's complement).
  out->Append<int64_t>(static_cast<int64_t>(BigEndianBits(ReadBytes(row))));
}

// ---- dates and times -----------------------------------------------------

template <bool kWithTime>
void DecodeDate(const unsigned char** row, ColumnVector* out, RowDecoder* decoder) {
  WireDateTime value = ReadDateTime(row);
  if (!IsValidCivilDate(value.year, value.month, value.day)) return decoder->ZeroDate(out, value, kWithTime);
  out->Append<int32_t>(static_cast<int32_t>(DaysFromCivil(value.year, value.month, value.day)));
}

template <bool kWithTime>
void DecodeTimestamp(const unsigned char** row, ColumnVector* out, RowDecoder* decoder) {
  WireDateTime value = ReadDateTime(row);
  if (!IsValidCivilDate(value.year, value.month, value.day)) return decoder->ZeroDate(out, value, kWithTime);
  int64_t days = DaysFromCivil(value.year, value.month, value.day);
  int64_t seconds = days * 86400 + (value.hour * 60 + value.minute) * 60 + value.second;
  out->Append<int64_t>(seconds * kMicrosPerSecond + value.micros);
}

void DecodeTime(const unsigned char** row, ColumnVector* out, RowDecoder*) {
  out->Append<int64_t>(ReadTimeMicros(row));
}

// ---- byte strings --------------------------------------------------------

void DecodeText(const unsigned char** row, ColumnVector* out, RowDecoder* decoder) {
  std::string_view bytes = ReadBytes(row);
  if (!IsValidUtf8(bytes)) {
    return decoder->Fail(out, DataError("a value of {} bytes is not valid UTF-8, so it cannot be a {}", bytes.size(),
                                        out->type().ToString()));
  }
  out->AppendBytes(bytes);
}

void DecodeBinary(const unsigned char** row, ColumnVector* out, RowDecoder*) { out->AppendBytes(ReadBytes(row)); }

// MySQL's internal geometry: a 4-byte SRID, then WKB.
void DecodeGeometry(const unsigned char** row, ColumnVector* out, RowDecoder*) {
  std::string_view bytes = ReadBytes(row);
  out->AppendBytes(bytes.size() >= 4 ? bytes.substr(4) : bytes);
}

// ---- choosing a decoder --------------------------------------------------

std::pair<int64_t, int64_t> BoundsOf(TypeId id) {
  switch (id) {
    case TypeId::kInt8: return {-128, 127};
    case TypeId::kInt16: return {-32768, 32767};
    case TypeId::kInt32: return {std::numeric_limits<int32_t>::min(), std::numeric_limits<int32_t>::max()};
    case TypeId::kUInt8: return {0, 255};
    case TypeId::kUInt16: return {0, 65535};
    case TypeId::kUInt32: return {0, 4294967295LL};
    default: return {std::numeric_limits<int64_t>::min(), std::numeric_limits<int64_t>::max()};
  }
}

template <typename WireT>
ColumnDecoder IntegerDecoder(const DataType& type) {
  auto [min, max] = BoundsOf(type.id);
  bool fits = static_cast<Int128>(std::numeric_limits<WireT>::min()) >= min &&
              static_cast<Int128>(std::numeric_limits<WireT>::max()) <= max;
  switch (type.storage()) {
    case Storage::kInt32:
      return fits ? DecodeInteger<WireT, int32_t, false> : DecodeInteger<WireT, int32_t, true>;
    case Storage::kInt64:
      if (type.id == TypeId::kDecimal) break;
      return fits ? DecodeInteger<WireT, int64_t, false> : DecodeInteger<WireT, int64_t, true>;
    case Storage::kInt128:
      // decimal(p >= 20, 0) holds every 64-bit integer.
      if (type.scale == 0 && type.precision >= 20) return DecodeInteger<WireT, Int128, false>;
      break;
    default: break;
  }
  if (type.id == TypeId::kDecimal) return DecodeIntegerAsDecimal<WireT>;
  return nullptr;
}

ColumnDecoder IntegerWireDecoder(const MYSQL_FIELD& field, const DataType& type) {
  bool is_unsigned = (field.flags & UNSIGNED_FLAG) != 0 || field.type == MYSQL_TYPE_YEAR;
  if (type.id == TypeId::kBoolean) return field.type == MYSQL_TYPE_TINY ? DecodeTinyBoolean : nullptr;
  switch (field.type) {
    case MYSQL_TYPE_TINY: return is_unsigned ? IntegerDecoder<uint8_t>(type) : IntegerDecoder<int8_t>(type);
    case MYSQL_TYPE_SHORT:
    case MYSQL_TYPE_YEAR: return is_unsigned ? IntegerDecoder<uint16_t>(type) : IntegerDecoder<int16_t>(type);
    case MYSQL_TYPE_INT24:
    case MYSQL_TYPE_LONG: return is_unsigned ? IntegerDecoder<uint32_t>(type) : IntegerDecoder<int32_t>(type);
    default: return is_unsigned ? IntegerDecoder<uint64_t>(type) : IntegerDecoder<int64_t>(type);
  }
}

bool IsBytesWire(enum_field_types type) {
  return FixedWireSize(type) == 0 && !IsTemporalWire(type) && type != MYSQL_TYPE_NEWDECIMAL &&
         type != MYSQL_TYPE_DECIMAL && type != MYSQL_TYPE_BIT && type != MYSQL_TYPE_NULL;
}

// The decoder for result column `field` into a column of `type`, or null when there is none.
ColumnDecoder DecoderFor(const MYSQL_FIELD& field, const DataType& type) {
  enum_field_types wire = field.type;
  bool integer_wire = FixedWireSize(wire) > 0 && wire != MYSQL_TYPE_FLOAT && wire != MYSQL_TYPE_DOUBLE;
  if (integer_wire) return IntegerWireDecoder(field, type);
  switch (type.id) {
    case TypeId::kBoolean: return wire == MYSQL_TYPE_BIT ? DecodeBitBoolean : nullptr;
    case TypeId::kInt64: return wire == MYSQL_TYPE_BIT ? DecodeBitInt64 : nullptr;
    case TypeId::kFloat32: return wire == MYSQL_TYPE_FLOAT ? DecodeFloat<float, float> : nullptr;
    case TypeId::kFloat64:
      if (wire == MYSQL_TYPE_FLOAT) return DecodeFloat<float, double>;
      return wire == MYSQL_TYPE_DOUBLE ? DecodeFloat<double, double> : nullptr;
    case TypeId::kDecimal:
      return wire == MYSQL_TYPE_NEWDECIMAL || wire == MYSQL_TYPE_DECIMAL ? DecodeDecimal : nullptr;
    case TypeId::kDate:
      return wire == MYSQL_TYPE_DATE || wire == MYSQL_TYPE_NEWDATE ? DecodeDate<false> : nullptr;
    case TypeId::kTimestamp:
    case TypeId::kTimestampTz:
      if (wire == MYSQL_TYPE_DATE || wire == MYSQL_TYPE_NEWDATE) return DecodeTimestamp<false>;
      return IsTemporalWire(wire) && wire != MYSQL_TYPE_TIME && wire != MYSQL_TYPE_TIME2 ? DecodeTimestamp<true>
                                                                                           : nullptr;
    case TypeId::kTime: return wire == MYSQL_TYPE_TIME || wire == MYSQL_TYPE_TIME2 ? DecodeTime : nullptr;
    case TypeId::kString:
    case TypeId::kJson: return IsBytesWire(wire) && wire != MYSQL_TYPE_GEOMETRY ? DecodeText : nullptr;
    case TypeId::kBinary:
      if (wire == MYSQL_TYPE_GEOMETRY) return DecodeGeometry;
      return IsBytesWire(wire) ? DecodeBinary : nullptr;
    default: return nullptr;
  }
}

}  // namespace

Result<RowDecoder> RowDecoder::Create(const MYSQL_FIELD* fields, size_t field_count, const Schema& schema,
                                      config::ZeroDates zero_dates) {
  if (field_count != schema.fields.size()) {
    return SchemaMismatch("the query returns {} columns but the schema has {}", field_count, schema.fields.size());
  }
  RowDecoder decoder;
  decoder.zero_dates_ = zero_dates;
  for (size_t column_idx = 0; column_idx < field_count; ++column_idx) {
    const Field& wanted = schema.fields[column_idx];
    ColumnDecoder column_decoder = DecoderFor(fields[column_idx], wanted.type);
    if (column_decoder == nullptr) {
      return SchemaMismatch(
          "column {} is now a {} in the source, which cannot be read as the {} it was when the run started "
          "(was the table altered during the run? run again to pick up the new shape)",
          wanted.name, WireTypeName(fields[column_idx]), wanted.type.ToString());
    }
    decoder.decoders_.push_back(column_decoder);
    decoder.bounds_.push_back(BoundsOf(wanted.type.id));
  }
  decoder.columns_.assign(field_count, nullptr);
  return decoder;
}

void RowDecoder::OnColumn(void* data, unsigned int column, unsigned char** row) {
  auto* self = static_cast<RowDecoder*>(data);
  ColumnVector* out = self->columns_[column];
  if (row == nullptr) {
    out->AppendNull();
    return;
  }
  self->current_column_ = column;
  const unsigned char* position = *row;
  self->decoders_[column](&position, out, self);
  *row = const_cast<unsigned char*>(position);
}

void RowDecoder::Target(ColumnBatch* batch) {
  for (size_t column_idx = 0; column_idx < columns_.size(); ++column_idx) {
    columns_[column_idx] = &batch->column(column_idx);
  }
}

void RowDecoder::Fail(ColumnVector* out, Status error) {
  if (row_error_.ok()) {
    row_error_ = std::move(error);
    row_error_column_ = current_column_;
  }
  out->AppendNull();
}

void RowDecoder::ZeroDate(ColumnVector* out, const WireDateTime& value, bool with_time) {
  if (zero_dates_ == config::ZeroDates::kNull) {
    ++zero_dates_nulled_;
    out->AppendNull();
    return;
  }
  bool zero = value.year == 0 && value.month == 0 && value.day == 0;
  std::string text = fmt::format("{:04d}-{:02d}-{:02d}", value.year, value.month, value.day);
  if (with_time) fmt::format_to(std::back_inserter(text), " {:02d}:{:02d}:{:02d}", value.hour, value.minute, value.second);
  if (with_time && value.micros != 0) fmt::format_to(std::back_inserter(text), ".{:06d}", value.micros);
  Fail(out, DataError("{} date '{}' (zero_dates: error; with zero_dates: null it is loaded as NULL)",
                      zero ? "zero" : "invalid", text));
}

}  // namespace sluice::source::mysql
