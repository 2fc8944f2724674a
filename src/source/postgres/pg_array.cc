#include "source/postgres/pg_array.h"

#include <charconv>
#include <cmath>
#include <limits>
#include <vector>

#include <fmt/format.h>

#include "source/postgres/pg_numeric.h"
#include "source/postgres/pg_wire.h"
#include "types/temporal.h"

namespace sluice::source::postgres {
namespace {

constexpr int kMaxDimensions = 6;  // PostgreSQL's MAXDIM
constexpr size_t kUuidBytes = 16;

Status Malformed(std::string_view what) { return DataError("a binary array is malformed: {}", what); }

Status CheckSize(std::string_view value, size_t size) {
  if (value.size() != size) return DataError("an array element of {} bytes, expected {}", value.size(), size);
  return Status::Ok();
}

template <typename Number>
void AppendNumber(Number number, std::string* out) {
  char buffer[64];
  auto result = std::to_chars(buffer, buffer + sizeof(buffer), number);
  out->append(buffer, result.ptr);
}

template <typename Float>
void AppendFloat(Float number, std::string* out) {
  if (std::isnan(number)) {
    out->append("\"NaN\"");
  } else if (std::isinf(number)) {
    out->append(number > 0 ? "\"Infinity\"" : "\"-Infinity\"");
  } else {
    AppendNumber(number, out);
  }
}

Status AppendNumericJson(std::string_view value, std::string* out) {
  SLUICE_ASSIGN_OR_RETURN(NumericValue numeric, ParseNumeric(value));
  if (!numeric.SpecialName().empty()) {
    AppendJsonString(numeric.SpecialName(), out);
  } else {
    AppendNumericText(numeric, out);
  }
  return Status::Ok();
}

void AppendQuoted(std::string_view text, std::string* out) {
  out->push_back('"');
  out->append(text);
  out->push_back('"');
}

Status AppendTemporalJson(std::string_view value, PgKind kind, std::string* out) {
  if (kind == PgKind::kDate) {
    SLUICE_RETURN_IF_ERROR(CheckSize(value, 4));
    int32_t days = LoadInt32(value.data());
    if (days == std::numeric_limits<int32_t>::max() || days == std::numeric_limits<int32_t>::min()) {
      AppendQuoted(days > 0 ? "infinity" : "-infinity", out);
    } else {
      AppendQuoted(FormatDate(days + kPgEpochDays), out);
    }
    return Status::Ok();
  }
  SLUICE_RETURN_IF_ERROR(CheckSize(value, 8));
  int64_t micros = LoadInt64(value.data());
  if (kind == PgKind::kTime) {
    AppendQuoted(FormatTime(micros), out);
  } else if (micros == std::numeric_limits<int64_t>::max() || micros == std::numeric_limits<int64_t>::min()) {
    AppendQuoted(micros > 0 ? "infinity" : "-infinity", out);
  } else {
    std::string text = FormatTimestampIso(micros + kPgEpochMicros);
    if (kind == PgKind::kTimestamp) text.pop_back();  // wall clock: no "Z"
    AppendQuoted(text, out);
  }
  return Status::Ok();
}

Status AppendElementJson(std::string_view value, PgKind kind, std::string* out) {
  switch (kind) {
    case PgKind::kInt2: SLUICE_RETURN_IF_ERROR(CheckSize(value, 2)); AppendNumber(LoadInt16(value.data()), out); break;
    case PgKind::kInt4: SLUICE_RETURN_IF_ERROR(CheckSize(value, 4)); AppendNumber(LoadInt32(value.data()), out); break;
    case PgKind::kOid: SLUICE_RETURN_IF_ERROR(CheckSize(value, 4)); AppendNumber(LoadUInt32(value.data()), out); break;
    case PgKind::kInt8: SLUICE_RETURN_IF_ERROR(CheckSize(value, 8)); AppendNumber(LoadInt64(value.data()), out); break;
    case PgKind::kFloat4:
      SLUICE_RETURN_IF_ERROR(CheckSize(value, 4));
      AppendFloat(std::bit_cast<float>(LoadUInt32(value.data())), out);
      break;
    case PgKind::kFloat8:
      SLUICE_RETURN_IF_ERROR(CheckSize(value, 8));
      AppendFloat(std::bit_cast<double>(LoadUInt64(value.data())), out);
      break;
    case PgKind::kBool: SLUICE_RETURN_IF_ERROR(CheckSize(value, 1)); out->append(value[0] ? "true" : "false"); break;
    case PgKind::kNumeric: return AppendNumericJson(value, out);
    case PgKind::kDate:
    case PgKind::kTimestamp:
    case PgKind::kTimestampTz:
    case PgKind::kTime: return AppendTemporalJson(value, kind, out);
    case PgKind::kJson: out->append(value); break;
    case PgKind::kJsonb:
      if (value.empty() || value[0] != 1) return DataError("a jsonb array element has an unknown version");
      out->append(value.substr(1));
      break;
    case PgKind::kUuid:
      SLUICE_RETURN_IF_ERROR(CheckSize(value, kUuidBytes));
      out->push_back('"');
      AppendUuidText(value, out);
      out->push_back('"');
      break;
    case PgKind::kBytea: {
      std::string hex = "\\x";
      for (unsigned char byte : value) fmt::format_to(std::back_inserter(hex), "{:02x}", byte);
      AppendJsonString(hex, out);
      break;
    }
    case PgKind::kText: AppendJsonString(value, out); break;
    case PgKind::kArray: return Malformed("an element is itself an array");
  }
  return Status::Ok();
}

struct ArrayCursor {
  std::string_view rest;  // the elements not yet read
  PgKind element_kind;
};

// Appends dimension `dimension` of the array (all of it below) as nested JSON arrays.
Status AppendDimension(const std::vector<int32_t>& lengths, size_t dimension, ArrayCursor* cursor, std::string* out) {
  out->push_back('[');
  for (int32_t index = 0; index < lengths[dimension]; ++index) {
    if (index > 0) out->push_back(',');
    if (dimension + 1 < lengths.size()) {
      SLUICE_RETURN_IF_ERROR(AppendDimension(lengths, dimension + 1, cursor, out));
      continue;
    }
    if (cursor->rest.size() < 4) return Malformed("it ends inside an element");
    int32_t length = LoadInt32(cursor->rest.data());
    cursor->rest.remove_prefix(4);
    if (length == -1) {
      out->append("null");
      continue;
    }
    if (length < 0 || static_cast<size_t>(length) > cursor->rest.size()) return Malformed("an element overruns it");
    SLUICE_RETURN_IF_ERROR(AppendElementJson(cursor->rest.substr(0, static_cast<size_t>(length)), cursor->element_kind, out));
    cursor->rest.remove_prefix(static_cast<size_t>(length));
  }
  out->push_back(']');
  return Status::Ok();
}

}  // namespace

void AppendJsonString(std::string_view text, std::string* out) {
  out->push_back('"');
  for (char c : text) {
    switch (c) {
      case '"': out->append("\\\""); break;
      case '\\': out->append("\\\\"); break;
      case '\n': out->append("\\n"); break;
      case '\r': out->append("\\r"); break;
      case '\t': out->append("\\t"); break;
      case '\b': out->append("\\b"); break;
      case '\f': out->append("\\f"); break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          fmt::format_to(std::back_inserter(*out), "\\u{:04x}", static_cast<unsigned>(c));
        } else {
          out->push_back(c);
        }
    }
  }
  out->push_back('"');
}

