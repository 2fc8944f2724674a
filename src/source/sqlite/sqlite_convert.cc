#include "source/sqlite/sqlite_convert.h"

#include <array>
#include <charconv>
#include <cmath>
#include <limits>

#include "source/text_values.h"
#include "types/decimal.h"
#include "types/temporal.h"

namespace sluice::source::sqlite {
namespace {

// 0001-01-01T00:00:00 and 9999-12-31T23:59:59 as unix epoch seconds.
constexpr int64_t kMinEpochSeconds = -62135596800;
constexpr int64_t kMaxEpochSeconds = 253402300799;
constexpr double kTwoPow63 = 9223372036854775808.0;
constexpr double kTwoPow64 = 18446744073709551616.0;

std::string_view TextOf(sqlite3_stmt* statement, int column_idx) {
  const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(statement, column_idx));
  if (text == nullptr) return {};
  return std::string_view(text, static_cast<size_t>(sqlite3_column_bytes(statement, column_idx)));
}

std::string_view BlobOf(sqlite3_stmt* statement, int column_idx) {
  const auto* blob = static_cast<const char*>(sqlite3_column_blob(statement, column_idx));
  if (blob == nullptr) return {};
  return std::string_view(blob, static_cast<size_t>(sqlite3_column_bytes(statement, column_idx)));
}

// "the integer 42", "the real 1.5", "'abc'", "a blob of 3 bytes": for messages only.
std::string DescribeValue(sqlite3_stmt* statement, int column_idx) {
  std::array<char, kDoubleTextBufferSize> buffer;
  switch (sqlite3_column_type(statement, column_idx)) {
    case SQLITE_INTEGER: return fmt::format("the integer {}", sqlite3_column_int64(statement, column_idx));
    case SQLITE_FLOAT:
      return fmt::format("the real {}",
                         FormatDoubleShortest(sqlite3_column_double(statement, column_idx), false, buffer));
    case SQLITE_TEXT: {
      std::string_view text = TextOf(statement, column_idx);
      return text.size() <= 100 ? fmt::format("'{}'", text) : fmt::format("'{}...'", text.substr(0, 100));
    }
    case SQLITE_BLOB: return fmt::format("a blob of {} bytes", sqlite3_column_bytes(statement, column_idx));
    default: return "NULL";
  }
}

Status NotA(sqlite3_stmt* statement, int column_idx, const ColumnVector& out) {
  return DataError("{} is not a {}", DescribeValue(statement, column_idx), out.type().ToString());
}

// The value as an exact integer: INTEGER, a whole REAL, or integer TEXT.
Result<int64_t> ExactInteger(sqlite3_stmt* statement, int column_idx, const ColumnVector& out) {
  switch (sqlite3_column_type(statement, column_idx)) {
    case SQLITE_INTEGER: return sqlite3_column_int64(statement, column_idx);
    case SQLITE_FLOAT: {
      double value = sqlite3_column_double(statement, column_idx);
      if (value == std::trunc(value) && value >= -kTwoPow63 && value < kTwoPow63) return static_cast<int64_t>(value);
      break;
    }
    case SQLITE_TEXT: {
      std::string_view text = TextOf(statement, column_idx);
      int64_t value = 0;
      auto result = std::from_chars(text.data(), text.data() + text.size(), value);
      if (!text.empty() && result.ec == std::errc() && result.ptr == text.data() + text.size()) return value;
      break;
    }
    default: break;
  }
  return NotA(statement, column_idx, out);
}

template <typename StorageT, int64_t kMin, int64_t kMax>
Status ConvertInteger(sqlite3_stmt* statement, int column_idx, ColumnVector* out, ConvertContext*) {
  if (sqlite3_column_type(statement, column_idx) == SQLITE_NULL) {
    out->AppendNull();
    return Status::Ok();
  }
  SLUICE_ASSIGN_OR_RETURN(int64_t value, ExactInteger(statement, column_idx, *out));
  if (value < kMin || value > kMax) {
    return DataError("{} is out of range for {} ({}..{})", value, out->type().ToString(), kMin, kMax);
  }
  out->Append<StorageT>(static_cast<StorageT>(value));
  return Status::Ok();
}

Status ConvertUInt64(sqlite3_stmt* statement, int column_idx, ColumnVector* out, ConvertContext*) {
  int storage_class = sqlite3_column_type(statement, column_idx);
  if (storage_class == SQLITE_NULL) {
    out->AppendNull();
    return Status::Ok();
  }
  if (storage_class == SQLITE_TEXT) {
    std::string_view text = TextOf(statement, column_idx);
    uint64_t value = 0;
    auto result = std::from_chars(text.data(), text.data() + text.size(), value);
    if (text.empty() || result.ec != std::errc() || result.ptr != text.data() + text.size()) {
      return NotA(statement, column_idx, *out);
    }
    out->Append<uint64_t>(value);
    return Status::Ok();
  }
  if (storage_class == SQLITE_FLOAT) {
    double value = sqlite3_column_double(statement, column_idx);
    if (value != std::trunc(value) || value < 0 || value >= kTwoPow64) return NotA(statement, column_idx, *out);
    out->Append<uint64_t>(static_cast<uint64_t>(value));
    return Status::Ok();
  }
  SLUICE_ASSIGN_OR_RETURN(int64_t value, ExactInteger(statement, column_idx, *out));
  if (value < 0) return DataError("{} is out of range for uint64", value);
  out->Append<uint64_t>(static_cast<uint64_t>(value));
  return Status::Ok();
}

Status ConvertBoolean(sqlite3_stmt* statement, int column_idx, ColumnVector* out, ConvertContext*) {
  switch (sqlite3_column_type(statement, column_idx)) {
    case SQLITE_NULL: out->AppendNull(); return Status::Ok();
    case SQLITE_INTEGER: {
      int64_t value = sqlite3_column_int64(statement, column_idx);
      if (value != 0 && value != 1) break;
      out->Append<uint8_t>(static_cast<uint8_t>(value));
      return Status::Ok();
    }
    case SQLITE_TEXT: {
      std::string_view text = TextOf(statement, column_idx);
      auto equals = [&](std::string_view word) {
        return text.size() == word.size() &&
               sqlite3_strnicmp(text.data(), word.data(), static_cast<int>(text.size())) == 0;
      };
      if (!equals("true") && !equals("false") && text != "1" && text != "0") break;
      out->Append<uint8_t>(equals("true") || text == "1" ? 1 : 0);
      return Status::Ok();
    }
    default: break;
  }
  return DataError("{} is not a boolean (0, 1, 'true' or 'false')", DescribeValue(statement, column_idx));
}

template <typename FloatT>
Status ConvertFloat(sqlite3_stmt* statement, int column_idx, ColumnVector* out, ConvertContext*) {
  double value = 0;
  switch (sqlite3_column_type(statement, column_idx)) {
    case SQLITE_NULL: out->AppendNull(); return Status::Ok();
    case SQLITE_FLOAT: value = sqlite3_column_double(statement, column_idx); break;
    case SQLITE_INTEGER: {
      int64_t integer = sqlite3_column_int64(statement, column_idx);
      value = static_cast<double>(integer);
      if (value >= kTwoPow63 || static_cast<int64_t>(value) != integer) {
        return DataError("the integer {} has no exact {} value", integer, out->type().ToString());
      }
      break;
    }
    case SQLITE_TEXT: {
      std::string_view text = TextOf(statement, column_idx);
      auto result = std::from_chars(text.data(), text.data() + text.size(), value);
      if (text.empty() || result.ec != std::errc() || result.ptr != text.data() + text.size()) {
        return NotA(statement, column_idx, *out);
      }
      break;
    }
    default: return NotA(statement, column_idx, *out);
  }
  auto narrowed = static_cast<FloatT>(value);
  if (std::isfinite(value) && static_cast<double>(narrowed) != value) {
    return DataError("{} has no exact {} value", DescribeValue(statement, column_idx), out->type().ToString());
  }
  out->Append<FloatT>(narrowed);
  return Status::Ok();
}

Status ConvertDecimal(sqlite3_stmt* statement, int column_idx, ColumnVector* out, ConvertContext* context) {
  std::array<char, kDoubleTextBufferSize> buffer;
  std::string_view text;
  switch (sqlite3_column_type(statement, column_idx)) {
    case SQLITE_NULL: out->AppendNull(); return Status::Ok();
    case SQLITE_INTEGER: {
      auto result =
          std::to_chars(buffer.data(), buffer.data() + buffer.size(), sqlite3_column_int64(statement, column_idx));
      text = std::string_view(buffer.data(), static_cast<size_t>(result.ptr - buffer.data()));
      break;
    }
    case SQLITE_FLOAT: {
      double value = sqlite3_column_double(statement, column_idx);
      if (!std::isfinite(value)) return NotA(statement, column_idx, *out);
      text = FormatDoubleShortest(value, /*fixed=*/true, buffer);
      break;
    }
    case SQLITE_TEXT: text = TextOf(statement, column_idx); break;
    default: return NotA(statement, column_idx, *out);
  }
  const DataType& type = out->type();
  switch (type.storage()) {
    case Storage::kInt64: {
      SLUICE_ASSIGN_OR_RETURN(int128_t unscaled, ParseDecimal(text, type.precision, type.scale));
      out->Append<int64_t>(static_cast<int64_t>(unscaled));
      return Status::Ok();
    }
    case Storage::kInt128: {
      SLUICE_ASSIGN_OR_RETURN(int128_t unscaled, ParseDecimal(text, type.precision, type.scale));
      out->Append<int128_t>(unscaled);
      return Status::Ok();
    }
    default:
      context->scratch.clear();
      SLUICE_RETURN_IF_ERROR(AppendDecimalText(text, type, &context->scratch));
      out->AppendBytes(context->scratch);
      return Status::Ok();
  }
}

Status AppendZeroDate(std::string_view text, ColumnVector* out, ConvertContext* context) {
  if (context->zero_dates == config::ZeroDates::kError) {
    return DataError("'{}' is a zero or invalid date (zero_dates: error; zero_dates: null loads it as NULL)", text);
  }
  out->AppendNull();
  ++context->zero_dates_nulled;
  return Status::Ok();
}

Status ConvertDate(sqlite3_stmt* statement, int column_idx, ColumnVector* out, ConvertContext* context) {
  int storage_class = sqlite3_column_type(statement, column_idx);
  if (storage_class == SQLITE_NULL) {
    out->AppendNull();
    return Status::Ok();
  }
  if (storage_class != SQLITE_TEXT) {
    return DataError("{} is not a date (dates are read from 'YYYY-MM-DD' text)", DescribeValue(statement, column_idx));
  }
  std::string_view text = TextOf(statement, column_idx);
  if (IsZeroOrInvalidDate(text)) return AppendZeroDate(text, out, context);
  auto days = ParseDate(text);
  if (!days) return DataError(days.error().message());
  out->Append<int32_t>(*days);
  return Status::Ok();
}

// A unix epoch in seconds (INTEGER, or REAL with at most microsecond precision) as microseconds.
Result<int64_t> EpochMicros(sqlite3_stmt* statement, int column_idx) {
  if (sqlite3_column_type(statement, column_idx) == SQLITE_INTEGER) {
    int64_t seconds = sqlite3_column_int64(statement, column_idx);
    if (seconds >= kMinEpochSeconds && seconds <= kMaxEpochSeconds) return seconds * kMicrosPerSecond;
  } else {
    double seconds = sqlite3_column_double(statement, column_idx);
    std::array<char, kDoubleTextBufferSize> buffer;
    if (std::isfinite(seconds) && seconds >= static_cast<double>(kMinEpochSeconds) &&
        seconds < static_cast<double>(kMaxEpochSeconds + 1)) {
      auto micros = ParseDecimal(FormatDoubleShortest(seconds, /*fixed=*/true, buffer), 38, 6);
      if (!micros)
        return DataError("{} epoch seconds is finer than a microsecond", DescribeValue(statement, column_idx));
      return static_cast<int64_t>(*micros);
    }
  }
  return DataError("{} is outside the timestamp range as unix epoch seconds (years 0001-9999)",
                   DescribeValue(statement, column_idx));
}

// kTimestamp (wall clock: only UTC designators accepted) and kTimestampTz (any offset, converted to UTC).
template <bool kInstant>
Status ConvertTimestamp(sqlite3_stmt* statement, int column_idx, ColumnVector* out, ConvertContext* context) {
  switch (sqlite3_column_type(statement, column_idx)) {
    case SQLITE_NULL: out->AppendNull(); return Status::Ok();
    case SQLITE_INTEGER:
    case SQLITE_FLOAT: {
      SLUICE_ASSIGN_OR_RETURN(int64_t micros, EpochMicros(statement, column_idx));
      out->Append<int64_t>(micros);
      return Status::Ok();
    }
    case SQLITE_TEXT: {
      std::string_view text = TextOf(statement, column_idx);
      if (IsZeroOrInvalidDate(text)) return AppendZeroDate(text, out, context);
      auto micros = kInstant ? ParseTimestampWithOffset(text) : ParseTimestamp(text);
      if (!micros) return DataError(micros.error().message());
      out->Append<int64_t>(*micros);
      return Status::Ok();
    }
    default: return NotA(statement, column_idx, *out);
  }
}

Status ConvertTime(sqlite3_stmt* statement, int column_idx, ColumnVector* out, ConvertContext*) {
  int storage_class = sqlite3_column_type(statement, column_idx);
  if (storage_class == SQLITE_NULL) {
    out->AppendNull();
    return Status::Ok();
  }
  if (storage_class != SQLITE_TEXT) return NotA(statement, column_idx, *out);
  auto micros = ParseTimeMicros(TextOf(statement, column_idx));
  if (!micros) return DataError(micros.error().message());
  out->Append<int64_t>(*micros);
  return Status::Ok();
}

// kString and kJson: UTF-8 text; numbers in their exact shortest text.
Status ConvertText(sqlite3_stmt* statement, int column_idx, ColumnVector* out, ConvertContext*) {
  std::array<char, kDoubleTextBufferSize> buffer;
  switch (sqlite3_column_type(statement, column_idx)) {
    case SQLITE_NULL: out->AppendNull(); return Status::Ok();
    case SQLITE_INTEGER: {
      auto result =
          std::to_chars(buffer.data(), buffer.data() + buffer.size(), sqlite3_column_int64(statement, column_idx));
      out->AppendBytes(std::string_view(buffer.data(), static_cast<size_t>(result.ptr - buffer.data())));
      return Status::Ok();
    }
    case SQLITE_FLOAT:
      out->AppendBytes(FormatDoubleShortest(sqlite3_column_double(statement, column_idx), false, buffer));
      return Status::Ok();
    default: {
      bool is_text = sqlite3_column_type(statement, column_idx) == SQLITE_TEXT;
      std::string_view bytes = is_text ? TextOf(statement, column_idx) : BlobOf(statement, column_idx);
      if (!IsValidUtf8(bytes)) {
        return DataError("{} of {} bytes is not valid UTF-8, so it cannot be a {}", is_text ? "a text" : "a blob",
                         bytes.size(), out->type().ToString());
      }
      out->AppendBytes(bytes);
      return Status::Ok();
    }
  }
}

Status ConvertBinary(sqlite3_stmt* statement, int column_idx, ColumnVector* out, ConvertContext*) {
  switch (sqlite3_column_type(statement, column_idx)) {
    case SQLITE_NULL: out->AppendNull(); return Status::Ok();
    case SQLITE_BLOB: out->AppendBytes(BlobOf(statement, column_idx)); return Status::Ok();
    case SQLITE_TEXT: out->AppendBytes(TextOf(statement, column_idx)); return Status::Ok();
    default:
      return DataError("{} is not binary data (declare the column with a numeric type to read numbers)",
                       DescribeValue(statement, column_idx));
  }
}

}  // namespace

