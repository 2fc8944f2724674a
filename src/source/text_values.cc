#include "source/text_values.h"

#include <charconv>
#include <cstring>

#include "types/temporal.h"

namespace sluice::source {
namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

int DigitsAt(std::string_view text, size_t position, size_t count) {
  int value = 0;
  for (size_t digit_idx = 0; digit_idx < count; ++digit_idx) value = value * 10 + (text[position + digit_idx] - '0');
  return value;
}

}  // namespace

std::string_view FormatDoubleShortest(double value, bool fixed, std::span<char, kDoubleTextBufferSize> buffer) {
  char* begin = buffer.data();
  auto result = fixed ? std::to_chars(begin, begin + buffer.size(), value, std::chars_format::fixed)
                      : std::to_chars(begin, begin + buffer.size(), value);
  return std::string_view(begin, static_cast<size_t>(result.ptr - begin));
}

bool IsZeroOrInvalidDate(std::string_view text) {
  if (text.size() < 10 || text[4] != '-' || text[7] != '-') return false;
  for (size_t position : {0, 1, 2, 3, 5, 6, 8, 9}) {
    if (!IsDigit(text[position])) return false;
  }
  return !IsValidCivilDate(DigitsAt(text, 0, 4), DigitsAt(text, 5, 2), DigitsAt(text, 8, 2));
}

Result<int64_t> ParseTimeMicros(std::string_view text) {
  auto bad = [&]() { return InvalidArgument("'{}' is not a time (expected HH:MM:SS[.ffffff])", text); };
  std::string_view rest = text;
  bool negative = !rest.empty() && rest[0] == '-';
  if (negative) rest.remove_prefix(1);
  size_t hour_digits = 0;
  while (hour_digits < rest.size() && IsDigit(rest[hour_digits])) ++hour_digits;
  if (hour_digits == 0 || hour_digits > 6 || rest.size() < hour_digits + 6) return bad();
  int64_t hours = 0;
  for (size_t digit_idx = 0; digit_idx < hour_digits; ++digit_idx) hours = hours * 10 + (rest[digit_idx] - '0');
  rest.remove_prefix(hour_digits);
  if (rest[0] != ':' || !IsDigit(rest[1]) || !IsDigit(rest[2]) || rest[3] != ':' || !IsDigit(rest[4]) ||
      !IsDigit(rest[5])) {
    return bad();
  }
  int minutes = DigitsAt(rest, 1, 2);
  int seconds = DigitsAt(rest, 4, 2);
  if (minutes > 59 || seconds > 59) return bad();
  rest.remove_prefix(6);
  int64_t fraction = 0;
  if (!rest.empty()) {
    if (rest[0] != '.' || rest.size() < 2 || rest.size() > 7) return bad();
    for (size_t digit_idx = 1; digit_idx < 7; ++digit_idx) {
      if (digit_idx < rest.size() && !IsDigit(rest[digit_idx])) return bad();
      fraction = fraction * 10 + (digit_idx < rest.size() ? rest[digit_idx] - '0' : 0);
    }
  }
  int64_t micros = ((hours * 60 + minutes) * 60 + seconds) * kMicrosPerSecond + fraction;
  return negative ? -micros : micros;
}

Result<int64_t> ParseTimestampWithOffset(std::string_view text) {
  // The offset follows a time ("YYYY-MM-DD HH:MM:SS" is 19 characters).
  size_t sign_position = text.size() >= 22 ? text.find_last_of("+-") : std::string_view::npos;
  if (sign_position == std::string_view::npos || sign_position < 19) return ParseTimestamp(text);
  std::string_view offset = text.substr(sign_position + 1);
  bool hours_only = offset.size() == 2 && IsDigit(offset[0]) && IsDigit(offset[1]);
  bool hours_minutes = offset.size() == 5 && IsDigit(offset[0]) && IsDigit(offset[1]) && offset[2] == ':' &&
                       IsDigit(offset[3]) && IsDigit(offset[4]);
  if (!hours_only && !hours_minutes) return ParseTimestamp(text);
  int offset_minutes = DigitsAt(offset, 0, 2) * 60 + (hours_minutes ? DigitsAt(offset, 3, 2) : 0);
  if (offset_minutes > 18 * 60) return InvalidArgument("'{}' has a zone offset beyond 18 hours", text);
  SLUICE_ASSIGN_OR_RETURN(int64_t local_micros, ParseTimestamp(text.substr(0, sign_position)));
  int64_t offset_micros = static_cast<int64_t>(offset_minutes) * 60 * kMicrosPerSecond;
  return text[sign_position] == '+' ? local_micros - offset_micros : local_micros + offset_micros;
}