void AppendUuidText(std::string_view uuid_bytes, std::string* out) {
  static constexpr char kHex[] = "0123456789abcdef";
  char text[36];
  size_t position = 0;
  for (size_t byte_idx = 0; byte_idx < kUuidBytes; ++byte_idx) {
    if (byte_idx == 4 || byte_idx == 6 || byte_idx == 8 || byte_idx == 10) text[position++] = '-';
    auto byte = static_cast<unsigned char>(uuid_bytes[byte_idx]);
    text[position++] = kHex[byte >> 4];
    text[position++] = kHex[byte & 0xf];
  }
  out->append(text, sizeof(text));
}

Status AppendArrayJson(std::string_view value, PgKind element_kind, std::string* out) {
  if (value.size() < 12) return Malformed("shorter than its header");
  int32_t dimensions = LoadInt32(value.data());
  if (dimensions < 0 || dimensions > kMaxDimensions) return Malformed("bad number of dimensions");
  if (value.size() < 12 + 8 * static_cast<size_t>(dimensions)) return Malformed("shorter than its header");
  if (dimensions == 0) {
    out->append("[]");
    return Status::Ok();
  }
  std::vector<int32_t> lengths(static_cast<size_t>(dimensions));
  int64_t elements = 1;
  for (int32_t dimension = 0; dimension < dimensions; ++dimension) {
    lengths[static_cast<size_t>(dimension)] = LoadInt32(value.data() + 12 + 8 * dimension);
    if (lengths[static_cast<size_t>(dimension)] < 0) return Malformed("a negative dimension");
    elements *= lengths[static_cast<size_t>(dimension)];
    if (elements * 4 > static_cast<int64_t>(value.size())) return Malformed("fewer elements than its dimensions");
  }
  ArrayCursor cursor{value.substr(12 + 8 * static_cast<size_t>(dimensions)), element_kind};
  SLUICE_RETURN_IF_ERROR(AppendDimension(lengths, 0, &cursor, out));
  if (!cursor.rest.empty()) return Malformed("bytes left after the last element");
  return Status::Ok();
}

}  // namespace sluice::source::postgres