ColumnConverter ConverterFor(const DataType& type) {
  constexpr int64_t kInt64Min = std::numeric_limits<int64_t>::min();
  constexpr int64_t kInt64Max = std::numeric_limits<int64_t>::max();
  switch (type.id) {
    case TypeId::kBoolean: return ConvertBoolean;
    case TypeId::kInt8: return ConvertInteger<int32_t, -128, 127>;
    case TypeId::kInt16: return ConvertInteger<int32_t, -32768, 32767>;
    case TypeId::kInt32: return ConvertInteger<int32_t, -2147483648LL, 2147483647LL>;
    case TypeId::kInt64: return ConvertInteger<int64_t, kInt64Min, kInt64Max>;
    case TypeId::kUInt8: return ConvertInteger<int32_t, 0, 255>;
    case TypeId::kUInt16: return ConvertInteger<int32_t, 0, 65535>;
    case TypeId::kUInt32: return ConvertInteger<int64_t, 0, 4294967295LL>;
    case TypeId::kUInt64: return ConvertUInt64;
    case TypeId::kFloat32: return ConvertFloat<float>;
    case TypeId::kFloat64: return ConvertFloat<double>;
    case TypeId::kDecimal: return ConvertDecimal;
    case TypeId::kDate: return ConvertDate;
    case TypeId::kTime: return ConvertTime;
    case TypeId::kTimestamp: return ConvertTimestamp<false>;
    case TypeId::kTimestampTz: return ConvertTimestamp<true>;
    case TypeId::kString:
    case TypeId::kJson: return ConvertText;
    case TypeId::kBinary: return ConvertBinary;
  }
  return ConvertBinary;
}

}  // namespace sluice::source::sqlite