Status AppendDecimalText(std::string_view text, const DataType& type, std::string* out) {
  auto bad = [&](std::string_view why) { return DataError("'{}' is not a {}: {}", text, type.ToString(), why); };
  std::string_view body = text;
  bool negative = !body.empty() && body[0] == '-';
  if (!body.empty() && (body[0] == '-' || body[0] == '+')) body.remove_prefix(1);
  size_t dot = body.find('.');
  std::string_view integer_part = body.substr(0, dot);
  std::string_view fraction_part = dot == std::string_view::npos ? std::string_view() : body.substr(dot + 1);
  if (integer_part.empty() && fraction_part.empty()) return bad("no digits");
  for (char c : integer_part) {
    if (!IsDigit(c)) return bad("unexpected character");
  }
  for (char c : fraction_part) {
    if (!IsDigit(c)) return bad("unexpected character");
  }
  while (!integer_part.empty() && integer_part[0] == '0') integer_part.remove_prefix(1);
  if (type.precision > 0) {
    while (fraction_part.size() > type.scale) {
      if (fraction_part.back() != '0') return bad("more fraction digits than the scale (would round)");
      fraction_part.remove_suffix(1);
    }
    if (integer_part.size() > static_cast<size_t>(type.precision - type.scale)) return bad("too many integer digits");
  }
  bool zero = integer_part.find_first_not_of('0') == std::string_view::npos &&
              fraction_part.find_first_not_of('0') == std::string_view::npos;
  if (negative && !zero) out->push_back('-');
  if (integer_part.empty()) out->push_back('0');
  out->append(integer_part);
  size_t fraction_digits = type.precision > 0 ? type.scale : fraction_part.size();
  if (fraction_digits > 0) {
    out->push_back('.');
    out->append(fraction_part);
    out->append(fraction_digits - fraction_part.size(), '0');
  }
  return Status::Ok();
}

bool IsValidUtf8(std::string_view bytes) {
  const auto* data = reinterpret_cast<const unsigned char*>(bytes.data());
  size_t size = bytes.size();
  size_t position = 0;
  while (position < size) {
    // ASCII fast path, 8 bytes at a time.
    if (position + 8 <= size) {
      uint64_t chunk;
      std::memcpy(&chunk, data + position, 8);
      if ((chunk & 0x8080808080808080ULL) == 0) {
        position += 8;
        continue;
      }
    }
    unsigned char lead = data[position];
    if (lead < 0x80) {
      ++position;
      continue;
    }
    size_t length;
    uint32_t code_point;
    if (lead >= 0xC2 && lead <= 0xDF) {
      length = 2, code_point = lead & 0x1F;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
      length = 3, code_point = lead & 0x0F;
    } else if (lead >= 0xF0 && lead <= 0xF4) {
      length = 4, code_point = lead & 0x07;
    } else {
      return false;
    }
    if (position + length > size) return false;
    for (size_t continuation = 1; continuation < length; ++continuation) {
      unsigned char c = data[position + continuation];
      if ((c & 0xC0) != 0x80) return false;
      code_point = (code_point << 6) | (c & 0x3F);
    }
    if ((length == 3 && code_point < 0x800) || (length == 4 && code_point < 0x10000) || code_point > 0x10FFFF ||
        (code_point >= 0xD800 && code_point <= 0xDFFF)) {
      return false;
    }
    position += length;
  }
  return true;
}

Result<int64_t> ParseServerInt64(std::string_view text, std::string_view what) {
  int64_t value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() || text.empty()) {
    return InvalidArgument("{}: expected an integer from the server, got '{}'", what, text.substr(0, 40));
  }
  return value;
}

}  // namespace sluice::source
