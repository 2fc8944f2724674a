#include "source/postgres/pg_decode.h"

#include <limits>

#include "source/postgres/pg_array.h"
#include "source/postgres/pg_numeric.h"
#include "source/postgres/pg_wire.h"
#include "source/text_values.h"
#include "types/temporal.h"
#include "types/value.h"

namespace sluice::source::postgres {
namespace {

constexpr int32_t kMinDays = -719162;  // 0001-01-01
constexpr int32_t kMaxDays = 2932896;  // 9999-12-31
constexpr int64_t kMinMicros = int64_t{kMinDays} * kMicrosPerDay;
constexpr int64_t kMaxMicros = (int64_t{kMaxDays} + 1) * kMicrosPerDay - 1;
constexpr size_t kUuidBytes = 16;
constexpr size_t kMaxDescribedTextBytes = 100;

bool Fail(DecodeContext* context, Status status) {
  context->error = std::move(status);
  return false;
}

bool WrongSize(std::string_view value, const PgColumnType& column, DecodeContext* context) {
  return Fail(context, DataError("a {} value of {} bytes is malformed", column.source_type, value.size()));
}

// ±infinity in a date or timestamp column: NULL and counted, or an error (zero_dates).
bool Infinity(bool positive, const PgColumnType& column, ColumnVector* out, DecodeContext* context) {
  if (context->zero_dates == config::ZeroDates::kError) {
    return Fail(context, DataError("'{}' cannot be held by a {} (zero_dates: error; with zero_dates: null it becomes NULL)",
                                   positive ? "infinity" : "-infinity", column.type.ToString()));
  }
  ++context->zero_dates_nulled;
  out->AppendNull();
  return true;
}

template <typename Storage, typename Wire, Wire (*kLoad)(const char*)>
bool DecodeFixed(std::string_view value, const PgColumnType& column, ColumnVector* out, DecodeContext* context) {
  if (value.size() != sizeof(Wire)) [[unlikely]]
    return WrongSize(value, column, context);
  out->Append<Storage>(static_cast<Storage>(kLoad(value.data())));
  return true;
}

bool DecodeFloat4(std::string_view value, const PgColumnType& column, ColumnVector* out, DecodeContext* context) {
  if (value.size() != 4) [[unlikely]]
    return WrongSize(value, column, context);
  out->Append<float>(std::bit_cast<float>(LoadUInt32(value.data())));
  return true;
}

bool DecodeFloat8(std::string_view value, const PgColumnType& column, ColumnVector* out, DecodeContext* context) {
  if (value.size() != 8) [[unlikely]]
    return WrongSize(value, column, context);
  out->Append<double>(std::bit_cast<double>(LoadUInt64(value.data())));
  return true;
}

bool DecodeBool(std::string_view value, const PgColumnType& column, ColumnVector* out, DecodeContext* context) {
  if (value.size() != 1) [[unlikely]]
    return WrongSize(value, column, context);
  out->Append<uint8_t>(value[0] != 0 ? 1 : 0);
  return true;
}

bool NotANumber(const NumericValue& numeric, const PgColumnType& column, DecodeContext* context) {
  return Fail(context, DataError("{} is not a {} (a decimal holds no NaN or Infinity)", numeric.SpecialName(),
                                 column.type.ToString()));
}

template <typename Storage>
bool DecodeNumericFixed(std::string_view value, const PgColumnType& column, ColumnVector* out,
                        DecodeContext* context) {
  auto numeric = ParseNumeric(value);
  if (!numeric) [[unlikely]]
    return Fail(context, numeric.error());
  auto unscaled = NumericUnscaled(*numeric, column.type.precision, column.type.scale);
  if (!unscaled) [[unlikely]] {
    if (!numeric->SpecialName().empty()) return NotANumber(*numeric, column, context);
    return Fail(context, DataError("{} is not a {}: {}", column.source_type, column.type.ToString(),
                                   unscaled.error().message()));
  }
  out->Append<Storage>(static_cast<Storage>(*unscaled));
  return true;
}

bool DecodeNumericText(std::string_view value, const PgColumnType& column, ColumnVector* out,
                       DecodeContext* context) {
  auto numeric = ParseNumeric(value);
  if (!numeric) return Fail(context, numeric.error());
  // Exact text holds NaN and ±Infinity as PostgreSQL spells them, as a double column holds its specials.
  if (!numeric->SpecialName().empty()) {
    out->AppendBytes(numeric->SpecialName());
    return true;
  }
  context->scratch.clear();
  AppendNumericText(*numeric, &context->scratch);
  if (column.type.precision == 0) {
    out->AppendBytes(context->scratch);
    return true;
  }
  std::string exact;
  Status fits = AppendDecimalText(context->scratch, column.type, &exact);
  if (!fits.ok()) return Fail(context, fits);
  out->AppendBytes(exact);
  return true;
}

bool DecodeDate(std::string_view value, const PgColumnType& column, ColumnVector* out, DecodeContext* context) {
  if (value.size() != 4) [[unlikely]]
    return WrongSize(value, column, context);
  int32_t days = LoadInt32(value.data());
  if (days == std::numeric_limits<int32_t>::max() || days == std::numeric_limits<int32_t>::min()) [[unlikely]]
    return Infinity(days > 0, column, out, context);
  int64_t unix_days = int64_t{days} + kPgEpochDays;
  if (unix_days < kMinDays || unix_days > kMaxDays) [[unlikely]] {
    CivilDate date = CivilFromDays(unix_days);
    return Fail(context, DataError("the date {}{}-{:02d}-{:02d} is outside the years 0001..9999 a date can hold",
                                   date.year <= 0 ? "BC " : "", date.year <= 0 ? 1 - date.year : date.year,
                                   date.month, date.day));
  }
  out->Append<int32_t>(static_cast<int32_t>(unix_days));
  return true;
}

bool DecodeTimestamp(std::string_view value, const PgColumnType& column, ColumnVector* out,
                       DecodeContext* context) {
  if (value.size() != 8) [[unlikely]]
    return WrongSize(value, column, context);
  int64_t micros = LoadInt64(value.data());
  if (micros == std::numeric_limits<int64_t>::max() || micros == std::numeric_limits<int64_t>::min()) [[unlikely]]
    return Infinity(micros > 0, column, out, context);
  micros += kPgEpochMicros;
  if (micros < kMinMicros || micros > kMaxMicros) [[unlikely]] {
    return Fail(context, DataError("a {} outside the years 0001..9999 ({} µs from 1970) cannot be held",
                                   column.type.ToString(), micros));
  }
  out->Append<int64_t>(micros);
  return true;
}

bool DecodeBytes(std::string_view value, const PgColumnType&, ColumnVector* out, DecodeContext*) {
  out->AppendBytes(value);
  return true;
}

bool DecodeJsonb(std::string_view value, const PgColumnType& column, ColumnVector* out, DecodeContext* context) {
  if (value.empty() || value[0] != 1) [[unlikely]]
    return Fail(context, DataError("a {} value has an unknown format version", column.source_type));
  out->AppendBytes(value.substr(1));
  return true;
}

bool DecodeUuid(std::string_view value, const PgColumnType& column, ColumnVector* out, DecodeContext* context) {
  if (value.size() != kUuidBytes) [[unlikely]]
    return WrongSize(value, column, context);
  context->scratch.clear();
  AppendUuidText(value, &context->scratch);
  out->AppendBytes(context->scratch);
  return true;
}

bool DecodeArray(std::string_view value, const PgColumnType& column, ColumnVector* out, DecodeContext* context) {
  context->scratch.clear();
  Status appended = AppendArrayJson(value, column.element_kind, &context->scratch);
  if (!appended.ok()) return Fail(context, appended);
  out->AppendBytes(context->scratch);
  return true;
}

FieldDecoder NumericDecoder(const DataType& type) {
  switch (type.storage()) {
    case Storage::kInt64: return DecodeNumericFixed<int64_t>;
    case Storage::kInt128: return DecodeNumericFixed<__int128>;
    default: return DecodeNumericText;
  }
}

}  // namespace

FieldDecoder DecoderFor(const PgColumnType& column) {
  switch (column.kind) {
    case PgKind::kInt2: return DecodeFixed<int32_t, int16_t, LoadInt16>;
    case PgKind::kInt4: return DecodeFixed<int32_t, int32_t, LoadInt32>;
    case PgKind::kInt8: return DecodeFixed<int64_t, int64_t, LoadInt64>;
    case PgKind::kOid: return DecodeFixed<int64_t, uint32_t, LoadUInt32>;
    case PgKind::kFloat4: return DecodeFloat4;
    case PgKind::kFloat8: return DecodeFloat8;
    case PgKind::kBool: return DecodeBool;
    case PgKind::kNumeric: return NumericDecoder(column.type);
    case PgKind::kDate: return DecodeDate;
    case PgKind::kTimestamp:
    case PgKind::kTimestampTz: return DecodeTimestamp;
    case PgKind::kTime: return DecodeFixed<int64_t, int64_t, LoadInt64>;
    case PgKind::kText:
    case PgKind::kJson:
    case PgKind::kBytea: return DecodeBytes;
    case PgKind::kJsonb: return DecodeJsonb;
    case PgKind::kUuid: return DecodeUuid;
    case PgKind::kArray: return DecodeArray;
  }
  return DecodeBytes;
}

std::string DescribeValue(std::string_view value, const PgColumnType& column) {
  ColumnVector decoded(column.type);
  DecodeContext context;
  bool decoded_ok = DecoderFor(column)(value, column, &decoded, &context);
  if (decoded_ok && decoded.size() == 1 && !decoded.IsNull(0)) {
    if (auto as_value = ValueAt(decoded, 0)) {
      std::string text = as_value->ToString();
      bool quoted = column.kind == PgKind::kText || column.kind == PgKind::kUuid;
      if (text.size() > kMaxDescribedTextBytes) text = text.substr(0, kMaxDescribedTextBytes) + "...";
      return quoted ? "'" + text + "'" : text;
    }
  }
  return "a " + column.source_type + " value";
}

}  // namespace sluice::source::postgres
