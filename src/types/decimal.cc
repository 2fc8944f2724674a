#include "types/decimal.h"

#include <algorithm>

namespace sluice {

__int128 PowerOfTen(int exponent) {
  __int128 value = 1;
  for (int step = 0; step < exponent; ++step) value *= 10;
  return value;
}

std::string Int128ToString(__int128 value) {
  if (value == 0) return "0";
  bool negative = value < 0;
  unsigned __int128 magnitude = negative ? -static_cast<unsigned __int128>(value) : static_cast<unsigned __int128>(value);
  std::string digits;
  while (magnitude > 0) {
    digits.push_back(static_cast<char>('0' + static_cast<int>(magnitude % 10)));
    magnitude /= 10;
  }
  if (negative) digits.push_back('-');
  std::reverse(digits.begin(), digits.end());
  return digits;
}

std::string FormatDecimal(__int128 unscaled, int scale) {
  std::string digits = Int128ToString(unscaled);
  if (scale <= 0) return digits;
  bool negative = !digits.empty() && digits[0] == '-';
  if (negative) digits.erase(0, 1);
  if (digits.size() <= static_cast<size_t>(scale)) digits.insert(0, static_cast<size_t>(scale) + 1 - digits.size(), '0');
  digits.insert(digits.size() - static_cast<size_t>(scale), 1, '.');
  return negative ? "-" + digits : digits;
}

Result<__int128> ParseDecimal(std::string_view text, int precision, int scale) {
  auto bad = [&](std::string_view why) {
    return DataError("'{}' is not a decimal({},{}): {}", text, precision, scale, why);
  };
  std::string_view body = text;
  bool negative = false;
  if (!body.empty() && (body[0] == '-' || body[0] == '+')) {
    negative = body[0] == '-';
    body.remove_prefix(1);
  }
  size_t dot = body.find('.');
  std::string_view integer_part = body.substr(0, dot);
  std::string_view fraction_part = dot == std::string_view::npos ? std::string_view() : body.substr(dot + 1);
  if (integer_part.empty() && fraction_part.empty()) return bad("no digits");
  for (char c : integer_part) {
    if (c < '0' || c > '9') return bad("unexpected character");
  }
  for (char c : fraction_part) {
    if (c < '0' || c > '9') return bad("unexpected character");
  }
  while (fraction_part.size() > static_cast<size_t>(scale)) {
    if (fraction_part.back() != '0') return bad("more fraction digits than the scale (would round)");
    fraction_part.remove_suffix(1);
  }
  while (integer_part.size() > 1 && integer_part[0] == '0') integer_part.remove_prefix(1);
  if (integer_part == "0") integer_part = {};
  if (integer_part.size() > static_cast<size_t>(precision - scale)) return bad("too many integer digits");
  __int128 value = 0;
  for (char c : integer_part) value = value * 10 + (c - '0');
  for (char c : fraction_part) value = value * 10 + (c - '0');
  value *= PowerOfTen(scale - static_cast<int>(fraction_part.size()));
  return negative ? -value : value;
}

}  // namespace sluice
